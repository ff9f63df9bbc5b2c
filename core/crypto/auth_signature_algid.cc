#include "core/crypto/auth_signature_algid.h"

#include <array>
#include <cstdio>
#include <optional>
#include <string_view>

#include "core/base/reader.h"
#include "core/base/writer.h"

namespace ikewot::crypto {
namespace {

// DER tags used in AlgorithmIdentifiers.
constexpr uint8_t kTagInteger = 0x02;
constexpr uint8_t kTagNull = 0x05;
constexpr uint8_t kTagOid = 0x06;
constexpr uint8_t kTagSequence = 0x30;
constexpr uint8_t kTagContext0 = 0xa0;
constexpr uint8_t kTagContext1 = 0xa1;
constexpr uint8_t kTagContext2 = 0xa2;
constexpr uint8_t kTagContext3 = 0xa3;

// OID contents (without tag and length).
constexpr uint8_t kOidSha1WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05};
constexpr uint8_t kOidSha256WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
constexpr uint8_t kOidSha384WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c};
constexpr uint8_t kOidSha512WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d};
constexpr uint8_t kOidRsaPss[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
constexpr uint8_t kOidMgf1[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};
constexpr uint8_t kOidEcdsaSha1[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01};
constexpr uint8_t kOidEcdsaSha256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kOidEcdsaSha384[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr uint8_t kOidEcdsaSha512[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
constexpr uint8_t kOidEd25519[] = {0x2b, 0x65, 0x70};
constexpr uint8_t kOidSha1[] = {0x2b, 0x0e, 0x03, 0x02, 0x1a};
constexpr uint8_t kOidSha256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
constexpr uint8_t kOidSha384[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
constexpr uint8_t kOidSha512[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};

enum class Params { kAbsentOrNull, kAbsent, kPss };

struct SignatureOid {
  ByteView oid;
  SignatureScheme scheme;
  uint16_t hash;
  Params params;
};

const std::array<SignatureOid, 10> kSignatureOids = {{
    {kOidSha1WithRsa, SignatureScheme::kRsaPkcs1v15, kSigHashSha1, Params::kAbsentOrNull},
    {kOidSha256WithRsa, SignatureScheme::kRsaPkcs1v15, kSigHashSha256, Params::kAbsentOrNull},
    {kOidSha384WithRsa, SignatureScheme::kRsaPkcs1v15, kSigHashSha384, Params::kAbsentOrNull},
    {kOidSha512WithRsa, SignatureScheme::kRsaPkcs1v15, kSigHashSha512, Params::kAbsentOrNull},
    {kOidEcdsaSha1, SignatureScheme::kEcdsa, kSigHashSha1, Params::kAbsent},
    {kOidEcdsaSha256, SignatureScheme::kEcdsa, kSigHashSha256, Params::kAbsent},
    {kOidEcdsaSha384, SignatureScheme::kEcdsa, kSigHashSha384, Params::kAbsent},
    {kOidEcdsaSha512, SignatureScheme::kEcdsa, kSigHashSha512, Params::kAbsent},
    {kOidEd25519, SignatureScheme::kEd25519, kSigHashIdentity, Params::kAbsent},
    {kOidRsaPss, SignatureScheme::kRsaPss, 0, Params::kPss},
}};

struct HashOid {
  ByteView oid;
  uint16_t hash;
};
const std::array<HashOid, 4> kHashOids = {{
    {kOidSha1, kSigHashSha1},
    {kOidSha256, kSigHashSha256},
    {kOidSha384, kSigHashSha384},
    {kOidSha512, kSigHashSha512},
}};

// What we send: RFC 7427 Appendix A.1 (PKCS#1 v1.5, NULL parameters) ...
constexpr uint8_t kAlgIdSha256WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                           0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
constexpr uint8_t kAlgIdSha384WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                           0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00};
constexpr uint8_t kAlgIdSha512WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                           0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00};
// ... A.3 (ECDSA, parameters absent) ...
constexpr uint8_t kAlgIdEcdsaSha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                         0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kAlgIdEcdsaSha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                         0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr uint8_t kAlgIdEcdsaSha512[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                         0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
// ... A.4.3 (RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32, trailerField 1) and the same shape
// for SHA-384 (salt 48) and SHA-512 (salt 64) ...
constexpr uint8_t kAlgIdPssSha256[] = {
    0x30, 0x46, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x39,
    0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
    0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20, 0xa3, 0x03, 0x02, 0x01, 0x01,
};
constexpr uint8_t kAlgIdPssSha384[] = {
    0x30, 0x46, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x39,
    0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02,
    0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
    0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02,
    0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x30, 0xa3, 0x03, 0x02, 0x01, 0x01,
};
constexpr uint8_t kAlgIdPssSha512[] = {
    0x30, 0x46, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x39,
    0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03,
    0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
    0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03,
    0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x40, 0xa3, 0x03, 0x02, 0x01, 0x01,
};
// ... and RFC 8420 §2 for Ed25519.
constexpr uint8_t kAlgIdEd25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};

struct OutgoingAlgId {
  SignatureScheme scheme;
  uint16_t hash;
  ByteView der;
};
const std::array<OutgoingAlgId, 10> kOutgoing = {{
    {SignatureScheme::kRsaPkcs1v15, kSigHashSha256, kAlgIdSha256WithRsa},
    {SignatureScheme::kRsaPkcs1v15, kSigHashSha384, kAlgIdSha384WithRsa},
    {SignatureScheme::kRsaPkcs1v15, kSigHashSha512, kAlgIdSha512WithRsa},
    {SignatureScheme::kEcdsa, kSigHashSha256, kAlgIdEcdsaSha256},
    {SignatureScheme::kEcdsa, kSigHashSha384, kAlgIdEcdsaSha384},
    {SignatureScheme::kEcdsa, kSigHashSha512, kAlgIdEcdsaSha512},
    {SignatureScheme::kRsaPss, kSigHashSha256, kAlgIdPssSha256},
    {SignatureScheme::kRsaPss, kSigHashSha384, kAlgIdPssSha384},
    {SignatureScheme::kRsaPss, kSigHashSha512, kAlgIdPssSha512},
    {SignatureScheme::kEd25519, kSigHashIdentity, kAlgIdEd25519},
}};

bool SameBytes(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::string Hex2(uint8_t v) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "0x%02x", v);
  return buf;
}

// "0x" and the hex of an OID that does not decode. Built by appending: GCC 12 at -O3 reports a
// false -Wrestrict for `"literal" + std::string&&` (the inlined insert at the front).
std::string OidHex(ByteView oid) {
  std::string out("0x");
  out.append(ToHex(oid));
  return out;
}

// Dotted text of an OID for error messages; hex if it does not decode.
std::string OidText(ByteView oid) {
  std::string out;
  uint64_t arc = 0;
  bool first = true;
  for (size_t i = 0; i < oid.size(); ++i) {
    if (arc > (UINT64_MAX >> 7)) return OidHex(oid);
    arc = arc << 7 | (oid[i] & 0x7f);
    if (oid[i] & 0x80) continue;
    if (first) {
      uint64_t top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
      out.append(std::to_string(top)).append(".").append(std::to_string(arc - 40 * top));
      first = false;
    } else {
      out.append(".").append(std::to_string(arc));
    }
    arc = 0;
  }
  if (first || (oid.back() & 0x80)) return OidHex(oid);
  return out;
}

// Reads one DER element with tag `tag` into `content`. Lengths are definite and minimal: the
// short form, or 0x81 followed by 128..255 (an AlgorithmIdentifier never exceeds 255 octets).
Status ReadElement(Reader& reader, uint8_t tag, Reader* content, std::string_view what) {
  size_t start = reader.offset();
  uint8_t got_tag = 0, first_length = 0;
  if (!reader.ReadU8(&got_tag)) {
    return reader.Fail(ErrorCode::kTruncated, std::string(what) + " is missing");
  }
  if (got_tag != tag) {
    return MakeError(
        ErrorCode::kBadValue,
        std::string(what) + " must have DER tag " + Hex2(tag) + ", got " + Hex2(got_tag), start);
  }
  if (!reader.ReadU8(&first_length)) {
    return reader.Fail(ErrorCode::kTruncated, std::string(what) + " has no length octet");
  }
  size_t length = first_length;
  if (first_length == 0x81) {
    uint8_t long_length = 0;
    if (!reader.ReadU8(&long_length)) {
      return reader.Fail(ErrorCode::kTruncated, std::string(what) + " length is cut off");
    }
    if (long_length < 0x80) {
      return reader.Fail(ErrorCode::kBadLength,
                         std::string(what) + " uses a long-form length for " +
                             std::to_string(long_length) + " octets (not DER)");
    }
    length = long_length;
  } else if (first_length >= 0x80) {
    return reader.Fail(ErrorCode::kBadLength, std::string(what) + " has DER length form " +
                                                  Hex2(first_length) +
                                                  " (indefinite or longer than 255 octets)");
  }
  if (!reader.ReadSub(length, content)) {
    return reader.Fail(ErrorCode::kTruncated, std::string(what) + " claims " +
                                                  std::to_string(length) + " octets but only " +
                                                  std::to_string(reader.remaining()) + " remain");
  }
  return Status::Ok();
}

bool NextTagIs(const Reader& reader, uint8_t tag) {
  uint8_t next = 0;
  return reader.PeekU8(&next) && next == tag;
}

// A small non-negative DER INTEGER (salt length, trailer field): 1 or 2 content octets.
Result<uint16_t> ReadSmallInteger(Reader& reader, std::string_view what) {
  Reader content;
  IKEWOT_RETURN_IF_ERROR(ReadElement(reader, kTagInteger, &content, what));
  ByteView v = content.Rest();
  if (v.empty() || v.size() > 2 || (v[0] & 0x80) != 0 ||
      (v.size() == 2 && v[0] == 0 && (v[1] & 0x80) == 0)) {
    return content.Fail(ErrorCode::kBadValue,
                        std::string(what) + " must be a minimal non-negative INTEGER below 32768");
  }
  uint16_t value = v[0];
  if (v.size() == 2) value = static_cast<uint16_t>(value << 8 | v[1]);
  return value;
}

// HashAlgorithm ::= AlgorithmIdentifier { OID, NULL or absent } (RFC 4055 §2.1).
Result<uint16_t> ReadHashAlgorithm(Reader& reader, std::string_view what) {
  Reader sequence, oid;
  IKEWOT_RETURN_IF_ERROR(ReadElement(reader, kTagSequence, &sequence, what));
  IKEWOT_RETURN_IF_ERROR(ReadElement(sequence, kTagOid, &oid, std::string(what) + " OID"));
  if (NextTagIs(sequence, kTagNull)) {
    Reader null_content;
    IKEWOT_RETURN_IF_ERROR(ReadElement(sequence, kTagNull, &null_content, "NULL parameters"));
    IKEWOT_RETURN_IF_ERROR(null_content.ExpectEmpty("NULL parameters"));
  }
  IKEWOT_RETURN_IF_ERROR(sequence.ExpectEmpty(what));
  for (const HashOid& known : kHashOids) {
    if (SameBytes(oid.Rest(), known.oid)) return known.hash;
  }
  return MakeError(ErrorCode::kUnsupported,
                   std::string(what) + " " + OidText(oid.Rest()) + " is not supported",
                   oid.offset());
}

// RSASSA-PSS-params (RFC 4055 §3.1); every field has a SHA-1-era default.
Result<SignatureAlgorithm> ReadPssParams(Reader& algorithm) {
  Reader params;
  IKEWOT_RETURN_IF_ERROR(ReadElement(algorithm, kTagSequence, &params, "RSASSA-PSS-params"));
  uint16_t hash = kSigHashSha1, mgf_hash = kSigHashSha1, salt = 20, trailer = 1;
  Reader field;
  if (NextTagIs(params, kTagContext0)) {
    IKEWOT_RETURN_IF_ERROR(ReadElement(params, kTagContext0, &field, "PSS hashAlgorithm"));
    auto h = ReadHashAlgorithm(field, "PSS hashAlgorithm");
    if (!h.ok()) return h.error();
    hash = *h;
    IKEWOT_RETURN_IF_ERROR(field.ExpectEmpty("PSS hashAlgorithm"));
  }
  if (NextTagIs(params, kTagContext1)) {
    Reader mgf, mgf_oid;
    IKEWOT_RETURN_IF_ERROR(ReadElement(params, kTagContext1, &field, "PSS maskGenAlgorithm"));
    IKEWOT_RETURN_IF_ERROR(ReadElement(field, kTagSequence, &mgf, "PSS maskGenAlgorithm"));
    IKEWOT_RETURN_IF_ERROR(ReadElement(mgf, kTagOid, &mgf_oid, "PSS maskGenAlgorithm OID"));
    if (!SameBytes(mgf_oid.Rest(), kOidMgf1)) {
      return mgf_oid.Fail(ErrorCode::kUnsupported,
                          "PSS mask generation " + OidText(mgf_oid.Rest()) + " is not MGF1");
    }
    auto h = ReadHashAlgorithm(mgf, "MGF1 hash");
    if (!h.ok()) return h.error();
    mgf_hash = *h;
    IKEWOT_RETURN_IF_ERROR(mgf.ExpectEmpty("PSS maskGenAlgorithm"));
    IKEWOT_RETURN_IF_ERROR(field.ExpectEmpty("PSS maskGenAlgorithm"));
  }
  if (NextTagIs(params, kTagContext2)) {
    IKEWOT_RETURN_IF_ERROR(ReadElement(params, kTagContext2, &field, "PSS saltLength"));
    auto s = ReadSmallInteger(field, "PSS saltLength");
    if (!s.ok()) return s.error();
    salt = *s;
    IKEWOT_RETURN_IF_ERROR(field.ExpectEmpty("PSS saltLength"));
  }
  if (NextTagIs(params, kTagContext3)) {
    IKEWOT_RETURN_IF_ERROR(ReadElement(params, kTagContext3, &field, "PSS trailerField"));
    auto t = ReadSmallInteger(field, "PSS trailerField");
    if (!t.ok()) return t.error();
    trailer = *t;
    IKEWOT_RETURN_IF_ERROR(field.ExpectEmpty("PSS trailerField"));
  }
  // Fields out of order or unknown tags are left over here.
  IKEWOT_RETURN_IF_ERROR(params.ExpectEmpty("RSASSA-PSS-params"));
  if (trailer != 1) {
    return params.Fail(
        ErrorCode::kBadValue,
        "PSS trailerField must be 1 (RFC 4055 section 3.1), got " + std::to_string(trailer));
  }
  if (mgf_hash != hash) {
    return params.Fail(ErrorCode::kUnsupported,
                       "PSS with MGF1 over " + SignatureHashName(mgf_hash) + " but message hash " +
                           SignatureHashName(hash) + " is not supported");
  }
  return SignatureAlgorithm{SignatureScheme::kRsaPss, hash, salt};
}

}  // namespace

std::string_view SignatureDigestName(uint16_t hash) {
  switch (hash) {
    case kSigHashSha1:
      return "SHA1";
    case kSigHashSha256:
      return "SHA2-256";
    case kSigHashSha384:
      return "SHA2-384";
    case kSigHashSha512:
      return "SHA2-512";
    default:
      return {};
  }
}

std::string SignatureHashName(uint16_t hash) {
  if (const std::string_view digest = SignatureDigestName(hash); !digest.empty()) {
    return std::string(digest);
  }
  if (hash == kSigHashIdentity) return "Identity";
  return "hash #" + std::to_string(hash);
}

std::string DescribeSignatureAlgorithm(const SignatureAlgorithm& algorithm) {
  std::string digest;  // as in the OID names: "SHA256", "SHA1"
  switch (algorithm.hash) {
    case kSigHashSha1:
      digest = "SHA1";
      break;
    case kSigHashSha256:
      digest = "SHA256";
      break;
    case kSigHashSha384:
      digest = "SHA384";
      break;
    case kSigHashSha512:
      digest = "SHA512";
      break;
    default:
      digest = SignatureHashName(algorithm.hash);
      break;
  }
  switch (algorithm.scheme) {
    case SignatureScheme::kRsaPkcs1v15:
      return "RSA PKCS#1 v1.5 with " + digest;
    case SignatureScheme::kRsaPss:
      return "RSASSA-PSS(" + SignatureHashName(algorithm.hash) + ", salt " +
             std::to_string(algorithm.pss_salt_length) + ")";
    case SignatureScheme::kEcdsa:
      return "ecdsa-with-" + digest;
    case SignatureScheme::kEd25519:
      return algorithm.hash == kSigHashIdentity ? "Ed25519" : "Ed25519 with " + digest;
  }
  return "unknown signature scheme";
}

Result<SignatureAlgorithm> ParseSignatureAlgorithmIdentifier(ByteView der, size_t base_offset) {
  Reader outer(der, base_offset);
  Reader algorithm, oid;
  IKEWOT_RETURN_IF_ERROR(ReadElement(outer, kTagSequence, &algorithm, "AlgorithmIdentifier"));
  IKEWOT_RETURN_IF_ERROR(outer.ExpectEmpty("AlgorithmIdentifier"));
  IKEWOT_RETURN_IF_ERROR(ReadElement(algorithm, kTagOid, &oid, "signature algorithm OID"));
  const SignatureOid* match = nullptr;
  for (const SignatureOid& known : kSignatureOids) {
    if (SameBytes(oid.Rest(), known.oid)) match = &known;
  }
  if (match == nullptr) {
    return MakeError(ErrorCode::kUnsupported,
                     "signature algorithm " + OidText(oid.Rest()) + " is not supported",
                     oid.offset());
  }
  SignatureAlgorithm result{match->scheme, match->hash};
  switch (match->params) {
    case Params::kAbsentOrNull:
      // RFC 4055 §5: NULL is expected, but absent parameters must be accepted too.
      if (NextTagIs(algorithm, kTagNull)) {
        Reader null_content;
        IKEWOT_RETURN_IF_ERROR(ReadElement(algorithm, kTagNull, &null_content, "NULL parameters"));
        IKEWOT_RETURN_IF_ERROR(null_content.ExpectEmpty("NULL parameters"));
      }
      break;
    case Params::kAbsent:
      break;  // RFC 5758 §3.2 and RFC 8410 §3: parameters MUST be absent
    case Params::kPss: {
      auto pss = ReadPssParams(algorithm);
      if (!pss.ok()) return pss.error();
      result = *pss;
      break;
    }
  }
  IKEWOT_RETURN_IF_ERROR(algorithm.ExpectEmpty("AlgorithmIdentifier parameters"));
  return result;
}

Result<DigitalSignatureAuth> ParseDigitalSignatureAuthData(ByteView auth_data, size_t base_offset) {
  Reader reader(auth_data, base_offset);
  uint8_t algid_length = 0;
  Reader algid;
  if (!reader.ReadU8(&algid_length)) {
    return reader.Fail(ErrorCode::kTruncated,
                       "Digital Signature authentication data has no ASN.1 Length octet");
  }
  if (algid_length == 0) {
    return reader.Fail(ErrorCode::kBadLength, "ASN.1 Length of the AlgorithmIdentifier is 0");
  }
  if (!reader.ReadSub(algid_length, &algid)) {
    return reader.Fail(ErrorCode::kTruncated, "ASN.1 Length says " + std::to_string(algid_length) +
                                                  " octets of AlgorithmIdentifier but only " +
                                                  std::to_string(reader.remaining()) + " remain");
  }
  auto algorithm = ParseSignatureAlgorithmIdentifier(algid.Rest(), algid.offset());
  if (!algorithm.ok()) return algorithm.error();
  if (reader.empty()) {
    return reader.Fail(ErrorCode::kTruncated, "no signature value after the AlgorithmIdentifier");
  }
  return DigitalSignatureAuth{*algorithm, algid.Whole(), reader.Rest()};
}

Result<ByteView> SignatureAlgorithmIdentifierDer(SignatureScheme scheme, uint16_t hash) {
  for (const OutgoingAlgId& entry : kOutgoing) {
    if (entry.scheme == scheme && entry.hash == hash) return entry.der;
  }
  return MakeError(
      ErrorCode::kUnsupported,
      "we do not sign with " + DescribeSignatureAlgorithm(SignatureAlgorithm{scheme, hash}));
}

Result<Bytes> EncodeDigitalSignatureAuthData(SignatureScheme scheme, uint16_t hash,
                                             ByteView signature) {
  auto der = SignatureAlgorithmIdentifierDer(scheme, hash);
  if (!der.ok()) return der.error();
  if (signature.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty signature");
  Bytes out;
  Writer writer(&out);
  // The length octet counts a constant table entry (all are under 128 octets).
  writer.U8(static_cast<uint8_t>(der->size()));
  writer.Append(*der);
  writer.Append(signature);
  return out;
}

}  // namespace ikewot::crypto
