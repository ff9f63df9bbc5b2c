// Generic payload header and the bodies of every IKEv1 payload except SA (sa_codec.cc).
#include "core/ikev1/payload_codec.h"

#include <string>

namespace ikewot::ikev1 {

// RFC 2408 §3.2 Generic Payload Header:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The Payload Length counts the generic header itself. RFC 2408 §5.2 discards a payload whose
// RESERVED field is not zero, which also keeps parse/serialize byte-exact.
Status ReadGenericHeader(Reader* r, std::string_view what, uint8_t* next, Reader* body) {
  size_t start = r->offset();
  size_t available = r->remaining();
  uint8_t reserved = 0;
  uint16_t length = 0;
  if (!r->ReadU8(next) || !r->ReadU8(&reserved) || !r->ReadU16(&length)) {
    return MakeError(ErrorCode::kTruncated,
                     std::string(what) + " payload header needs 4 octets, only " +
                         std::to_string(available) + " remain",
                     start);
  }
  if (reserved != 0) {
    return MakeError(
        ErrorCode::kBadValue,
        std::string(what) + " payload RESERVED octet must be zero, got " + std::to_string(reserved),
        start + 1);
  }
  if (length < kGenericHeaderSize) {
    return MakeError(ErrorCode::kBadLength,
                     std::string(what) + " payload length " + std::to_string(length) +
                         " is below the 4-octet generic header",
                     start + 2);
  }
  if (!r->ReadSub(length - kGenericHeaderSize, body)) {
    return MakeError(ErrorCode::kTruncated,
                     std::string(what) + " payload length " + std::to_string(length) +
                         " runs past the end of its container (" + std::to_string(available) +
                         " octets left)",
                     start + 2);
  }
  return Status::Ok();
}

Writer::Reservation WriteGenericHeader(uint8_t next, Writer* w) {
  size_t start = w->size();
  w->U8(next);
  w->U8(0);  // RESERVED
  return w->Reserve16(start);
}

namespace {

Bytes CopyRest(Reader* r) {
  ByteView rest = r->Rest();
  Bytes out(rest.begin(), rest.end());
  (void)r->Skip(rest.size());
  return out;
}

// RFC 2408 §3.8 Identification Payload with the IPsec DOI fields of RFC 2407 §4.6.2:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !        Payload Length         !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !   ID Type     !  Protocol ID  !             Port              !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                     Identification Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
Result<IdentificationPayload> ParseIdentification(Reader* body) {
  IdentificationPayload id;
  uint8_t id_type = 0;
  if (!body->ReadU8(&id_type) || !body->ReadU8(&id.protocol_id) || !body->ReadU16(&id.port)) {
    return body->Fail(ErrorCode::kTruncated, "ID payload shorter than its 8-octet header");
  }
  id.id_type = static_cast<IdType>(id_type);
  id.data = CopyRest(body);
  return id;
}

// RFC 2408 §3.9 Certificate Payload / §3.10 Certificate Request Payload:
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Cert Encoding !                                               !
// +-+-+-+-+-+-+-+-+                                               !
// ~                       Certificate Data                        ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// (CR: "Cert. Type" followed by "Certificate Authority".)
Result<CertificatePayload> ParseCertificate(Reader* body) {
  uint8_t encoding = 0;
  if (!body->ReadU8(&encoding)) {
    return body->Fail(ErrorCode::kTruncated, "CERT payload has no Cert Encoding octet");
  }
  return CertificatePayload{static_cast<CertEncoding>(encoding), CopyRest(body)};
}

Result<CertificateRequestPayload> ParseCertificateRequest(Reader* body) {
  uint8_t cert_type = 0;
  if (!body->ReadU8(&cert_type)) {
    return body->Fail(ErrorCode::kTruncated, "CR payload has no Cert. Type octet");
  }
  return CertificateRequestPayload{static_cast<CertEncoding>(cert_type), CopyRest(body)};
}

// RFC 2408 §3.14 Notification Payload:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !              Domain of Interpretation  (DOI)                  !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                Security Parameter Index (SPI)                 ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Notification Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
Result<NotificationPayload> ParseNotification(Reader* body) {
  NotificationPayload n;
  uint32_t doi = 0;
  uint8_t protocol = 0;
  uint8_t spi_size = 0;
  uint16_t type = 0;
  if (!body->ReadU32(&doi) || !body->ReadU8(&protocol) || !body->ReadU8(&spi_size) ||
      !body->ReadU16(&type)) {
    return body->Fail(ErrorCode::kTruncated, "N payload shorter than its 12-octet header");
  }
  n.doi = static_cast<Doi>(doi);
  n.protocol = static_cast<ProtocolId>(protocol);
  n.type = static_cast<NotifyType>(type);
  if (!body->CopyBytes(spi_size, &n.spi)) {
    return body->Fail(ErrorCode::kTruncated, "N payload SPI size " + std::to_string(spi_size) +
                                                 " runs past the payload (" +
                                                 std::to_string(body->remaining()) + " left)");
  }
  n.data = CopyRest(body);
  return n;
}

// RFC 2408 §3.15 Delete Payload:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !              Domain of Interpretation  (DOI)                  !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Protocol-Id  !   SPI Size    !           # of SPIs           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~               Security Parameter Index(es) (SPI)              ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
Result<DeletePayload> ParseDelete(Reader* body) {
  DeletePayload d;
  uint32_t doi = 0;
  uint8_t protocol = 0;
  uint16_t count = 0;
  if (!body->ReadU32(&doi) || !body->ReadU8(&protocol) || !body->ReadU8(&d.spi_size) ||
      !body->ReadU16(&count)) {
    return body->Fail(ErrorCode::kTruncated, "D payload shorter than its 12-octet header");
  }
  d.doi = static_cast<Doi>(doi);
  d.protocol = static_cast<ProtocolId>(protocol);
  if (d.spi_size == 0 && count != 0) {
    return MakeError(ErrorCode::kBadValue,
                     "D payload lists " + std::to_string(count) + " SPIs of size 0",
                     body->offset() - 3);
  }
  for (unsigned i = 0; i < count; ++i) {
    Bytes spi;
    if (!body->CopyBytes(d.spi_size, &spi)) {
      return body->Fail(ErrorCode::kTruncated, "D payload announces " + std::to_string(count) +
                                                   " SPIs of " + std::to_string(d.spi_size) +
                                                   " octets, holds " + std::to_string(i));
    }
    d.spis.push_back(std::move(spi));
  }
  IKEWOT_RETURN_IF_ERROR(body->ExpectEmpty("D payload after its announced SPIs"));
  return d;
}

// RFC 3947 §5.1 NAT Original Address Payload:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !        Payload Length         !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !   ID Type     !   RESERVED    !            RESERVED           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !         IPv4 (4 octets) or IPv6 address (16 octets)           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
Result<NatOriginalAddressPayload> ParseNatOriginalAddress(Reader* body) {
  uint8_t id_type = 0;
  uint8_t reserved1 = 0;
  uint16_t reserved2 = 0;
  if (!body->ReadU8(&id_type) || !body->ReadU8(&reserved1) || !body->ReadU16(&reserved2)) {
    return body->Fail(ErrorCode::kTruncated, "NAT-OA payload shorter than its 8-octet header");
  }
  if (reserved1 != 0 || reserved2 != 0) {
    return MakeError(ErrorCode::kBadValue, "NAT-OA RESERVED fields must be zero",
                     body->offset() - 3);
  }
  return NatOriginalAddressPayload{static_cast<IdType>(id_type), CopyRest(body)};
}

// IKEv1 fragmentation payload (Cisco; strongSwan
// src/libcharon/encoding/payloads/fragment_payload.c):
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !    RESERVED   !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !         Fragment ID           !  Fragment Num !     Flags     !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Fragment Data                           ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
Result<FragmentPayload> ParseFragment(Reader* body) {
  FragmentPayload f;
  if (!body->ReadU16(&f.fragment_id) || !body->ReadU8(&f.number) || !body->ReadU8(&f.flags)) {
    return body->Fail(ErrorCode::kTruncated, "FRAG payload shorter than its 8-octet header");
  }
  f.data = CopyRest(body);
  return f;
}

// Payloads that are a single opaque datum after the generic header: KE (RFC 2408 §3.7), HASH
// (§3.11), SIG (§3.12), NONCE (§3.13), VID (§3.16), NAT-D (RFC 3947 §3.2), and unknown types.
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                             Data                              ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
Result<PayloadBody> ParseBody(PayloadType type, Reader* body) {
  auto lift = [](auto result) -> Result<PayloadBody> {
    if (!result.ok()) return result.error();
    return PayloadBody(std::move(result).value());
  };
  switch (type) {
    case PayloadType::kSecurityAssociation:
      return lift(ParseSaBody(body));
    case PayloadType::kKeyExchange:
      return PayloadBody(KeyExchangePayload{CopyRest(body)});
    case PayloadType::kIdentification:
      return lift(ParseIdentification(body));
    case PayloadType::kCertificate:
      return lift(ParseCertificate(body));
    case PayloadType::kCertificateRequest:
      return lift(ParseCertificateRequest(body));
    case PayloadType::kHash:
      return PayloadBody(HashPayload{CopyRest(body)});
    case PayloadType::kSignature:
      return PayloadBody(SignaturePayload{CopyRest(body)});
    case PayloadType::kNonce:
      return PayloadBody(NoncePayload{CopyRest(body)});
    case PayloadType::kNotification:
      return lift(ParseNotification(body));
    case PayloadType::kDelete:
      return lift(ParseDelete(body));
    case PayloadType::kVendorId:
      return PayloadBody(VendorIdPayload{CopyRest(body)});
    case PayloadType::kNatDiscovery:
    case PayloadType::kNatDiscoveryDraft:
      return PayloadBody(NatDiscoveryPayload{CopyRest(body)});
    case PayloadType::kNatOriginalAddress:
    case PayloadType::kNatOriginalAddressDraft:
      return lift(ParseNatOriginalAddress(body));
    case PayloadType::kFragment:
      return lift(ParseFragment(body));
    default:
      return PayloadBody(UnknownPayload{CopyRest(body)});
  }
}

std::string TypeLabel(uint8_t type) {
  return std::to_string(type) + " (" + PayloadTypeName(static_cast<PayloadType>(type)) + ")";
}

// The standard wire number of a body; kNone for UnknownPayload, which has none.
PayloadType StandardType(const PayloadBody& body) {
  struct TypeOf {
    PayloadType operator()(const SaPayload&) { return PayloadType::kSecurityAssociation; }
    PayloadType operator()(const KeyExchangePayload&) { return PayloadType::kKeyExchange; }
    PayloadType operator()(const IdentificationPayload&) { return PayloadType::kIdentification; }
    PayloadType operator()(const CertificatePayload&) { return PayloadType::kCertificate; }
    PayloadType operator()(const CertificateRequestPayload&) {
      return PayloadType::kCertificateRequest;
    }
    PayloadType operator()(const HashPayload&) { return PayloadType::kHash; }
    PayloadType operator()(const SignaturePayload&) { return PayloadType::kSignature; }
    PayloadType operator()(const NoncePayload&) { return PayloadType::kNonce; }
    PayloadType operator()(const NotificationPayload&) { return PayloadType::kNotification; }
    PayloadType operator()(const DeletePayload&) { return PayloadType::kDelete; }
    PayloadType operator()(const VendorIdPayload&) { return PayloadType::kVendorId; }
    PayloadType operator()(const NatDiscoveryPayload&) { return PayloadType::kNatDiscovery; }
    PayloadType operator()(const NatOriginalAddressPayload&) {
      return PayloadType::kNatOriginalAddress;
    }
    PayloadType operator()(const FragmentPayload&) { return PayloadType::kFragment; }
    PayloadType operator()(const UnknownPayload&) { return PayloadType::kNone; }
  };
  return std::visit(TypeOf{}, body);
}

// Which wire numbers a body may be sent as: its standard number, the draft NAT-T numbers for
// NAT-D/NAT-OA, and for an unknown body any number that the parser would not decode itself.
bool BodyMatchesType(const PayloadBody& body, PayloadType type) {
  switch (StandardType(body)) {
    case PayloadType::kNone:
      return !IsDecodedPayloadType(type) && type != PayloadType::kNone &&
             type != PayloadType::kProposal && type != PayloadType::kTransform &&
             !IsIkev2PayloadType(static_cast<uint8_t>(type));
    case PayloadType::kNatDiscovery:
      return type == PayloadType::kNatDiscovery || type == PayloadType::kNatDiscoveryDraft;
    case PayloadType::kNatOriginalAddress:
      return type == PayloadType::kNatOriginalAddress ||
             type == PayloadType::kNatOriginalAddressDraft;
    default:
      return type == StandardType(body);
  }
}

Status SerializeBody(const PayloadBody& body, Writer* w) {
  struct Visitor {
    Writer* w;
    Status operator()(const SaPayload& sa) { return SerializeSaBody(sa, w); }
    Status operator()(const KeyExchangePayload& p) { return Data(p.data); }
    Status operator()(const IdentificationPayload& p) {
      w->U8(static_cast<uint8_t>(p.id_type));
      w->U8(p.protocol_id);
      w->U16(p.port);
      return Data(p.data);
    }
    Status operator()(const CertificatePayload& p) {
      w->U8(static_cast<uint8_t>(p.encoding));
      return Data(p.data);
    }
    Status operator()(const CertificateRequestPayload& p) {
      w->U8(static_cast<uint8_t>(p.cert_type));
      return Data(p.authority);
    }
    Status operator()(const HashPayload& p) { return Data(p.data); }
    Status operator()(const SignaturePayload& p) { return Data(p.data); }
    Status operator()(const NoncePayload& p) { return Data(p.data); }
    Status operator()(const NotificationPayload& p) {
      if (p.spi.size() > 0xff) {
        return MakeError(ErrorCode::kInvalidArgument, "notification SPI longer than 255 octets");
      }
      w->U32(static_cast<uint32_t>(p.doi));
      w->U8(static_cast<uint8_t>(p.protocol));
      w->U8(static_cast<uint8_t>(p.spi.size()));
      w->U16(static_cast<uint16_t>(p.type));
      w->Append(p.spi);
      return Data(p.data);
    }
    Status operator()(const DeletePayload& p) {
      if (p.spis.size() > 0xffff || (p.spi_size == 0 && !p.spis.empty())) {
        return MakeError(ErrorCode::kInvalidArgument, "delete payload SPI count out of range");
      }
      w->U32(static_cast<uint32_t>(p.doi));
      w->U8(static_cast<uint8_t>(p.protocol));
      w->U8(p.spi_size);
      w->U16(static_cast<uint16_t>(p.spis.size()));
      for (const Bytes& spi : p.spis) {
        if (spi.size() != p.spi_size) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "delete payload SPI of " + std::to_string(spi.size()) +
                               " octets, SPI size is " + std::to_string(p.spi_size));
        }
        w->Append(spi);
      }
      return Status::Ok();
    }
    Status operator()(const VendorIdPayload& p) { return Data(p.data); }
    Status operator()(const NatDiscoveryPayload& p) { return Data(p.hash); }
    Status operator()(const NatOriginalAddressPayload& p) {
      w->U8(static_cast<uint8_t>(p.id_type));
      w->U8(0);
      w->U16(0);
      return Data(p.address);
    }
    Status operator()(const FragmentPayload& p) {
      w->U16(p.fragment_id);
      w->U8(p.number);
      w->U8(p.flags);
      return Data(p.data);
    }
    Status operator()(const UnknownPayload& p) { return Data(p.data); }

    Status Data(const Bytes& data) {
      w->Append(data);
      return Status::Ok();
    }
  };
  return std::visit(Visitor{w}, body);
}

}  // namespace

bool IsDecodedPayloadType(PayloadType type) {
  switch (type) {
    case PayloadType::kSecurityAssociation:
    case PayloadType::kKeyExchange:
    case PayloadType::kIdentification:
    case PayloadType::kCertificate:
    case PayloadType::kCertificateRequest:
    case PayloadType::kHash:
    case PayloadType::kSignature:
    case PayloadType::kNonce:
    case PayloadType::kNotification:
    case PayloadType::kDelete:
    case PayloadType::kVendorId:
    case PayloadType::kNatDiscovery:
    case PayloadType::kNatOriginalAddress:
    case PayloadType::kNatDiscoveryDraft:
    case PayloadType::kNatOriginalAddressDraft:
    case PayloadType::kFragment:
      return true;
    default:
      return false;
  }
}

Result<Payload> ParsePayload(Reader* r, PayloadType type, PayloadType* next) {
  size_t start = r->offset();
  auto raw_type = static_cast<uint8_t>(type);
  if (IsIkev2PayloadType(raw_type)) {
    return MakeError(ErrorCode::kBadValue,
                     "payload type " + std::to_string(raw_type) +
                         " is an IKEv2 payload number (RFC 7296 §3.2), not valid in IKEv1",
                     start);
  }
  if (type == PayloadType::kProposal || type == PayloadType::kTransform) {
    return MakeError(ErrorCode::kBadValue,
                     "payload type " + TypeLabel(raw_type) +
                         " may only appear inside an SA payload (RFC 2408 §3.5/§3.6)",
                     start);
  }
  uint8_t next_raw = 0;
  Reader body;
  std::string label = PayloadTypeName(type);
  IKEWOT_RETURN_IF_ERROR(ReadGenericHeader(r, label, &next_raw, &body));
  auto parsed = ParseBody(type, &body);
  if (!parsed.ok()) return parsed.error();
  IKEWOT_RETURN_IF_ERROR(body.ExpectEmpty(label + " payload"));
  *next = static_cast<PayloadType>(next_raw);
  return Payload{type, std::move(parsed).value()};
}

Status SerializePayload(const Payload& payload, PayloadType next, Writer* w) {
  if (!BodyMatchesType(payload.body, payload.type)) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "payload body does not match its type " + TypeLabel(static_cast<uint8_t>(payload.type)));
  }
  auto length = WriteGenericHeader(static_cast<uint8_t>(next), w);
  IKEWOT_RETURN_IF_ERROR(SerializeBody(payload.body, w));
  return w->Close(length);
}

Payload MakePayload(PayloadBody body) {
  PayloadType type = StandardType(body);
  return Payload{type, std::move(body)};
}

}  // namespace ikewot::ikev1
