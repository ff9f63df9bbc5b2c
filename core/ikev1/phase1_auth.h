// IKEv1 phase-1 authentication with signatures (RFC 2409 §5.1, RFC 4754):
//
//   HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
//   HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
//
// SAi_b is the body of the initiator's SA payload (without its generic header), IDii_b/IDir_b
// the body of the ID payload. SIG_I/SIG_R sign that hash:
//   method 3 (RSA)      PKCS#1 v1.5 type-1 padding of the raw hash, WITHOUT a DigestInfo
//                       (RFC 2409 leaves it open; every implementation does it this way);
//   methods 9/10/11     ECDSA on P-256/P-384/P-521 (RFC 4754), the signature r | s, each
//                       zero-padded to the field size. HASH_I/HASH_R is the digest that is
//                       signed, not hashed once more (strongSwan's ECDSA "with NULL" scheme;
//                       proven on the captured strongSwan aggressive-mode exchange).
#pragma once

#include <cstdint>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/identity.h"
#include "core/ikev1/constants.h"
#include "core/ikev1/payloads.h"

namespace ikewot::ikev1 {

// A payload's body as the hashes cover it (SAi_b, IDii_b, IDir_b): the payload as it goes on the
// wire minus its 4-octet generic header. For a parsed payload this is exactly the received
// octets (the codec round-trips byte-exact).
Result<Bytes> PayloadBodyOctets(const Payload& payload);

struct AuthHashInputs {
  HashAlgorithm hash = HashAlgorithm::kSha2_256;
  ByteView skeyid;
  ByteView g_xi;
  ByteView g_xr;
  ByteView cky_i;
  ByteView cky_r;
  ByteView sai_b;  // initiator's SA payload body
  ByteView id_b;   // IDii_b for HASH_I, IDir_b for HASH_R
};
Result<Bytes> ComputeHashI(const AuthHashInputs& in);
Result<Bytes> ComputeHashR(const AuthHashInputs& in);

// The signature method for a key (3 for RSA, 9/10/11 for ECDSA by curve); nullopt-like kOk
// never: Ed25519 has no IKEv1 method and gives kUnsupported.
Result<AuthenticationMethod> SignatureMethodForKey(crypto::KeyType type);
bool IsSignatureMethod(AuthenticationMethod method);

// SIG payload data over `hash` (HASH_I or HASH_R). kInvalidArgument when the key does not fit
// the method.
Result<Bytes> SignPhase1Hash(const crypto::PrivateKey& key, AuthenticationMethod method,
                             ByteView hash);
// kAuthFailure when the signature does not verify, kBadLength for a signature of the wrong
// size (checked before any crypto), kInvalidArgument when the key does not fit the method.
Status VerifyPhase1Signature(const crypto::PublicKey& key, AuthenticationMethod method,
                             ByteView hash, ByteView signature);

}  // namespace ikewot::ikev1
