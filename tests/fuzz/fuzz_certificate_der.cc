// Untrusted bytes into our DER X.509 parser, checked against OpenSSL in-process: whenever
// Certificate::FromDer (certificate_der.h) accepts, the OpenSSL path (d2i_X509, canonical
// re-encoding, EXFLAG_INVALID; DecodeCertificateWithOpenSsl) must accept too and give the same
// fields and fingerprints, and the public key we import must be the one X509_get_pubkey gives.
// Our parser may refuse what OpenSSL accepts (it is stricter), never the reverse.
#include <openssl/err.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdlib>

#include "core/crypto/certificate.h"
#include "core/crypto/certificate_der.h"
#include "core/crypto/certificate_openssl.h"

namespace {

using namespace ikewot;          // NOLINT: fuzz target brevity
using namespace ikewot::crypto;  // NOLINT

void Require(bool condition) {
  if (!condition) std::abort();
}

Bytes SpkiOf(EVP_PKEY* pkey) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pkey, &der);
  Require(len > 0);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

void CheckAgainstOpenSsl(ByteView input) {
  auto parsed = ParseCertificateDer(input);
  auto ours = Certificate::FromDer(input);
  if (!parsed.ok()) Require(!ours.ok());
  if (!ours.ok()) return;
  ossl::X509Ptr x509;
  auto reference = DecodeCertificateWithOpenSsl(input, &x509);
  Require(reference.ok());  // never laxer than OpenSSL
  Require(ours->version() == reference->version);
  Require(ours->SerialHex() == reference->serial_hex);
  Require(ours->Subject() == reference->subject);
  Require(ours->Issuer() == reference->issuer);
  Require(ours->SubjectDer() == reference->subject_der);
  Require(ours->CommonName() == reference->common_name);
  Require(ours->SubjectAltNames() == reference->sans);
  Require(ours->NotBefore() == reference->not_before);
  Require(ours->NotAfter() == reference->not_after);
  Require(ours->Sha256Fingerprint() == reference->sha256);
  Require(ours->Sha1() == reference->sha1);
  Require(ours->SubjectPublicKeyInfoSha1() == reference->spki_sha1);

  auto our_key = ours->public_key();
  EVP_PKEY* reference_pkey = X509_get_pubkey(x509.get());
  ERR_clear_error();
  if (reference_pkey == nullptr) {
    Require(!our_key.ok());
    return;
  }
  auto reference_key = PublicKey::FromPkey(ossl::PkeyPtr(reference_pkey));
  Require(our_key.ok() == reference_key.ok());
  if (our_key.ok()) {
    Require(SpkiOf(our_key->pkey()) == SpkiOf(reference_key->pkey()));
    Require(our_key->Equals(*reference_key));
  }
  Require(ours->x509() != nullptr && X509_cmp(ours->x509(), x509.get()) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckAgainstOpenSsl(ByteView(data, size));
  return 0;
}
