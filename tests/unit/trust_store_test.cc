// The trust store's rules, run against both backends (in-memory and SQLite): local decisions,
// marking modes, the event log, importing (signer trust, rollback, expiry, replacement and
// signed removals, depth), conditions, conflicts, and the seed's four-friends example.
#include "core/trust/trust_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "tests/trust/test_support.h"

namespace ikewot::trust {
namespace {

using testing::Days;
using testing::kT0;
using testing::MakePerson;
using testing::Person;

struct MemoryBackendKind {
  static Result<std::unique_ptr<TrustStore>> Open(const StoreOptions& o) {
    return TrustStore::InMemory(o);
  }
};

struct SqliteBackendKind {
  static Result<std::unique_ptr<TrustStore>> Open(const StoreOptions& o) {
    static std::atomic<int> counter{0};
    const std::string path = ::testing::TempDir() + "/trust_store_test_" +
                             std::to_string(getpid()) + "_" + std::to_string(counter++) + ".db";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    return TrustStore::OpenSqlite(path, o);
  }
};

class People {
 public:
  static Person& Get(const std::string& name) {
    static auto* people = new std::map<std::string, std::unique_ptr<Person>>();
    auto it = people->find(name);
    if (it != people->end()) return *it->second;
    std::vector<std::string> sans;
    if (name == "gw1" || name == "gw2") sans = {"dns:gw.example.org"};
    if (name == "bob") sans = {"dns:bob.example.org", "ip:192.0.2.2"};
    const int validity = name == "shortlived" ? 10 : 3650;
    uint64_t seed = 1000;
    for (char c : name) seed = seed * 31 + static_cast<uint8_t>(c);
    auto p = MakePerson(name, seed, crypto::KeyType::kEcdsaP256, sans, validity);
    Person& ref = *p;
    people->emplace(name, std::move(p));
    return ref;
  }
};

template <typename Kind>
class TrustStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<TrustStore> NewStore(const std::string& owner = "",
                                       MarkingMode mode = MarkingMode::kFlagged) {
    StoreOptions o;
    o.mode = mode;
    if (!owner.empty()) o.owner = &*P(owner).endorser;
    auto store = Kind::Open(o);
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    return std::move(*store);
  }

  static Person& P(const std::string& name) { return People::Get(name); }

  static void Accept(TrustStore& store, const std::string& name, TimePoint now = kT0,
                     AcceptOptions options = {}) {
    auto r = store.AddLocal(P(name).der(), options, now);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }

  static Bytes Share(TrustStore& store, const std::string& sharer, ShareOptions options = {},
                     TimePoint now = kT0) {
    auto r = store.Share(*P(sharer).endorser, options, now);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r->file : Bytes();
  }

  static Result<ImportReport> Import(TrustStore& store, const Bytes& file,
                                     ImportOptions options = {}, TimePoint now = kT0,
                                     const std::string& me = "") {
    auto prepared = testing::Prepare(file, me.empty() ? nullptr : &P(me));
    if (!prepared.ok()) return prepared.error();
    return store.Import(*prepared, options, now);
  }

  static Decision Decide(TrustStore& store, const std::string& name, TimePoint now = kT0,
                         std::string identity = "", std::string address = "") {
    DecisionQuery q = testing::Query(P(name), now, std::move(identity));
    if (!address.empty()) q.address = *IpAddress::Parse(address);
    auto d = store.Decide(q);
    EXPECT_TRUE(d.ok()) << d.error().ToString();
    return d.ok() ? *d : Decision{};
  }

  static std::string Why(const Decision& d) { return d.Explain(); }
};

using Backends = ::testing::Types<MemoryBackendKind, SqliteBackendKind>;
TYPED_TEST_SUITE(TrustStoreTest, Backends);

#define EXPECT_REASON(decision, text) \
  EXPECT_NE((decision).Explain().find(text), std::string::npos) << (decision).Explain()

TYPED_TEST(TrustStoreTest, AcceptedCertificateIsTrustedDirectlyAndExplained) {
  auto store = this->NewStore("alice");
  AcceptOptions o;
  o.note = "phoned Bob, read the string back";
  this->Accept(*store, "bob", kT0, o);
  Decision d = this->Decide(*store, "bob", kT0, "dns:bob.example.org");
  EXPECT_EQ(d.verdict, Verdict::kTrustedDirect);
  EXPECT_TRUE(d.trusted());
  EXPECT_EQ(d.fingerprint, this->P("bob").fp());
  EXPECT_EQ(d.subject, "CN=bob");
  EXPECT_REASON(d, "you checked this certificate yourself on 2025-01-01T00:00:00Z");
  EXPECT_REASON(d, "phoned Bob");
  Decision unknown = this->Decide(*store, "carol");
  EXPECT_EQ(unknown.verdict, Verdict::kUnknown);
  EXPECT_REASON(unknown, "no decision of yours and no active collection");
  auto json = d.ToJson().Dump();
  EXPECT_NE(json.find("\"verdict\":\"trusted-direct\""), std::string::npos) << json;
}

TYPED_TEST(TrustStoreTest, LocalPolicyDecidesPurposeAddressTimeAndIdentity) {
  auto store = this->NewStore();
  AcceptOptions o;
  o.policy.not_after = Days(30).UnixSeconds();
  o.policy.addresses = {*IpPrefix::Parse("192.0.2.0/24")};
  this->Accept(*store, "bob", kT0, o);
  EXPECT_EQ(this->Decide(*store, "bob", kT0, "", "192.0.2.2").verdict, Verdict::kTrustedDirect);
  Decision far = this->Decide(*store, "bob", kT0, "", "198.51.100.7");
  EXPECT_EQ(far.verdict, Verdict::kOutOfPolicy);
  EXPECT_REASON(far, "198.51.100.7 is outside the allowed prefixes");
  Decision late = this->Decide(*store, "bob", Days(31), "", "192.0.2.2");
  EXPECT_EQ(late.verdict, Verdict::kExpired);
  EXPECT_REASON(late, "trust ended at 2025-01-31");
  DecisionQuery q = testing::Query(this->P("bob"));
  q.address = *IpAddress::Parse("192.0.2.2");
  q.purpose = "email";
  EXPECT_EQ(store->Decide(q)->verdict, Verdict::kOutOfPolicy);
  Decision wrong_name = this->Decide(*store, "bob", kT0, "dns:mallory.example.org", "192.0.2.2");
  EXPECT_EQ(wrong_name.verdict, Verdict::kOutOfPolicy);
  EXPECT_REASON(wrong_name, "does not name dns:mallory.example.org");
  EXPECT_EQ(this->Decide(*store, "bob", kT0, "ip:192.0.2.2", "192.0.2.2").verdict,
            Verdict::kTrustedDirect);
}

TYPED_TEST(TrustStoreTest, ExpiredCertificateIsExpired) {
  auto store = this->NewStore();
  this->Accept(*store, "shortlived");
  EXPECT_EQ(this->Decide(*store, "shortlived", Days(5)).verdict, Verdict::kTrustedDirect);
  Decision d = this->Decide(*store, "shortlived", Days(11));
  EXPECT_EQ(d.verdict, Verdict::kExpired);
  EXPECT_REASON(d, "the certificate expired at");
}

TYPED_TEST(TrustStoreTest, RejectionAndUnverifiedRecordsAreNotTrust) {
  auto store = this->NewStore();
  AcceptOptions reject;
  reject.verdict = LocalVerdict::kRejected;
  this->Accept(*store, "mallory", kT0, reject);
  EXPECT_EQ(this->Decide(*store, "mallory").verdict, Verdict::kRejected);
  AcceptOptions seen;
  seen.verdict = LocalVerdict::kUnverified;
  this->Accept(*store, "carol", kT0, seen);
  Decision d = this->Decide(*store, "carol");
  EXPECT_EQ(d.verdict, Verdict::kUnknown);
  EXPECT_REASON(d, "never checked (unverified)");
  auto removed = store->RemoveLocal(this->P("mallory").fp(), kT0);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(*removed);
  EXPECT_EQ(this->Decide(*store, "mallory").verdict, Verdict::kUnknown);
  EXPECT_FALSE(*store->RemoveLocal(this->P("mallory").fp(), kT0));
}

TYPED_TEST(TrustStoreTest, StoredOnlyModeKeepsOnlyAcceptances) {
  auto store = this->NewStore("", MarkingMode::kStoredOnly);
  EXPECT_EQ(store->marking_mode(), MarkingMode::kStoredOnly);
  this->Accept(*store, "bob");
  AcceptOptions reject;
  reject.verdict = LocalVerdict::kRejected;
  auto r = store->AddLocal(this->P("mallory").der(), reject, kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("stored-only"), std::string::npos);
  ASSERT_TRUE(store->SetMarkingMode(MarkingMode::kFlagged, kT0).ok());
  ASSERT_TRUE(store->AddLocal(this->P("mallory").der(), reject, kT0).ok());
  EXPECT_EQ(store->SetMarkingMode(MarkingMode::kStoredOnly, kT0).code(), ErrorCode::kState);
}

TYPED_TEST(TrustStoreTest, SignedModeKeepsADetachedSignaturePerAcceptance) {
  auto store = this->NewStore("alice");
  this->Accept(*store, "bob");
  ASSERT_TRUE(store->SetMarkingMode(MarkingMode::kSigned, Days(1)).ok());
  this->Accept(*store, "carol");
  for (const char* name : {"bob", "carol"}) {
    auto local = store->GetLocal(this->P(name).fp());
    ASSERT_TRUE(local.ok() && *local);
    ASSERT_FALSE((*local)->endorsement.empty()) << name;
    // The signature can be shown to others: anyone with Alice's certificate verifies it.
    auto entry = ParseSignedEntry((*local)->endorsement);
    ASSERT_TRUE(entry.ok());
    EXPECT_EQ(entry->tbs.certificate, this->P(name).der());
    auto verifier = EntryVerifier::Create(this->P("alice").cert);
    ASSERT_TRUE(verifier.ok());
    EXPECT_TRUE(verifier->Verify(*entry).ok());
    EXPECT_EQ(this->Decide(*store, name).verdict, Verdict::kTrustedDirect);
  }
  StoreOptions no_owner;
  no_owner.mode = MarkingMode::kSigned;
  EXPECT_FALSE(TrustStore::InMemory(no_owner).ok());
}

TYPED_TEST(TrustStoreTest, EventLogRecordsEveryChangeInOrder) {
  auto alice = this->NewStore("alice");
  this->Accept(*alice, "bob");
  Bytes file = this->Share(*alice, "alice");
  auto store = this->NewStore("carol");
  this->Accept(*store, "alice");
  AcceptOptions reject;
  reject.verdict = LocalVerdict::kRejected;
  this->Accept(*store, "mallory", kT0, reject);
  auto report = this->Import(*store, file);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  ASSERT_TRUE(store->SetCollectionEnabled(report->name, false, Days(1)).ok());
  ASSERT_TRUE(store->SetCollectionEnabled(report->name, true, Days(2)).ok());
  Condition c;
  c.kind = Condition::Kind::kWhilePeerUp;
  c.peer = "dns:gw.corp.example";
  ASSERT_TRUE(store->SetCollectionCondition(report->name, c, Days(3)).ok());
  ASSERT_TRUE(store->RemoveCollection(report->name, Days(4)).ok());
  ASSERT_TRUE(store->RemoveLocal(this->P("mallory").fp(), Days(5)).ok());
  auto events = store->Events();
  ASSERT_TRUE(events.ok());
  std::vector<std::string> kinds;
  for (const Event& e : *events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"accept", "reject", "import", "disable", "enable",
                                             "condition", "remove-collection", "remove"}));
  for (size_t i = 1; i < events->size(); ++i) EXPECT_GT((*events)[i].id, (*events)[i - 1].id);
  EXPECT_EQ((*events)[3].at, Days(1).UnixSeconds());
  EXPECT_NE((*events)[5].detail.find("dns:gw.corp.example"), std::string::npos);
  auto later = store->Events((*events)[5].id);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 2u);
}

// The seed's example: A knows B, C and D and checks their certificates by phone; B, C and D
// check only A's certificate, import A's collection, and then trust each other.
TYPED_TEST(TrustStoreTest, FourFriends) {
  auto a = this->NewStore("alice");
  for (const char* friend_name : {"bob", "carol", "dave"}) this->Accept(*a, friend_name);
  Bytes collection = this->Share(*a, "alice");
  std::map<std::string, std::unique_ptr<TrustStore>> stores;
  for (const char* me : {"bob", "carol", "dave"}) {
    stores[me] = this->NewStore(me);
    this->Accept(*stores[me], "alice");  // the one phone call each
    auto report = this->Import(*stores[me], collection);
    ASSERT_TRUE(report.ok()) << report.error().ToString();
    EXPECT_EQ(report->name, "alice");
    EXPECT_EQ(report->stored, 3u);
  }
  for (const char* me : {"bob", "carol", "dave"}) {
    for (const char* peer : {"bob", "carol", "dave"}) {
      if (std::string(me) == peer) continue;
      Decision d = this->Decide(*stores[me], peer);
      EXPECT_EQ(d.verdict, Verdict::kTrustedVia) << me << " -> " << peer << "\n" << d.Explain();
      EXPECT_EQ(d.collection, "alice");
      EXPECT_EQ(d.signer, "CN=alice");
      EXPECT_EQ(d.signer_fingerprint, this->P("alice").fp());
      EXPECT_EQ(d.depth, 1u);
      EXPECT_REASON(d, "who checked it personally");
    }
    EXPECT_EQ(this->Decide(*stores[me], "alice").verdict, Verdict::kTrustedDirect);
    EXPECT_EQ(this->Decide(*stores[me], "mallory").verdict, Verdict::kUnknown);
  }
}

TYPED_TEST(TrustStoreTest, ImportNeedsASignerTrustedDirectly) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  Bytes file = this->Share(*a, "alice");
  auto store = this->NewStore("carol");
  auto refused = this->Import(*store, file);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::kAuthFailure);
  EXPECT_NE(refused.error().message.find("unknown signer: CN=alice"), std::string::npos);
  EXPECT_NE(refused.error().message.find("--override-signer"), std::string::npos);
  AcceptOptions seen;
  seen.verdict = LocalVerdict::kUnverified;
  this->Accept(*store, "alice", kT0, seen);
  EXPECT_NE(this->Import(*store, file).error().message.find("not trusted directly"),
            std::string::npos);
  ImportOptions force;
  force.override_signer = true;
  auto forced = this->Import(*store, file, force);
  ASSERT_TRUE(forced.ok()) << forced.error().ToString();
  EXPECT_NE(forced->notes.back().find("--override-signer"), std::string::npos);
  Decision d = this->Decide(*store, "bob");
  EXPECT_EQ(d.verdict, Verdict::kTrustedVia);
  EXPECT_REASON(d, "--override-signer");
  // Rejecting the signer beats even the override.
  AcceptOptions reject;
  reject.verdict = LocalVerdict::kRejected;
  this->Accept(*store, "alice", kT0, reject);
  auto again = this->Import(*store, this->Share(*a, "alice"), force);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("you rejected the signer"), std::string::npos);
  // Nobody imports their own collection.
  EXPECT_FALSE(this->Import(*a, file).ok());
}

TYPED_TEST(TrustStoreTest, RollbackAndReusedSequenceNumbersAreRefused) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  Bytes first = this->Share(*a, "alice");
  this->Accept(*a, "carol");
  Bytes second = this->Share(*a, "alice");
  auto store = this->NewStore("dave");
  this->Accept(*store, "alice");
  ASSERT_TRUE(this->Import(*store, second).ok());
  auto rollback = this->Import(*store, first);
  ASSERT_FALSE(rollback.ok());
  EXPECT_NE(rollback.error().message.find("rollback refused: sequence 1"), std::string::npos);
  auto same = this->Import(*store, second);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->unchanged);
  // The same sequence number with other content (a re-signed file) is refused.
  auto other_store = this->NewStore("alice");
  this->Accept(*other_store, "carol");
  this->Accept(*other_store, "eve");
  ASSERT_TRUE(other_store->Share(*this->P("alice").endorser, {}, kT0).ok());  // sequence 1
  Bytes also_two = this->Share(*other_store, "alice");                        // sequence 2
  auto reused = this->Import(*store, also_two);
  ASSERT_FALSE(reused.ok());
  EXPECT_NE(reused.error().message.find("different content"), std::string::npos);
  // Removing the collection does not reset rollback protection.
  ASSERT_TRUE(store->RemoveCollection("alice", kT0).ok());
  EXPECT_FALSE(this->Import(*store, first).ok());
}

TYPED_TEST(TrustStoreTest, NewerCollectionReplacesTheOlderAndItsRemovalsTakeEffect) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  this->Accept(*a, "carol");
  Bytes v1 = this->Share(*a, "alice");
  auto store = this->NewStore("dave");
  this->Accept(*store, "alice");
  ImportOptions named;
  named.name = "friends";
  ASSERT_TRUE(this->Import(*store, v1, named).ok());
  EXPECT_EQ(this->Decide(*store, "carol").verdict, Verdict::kTrustedVia);
  ASSERT_TRUE(*a->RemoveLocal(this->P("carol").fp(), Days(1)));
  this->Accept(*a, "erin", Days(1));
  Bytes v2 = this->Share(*a, "alice", {}, Days(1));
  auto opened = testing::Prepare(v2);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->removals, std::vector<Bytes>{this->P("carol").fp()});
  auto report = this->Import(*store, v2, {}, Days(1));
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->name, "friends");  // the local name is kept
  EXPECT_EQ(*report->replaced_sequence, 1u);
  EXPECT_EQ(report->added, 1u);
  EXPECT_EQ(report->dropped, 1u);
  EXPECT_EQ(report->withdrawn, 1u);
  EXPECT_EQ(this->Decide(*store, "carol", Days(1)).verdict, Verdict::kUnknown);
  EXPECT_EQ(this->Decide(*store, "erin", Days(1)).verdict, Verdict::kTrustedVia);
  EXPECT_EQ(this->Decide(*store, "bob", Days(1)).verdict, Verdict::kTrustedVia);
  auto collections = store->ListCollections();
  ASSERT_TRUE(collections.ok());
  ASSERT_EQ(collections->size(), 1u);
  EXPECT_EQ((*collections)[0].sequence, 2u);
  auto events = store->Events();
  EXPECT_EQ(events->back().kind, "withdraw");
}

TYPED_TEST(TrustStoreTest, RemovingACollectionWithdrawsExactlyItsOwnTrust) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  this->Accept(*a, "carol");
  auto e = this->NewStore("erin");
  this->Accept(*e, "bob");
  this->Accept(*e, "frank");
  auto store = this->NewStore("dave");
  this->Accept(*store, "alice");
  this->Accept(*store, "erin");
  this->Accept(*store, "carol");  // Dave checked Carol himself too
  ASSERT_TRUE(this->Import(*store, this->Share(*a, "alice")).ok());
  ASSERT_TRUE(this->Import(*store, this->Share(*e, "erin")).ok());
  auto removed = store->RemoveCollection("alice", kT0);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 2u);
  Decision bob = this->Decide(*store, "bob");
  EXPECT_EQ(bob.verdict, Verdict::kTrustedVia);  // Erin vouches for Bob as well
  EXPECT_EQ(bob.collection, "erin");
  EXPECT_EQ(this->Decide(*store, "carol").verdict, Verdict::kTrustedDirect);
  EXPECT_EQ(this->Decide(*store, "frank").verdict, Verdict::kTrustedVia);
  EXPECT_EQ(store->RemoveCollection("alice", kT0).code(), ErrorCode::kNotFound);
}

TYPED_TEST(TrustStoreTest, ALocalDecisionBeatsAnImportedOne) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  this->Accept(*a, "mallory");
  Bytes file = this->Share(*a, "alice");
  auto store = this->NewStore("dave");
  this->Accept(*store, "alice");
  AcceptOptions narrow;
  narrow.policy.purposes = {"esp"};
  this->Accept(*store, "bob", kT0, narrow);
  AcceptOptions reject;
  reject.verdict = LocalVerdict::kRejected;
  this->Accept(*store, "mallory", kT0, reject);
  auto report = this->Import(*store, file);
  ASSERT_TRUE(report.ok());
  EXPECT_NE(report->notes.back().find("2 entries are certificates you decided on"),
            std::string::npos);
  Decision bob = this->Decide(*store, "bob");
  EXPECT_EQ(bob.verdict, Verdict::kOutOfPolicy);  // the collection would allow ike-auth
  EXPECT_EQ(this->Decide(*store, "mallory").verdict, Verdict::kRejected);
}

TYPED_TEST(TrustStoreTest, ConflictsAreReportedAndNeverResolvedSilently) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "gw1");
  auto c = this->NewStore("carol");
  this->Accept(*c, "gw2");
  auto store = this->NewStore("dave");
  this->Accept(*store, "alice");
  this->Accept(*store, "carol");
  ASSERT_TRUE(this->Import(*store, this->Share(*a, "alice")).ok());
  ASSERT_TRUE(this->Import(*store, this->Share(*c, "carol")).ok());
  const std::string gw = "dns:gw.example.org";
  Decision d1 = this->Decide(*store, "gw1", kT0, gw);
  EXPECT_EQ(d1.verdict, Verdict::kConflict);
  EXPECT_REASON(d1, "conflict on dns:gw.example.org: collection carol binds it to");
  ASSERT_FALSE(d1.conflicts.empty());
  EXPECT_EQ(d1.conflicts[0].other_fingerprint, this->P("gw2").fp());
  EXPECT_EQ(this->Decide(*store, "gw2", kT0, gw).verdict, Verdict::kConflict);
  auto all = store->Conflicts(kT0);
  ASSERT_TRUE(all.ok());
  EXPECT_GE(all->size(), 2u);
  // Dave decides: a local pin wins for gw1 and turns gw2 into a conflict with the pin.
  this->Accept(*store, "gw1");
  Decision pinned = this->Decide(*store, "gw1", kT0, gw);
  EXPECT_EQ(pinned.verdict, Verdict::kTrustedDirect);
  EXPECT_REASON(pinned, "your own decision wins");
  Decision other = this->Decide(*store, "gw2", kT0, gw);
  EXPECT_EQ(other.verdict, Verdict::kConflict);
  EXPECT_REASON(other, "local pin binds it to");
  // A certificate nobody vouches for, presented under a pinned name, is a conflict too.
  auto fresh = this->NewStore("erin");
  this->Accept(*fresh, "gw1");
  EXPECT_EQ(this->Decide(*fresh, "gw2", kT0, gw).verdict, Verdict::kConflict);
}

TYPED_TEST(TrustStoreTest, DelegationDepthIsGrantedBySharerAndCappedByImporter) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  auto c = this->NewStore("carol");
  this->Accept(*c, "alice");
  ASSERT_TRUE(this->Import(*c, this->Share(*a, "alice")).ok());
  auto d = this->NewStore("dave");
  this->Accept(*d, "carol");
  // Depth 1 (default): Carol shares only what she checked herself, and she never checked Bob.
  ASSERT_TRUE(this->Import(*d, this->Share(*c, "carol")).ok());
  EXPECT_EQ(this->Decide(*d, "bob").verdict, Verdict::kUnknown);
  EXPECT_EQ(this->Decide(*d, "alice").verdict, Verdict::kTrustedVia);
  // Depth 2: Carol passes on what Alice checked.
  ShareOptions deeper;
  deeper.depth = 2;
  Bytes two = this->Share(*c, "carol", deeper);
  ASSERT_TRUE(this->Import(*d, two).ok());
  Decision bob = this->Decide(*d, "bob");
  EXPECT_EQ(bob.verdict, Verdict::kTrustedVia);
  EXPECT_EQ(bob.depth, 2u);
  EXPECT_REASON(bob, "through 1 earlier sharer(s)");
  // Erin caps at depth 1 and so takes only Carol's own checks.
  auto e = this->NewStore("erin");
  this->Accept(*e, "carol");
  ImportOptions cap;
  cap.max_depth = 1;
  auto report = this->Import(*e, two, cap);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->skipped_too_deep, 1u);
  EXPECT_EQ(this->Decide(*e, "bob").verdict, Verdict::kUnknown);
  EXPECT_EQ(this->Decide(*e, "alice").verdict, Verdict::kTrustedVia);
  cap.max_depth = 9;
  EXPECT_FALSE(this->Import(*e, this->Share(*c, "carol", deeper), cap).ok());
}

TYPED_TEST(TrustStoreTest, SignedRemovalWithdrawsTrustThatReachedUsThroughOthers) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  this->Accept(*a, "frank");
  auto c = this->NewStore("carol");
  this->Accept(*c, "alice");
  ASSERT_TRUE(this->Import(*c, this->Share(*a, "alice")).ok());
  ShareOptions deeper;
  deeper.depth = 2;
  auto d = this->NewStore("dave");
  this->Accept(*d, "carol");
  this->Accept(*d, "alice");
  ASSERT_TRUE(this->Import(*d, this->Share(*c, "carol", deeper)).ok());
  EXPECT_EQ(this->Decide(*d, "bob").verdict, Verdict::kTrustedVia);
  // Alice stops vouching for Bob; Dave imports her newer collection.
  ASSERT_TRUE(*a->RemoveLocal(this->P("bob").fp(), Days(1)));
  ASSERT_TRUE(this->Import(*d, this->Share(*a, "alice", {}, Days(1)), {}, Days(1)).ok());
  Decision bob = this->Decide(*d, "bob", Days(1));
  EXPECT_EQ(bob.verdict, Verdict::kUnknown);
  EXPECT_REASON(bob, "who has since withdrawn it");
  EXPECT_EQ(this->Decide(*d, "frank", Days(1)).verdict, Verdict::kTrustedVia);
}

TYPED_TEST(TrustStoreTest, ExpiredEntriesRefuseTheWholeImport) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  this->Accept(*a, "shortlived");
  Bytes file = this->Share(*a, "alice");
  auto store = this->NewStore("carol");
  this->Accept(*store, "alice");
  auto late = this->Import(*store, file, {}, Days(20));
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().message.find("CN=shortlived"), std::string::npos);
  EXPECT_NE(late.error().message.find("the certificate expired at"), std::string::npos);
  ShareOptions week;
  week.valid_days = 5;
  Bytes short_policy = this->Share(*a, "alice", week);
  auto after = this->Import(*store, short_policy, {}, Days(6));
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().message.find("the sharer's trust in it ended"), std::string::npos);
  ASSERT_TRUE(this->Import(*store, short_policy, {}, Days(1)).ok());
  EXPECT_EQ(this->Decide(*store, "bob", Days(4)).verdict, Verdict::kTrustedVia);
  EXPECT_EQ(this->Decide(*store, "bob", Days(6)).verdict, Verdict::kExpired);
  auto none = store->ListCollections();
  EXPECT_EQ(none->size(), 1u);
}

TYPED_TEST(TrustStoreTest, CollectionsCountOnlyWhenEnabledAndTheirConditionHolds) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  auto store = this->NewStore("dave");
  this->Accept(*store, "alice");
  auto report = this->Import(*store, this->Share(*a, "alice"));
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(store->SetCollectionEnabled("alice", false, kT0).ok());
  Decision off = this->Decide(*store, "bob");
  EXPECT_EQ(off.verdict, Verdict::kUnknown);
  EXPECT_REASON(off, "collection alice is disabled");
  ASSERT_TRUE(store->SetCollectionEnabled("alice", true, kT0).ok());
  Condition vpn;
  vpn.kind = Condition::Kind::kWhilePeerUp;
  vpn.peer = "dns:gw.corp.example";
  ASSERT_TRUE(store->SetCollectionCondition("alice", vpn, kT0).ok());
  Decision down = this->Decide(*store, "bob");
  EXPECT_EQ(down.verdict, Verdict::kUnknown);
  EXPECT_REASON(down, "while an IKE SA to dns:gw.corp.example is up");
  store->SetPeerUp("dns:gw.corp.example", true);
  EXPECT_EQ(this->Decide(*store, "bob").verdict, Verdict::kTrustedVia);
  store->SetPeerUp("dns:gw.corp.example", false);
  EXPECT_EQ(this->Decide(*store, "bob").verdict, Verdict::kUnknown);
  Condition window;
  window.kind = Condition::Kind::kTimeWindow;
  window.from = Days(1).UnixSeconds();
  window.until = Days(2).UnixSeconds();
  ASSERT_TRUE(store->SetCollectionCondition("alice", window, kT0).ok());
  EXPECT_EQ(this->Decide(*store, "bob", kT0).verdict, Verdict::kUnknown);
  EXPECT_EQ(this->Decide(*store, "bob", Days(1)).verdict, Verdict::kTrustedVia);
  EXPECT_EQ(this->Decide(*store, "bob", Days(2)).verdict, Verdict::kUnknown);
  ASSERT_TRUE(store->SetCollectionCondition("alice", Condition{}, kT0).ok());
  EXPECT_EQ(this->Decide(*store, "bob").verdict, Verdict::kTrustedVia);
  window.until = window.from;
  EXPECT_FALSE(store->SetCollectionCondition("alice", window, kT0).ok());
  EXPECT_EQ(store->SetCollectionEnabled("nope", true, kT0).code(), ErrorCode::kNotFound);
}

TYPED_TEST(TrustStoreTest, DistrustingTheSignerSuspendsTheirCollection) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  auto store = this->NewStore("dave");
  this->Accept(*store, "alice");
  ASSERT_TRUE(this->Import(*store, this->Share(*a, "alice")).ok());
  ASSERT_TRUE(*store->RemoveLocal(this->P("alice").fp(), kT0));
  Decision d = this->Decide(*store, "bob");
  EXPECT_EQ(d.verdict, Verdict::kUnknown);
  EXPECT_REASON(d, "counts only while you trust its signer CN=alice");
  this->Accept(*store, "alice");
  EXPECT_EQ(this->Decide(*store, "bob").verdict, Verdict::kTrustedVia);
}

TYPED_TEST(TrustStoreTest, EncryptedCollectionsImportOnlyForTheirRecipients) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  ShareOptions to_dave;
  to_dave.recipients = {this->P("dave").cert};
  Bytes file = this->Share(*a, "alice", to_dave);
  auto dave = this->NewStore("dave");
  this->Accept(*dave, "alice");
  auto report = this->Import(*dave, file, {}, kT0, "dave");
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(this->Decide(*dave, "bob").verdict, Verdict::kTrustedVia);
  auto collections = dave->ListCollections();
  EXPECT_TRUE((*collections)[0].encrypted);
  auto carol = this->NewStore("carol");
  this->Accept(*carol, "alice");
  auto refused = this->Import(*carol, file, {}, kT0, "carol");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("wrong recipient"), std::string::npos);
}

TYPED_TEST(TrustStoreTest, ShareNarrowsPoliciesSkipsExpiredAndListsRemovals) {
  auto a = this->NewStore("alice");
  this->Accept(*a, "bob");
  this->Accept(*a, "shortlived");
  AcceptOptions rejected;
  rejected.verdict = LocalVerdict::kRejected;
  this->Accept(*a, "mallory", kT0, rejected);
  ShareOptions o;
  o.valid_days = 30;
  auto r = a->Share(*this->P("alice").endorser, o, Days(12));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->entries, 1u);  // bob; shortlived has expired, mallory was rejected
  EXPECT_EQ(r->skipped, 1u);
  EXPECT_EQ(r->sequence, 1u);
  auto opened = testing::Prepare(r->file);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened->entries[0]->entry.tbs.policy.not_after, Days(42).UnixSeconds());
  ShareOptions esp;
  esp.purposes = {"esp"};
  auto none = a->Share(*this->P("alice").endorser, esp, Days(12));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->entries, 0u);
  EXPECT_EQ(none->removals, 1u);  // bob was shared before and is not any more
  EXPECT_EQ(none->sequence, 2u);
  auto ed = MakePerson("ed", 99, crypto::KeyType::kEd25519);
  auto refused = a->Share(*ed->endorser, {}, kT0);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("Ed25519"), std::string::npos);
}

TYPED_TEST(TrustStoreTest, TransactionsAreAtomic) {
  auto store = this->NewStore();
  TrustBackend& backend = store->backend();
  auto summary = SummarizeCertificate(this->P("bob").der());
  ASSERT_TRUE(summary.ok());
  LocalEntry e;
  e.cert = *summary;
  e.certificate = this->P("bob").der();
  Status s = backend.Transaction([&]() -> Status {
    IKEWOT_RETURN_IF_ERROR(backend.PutLocal(e));
    IKEWOT_RETURN_IF_ERROR(backend.PutSetting("x", "y"));
    Event ev{0, 1, "accept", "s", "d"};
    IKEWOT_RETURN_IF_ERROR(backend.AppendEvent(&ev));
    return MakeError(ErrorCode::kState, "abort");
  });
  EXPECT_EQ(s.code(), ErrorCode::kState);
  EXPECT_FALSE(*backend.GetLocal(this->P("bob").fp()));
  EXPECT_FALSE(*backend.GetSetting("x"));
  EXPECT_TRUE(backend.Events(0, 10)->empty());
  EXPECT_TRUE(backend.FingerprintsWithIdentity("cn:bob")->empty());
  ASSERT_TRUE(backend.Transaction([&] { return backend.PutLocal(e); }).ok());
  EXPECT_EQ(*backend.FingerprintsWithIdentity("cn:bob"), std::vector<Bytes>{this->P("bob").fp()});
}

TYPED_TEST(TrustStoreTest, FindsFingerprintsByPrefix) {
  auto store = this->NewStore();
  this->Accept(*store, "bob");
  const std::string hex = FingerprintText(this->P("bob").fp()).substr(0, 11);  // "AB:CD:EF:01"
  auto found = store->FindFingerprints(hex);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, std::vector<Bytes>{this->P("bob").fp()});
  EXPECT_TRUE(store->FindFingerprints("zz")->empty());
}

}  // namespace
}  // namespace ikewot::trust
