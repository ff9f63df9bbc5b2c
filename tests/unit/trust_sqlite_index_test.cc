// The SQLite backend's in-memory decision index (built on a handle's second decision) never
// answers from a stale state: two store handles on one file each see the other's commits at
// their next decision, a raw SQL write by a third connection is seen too, a handle's own
// writes are seen at once, and a rolled-back transaction leaves no trace in it.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "core/trust/trust_store.h"
#include "tests/trust/test_support.h"

namespace ikewot::trust {
namespace {

using testing::Days;
using testing::kT0;
using testing::MakePerson;
using testing::Person;

class TrustSqliteIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/trust_index_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    Cleanup();
    alice_ = MakePerson("alice", 1);
    carol_ = MakePerson("carol", 3);
    dave_ = MakePerson("dave", 4);
  }
  void TearDown() override { Cleanup(); }
  void Cleanup() {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + s);
  }

  std::unique_ptr<TrustStore> Open() {
    auto store = TrustStore::OpenSqlite(path_, {});
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  Verdict VerdictOf(TrustStore& store, const Person& peer) {
    auto d = store.Decide(testing::Query(peer, Days(1)));
    EXPECT_TRUE(d.ok()) << d.error().ToString();
    return d.ok() ? d->verdict : Verdict::kUnknown;
  }

  std::string path_;
  std::unique_ptr<Person> alice_, carol_, dave_;
};

TEST_F(TrustSqliteIndexTest, EachHandleSeesTheOthersCommitsAtItsNextDecision) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  auto alice_store = TrustStore::InMemory({});
  ASSERT_TRUE((*alice_store)->AddLocal(carol_->der(), {}, kT0).ok());
  auto shared = (*alice_store)->Share(*alice_->endorser, {}, kT0);
  ASSERT_TRUE(shared.ok());

  ASSERT_TRUE(a->AddLocal(alice_->der(), {}, kT0).ok());
  // B's first decisions: SQL, then the index is built (second decision) and used.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(VerdictOf(*b, *carol_), Verdict::kUnknown);
  auto report = a->Import(*testing::Prepare(shared->file), {}, kT0);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(VerdictOf(*b, *carol_), Verdict::kTrustedVia);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(VerdictOf(*a, *carol_), Verdict::kTrustedVia);

  ASSERT_TRUE(a->SetCollectionEnabled(report->name, false, Days(1)).ok());
  EXPECT_EQ(VerdictOf(*b, *carol_), Verdict::kUnknown);
  ASSERT_TRUE(a->SetCollectionEnabled(report->name, true, Days(1)).ok());
  EXPECT_EQ(VerdictOf(*b, *carol_), Verdict::kTrustedVia);

  AcceptOptions reject;
  reject.verdict = LocalVerdict::kRejected;
  ASSERT_TRUE(a->AddLocal(carol_->der(), reject, Days(1)).ok());
  EXPECT_EQ(VerdictOf(*b, *carol_), Verdict::kRejected);

  // B's own writes are in its index at once; A sees them at its next decision.
  ASSERT_TRUE(*b->RemoveLocal(carol_->fp(), Days(1)));
  EXPECT_EQ(VerdictOf(*b, *carol_), Verdict::kTrustedVia);
  EXPECT_EQ(VerdictOf(*a, *carol_), Verdict::kTrustedVia);
  ASSERT_TRUE(b->AddLocal(dave_->der(), {}, Days(1)).ok());
  EXPECT_EQ(VerdictOf(*b, *dave_), Verdict::kTrustedDirect);
  EXPECT_EQ(VerdictOf(*a, *dave_), Verdict::kTrustedDirect);
  ASSERT_TRUE(b->RemoveCollection(report->name, Days(1)).ok());
  EXPECT_EQ(VerdictOf(*b, *carol_), Verdict::kUnknown);
  EXPECT_EQ(VerdictOf(*a, *carol_), Verdict::kUnknown);
  auto newer = (*alice_store)->Share(*alice_->endorser, {}, Days(1));
  ASSERT_TRUE(newer.ok());
  auto again = b->Import(*testing::Prepare(newer->file), {}, Days(1));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(VerdictOf(*a, *carol_), Verdict::kTrustedVia);
  EXPECT_EQ(VerdictOf(*b, *carol_), Verdict::kTrustedVia);

  // Any other writer counts, not only a TrustStore: a raw SQL commit (another process, an
  // editor) invalidates both indexes.
  ASSERT_EQ(testing::RawSql(path_, "UPDATE collections SET enabled = 0"), SQLITE_OK);
  EXPECT_EQ(VerdictOf(*a, *carol_), Verdict::kUnknown);
  EXPECT_EQ(VerdictOf(*b, *carol_), Verdict::kUnknown);
  ASSERT_EQ(testing::RawSql(path_, "UPDATE collections SET enabled = 1"), SQLITE_OK);
  EXPECT_EQ(VerdictOf(*a, *carol_), Verdict::kTrustedVia);
}

TEST_F(TrustSqliteIndexTest, ARolledBackTransactionLeavesNoTraceInTheIndex) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddLocal(alice_->der(), {}, kT0).ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(VerdictOf(*store, *alice_), Verdict::kTrustedDirect);
  auto summary = SummarizeCertificate(carol_->der());
  ASSERT_TRUE(summary.ok());
  LocalEntry carol;
  carol.cert = *summary;
  carol.certificate = carol_->der();
  TrustBackend& backend = store->backend();
  Status s = backend.Transaction([&]() -> Status {
    IKEWOT_RETURN_IF_ERROR(backend.PutLocal(carol));
    IKEWOT_RETURN_IF_ERROR(backend.DeleteLocal(alice_->fp()).status());
    return MakeError(ErrorCode::kState, "abort");
  });
  EXPECT_EQ(s.code(), ErrorCode::kState);
  EXPECT_EQ(VerdictOf(*store, *carol_), Verdict::kUnknown);
  EXPECT_EQ(VerdictOf(*store, *alice_), Verdict::kTrustedDirect);
  EXPECT_FALSE(*backend.GetLocal(carol_->fp()));
  EXPECT_TRUE(backend.FingerprintsWithIdentity("cn:carol")->empty());
  // A write outside any transaction (autocommit) is seen as well.
  ASSERT_TRUE(backend.PutLocal(carol).ok());
  EXPECT_EQ(VerdictOf(*store, *carol_), Verdict::kTrustedDirect);
}

}  // namespace
}  // namespace ikewot::trust
