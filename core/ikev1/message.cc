#include "core/ikev1/message.h"

#include <algorithm>
#include <string>

#include "core/base/reader.h"
#include "core/base/writer.h"
#include "core/ikev1/payload_codec.h"

namespace ikewot::ikev1 {
namespace {

// Reads payloads from `r` starting with `type` until a Next Payload of 0.
Status ParseChain(Reader* r, PayloadType type, std::vector<Payload>* out) {
  while (type != PayloadType::kNone) {
    if (r->empty()) {
      return r->Fail(ErrorCode::kTruncated, "payload chain announces a " + PayloadTypeName(type) +
                                                " payload but the data ends");
    }
    PayloadType next = PayloadType::kNone;
    auto payload = ParsePayload(r, type, &next);
    if (!payload.ok()) return payload.error();
    out->push_back(std::move(payload).value());
    type = next;
  }
  return Status::Ok();
}

}  // namespace

// RFC 2408 §3.1 ISAKMP Header Format:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                          Initiator                            !
// !                            Cookie                             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                          Responder                            !
// !                            Cookie                             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                          Message ID                           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                            Length                             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
Result<Message> ParseMessage(ByteView datagram) {
  Reader r(datagram);
  Message message;
  Header& h = message.header;
  ByteView cookie;
  uint8_t next = 0;
  uint8_t version = 0;
  uint8_t exchange = 0;
  bool complete = r.ReadBytes(kCookieSize, &cookie);
  if (complete) std::copy(cookie.begin(), cookie.end(), h.initiator_cookie.begin());
  complete = complete && r.ReadBytes(kCookieSize, &cookie);
  if (complete) std::copy(cookie.begin(), cookie.end(), h.responder_cookie.begin());
  complete = complete && r.ReadU8(&next) && r.ReadU8(&version) && r.ReadU8(&exchange) &&
             r.ReadU8(&h.flags) && r.ReadU32(&h.message_id) && r.ReadU32(&h.length);
  if (!complete) {
    return r.Fail(ErrorCode::kTruncated,
                  "ISAKMP header needs 28 octets, datagram has " + std::to_string(datagram.size()));
  }
  h.next_payload = static_cast<PayloadType>(next);
  h.major_version = version >> 4;
  h.minor_version = version & 0x0f;
  h.exchange_type = static_cast<ExchangeType>(exchange);
  if (h.major_version != kMajorVersion) {
    return MakeError(ErrorCode::kUnsupported,
                     "ISAKMP major version " + std::to_string(h.major_version) +
                         " is not IKEv1 (RFC 2408 §3.1 requires 1)",
                     17);
  }
  if (h.length < kHeaderSize) {
    return MakeError(
        ErrorCode::kBadLength,
        "header length " + std::to_string(h.length) + " is below the 28-octet ISAKMP header", 24);
  }
  if (h.length > datagram.size()) {
    return MakeError(ErrorCode::kTruncated,
                     "header length " + std::to_string(h.length) + " exceeds the datagram's " +
                         std::to_string(datagram.size()) + " octets",
                     24);
  }
  if (h.length < datagram.size()) {
    return MakeError(ErrorCode::kTrailingData,
                     "datagram has " + std::to_string(datagram.size()) +
                         " octets but the header length says " + std::to_string(h.length),
                     h.length);
  }
  if (h.encrypted()) {
    ByteView body = r.Rest();
    message.encrypted_body.assign(body.begin(), body.end());
    return message;
  }
  auto payloads = ParsePayloadChain(r.Rest(), next, r.offset());
  if (!payloads.ok()) return payloads.error();
  message.payloads = std::move(payloads).value();
  return message;
}

Result<std::vector<Payload>> ParsePayloadChain(ByteView data, uint8_t first, size_t base_offset) {
  Reader r(data, base_offset);
  std::vector<Payload> payloads;
  IKEWOT_RETURN_IF_ERROR(ParseChain(&r, static_cast<PayloadType>(first), &payloads));
  if (!r.empty()) {
    return r.Fail(ErrorCode::kTrailingData, std::to_string(r.remaining()) +
                                                " octets follow the last payload (Next Payload 0)");
  }
  return payloads;
}

Result<DecryptedBody> ParseDecryptedBody(ByteView plaintext, uint8_t first, size_t base_offset) {
  Reader r(plaintext, base_offset);
  DecryptedBody body;
  IKEWOT_RETURN_IF_ERROR(ParseChain(&r, static_cast<PayloadType>(first), &body.payloads));
  ByteView padding = r.Rest();
  body.padding.assign(padding.begin(), padding.end());
  return body;
}

Result<Bytes> SerializeMessage(const Message& message) {
  const Header& h = message.header;
  if (h.major_version != kMajorVersion || h.minor_version > 0x0f) {
    return MakeError(ErrorCode::kInvalidArgument, "version " + std::to_string(h.major_version) +
                                                      "." + std::to_string(h.minor_version) +
                                                      " cannot be encoded as IKEv1");
  }
  PayloadType first = h.next_payload;
  if (h.encrypted()) {
    if (!message.payloads.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "an encrypted message carries its payloads in encrypted_body");
    }
  } else {
    if (!message.encrypted_body.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "encrypted_body is set but the E flag is clear");
    }
    first = message.payloads.empty() ? PayloadType::kNone : message.payloads.front().type;
  }
  Bytes out;
  Writer w(&out);
  w.Append(h.initiator_cookie);
  w.Append(h.responder_cookie);
  w.U8(static_cast<uint8_t>(first));
  w.U8(static_cast<uint8_t>(h.major_version << 4 | h.minor_version));
  w.U8(static_cast<uint8_t>(h.exchange_type));
  w.U8(h.flags);
  w.U32(h.message_id);
  auto length = w.Reserve32(0);  // counts the whole message, header included
  if (h.encrypted()) {
    w.Append(message.encrypted_body);
  } else {
    for (size_t i = 0; i < message.payloads.size(); ++i) {
      PayloadType next =
          i + 1 < message.payloads.size() ? message.payloads[i + 1].type : PayloadType::kNone;
      IKEWOT_RETURN_IF_ERROR(SerializePayload(message.payloads[i], next, &w));
    }
  }
  IKEWOT_RETURN_IF_ERROR(w.Close(length));
  return out;
}

}  // namespace ikewot::ikev1
