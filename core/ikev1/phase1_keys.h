// IKEv1 phase-1 keying for signature authentication (RFC 2409 §5, Appendix B), shared by the
// initiator and the responder:
//
//   SKEYID   = prf(Ni_b | Nr_b, g^xy)                          (§5, signature methods)
//   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
//   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
//   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
//   Ka       = SKEYID_e cut to the key size, or K1 | K2 | ... with K1 = prf(SKEYID_e, 0),
//              Kn = prf(SKEYID_e, Kn-1) when SKEYID_e is too short (Appendix B)
//   IV0      = hash(g^xi | g^xr) cut to the block size; afterwards each message's IV is the
//              last ciphertext block of the previous one in that exchange; a new exchange
//              (quick mode, informational) starts from hash(last phase-1 block | M-ID).
//
// prf is HMAC with the negotiated hash (we refuse the rarely used PRF attribute), hash is that
// hash itself. Only AES-CBC (RFC 3602) with 128-, 192- or 256-bit keys is implemented.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/aead.h"
#include "core/ikev1/constants.h"

namespace ikewot::ikev1 {

// What a phase-1 hash algorithm means for us: the OpenSSL digest, the IKEv2 PRF id of its
// HMAC (so core/crypto/prf.h computes it) and its output size. kUnsupported for MD5, Tiger and
// unknown values.
struct HashProperties {
  std::string_view digest_name;
  uint16_t hmac_prf_id = 0;
  size_t size = 0;
};
Result<HashProperties> LookupHash(HashAlgorithm hash);

// A phase-1 suite as the responder accepted it (one ISAKMP transform's attributes).
struct Phase1Suite {
  EncryptionAlgorithm encryption = EncryptionAlgorithm::kAesCbc;
  uint16_t key_bits = 128;
  HashAlgorithm hash = HashAlgorithm::kSha2_256;
  uint16_t group = 14;
  AuthenticationMethod auth = AuthenticationMethod::kRsaSignature;
  uint32_t lifetime_seconds = 0;  // 0: not stated
  // "AES_CBC_128/HMAC_SHA2_256/MODP_2048/RSA_SIG", the vocabulary of the IKEv2 probe.
  std::string ToString() const;
  friend bool operator==(const Phase1Suite&, const Phase1Suite&) = default;
};
// "RSA_SIG", "ECDSA_256", "ECDSA_384", "ECDSA_521", else "AUTH_<n>".
std::string Phase1AuthName(AuthenticationMethod auth);
// Cipher key octets for the suite; kUnsupported for anything but AES-CBC-128/192/256.
Result<size_t> CipherKeySize(const Phase1Suite& suite);
inline constexpr size_t kPhase1BlockSize = crypto::AesCbc::kBlockSize;

// hash(data) with the negotiated hash algorithm.
Result<Bytes> Phase1Hash(HashAlgorithm hash, std::initializer_list<ByteView> parts);
// prf(key, data) = HMAC with the negotiated hash.
Result<Bytes> Phase1Prf(HashAlgorithm hash, ByteView key, std::initializer_list<ByteView> parts);

struct Phase1KeyInputs {
  Phase1Suite suite;
  ByteView shared_secret;  // g^xy
  ByteView ni_b;           // nonce payload bodies
  ByteView nr_b;
  ByteView cky_i;  // 8 octets each
  ByteView cky_r;
  ByteView g_xi;  // KE payload bodies (the public values)
  ByteView g_xr;
};

struct Phase1Keys {
  Bytes skeyid;
  Bytes skeyid_d;
  Bytes skeyid_a;
  Bytes skeyid_e;
  Bytes encryption_key;  // Ka
  Bytes initial_iv;      // IV0, one block
};
// kInvalidArgument for cookies that are not 8 octets, empty nonces or secret; kUnsupported for
// suites we do not implement.
Result<Phase1Keys> DerivePhase1Keys(const Phase1KeyInputs& in);

// Appendix B key extension of SKEYID_e to `key_size` octets.
Result<Bytes> ExpandCipherKey(HashAlgorithm hash, ByteView skeyid_e, size_t key_size);

// First IV of a new exchange after phase 1: hash(last phase-1 CBC block | M-ID) cut to a block.
Result<Bytes> ExchangeIv(HashAlgorithm hash, ByteView last_phase1_block, uint32_t message_id);

// CBC encryption of message bodies (everything after the ISAKMP header) with the IV chain kept
// by the caller: each call takes the IV and hands back the last ciphertext block as the next.
class Phase1Cipher {
 public:
  static Result<Phase1Cipher> Create(const Phase1Suite& suite, ByteView encryption_key);

  // Pads `plaintext` to the block size (Appendix B: zero octets, the last one counting the
  // padding octets before it; no padding when already aligned is not allowed there, so an
  // aligned body gets no padding, as strongSwan and libreswan send it) and encrypts it.
  Result<Bytes> Encrypt(ByteView iv, ByteView plaintext, Bytes* next_iv);
  // Decrypts a body; kBadLength when it is empty or not whole blocks (checked before any
  // decryption). The padding stays in the output: IKEv1 does not delimit it, the payload chain
  // does (ParseDecryptedBody).
  Result<Bytes> Decrypt(ByteView iv, ByteView ciphertext, Bytes* next_iv);

 private:
  explicit Phase1Cipher(crypto::AesCbc cbc) : cbc_(std::move(cbc)) {}
  crypto::AesCbc cbc_;
};

// The padding a decrypted body ended with may be at most one block (strongSwan pads an aligned
// body with a whole block); kBadValue when longer. Its content is not checked.
Status CheckPadding(ByteView padding);

}  // namespace ikewot::ikev1
