// Schema migrations of the SQLite trust store (1 -> 2 -> 3 and 2 -> 3): an older store (made
// by converting a current one back with the older versions' own table layouts) opens with
// every local decision, collection entry, identity, removal and event it had, and a migration
// killed with SIGKILL at random moments never loses or half-converts anything: the next open
// finds either the old version intact (and migrates it) or version 3 complete. Contents()
// compares what a store logically holds, whatever its version's layout.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "core/trust/cert_summary.h"
#include "core/trust/entry.h"
#include "core/trust/sqlite_chunks.h"
#include "core/trust/sqlite_schema.h"
#include "core/trust/trust_store.h"
#include "tests/trust/test_support.h"

namespace ikewot::trust {
namespace {

using testing::Days;
using testing::kT0;
using testing::MakePerson;
using testing::Person;
using testing::RawSql;

// Version 1's collection_entries, exactly as version 1 created it, plus the index on
// identities (fp) that stores made before the import speed-up carry. Runs on a version 2 store.
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

// Version 2's collection_entries, exactly as version 2 created it.
constexpr const char* kVersionTwoEntries = R"sql(
CREATE TABLE collection_entries (
  id INTEGER PRIMARY KEY, collection_id INTEGER NOT NULL REFERENCES collections (id),
  fp BLOB NOT NULL, signed_entry BLOB NOT NULL);
CREATE UNIQUE INDEX collection_entries_by_fp ON collection_entries (fp, collection_id);
)sql";

using Rows = std::vector<std::vector<std::string>>;

Rows Query(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  Rows out;
  while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
    out.emplace_back();
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      out.back().emplace_back(data ? data : "", sqlite3_column_bytes(stmt, i));
    }
  }
  sqlite3_finalize(stmt);
  return out;
}

int64_t SchemaVersion(sqlite3* db) {
  Rows rows = Query(db, "SELECT version FROM schema_version");
  return rows.size() == 1 ? std::stoll(rows[0][0]) : -1;
}

int64_t SchemaVersion(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const int64_t version = SchemaVersion(db);
  sqlite3_close(db);
  return version;
}

ByteView View(const std::string& s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
std::string Text(ByteView b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// A version 3 store's collection entries as (collection_id, fp, signed_entry) rows in
// collection and fingerprint order, read from its chunks.
Rows ChunkEntries(sqlite3* db) {
  Rows out;
  for (const auto& row :
       Query(db, "SELECT collection_id, entries FROM collection_chunks ORDER BY id")) {
    auto entries = sqlite::ParseEntryChunk(View(row[1]));
    EXPECT_TRUE(entries.ok()) << entries.error().ToString();
    if (!entries.ok()) continue;
    for (const sqlite::ChunkEntry& e : *entries) {
      out.push_back({row[0], Text(e.fingerprint), Text(e.der)});
    }
  }
  return out;
}

// Everything a store holds, whatever its version's layout, in a fixed order, as one string.
// Identities are the distinct (identity, fp) pairs of local and collection entries alike.
std::string Contents(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const int64_t version = SchemaVersion(db);
  std::string out;
  auto add = [&out](const std::string& title, const Rows& rows) {
    out += "\n" + title + "\n";
    for (const auto& row : rows) {
      for (const std::string& field : row) out += "|" + field;
      out += "\n";
    }
  };
  for (const char* sql :
       {"SELECT fp, der, verdict, policy, decided_at, note, ike_id, endorsement FROM "
        "local_entries ORDER BY fp",
        "SELECT * FROM collections ORDER BY id",
        "SELECT collection_id, fp FROM removals ORDER BY collection_id, fp",
        "SELECT * FROM signer_sequences ORDER BY signer_fp", "SELECT * FROM settings ORDER BY key",
        "SELECT * FROM events ORDER BY id"}) {
    add(sql, Query(db, sql));
  }
  Rows identities;
  if (version >= 3) {
    add("collection entries", ChunkEntries(db));
    identities = Query(db, "SELECT identity, fp FROM identities");
    for (const auto& row : Query(db, "SELECT groups FROM collection_identity_chunks")) {
      auto groups = sqlite::ParseIdentityChunk(View(row[0]));
      EXPECT_TRUE(groups.ok()) << groups.error().ToString();
      if (!groups.ok()) continue;
      for (const sqlite::IdentityGroup& g : *groups) {
        for (ByteView fp : g.fingerprints)
          identities.push_back({std::string(g.identity), Text(fp)});
      }
    }
  } else {
    add("collection entries", Query(db,
                                    "SELECT collection_id, fp, signed_entry FROM "
                                    "collection_entries ORDER BY collection_id, fp"));
    identities = Query(db, "SELECT identity, fp FROM identities");
  }
  std::sort(identities.begin(), identities.end());
  identities.erase(std::unique(identities.begin(), identities.end()), identities.end());
  add("identities", identities);
  sqlite3_close(db);
  return out;
}

// Turns a version 3 store into the version 2 it would have been: one collection_entries row
// per entry (ids (collection << 32) + position), collection identities counted in identities.
void DowngradeToV2(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(SchemaVersion(db), 3);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kVersionTwoEntries, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* index = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "INSERT INTO collection_entries (id, collection_id, fp, "
                               "signed_entry) VALUES ((?1 << 32) + ?2, ?1, ?3, ?4)",
                               -1, &insert, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "INSERT INTO identities (identity, fp, refs) VALUES (?, ?, 1) "
                               "ON CONFLICT (identity, fp) DO UPDATE SET refs = refs + 1",
                               -1, &index, nullptr),
            SQLITE_OK);
  std::map<std::string, int64_t> positions;
  for (const auto& row : ChunkEntries(db)) {
    const int64_t position = ++positions[row[0]];
    sqlite3_bind_int64(insert, 1, std::stoll(row[0]));
    sqlite3_bind_int64(insert, 2, position);
    sqlite3_bind_blob(insert, 3, row[1].data(), static_cast<int>(row[1].size()), SQLITE_STATIC);
    sqlite3_bind_blob(insert, 4, row[2].data(), static_cast<int>(row[2].size()), SQLITE_STATIC);
    ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
    sqlite3_reset(insert);
    auto entry = ParseSignedEntry(View(row[2]));
    ASSERT_TRUE(entry.ok());
    auto cert = SummarizeCertificate(entry->tbs.certificate);
    ASSERT_TRUE(cert.ok());
    for (const std::string& id : cert->identities) {
      sqlite3_bind_text(index, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
      sqlite3_bind_blob(index, 2, row[1].data(), static_cast<int>(row[1].size()), SQLITE_STATIC);
      ASSERT_EQ(sqlite3_step(index), SQLITE_DONE);
      sqlite3_reset(index);
    }
  }
  sqlite3_finalize(insert);
  sqlite3_finalize(index);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE collection_chunks; DROP TABLE collection_identity_chunks; "
                         "UPDATE schema_version SET version = 2; COMMIT;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);  // the last connection checkpoints and removes the WAL
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
    pristine_ = base_ + ".old";
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
  // (sequence 2 withdraws Dave, whom Alice's sequence 1 listed). Made at the current version,
  // then converted back to `version`.
  void MakeStore(int version) {
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
    ASSERT_EQ(SchemaVersion(path_), sqlite::kSchemaVersion);
    if (version <= 2) DowngradeToV2(path_);
    if (version <= 1) {
      ASSERT_EQ(RawSql(path_, kDowngradeToV1), SQLITE_OK);
    }
    ASSERT_EQ(SchemaVersion(path_), version);
  }

  // Version 1 or 2 rows of a second, made-up collection (random bytes: no certificate parses,
  // so they name no identity): enough data that a migration takes long enough to be killed in
  // the middle.
  void AddBulk(int rows, int version) {
    ASSERT_EQ(
        RawSql(path_, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                          std::to_string(rows) + ") INSERT INTO collection_entries SELECT " +
                          (version == 2 ? "(7 << 32) + i, " : "") +
                          "7, randomblob(32), randomblob(600) FROM n"),
        SQLITE_OK);
  }

  // After a migration to version 3: the identities table holds local entries' identities only,
  // each counted once; collection 1's first chunk starts with Carol, its only entry; no
  // version 1 or 2 table or index is left.
  void ExpectVersionThreeLayout() {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(Query(db,
                    "SELECT count(*) FROM identities WHERE fp NOT IN "
                    "(SELECT fp FROM local_entries)"),
              Rows{{"0"}});
    EXPECT_EQ(Query(db, "SELECT max(refs) FROM identities"), Rows{{"1"}});
    EXPECT_EQ(Query(db, "SELECT first_fp FROM collection_chunks WHERE id = (1 << 32) + 1"),
              Rows{{Text(carol_->fp())}});
    EXPECT_EQ(Query(db,
                    "SELECT name FROM sqlite_master WHERE name IN ('identities_by_fp', "
                    "'collection_entries')"),
              Rows{});
    sqlite3_close(db);
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

  void ExpectMigrationKeepsEverything(int version);

  std::string base_, path_, pristine_;
  std::unique_ptr<Person> alice_, bob_, carol_, dave_;
};

void TrustSqliteMigrationTest::ExpectMigrationKeepsEverything(int version) {
  MakeStore(version);
  const std::string before = Contents(path_);
  auto carol = SummarizeCertificate(carol_->der());
  ASSERT_TRUE(carol.ok());
  // Version 1 and 2 index Carol's identities (a collection entry's) in the identities table.
  EXPECT_NE(before.find("|" + carol->identities.front() + "|" + Text(carol_->fp())),
            std::string::npos);
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
    // Carol's identities now come from the collection's identity chunk.
    auto fps = (*store)->backend().FingerprintsWithIdentity(carol->identities.front());
    ASSERT_TRUE(fps.ok());
    EXPECT_EQ(*fps, std::vector<Bytes>{carol_->fp()});
  }
  // The same records, identities and events, in version 3's layout.
  EXPECT_EQ(Contents(path_), before);
  ExpectVersionThreeLayout();
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

TEST_F(TrustSqliteMigrationTest, VersionOneOpensWithAllItsDataAndEvents) {
  ExpectMigrationKeepsEverything(1);
}

TEST_F(TrustSqliteMigrationTest, VersionTwoOpensWithAllItsDataAndEvents) {
  ExpectMigrationKeepsEverything(2);
}

TEST_F(TrustSqliteMigrationTest, AMigrationKilledAnywhereLosesNothing) {
  MakeStore(2);
  AddBulk(6000, 2);
  const std::string before = Contents(path_);
  std::filesystem::copy_file(path_, pristine_);
  // How long a migration takes here, to spread the kills over it.
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(TrustStore::OpenSqlite(path_, {}).ok());
  const auto migration = std::chrono::steady_clock::now() - start;
  const int64_t span_us =
      std::chrono::duration_cast<std::chrono::microseconds>(migration).count() * 3 / 2 + 1000;
  std::mt19937 random(20261127);
  constexpr int kRounds = 12;
  int interrupted = 0, completed = 0;
  for (int round = 0; round < kRounds; ++round) {
    RemoveStore(path_);
    std::filesystem::copy_file(pristine_, path_);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = TrustStore::OpenSqlite(path_, {});
      _exit(store.ok() ? 0 : 1);
    }
    // Spread evenly over the span, with jitter: the first rounds kill almost at once, so
    // some kills land before the commit however long the first (cold) measurement took.
    const int64_t slot = span_us / kRounds + 1;
    std::this_thread::sleep_for(std::chrono::microseconds(slot * round + random() % slot));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status)) {
      ASSERT_EQ(WEXITSTATUS(status), 0) << "round " << round;
    }
    const int64_t version = SchemaVersion(path_);
    ASSERT_TRUE(version == 2 || version == 3) << "round " << round << ": version " << version;
    (version == 2 ? interrupted : completed) += 1;
    EXPECT_EQ(Contents(path_), before) << "round " << round;
    auto store = TrustStore::OpenSqlite(path_, {});
    ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.error().ToString();
    EXPECT_EQ(SchemaVersion(path_), 3);
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
