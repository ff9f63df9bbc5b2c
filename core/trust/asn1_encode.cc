#include "core/trust/asn1_encode.h"

#include <openssl/asn1t.h>

#include <memory>

#include "core/crypto/openssl_handles.h"

// OpenSSL ASN.1 templates (see <openssl/asn1t.h>). Verbatim sub-encodings (a certificate, a
// policy, a signed entry) are carried as ANY so the encoder copies them without re-encoding.
extern "C" {

typedef struct ikewot_trust_policy_st {
  ASN1_GENERALIZEDTIME* not_before;
  ASN1_GENERALIZEDTIME* not_after;
  STACK_OF(ASN1_UTF8STRING) * purposes;
  STACK_OF(ASN1_TYPE) * addresses;
  STACK_OF(ASN1_UTF8STRING) * names;
} IKEWOT_TRUST_POLICY;

typedef struct ikewot_trust_entry_tbs_st {
  ASN1_INTEGER* version;
  ASN1_OCTET_STRING* endorser;
  ASN1_TYPE* certificate;
  ASN1_TYPE* policy;
  STACK_OF(ASN1_TYPE) * path;
  ASN1_GENERALIZEDTIME* signed_at;
} IKEWOT_TRUST_ENTRY_TBS;

typedef struct ikewot_trust_signed_entry_st {
  ASN1_TYPE* tbs;
  ASN1_TYPE* algorithm;
  ASN1_BIT_STRING* signature;
} IKEWOT_TRUST_SIGNED_ENTRY;

typedef struct ikewot_trust_collection_st {
  ASN1_INTEGER* version;
  ASN1_INTEGER* sequence;
  ASN1_GENERALIZEDTIME* created;
  STACK_OF(ASN1_TYPE) * entries;
  STACK_OF(ASN1_TYPE) * removals;
} IKEWOT_TRUST_COLLECTION;

DECLARE_ASN1_FUNCTIONS(IKEWOT_TRUST_POLICY)
DECLARE_ASN1_FUNCTIONS(IKEWOT_TRUST_ENTRY_TBS)
DECLARE_ASN1_FUNCTIONS(IKEWOT_TRUST_SIGNED_ENTRY)
DECLARE_ASN1_FUNCTIONS(IKEWOT_TRUST_COLLECTION)

ASN1_SEQUENCE(IKEWOT_TRUST_POLICY) =
    {
        ASN1_IMP_OPT(IKEWOT_TRUST_POLICY, not_before, ASN1_GENERALIZEDTIME, 0),
        ASN1_IMP_OPT(IKEWOT_TRUST_POLICY, not_after, ASN1_GENERALIZEDTIME, 1),
        ASN1_IMP_SEQUENCE_OF_OPT(IKEWOT_TRUST_POLICY, purposes, ASN1_UTF8STRING, 2),
        ASN1_IMP_SEQUENCE_OF_OPT(IKEWOT_TRUST_POLICY, addresses, ASN1_ANY, 3),
        ASN1_IMP_SEQUENCE_OF_OPT(IKEWOT_TRUST_POLICY, names, ASN1_UTF8STRING, 4),
} ASN1_SEQUENCE_END(IKEWOT_TRUST_POLICY)

        ASN1_SEQUENCE(IKEWOT_TRUST_ENTRY_TBS) =
            {
                ASN1_SIMPLE(IKEWOT_TRUST_ENTRY_TBS, version, ASN1_INTEGER),
                ASN1_SIMPLE(IKEWOT_TRUST_ENTRY_TBS, endorser, ASN1_OCTET_STRING),
                ASN1_SIMPLE(IKEWOT_TRUST_ENTRY_TBS, certificate, ASN1_ANY),
                ASN1_SIMPLE(IKEWOT_TRUST_ENTRY_TBS, policy, ASN1_ANY),
                ASN1_SEQUENCE_OF(IKEWOT_TRUST_ENTRY_TBS, path, ASN1_ANY),
                ASN1_SIMPLE(IKEWOT_TRUST_ENTRY_TBS, signed_at, ASN1_GENERALIZEDTIME),
} ASN1_SEQUENCE_END(IKEWOT_TRUST_ENTRY_TBS)

                ASN1_SEQUENCE(IKEWOT_TRUST_SIGNED_ENTRY) =
                    {
                        ASN1_SIMPLE(IKEWOT_TRUST_SIGNED_ENTRY, tbs, ASN1_ANY),
                        ASN1_SIMPLE(IKEWOT_TRUST_SIGNED_ENTRY, algorithm, ASN1_ANY),
                        ASN1_SIMPLE(IKEWOT_TRUST_SIGNED_ENTRY, signature, ASN1_BIT_STRING),
} ASN1_SEQUENCE_END(IKEWOT_TRUST_SIGNED_ENTRY)

                        ASN1_SEQUENCE(IKEWOT_TRUST_COLLECTION) =
                            {
                                ASN1_SIMPLE(IKEWOT_TRUST_COLLECTION, version, ASN1_INTEGER),
                                ASN1_SIMPLE(IKEWOT_TRUST_COLLECTION, sequence, ASN1_INTEGER),
                                ASN1_SIMPLE(IKEWOT_TRUST_COLLECTION, created, ASN1_GENERALIZEDTIME),
                                ASN1_SEQUENCE_OF(IKEWOT_TRUST_COLLECTION, entries, ASN1_ANY),
                                ASN1_IMP_SEQUENCE_OF_OPT(IKEWOT_TRUST_COLLECTION, removals,
                                                         ASN1_ANY, 0),
} ASN1_SEQUENCE_END(IKEWOT_TRUST_COLLECTION)

                                IMPLEMENT_ASN1_FUNCTIONS(IKEWOT_TRUST_POLICY)
                                    IMPLEMENT_ASN1_FUNCTIONS(IKEWOT_TRUST_ENTRY_TBS)
                                        IMPLEMENT_ASN1_FUNCTIONS(IKEWOT_TRUST_SIGNED_ENTRY)
                                            IMPLEMENT_ASN1_FUNCTIONS(IKEWOT_TRUST_COLLECTION)

}  // extern "C"

namespace ikewot::trust::asn1 {
namespace {

using PolicyPtr = std::unique_ptr<IKEWOT_TRUST_POLICY, ossl::Deleter<IKEWOT_TRUST_POLICY_free>>;
using EntryTbsPtr =
    std::unique_ptr<IKEWOT_TRUST_ENTRY_TBS, ossl::Deleter<IKEWOT_TRUST_ENTRY_TBS_free>>;
using SignedEntryPtr =
    std::unique_ptr<IKEWOT_TRUST_SIGNED_ENTRY, ossl::Deleter<IKEWOT_TRUST_SIGNED_ENTRY_free>>;
using CollectionPtr =
    std::unique_ptr<IKEWOT_TRUST_COLLECTION, ossl::Deleter<IKEWOT_TRUST_COLLECTION_free>>;
using TypePtr = std::unique_ptr<ASN1_TYPE, ossl::Deleter<ASN1_TYPE_free>>;
using StringPtr = std::unique_ptr<ASN1_STRING, ossl::Deleter<ASN1_STRING_free>>;

bool FitsInt(size_t n) { return n <= 0x7fffffff; }

// An ANY holding a complete, already encoded SEQUENCE (copied verbatim on output).
Result<TypePtr> VerbatimSequence(ByteView der, const char* what) {
  if (der.empty() || der[0] != 0x30 || !FitsInt(der.size())) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " must be a DER SEQUENCE");
  }
  TypePtr type(ASN1_TYPE_new());
  StringPtr s(ASN1_STRING_type_new(V_ASN1_SEQUENCE));
  if (!type || !s || !ASN1_STRING_set(s.get(), der.data(), static_cast<int>(der.size()))) {
    return ossl::CryptoError(std::string("allocating ") + what);
  }
  ASN1_TYPE_set(type.get(), V_ASN1_SEQUENCE, s.release());
  return type;
}

Result<TypePtr> OctetStringAny(ByteView bytes) {
  TypePtr type(ASN1_TYPE_new());
  StringPtr s(ASN1_OCTET_STRING_new());
  if (!type || !s || !FitsInt(bytes.size()) ||
      !ASN1_OCTET_STRING_set(s.get(), bytes.data(), static_cast<int>(bytes.size()))) {
    return ossl::CryptoError("allocating an OCTET STRING");
  }
  ASN1_TYPE_set(type.get(), V_ASN1_OCTET_STRING, s.release());
  return type;
}

Status SetOctetString(ASN1_OCTET_STRING* s, ByteView bytes) {
  if (!FitsInt(bytes.size()) ||
      !ASN1_OCTET_STRING_set(s, bytes.data(), static_cast<int>(bytes.size()))) {
    return ossl::CryptoError("setting an OCTET STRING");
  }
  return Status::Ok();
}

Result<ASN1_GENERALIZEDTIME*> MakeTime(int64_t unix_seconds) {
  // GeneralizedTime "YYYYMMDDHHMMSSZ" needs a four-digit year.
  if (unix_seconds < 0 || unix_seconds > 253402300799) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "time " + std::to_string(unix_seconds) + " is outside years 1970..9999");
  }
  ASN1_GENERALIZEDTIME* t = ASN1_GENERALIZEDTIME_set(nullptr, static_cast<time_t>(unix_seconds));
  if (!t) return ossl::CryptoError("ASN1_GENERALIZEDTIME_set");
  return t;
}

Status AppendAny(STACK_OF(ASN1_TYPE) * stack, TypePtr item) {
  if (!sk_ASN1_TYPE_push(stack, item.get())) return ossl::CryptoError("sk_ASN1_TYPE_push");
  item.release();
  return Status::Ok();
}

Result<STACK_OF(ASN1_UTF8STRING) *> Utf8Stack(const std::vector<std::string>& items) {
  STACK_OF(ASN1_UTF8STRING)* stack = sk_ASN1_UTF8STRING_new_null();
  if (!stack) return ossl::CryptoError("sk_ASN1_UTF8STRING_new_null");
  for (const std::string& item : items) {
    ASN1_UTF8STRING* s = ASN1_UTF8STRING_new();
    if (!s || !FitsInt(item.size()) ||
        !ASN1_STRING_set(s, item.data(), static_cast<int>(item.size())) ||
        !sk_ASN1_UTF8STRING_push(stack, s)) {
      ASN1_UTF8STRING_free(s);
      sk_ASN1_UTF8STRING_pop_free(stack, ASN1_UTF8STRING_free);
      return ossl::CryptoError("building a UTF8String list");
    }
  }
  return stack;
}

template <typename T, int (*I2d)(const T*, unsigned char**)>
Result<Bytes> Serialize(const T* object, const char* what) {
  const int n = I2d(object, nullptr);
  if (n <= 0) return ossl::CryptoError(std::string("encoding ") + what);
  Bytes out(static_cast<size_t>(n));
  unsigned char* p = out.data();
  if (I2d(object, &p) != n) return ossl::CryptoError(std::string("encoding ") + what);
  return out;
}

}  // namespace

Result<Bytes> EncodePolicy(const PolicyFields& fields) {
  PolicyPtr p(IKEWOT_TRUST_POLICY_new());
  if (!p) return ossl::CryptoError("IKEWOT_TRUST_POLICY_new");
  if (fields.not_before >= 0) {
    auto t = MakeTime(fields.not_before);
    if (!t.ok()) return t.error();
    p->not_before = *t;
  }
  if (fields.not_after >= 0) {
    auto t = MakeTime(fields.not_after);
    if (!t.ok()) return t.error();
    p->not_after = *t;
  }
  if (!fields.purposes.empty()) {
    auto s = Utf8Stack(fields.purposes);
    if (!s.ok()) return s.error();
    p->purposes = *s;
  }
  if (!fields.addresses.empty()) {
    p->addresses = sk_ASN1_TYPE_new_null();
    if (!p->addresses) return ossl::CryptoError("sk_ASN1_TYPE_new_null");
    for (const Bytes& a : fields.addresses) {
      auto any = OctetStringAny(a);
      if (!any.ok()) return any.error();
      IKEWOT_RETURN_IF_ERROR(AppendAny(p->addresses, std::move(*any)));
    }
  }
  if (!fields.names.empty()) {
    auto s = Utf8Stack(fields.names);
    if (!s.ok()) return s.error();
    p->names = *s;
  }
  return Serialize<IKEWOT_TRUST_POLICY, i2d_IKEWOT_TRUST_POLICY>(p.get(), "TrustPolicy");
}

Result<Bytes> EncodeEntryTbs(ByteView endorser, ByteView certificate, ByteView policy,
                             std::span<const Bytes> path, int64_t signed_at) {
  EntryTbsPtr e(IKEWOT_TRUST_ENTRY_TBS_new());
  if (!e) return ossl::CryptoError("IKEWOT_TRUST_ENTRY_TBS_new");
  if (!ASN1_INTEGER_set_uint64(e->version, 1)) return ossl::CryptoError("ASN1_INTEGER_set");
  IKEWOT_RETURN_IF_ERROR(SetOctetString(e->endorser, endorser));
  auto cert = VerbatimSequence(certificate, "certificate");
  if (!cert.ok()) return cert.error();
  ASN1_TYPE_free(e->certificate);
  e->certificate = cert->release();
  auto pol = VerbatimSequence(policy, "policy");
  if (!pol.ok()) return pol.error();
  ASN1_TYPE_free(e->policy);
  e->policy = pol->release();
  for (const Bytes& fp : path) {
    auto any = OctetStringAny(fp);
    if (!any.ok()) return any.error();
    IKEWOT_RETURN_IF_ERROR(AppendAny(e->path, std::move(*any)));
  }
  auto t = MakeTime(signed_at);
  if (!t.ok()) return t.error();
  ASN1_GENERALIZEDTIME_free(e->signed_at);
  e->signed_at = *t;
  return Serialize<IKEWOT_TRUST_ENTRY_TBS, i2d_IKEWOT_TRUST_ENTRY_TBS>(e.get(), "EntryTBS");
}

Result<Bytes> EncodeSignedEntry(ByteView tbs, ByteView algorithm, ByteView signature) {
  SignedEntryPtr e(IKEWOT_TRUST_SIGNED_ENTRY_new());
  if (!e) return ossl::CryptoError("IKEWOT_TRUST_SIGNED_ENTRY_new");
  auto t = VerbatimSequence(tbs, "EntryTBS");
  if (!t.ok()) return t.error();
  ASN1_TYPE_free(e->tbs);
  e->tbs = t->release();
  auto a = VerbatimSequence(algorithm, "AlgorithmIdentifier");
  if (!a.ok()) return a.error();
  ASN1_TYPE_free(e->algorithm);
  e->algorithm = a->release();
  if (!FitsInt(signature.size()) ||
      !ASN1_BIT_STRING_set(e->signature, const_cast<uint8_t*>(signature.data()),
                           static_cast<int>(signature.size()))) {
    return ossl::CryptoError("ASN1_BIT_STRING_set");
  }
  // Signatures are whole octets: without this flag OpenSSL would count trailing zero bits of
  // the last octet as "unused" and change the encoding.
  e->signature->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  e->signature->flags |= ASN1_STRING_FLAG_BITS_LEFT;  // and 0 unused bits in the low three
  return Serialize<IKEWOT_TRUST_SIGNED_ENTRY, i2d_IKEWOT_TRUST_SIGNED_ENTRY>(e.get(),
                                                                             "SignedEntry");
}

Result<Bytes> EncodeCollection(uint64_t sequence, int64_t created,
                               std::span<const ByteView> entries, std::span<const Bytes> removals) {
  CollectionPtr c(IKEWOT_TRUST_COLLECTION_new());
  if (!c) return ossl::CryptoError("IKEWOT_TRUST_COLLECTION_new");
  if (!ASN1_INTEGER_set_uint64(c->version, 1) || !ASN1_INTEGER_set_uint64(c->sequence, sequence)) {
    return ossl::CryptoError("ASN1_INTEGER_set_uint64");
  }
  auto t = MakeTime(created);
  if (!t.ok()) return t.error();
  ASN1_GENERALIZEDTIME_free(c->created);
  c->created = *t;
  for (ByteView entry : entries) {
    auto any = VerbatimSequence(entry, "SignedEntry");
    if (!any.ok()) return any.error();
    IKEWOT_RETURN_IF_ERROR(AppendAny(c->entries, std::move(*any)));
  }
  if (!removals.empty()) {
    c->removals = sk_ASN1_TYPE_new_null();
    if (!c->removals) return ossl::CryptoError("sk_ASN1_TYPE_new_null");
    for (const Bytes& fp : removals) {
      auto any = OctetStringAny(fp);
      if (!any.ok()) return any.error();
      IKEWOT_RETURN_IF_ERROR(AppendAny(c->removals, std::move(*any)));
    }
  }
  return Serialize<IKEWOT_TRUST_COLLECTION, i2d_IKEWOT_TRUST_COLLECTION>(c.get(),
                                                                         "TrustCollection");
}

}  // namespace ikewot::trust::asn1
