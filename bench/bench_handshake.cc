// IKEv2 handshake benchmarks (results and method in docs/bench/handshake.md, produced by
// scripts/bench-handshake.sh):
//  - full handshakes per second: IKE_SA_INIT + IKE_AUTH with mutual certificate authentication
//    and one CHILD SA, initiator and responder IkeNode in this process on one core, datagrams
//    handed over in memory, for (a) X25519 + ECDSA P-256 + AES-GCM-256, (b) MODP-2048 +
//    RSA-2048 (RFC 7427 digital signature, PKCS#1 v1.5) + AES-CBC-128/HMAC-SHA2-256 and
//    (c) X25519 + Ed25519 + AES-GCM-256 (what the large simulations run);
//  - probes (the partial negotiation) per second against the same responder;
//  - the crypto bound measured in this binary with raw OpenSSL calls: the keygens, DH
//    derivations, signatures and verifications one handshake needs (the script also prices the
//    same counts with `openssl speed`);
//  - bytes of memory per established and per half-open IKE SA, from a counting allocator that
//    sees both operator new and OpenSSL's allocations (CRYPTO_set_mem_functions). Counting is
//    on only with --count_allocations (the script runs the memory cases that way, separately),
//    so the timed cases run on the plain allocator as a deployment would.
// Timed cases come in two kinds: steady state (the nodes have met before: the peer's parsed
// certificate is in the node's cache) and first contact (cache disabled: every handshake parses
// the peer's certificate and key as a first meeting does).
// Randomness is OpenSslRng, as in the UDP driver; time is virtual (the engine never reads a clock).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "core/crypto/auth_signature.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/crypto/openssl_handles.h"
#include "core/crypto/prepared.h"
#include "core/crypto/random.h"
#include "core/crypto/transforms.h"
#include "core/engine/ike_node.h"
#include "core/engine/peer_certificates.h"

// ---- Counting allocator: live bytes (usable size) of every heap block, C++ and OpenSSL.
namespace {
std::atomic<int64_t> g_live_bytes{0};
// Set once in main() before any benchmark runs, never changed afterwards.
bool g_counting = false;

void* CountedMalloc(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (g_counting && p != nullptr) g_live_bytes += static_cast<int64_t>(malloc_usable_size(p));
  return p;
}
void CountedFree(void* p) {
  if (p == nullptr) return;
  if (g_counting) g_live_bytes -= static_cast<int64_t>(malloc_usable_size(p));
  std::free(p);
}
void* CountedRealloc(void* p, size_t n) {
  const int64_t before = p == nullptr ? 0 : static_cast<int64_t>(malloc_usable_size(p));
  void* q = std::realloc(p, n);
  if (q == nullptr) return nullptr;  // p is still valid and still counted
  g_live_bytes += static_cast<int64_t>(malloc_usable_size(q)) - before;
  return q;
}
void* OpenSslMalloc(size_t n, const char*, int) { return CountedMalloc(n); }
void* OpenSslRealloc(void* p, size_t n, const char*, int) { return CountedRealloc(p, n); }
void OpenSslFree(void* p, const char*, int) { CountedFree(p); }
}  // namespace

void* operator new(size_t n) {
  void* p = CountedMalloc(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](size_t n) { return ::operator new(n); }
void operator delete(void* p) noexcept { CountedFree(p); }
void operator delete[](void* p) noexcept { CountedFree(p); }
void operator delete(void* p, size_t) noexcept { CountedFree(p); }
void operator delete[](void* p, size_t) noexcept { CountedFree(p); }

namespace {

using namespace ikewot;          // NOLINT: benchmark brevity
using namespace ikewot::engine;  // NOLINT

const Endpoint kInitiatorAt = Endpoint::V4(192, 0, 2, 10, 500);
const Endpoint kResponderAt = Endpoint::V4(198, 51, 100, 20, 500);
const TimePoint kStart = TimePoint::FromUnixSeconds(1767225600);  // 2026-01-01

struct Suite {
  const char* name;
  crypto::KeyType key_type;
  IkeProposalSpec ike;
  EspProposalSpec esp;
  int minimum_strength_bits;
};

const Suite kSuites[] = {
    {"x25519-ecdsap256-aesgcm256",
     crypto::KeyType::kEcdsaP256,
     {{{crypto::kEncrAesGcm16, 256}}, {crypto::kPrfHmacSha2_256}, {}, {crypto::kDhCurve25519}},
     {{{crypto::kEncrAesGcm16, 256}}, {}, false},
     128},
    {"modp2048-rsa2048-aescbc128",
     crypto::KeyType::kRsa2048,
     {{{crypto::kEncrAesCbc, 128}},
      {crypto::kPrfHmacSha2_256},
      {crypto::kIntegHmacSha2_256_128},
      {crypto::kDhModp2048}},
     {{{crypto::kEncrAesCbc, 128}}, {crypto::kIntegHmacSha2_256_128}, false},
     112},
    // What the 100,000-node simulation mostly runs: first contacts with Ed25519 certificates.
    {"x25519-ed25519-aesgcm256",
     crypto::KeyType::kEd25519,
     {{{crypto::kEncrAesGcm16, 256}}, {crypto::kPrfHmacSha2_256}, {}, {crypto::kDhCurve25519}},
     {{{crypto::kEncrAesGcm16, 256}}, {}, false},
     128},
};

LocalIdentity MakeIdentity(crypto::KeyType type, const std::string& name, Rng& rng) {
  Result<crypto::PrivateKey> key = crypto::PrivateKey::Generate(type, rng);
  if (!key.ok()) std::abort();
  Result<crypto::Certificate> cert =
      crypto::MakeSelfSigned(*key, crypto::SelfSignedOptions{name, {}, 365}, kStart, rng);
  if (!cert.ok()) std::abort();
  LocalIdentity identity;
  identity.key = std::make_shared<const crypto::PrivateKey>(std::move(*key));
  identity.certificate_chain_der = {cert->ToDer()};
  return identity;
}

// Both sides' policies for one suite (identities made once per suite).
struct Setup {
  Policy initiator;
  Policy responder;
};

const Setup& GetSetup(size_t suite_index) {
  static std::unique_ptr<Setup> setups[std::size(kSuites)];
  std::unique_ptr<Setup>& s = setups[suite_index];
  if (s) return *s;
  const Suite& suite = kSuites[suite_index];
  OpenSslRng rng;
  s = std::make_unique<Setup>();
  for (Policy* p : {&s->initiator, &s->responder}) {
    p->ike_proposals = {suite.ike};
    p->esp_proposals = {suite.esp};
    p->minimum_strength_bits = suite.minimum_strength_bits;
  }
  s->initiator.identity = MakeIdentity(suite.key_type, "initiator.example.org", rng);
  s->responder.identity = MakeIdentity(suite.key_type, "responder.example.org", rng);
  return *s;
}

// first_contact: no certificate cache, so every handshake meets its peer for the first time.
NodeConfig ResponderConfig(const Setup& setup, bool first_contact = false) {
  NodeConfig config;
  config.responder_policy = setup.responder;
  config.max_sas = 1 << 20;
  if (first_contact) config.peer_certificate_cache_entries = 0;
  return config;
}

NodeConfig InitiatorConfig(bool first_contact = false) {
  NodeConfig config;
  config.accept_incoming = false;
  config.max_sas = 1 << 20;
  if (first_contact) config.peer_certificate_cache_entries = 0;
  config.probe_rate.max_per_window = 1u << 30;  // the benchmark probes one target back to back
  return config;
}

// What a driver does, with the wire replaced by a function call: hand every outgoing datagram to
// the other node and ask for the next deadline after each, until both are quiet.
struct Wire {
  IkeNode& initiator;
  IkeNode& responder;
  TimePoint now;

  void Run() {
    for (;;) {
      std::vector<Datagram> to_responder = initiator.TakeOutgoing();
      std::vector<Datagram> to_initiator = responder.TakeOutgoing();
      if (to_responder.empty() && to_initiator.empty()) return;
      for (Datagram& d : to_responder) {
        responder.HandleDatagram(Datagram{d.remote, d.local, std::move(d.payload)}, now);
        benchmark::DoNotOptimize(responder.NextDeadline());
      }
      for (Datagram& d : to_initiator) {
        initiator.HandleDatagram(Datagram{d.remote, d.local, std::move(d.payload)}, now);
        benchmark::DoNotOptimize(initiator.NextDeadline());
      }
    }
  }
};

size_t CountEvents(const std::vector<Event>& events, EventKind kind) {
  size_t n = 0;
  for (const Event& e : events) n += e.kind == kind;
  return n;
}

// One full handshake; false (and the reason) when it did not establish on both sides.
bool Handshake(IkeNode& initiator, IkeNode& responder, const Policy& policy, TimePoint now,
               std::string* why) {
  Result<SaHandle> h = initiator.Connect(kInitiatorAt, kResponderAt, policy, now);
  if (!h.ok()) {
    *why = h.error().ToString();
    return false;
  }
  Wire{initiator, responder, now}.Run();
  const std::vector<Event> mine = initiator.TakeEvents();
  const std::vector<Event> theirs = responder.TakeEvents();
  const bool ok = CountEvents(mine, EventKind::kChildSaEstablished) == 1 &&
                  CountEvents(theirs, EventKind::kChildSaEstablished) == 1;
  if (!ok) {
    *why = "handshake did not complete";
    for (const Event& e : mine)
      if (e.kind == EventKind::kFailed) *why = "initiator: " + e.reason;
    for (const Event& e : theirs)
      if (e.kind == EventKind::kFailed) *why = "responder: " + e.reason;
  }
  return ok;
}

// Full handshakes per second. Nodes are replaced (untimed) every kBatch handshakes so the SA
// tables stay at a realistic size instead of growing with the iteration count.
void RunFullHandshakes(benchmark::State& state, bool first_contact) {
  constexpr size_t kBatch = 256;
  const Setup& setup = GetSetup(static_cast<size_t>(state.range(0)));
  OpenSslRng rng;
  std::unique_ptr<IkeNode> initiator, responder;
  size_t in_batch = kBatch;
  TimePoint now = kStart;
  for (auto _ : state) {
    if (in_batch == kBatch) {
      state.PauseTiming();
      initiator = std::make_unique<IkeNode>(InitiatorConfig(first_contact), rng);
      responder = std::make_unique<IkeNode>(ResponderConfig(setup, first_contact), rng);
      in_batch = 0;
      state.ResumeTiming();
    }
    ++in_batch;
    now = now + std::chrono::milliseconds(1);
    std::string why;
    if (!Handshake(*initiator, *responder, setup.initiator, now, &why)) {
      state.SkipWithError(why.c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(kSuites[state.range(0)].name);
}
void BM_FullHandshake(benchmark::State& state) { RunFullHandshakes(state, false); }
BENCHMARK(BM_FullHandshake)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);
void BM_FullHandshakeFirstContact(benchmark::State& state) { RunFullHandshakes(state, true); }
BENCHMARK(BM_FullHandshakeFirstContact)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

// Probes per second: IKE_SA_INIT, the AUTH-less IKE_AUTH the responder answers with IDr, CERT
// and AUTH (verified here), and the INFORMATIONAL delete that ends it politely.
void RunProbes(benchmark::State& state, bool first_contact) {
  const Setup& setup = GetSetup(static_cast<size_t>(state.range(0)));
  Policy probe = setup.initiator;
  probe.identity = {};  // an anonymous prober
  OpenSslRng rng;
  IkeNode initiator(InitiatorConfig(first_contact), rng);
  IkeNode responder(ResponderConfig(setup, first_contact), rng);
  TimePoint now = kStart;
  for (auto _ : state) {
    now = now + std::chrono::milliseconds(1);
    Result<SaHandle> h = initiator.StartProbe(kInitiatorAt, kResponderAt, probe, now);
    if (!h.ok()) {
      state.SkipWithError(h.error().ToString().c_str());
      break;
    }
    Wire{initiator, responder, now}.Run();
    const std::vector<Event> events = initiator.TakeEvents();
    (void)responder.TakeEvents();
    if (events.size() != 1 || events[0].kind != EventKind::kProbeCompleted ||
        events[0].probe.auth != ResponderAuth::kVerified || responder.sa_count() != 0) {
      state.SkipWithError("probe did not complete with a verified AUTH");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(kSuites[state.range(0)].name);
}
void BM_Probe(benchmark::State& state) { RunProbes(state, false); }
BENCHMARK(BM_Probe)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);
void BM_ProbeFirstContact(benchmark::State& state) { RunProbes(state, true); }
BENCHMARK(BM_ProbeFirstContact)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

// ---- The crypto bound: the asymmetric operations of one full handshake (both sides) with raw
// OpenSSL 3 calls and nothing else: 2 DH keygens, 2 DH derivations, 2 AUTH signatures and
// 2 AUTH verifications. Symmetric work (prf+, SK protection, hashing) is left out on purpose,
// so the bound is optimistic.

ossl::PkeyPtr KeygenDh(const char* algorithm, const char* group) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) std::abort();
  if (group != nullptr) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1) std::abort();
  }
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_keygen(ctx.get(), &key) != 1) std::abort();
  return ossl::PkeyPtr(key);
}

size_t Derive(EVP_PKEY* own, EVP_PKEY* peer) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  uint8_t secret[512];
  size_t len = sizeof(secret);
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), secret, &len) != 1) {
    std::abort();
  }
  return len;
}

// SHA-256, or none for Ed25519 (pure EdDSA hashes inside).
const EVP_MD* DigestOf(EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "ED25519") ? nullptr : EVP_sha256();
}

Bytes Sign(EVP_PKEY* key, ByteView message) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, DigestOf(key), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    std::abort();
  }
  Bytes signature(len);
  if (EVP_DigestSign(ctx.get(), signature.data(), &len, message.data(), message.size()) != 1)
    std::abort();
  signature.resize(len);
  return signature;
}

bool Verify(EVP_PKEY* key, ByteView message, ByteView signature) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, DigestOf(key), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

struct DhKind {
  const char* algorithm;
  const char* group;
};
DhKind DhOf(size_t suite_index) {
  return suite_index == 1 ? DhKind{"DH", "modp_2048"} : DhKind{"X25519", nullptr};
}

void BM_CryptoBound(benchmark::State& state) {
  const size_t index = static_cast<size_t>(state.range(0));
  const Setup& setup = GetSetup(index);
  const DhKind dh = DhOf(index);
  EVP_PKEY* key_i = setup.initiator.identity.key->pkey();
  EVP_PKEY* key_r = setup.responder.identity.key->pkey();
  const Bytes octets(600, 0x5c);  // about the size of the AUTH signed octets
  for (auto _ : state) {
    ossl::PkeyPtr dh_i = KeygenDh(dh.algorithm, dh.group);
    ossl::PkeyPtr dh_r = KeygenDh(dh.algorithm, dh.group);
    benchmark::DoNotOptimize(Derive(dh_r.get(), dh_i.get()));
    benchmark::DoNotOptimize(Derive(dh_i.get(), dh_r.get()));
    const Bytes sig_i = Sign(key_i, octets);
    if (!Verify(key_i, octets, sig_i)) std::abort();
    const Bytes sig_r = Sign(key_r, octets);
    if (!Verify(key_r, octets, sig_r)) std::abort();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(kSuites[index].name);
}
BENCHMARK(BM_CryptoBound)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

// DH keygen alone: `openssl speed` (3.0) prices derive, sign and verify but has no keygen figure,
// so the script prices keygens with this raw EVP_PKEY_keygen loop.
void BM_RawDhKeygen(benchmark::State& state) {
  const DhKind dh = DhOf(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(KeygenDh(dh.algorithm, dh.group));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(dh.group == nullptr ? "x25519" : "modp2048");
}
BENCHMARK(BM_RawDhKeygen)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// ---- Memory per SA: live heap bytes (C++ and OpenSSL, usable block sizes) held for SAs.

constexpr int kMemorySas = 200;

// Live bytes an empty node holds right after construction (its copy of the config and policy).
int64_t NodeBaseBytes(const NodeConfig& config, Rng& rng) {
  const int64_t before = g_live_bytes.load();
  auto node = std::make_unique<IkeNode>(config, rng);
  return g_live_bytes.load() - before;
}

// kMemorySas full handshakes between one pair of nodes; then each node is freed in turn, and what
// it gave back, less an empty node's size, is divided by its number of SAs.
void BM_MemoryPerEstablishedSa(benchmark::State& state) {
  if (!g_counting) return state.SkipWithError("memory cases need --count_allocations");
  const Setup& setup = GetSetup(static_cast<size_t>(state.range(0)));
  OpenSslRng rng;
  double initiator_per_sa = 0, responder_per_sa = 0;
  for (auto _ : state) {
    const int64_t initiator_base = NodeBaseBytes(InitiatorConfig(), rng);
    const int64_t responder_base = NodeBaseBytes(ResponderConfig(setup), rng);
    auto initiator = std::make_unique<IkeNode>(InitiatorConfig(), rng);
    auto responder = std::make_unique<IkeNode>(ResponderConfig(setup), rng);
    std::string why;
    for (int i = 0; i < kMemorySas; ++i) {
      if (!Handshake(*initiator, *responder, setup.initiator, kStart, &why)) {
        state.SkipWithError(why.c_str());
        return;
      }
    }
    if (initiator->sa_count() != kMemorySas || responder->sa_count() != kMemorySas) {
      state.SkipWithError("SAs were not all kept");
      return;
    }
    const int64_t with_both = g_live_bytes.load();
    initiator.reset();
    const int64_t without_initiator = g_live_bytes.load();
    responder.reset();
    const int64_t without_either = g_live_bytes.load();
    initiator_per_sa =
        static_cast<double>(with_both - without_initiator - initiator_base) / kMemorySas;
    responder_per_sa =
        static_cast<double>(without_initiator - without_either - responder_base) / kMemorySas;
  }
  state.counters["initiator_bytes_per_sa"] = initiator_per_sa;
  state.counters["responder_bytes_per_sa"] = responder_per_sa;
  state.SetLabel(kSuites[state.range(0)].name);
}
BENCHMARK(BM_MemoryPerEstablishedSa)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// kMemorySas IKE_SA_INIT requests from distinct sources (as a flood would arrive, below the
// cookie threshold) to one responder; what the responder holds afterwards per half-open SA.
void BM_MemoryPerHalfOpenSa(benchmark::State& state) {
  if (!g_counting) return state.SkipWithError("memory cases need --count_allocations");
  const Setup& setup = GetSetup(static_cast<size_t>(state.range(0)));
  OpenSslRng rng;
  double per_sa = 0;
  for (auto _ : state) {
    std::vector<Datagram> requests;
    {
      IkeNode initiator(InitiatorConfig(), rng);
      for (int i = 0; i < kMemorySas; ++i) {
        const Endpoint from =
            Endpoint::V4(10, 1, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i & 0xFF), 500);
        if (!initiator.Connect(from, kResponderAt, setup.initiator, kStart).ok()) {
          state.SkipWithError("connect failed");
          return;
        }
        for (Datagram& d : initiator.TakeOutgoing())
          requests.push_back(Datagram{d.remote, d.local, std::move(d.payload)});
      }
    }
    NodeConfig config = ResponderConfig(setup);
    config.cookies.global_threshold = 1u << 30;
    IkeNode responder(config, rng);
    const int64_t before = g_live_bytes.load();
    for (const Datagram& d : requests) {
      responder.HandleDatagram(d, kStart);
      (void)responder.TakeOutgoing();
    }
    const int64_t after = g_live_bytes.load();
    if (responder.half_open_count() != kMemorySas) {
      state.SkipWithError("requests did not all leave a half-open SA");
      return;
    }
    per_sa = static_cast<double>(after - before) / kMemorySas;
  }
  state.counters["responder_bytes_per_half_open_sa"] = per_sa;
  state.SetLabel(kSuites[state.range(0)].name);
}
BENCHMARK(BM_MemoryPerHalfOpenSa)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// What one entry of a node's peer-certificate cache holds (the parsed certificate, its public
// key and the prepared verification context its first AUTH verification leaves): kMemorySas
// distinct peer certificates of the suite's key type, each used to verify one AUTH signature,
// live bytes after less before, divided by their number. A node's cache costs at most this
// times its bound (NodeConfig::peer_certificate_cache_entries).
void BM_MemoryPerCachedCertificate(benchmark::State& state) {
  if (!g_counting) return state.SkipWithError("memory cases need --count_allocations");
  const Suite& suite = kSuites[state.range(0)];
  OpenSslRng rng;
  const Bytes octets(600, 0x5c);
  const uint16_t hash = suite.key_type == crypto::KeyType::kEd25519 ? crypto::kSigHashIdentity
                                                                    : crypto::kSigHashSha256;
  std::vector<Bytes> ders;
  std::vector<crypto::AuthData> signatures;
  for (int i = 0; i < kMemorySas; ++i) {
    LocalIdentity peer =
        MakeIdentity(suite.key_type, "peer" + std::to_string(i) + ".example.org", rng);
    Result<crypto::AuthData> auth =
        crypto::SignAuth(*peer.key, crypto::kAuthMethodDigitalSignature, hash, octets);
    if (!auth.ok()) return state.SkipWithError("signing failed");
    ders.push_back(peer.certificate_chain_der.front());
    signatures.push_back(std::move(*auth));
  }
  const std::vector<uint16_t> acceptable = crypto::SupportedSignatureHashes();
  double per_entry = 0;
  for (auto _ : state) {
    const int64_t before = g_live_bytes.load();
    PeerCertificateCache cache(kMemorySas);
    crypto::PreparedCrypto prepared;
    for (int i = 0; i < kMemorySas; ++i) {
      Result<crypto::Certificate> cert = cache.Parse(ders[i]);
      if (!cert.ok()) return state.SkipWithError("certificate did not parse");
      Result<crypto::PublicKey> key = cache.PublicKeyOf(*cert);
      if (!key.ok() || !crypto::VerifyAuth(*key, signatures[i].method, signatures[i].data, octets,
                                           acceptable, &prepared, cache.VerifyTemplatesOf(*cert))
                            .ok()) {
        return state.SkipWithError("AUTH did not verify");
      }
    }
    per_entry = static_cast<double>(g_live_bytes.load() - before) / kMemorySas;
  }
  state.counters["bytes_per_entry"] = per_entry;
  state.SetLabel(suite.name);
}
BENCHMARK(BM_MemoryPerCachedCertificate)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// What a node's PreparedCrypto (NodeConfig::prepared_crypto) holds once it has served
// handshakes: fetched algorithms, the HMAC template, the key-import context, the scratch peer
// key and the signing templates. Two nodes share one object here, so it holds both nodes' signing
// templates; a node with its own holds one. A first handshake runs before counting, so the
// OpenSSL-wide caches it fills (method stores) are not charged to the object.
void BM_MemoryPreparedCrypto(benchmark::State& state) {
  if (!g_counting) return state.SkipWithError("memory cases need --count_allocations");
  const Setup& setup = GetSetup(static_cast<size_t>(state.range(0)));
  OpenSslRng rng;
  double bytes = 0;
  for (auto _ : state) {
    std::string why;
    {
      IkeNode initiator(InitiatorConfig(), rng);
      IkeNode responder(ResponderConfig(setup), rng);
      if (!Handshake(initiator, responder, setup.initiator, kStart, &why)) {
        return state.SkipWithError(why.c_str());
      }
    }
    const int64_t before = g_live_bytes.load();
    auto shared = std::make_shared<crypto::PreparedCrypto>();
    {
      NodeConfig initiator_config = InitiatorConfig();
      NodeConfig responder_config = ResponderConfig(setup);
      initiator_config.prepared_crypto = shared;
      responder_config.prepared_crypto = shared;
      IkeNode initiator(initiator_config, rng);
      IkeNode responder(responder_config, rng);
      for (int i = 0; i < 3; ++i) {
        if (!Handshake(initiator, responder, setup.initiator, kStart, &why)) {
          return state.SkipWithError(why.c_str());
        }
      }
    }
    bytes = static_cast<double>(g_live_bytes.load() - before);
  }
  state.counters["prepared_bytes_two_nodes"] = bytes;
  state.SetLabel(kSuites[state.range(0)].name);
}
BENCHMARK(BM_MemoryPreparedCrypto)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // --count_allocations (ours, taken out before Google Benchmark sees the arguments).
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--count_allocations") {
      g_counting = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  // Before OpenSSL allocates anything: route its heap through the counting allocator.
  if (g_counting && CRYPTO_set_mem_functions(OpenSslMalloc, OpenSslRealloc, OpenSslFree) != 1) {
    std::fprintf(stderr, "CRYPTO_set_mem_functions failed\n");
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
