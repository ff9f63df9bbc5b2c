#include "core/ikev2/message.h"

#include <string>

#include "core/base/reader.h"
#include "core/base/writer.h"
#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2 {
namespace {

using internal::Num;

constexpr size_t kHeaderNextPayloadOffset = 16;
constexpr size_t kHeaderLengthOffset = 24;
constexpr uint8_t kCriticalBit = 0x80;
constexpr uint8_t kReservedBitsMask = 0x7f;

bool IsEncryptedType(PayloadType type) {
  return type == PayloadType::kEncrypted || type == PayloadType::kEncryptedFragment;
}

// Decodes one payload body by type. `next_payload_field` matters only to SK/SKF, whose Next
// Payload names the first encrypted payload.
Result<PayloadBody> ParseBody(PayloadType type, Reader& body, uint8_t next_payload_field) {
  auto wrap = [](auto result) -> Result<PayloadBody> {
    if (!result.ok()) return result.error();
    return PayloadBody(std::move(result).value());
  };
  switch (type) {
    case PayloadType::kSecurityAssociation:
      return wrap(ParseSaPayload(body));
    case PayloadType::kKeyExchange:
      return wrap(ParseKePayload(body));
    case PayloadType::kIdInitiator:
    case PayloadType::kIdResponder:
      return wrap(ParseIdPayload(body));
    case PayloadType::kCertificate:
      return wrap(ParseCertPayload(body));
    case PayloadType::kCertificateRequest:
      return wrap(ParseCertReqPayload(body));
    case PayloadType::kAuthentication:
      return wrap(ParseAuthPayload(body));
    case PayloadType::kNonce:
      return wrap(ParseNoncePayload(body));
    case PayloadType::kNotify:
      return wrap(ParseNotifyPayload(body));
    case PayloadType::kDelete:
      return wrap(ParseDeletePayload(body));
    case PayloadType::kVendorId:
      return wrap(ParseVendorIdPayload(body));
    case PayloadType::kTsInitiator:
    case PayloadType::kTsResponder:
      return wrap(ParseTsPayload(body));
    case PayloadType::kEncrypted:
      return wrap(ParseEncryptedPayload(body, next_payload_field));
    case PayloadType::kConfiguration:
      return wrap(ParseConfigurationPayload(body));
    case PayloadType::kEap:
      return wrap(ParseEapPayload(body));
    case PayloadType::kEncryptedFragment:
      return wrap(ParseEncryptedFragmentPayload(body, next_payload_field));
    default: {
      UnknownPayload unknown;
      IKEWOT_RETURN_IF_ERROR(
          internal::CopyBytes(body, body.remaining(), "payload body", &unknown.body));
      return PayloadBody(std::move(unknown));
    }
  }
}

struct BodyWriter {
  Writer& w;
  Status operator()(const UnknownPayload& p) {
    w.Append(p.body);
    return Status::Ok();
  }
  Status operator()(const SaPayload& p) { return WriteSaPayload(p, w); }
  Status operator()(const KePayload& p) { return WriteKePayload(p, w); }
  Status operator()(const IdPayload& p) { return WriteIdPayload(p, w); }
  Status operator()(const CertPayload& p) { return WriteCertPayload(p, w); }
  Status operator()(const CertReqPayload& p) { return WriteCertReqPayload(p, w); }
  Status operator()(const AuthPayload& p) { return WriteAuthPayload(p, w); }
  Status operator()(const NoncePayload& p) { return WriteNoncePayload(p, w); }
  Status operator()(const NotifyPayload& p) { return WriteNotifyPayload(p, w); }
  Status operator()(const DeletePayload& p) { return WriteDeletePayload(p, w); }
  Status operator()(const VendorIdPayload& p) { return WriteVendorIdPayload(p, w); }
  Status operator()(const TsPayload& p) { return WriteTsPayload(p, w); }
  Status operator()(const EncryptedPayload& p) { return WriteEncryptedPayload(p, w); }
  Status operator()(const ConfigurationPayload& p) { return WriteConfigurationPayload(p, w); }
  Status operator()(const EapPayload& p) { return WriteEapPayload(p, w); }
  Status operator()(const EncryptedFragmentPayload& p) {
    return WriteEncryptedFragmentPayload(p, w);
  }
};

// Walks the chain starting with `first_type`, whose Next Payload field sits at
// `first_type_field_offset`, until a payload says "no next payload" or an SK/SKF ends it.
Status ParseChain(Reader& r, uint8_t first_type, size_t first_type_field_offset,
                  std::vector<Payload>* out) {
  uint8_t type = first_type;
  size_t type_field_offset = first_type_field_offset;
  while (type != static_cast<uint8_t>(PayloadType::kNoNextPayload)) {
    if (type <= kLastIkev1PayloadNumber) {
      return MakeError(ErrorCode::kBadValue,
                       "next payload type " + Num(type) +
                           " is an IKEv1 payload number; IKEv2 payload types start at 33",
                       type_field_offset);
    }
    if (out->size() == kMaxPayloadsPerChain) {
      return r.Fail(ErrorCode::kLimitExceeded,
                    "more than " + Num(kMaxPayloadsPerChain) + " payloads in one chain");
    }
    Payload payload;
    payload.type = static_cast<PayloadType>(type);
    payload.wire_offset = r.offset();
    std::string_view name = PayloadTypeName(type);
    uint8_t next = 0, flags = 0;
    uint16_t length = 0;
    if (!r.ReadU8(&next) || !r.ReadU8(&flags) || !r.ReadU16(&length)) {
      return internal::Truncated(r,
                                 "generic payload header of the " + std::string(name) + " payload",
                                 kGenericPayloadHeaderSize);
    }
    payload.critical = (flags & kCriticalBit) != 0;
    payload.reserved = flags & kReservedBitsMask;
    Reader body;
    IKEWOT_RETURN_IF_ERROR(internal::ReadCountedBody(r, PayloadTypeLongName(type), length,
                                                     kGenericPayloadHeaderSize,
                                                     payload.wire_offset + 2, &body));
    Result<PayloadBody> parsed = ParseBody(payload.type, body, next);
    if (!parsed.ok()) return parsed.error();
    if (!body.empty()) return body.ExpectEmpty(std::string(name) + " payload");
    payload.body = std::move(parsed).value();
    out->push_back(std::move(payload));
    if (IsEncryptedType(static_cast<PayloadType>(type))) {
      if (!r.empty()) {
        return r.Fail(ErrorCode::kTrailingData, Num(r.remaining()) + " octets follow the " +
                                                    std::string(name) +
                                                    " payload, which must be the last payload");
      }
      break;
    }
    type = next;
    type_field_offset = out->back().wire_offset;
  }
  return r.ExpectEmpty("message after the last payload");
}

Status WriteChain(const std::vector<Payload>& payloads, Writer& w,
                  std::optional<size_t>* encrypted_data_offset) {
  if (payloads.size() > kMaxPayloadsPerChain) {
    return MakeError(ErrorCode::kLimitExceeded, Num(payloads.size()) + " payloads exceed the " +
                                                    Num(kMaxPayloadsPerChain) + " per chain");
  }
  for (size_t i = 0; i < payloads.size(); ++i) {
    const Payload& payload = payloads[i];
    uint8_t type = static_cast<uint8_t>(payload.type);
    std::string_view name = PayloadTypeName(type);
    if (type <= kLastIkev1PayloadNumber) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "payload type " + Num(type) + " cannot appear in an IKEv2 chain");
    }
    if (!BodyMatchesType(payload.type, payload.body)) {
      return MakeError(ErrorCode::kInvalidArgument, "payload " + Num(i + 1) + " has type " +
                                                        std::string(name) +
                                                        " but a body of another type");
    }
    IKEWOT_RETURN_IF_ERROR(internal::CheckFits(payload.reserved, 7, "payload RESERVED bits"));
    bool is_last = i + 1 == payloads.size();
    uint8_t next = is_last ? 0 : static_cast<uint8_t>(payloads[i + 1].type);
    if (const auto* sk = payload.As<EncryptedPayload>()) {
      next = static_cast<uint8_t>(sk->first_inner_payload);
    } else if (const auto* skf = payload.As<EncryptedFragmentPayload>()) {
      next = static_cast<uint8_t>(skf->first_inner_payload);
    }
    if (IsEncryptedType(payload.type) && !is_last) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(name) +
                                                        " must be the last payload, but is " +
                                                        Num(i + 1) + " of " + Num(payloads.size()));
    }
    size_t start = w.size();
    w.U8(next);
    w.U8(static_cast<uint8_t>((payload.critical ? kCriticalBit : 0) | payload.reserved));
    auto length = w.Reserve16(start);
    IKEWOT_RETURN_IF_ERROR(std::visit(BodyWriter{w}, payload.body));
    IKEWOT_RETURN_IF_ERROR(w.Close(length));
    if (IsEncryptedType(payload.type)) {
      size_t fixed_fields = payload.type == PayloadType::kEncryptedFragment ? 4 : 0;
      *encrypted_data_offset = start + kGenericPayloadHeaderSize + fixed_fields;
    }
  }
  return Status::Ok();
}

}  // namespace

PayloadType FirstPayloadType(const std::vector<Payload>& payloads) {
  return payloads.empty() ? PayloadType::kNoNextPayload : payloads.front().type;
}

Result<Message> ParseMessage(ByteView datagram) {
  Reader r(datagram);
  Result<Header> header = ParseHeader(r);
  if (!header.ok()) return header.error();
  Message message;
  message.header = *header;
  if (message.header.length != datagram.size()) {
    return MakeError(ErrorCode::kBadLength,
                     "IKE header Length " + Num(message.header.length) +
                         " differs from the datagram size " + Num(datagram.size()),
                     kHeaderLengthOffset);
  }
  IKEWOT_RETURN_IF_ERROR(ParseChain(r, static_cast<uint8_t>(message.header.next_payload),
                                    kHeaderNextPayloadOffset, &message.payloads));
  return message;
}

Result<EncodedMessage> EncodeMessage(const Message& message) {
  EncodedMessage encoded;
  Writer w(&encoded.bytes);
  Writer::Reservation length;
  IKEWOT_RETURN_IF_ERROR(WriteHeader(
      message.header, static_cast<uint8_t>(FirstPayloadType(message.payloads)), w, &length));
  IKEWOT_RETURN_IF_ERROR(WriteChain(message.payloads, w, &encoded.encrypted_data_offset));
  IKEWOT_RETURN_IF_ERROR(w.Close(length));
  return encoded;
}

Result<Bytes> SerializeMessage(const Message& message) {
  Result<EncodedMessage> encoded = EncodeMessage(message);
  if (!encoded.ok()) return encoded.error();
  return std::move(encoded->bytes);
}

Result<std::vector<Payload>> ParsePayloadChain(ByteView body, uint8_t first_payload_type,
                                               size_t base_offset) {
  Reader r(body, base_offset);
  std::vector<Payload> payloads;
  IKEWOT_RETURN_IF_ERROR(ParseChain(r, first_payload_type, base_offset, &payloads));
  return payloads;
}

Result<Bytes> SerializePayloadChain(const std::vector<Payload>& payloads) {
  Bytes out;
  Writer w(&out);
  std::optional<size_t> unused_offset;
  IKEWOT_RETURN_IF_ERROR(WriteChain(payloads, w, &unused_offset));
  return out;
}

}  // namespace ikewot::ikev2
