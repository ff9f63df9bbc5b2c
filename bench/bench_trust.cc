// Trust store benchmarks (results and method in docs/bench/trust.md):
//  - importing a 10,000-entry collection, every entry's signature verified, against the raw
//    ECDSA P-256 verify rate measured the way `openssl speed ecdsap256` does;
//  - decision lookups per second in stores holding 100,000 certificates, in memory and SQLite.
// Test certificates are built directly with OpenSSL here (one key, distinct names and serials,
// each validly self-signed): generating 100,000 keys would dominate the run.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/crypto/openssl_handles.h"
#include "core/crypto/random.h"
#include "core/trust/collection.h"
#include "core/trust/trust_store.h"

namespace {

using namespace ikewot;         // NOLINT: benchmark brevity
using namespace ikewot::trust;  // NOLINT

constexpr int64_t kNow = 1735689600;  // 2025-01-01

Bytes MakeCertificate(EVP_PKEY* key, int index) {
  ossl::X509Ptr x(X509_new());
  const std::string cn = "peer-" + std::to_string(index);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), index + 1);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  ASN1_TIME_set(X509_getm_notBefore(x.get()), kNow - 3600);
  ASN1_TIME_set(X509_getm_notAfter(x.get()), kNow + 3650 * 86400LL);
  X509_set_pubkey(x.get(), key);
  const std::string san = "DNS:" + cn + ".example.org";
  ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str()));
  X509_add_ext(x.get(), ext.get(), -1);
  if (!X509_sign(x.get(), key, EVP_sha256())) std::abort();
  const int n = i2d_X509(x.get(), nullptr);
  Bytes der(static_cast<size_t>(n));
  unsigned char* p = der.data();
  i2d_X509(x.get(), &p);
  return der;
}

struct Fixture {
  std::unique_ptr<crypto::PrivateKey> sharer_key;
  std::unique_ptr<Endorser> sharer;
  std::vector<Bytes> certificates;
  std::vector<SignedEntry> entries;
};

// `count` certificates and the sharer's signed entries for them (built once per size).
const Fixture& GetFixture(size_t count) {
  static std::map<size_t, std::unique_ptr<Fixture>> cache;
  auto& f = cache[count];
  if (f) return *f;
  f = std::make_unique<Fixture>();
  DeterministicRng rng(42, AsBytes("bench_trust"));
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256, rng);
  crypto::SelfSignedOptions o;
  o.common_name = "sharer";
  auto cert = crypto::MakeSelfSigned(*key, o, TimePoint::FromUnixSeconds(kNow), rng);
  f->sharer_key = std::make_unique<crypto::PrivateKey>(std::move(*key));
  f->sharer = std::make_unique<Endorser>(*Endorser::Create(*f->sharer_key, *cert));
  auto peer_key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256, rng);
  for (size_t i = 0; i < count; ++i) {
    f->certificates.push_back(MakeCertificate(peer_key->pkey(), static_cast<int>(i)));
    f->entries.push_back(
        *f->sharer->Sign(EntryTbs::For(f->certificates.back(), Policy::ForIkeAuth(), kNow)));
  }
  return *f;
}

Bytes CollectionFile(size_t count) {
  static std::map<size_t, Bytes> cache;
  Bytes& file = cache[count];
  if (!file.empty()) return file;
  const Fixture& f = GetFixture(count);
  CollectionContent content{1, kNow, f.entries, {}};
  auto der = EncodeCollectionContent(content);
  file = *SealCollection(*der, *f.sharer, TimePoint::FromUnixSeconds(kNow), {});
  return file;
}

std::string TempDb(const char* what) {
  static int counter = 0;
  const std::string path = "/tmp/bench_trust_" + std::to_string(getpid()) + "_" + what + "_" +
                           std::to_string(counter++) + ".db";
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  return path;
}

void RemoveDb(const std::string& path) {
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
}

std::unique_ptr<TrustStore> StoreTrustingSharer(const Fixture& f, bool sqlite,
                                                const std::string& path) {
  auto store = sqlite ? TrustStore::OpenSqlite(path, {}) : TrustStore::InMemory({});
  if (!store.ok()) std::abort();
  if (!(*store)
           ->AddLocal(f.sharer->certificate().ToDer(), {}, TimePoint::FromUnixSeconds(kNow))
           .ok()) {
    std::abort();
  }
  return std::move(*store);
}

// What `openssl speed ecdsap256` measures: EVP_PKEY_verify of a SHA-256 digest with a prepared
// context, one thread.
void BM_RawEcdsaP256Verify(benchmark::State& state) {
  const Fixture& f = GetFixture(10000);
  const EVP_PKEY* pkey = f.sharer->certificate().public_key()->pkey();
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(pkey), nullptr));
  EVP_PKEY_verify_init(ctx.get());
  uint8_t digest[32];
  unsigned int len = 0;
  const SignedEntry& e = f.entries[0];
  EVP_Digest(e.tbs_der().data(), e.tbs_der().size(), digest, &len, EVP_sha256(), nullptr);
  for (auto _ : state) {
    if (EVP_PKEY_verify(ctx.get(), e.signature.data(), e.signature.size(), digest, len) != 1) {
      state.SkipWithError("verify failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawEcdsaP256Verify)->MinTime(2.0);

// The same raw verify, but of the 10,000 entries' distinct signatures in turn, as an import
// does: `openssl speed` verifies one signature over and over, so the scalar multiplications
// always touch the same rows of the precomputed P-256 tables, which then stay in L1.
void BM_RawEcdsaP256VerifyDistinct(benchmark::State& state) {
  const Fixture& f = GetFixture(10000);
  const EVP_PKEY* pkey = f.sharer->certificate().public_key()->pkey();
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(pkey), nullptr));
  EVP_PKEY_verify_init(ctx.get());
  std::vector<std::array<uint8_t, 32>> digests(f.entries.size());
  for (size_t i = 0; i < f.entries.size(); ++i) {
    unsigned int len = 0;
    const ByteView tbs = f.entries[i].tbs_der();
    EVP_Digest(tbs.data(), tbs.size(), digests[i].data(), &len, EVP_sha256(), nullptr);
  }
  size_t i = 0;
  for (auto _ : state) {
    const SignedEntry& e = f.entries[i];
    if (EVP_PKEY_verify(ctx.get(), e.signature.data(), e.signature.size(), digests[i].data(),
                        digests[i].size()) != 1) {
      state.SkipWithError("verify failed");
    }
    i = (i + 1) % f.entries.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawEcdsaP256VerifyDistinct)->MinTime(2.0);

// The import's verify loop alone: EntryVerifier::Verify (endorser check, SHA-256 of the entry's
// TBS, EVP_PKEY_verify) over the 10,000 parsed entries in turn. OpenCollection minus this is
// the CMS, the parse and the content checks.
void BM_VerifyEntries(benchmark::State& state) {
  const Fixture& f = GetFixture(10000);
  auto verifier = EntryVerifier::Create(f.sharer->certificate());
  if (!verifier.ok()) std::abort();
  size_t i = 0;
  for (auto _ : state) {
    if (!verifier->Verify(f.entries[i]).ok()) state.SkipWithError("verify failed");
    i = (i + 1) % f.entries.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyEntries)->MinTime(2.0);

// OpenCollection alone: CMS checks plus parsing and verifying every entry.
void BM_OpenCollection(benchmark::State& state) {
  const Bytes file = CollectionFile(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto opened = OpenCollection(file, {});
    if (!opened.ok()) state.SkipWithError(opened.error().message.c_str());
    benchmark::DoNotOptimize(opened);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_OpenCollection)->Arg(10000)->Unit(benchmark::kMillisecond)->MinTime(5.0);

// Summarizing every entry's certificate (PrepareCollection) of a collection already opened and
// verified: the import's per-entry work besides the verify and the store.
void BM_PrepareCollection(benchmark::State& state) {
  const Bytes file = CollectionFile(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    state.PauseTiming();
    auto opened = OpenCollection(file, {});
    if (!opened.ok()) state.SkipWithError(opened.error().message.c_str());
    state.ResumeTiming();
    auto prepared = PrepareCollection(std::move(*opened));
    if (!prepared.ok()) state.SkipWithError(prepared.error().message.c_str());
    state.PauseTiming();
    prepared = Error{};
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PrepareCollection)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(8);

// The whole import: open + verify + summarize every certificate + store, and for SQLite the
// close (its last WAL checkpoint). Making the empty store before and freeing everything after
// each import are not timed.
void BM_ImportCollection(benchmark::State& state) {
  const bool sqlite = state.range(1) != 0;
  const size_t count = static_cast<size_t>(state.range(0));
  const Bytes file = CollectionFile(count);
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = TempDb("import");
    auto store = StoreTrustingSharer(GetFixture(count), sqlite, path);
    std::optional<PreparedCollection> prepared;
    state.ResumeTiming();
    auto opened = OpenCollection(file, {});
    if (!opened.ok()) state.SkipWithError(opened.error().message.c_str());
    auto prep = PrepareCollection(std::move(*opened));
    if (!prep.ok()) state.SkipWithError(prep.error().message.c_str());
    prepared.emplace(std::move(*prep));
    auto report = store->Import(*prepared, {}, TimePoint::FromUnixSeconds(kNow));
    if (!report.ok()) state.SkipWithError(report.error().message.c_str());
    if (sqlite) store.reset();  // closing checkpoints the WAL: timed, nothing left for later
    state.PauseTiming();
    store.reset();
    prepared.reset();
    opened = Error{};
    if (sqlite) RemoveDb(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(sqlite ? "sqlite" : "memory");
}
BENCHMARK(BM_ImportCollection)
    ->Args({10000, 0})
    ->Args({10000, 1})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);  // short: scripts/bench-trust.sh repeats it in rounds between verify runs

// The store's share of an import: TrustStore::Import of a collection already opened, verified
// and prepared (those steps, the empty store and the cleanup are not timed). Per-entry cost
// of the backend and the import rules, to set beside the verify's.
void BM_ImportPrepared(benchmark::State& state) {
  const bool sqlite = state.range(1) != 0;
  const size_t count = static_cast<size_t>(state.range(0));
  const Bytes file = CollectionFile(count);
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = TempDb("prepared");
    auto store = StoreTrustingSharer(GetFixture(count), sqlite, path);
    auto opened = OpenCollection(file, {});
    if (!opened.ok()) state.SkipWithError(opened.error().message.c_str());
    auto prepared = PrepareCollection(std::move(*opened));
    if (!prepared.ok()) state.SkipWithError(prepared.error().message.c_str());
    state.ResumeTiming();
    auto report = store->Import(*prepared, {}, TimePoint::FromUnixSeconds(kNow));
    if (!report.ok()) state.SkipWithError(report.error().message.c_str());
    if (sqlite) store.reset();  // as in BM_ImportCollection: the close's checkpoint is timed
    state.PauseTiming();
    store.reset();
    prepared = Error{};
    if (sqlite) RemoveDb(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(sqlite ? "sqlite" : "memory");
}
BENCHMARK(BM_ImportPrepared)
    ->Args({10000, 0})
    ->Args({10000, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(8);

// Decisions in a store holding `range(0)` certificates from one imported collection.
void BM_Decide(benchmark::State& state) {
  const bool sqlite = state.range(1) != 0;
  const size_t count = static_cast<size_t>(state.range(0));
  const Fixture& f = GetFixture(count);
  const std::string path = TempDb("decide");
  auto store = StoreTrustingSharer(f, sqlite, path);
  {
    // Setup only: the entries are known good, so skip re-verifying them here.
    Bytes empty = *EncodeCollectionContent(CollectionContent{1, kNow, {}, {}});
    OpenedCollection opened{f.sharer->certificate(), CollectionContent{1, kNow, f.entries, {}},
                            false, empty};
    auto prepared = PrepareCollection(std::move(opened));
    auto report = store->Import(*prepared, {}, TimePoint::FromUnixSeconds(kNow));
    if (!report.ok()) state.SkipWithError(report.error().message.c_str());
  }
  // A one-shot CLI command: open the store with a new handle and decide once (over SQL; the
  // file's pages are in the page cache, as right after a previous command).
  double one_shot_ms = 0;
  if (sqlite) {
    const auto start = std::chrono::steady_clock::now();
    auto cli = TrustStore::OpenSqlite(path, {});
    if (!cli.ok()) std::abort();
    DecisionQuery q;
    q.certificate = f.certificates[count / 2];
    q.now = TimePoint::FromUnixSeconds(kNow + 86400);
    if (!(*cli)->Decide(q).ok()) state.SkipWithError("one-shot decision failed");
    one_shot_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  // The SQLite backend builds its in-memory decision index at a handle's second decision
  // (loading and parsing every stored entry): done here, untimed, and reported as a counter.
  const auto warm_start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < 2; ++i) {
    DecisionQuery q;
    q.certificate = f.certificates[i];
    q.now = TimePoint::FromUnixSeconds(kNow + 86400);
    if (!store->Decide(q).ok()) state.SkipWithError("warm-up decision failed");
  }
  const double warm_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - warm_start)
          .count();
  std::mt19937 random(1);
  std::uniform_int_distribution<size_t> pick(0, count - 1);
  const bool with_identity = state.range(2) != 0;
  size_t trusted = 0;
  for (auto _ : state) {
    const size_t i = pick(random);
    DecisionQuery q;
    q.certificate = f.certificates[i];
    q.now = TimePoint::FromUnixSeconds(kNow + 86400);
    if (with_identity) q.identity = "dns:peer-" + std::to_string(i) + ".example.org";
    auto d = store->Decide(q);
    if (!d.ok()) state.SkipWithError(d.error().message.c_str());
    trusted += d->trusted();
  }
  if (trusted != static_cast<size_t>(state.iterations())) state.SkipWithError("not trusted");
  state.SetItemsProcessed(state.iterations());
  state.counters["first_two_decisions_ms"] = warm_ms;
  state.counters["one_shot_decision_ms"] = one_shot_ms;
  state.SetLabel(std::string(sqlite ? "sqlite" : "memory") + (with_identity ? "+identity" : ""));
  store.reset();
  if (sqlite) RemoveDb(path);
}
BENCHMARK(BM_Decide)
    ->Args({100000, 0, 0})
    ->Args({100000, 0, 1})
    ->Args({100000, 1, 0})
    ->Args({100000, 1, 1})
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
