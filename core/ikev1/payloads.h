// Value types of the ISAKMP/IKEv1 payloads (RFC 2408 §3, RFC 2407 §4.6, RFC 3947, IKEv1
// fragmentation). They hold what is on the wire and nothing derived: next-payload fields,
// lengths and counts are produced by the serializer, so a value cannot contradict itself.
// Wire diagrams are beside each codec in payload_codec.cc / sa_codec.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "core/base/bytes.h"
#include "core/ikev1/constants.h"

namespace ikewot::ikev1 {

// RFC 2408 §3.3 data attribute: basic (AF=1, TV: 16-bit value in the header) or variable
// (AF=0, TLV).
struct Attribute {
  uint16_t type = 0;  // attribute class without the AF bit, < 0x8000
  bool basic = true;
  uint16_t basic_value = 0;  // when basic
  Bytes variable_value;      // when !basic

  static Attribute Basic(uint16_t type, uint16_t value) { return {type, true, value, {}}; }
  static Attribute Variable(uint16_t type, Bytes value) {
    return {type, false, 0, std::move(value)};
  }
  // The value as an unsigned integer: the basic value, or a variable value of 1..8 octets.
  std::optional<uint64_t> IntegerValue() const;
  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// RFC 2408 §3.6.
struct Transform {
  uint8_t number = 1;
  uint8_t transform_id = kTransformKeyIke;
  std::vector<Attribute> attributes;
  friend bool operator==(const Transform&, const Transform&) = default;
};

// RFC 2408 §3.5.
struct Proposal {
  uint8_t number = 1;
  ProtocolId protocol = ProtocolId::kIsakmp;
  Bytes spi;
  std::vector<Transform> transforms;
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

// RFC 2408 §3.4 with the IPsec DOI situation of RFC 2407 §4.6.1. For the IPsec DOI the body is
// decoded into `situation` and `proposals`; for any other DOI the situation format is unknown,
// so everything after the DOI is kept in `other_doi_body` (and `situation` is 0).
struct SaPayload {
  Doi doi = Doi::kIpsec;
  uint32_t situation = kSituationIdentityOnly;
  std::vector<Proposal> proposals;
  Bytes other_doi_body;
  friend bool operator==(const SaPayload&, const SaPayload&) = default;
};

// RFC 2408 §3.7.
struct KeyExchangePayload {
  Bytes data;
  friend bool operator==(const KeyExchangePayload&, const KeyExchangePayload&) = default;
};

// RFC 2408 §3.8 with the IPsec DOI fields of RFC 2407 §4.6.2.
struct IdentificationPayload {
  IdType id_type = IdType::kFqdn;
  uint8_t protocol_id = 0;  // IP protocol, 0 = any
  uint16_t port = 0;        // 0 = any
  Bytes data;
  friend bool operator==(const IdentificationPayload&, const IdentificationPayload&) = default;
};

// RFC 2408 §3.9.
struct CertificatePayload {
  CertEncoding encoding = CertEncoding::kX509Signature;
  Bytes data;
  friend bool operator==(const CertificatePayload&, const CertificatePayload&) = default;
};

// RFC 2408 §3.10.
struct CertificateRequestPayload {
  CertEncoding cert_type = CertEncoding::kX509Signature;
  Bytes authority;  // DER distinguished name of an acceptable CA, may be empty
  friend bool operator==(const CertificateRequestPayload&,
                         const CertificateRequestPayload&) = default;
};

// RFC 2408 §3.11 / §3.12 / §3.13 / §3.16 and RFC 3947 §3.2: payloads that are one opaque datum.
struct HashPayload {
  Bytes data;
  friend bool operator==(const HashPayload&, const HashPayload&) = default;
};
struct SignaturePayload {
  Bytes data;
  friend bool operator==(const SignaturePayload&, const SignaturePayload&) = default;
};
struct NoncePayload {
  Bytes data;
  friend bool operator==(const NoncePayload&, const NoncePayload&) = default;
};
struct VendorIdPayload {
  Bytes data;
  friend bool operator==(const VendorIdPayload&, const VendorIdPayload&) = default;
};
struct NatDiscoveryPayload {
  Bytes hash;
  friend bool operator==(const NatDiscoveryPayload&, const NatDiscoveryPayload&) = default;
};

// RFC 2408 §3.14.
struct NotificationPayload {
  Doi doi = Doi::kIpsec;
  ProtocolId protocol = ProtocolId::kIsakmp;
  NotifyType type = NotifyType::kInitialContact;
  Bytes spi;
  Bytes data;
  friend bool operator==(const NotificationPayload&, const NotificationPayload&) = default;
};

// RFC 2408 §3.15. `spi_size` is explicit because a delete with no SPIs still carries it.
struct DeletePayload {
  Doi doi = Doi::kIpsec;
  ProtocolId protocol = ProtocolId::kEsp;
  uint8_t spi_size = 4;
  std::vector<Bytes> spis;
  friend bool operator==(const DeletePayload&, const DeletePayload&) = default;
};

// RFC 3947 §5.1.
struct NatOriginalAddressPayload {
  IdType id_type = IdType::kIpv4Address;
  Bytes address;  // 4 or 16 octets
  friend bool operator==(const NatOriginalAddressPayload&,
                         const NatOriginalAddressPayload&) = default;
};

// IKEv1 fragmentation as Cisco and strongSwan implement it (no RFC).
struct FragmentPayload {
  uint16_t fragment_id = 1;
  uint8_t number = 1;  // 1-based
  uint8_t flags = 0;   // kFragmentFlagLast
  Bytes data;
  bool last() const { return (flags & kFragmentFlagLast) != 0; }
  friend bool operator==(const FragmentPayload&, const FragmentPayload&) = default;
};

// Any payload type we do not decode (private use, unassigned): the body, kept verbatim.
struct UnknownPayload {
  Bytes data;
  friend bool operator==(const UnknownPayload&, const UnknownPayload&) = default;
};

using PayloadBody =
    std::variant<SaPayload, KeyExchangePayload, IdentificationPayload, CertificatePayload,
                 CertificateRequestPayload, HashPayload, SignaturePayload, NoncePayload,
                 NotificationPayload, DeletePayload, VendorIdPayload, NatDiscoveryPayload,
                 NatOriginalAddressPayload, FragmentPayload, UnknownPayload>;

// One payload of a chain. `type` is the number on the wire; it must agree with the body (NAT-D
// may be 20 or 130, NAT-OA 21 or 131; an UnknownPayload may use any number we do not decode).
struct Payload {
  PayloadType type = PayloadType::kNone;
  PayloadBody body;

  template <typename T>
  const T* As() const {
    return std::get_if<T>(&body);
  }
  friend bool operator==(const Payload&, const Payload&) = default;
};

// Wraps a body with its standard type number (NAT-D -> 20, NAT-OA -> 21). An UnknownPayload has
// no standard number: the result has type kNone and the caller must set Payload::type.
Payload MakePayload(PayloadBody body);

}  // namespace ikewot::ikev1
