// The payloads that identify and authenticate a peer: Identification (IDi/IDr), Certificate,
// Certificate Request and Authentication. Each parser takes a Reader covering exactly the
// payload's content after the generic payload header; each writer appends that content.
#pragma once

#include <cstdint>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/base/writer.h"
#include "core/ikev2/constants.h"

namespace ikewot::ikev2 {

// Identification payloads IDi and IDr (RFC 7296 §3.5).
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |   ID Type     |                 RESERVED                      |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                   Identification Data                         ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
struct IdPayload {
  IdType type = IdType::kDerAsn1Dn;
  Bytes data;  // 4 octets for ID_IPV4_ADDR, 16 for ID_IPV6_ADDR, any for ID_NULL, else non-empty
  uint32_t reserved = 0;  // 24 bits
  friend bool operator==(const IdPayload&, const IdPayload&) = default;
};
[[nodiscard]] Result<IdPayload> ParseIdPayload(Reader& body);
[[nodiscard]] Status WriteIdPayload(const IdPayload& id, Writer& w);

// Certificate payload (RFC 7296 §3.6).
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Cert Encoding |                                               |
//    +-+-+-+-+-+-+-+-+                                               +
//    ~                       Certificate Data                        ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
struct CertPayload {
  CertEncoding encoding = CertEncoding::kX509Signature;
  Bytes data;  // non-empty; Hash and URL encodings: a 20-octet SHA-1 hash then the URL
  friend bool operator==(const CertPayload&, const CertPayload&) = default;
};
inline constexpr size_t kSha1Size = 20;
[[nodiscard]] Result<CertPayload> ParseCertPayload(Reader& body);
[[nodiscard]] Status WriteCertPayload(const CertPayload& cert, Writer& w);

// Certificate Request payload (RFC 7296 §3.7).
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Cert Encoding |                                               |
//    +-+-+-+-+-+-+-+-+                                               +
//    ~                    Certification Authority                    ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// For X.509 encodings the authority field is a concatenation of SHA-1 hashes of trusted CAs'
// public keys (possibly none).
struct CertReqPayload {
  CertEncoding encoding = CertEncoding::kX509Signature;
  Bytes authorities;
  // The 20-octet hashes, when `authorities` is a whole number of them.
  std::vector<ByteView> AuthorityHashes() const;
  friend bool operator==(const CertReqPayload&, const CertReqPayload&) = default;
};
[[nodiscard]] Result<CertReqPayload> ParseCertReqPayload(Reader& body);
[[nodiscard]] Status WriteCertReqPayload(const CertReqPayload& certreq, Writer& w);

// Authentication payload (RFC 7296 §3.8).
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Auth Method   |                RESERVED                       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                      Authentication Data                      ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// With Auth Method 14 (RFC 7427 §3) the Authentication Data is structured:
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | ASN.1 Length  | AlgorithmIdentifier ASN.1 object              |
//    +-+-+-+-+-+-+-+-+                                               +
//    ~        AlgorithmIdentifier ASN.1 object continuing            ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                         Signature Value                       ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
struct AuthPayload {
  AuthMethod method = AuthMethod::kDigitalSignature;
  Bytes data;
  uint32_t reserved = 0;  // 24 bits
  friend bool operator==(const AuthPayload&, const AuthPayload&) = default;
};
[[nodiscard]] Result<AuthPayload> ParseAuthPayload(Reader& body);
[[nodiscard]] Status WriteAuthPayload(const AuthPayload& auth, Writer& w);

// The two parts of RFC 7427 Authentication Data (Auth Method 14).
struct DigitalSignatureData {
  Bytes algorithm_identifier;  // DER AlgorithmIdentifier, 1..255 octets
  Bytes signature;
  friend bool operator==(const DigitalSignatureData&, const DigitalSignatureData&) = default;
};
// `data_offset` is the absolute offset of `data`, for error messages.
[[nodiscard]] Result<DigitalSignatureData> ParseDigitalSignatureData(ByteView data,
                                                                     size_t data_offset = 0);
[[nodiscard]] Result<Bytes> SerializeDigitalSignatureData(const DigitalSignatureData& parts);

}  // namespace ikewot::ikev2
