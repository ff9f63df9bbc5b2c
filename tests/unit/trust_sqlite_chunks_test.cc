// The SQLite store's chunk formats (core/trust/sqlite_chunks.h): a hand-written vector, chunks
// made from real signed collection entries, every-prefix truncation, round trips, one test per
// rule, the identity chunk planner (never splits an identity), and what the backend does with
// a damaged stored chunk (a "trust store row is corrupt" error, never a crash) and with
// identity lookups over local rows plus chunks (the same answers as the memory backend).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/trust/sqlite_chunks.h"
#include "core/trust/trust_store.h"
#include "tests/trust/test_support.h"

namespace ikewot::trust::sqlite {
namespace {

using testing::kT0;
using testing::MakePerson;

Bytes Fp(uint8_t fill) { return Bytes(kFingerprintOctets, fill); }

// Alice shares Carol, Dave and Erin; the prepared entries, in fingerprint order.
struct RealEntries {
  Bytes signer;  // Alice's certificate
  PreparedCollection collection;
  std::vector<EntryRef> by_fp;
};

const RealEntries& Real() {
  static const RealEntries* real = [] {
    auto alice = MakePerson("alice", 1);
    auto store = TrustStore::InMemory({});
    EXPECT_TRUE(store.ok());
    int seed = 10;
    for (const char* name : {"carol", "dave", "erin"}) {
      auto person = MakePerson(name, ++seed, crypto::KeyType::kEcdsaP256,
                               {std::string("dns:") + name + ".example"});
      EXPECT_TRUE((*store)->AddLocal(person->der(), {}, kT0).ok());
    }
    auto shared = (*store)->Share(*alice->endorser, {}, kT0);
    EXPECT_TRUE(shared.ok());
    auto prepared = testing::Prepare(shared->file);
    EXPECT_TRUE(prepared.ok());
    auto* out = new RealEntries{alice->der(), std::move(*prepared), {}};
    out->by_fp = out->collection.entries;
    std::sort(out->by_fp.begin(), out->by_fp.end(), [](const EntryRef& a, const EntryRef& b) {
      return a->cert.fingerprint < b->cert.fingerprint;
    });
    return out;
  }();
  return *real;
}

std::vector<ChunkEntry> RealChunkEntries() {
  std::vector<ChunkEntry> out;
  for (const EntryRef& e : Real().by_fp) out.push_back({e->cert.fingerprint, e->entry.der});
  return out;
}

std::vector<IdentityPair> RealPairs() {
  std::vector<IdentityPair> out;
  for (const EntryRef& e : Real().by_fp) {
    for (const std::string& id : e->cert.identities) out.emplace_back(id, e->cert.fingerprint);
  }
  SortIdentityPairs(&out);
  return out;
}

Bytes Encode(const std::vector<ChunkEntry>& entries) {
  Bytes out;
  EXPECT_TRUE(EncodeEntryChunk(entries, &out).ok());
  return out;
}

Bytes Encode(const std::vector<IdentityPair>& pairs) {
  Bytes out;
  auto s = EncodeIdentityChunk(pairs, &out);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return out;
}

std::vector<IdentityPair> Flatten(const std::vector<IdentityGroup>& groups) {
  std::vector<IdentityPair> out;
  for (const IdentityGroup& g : groups) {
    for (ByteView fp : g.fingerprints) out.emplace_back(g.identity, fp);
  }
  return out;
}

bool SamePairs(const std::vector<IdentityPair>& a, const std::vector<IdentityPair>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.first == y.first && std::ranges::equal(x.second, y.second);
  });
}

TEST(SqliteChunks, EntryChunkHandWrittenVector) {
  const Bytes fp1 = Fp(0x11), fp2 = Fp(0x22);
  const Bytes der1 = {0x30, 0x00}, der2 = {0x30, 0x01, 0x05};
  Bytes expected = {0x00, 0x02};  // two entries
  expected.insert(expected.end(), fp1.begin(), fp1.end());
  expected.insert(expected.end(), {0x00, 0x00, 0x00, 0x02, 0x30, 0x00});
  expected.insert(expected.end(), fp2.begin(), fp2.end());
  expected.insert(expected.end(), {0x00, 0x00, 0x00, 0x03, 0x30, 0x01, 0x05});
  EXPECT_EQ(Encode({{fp1, der1}, {fp2, der2}}), expected);
  auto parsed = ParseEntryChunk(expected);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_TRUE(std::ranges::equal((*parsed)[1].fingerprint, fp2));
  EXPECT_TRUE(std::ranges::equal((*parsed)[1].der, der2));
}

TEST(SqliteChunks, IdentityChunkHandWrittenVector) {
  const Bytes fp1 = Fp(0x11), fp2 = Fp(0x22);
  const std::vector<IdentityPair> pairs = {{"cn:a", fp1}, {"cn:a", fp2}, {"dns:b", fp1}};
  Bytes expected = {0x00, 0x02, 0x00, 0x04, 'c', 'n', ':', 'a', 0x00, 0x00, 0x00, 0x02};
  expected.insert(expected.end(), fp1.begin(), fp1.end());
  expected.insert(expected.end(), fp2.begin(), fp2.end());
  expected.insert(expected.end(), {0x00, 0x05, 'd', 'n', 's', ':', 'b', 0x00, 0x00, 0x00, 0x01});
  expected.insert(expected.end(), fp1.begin(), fp1.end());
  EXPECT_EQ(Encode(pairs), expected);
  auto parsed = ParseIdentityChunk(expected);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].identity, "cn:a");
  EXPECT_TRUE(SamePairs(Flatten(*parsed), pairs));
}

TEST(SqliteChunks, RealEntriesRoundTrip) {
  const std::vector<ChunkEntry> entries = RealChunkEntries();
  ASSERT_EQ(entries.size(), 3u);
  const Bytes chunk = Encode(entries);
  auto parsed = ParseEntryChunk(chunk);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_TRUE(std::ranges::equal((*parsed)[i].fingerprint, entries[i].fingerprint));
    EXPECT_TRUE(std::ranges::equal((*parsed)[i].der, entries[i].der));
    // What the store keeps is the signed entry exactly: it parses back to the same certificate.
    auto entry = ParseSignedEntry((*parsed)[i].der);
    ASSERT_TRUE(entry.ok());
    EXPECT_EQ(Sha256(entry->tbs.certificate), Real().by_fp[i]->cert.fingerprint);
  }
  EXPECT_EQ(Encode(*parsed), chunk);

  const std::vector<IdentityPair> pairs = RealPairs();
  ASSERT_EQ(pairs.size(), 9u);  // cn:, dn: and dns: for each
  const Bytes ids = Encode(pairs);
  auto groups = ParseIdentityChunk(ids);
  ASSERT_TRUE(groups.ok()) << groups.error().ToString();
  EXPECT_EQ(groups->size(), 9u);
  EXPECT_TRUE(SamePairs(Flatten(*groups), pairs));
  EXPECT_EQ(Encode(Flatten(*groups)), ids);
}

TEST(SqliteChunks, EveryPrefixFailsCleanly) {
  const Bytes entries = Encode(RealChunkEntries());
  for (size_t n = 0; n < entries.size(); ++n) {
    auto parsed = ParseEntryChunk(ByteView(entries).first(n));
    ASSERT_FALSE(parsed.ok()) << "entry chunk prefix of " << n << " octets parsed";
    EXPECT_LE(parsed.error().offset, n);
  }
  const Bytes ids = Encode(RealPairs());
  for (size_t n = 0; n < ids.size(); ++n) {
    auto parsed = ParseIdentityChunk(ByteView(ids).first(n));
    ASSERT_FALSE(parsed.ok()) << "identity chunk prefix of " << n << " octets parsed";
    EXPECT_LE(parsed.error().offset, n);
  }
}

// Parses `chunk` and expects `code` with `words` in the message.
template <typename Parse>
void ExpectRejected(Parse parse, const Bytes& chunk, ErrorCode code, const std::string& words) {
  auto parsed = parse(chunk, 0);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, code) << parsed.error().ToString();
  EXPECT_NE(parsed.error().message.find(words), std::string::npos) << parsed.error().ToString();
}

TEST(SqliteChunks, EntryChunkRules) {
  const Bytes good = Encode({{Fp(0x11), Bytes{0x30, 0x00}}, {Fp(0x22), Bytes{0x30, 0x00}}});
  // Count: zero, and above the limit.
  ExpectRejected(ParseEntryChunk, Bytes{0x00, 0x00}, ErrorCode::kBadValue, "count must be 1 to");
  ExpectRejected(ParseEntryChunk, Bytes{0x10, 0x01}, ErrorCode::kBadValue, "got 4097");
  // A count larger than what follows.
  Bytes more = good;
  more[1] = 3;
  ExpectRejected(ParseEntryChunk, more, ErrorCode::kTruncated, "entry 2");
  // Trailing octets.
  Bytes trailing = good;
  trailing.push_back(0);
  ExpectRejected(ParseEntryChunk, trailing, ErrorCode::kTrailingData, "entry chunk");
  // Unsorted and duplicate fingerprints.
  Bytes swapped = good;
  std::fill(swapped.begin() + 2, swapped.begin() + 34, 0x33);
  ExpectRejected(ParseEntryChunk, swapped, ErrorCode::kBadValue, "strictly increase");
  Bytes duplicate = good;
  std::fill(duplicate.begin() + 2, duplicate.begin() + 34, 0x22);
  ExpectRejected(ParseEntryChunk, duplicate, ErrorCode::kBadValue, "strictly increase");
  // Entry length zero and above the limit.
  Bytes empty_entry = {0x00, 0x01};
  empty_entry.insert(empty_entry.end(), 32, 0x11);
  empty_entry.insert(empty_entry.end(), {0, 0, 0, 0});
  ExpectRejected(ParseEntryChunk, empty_entry, ErrorCode::kBadLength, "got 0");
  Bytes huge = empty_entry;
  huge[34] = 0x01;  // 0x01000000 octets
  ExpectRejected(ParseEntryChunk, huge, ErrorCode::kBadLength, "got 16777216");
  // The encoder refuses what the parser would refuse.
  Bytes out;
  EXPECT_FALSE(EncodeEntryChunk({}, &out).ok());
  EXPECT_FALSE(EncodeEntryChunk({{Fp(0x22), Bytes{1}}, {Fp(0x11), Bytes{1}}}, &out).ok());
  EXPECT_FALSE(EncodeEntryChunk({{Fp(0x11), Bytes{1}}, {Fp(0x11), Bytes{1}}}, &out).ok());
  EXPECT_FALSE(EncodeEntryChunk({{Bytes(31, 1), Bytes{1}}}, &out).ok());
  EXPECT_FALSE(EncodeEntryChunk({{Fp(0x11), Bytes(kMaxStoredEntryOctets + 1, 1)}}, &out).ok());
}

TEST(SqliteChunks, IdentityChunkRules) {
  const Bytes fp1 = Fp(0x11), fp2 = Fp(0x22);
  const Bytes good = Encode({{"cn:a", fp1}, {"cn:a", fp2}, {"cn:b", fp1}});
  ExpectRejected(ParseIdentityChunk, Bytes{0x00, 0x00}, ErrorCode::kBadValue, "count must be 1 to");
  ExpectRejected(ParseIdentityChunk, Bytes{0xff, 0xff}, ErrorCode::kBadValue, "got 65535");
  Bytes trailing = good;
  trailing.push_back(0);
  ExpectRejected(ParseIdentityChunk, trailing, ErrorCode::kTrailingData, "identity chunk");
  // The two identities out of order, or the same twice (the second group's last octet).
  const size_t second = 2 + 2 + 4 + 4 + 64;
  Bytes unsorted = good;
  unsorted[second + 2 + 3] = 'A';
  ExpectRejected(ParseIdentityChunk, unsorted, ErrorCode::kBadValue, "must strictly increase");
  Bytes repeated = good;
  repeated[second + 2 + 3] = 'a';
  ExpectRejected(ParseIdentityChunk, repeated, ErrorCode::kBadValue, "must strictly increase");
  // A group's fingerprints out of order.
  Bytes fps = good;
  std::fill(fps.begin() + 12, fps.begin() + 44, 0x33);
  ExpectRejected(ParseIdentityChunk, fps, ErrorCode::kBadValue, "fingerprints must strictly");
  // An empty identity, a group naming no fingerprint, a count beyond the octets left.
  ExpectRejected(ParseIdentityChunk, Bytes{0x00, 0x01, 0x00, 0x00}, ErrorCode::kBadLength, "got 0");
  Bytes none = {0x00, 0x01, 0x00, 0x01, 'x', 0x00, 0x00, 0x00, 0x00};
  ExpectRejected(ParseIdentityChunk, none, ErrorCode::kBadValue, "got 0");
  Bytes short_fps = {0x00, 0x01, 0x00, 0x01, 'x', 0x00, 0x00, 0x10, 0x00};
  ExpectRejected(ParseIdentityChunk, short_fps, ErrorCode::kTruncated, "4096 fingerprints");
  Bytes out;
  EXPECT_FALSE(EncodeIdentityChunk({}, &out).ok());
  const std::vector<IdentityPair> backwards = {{"cn:b", fp1}, {"cn:a", fp1}};
  EXPECT_FALSE(EncodeIdentityChunk(backwards, &out).ok());
  const std::vector<IdentityPair> twice = {{"cn:a", fp1}, {"cn:a", fp1}};
  EXPECT_FALSE(EncodeIdentityChunk(twice, &out).ok());
}

TEST(SqliteChunks, PlannerNeverSplitsAnIdentity) {
  // 40 fingerprints; "cn:big" names 25 of them, eight small identities name the rest in
  // runs of 1 to 3. With 4 pairs per chunk, "cn:big" must stay whole in one chunk.
  std::vector<Bytes> fps;
  for (int i = 0; i < 40; ++i) fps.push_back(Fp(static_cast<uint8_t>(i + 1)));
  std::vector<std::string> names = {"cn:a", "cn:b", "cn:big", "cn:c", "cn:d",
                                    "cn:e", "cn:f", "cn:g",   "cn:h"};
  std::vector<IdentityPair> pairs;
  size_t next = 0;
  for (size_t n = 0; n < names.size(); ++n) {
    const size_t count = names[n] == "cn:big" ? 25 : 1 + n % 3;
    for (size_t i = 0; i < count; ++i) pairs.emplace_back(names[n], fps[(next + i) % fps.size()]);
    next += count;
  }
  SortIdentityPairs(&pairs);
  const auto chunks = PlanIdentityChunks(pairs, 4);
  ASSERT_GE(chunks.size(), 3u);
  std::vector<IdentityPair> joined;
  std::vector<Bytes> encoded;
  encoded.reserve(chunks.size());
  for (size_t c = 0; c < chunks.size(); ++c) {
    ASSERT_FALSE(chunks[c].empty());
    if (c + 1 < chunks.size()) {
      EXPECT_GE(chunks[c].size(), 4u) << "chunk " << c << " closed early";
      EXPECT_NE(chunks[c].back().first, chunks[c + 1].front().first)
          << "an identity is split between chunks " << c << " and " << c + 1;
    }
    // Each range encodes and parses back.
    // (The parsed views point into the encoded chunk, which must outlive them.)
    encoded.push_back(Encode(std::vector<IdentityPair>(chunks[c].begin(), chunks[c].end())));
    auto parsed = ParseIdentityChunk(encoded.back());
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    const auto flat = Flatten(*parsed);
    joined.insert(joined.end(), flat.begin(), flat.end());
  }
  EXPECT_TRUE(SamePairs(joined, pairs));
  const auto big = std::find_if(chunks.begin(), chunks.end(), [](const auto& c) {
    return std::any_of(c.begin(), c.end(), [](const auto& p) { return p.first == "cn:big"; });
  });
  ASSERT_NE(big, chunks.end());
  EXPECT_EQ(
      std::count_if(big->begin(), big->end(), [](const auto& p) { return p.first == "cn:big"; }),
      25);
}

// The backend over stored chunks.
class SqliteChunkStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/trust_chunks_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    Cleanup();
  }
  void TearDown() override { Cleanup(); }
  void Cleanup() {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + s);
  }
  std::string path_;
};

TEST_F(SqliteChunkStoreTest, ADamagedChunkIsACorruptRowNotACrash) {
  {
    auto store = TrustStore::OpenSqlite(path_, {});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->AddLocal(Real().signer, {}, kT0).ok());
    auto report = (*store)->Import(Real().collection, {}, kT0);
    ASSERT_TRUE(report.ok()) << report.error().ToString();
  }
  const std::string identity = Real().by_fp[0]->cert.identities.front();
  ASSERT_EQ(testing::RawSql(path_, "UPDATE collection_chunks SET entries = substr(entries, 1, 40)"),
            SQLITE_OK);
  ASSERT_EQ(
      testing::RawSql(path_, "UPDATE collection_identity_chunks SET groups = groups || x'00'"),
      SQLITE_OK);
  auto store = TrustStore::OpenSqlite(path_, {});
  ASSERT_TRUE(store.ok());
  auto collections = (*store)->ListCollections();
  ASSERT_TRUE(collections.ok());
  ASSERT_EQ(collections->size(), 1u);
  auto entries = (*store)->backend().EntriesOf((*collections)[0].id);
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.error().code, ErrorCode::kBadValue);
  EXPECT_NE(entries.error().message.find("trust store row is corrupt (collection entry chunk)"),
            std::string::npos)
      << entries.error().ToString();
  auto found = (*store)->backend().EntriesFor(Real().by_fp[0]->cert.fingerprint);
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.error().message.find("trust store row is corrupt"), std::string::npos);
  auto fps = (*store)->backend().FingerprintsWithIdentity(identity);
  ASSERT_FALSE(fps.ok());
  EXPECT_NE(fps.error().message.find("trust store row is corrupt (collection identity chunk)"),
            std::string::npos)
      << fps.error().ToString();
  EXPECT_FALSE((*store)->backend().SharedIdentities().ok());
}

// Local rows and several collections' identity chunks answer identity questions exactly as
// the memory backend does: sorted, each fingerprint once, shared identities over all of them.
TEST_F(SqliteChunkStoreTest, IdentityLookupsMatchTheMemoryBackend) {
  auto alice = MakePerson("alice", 1);
  auto bob = MakePerson("bob", 2);
  // Two people who both claim www.example (a conflict), one of them also in Bob's collection.
  auto carol = MakePerson("carol", 3, crypto::KeyType::kEcdsaP256, {"dns:www.example"});
  auto dave = MakePerson("dave", 4, crypto::KeyType::kEcdsaP256, {"dns:www.example"});
  auto erin = MakePerson("erin", 5, crypto::KeyType::kEcdsaP256, {"dns:erin.example"});
  auto alice_store = TrustStore::InMemory({});
  auto bob_store = TrustStore::InMemory({});
  ASSERT_TRUE((*alice_store)->AddLocal(carol->der(), {}, kT0).ok());
  ASSERT_TRUE((*alice_store)->AddLocal(erin->der(), {}, kT0).ok());
  ASSERT_TRUE((*bob_store)->AddLocal(dave->der(), {}, kT0).ok());
  ASSERT_TRUE((*bob_store)->AddLocal(erin->der(), {}, kT0).ok());
  auto from_alice = (*alice_store)->Share(*alice->endorser, {}, kT0);
  auto from_bob = (*bob_store)->Share(*bob->endorser, {}, kT0);
  ASSERT_TRUE(from_alice.ok() && from_bob.ok());
  auto sqlite = TrustStore::OpenSqlite(path_, {});
  auto memory = TrustStore::InMemory({});
  ASSERT_TRUE(sqlite.ok() && memory.ok());
  for (TrustStore* store : {sqlite->get(), memory->get()}) {
    ASSERT_TRUE(store->AddLocal(alice->der(), {}, kT0).ok());
    ASSERT_TRUE(store->AddLocal(bob->der(), {}, kT0).ok());
    ASSERT_TRUE(store->AddLocal(carol->der(), {}, kT0).ok());  // local and in a collection
    ASSERT_TRUE(store->Import(*testing::Prepare(from_alice->file), {}, kT0).ok());
    ASSERT_TRUE(store->Import(*testing::Prepare(from_bob->file), {}, kT0).ok());
  }
  std::vector<std::string> identities = {
      "dns:www.example", "dns:erin.example", "cn:nobody", "", "dns:www.example.", "cn:a"};
  for (const auto& person : {&alice, &bob, &carol, &dave, &erin}) {
    auto summary = SummarizeCertificate((*person)->der());
    ASSERT_TRUE(summary.ok());
    identities.insert(identities.end(), summary->identities.begin(), summary->identities.end());
  }
  for (const std::string& id : identities) {
    auto a = (*sqlite)->backend().FingerprintsWithIdentity(id);
    auto b = (*memory)->backend().FingerprintsWithIdentity(id);
    ASSERT_TRUE(a.ok() && b.ok()) << id;
    EXPECT_EQ(*a, *b) << id;
  }
  auto fps = (*sqlite)->backend().FingerprintsWithIdentity("dns:www.example");
  ASSERT_TRUE(fps.ok());
  EXPECT_EQ(fps->size(), 2u);
  auto shared_sqlite = (*sqlite)->backend().SharedIdentities();
  auto shared_memory = (*memory)->backend().SharedIdentities();
  ASSERT_TRUE(shared_sqlite.ok() && shared_memory.ok());
  EXPECT_EQ(*shared_sqlite, *shared_memory);
  EXPECT_EQ(*shared_sqlite, std::vector<std::string>{"dns:www.example"});
}

}  // namespace
}  // namespace ikewot::trust::sqlite
