#include "core/ikev2/encrypted_payload.h"

#include <string>

#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2 {
namespace {

using internal::Num;

Status CheckProtectedData(const Bytes& data, std::string_view what, size_t offset) {
  if (data.empty()) {
    return MakeError(ErrorCode::kBadLength,
                     std::string(what) + " payload carries no IV, ciphertext or ICV", offset);
  }
  return Status::Ok();
}

Status CheckFragmentNumbers(uint16_t number, uint16_t total, size_t body_offset) {
  // RFC 7383 §2.5: fragments are numbered from 1; the total is at least the number.
  if (number == 0) {
    return MakeError(ErrorCode::kBadValue, "SKF fragment number 0 is invalid (numbers start at 1)",
                     body_offset);
  }
  if (total < number) {
    return MakeError(ErrorCode::kBadValue,
                     "SKF fragment number " + Num(number) + " exceeds the total of " + Num(total),
                     body_offset + 2);
  }
  return Status::Ok();
}

}  // namespace

Result<EncryptedPayload> ParseEncryptedPayload(Reader& body, uint8_t next_payload_field) {
  EncryptedPayload sk;
  sk.first_inner_payload = static_cast<PayloadType>(next_payload_field);
  sk.data_offset = body.offset();
  IKEWOT_RETURN_IF_ERROR(internal::CopyBytes(body, body.remaining(), "SK data", &sk.data));
  IKEWOT_RETURN_IF_ERROR(CheckProtectedData(sk.data, "SK", sk.data_offset));
  return sk;
}

Status WriteEncryptedPayload(const EncryptedPayload& sk, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckProtectedData(sk.data, "SK", w.size()));
  w.Append(sk.data);
  return Status::Ok();
}

Result<EncryptedFragmentPayload> ParseEncryptedFragmentPayload(Reader& body,
                                                               uint8_t next_payload_field) {
  size_t start = body.offset();
  EncryptedFragmentPayload skf;
  skf.first_inner_payload = static_cast<PayloadType>(next_payload_field);
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(body, "SKF fragment number", &skf.fragment_number));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(body, "SKF total fragments", &skf.total_fragments));
  IKEWOT_RETURN_IF_ERROR(CheckFragmentNumbers(skf.fragment_number, skf.total_fragments, start));
  skf.data_offset = body.offset();
  IKEWOT_RETURN_IF_ERROR(internal::CopyBytes(body, body.remaining(), "SKF data", &skf.data));
  IKEWOT_RETURN_IF_ERROR(CheckProtectedData(skf.data, "SKF", skf.data_offset));
  return skf;
}

Status WriteEncryptedFragmentPayload(const EncryptedFragmentPayload& skf, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckFragmentNumbers(skf.fragment_number, skf.total_fragments, w.size()));
  IKEWOT_RETURN_IF_ERROR(CheckProtectedData(skf.data, "SKF", w.size() + 4));
  w.U16(skf.fragment_number);
  w.U16(skf.total_fragments);
  w.Append(skf.data);
  return Status::Ok();
}

}  // namespace ikewot::ikev2
