// SQLite-specific guarantees: data survives reopening, the event log cannot be rewritten, a
// signed-mode store notices tampering on load, and an unknown schema is refused.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "core/trust/trust_store.h"
#include "tests/trust/test_support.h"

namespace ikewot::trust {
namespace {

using testing::kT0;
using testing::MakePerson;
using testing::Person;

class TrustSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/trust_sqlite_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    Cleanup();
  }
  void TearDown() override { Cleanup(); }
  void Cleanup() {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + s);
  }

  // Runs SQL directly on the file (testing::RawSql).
  int RawSql(const std::string& sql, std::string* error = nullptr) {
    return testing::RawSql(path_, sql, error);
  }

  std::unique_ptr<TrustStore> Open(const Endorser* owner = nullptr,
                                   MarkingMode mode = MarkingMode::kFlagged) {
    StoreOptions o;
    o.owner = owner;
    o.mode = mode;
    auto store = TrustStore::OpenSqlite(path_, o);
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::string path_;
};

TEST_F(TrustSqliteTest, EverythingSurvivesReopening) {
  auto alice = MakePerson("alice", 1);
  auto bob = MakePerson("bob", 2);
  auto carol = MakePerson("carol", 3);
  {
    auto a = TrustStore::InMemory({});
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE((*a)->AddLocal(carol->der(), {}, kT0).ok());
    auto shared = (*a)->Share(*alice->endorser, {}, kT0);
    ASSERT_TRUE(shared.ok());
    auto store = Open(&*bob->endorser);
    ASSERT_TRUE(store->AddLocal(alice->der(), {}, kT0).ok());
    auto prepared = testing::Prepare(shared->file);
    ASSERT_TRUE(prepared.ok());
    ASSERT_TRUE(store->Import(*prepared, {}, kT0).ok());
  }
  auto store = Open(&*bob->endorser);
  auto local = store->ListLocal();
  ASSERT_TRUE(local.ok());
  ASSERT_EQ(local->size(), 1u);
  EXPECT_EQ((*local)[0].certificate, alice->der());
  auto d = store->Decide(testing::Query(*carol));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->verdict, Verdict::kTrustedVia);
  EXPECT_EQ(store->Events()->size(), 2u);
}

TEST_F(TrustSqliteTest, TheEventLogIsAppendOnly) {
  auto bob = MakePerson("bob", 2);
  {
    auto store = Open();
    ASSERT_TRUE(store->AddLocal(bob->der(), {}, kT0).ok());
  }
  std::string error;
  EXPECT_NE(RawSql("UPDATE events SET kind = 'reject'", &error), SQLITE_OK);
  EXPECT_NE(error.find("append-only"), std::string::npos) << error;
  EXPECT_NE(RawSql("DELETE FROM events", &error), SQLITE_OK);
  auto store = Open();
  auto events = store->Events();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].kind, "accept");
}

TEST_F(TrustSqliteTest, SignedModeDetectsTamperingOnLoad) {
  auto owner = MakePerson("owner", 4);
  auto bob = MakePerson("bob", 2);
  auto carol = MakePerson("carol", 3);
  {
    auto store = Open(&*owner->endorser, MarkingMode::kSigned);
    AcceptOptions narrow;
    narrow.policy.purposes = {"esp"};
    ASSERT_TRUE(store->AddLocal(bob->der(), narrow, kT0).ok());
    ASSERT_TRUE(store->AddLocal(carol->der(), {}, kT0).ok());
    EXPECT_TRUE(store->load_problems().empty());
  }
  // Widen Bob's policy behind the store's back: the signature no longer matches.
  Policy wide = Policy::ForIkeAuth();
  const std::string hex = ToHex(*EncodePolicy(wide));
  ASSERT_EQ(RawSql("UPDATE local_entries SET policy = x'" + hex + "' WHERE fp = x'" +
                   ToHex(bob->fp()) + "'"),
            SQLITE_OK);
  auto store = Open(&*owner->endorser);
  EXPECT_EQ(store->marking_mode(), MarkingMode::kSigned);
  ASSERT_EQ(store->load_problems().size(), 1u);
  EXPECT_NE(store->load_problems()[0].find("CN=bob"), std::string::npos);
  auto bob_decision = store->Decide(testing::Query(*bob));
  EXPECT_EQ(bob_decision->verdict, Verdict::kUnknown);
  EXPECT_NE(bob_decision->Explain().find("no valid signature"), std::string::npos);
  EXPECT_EQ(store->Decide(testing::Query(*carol))->verdict, Verdict::kTrustedDirect);
  // Another owner's key cannot vouch for this store's acceptances either.
  auto stranger = MakePerson("stranger", 5);
  auto foreign = Open(&*stranger->endorser);
  EXPECT_EQ(foreign->load_problems().size(), 2u);
  // Without the owner's key the store does not open at all.
  StoreOptions none;
  auto refused = TrustStore::OpenSqlite(path_, none);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("owner's key"), std::string::npos);
}

TEST_F(TrustSqliteTest, FlaggedModeTamperingIsWhatSignedModeIsFor) {
  auto bob = MakePerson("bob", 2);
  {
    auto store = Open();
    AcceptOptions reject;
    reject.verdict = LocalVerdict::kRejected;
    ASSERT_TRUE(store->AddLocal(bob->der(), reject, kT0).ok());
  }
  ASSERT_EQ(RawSql("UPDATE local_entries SET verdict = 0"), SQLITE_OK);
  auto store = Open();
  EXPECT_EQ(store->Decide(testing::Query(*bob))->verdict, Verdict::kTrustedDirect);
}

TEST_F(TrustSqliteTest, UnknownSchemaVersionsAndCorruptRowsAreClearErrors) {
  auto bob = MakePerson("bob", 2);
  {
    auto store = Open();
    ASSERT_TRUE(store->AddLocal(bob->der(), {}, kT0).ok());
  }
  ASSERT_EQ(RawSql("UPDATE local_entries SET der = x'3000'"), SQLITE_OK);
  {
    auto store = Open();
    auto list = store->ListLocal();
    ASSERT_FALSE(list.ok());
    EXPECT_NE(list.error().message.find("trust store row is corrupt"), std::string::npos);
  }
  ASSERT_EQ(RawSql("UPDATE schema_version SET version = 99"), SQLITE_OK);
  auto refused = TrustStore::OpenSqlite(path_, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::kUnsupported);
  EXPECT_NE(refused.error().message.find("schema version 99"), std::string::npos);
  auto not_a_db = TrustStore::OpenSqlite("/proc/self/nonexistent/dir/trust.db", {});
  EXPECT_EQ(not_a_db.code(), ErrorCode::kIo);
}

// Stores made before the import speed-up carry an index on identities (fp) that no query
// uses; opening drops it, and what the store knows is unchanged.
TEST_F(TrustSqliteTest, OpeningAnOlderStoreDropsTheUnusedIdentityIndex) {
  auto bob = MakePerson("bob", 2);
  ASSERT_NE(Open(), nullptr);
  ASSERT_EQ(RawSql("CREATE INDEX identities_by_fp ON identities (fp)"), SQLITE_OK);
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->AddLocal(bob->der(), {}, kT0).ok());
  }
  std::string error;
  EXPECT_NE(RawSql("DROP INDEX identities_by_fp", &error), SQLITE_OK);
  EXPECT_NE(error.find("no such index"), std::string::npos) << error;
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto d = store->Decide(testing::Query(*bob));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->verdict, Verdict::kTrustedDirect);
}

}  // namespace
}  // namespace ikewot::trust
