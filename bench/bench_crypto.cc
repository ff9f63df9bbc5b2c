// Cost of each crypto primitive the IKE engine uses, through our own API (so key scheduling,
// validation and copies are included). scripts/bench-crypto.sh runs this next to
// `openssl speed` and writes docs/bench/crypto.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/crypto/aead.h"
#include "core/crypto/certificate.h"
#include "core/crypto/dh.h"
#include "core/crypto/identity.h"
#include "core/crypto/ikev2_keys.h"
#include "core/crypto/mac.h"
#include "core/crypto/prf.h"
#include "core/crypto/random.h"
#include "core/crypto/sk_cipher.h"
#include "core/crypto/transforms.h"

namespace ikewot::crypto {
namespace {

constexpr uint16_t kDhGroups[] = {kDhModp2048, kDhEcp256, kDhEcp384, kDhCurve25519};

void AbortOnError(const Status& status, benchmark::State& state) {
  if (!status.ok()) state.SkipWithError(status.error().ToString().c_str());
}

// Key pair generation: private value from the RNG and the public value.
void BM_DhKeygen(benchmark::State& state) {
  const auto group = static_cast<uint16_t>(state.range(0));
  OpenSslRng rng;
  for (auto _ : state) {
    auto kex = KeyExchange::Create(group, rng);
    if (!kex.ok()) return AbortOnError(kex.status(), state);
    benchmark::DoNotOptimize(kex->get());
  }
}

// Peer value validation plus the shared secret: the counterpart of `openssl speed ecdh*`/`ffdh*`.
void BM_DhSharedSecret(benchmark::State& state) {
  const auto group = static_cast<uint16_t>(state.range(0));
  OpenSslRng rng;
  auto own = KeyExchange::Create(group, rng);
  auto peer = KeyExchange::Create(group, rng);
  if (!own.ok() || !peer.ok()) return state.SkipWithError("key generation failed");
  for (auto _ : state) {
    auto secret = (*own)->ComputeSharedSecret((*peer)->public_value());
    if (!secret.ok()) return AbortOnError(secret.status(), state);
    benchmark::DoNotOptimize(secret->data());
  }
}

// What one IKE_SA_INIT costs a responder in key exchange: keygen plus shared secret.
void BM_DhKeygenAndSharedSecret(benchmark::State& state) {
  const auto group = static_cast<uint16_t>(state.range(0));
  OpenSslRng rng;
  auto peer = KeyExchange::Create(group, rng);
  if (!peer.ok()) return state.SkipWithError("key generation failed");
  for (auto _ : state) {
    auto own = KeyExchange::Create(group, rng);
    if (!own.ok()) return AbortOnError(own.status(), state);
    auto secret = (*own)->ComputeSharedSecret((*peer)->public_value());
    if (!secret.ok()) return AbortOnError(secret.status(), state);
    benchmark::DoNotOptimize(secret->data());
  }
}

void DhGroups(benchmark::internal::Benchmark* b) {
  for (uint16_t group : kDhGroups) b->Arg(group);
}
BENCHMARK(BM_DhKeygen)->Apply(DhGroups)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DhSharedSecret)->Apply(DhGroups)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DhKeygenAndSharedSecret)->Apply(DhGroups)->Unit(benchmark::kMicrosecond);

// HMAC-SHA-256 with a key scheduled once (how SK integrity and prf+ use it).
void BM_HmacSha256(benchmark::State& state) {
  const Bytes key(32, 0x4b);
  const Bytes data(static_cast<size_t>(state.range(0)), 0x5a);
  auto mac = Mac::CreateHmac("SHA2-256", key);
  if (!mac.ok()) return AbortOnError(mac.status(), state);
  uint8_t out[32];
  for (auto _ : state) {
    Status status = mac->Compute({data}, out);
    if (!status.ok()) return AbortOnError(status, state);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_HmacSha256)->Arg(64)->Arg(1024);

// prf(K, S) as a one-shot call, keying included (AUTH payload computations).
void BM_PrfHmacSha256OneShot(benchmark::State& state) {
  const Bytes key(32, 0x4b);
  const Bytes data(static_cast<size_t>(state.range(0)), 0x5a);
  for (auto _ : state) {
    auto out = Prf(kPrfHmacSha2_256, key, data);
    if (!out.ok()) return AbortOnError(out.status(), state);
    benchmark::DoNotOptimize(out->data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_PrfHmacSha256OneShot)->Arg(64);

// Raw AEAD seal of 1 KiB with a 16-octet tag: the counterpart of `openssl speed -evp`.
void BM_AeadSeal(benchmark::State& state) {
  const bool chacha = state.range(0) == 0;
  const Bytes key(chacha ? 32 : static_cast<size_t>(state.range(0)), 0x11);
  auto aead =
      Aead::Create(chacha ? AeadAlgorithm::kChaCha20Poly1305 : AeadAlgorithm::kAesGcm, key, 16);
  if (!aead.ok()) return AbortOnError(aead.status(), state);
  const Bytes plaintext(1024, 0x22), aad(32, 0x33), nonce(12, 0x44);
  Bytes out(plaintext.size() + 16);
  for (auto _ : state) {
    Status status = aead->Seal(nonce, aad, plaintext, out);
    if (!status.ok()) return AbortOnError(status, state);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 1024);
}
// Arg: AES key octets (16, 32) or 0 for ChaCha20-Poly1305.
BENCHMARK(BM_AeadSeal)->Arg(16)->Arg(32)->Arg(0);

// SK payload encryption of 1 KiB of inner payloads: IV draw, padding, encryption, ICV.
// `seeded_rng` swaps OpenSSL's DRBG for the ChaCha20 stream of simulations, to show what the
// IV draw costs.
void BM_SkEncrypt(benchmark::State& state, uint16_t encr_id, uint16_t key_bits, uint16_t integ_id,
                  bool seeded_rng = false) {
  auto encr = LookupEncr(encr_id, key_bits);
  if (!encr.ok()) return AbortOnError(encr.status(), state);
  Bytes integ_key;
  if (integ_id != kIntegNone) {
    auto integ = LookupInteg(integ_id);
    if (!integ.ok()) return AbortOnError(integ.status(), state);
    integ_key.assign(integ->key_size, 0x55);
  }
  const Bytes encr_key(encr->key_size + encr->salt_size, 0x66);
  auto sk = SkCipher::Create(encr_id, key_bits, integ_id, encr_key, integ_key);
  if (!sk.ok()) return AbortOnError(sk.status(), state);
  OpenSslRng drbg;
  DeterministicRng seeded(1);
  Rng& rng = seeded_rng ? static_cast<Rng&>(seeded) : drbg;
  const Bytes header(32, 0x77), payloads(1024, 0x88);
  for (auto _ : state) {
    auto out = sk->Encrypt(header, payloads, rng);
    if (!out.ok()) return AbortOnError(out.status(), state);
    benchmark::DoNotOptimize(out->data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 1024);
}
BENCHMARK_CAPTURE(BM_SkEncrypt, AesGcm16_128, kEncrAesGcm16, 128, kIntegNone);
BENCHMARK_CAPTURE(BM_SkEncrypt, AesGcm16_256, kEncrAesGcm16, 256, kIntegNone);
BENCHMARK_CAPTURE(BM_SkEncrypt, ChaCha20Poly1305, kEncrChaCha20Poly1305, 0, kIntegNone);
BENCHMARK_CAPTURE(BM_SkEncrypt, AesCbc128_HmacSha256, kEncrAesCbc, 128, kIntegHmacSha2_256_128);
BENCHMARK_CAPTURE(BM_SkEncrypt, AesGcm16_128_SeededRng, kEncrAesGcm16, 128, kIntegNone, true);

// The IKE SA key set of an AES-GCM-256 / HMAC-SHA-256 SA: SKEYSEED and 168 octets of prf+.
void BM_DeriveIkeSaKeys(benchmark::State& state) {
  const IkeSuite suite{kEncrAesGcm16, 256, kPrfHmacSha2_256, kIntegNone, kDhCurve25519};
  const Bytes ni(32, 1), nr(32, 2), shared(32, 3);
  for (auto _ : state) {
    auto keys = DeriveIkeSaKeys(suite, ni, nr, shared, 0x1122334455667788, 0x99aabbccddeeff00);
    if (!keys.ok()) return AbortOnError(keys.status(), state);
    benchmark::DoNotOptimize(keys->sk_d.data());
  }
}
BENCHMARK(BM_DeriveIkeSaKeys)->Unit(benchmark::kMicrosecond);

// prf+ alone for the same 168 octets (6 HMAC-SHA-256 blocks).
void BM_PrfPlusIkeKeySet(benchmark::State& state) {
  const Bytes key(32, 9), seed(80, 8);
  for (auto _ : state) {
    auto out = PrfPlus(kPrfHmacSha2_256, key, seed, 168);
    if (!out.ok()) return AbortOnError(out.status(), state);
    benchmark::DoNotOptimize(out->data());
  }
}
BENCHMARK(BM_PrfPlusIkeKeySet)->Unit(benchmark::kMicrosecond);

// A peer's certificate at first contact: Certificate::FromDer plus the public key the AUTH
// verification needs (what the engine does for every peer it has not met).
void BM_CertificateFromDer(benchmark::State& state, KeyType type, bool with_key) {
  DeterministicRng rng(7, AsBytes("bench_certificate"));
  auto key = PrivateKey::Generate(type, rng);
  if (!key.ok()) return AbortOnError(key.status(), state);
  SelfSignedOptions options{"bench.example.org",
                            {{SubjectAltName::Kind::kDns, "bench.example.org"}}};
  auto cert = MakeSelfSigned(*key, options, TimePoint::FromUnixSeconds(1767225600), rng);
  if (!cert.ok()) return AbortOnError(cert.status(), state);
  const Bytes der = cert->ToDer();
  for (auto _ : state) {
    auto parsed = Certificate::FromDer(der);
    if (!parsed.ok()) return AbortOnError(parsed.status(), state);
    if (with_key) {
      auto public_key = parsed->public_key();
      if (!public_key.ok()) return AbortOnError(public_key.status(), state);
      benchmark::DoNotOptimize(public_key->pkey());
    }
    benchmark::DoNotOptimize(parsed->Sha256Fingerprint().data());
  }
}
BENCHMARK_CAPTURE(BM_CertificateFromDer, P256, KeyType::kEcdsaP256, false);
BENCHMARK_CAPTURE(BM_CertificateFromDer, Ed25519, KeyType::kEd25519, false);
BENCHMARK_CAPTURE(BM_CertificateFromDer, P256_WithKey, KeyType::kEcdsaP256, true);
BENCHMARK_CAPTURE(BM_CertificateFromDer, Ed25519_WithKey, KeyType::kEd25519, true);

}  // namespace
}  // namespace ikewot::crypto

BENCHMARK_MAIN();
