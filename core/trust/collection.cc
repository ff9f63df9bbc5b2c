#include "core/trust/collection.h"

#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstdint>
#include <memory>

#include "core/trust/asn1_encode.h"
#include "core/trust/cert_summary.h"
#include "core/trust/collection_form.h"
#include "core/trust/der.h"
#include "core/trust/sort_keys.h"

namespace ikewot::trust {
namespace {

using ObjectPtr = std::unique_ptr<ASN1_OBJECT, ossl::Deleter<ASN1_OBJECT_free>>;
using TimePtr = std::unique_ptr<ASN1_TIME, ossl::Deleter<ASN1_TIME_free>>;
void FreeX509Stack(STACK_OF(X509) * stack) { sk_X509_free(stack); }  // a macro in OpenSSL 3
using X509StackPtr = std::unique_ptr<STACK_OF(X509), ossl::Deleter<FreeX509Stack>>;

constexpr size_t kMaxCmsDepth = 64;

// No SignedEntry is shorter (headers, version, 32-octet endorser, GeneralizedTime, the
// shortest AlgorithmIdentifier and BIT STRING); smaller elements are not counted.
constexpr size_t kMinSignedEntryBytes = 64;

// How many elements of plausible size `list` holds (at most `limit`; a malformed element ends
// the count and is left to the parse that follows), so that the entries vector is allocated
// once rather than grown and moved. Junk cannot make it reserve more than one entry per
// kMinSignedEntryBytes octets of the file.
size_t CountEntries(Reader list, size_t limit) {
  size_t count = 0;
  der::Element element;
  while (count < limit && !list.empty() && der::ReadElement(list, &element, "entry").ok()) {
    if (element.encoding.size() >= kMinSignedEntryBytes) ++count;
  }
  return count;
}

Result<ObjectPtr> ContentTypeObject() {
  ObjectPtr oid(OBJ_txt2obj(kCollectionContentTypeOid, 1));
  if (!oid) return ossl::CryptoError("OBJ_txt2obj(collection content type)");
  return oid;
}

Result<Bytes> BioContents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  if (len < 0 || (len > 0 && !data)) return ossl::CryptoError("BIO_get_mem_data");
  return Bytes(reinterpret_cast<uint8_t*>(data), reinterpret_cast<uint8_t*>(data) + len);
}

Result<ossl::CmsPtr> ParseCms(ByteView der, const CollectionLimits& limits, const char* what) {
  if (der.size() > limits.max_file_bytes) {
    return MakeError(ErrorCode::kLimitExceeded,
                     std::string(what) + " of " + std::to_string(der.size()) +
                         " octets exceeds the limit of " + std::to_string(limits.max_file_bytes));
  }
  // OpenSSL allocates per ASN.1 element; bound the element count before it sees the bytes.
  IKEWOT_RETURN_IF_ERROR(der::CheckShape(der, kMaxCmsDepth, limits.max_cms_elements, what));
  if (der.size() > 0x7fffffff) return MakeError(ErrorCode::kLimitExceeded, "file too large");
  const unsigned char* p = der.data();
  ossl::CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  if (!cms) return ossl::CryptoError(std::string(what) + " is not a CMS ContentInfo");
  if (p != der.data() + der.size()) {
    return MakeError(ErrorCode::kTrailingData,
                     std::string(what) + " has data after the CMS ContentInfo",
                     static_cast<size_t>(p - der.data()));
  }
  return cms;
}

Result<crypto::Certificate> ToCertificate(X509* x509) {
  const int n = i2d_X509(x509, nullptr);
  if (n <= 0) return ossl::CryptoError("i2d_X509");
  Bytes der(static_cast<size_t>(n));
  unsigned char* p = der.data();
  if (i2d_X509(x509, &p) != n) return ossl::CryptoError("i2d_X509");
  return crypto::Certificate::FromDer(der);
}

bool IsRecipient(CMS_ContentInfo* cms, X509* cert, int* recipient_count) {
  STACK_OF(CMS_RecipientInfo)* infos = CMS_get0_RecipientInfos(cms);
  *recipient_count = 0;
  bool found = false;
  for (int i = 0; i < sk_CMS_RecipientInfo_num(infos); ++i) {
    CMS_RecipientInfo* ri = sk_CMS_RecipientInfo_value(infos, i);
    switch (CMS_RecipientInfo_type(ri)) {
      case CMS_RECIPINFO_TRANS:
        ++*recipient_count;
        if (CMS_RecipientInfo_ktri_cert_cmp(ri, cert) == 0) found = true;
        break;
      case CMS_RECIPINFO_AGREE: {
        STACK_OF(CMS_RecipientEncryptedKey)* keys = CMS_RecipientInfo_kari_get0_reks(ri);
        for (int k = 0; k < sk_CMS_RecipientEncryptedKey_num(keys); ++k) {
          ++*recipient_count;
          if (CMS_RecipientEncryptedKey_cert_cmp(sk_CMS_RecipientEncryptedKey_value(keys, k),
                                                 cert) == 0) {
            found = true;
          }
        }
        break;
      }
      default:
        ++*recipient_count;
    }
  }
  ossl::DrainErrors();
  return found;
}

Result<Bytes> Decrypt(CMS_ContentInfo* cms, const Decryptor& decryptor) {
  if (!decryptor.key || !decryptor.certificate) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the collection is encrypted and no recipient key was given");
  }
  int count = 0;
  if (!IsRecipient(cms, decryptor.certificate->x509(), &count)) {
    return MakeError(ErrorCode::kAuthFailure, "wrong recipient: the collection is encrypted for " +
                                                  std::to_string(count) + " recipient(s) and " +
                                                  decryptor.certificate->Subject() +
                                                  " is not one of them");
  }
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (!out) return ossl::CryptoError("BIO_new");
  if (CMS_decrypt(cms, decryptor.key->pkey(), decryptor.certificate->x509(), nullptr, out.get(),
                  CMS_BINARY) != 1) {
    std::string detail = ossl::DrainErrors();
    return MakeError(ErrorCode::kAuthFailure,
                     "decrypting the collection failed (tampered or truncated?): " + detail);
  }
  return BioContents(out.get());
}

Status ConfigureRecipient(CMS_ContentInfo* cms, const crypto::Certificate& recipient) {
  auto type = recipient.key_type();
  if (!type.ok()) return type.error();
  if (*type == crypto::KeyType::kEd25519) {
    return MakeError(ErrorCode::kUnsupported,
                     "recipient " + recipient.Subject() +
                         " has an Ed25519 key, which cannot receive encrypted collections "
                         "(OpenSSL 3.0 CMS has no X25519 recipients); ask for an ECDSA or RSA "
                         "certificate or share without --to");
  }
  CMS_RecipientInfo* ri = CMS_add1_recipient_cert(cms, recipient.x509(), CMS_KEY_PARAM);
  if (!ri) return ossl::CryptoError("CMS_add1_recipient_cert");
  EVP_PKEY_CTX* pctx = CMS_RecipientInfo_get0_pkey_ctx(ri);
  if (!pctx) return ossl::CryptoError("CMS_RecipientInfo_get0_pkey_ctx");
  if (crypto::IsEcdsa(*type)) {
    // X9.63 KDF with SHA-256 (OpenSSL's default is SHA-1); the choice is recorded in the
    // keyEncryptionAlgorithm, so `openssl cms -decrypt` needs no option for it.
    if (EVP_PKEY_CTX_set_ecdh_kdf_md(pctx, EVP_sha256()) != 1) {
      return ossl::CryptoError("EVP_PKEY_CTX_set_ecdh_kdf_md");
    }
  } else if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
             EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha256()) != 1 ||
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1) {
    return ossl::CryptoError("configuring RSA-OAEP for a recipient");
  }
  return Status::Ok();
}

}  // namespace

Result<Bytes> EncodeCollectionContent(const CollectionContent& content) {
  std::vector<ByteView> entries;
  entries.reserve(content.entries.size());
  for (const SignedEntry& e : content.entries) entries.push_back(e.der);
  std::vector<Bytes> removals = content.removals;
  std::sort(removals.begin(), removals.end());
  removals.erase(std::unique(removals.begin(), removals.end()), removals.end());
  return asn1::EncodeCollection(content.sequence, content.created, entries, removals);
}

Result<CollectionContent> ParseCollectionContent(ByteView der, const CollectionLimits& limits) {
  if (der.size() > limits.max_file_bytes) {
    return MakeError(ErrorCode::kLimitExceeded, "collection content exceeds the size limit");
  }
  Reader in(der);
  der::Element seq, list;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &seq, "TrustCollection"));
  IKEWOT_RETURN_IF_ERROR(in.ExpectEmpty("collection content"));
  Reader& r = seq.contents;
  CollectionContent out;
  uint64_t version;
  const size_t version_at = r.offset();
  IKEWOT_RETURN_IF_ERROR(der::ReadUint63(r, &version, "TrustCollection version"));
  if (version != 1) {
    return MakeError(ErrorCode::kUnsupported,
                     "TrustCollection version " + std::to_string(version) + ", only 1 is known",
                     version_at);
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadUint63(r, &out.sequence, "sequence"));
  const size_t created_offset = r.offset();
  IKEWOT_RETURN_IF_ERROR(der::ReadGeneralizedTime(r, &out.created, "created"));
  if (out.created < 0) {
    return MakeError(ErrorCode::kBadValue, "created is before 1970", created_offset);
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(r, der::kSequence, &list, "entries"));
  out.entries.reserve(CountEntries(list.contents, limits.max_entries));
  auto hasher = Sha256Hasher::Create();
  if (!hasher.ok()) return hasher.error();
  while (!list.contents.empty()) {
    if (out.entries.size() == limits.max_entries) {
      return MakeError(ErrorCode::kLimitExceeded,
                       "more than " + std::to_string(limits.max_entries) + " entries",
                       list.contents.offset());
    }
    SignedEntry entry;
    IKEWOT_RETURN_IF_ERROR(ReadSignedEntry(list.contents, &entry, &*hasher));
    out.entries.push_back(std::move(entry));
  }
  if (der::NextIs(r, der::ContextConstructed(0))) {
    IKEWOT_RETURN_IF_ERROR(der::ReadElement(r, &list, "removals"));
    if (list.contents.empty()) {
      return MakeError(ErrorCode::kBadValue, "removals must be absent rather than empty",
                       list.offset);
    }
    while (!list.contents.empty()) {
      const size_t at = list.contents.offset();
      if (out.removals.size() == limits.max_removals) {
        return MakeError(ErrorCode::kLimitExceeded,
                         "more than " + std::to_string(limits.max_removals) + " removals", at);
      }
      ByteView fp;
      IKEWOT_RETURN_IF_ERROR(der::ReadOctetString(list.contents, &fp, "removal"));
      if (fp.size() != 32) {
        return MakeError(
            ErrorCode::kBadLength,
            "a removal is a 32-octet SHA-256 fingerprint, got " + std::to_string(fp.size()), at);
      }
      Bytes b(fp.begin(), fp.end());
      if (!out.removals.empty() && !(out.removals.back() < b)) {
        return MakeError(ErrorCode::kBadValue, "removals must be sorted and unique", at);
      }
      out.removals.push_back(std::move(b));
    }
  }
  IKEWOT_RETURN_IF_ERROR(r.ExpectEmpty("TrustCollection"));
  return out;
}

namespace {

// The position of the first entry (in collection order) whose certificate an earlier entry
// already lists, or `entries.size()` if none does. Sorting positions by fingerprint costs no
// allocation per entry (a hash set of 10,000 strings did, and left the heap fragmented for
// the verifies that follow).
size_t FirstRepeatedCertificate(const std::vector<SignedEntry>& entries) {
  std::vector<ByteView> fingerprints;
  fingerprints.reserve(entries.size());
  for (const SignedEntry& e : entries) fingerprints.push_back(e.tbs.fingerprint);
  const std::vector<uint32_t> order = SortedOrder(fingerprints);
  size_t first = entries.size();
  for (size_t run = 0; run < order.size();) {
    // A run of equal fingerprints: every position but the smallest repeats the certificate.
    size_t end = run + 1;
    uint32_t smallest = order[run], second = UINT32_MAX;
    while (end < order.size() &&
           std::ranges::equal(fingerprints[order[end]], fingerprints[order[run]])) {
      const uint32_t position = order[end++];
      if (position < smallest) {
        second = smallest;
        smallest = position;
      } else if (position < second) {
        second = position;
      }
    }
    if (second != UINT32_MAX) first = std::min<size_t>(first, second);
    run = end;
  }
  return first;
}

}  // namespace

Status CheckCollectionContent(const CollectionContent& content, ByteView signer_fingerprint) {
  const size_t repeated = FirstRepeatedCertificate(content.entries);
  for (size_t i = 0; i < content.entries.size(); ++i) {
    const EntryTbs& tbs = content.entries[i].tbs;
    auto where = [&] {
      return "entry " + std::to_string(i + 1) + " (" +
             FingerprintText(tbs.fingerprint).substr(0, 23) + "...)";
    };
    if (i == repeated) {
      return MakeError(ErrorCode::kBadValue, where() + " lists a certificate a second time");
    }
    if (!std::equal(tbs.endorser.begin(), tbs.endorser.end(), signer_fingerprint.begin(),
                    signer_fingerprint.end())) {
      return MakeError(ErrorCode::kAuthFailure, where() + " is endorsed by someone else");
    }
    for (size_t hop = 0; hop < tbs.path.size(); ++hop) {  // at most kMaxPathLength hops
      const Bytes& fp = tbs.path[hop];
      const bool repeats =
          std::find(tbs.path.begin(), tbs.path.begin() + hop, fp) != tbs.path.begin() + hop;
      if (repeats || std::ranges::equal(fp, signer_fingerprint)) {
        return MakeError(ErrorCode::kBadValue, where() + " has a delegation path with a loop");
      }
    }
    if (std::binary_search(content.removals.begin(), content.removals.end(), tbs.fingerprint)) {
      return MakeError(ErrorCode::kBadValue, where() + " is both listed and removed");
    }
  }
  return Status::Ok();
}

Result<Bytes> SealCollection(ByteView content_der, const Endorser& sharer, TimePoint now,
                             std::span<const crypto::Certificate> recipients) {
  const crypto::KeyType type = sharer.key().type();
  if (type == crypto::KeyType::kEd25519) {
    return MakeError(ErrorCode::kUnsupported,
                     "sharing needs an ECDSA or RSA identity: OpenSSL 3.0 cannot make CMS "
                     "signatures with Ed25519 keys (create one with "
                     "`ikewot id init --key ecdsa-p256 --force`)");
  }
  auto oid = ContentTypeObject();
  if (!oid.ok()) return oid.error();
  ossl::BioPtr content(BIO_new_mem_buf(content_der.data(), static_cast<int>(content_der.size())));
  ossl::CmsPtr cms(
      CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP));
  if (!content || !cms) return ossl::CryptoError("CMS_sign");
  if (CMS_set1_eContentType(cms.get(), oid->get()) != 1) {
    return ossl::CryptoError("CMS_set1_eContentType");
  }
  const EVP_MD* md = type == crypto::KeyType::kEcdsaP384   ? EVP_sha384()
                     : type == crypto::KeyType::kEcdsaP521 ? EVP_sha512()
                                                           : EVP_sha256();
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), sharer.certificate().x509(), sharer.key().pkey(),
                                       md, CMS_BINARY | CMS_NOSMIMECAP);
  if (!si) return ossl::CryptoError("CMS_add1_signer");
  // Our own signingTime, so OpenSSL does not read the wall clock for it.
  TimePtr when(ASN1_TIME_set(nullptr, static_cast<time_t>(now.UnixSeconds())));
  if (!when ||
      CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, when->type, when.get(), -1) != 1) {
    return ossl::CryptoError("adding signingTime");
  }
  if (CMS_final(cms.get(), content.get(), nullptr, CMS_BINARY) != 1) {
    return ossl::CryptoError("signing the collection (CMS_final)");
  }
  const int n = i2d_CMS_ContentInfo(cms.get(), nullptr);
  if (n <= 0) return ossl::CryptoError("i2d_CMS_ContentInfo");
  Bytes signed_der(static_cast<size_t>(n));
  unsigned char* p = signed_der.data();
  if (i2d_CMS_ContentInfo(cms.get(), &p) != n) return ossl::CryptoError("i2d_CMS_ContentInfo");
  if (recipients.empty()) return signed_der;

  ossl::BioPtr inner(BIO_new_mem_buf(signed_der.data(), static_cast<int>(signed_der.size())));
  ossl::CmsPtr env(CMS_encrypt(nullptr, nullptr, EVP_aes_256_gcm(), CMS_BINARY | CMS_PARTIAL));
  if (!inner || !env) return ossl::CryptoError("CMS_encrypt");
  for (const crypto::Certificate& r : recipients) {
    IKEWOT_RETURN_IF_ERROR(ConfigureRecipient(env.get(), r));
  }
  const ASN1_OBJECT* signed_type = OBJ_nid2obj(NID_pkcs7_signed);  // static, not owned
  if (!signed_type || CMS_set1_eContentType(env.get(), signed_type) != 1) {
    return ossl::CryptoError("CMS_set1_eContentType(id-signedData)");
  }
  if (CMS_final(env.get(), inner.get(), nullptr, CMS_BINARY) != 1) {
    return ossl::CryptoError("encrypting the collection (CMS_final)");
  }
  const int m = i2d_CMS_ContentInfo(env.get(), nullptr);
  if (m <= 0) return ossl::CryptoError("i2d_CMS_ContentInfo");
  Bytes out(static_cast<size_t>(m));
  p = out.data();
  if (i2d_CMS_ContentInfo(env.get(), &p) != m) return ossl::CryptoError("i2d_CMS_ContentInfo");
  return out;
}

Result<OpenedCollection> OpenCollection(ByteView file, const Decryptor& decryptor,
                                        const CollectionLimits& limits) {
  bool encrypted = false;
  Bytes signed_data;
  auto cms = ParseCms(file, limits, "collection file");
  if (!cms.ok()) return cms.error();
  int type = OBJ_obj2nid(CMS_get0_type(cms->get()));
  if (type == NID_pkcs7_enveloped || type == NID_id_smime_ct_authEnvelopedData) {
    if (decryptor.certificate) {
      int count = 0;
      if (IsRecipient(cms->get(), decryptor.certificate->x509(), &count)) {
        IKEWOT_RETURN_IF_ERROR(CheckEnvelopeForm(file, *decryptor.certificate));
      }
    }
    auto inner = Decrypt(cms->get(), decryptor);
    if (!inner.ok()) return inner.error();
    encrypted = true;
    signed_data = std::move(*inner);
    cms = ParseCms(signed_data, limits, "decrypted collection");
    if (!cms.ok()) return cms.error();
    type = OBJ_obj2nid(CMS_get0_type(cms->get()));
  } else {
    signed_data.assign(file.begin(), file.end());
  }
  if (type != NID_pkcs7_signed) {
    return MakeError(ErrorCode::kUnsupported, "not a signed collection (CMS content type " +
                                                  std::string(OBJ_nid2sn(type)) + ")");
  }
  CMS_ContentInfo* sd = cms->get();
  auto oid = ContentTypeObject();
  if (!oid.ok()) return oid.error();
  if (OBJ_cmp(CMS_get0_eContentType(sd), oid->get()) != 0) {
    return MakeError(ErrorCode::kUnsupported, "CMS content is not an ikewot trust collection");
  }
  if (CMS_is_detached(sd)) {
    return MakeError(ErrorCode::kBadValue, "the collection content is missing (detached)");
  }
  if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(sd)) != 1) {
    return MakeError(ErrorCode::kBadValue, "a collection has exactly one signer");
  }
  // No certificate path: the signer is judged by the trust store (pinned), not by a CA.
  // No output BIO: the content is read in place below. (A memory BIO would grow by
  // reallocation to the content's size, ~6.5 MB for 10,000 entries, and then be copied out:
  // fresh pages the kernel must fault in at every import.)
  if (CMS_verify(sd, nullptr, nullptr, nullptr, nullptr, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) !=
      1) {
    std::string detail = ossl::DrainErrors();
    return MakeError(ErrorCode::kAuthFailure,
                     "the collection's signature does not verify (tampered?): " + detail);
  }
  X509StackPtr signers(CMS_get0_signers(sd));
  if (!signers || sk_X509_num(signers.get()) != 1) {
    return MakeError(ErrorCode::kBadValue, "the signer's certificate is not in the collection");
  }
  auto signer = ToCertificate(sk_X509_value(signers.get(), 0));
  if (!signer.ok()) return signer.error();
  // ikewot identities are self-signed; this also covers every bit of the certificate, which
  // the CMS signature does not.
  Status self_signed = signer->VerifySelfSignature();
  if (!self_signed.ok()) {
    return MakeError(self_signed.code(),
                     "the signer's certificate is damaged: " + self_signed.error().message);
  }
  IKEWOT_RETURN_IF_ERROR(CheckSignedDataForm(signed_data, *signer));
  // The eContent that CMS_verify has just digested and checked against the signature.
  ASN1_OCTET_STRING** econtent = CMS_get0_content(sd);
  if (!econtent || !*econtent || ASN1_STRING_length(*econtent) < 0) {
    return MakeError(ErrorCode::kBadValue, "the collection content is missing");
  }
  const ByteView content_der(ASN1_STRING_get0_data(*econtent),
                             static_cast<size_t>(ASN1_STRING_length(*econtent)));
  auto content = ParseCollectionContent(content_der, limits);
  if (!content.ok()) return content.error();
  IKEWOT_RETURN_IF_ERROR(CheckCollectionContent(*content, signer->Sha256Fingerprint()));
  auto verifier = EntryVerifier::Create(*signer);
  if (!verifier.ok()) return verifier.error();
  for (size_t i = 0; i < content->entries.size(); ++i) {
    Status s = verifier->Verify(content->entries[i]);
    if (!s.ok()) {
      return MakeError(s.code(), "entry " + std::to_string(i + 1) + ": " + s.error().message);
    }
  }
  return OpenedCollection{std::move(*signer), std::move(*content), encrypted,
                          std::move(signed_data)};
}

}  // namespace ikewot::trust
