// Public keys without OpenSSL 3.0's decoders: a SubjectPublicKeyInfo whose algorithm we know is
// imported from its raw parts (EVP_PKEY_new_raw_public_key_ex, EVP_PKEY_fromdata), which skips
// building an OSSL_DECODER context per key. Anything else (RSA-PSS keys, explicit curves,
// unknown algorithms, unusual parameters) goes through d2i_PUBKEY as before, so what was
// accepted stays accepted and what was refused stays refused.
#pragma once

#include <optional>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/identity.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot::crypto {

// The parts of one DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), as ParseCertificateDer
// returns them; `spki` is the whole encoding (used by the fallback).
struct SubjectPublicKeyParts {
  ByteView spki;
  ByteView algorithm_oid;              // OBJECT IDENTIFIER contents
  std::optional<ByteView> parameters;  // parameters TLV, if present
  ByteView key_bits;                   // subjectPublicKey (whole octets)
};

// The key, validated as PublicKey::FromPkey validates it.
Result<PublicKey> ImportSubjectPublicKey(const SubjectPublicKeyParts& parts);

// A new EVP_PKEY holding only the public half of `pkey` (Ed25519/Ed448, EC named curves and
// RSA directly; other keys through a SubjectPublicKeyInfo round trip).
Result<ossl::PkeyPtr> PublicHalfOf(EVP_PKEY* pkey);

}  // namespace ikewot::crypto
