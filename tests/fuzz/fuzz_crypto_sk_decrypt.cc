// libFuzzer target for SK payload decryption (core/crypto/sk_cipher.h), the first code that
// touches attacker-controlled ciphertext. Input: [suite][mode][associated length][rest].
//   mode even: rest is associated data || IV || ciphertext || ICV, decrypted as received. The
//              call must fail cleanly with kAuthFailure (or, for a forgery the fuzzer will not
//              find, succeed with output shorter than its input).
//   mode odd:  rest is associated data || inner payloads; they are encrypted, must decrypt to
//              themselves, and a one-octet change chosen by the input must be rejected.
#include <cstdint>
#include <cstdlib>

#include "core/crypto/random.h"
#include "core/crypto/sk_cipher.h"
#include "core/crypto/transforms.h"

namespace {

using namespace ikewot;
using namespace ikewot::crypto;

struct FuzzSuite {
  uint16_t encr_id, key_bits, integ_id;
  size_t encr_key_size, integ_key_size;
};

constexpr FuzzSuite kSuites[] = {
    {kEncrAesCbc, 128, kIntegHmacSha1_96, 16, 20},
    {kEncrAesCbc, 256, kIntegHmacSha2_256_128, 32, 32},
    {kEncrAesCbc, 192, kIntegHmacSha2_512_256, 24, 64},
    {kEncrAesGcm8, 128, kIntegNone, 20, 0},
    {kEncrAesGcm12, 192, kIntegNone, 28, 0},
    {kEncrAesGcm16, 256, kIntegNone, 36, 0},
    {kEncrChaCha20Poly1305, 0, kIntegNone, 36, 0},
};

SkCipher MakeCipher(const FuzzSuite& s) {
  const Bytes encr_key(s.encr_key_size, 0x5e), integ_key(s.integ_key_size, 0xa7);
  auto sk = SkCipher::Create(s.encr_id, s.key_bits, s.integ_id, encr_key, integ_key);
  if (!sk.ok()) std::abort();
  return std::move(*sk);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const FuzzSuite& suite = kSuites[data[0] % (sizeof(kSuites) / sizeof(kSuites[0]))];
  const bool round_trip = (data[1] & 1) != 0;
  ByteView rest(data + 3, size - 3);
  const size_t associated_size = std::min<size_t>(data[2], rest.size());
  const ByteView associated = rest.first(associated_size);
  const ByteView body = rest.subspan(associated_size);
  SkCipher sk = MakeCipher(suite);

  if (!round_trip) {
    auto plain = sk.Decrypt(associated, body);
    if (!plain.ok() && plain.code() != ErrorCode::kAuthFailure) std::abort();
    if (plain.ok() && plain->size() >= body.size()) std::abort();
    return 0;
  }
  DeterministicRng rng(size);
  auto sealed = sk.Encrypt(associated, body, rng);
  if (!sealed.ok() || sealed->size() != sk.EncryptedSize(body.size())) std::abort();
  auto opened = sk.Decrypt(associated, *sealed);
  if (!opened.ok() || Bytes(body.begin(), body.end()) != *opened) std::abort();
  Bytes damaged(*sealed);
  damaged[data[1] % damaged.size()] ^= static_cast<uint8_t>(data[2] | 1);
  if (sk.Decrypt(associated, damaged).code() != ErrorCode::kAuthFailure) std::abort();
  return 0;
}
