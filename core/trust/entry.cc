#include "core/trust/entry.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>

#include "core/trust/asn1_encode.h"
#include "core/trust/cert_summary.h"
#include "core/trust/der.h"

namespace ikewot::trust {
namespace {

// Complete DER AlgorithmIdentifiers (RFC 5758 §3.2, RFC 4055 §5, RFC 8410 §3).
constexpr uint8_t kAlgEcdsaSha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                       0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kAlgEcdsaSha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                       0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr uint8_t kAlgEcdsaSha512[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                       0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
constexpr uint8_t kAlgRsaSha256[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                     0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
constexpr uint8_t kAlgEd25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};

ByteView AlgorithmDer(SignatureAlgorithm a) {
  switch (a) {
    case SignatureAlgorithm::kEcdsaSha256:
      return kAlgEcdsaSha256;
    case SignatureAlgorithm::kEcdsaSha384:
      return kAlgEcdsaSha384;
    case SignatureAlgorithm::kEcdsaSha512:
      return kAlgEcdsaSha512;
    case SignatureAlgorithm::kRsaPkcs1Sha256:
      return kAlgRsaSha256;
    case SignatureAlgorithm::kEd25519:
      return kAlgEd25519;
  }
  return {};
}

const char* DigestName(SignatureAlgorithm a) {
  switch (a) {
    case SignatureAlgorithm::kEcdsaSha256:
    case SignatureAlgorithm::kRsaPkcs1Sha256:
      return "SHA256";
    case SignatureAlgorithm::kEcdsaSha384:
      return "SHA384";
    case SignatureAlgorithm::kEcdsaSha512:
      return "SHA512";
    case SignatureAlgorithm::kEd25519:
      return nullptr;
  }
  return nullptr;
}

SignatureAlgorithm AlgorithmFor(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kEcdsaP256:
      return SignatureAlgorithm::kEcdsaSha256;
    case crypto::KeyType::kEcdsaP384:
      return SignatureAlgorithm::kEcdsaSha384;
    case crypto::KeyType::kEcdsaP521:
      return SignatureAlgorithm::kEcdsaSha512;
    case crypto::KeyType::kEd25519:
      return SignatureAlgorithm::kEd25519;
    case crypto::KeyType::kRsa2048:
    case crypto::KeyType::kRsa3072:
    case crypto::KeyType::kRsa4096:
      return SignatureAlgorithm::kRsaPkcs1Sha256;
  }
  return SignatureAlgorithm::kEcdsaSha256;
}

bool SameBytes(ByteView a, ByteView b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

Status ReadFingerprint(Reader& in, Bytes* out, const char* what) {
  const size_t at = in.offset();
  ByteView fp;
  IKEWOT_RETURN_IF_ERROR(der::ReadOctetString(in, &fp, what));
  if (fp.size() != 32) {
    return MakeError(ErrorCode::kBadLength,
                     std::string(what) + " must be a 32-octet SHA-256 fingerprint, got " +
                         std::to_string(fp.size()),
                     at);
  }
  out->assign(fp.begin(), fp.end());
  return Status::Ok();
}

Status ReadEntryTbs(Reader& in, EntryTbs* out, ByteView* encoding, Sha256Hasher* hasher) {
  der::Element tbs, cert, path;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &tbs, "EntryTBS"));
  *encoding = tbs.encoding;
  Reader& r = tbs.contents;
  uint64_t version;
  const size_t version_at = r.offset();
  IKEWOT_RETURN_IF_ERROR(der::ReadUint63(r, &version, "EntryTBS version"));
  if (version != 1) {
    return MakeError(ErrorCode::kUnsupported,
                     "EntryTBS version " + std::to_string(version) + ", only 1 is known",
                     version_at);
  }
  IKEWOT_RETURN_IF_ERROR(ReadFingerprint(r, &out->endorser, "endorser"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(r, der::kSequence, &cert, "certificate"));
  if (cert.encoding.size() > kMaxCertificateBytes) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "certificate of " + std::to_string(cert.encoding.size()) +
                         " octets exceeds the limit of " + std::to_string(kMaxCertificateBytes),
                     cert.offset);
  }
  out->certificate.assign(cert.encoding.begin(), cert.encoding.end());
  if (hasher) {
    IKEWOT_RETURN_IF_ERROR(hasher->Digest(out->certificate, &out->fingerprint));
  } else {
    out->fingerprint = Sha256(out->certificate);
  }
  IKEWOT_RETURN_IF_ERROR(ReadPolicy(r, &out->policy));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(r, der::kSequence, &path, "path"));
  out->path.clear();
  while (!path.contents.empty()) {
    if (out->path.size() == kMaxPathLength) {
      return MakeError(ErrorCode::kLimitExceeded,
                       "path longer than " + std::to_string(kMaxPathLength) + " sharers",
                       path.contents.offset());
    }
    Bytes fp;
    IKEWOT_RETURN_IF_ERROR(ReadFingerprint(path.contents, &fp, "path element"));
    out->path.push_back(std::move(fp));
  }
  const size_t signed_at_offset = r.offset();
  IKEWOT_RETURN_IF_ERROR(der::ReadGeneralizedTime(r, &out->signed_at, "signedAt"));
  if (out->signed_at < 0) {
    return MakeError(ErrorCode::kBadValue, "signedAt is before 1970", signed_at_offset);
  }
  return r.ExpectEmpty("EntryTBS");
}

}  // namespace

Status ReadSignedEntry(Reader& in, SignedEntry* out, Sha256Hasher* hasher) {
  der::Element entry, algorithm;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &entry, "SignedEntry"));
  if (entry.encoding.size() > kMaxSignedEntryBytes) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "SignedEntry of " + std::to_string(entry.encoding.size()) +
                         " octets exceeds the limit of " + std::to_string(kMaxSignedEntryBytes),
                     entry.offset);
  }
  Reader& r = entry.contents;
  ByteView tbs_der;
  IKEWOT_RETURN_IF_ERROR(ReadEntryTbs(r, &out->tbs, &tbs_der, hasher));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(r, der::kSequence, &algorithm, "signatureAlgorithm"));
  bool known = false;
  for (auto a : {SignatureAlgorithm::kEcdsaSha256, SignatureAlgorithm::kEcdsaSha384,
                 SignatureAlgorithm::kEcdsaSha512, SignatureAlgorithm::kRsaPkcs1Sha256,
                 SignatureAlgorithm::kEd25519}) {
    if (SameBytes(algorithm.encoding, AlgorithmDer(a))) {
      out->algorithm = a;
      known = true;
    }
  }
  if (!known) {
    return MakeError(ErrorCode::kUnsupported,
                     "signatureAlgorithm is not ecdsa-with-SHA256/384/512, "
                     "sha256WithRSAEncryption or Ed25519",
                     algorithm.offset);
  }
  ByteView signature;
  const size_t sig_at = r.offset();
  IKEWOT_RETURN_IF_ERROR(der::ReadBitStringBytes(r, &signature, "signature"));
  if (signature.empty() || signature.size() > kMaxSignatureBytes) {
    return MakeError(ErrorCode::kBadLength,
                     "signature of " + std::to_string(signature.size()) + " octets", sig_at);
  }
  IKEWOT_RETURN_IF_ERROR(r.ExpectEmpty("SignedEntry"));
  out->signature.assign(signature.begin(), signature.end());
  out->der.assign(entry.encoding.begin(), entry.encoding.end());
  out->tbs_offset = static_cast<size_t>(tbs_der.data() - entry.encoding.data());
  out->tbs_size = tbs_der.size();
  return Status::Ok();
}

Result<SignedEntry> ParseSignedEntry(ByteView der) {
  Reader in(der);
  SignedEntry entry;
  IKEWOT_RETURN_IF_ERROR(ReadSignedEntry(in, &entry));
  IKEWOT_RETURN_IF_ERROR(in.ExpectEmpty("signed entry DER"));
  return entry;
}

Result<Endorser> Endorser::Create(const crypto::PrivateKey& key, crypto::Certificate certificate) {
  auto cert_key = certificate.public_key();
  if (!cert_key.ok()) return cert_key.error();
  if (!cert_key->Equals(key.public_key())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the private key does not belong to certificate " + certificate.Subject());
  }
  return Endorser(&key, std::move(certificate), AlgorithmFor(key.type()));
}

Result<SignedEntry> Endorser::Sign(EntryTbs tbs) const {
  tbs.endorser = fingerprint();
  tbs.fingerprint = Sha256(tbs.certificate);
  if (tbs.path.size() > kMaxPathLength) {
    return MakeError(ErrorCode::kLimitExceeded, "delegation path too long");
  }
  IKEWOT_RETURN_IF_ERROR(tbs.policy.Normalize());
  auto policy_der = EncodePolicy(tbs.policy);
  if (!policy_der.ok()) return policy_der.error();
  auto tbs_der =
      asn1::EncodeEntryTbs(tbs.endorser, tbs.certificate, *policy_der, tbs.path, tbs.signed_at);
  if (!tbs_der.ok()) return tbs_der.error();

  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), nullptr, DigestName(algorithm_), nullptr, nullptr,
                                    key_->pkey(), nullptr) != 1) {
    return ossl::CryptoError("EVP_DigestSignInit_ex for a trust entry");
  }
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, tbs_der->data(), tbs_der->size()) != 1) {
    return ossl::CryptoError("EVP_DigestSign (size)");
  }
  Bytes signature(len);
  if (EVP_DigestSign(ctx.get(), signature.data(), &len, tbs_der->data(), tbs_der->size()) != 1) {
    return ossl::CryptoError("EVP_DigestSign");
  }
  signature.resize(len);
  auto der = asn1::EncodeSignedEntry(*tbs_der, AlgorithmDer(algorithm_), signature);
  if (!der.ok()) return der.error();
  // The SignedEntry SEQUENCE starts with the TBS verbatim; find where.
  Reader in(*der);
  der::Element outer, inner;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &outer, "SignedEntry"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(outer.contents, der::kSequence, &inner, "EntryTBS"));
  SignedEntry out;
  out.tbs = std::move(tbs);
  out.algorithm = algorithm_;
  out.signature = std::move(signature);
  out.tbs_offset = inner.offset;
  out.tbs_size = inner.encoding.size();
  out.der = std::move(*der);
  return out;
}

Result<EntryVerifier> EntryVerifier::Create(const crypto::Certificate& signer) {
  auto key = signer.public_key();
  if (!key.ok()) return key.error();
  EntryVerifier v;
  v.algorithm_ = AlgorithmFor(key->type());
  v.fingerprint_ = signer.Sha256Fingerprint();
  v.key_ = *key;
  if (const char* md_name = DigestName(v.algorithm_)) {
    v.md_.reset(EVP_MD_fetch(nullptr, md_name, nullptr));
    v.digest_.reset(EVP_MD_CTX_new());
    v.prehash_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key->pkey(), nullptr));
    if (!v.md_ || !v.digest_ || !v.prehash_ || EVP_PKEY_verify_init(v.prehash_.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(v.prehash_.get(), v.md_.get()) != 1) {
      return ossl::CryptoError("preparing the entry verify context");
    }
    if (v.algorithm_ == SignatureAlgorithm::kRsaPkcs1Sha256 &&
        EVP_PKEY_CTX_set_rsa_padding(v.prehash_.get(), RSA_PKCS1_PADDING) != 1) {
      return ossl::CryptoError("EVP_PKEY_CTX_set_rsa_padding");
    }
  }
  return v;
}

Status EntryVerifier::Verify(const SignedEntry& entry) {
  if (!std::equal(entry.tbs.endorser.begin(), entry.tbs.endorser.end(), fingerprint_.begin(),
                  fingerprint_.end())) {
    return MakeError(ErrorCode::kAuthFailure,
                     "entry is endorsed by " + FingerprintText(entry.tbs.endorser) +
                         ", not by the signer " + FingerprintText(fingerprint_));
  }
  if (entry.algorithm != algorithm_) {
    return MakeError(ErrorCode::kAuthFailure,
                     "entry signature algorithm does not match the signer's key type");
  }
  int rc;
  if (md_) {
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    const ByteView tbs = entry.tbs_der();
    if (EVP_DigestInit_ex2(digest_.get(), md_.get(), nullptr) != 1 ||
        EVP_DigestUpdate(digest_.get(), tbs.data(), tbs.size()) != 1 ||
        EVP_DigestFinal_ex(digest_.get(), digest, &digest_len) != 1) {
      return ossl::CryptoError("digesting a trust entry");
    }
    rc = EVP_PKEY_verify(prehash_.get(), entry.signature.data(), entry.signature.size(), digest,
                         digest_len);
  } else {
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, key_->pkey(),
                                        nullptr) != 1) {
      return ossl::CryptoError("EVP_DigestVerifyInit_ex");
    }
    rc = EVP_DigestVerify(ctx.get(), entry.signature.data(), entry.signature.size(),
                          entry.tbs_der().data(), entry.tbs_der().size());
  }
  if (rc != 1) {
    ossl::DrainErrors();
    return MakeError(ErrorCode::kAuthFailure, "entry signature does not verify");
  }
  return Status::Ok();
}

}  // namespace ikewot::trust
