#include "core/ikev2/identity_payloads.h"

#include <string>

#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2 {
namespace {

using internal::Num;

// Each Check* function holds the value rules of one payload; the parser calls it with the
// payload body's offset in the datagram, the writer with its offset in the output.

Status CheckId(const IdPayload& id, size_t body_offset) {
  size_t data_offset = body_offset + 4;
  size_t size = id.data.size();
  std::string type_name(Name(id.type));
  switch (id.type) {
    case IdType::kIpv4Addr:
      if (size != 4) {
        return MakeError(ErrorCode::kBadLength,
                         type_name + " data must be 4 octets, got " + Num(size), data_offset);
      }
      break;
    case IdType::kIpv6Addr:
      if (size != 16) {
        return MakeError(ErrorCode::kBadLength,
                         type_name + " data must be 16 octets, got " + Num(size), data_offset);
      }
      break;
    case IdType::kNull:
      break;  // RFC 7619 §3: any content, ignored by the receiver
    default:
      if (size == 0) {
        return MakeError(ErrorCode::kBadLength, type_name + " identification data is empty",
                         data_offset);
      }
      break;
  }
  return internal::CheckFits(id.reserved, 24, "ID reserved field");
}

Status CheckCert(const CertPayload& cert, size_t body_offset) {
  size_t data_offset = body_offset + 1;
  if (cert.data.empty()) {
    return MakeError(ErrorCode::kBadLength, "CERT payload carries no certificate data",
                     data_offset);
  }
  if ((cert.encoding == CertEncoding::kHashUrlX509Cert ||
       cert.encoding == CertEncoding::kHashUrlX509Bundle) &&
      cert.data.size() <= kSha1Size) {
    return MakeError(ErrorCode::kBadLength,
                     "Hash and URL CERT data must hold a 20-octet hash and a URL, got " +
                         Num(cert.data.size()) + " octets",
                     data_offset);
  }
  return Status::Ok();
}

Status CheckCertReq(const CertReqPayload& certreq, size_t body_offset) {
  if (certreq.encoding == CertEncoding::kX509Signature &&
      certreq.authorities.size() % kSha1Size != 0) {
    return MakeError(ErrorCode::kBadLength,
                     "CERTREQ authorities for X.509 must be a multiple of 20 octets, got " +
                         Num(certreq.authorities.size()),
                     body_offset + 1);
  }
  return Status::Ok();
}

Status CheckAuth(const AuthPayload& auth, size_t body_offset) {
  size_t data_offset = body_offset + 4;
  if (auth.data.empty()) {
    return MakeError(ErrorCode::kBadLength, "AUTH payload carries no authentication data",
                     data_offset);
  }
  if (auth.method == AuthMethod::kDigitalSignature) {
    IKEWOT_RETURN_IF_ERROR(ParseDigitalSignatureData(auth.data, data_offset));
  }
  return internal::CheckFits(auth.reserved, 24, "AUTH reserved field");
}

}  // namespace

Result<IdPayload> ParseIdPayload(Reader& body) {
  size_t start = body.offset();
  IdPayload id;
  uint8_t type = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "ID type", &type));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU24(body, "ID reserved field", &id.reserved));
  IKEWOT_RETURN_IF_ERROR(
      internal::CopyBytes(body, body.remaining(), "identification data", &id.data));
  id.type = static_cast<IdType>(type);
  IKEWOT_RETURN_IF_ERROR(CheckId(id, start));
  return id;
}

Status WriteIdPayload(const IdPayload& id, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckId(id, w.size()));
  w.U8(static_cast<uint8_t>(id.type));
  w.U24(id.reserved);
  w.Append(id.data);
  return Status::Ok();
}

Result<CertPayload> ParseCertPayload(Reader& body) {
  size_t start = body.offset();
  CertPayload cert;
  uint8_t encoding = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "CERT encoding", &encoding));
  IKEWOT_RETURN_IF_ERROR(
      internal::CopyBytes(body, body.remaining(), "certificate data", &cert.data));
  cert.encoding = static_cast<CertEncoding>(encoding);
  IKEWOT_RETURN_IF_ERROR(CheckCert(cert, start));
  return cert;
}

Status WriteCertPayload(const CertPayload& cert, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckCert(cert, w.size()));
  w.U8(static_cast<uint8_t>(cert.encoding));
  w.Append(cert.data);
  return Status::Ok();
}

std::vector<ByteView> CertReqPayload::AuthorityHashes() const {
  std::vector<ByteView> hashes;
  if (authorities.size() % kSha1Size != 0) return hashes;
  ByteView all(authorities);
  for (size_t i = 0; i < all.size(); i += kSha1Size) hashes.push_back(all.subspan(i, kSha1Size));
  return hashes;
}

Result<CertReqPayload> ParseCertReqPayload(Reader& body) {
  size_t start = body.offset();
  CertReqPayload certreq;
  uint8_t encoding = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "CERTREQ encoding", &encoding));
  IKEWOT_RETURN_IF_ERROR(
      internal::CopyBytes(body, body.remaining(), "certification authority", &certreq.authorities));
  certreq.encoding = static_cast<CertEncoding>(encoding);
  IKEWOT_RETURN_IF_ERROR(CheckCertReq(certreq, start));
  return certreq;
}

Status WriteCertReqPayload(const CertReqPayload& certreq, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckCertReq(certreq, w.size()));
  w.U8(static_cast<uint8_t>(certreq.encoding));
  w.Append(certreq.authorities);
  return Status::Ok();
}

Result<AuthPayload> ParseAuthPayload(Reader& body) {
  size_t start = body.offset();
  AuthPayload auth;
  uint8_t method = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "AUTH method", &method));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU24(body, "AUTH reserved field", &auth.reserved));
  IKEWOT_RETURN_IF_ERROR(
      internal::CopyBytes(body, body.remaining(), "authentication data", &auth.data));
  auth.method = static_cast<AuthMethod>(method);
  IKEWOT_RETURN_IF_ERROR(CheckAuth(auth, start));
  return auth;
}

Status WriteAuthPayload(const AuthPayload& auth, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckAuth(auth, w.size()));
  w.U8(static_cast<uint8_t>(auth.method));
  w.U24(auth.reserved);
  w.Append(auth.data);
  return Status::Ok();
}

Result<DigitalSignatureData> ParseDigitalSignatureData(ByteView data, size_t data_offset) {
  Reader r(data, data_offset);
  uint8_t algorithm_length = 0;
  DigitalSignatureData parts;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "AlgorithmIdentifier length", &algorithm_length));
  if (algorithm_length == 0) {
    return MakeError(ErrorCode::kBadLength, "AlgorithmIdentifier length is 0", data_offset);
  }
  IKEWOT_RETURN_IF_ERROR(
      internal::CopyBytes(r, algorithm_length, "AlgorithmIdentifier", &parts.algorithm_identifier));
  if (r.empty()) {
    return r.Fail(ErrorCode::kBadLength, "RFC 7427 authentication data has no signature value");
  }
  IKEWOT_RETURN_IF_ERROR(
      internal::CopyBytes(r, r.remaining(), "signature value", &parts.signature));
  return parts;
}

Result<Bytes> SerializeDigitalSignatureData(const DigitalSignatureData& parts) {
  if (parts.algorithm_identifier.empty() || parts.algorithm_identifier.size() > 255 ||
      parts.signature.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "RFC 7427 data needs a 1..255-octet AlgorithmIdentifier and a signature");
  }
  Bytes out;
  Writer w(&out);
  // A one-octet length field: the writer reserves only 16/32-bit ones, so write the checked size.
  w.U8(static_cast<uint8_t>(parts.algorithm_identifier.size()));
  w.Append(parts.algorithm_identifier);
  w.Append(parts.signature);
  return out;
}

}  // namespace ikewot::ikev2
