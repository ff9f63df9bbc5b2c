// Schema version 1 -> 2 of the SQLite trust store: a version 1 store (made with version 1's
// schema SQL for collection_entries) opens with every local decision, collection entry,
// removal and event it had, and a migration killed with SIGKILL at random moments never
// loses or half-converts anything: the next open finds either version 1 intact (and migrates
// it) or version 2 complete.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "core/trust/sqlite_schema.h"
#include "core/trust/trust_store.h"
#include "tests/trust/test_support.h"

namespace ikewot::trust {
namespace {

using testing::Days;
using testing::kT0;
using testing::MakePerson;
using testing::Person;

// Version 1's collection_entries, exactly as version 1 created it, plus the index on
// identities (fp) that stores made before the import speed-up carry.
constexpr const char* kDowngradeToV1 = R"sql(
BEGIN;
CREATE TABLE collection_entries_v1 (
  collection_id INTEGER NOT NULL REFERENCES collections (id), fp BLOB NOT NULL,
  signed_entry BLOB NOT NULL, PRIMARY KEY (collection_id, fp)) WITHOUT ROWID;
INSERT INTO collection_entries_v1 SELECT collection_id, fp, signed_entry FROM collection_entries;
DROP TABLE collection_entries;
ALTER TABLE collection_entries_v1 RENAME TO collection_entries;
CREATE INDEX collection_entries_by_fp ON collection_entries (fp);
CREATE INDEX identities_by_fp ON identities (fp);
UPDATE schema_version SET version = 1;
COMMIT;
)sql";

// Everything a store holds, read with plain SQL in a fixed order, as one string.
std::string Contents(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string out;
  for (const char* sql :
       {"SELECT fp, der, verdict, policy, decided_at, note, ike_id, endorsement FROM "
        "local_entries ORDER BY fp",
        "SELECT * FROM collections ORDER BY id",
        "SELECT collection_id, fp, signed_entry FROM collection_entries "
        "ORDER BY collection_id, fp",
        "SELECT collection_id, fp FROM removals ORDER BY collection_id, fp",
        "SELECT identity, fp, refs FROM identities ORDER BY identity, fp",
        "SELECT * FROM signer_sequences ORDER BY signer_fp", "SELECT * FROM settings ORDER BY key",
        "SELECT * FROM events ORDER BY id"}) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sql;
    out += std::string("\n") + sql + "\n";
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        out += "|" + std::string(data ? data : "", sqlite3_column_bytes(stmt, i));
      }
      out += "\n";
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

int64_t SchemaVersion(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  int64_t version = -1;
  if (sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &stmt, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    version = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return version;
}

int RawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);  // the last connection checkpoints and removes the WAL
  return rc;
}

void RemoveStore(const std::string& path) {
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
}

class TrustSqliteMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = ::testing::TempDir() + "/trust_migration_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    path_ = base_ + ".db";
    pristine_ = base_ + ".v1";
    RemoveStore(path_);
    RemoveStore(pristine_);
    alice_ = MakePerson("alice", 1);
    bob_ = MakePerson("bob", 2);
    carol_ = MakePerson("carol", 3);
    dave_ = MakePerson("dave", 4);
  }
  void TearDown() override {
    RemoveStore(path_);
    RemoveStore(pristine_);
  }

  // Bob's store: he checked Alice and rejected Dave; he imported Alice's collection twice
  // (sequence 2 withdraws Dave, whom Alice's sequence 1 listed). Left as version 1.
  void MakeVersionOneStore() {
    auto alice_store = TrustStore::InMemory({});
    ASSERT_TRUE(alice_store.ok());
    ASSERT_TRUE((*alice_store)->AddLocal(carol_->der(), {}, kT0).ok());
    ASSERT_TRUE((*alice_store)->AddLocal(dave_->der(), {}, kT0).ok());
    auto first = (*alice_store)->Share(*alice_->endorser, {}, kT0);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE((*alice_store)->RemoveLocal(dave_->fp(), Days(1)).ok());
    auto second = (*alice_store)->Share(*alice_->endorser, {}, Days(1));
    ASSERT_TRUE(second.ok());
    {
      auto store = TrustStore::OpenSqlite(path_, {});
      ASSERT_TRUE(store.ok()) << store.error().ToString();
      ASSERT_TRUE((*store)->AddLocal(alice_->der(), {}, kT0).ok());
      AcceptOptions reject;
      reject.verdict = LocalVerdict::kRejected;
      ASSERT_TRUE((*store)->AddLocal(dave_->der(), reject, kT0).ok());
      ASSERT_TRUE((*store)->Import(*testing::Prepare(first->file), {}, kT0).ok());
      ASSERT_TRUE((*store)->Import(*testing::Prepare(second->file), {}, Days(1)).ok());
    }
    ASSERT_EQ(RawSql(path_, kDowngradeToV1), SQLITE_OK);
    ASSERT_EQ(SchemaVersion(path_), 1);
  }

  // Version 1 rows of a second, made-up collection (random bytes; nothing parses them): enough
  // data that a migration takes long enough to be killed in the middle.
  void AddBulk(int rows) {
    ASSERT_EQ(
        RawSql(path_, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                          std::to_string(rows) +
                          ") INSERT INTO collection_entries SELECT 7, randomblob(32), "
                          "randomblob(600) FROM n"),
        SQLITE_OK);
  }

  void ExpectBobsStoreWorks(TrustStore& store) {
    EXPECT_EQ(store.Decide(testing::Query(*alice_, Days(2)))->verdict, Verdict::kTrustedDirect);
    EXPECT_EQ(store.Decide(testing::Query(*carol_, Days(2)))->verdict, Verdict::kTrustedVia);
    EXPECT_EQ(store.Decide(testing::Query(*dave_, Days(2)))->verdict, Verdict::kRejected);
    auto collections = store.ListCollections();
    ASSERT_TRUE(collections.ok());
    ASSERT_EQ(collections->size(), 1u);
    EXPECT_EQ((*collections)[0].sequence, 2u);
    auto entries = store.CollectionEntries((*collections)[0].name);
    ASSERT_TRUE(entries.ok()) << entries.error().ToString();
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ((*entries)[0]->cert.fingerprint, carol_->fp());
  }

  std::string base_, path_, pristine_;
  std::unique_ptr<Person> alice_, bob_, carol_, dave_;
};

TEST_F(TrustSqliteMigrationTest, VersionOneOpensWithAllItsDataAndEvents) {
  MakeVersionOneStore();
  const std::string before = Contents(path_);
  {
    auto store = TrustStore::OpenSqlite(path_, {});
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    EXPECT_EQ(SchemaVersion(path_), sqlite::kSchemaVersion);
    auto events = (*store)->Events();
    ASSERT_TRUE(events.ok());
    std::vector<std::string> kinds;
    for (const Event& e : *events) kinds.push_back(e.kind);
    EXPECT_EQ(kinds,
              (std::vector<std::string>{"accept", "reject", "import", "replace", "withdraw"}));
    ExpectBobsStoreWorks(**store);
  }
  // The same rows and events (Contents reads them all); only collection_entries' layout
  // changed: Carol's entry is the first of collection 1's id range.
  EXPECT_EQ(Contents(path_), before);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM collection_entries WHERE id = "
                               "(collection_id << 32) + 1",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(stmt, 0), 1);
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'identities_by_fp'",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << "the unused identity index survived";
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  // Still a working store: a newer collection from Alice replaces the migrated one.
  auto store = TrustStore::OpenSqlite(path_, {});
  ASSERT_TRUE(store.ok());
  auto alice_store = TrustStore::InMemory({});
  ASSERT_TRUE((*alice_store)->AddLocal(bob_->der(), {}, kT0).ok());
  Result<ShareResult> latest = Error{};
  for (int i = 0; i < 3; ++i) latest = (*alice_store)->Share(*alice_->endorser, {}, Days(2));
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->sequence, 3u);
  auto report = (*store)->Import(*testing::Prepare(latest->file), {}, Days(2));
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ((*store)->Decide(testing::Query(*bob_, Days(2)))->verdict, Verdict::kTrustedVia);
  EXPECT_EQ((*store)->Decide(testing::Query(*carol_, Days(2)))->verdict, Verdict::kUnknown);
}

TEST_F(TrustSqliteMigrationTest, AMigrationKilledAnywhereLosesNothing) {
  MakeVersionOneStore();
  AddBulk(6000);
  const std::string before = Contents(path_);
  std::filesystem::copy_file(path_, pristine_);
  // How long a migration takes here, to spread the kills over it.
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(TrustStore::OpenSqlite(path_, {}).ok());
  const auto migration = std::chrono::steady_clock::now() - start;
  const int64_t span_us =
      std::chrono::duration_cast<std::chrono::microseconds>(migration).count() * 3 / 2 + 1000;
  std::mt19937 random(20261127);
  int interrupted = 0, completed = 0;
  for (int round = 0; round < 12; ++round) {
    RemoveStore(path_);
    std::filesystem::copy_file(pristine_, path_);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = TrustStore::OpenSqlite(path_, {});
      _exit(store.ok() ? 0 : 1);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(random() % span_us));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status)) {
      ASSERT_EQ(WEXITSTATUS(status), 0) << "round " << round;
    }
    const int64_t version = SchemaVersion(path_);
    ASSERT_TRUE(version == 1 || version == 2) << "round " << round << ": version " << version;
    (version == 1 ? interrupted : completed) += 1;
    EXPECT_EQ(Contents(path_), before) << "round " << round;
    auto store = TrustStore::OpenSqlite(path_, {});
    ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.error().ToString();
    EXPECT_EQ(SchemaVersion(path_), 2);
    ExpectBobsStoreWorks(**store);
    EXPECT_EQ((*store)->Events()->size(), 5u);
  }
  EXPECT_EQ(Contents(path_), before);
  // Some kills landed before the commit (delays start at 0). How many landed after it
  // depends on the machine's load, so it is only recorded.
  EXPECT_GT(interrupted, 0);
  RecordProperty("kills_before_commit", interrupted);
  RecordProperty("kills_after_commit", completed);
}

}  // namespace
}  // namespace ikewot::trust
