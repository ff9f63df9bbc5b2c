// One IKEv2 payload: the generic payload header (RFC 7296 §3.2) and a typed body.
//
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Next Payload  |C|  RESERVED   |         Payload Length        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Next Payload and Payload Length are not stored: they follow from the payload list and are
// recomputed when serializing. The C bit and the 7 RESERVED bits are kept for byte-exactness.
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include "core/base/bytes.h"
#include "core/ikev2/config_payload.h"
#include "core/ikev2/constants.h"
#include "core/ikev2/encrypted_payload.h"
#include "core/ikev2/identity_payloads.h"
#include "core/ikev2/notify_payload.h"
#include "core/ikev2/sa_payload.h"
#include "core/ikev2/simple_payloads.h"
#include "core/ikev2/ts_payload.h"

namespace ikewot::ikev2 {

inline constexpr size_t kGenericPayloadHeaderSize = 4;

// A payload type this codec does not decode (49..255 except SKF): the body is kept verbatim.
struct UnknownPayload {
  Bytes body;
  friend bool operator==(const UnknownPayload&, const UnknownPayload&) = default;
};

using PayloadBody = std::variant<UnknownPayload, SaPayload, KePayload, IdPayload, CertPayload,
                                 CertReqPayload, AuthPayload, NoncePayload, NotifyPayload,
                                 DeletePayload, VendorIdPayload, TsPayload, EncryptedPayload,
                                 ConfigurationPayload, EapPayload, EncryptedFragmentPayload>;

struct Payload {
  PayloadType type = PayloadType::kNoNextPayload;
  bool critical = false;
  uint8_t reserved = 0;  // the 7 RESERVED bits after C
  PayloadBody body;
  // Offset of the generic header in the parsed input (0 when built in code). Provenance for
  // diagnostics, not part of the value: operator== ignores it.
  size_t wire_offset = 0;

  template <typename Body>
  const Body* As() const {
    return std::get_if<Body>(&body);
  }
  friend bool operator==(const Payload& a, const Payload& b) {
    return a.type == b.type && a.critical == b.critical && a.reserved == b.reserved &&
           a.body == b.body;
  }
};

// The payload type a body implies. IdPayload and TsPayload serve two types each (IDi/IDr,
// TSi/TSr) and UnknownPayload any unknown one, so they have no entry and need the explicit form.
template <typename Body>
struct PayloadTypeOf;
template <>
struct PayloadTypeOf<SaPayload> {
  static constexpr PayloadType value = PayloadType::kSecurityAssociation;
};
template <>
struct PayloadTypeOf<KePayload> {
  static constexpr PayloadType value = PayloadType::kKeyExchange;
};
template <>
struct PayloadTypeOf<CertPayload> {
  static constexpr PayloadType value = PayloadType::kCertificate;
};
template <>
struct PayloadTypeOf<CertReqPayload> {
  static constexpr PayloadType value = PayloadType::kCertificateRequest;
};
template <>
struct PayloadTypeOf<AuthPayload> {
  static constexpr PayloadType value = PayloadType::kAuthentication;
};
template <>
struct PayloadTypeOf<NoncePayload> {
  static constexpr PayloadType value = PayloadType::kNonce;
};
template <>
struct PayloadTypeOf<NotifyPayload> {
  static constexpr PayloadType value = PayloadType::kNotify;
};
template <>
struct PayloadTypeOf<DeletePayload> {
  static constexpr PayloadType value = PayloadType::kDelete;
};
template <>
struct PayloadTypeOf<VendorIdPayload> {
  static constexpr PayloadType value = PayloadType::kVendorId;
};
template <>
struct PayloadTypeOf<EncryptedPayload> {
  static constexpr PayloadType value = PayloadType::kEncrypted;
};
template <>
struct PayloadTypeOf<ConfigurationPayload> {
  static constexpr PayloadType value = PayloadType::kConfiguration;
};
template <>
struct PayloadTypeOf<EapPayload> {
  static constexpr PayloadType value = PayloadType::kEap;
};
template <>
struct PayloadTypeOf<EncryptedFragmentPayload> {
  static constexpr PayloadType value = PayloadType::kEncryptedFragment;
};

template <typename Body>
Payload MakePayload(PayloadType type, Body body) {
  Payload payload;
  payload.type = type;
  payload.body = std::move(body);
  return payload;
}
template <typename Body>
Payload MakePayload(Body body) {
  return MakePayload(PayloadTypeOf<Body>::value, std::move(body));
}

// True when `body` is the alternative the parser produces for `type`.
bool BodyMatchesType(PayloadType type, const PayloadBody& body);

// The first payload of `type`, or nullptr.
const Payload* FindPayload(const std::vector<Payload>& payloads, PayloadType type);
// The first Notify of `type`, or nullptr.
const NotifyPayload* FindNotify(const std::vector<Payload>& payloads, NotifyType type);

}  // namespace ikewot::ikev2
