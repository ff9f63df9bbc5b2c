#include "core/trust/sqlite_schema.h"

#include <string>
#include <utility>
#include <vector>

#include "core/trust/cert_summary.h"
#include "core/trust/entry.h"
#include "core/trust/sqlite_collection_rows.h"
#include "core/trust/store_types.h"

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

// Version 3's chunk tables (core/trust/sqlite_chunks.h, sqlite_collection_rows.h), in new
// stores and in the version 2 -> 3 migration. Chunk ids are (collection_id << 32) + chunk
// number; the indexes find the one chunk per collection that may hold a fingerprint or an
// identity (the greatest first key <= it).
constexpr const char* kChunkTables = R"sql(
CREATE TABLE collection_chunks (
  id INTEGER PRIMARY KEY, collection_id INTEGER NOT NULL REFERENCES collections (id),
  first_fp BLOB NOT NULL, entries BLOB NOT NULL);
CREATE UNIQUE INDEX collection_chunks_by_fp ON collection_chunks (collection_id, first_fp);
CREATE TABLE collection_identity_chunks (
  id INTEGER PRIMARY KEY, collection_id INTEGER NOT NULL REFERENCES collections (id),
  first_identity TEXT NOT NULL, groups BLOB NOT NULL);
CREATE UNIQUE INDEX collection_identity_chunks_by_identity
  ON collection_identity_chunks (collection_id, first_identity);
)sql";

// Version 1 -> 2. In version 1 collection_entries was WITHOUT ROWID, keyed (collection_id,
// fp): its ~620-octet rows were the B-tree keys, copied into interior pages too (a fan-out of
// a handful), and every import paid for that. The rows move over unchanged; each gets the id
// its collection range and fingerprint order give it ((collection_id << 32) + position). Version 1
// stores made before the import speed-up may also carry an unused index on identities (fp).
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

// Version 2 -> 3: each collection's rows become chunks, its identities are derived again from
// the certificates (version 2 kept them, reference-counted, in the identities table), and the
// identities table is rebuilt from the local entries alone. An entry whose certificate does not
// parse moves over as it is, naming no identity: reading it reports the corrupt row, as in
// version 2.
Status MigrateV2ToV3(Database& db) {
  IKEWOT_RETURN_IF_ERROR(db.Exec(kChunkTables));
  {
    auto rows = db.Prepare(
        "SELECT collection_id, fp, signed_entry FROM collection_entries "
        "ORDER BY collection_id, fp");
    if (!rows.ok()) return rows.error();
    struct Pending {
      Bytes fingerprint;
      Bytes der;
      std::vector<std::string> identities;
    };
    std::vector<Pending> pending;
    int64_t collection = 0;
    auto flush = [&]() -> Status {
      if (pending.empty()) return Status::Ok();
      std::vector<EntryToStore> entries;
      entries.reserve(pending.size());
      for (const Pending& p : pending) entries.push_back({p.fingerprint, p.der, &p.identities});
      Status s = WriteCollectionChunks(db, collection, entries);
      pending.clear();
      if (!s.ok()) {
        return MakeError(ErrorCode::kBadValue,
                         "trust store row is corrupt (collection " + std::to_string(collection) +
                             " while migrating to version 3): " + s.error().message);
      }
      return s;
    };
    while (true) {
      auto row = rows->Step();
      if (!row.ok()) return row.error();
      if (!*row || rows->Int(0) != collection) IKEWOT_RETURN_IF_ERROR(flush());
      if (!*row) break;
      collection = rows->Int(0);
      Pending p{rows->Blob(1), rows->Blob(2), {}};
      if (auto entry = ParseSignedEntry(p.der); entry.ok()) {
        if (auto cert = SummarizeCertificate(entry->tbs.certificate); cert.ok()) {
          p.identities = std::move(cert->identities);
        }
      }
      pending.push_back(std::move(p));
    }
  }
  IKEWOT_RETURN_IF_ERROR(db.Exec("DROP TABLE collection_entries; DELETE FROM identities;"));
  {
    auto local = db.Prepare("SELECT der, ike_id FROM local_entries ORDER BY fp");
    if (!local.ok()) return local.error();
    auto add = db.Prepare(
        "INSERT INTO identities (identity, fp, refs) VALUES (?, ?, 1) "
        "ON CONFLICT (identity, fp) DO UPDATE SET refs = refs + 1");
    if (!add.ok()) return add.error();
    while (true) {
      auto row = local->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      LocalEntry e;
      auto cert = SummarizeCertificate(local->Blob(0));
      if (!cert.ok()) continue;  // a corrupt row, reported when it is read
      e.cert = std::move(*cert);
      e.ike_id = local->Text(1);
      for (const std::string& id : e.identities()) {
        IKEWOT_RETURN_IF_ERROR(add->BindText(1, id).Bind(2, e.fingerprint()).Run());
      }
    }
  }
  return db.Exec("UPDATE schema_version SET version = 3");
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
    IKEWOT_RETURN_IF_ERROR(db.Exec(kChunkTables));
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
  if (*version == 2) {
    IKEWOT_RETURN_IF_ERROR(MigrateV2ToV3(db));
    *version = 3;
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
