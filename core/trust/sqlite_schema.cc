#include "core/trust/sqlite_schema.h"

#include <string>

namespace ikewot::trust::sqlite {
namespace {

// The current schema, for new stores.
constexpr const char* kSchema = R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE identities (
  identity TEXT NOT NULL, fp BLOB NOT NULL, refs INTEGER NOT NULL,
  PRIMARY KEY (identity, fp)) WITHOUT ROWID;
CREATE TABLE local_entries (
  fp BLOB PRIMARY KEY, der BLOB NOT NULL, verdict INTEGER NOT NULL, policy BLOB NOT NULL,
  decided_at INTEGER NOT NULL, note TEXT NOT NULL, ike_id TEXT NOT NULL,
  endorsement BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE collections (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, signer_fp BLOB NOT NULL UNIQUE,
  signer_der BLOB NOT NULL, signer_subject TEXT NOT NULL, sequence INTEGER NOT NULL,
  created INTEGER NOT NULL, imported_at INTEGER NOT NULL, enabled INTEGER NOT NULL,
  cond_kind INTEGER NOT NULL, cond_peer TEXT NOT NULL, cond_from INTEGER NOT NULL,
  cond_until INTEGER NOT NULL, max_depth INTEGER NOT NULL, signer_override INTEGER NOT NULL,
  encrypted INTEGER NOT NULL, content_hash BLOB NOT NULL, entry_count INTEGER NOT NULL,
  removal_count INTEGER NOT NULL);
CREATE TABLE collection_entries (
  id INTEGER PRIMARY KEY, collection_id INTEGER NOT NULL REFERENCES collections (id),
  fp BLOB NOT NULL, signed_entry BLOB NOT NULL);
CREATE UNIQUE INDEX collection_entries_by_fp ON collection_entries (fp, collection_id);
CREATE TABLE removals (
  collection_id INTEGER NOT NULL REFERENCES collections (id), fp BLOB NOT NULL,
  PRIMARY KEY (collection_id, fp)) WITHOUT ROWID;
CREATE INDEX removals_by_fp ON removals (fp);
CREATE TABLE signer_sequences (signer_fp BLOB PRIMARY KEY, sequence INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE TABLE shared (fp BLOB PRIMARY KEY, withdrawn INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL,
  subject TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the trust event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the trust event log is append-only'); END;
)sql";

// Version 1 -> 2. In version 1 collection_entries was WITHOUT ROWID, keyed (collection_id,
// fp): its ~620-octet rows were the B-tree keys, copied into interior pages too (a fan-out of
// a handful), and every import paid for that. The rows move over unchanged; each gets the id
// its collection range and fingerprint order give it (EntryRowId). Version 1 stores made
// before the import speed-up may also carry an unused index on identities (fp).
constexpr const char* kMigrateV1ToV2 = R"sql(
CREATE TABLE collection_entries_v2 (
  id INTEGER PRIMARY KEY, collection_id INTEGER NOT NULL REFERENCES collections (id),
  fp BLOB NOT NULL, signed_entry BLOB NOT NULL);
INSERT INTO collection_entries_v2 (id, collection_id, fp, signed_entry)
  SELECT (collection_id << 32) + row_number() OVER (PARTITION BY collection_id ORDER BY fp),
         collection_id, fp, signed_entry
  FROM collection_entries ORDER BY collection_id, fp;
DROP TABLE collection_entries;
ALTER TABLE collection_entries_v2 RENAME TO collection_entries;
CREATE UNIQUE INDEX collection_entries_by_fp ON collection_entries (fp, collection_id);
DROP INDEX IF EXISTS identities_by_fp;
UPDATE schema_version SET version = 2;
)sql";

Result<int64_t> QueryInt(Database& db, const char* sql) {
  auto q = db.Prepare(sql);
  if (!q.ok()) return q.error();
  auto row = q->Step();
  if (!row.ok()) return row.error();
  if (!*row) return int64_t{-1};
  return q->Int(0);
}

}  // namespace

Status CreateOrMigrate(Database& db) {
  // Each query's statement is reset when QueryInt returns: SQLite refuses DROP TABLE while a
  // statement on the connection is still running.
  auto exists = QueryInt(db,
                         "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                         "name = 'schema_version'");
  if (!exists.ok()) return exists.error();
  if (*exists == 0) {
    IKEWOT_RETURN_IF_ERROR(db.Exec(kSchema));
    auto insert = db.Prepare("INSERT INTO schema_version (version) VALUES (?)");
    if (!insert.ok()) return insert.error();
    return insert->Bind(1, kSchemaVersion).Run();
  }
  auto version = QueryInt(db, "SELECT version FROM schema_version");
  if (!version.ok()) return version.error();
  if (*version == 1) {
    IKEWOT_RETURN_IF_ERROR(db.Exec(kMigrateV1ToV2));
    *version = 2;
  }
  if (*version != kSchemaVersion) {
    return MakeError(ErrorCode::kUnsupported,
                     "trust store schema version " +
                         (*version >= 0 ? std::to_string(*version) : std::string("(none)")) +
                         " is not the version this ikewot understands (" +
                         std::to_string(kSchemaVersion) + ")");
  }
  return Status::Ok();
}

}  // namespace ikewot::trust::sqlite
