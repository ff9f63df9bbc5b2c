// The "Certification Authority" field of an IKEv2 CERTREQ payload for X.509 encodings
// (RFC 7296 §3.7): a concatenation of SHA-1 hashes of trusted authorities' public keys.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Cert Encoding |                                               |
//   +-+-+-+-+-+-+-+-+                                               |
//   ~                    Certification Authority                    ~
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// This file handles only the Certification Authority octets (the payload codec owns the
// header). Each entry is SHA-1(SubjectPublicKeyInfo) -- Certificate::SubjectPublicKeyInfoSha1().
// In ikewot's CA-less model a node names the self-signed certificates it already trusts, so a
// peer can pick the one we know.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot::crypto {

inline constexpr size_t kCertReqKeyIdSize = 20;

// Splits the field into 20-byte key ids. Empty is valid (no preference); a length that is not
// a multiple of 20 is kBadLength with the offset of the incomplete entry. `base_offset` is the
// field's offset in the enclosing message, for error reporting.
Result<std::vector<Bytes>> ParseCertReqAuthorities(ByteView field, size_t base_offset = 0);

// Concatenates key ids; each must be exactly 20 bytes.
Result<Bytes> EncodeCertReqAuthorities(std::span<const Bytes> key_ids);

}  // namespace ikewot::crypto
