#include "core/trust/collection_form.h"

#include <algorithm>

#include "core/trust/der.h"

namespace ikewot::trust {
namespace {
// Exact DER forms of the algorithm identifiers OpenSSL writes into our SignerInfos.
constexpr uint8_t kOidSignedData[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};
// `openssl cms -encrypt` labels any inner content id-data; no single bit flip turns one of
// these two OIDs into the other.
constexpr uint8_t kOidData[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01};
constexpr uint8_t kDigestSha256[] = {0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48,
                                     0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
constexpr uint8_t kDigestSha384[] = {0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48,
                                     0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
constexpr uint8_t kDigestSha512[] = {0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48,
                                     0x01, 0x65, 0x03, 0x04, 0x02, 0x03};
constexpr uint8_t kSigEcdsaSha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                       0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kSigEcdsaSha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                       0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr uint8_t kSigEcdsaSha512[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                       0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
constexpr uint8_t kSigRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                               0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

bool Same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

Error NotCanonical(const der::Element& at, const std::string& what) {
  return MakeError(ErrorCode::kBadValue,
                   "the collection's CMS structure is not the one ikewot writes: " + what,
                   at.offset);
}

constexpr uint8_t kOidAuthEnvelopedData[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
                                             0x01, 0x09, 0x10, 0x01, 0x17};
constexpr uint8_t kOidAes256Gcm[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2e};
// originator key algorithm: id-ecPublicKey without parameters (RFC 5753 §7.1.1).
constexpr uint8_t kOriginatorEcKey[] = {0x30, 0x09, 0x06, 0x07, 0x2a, 0x86,
                                        0x48, 0xce, 0x3d, 0x02, 0x01};
// dhSinglePass-stdDH-sha256kdf-scheme with id-aes256-wrap (RFC 5753 §7.1.4).
constexpr uint8_t kKariAlgorithm[] = {0x30, 0x15, 0x06, 0x06, 0x2b, 0x81, 0x04, 0x01,
                                      0x0b, 0x01, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86,
                                      0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2d};
// RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017 A.2.1, RFC 4055 §4.1).
constexpr uint8_t kKtriAlgorithm[] = {
    0x30, 0x38, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x07, 0x30, 0x2b,
    0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    0xa1, 0x1a, 0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08,
    0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};

// IssuerAndSerialNumber contents of a certificate: issuer Name || serialNumber.
Result<Bytes> IssuerAndSerial(const crypto::Certificate& cert) {
  der::Element c, tbs, issuer, serial, skip;
  Reader in(cert.ToDer());
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &c, "certificate"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(c.contents, der::kSequence, &tbs, "tbsCertificate"));
  if (der::NextIs(tbs.contents, der::ContextConstructed(0))) {
    IKEWOT_RETURN_IF_ERROR(der::ReadElement(tbs.contents, &skip, "version"));
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(tbs.contents, der::kInteger, &serial, "serial"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(tbs.contents, der::kSequence, &skip, "signature"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(tbs.contents, der::kSequence, &issuer, "issuer"));
  return Concat({issuer.encoding, serial.encoding});
}

// An IssuerAndSerialNumber; counts it if it names `me` exactly.
Status ReadRecipientId(Reader& in, ByteView me, size_t* matches) {
  der::Element rid, name, serial;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &rid, "recipient identifier"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(rid.contents, der::kSequence, &name, "issuer"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(rid.contents, der::kInteger, &serial, "serialNumber"));
  IKEWOT_RETURN_IF_ERROR(rid.contents.ExpectEmpty("IssuerAndSerialNumber"));
  if (Same(rid.contents.Whole(), me)) ++*matches;
  return Status::Ok();
}

Status CheckRecipientInfo(Reader& infos, ByteView me, size_t* matches) {
  der::Element ri, field, originator, key, keys, rek;
  uint64_t version;
  if (der::NextIs(infos, der::ContextConstructed(1))) {  // KeyAgreeRecipientInfo
    IKEWOT_RETURN_IF_ERROR(der::ReadElement(infos, &ri, "kari"));
    IKEWOT_RETURN_IF_ERROR(der::ReadUint63(ri.contents, &version, "kari version"));
    if (version != 3) return NotCanonical(ri, "KeyAgreeRecipientInfo version must be 3");
    IKEWOT_RETURN_IF_ERROR(
        der::ReadTagged(ri.contents, der::ContextConstructed(0), &originator, "originator"));
    IKEWOT_RETURN_IF_ERROR(
        der::ReadTagged(originator.contents, der::ContextConstructed(1), &key, "originatorKey"));
    IKEWOT_RETURN_IF_ERROR(originator.contents.ExpectEmpty("originator"));
    IKEWOT_RETURN_IF_ERROR(der::ReadTagged(key.contents, der::kSequence, &field, "algorithm"));
    if (!Same(field.encoding, kOriginatorEcKey)) {
      return NotCanonical(field, "originator key is not id-ecPublicKey");
    }
    ByteView point;
    IKEWOT_RETURN_IF_ERROR(der::ReadBitStringBytes(key.contents, &point, "originator key"));
    // Uncompressed, as OpenSSL writes it; OpenSSL would also accept the "hybrid" 0x06/0x07
    // prefixes for the same point.
    if (point.empty() || point[0] != 0x04) {
      return NotCanonical(key, "the originator key must be an uncompressed EC point");
    }
    IKEWOT_RETURN_IF_ERROR(key.contents.ExpectEmpty("OriginatorPublicKey"));
    IKEWOT_RETURN_IF_ERROR(der::ReadTagged(ri.contents, der::kSequence, &field, "kari algorithm"));
    if (!Same(field.encoding, kKariAlgorithm)) {
      return NotCanonical(field, "key agreement is not ECDH with SHA-256 KDF and AES-256 wrap");
    }
    IKEWOT_RETURN_IF_ERROR(der::ReadTagged(ri.contents, der::kSequence, &keys, "encrypted keys"));
    IKEWOT_RETURN_IF_ERROR(ri.contents.ExpectEmpty("KeyAgreeRecipientInfo"));
    if (keys.contents.empty()) return NotCanonical(keys, "no recipient encrypted keys");
    while (!keys.contents.empty()) {
      IKEWOT_RETURN_IF_ERROR(der::ReadTagged(keys.contents, der::kSequence, &rek, "rek"));
      IKEWOT_RETURN_IF_ERROR(ReadRecipientId(rek.contents, me, matches));
      IKEWOT_RETURN_IF_ERROR(der::ReadTagged(rek.contents, der::kOctetString, &field, "key"));
      IKEWOT_RETURN_IF_ERROR(rek.contents.ExpectEmpty("RecipientEncryptedKey"));
    }
    return Status::Ok();
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(infos, der::kSequence, &ri, "ktri"));
  IKEWOT_RETURN_IF_ERROR(der::ReadUint63(ri.contents, &version, "ktri version"));
  if (version != 0) return NotCanonical(ri, "KeyTransRecipientInfo version must be 0");
  IKEWOT_RETURN_IF_ERROR(ReadRecipientId(ri.contents, me, matches));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(ri.contents, der::kSequence, &field, "ktri algorithm"));
  if (!Same(field.encoding, kKtriAlgorithm)) {
    return NotCanonical(field, "key transport is not RSAES-OAEP with SHA-256");
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(ri.contents, der::kOctetString, &field, "key"));
  return ri.contents.ExpectEmpty("KeyTransRecipientInfo");
}

}  // namespace

Status CheckSignedDataForm(ByteView signed_der, const crypto::Certificate& signer) {
  Reader in(signed_der);
  der::Element ci, explicit_sd, sd, field, digests, digest, certs, cert, infos, info, sid, alg,
      attrs, encap, econtent;
  ByteView oid;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &ci, "ContentInfo"));
  IKEWOT_RETURN_IF_ERROR(in.ExpectEmpty("collection file"));
  IKEWOT_RETURN_IF_ERROR(der::ReadOid(ci.contents, &oid, "contentType"));
  if (!Same(oid, kOidSignedData)) return NotCanonical(ci, "content type is not signedData");
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(ci.contents, der::ContextConstructed(0), &explicit_sd, "content"));
  IKEWOT_RETURN_IF_ERROR(ci.contents.ExpectEmpty("ContentInfo"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(explicit_sd.contents, der::kSequence, &sd, "SignedData"));
  IKEWOT_RETURN_IF_ERROR(explicit_sd.contents.ExpectEmpty("content [0]"));
  uint64_t version;
  IKEWOT_RETURN_IF_ERROR(der::ReadUint63(sd.contents, &version, "SignedData version"));
  if (version != 3) return NotCanonical(sd, "SignedData version must be 3");
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(sd.contents, der::kSet, &digests, "digestAlgorithms"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(digests.contents, der::kSequence, &digest, "digest"));
  if (!digests.contents.empty()) return NotCanonical(digests, "more than one digest algorithm");
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(sd.contents, der::kSequence, &encap, "encapContentInfo"));
  IKEWOT_RETURN_IF_ERROR(der::ReadOid(encap.contents, &oid, "eContentType"));
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(encap.contents, der::ContextConstructed(0), &econtent, "eContent"));
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(econtent.contents, der::kOctetString, &field, "eContent OCTET STRING"));
  IKEWOT_RETURN_IF_ERROR(econtent.contents.ExpectEmpty("eContent"));
  IKEWOT_RETURN_IF_ERROR(encap.contents.ExpectEmpty("encapContentInfo"));
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(sd.contents, der::ContextConstructed(0), &certs, "certificates"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(certs.contents, der::kSequence, &cert, "certificate"));
  if (!certs.contents.empty() || !Same(cert.encoding, signer.ToDer())) {
    return NotCanonical(certs, "exactly the signer's certificate must be included");
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(sd.contents, der::kSet, &infos, "signerInfos"));
  IKEWOT_RETURN_IF_ERROR(sd.contents.ExpectEmpty("SignedData (no CRLs)"));
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(infos.contents, der::kSequence, &info, "SignerInfo"));
  if (!infos.contents.empty()) return NotCanonical(infos, "more than one SignerInfo");
  IKEWOT_RETURN_IF_ERROR(der::ReadUint63(info.contents, &version, "SignerInfo version"));
  if (version != 1) return NotCanonical(info, "SignerInfo version must be 1");
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(info.contents, der::kSequence, &sid, "sid"));
  // The sid must name the certificate byte for byte (OpenSSL matches names loosely).
  auto expected_sid = IssuerAndSerial(signer);
  if (!expected_sid.ok()) return expected_sid.error();
  if (!Same(sid.contents.Rest(), *expected_sid)) {
    return NotCanonical(sid, "the signer identifier does not name the signer's certificate");
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(info.contents, der::kSequence, &alg, "digestAlgorithm"));
  if (!Same(alg.encoding, digest.encoding)) {
    return NotCanonical(alg, "digest algorithms disagree");
  }
  auto type = signer.key_type();
  if (!type.ok()) return type.error();
  const bool p384 = *type == crypto::KeyType::kEcdsaP384;
  const bool p521 = *type == crypto::KeyType::kEcdsaP521;
  const ByteView want_digest = p384   ? ByteView(kDigestSha384)
                               : p521 ? ByteView(kDigestSha512)
                                      : ByteView(kDigestSha256);
  const ByteView want_sig = crypto::IsRsa(*type) ? ByteView(kSigRsa)
                            : p384               ? ByteView(kSigEcdsaSha384)
                            : p521               ? ByteView(kSigEcdsaSha512)
                                                 : ByteView(kSigEcdsaSha256);
  if (!Same(alg.encoding, want_digest)) return NotCanonical(alg, "unexpected digest algorithm");
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(info.contents, der::ContextConstructed(0), &attrs, "signedAttrs"));
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(info.contents, der::kSequence, &alg, "signatureAlgorithm"));
  if (!Same(alg.encoding, want_sig)) return NotCanonical(alg, "unexpected signature algorithm");
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(info.contents, der::kOctetString, &field, "signature"));
  IKEWOT_RETURN_IF_ERROR(info.contents.ExpectEmpty("SignerInfo (no unsigned attributes)"));
  return Status::Ok();
}

Status CheckEnvelopeForm(ByteView envelope_der, const crypto::Certificate& me) {
  auto my_id = IssuerAndSerial(me);
  if (!my_id.ok()) return my_id.error();
  Reader in(envelope_der);
  der::Element ci, explicit_env, env, infos, eci, alg, params, field;
  ByteView oid;
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(in, der::kSequence, &ci, "ContentInfo"));
  IKEWOT_RETURN_IF_ERROR(in.ExpectEmpty("collection file"));
  IKEWOT_RETURN_IF_ERROR(der::ReadOid(ci.contents, &oid, "contentType"));
  if (!Same(oid, kOidAuthEnvelopedData)) {
    return NotCanonical(ci, "encrypted collections use id-ct-authEnvelopedData");
  }
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(ci.contents, der::ContextConstructed(0), &explicit_env, "content"));
  IKEWOT_RETURN_IF_ERROR(ci.contents.ExpectEmpty("ContentInfo"));
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(explicit_env.contents, der::kSequence, &env, "AuthEnvelopedData"));
  IKEWOT_RETURN_IF_ERROR(explicit_env.contents.ExpectEmpty("content [0]"));
  uint64_t version;
  IKEWOT_RETURN_IF_ERROR(der::ReadUint63(env.contents, &version, "AuthEnvelopedData version"));
  if (version != 0) return NotCanonical(env, "AuthEnvelopedData version must be 0");
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(env.contents, der::kSet, &infos, "recipientInfos"));
  size_t matches = 0;
  while (!infos.contents.empty()) {
    IKEWOT_RETURN_IF_ERROR(CheckRecipientInfo(infos.contents, *my_id, &matches));
  }
  if (matches != 1) {
    return NotCanonical(infos, "exactly one recipient identifier must name " + me.Subject());
  }
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(env.contents, der::kSequence, &eci, "authEncryptedContentInfo"));
  IKEWOT_RETURN_IF_ERROR(der::ReadOid(eci.contents, &oid, "contentType"));
  if (!Same(oid, kOidSignedData) && !Same(oid, kOidData)) {
    return NotCanonical(eci, "the encrypted content must be signedData");
  }
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(eci.contents, der::kSequence, &alg, "algorithm"));
  IKEWOT_RETURN_IF_ERROR(der::ReadOid(alg.contents, &oid, "content encryption"));
  if (!Same(oid, kOidAes256Gcm)) return NotCanonical(alg, "content encryption is not AES-256-GCM");
  IKEWOT_RETURN_IF_ERROR(der::ReadTagged(alg.contents, der::kSequence, &params, "GCMParameters"));
  IKEWOT_RETURN_IF_ERROR(alg.contents.ExpectEmpty("content encryption algorithm"));
  ByteView nonce;
  IKEWOT_RETURN_IF_ERROR(der::ReadOctetString(params.contents, &nonce, "aes-nonce"));
  uint64_t icv_len;
  IKEWOT_RETURN_IF_ERROR(der::ReadUint63(params.contents, &icv_len, "aes-ICVlen"));
  IKEWOT_RETURN_IF_ERROR(params.contents.ExpectEmpty("GCMParameters"));
  if (nonce.size() != 12 || icv_len != 16) {
    return NotCanonical(params, "GCM needs a 12-octet nonce and a 16-octet tag");
  }
  IKEWOT_RETURN_IF_ERROR(
      der::ReadTagged(eci.contents, der::ContextPrimitive(0), &field, "encryptedContent"));
  IKEWOT_RETURN_IF_ERROR(eci.contents.ExpectEmpty("EncryptedContentInfo"));
  ByteView mac;
  IKEWOT_RETURN_IF_ERROR(der::ReadOctetString(env.contents, &mac, "mac"));
  if (mac.size() != 16) return NotCanonical(env, "the GCM tag must be 16 octets");
  return env.contents.ExpectEmpty("AuthEnvelopedData (no attributes)");
}

}  // namespace ikewot::trust
