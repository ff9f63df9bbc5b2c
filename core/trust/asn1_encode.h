// DER encoders for the trust formats, built on OpenSSL's ASN.1 template encoder so that every
// length octet is computed by the library (never by our arithmetic). Decoding is NOT done here:
// it goes through the Reader (policy.cc, entry.cc, collection.cc) with our own limits.
// The ASN.1 module these implement is in docs/collections.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot::trust::asn1 {

// TrustPolicy. `not_before`/`not_after` < 0 mean absent (times before 1970 are not used).
struct PolicyFields {
  int64_t not_before = -1;
  int64_t not_after = -1;
  std::vector<std::string> purposes;
  std::vector<Bytes> addresses;
  std::vector<std::string> names;
};
Result<Bytes> EncodePolicy(const PolicyFields& fields);

// EntryTBS; `certificate` and `policy` are complete DER encodings copied verbatim.
Result<Bytes> EncodeEntryTbs(ByteView endorser, ByteView certificate, ByteView policy,
                             std::span<const Bytes> path, int64_t signed_at);

// SignedEntry ::= SEQUENCE { tbs EntryTBS, signatureAlgorithm AlgorithmIdentifier,
//                            signature BIT STRING }
Result<Bytes> EncodeSignedEntry(ByteView tbs, ByteView algorithm, ByteView signature);

// TrustCollection; each of `entries` is a complete SignedEntry encoding.
Result<Bytes> EncodeCollection(uint64_t sequence, int64_t created,
                               std::span<const ByteView> entries, std::span<const Bytes> removals);

}  // namespace ikewot::trust::asn1
