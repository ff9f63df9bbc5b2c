// SQLite TrustBackend, the default store in HOME/trust.db.
//
// Durability: WAL journal with synchronous=FULL. A transaction is reported committed only after
// its WAL frames are fsync'ed, so it survives kill -9 and power loss alike. (NORMAL+WAL would
// already survive kill -9 -- the WAL is in the page cache and SQLite recovers it on the next
// open -- but could lose the last commits on power loss; trust decisions are rare and small,
// and one fsync per commit is cheap, so FULL it is.) tests/unit/trust_crash_test.cc kills a
// writer with SIGKILL at random moments and checks that every commit it reported is there.
#include <sqlite3.h>

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "core/trust/backend.h"
#include "core/trust/sort_keys.h"
#include "core/trust/sqlite_chunks.h"
#include "core/trust/sqlite_collection_rows.h"
#include "core/trust/sqlite_db.h"
#include "core/trust/sqlite_schema.h"

namespace ikewot::trust {
namespace {

// `var`: the decision index when it may answer this read, else null (ask SQLite).
#define IKEWOT_ASSIGN_INDEX(var)                       \
  auto var##_result = UsableIndex();                   \
  if (!var##_result.ok()) return var##_result.error(); \
  TrustBackend* var = *var##_result

Error Corrupt(const std::string& what, const Error& why) {
  return MakeError(ErrorCode::kBadValue,
                   "trust store row is corrupt (" + what + "): " + why.message);
}

class SqliteBackend final : public TrustBackend {
 public:
  explicit SqliteBackend(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}

  Status Init() {
    sqlite3_busy_timeout(db_->handle(), 10000);
    // A 10,000-entry import dirties ~20 MB of pages; with SQLite's default 2 MB cache they are
    // spilled to the WAL mid-transaction and read back (perf: a third of the store's time).
    // A new store gets 16 KiB pages (SQLite ignores this for an existing file): an import
    // writes every page twice (WAL, then the checkpoint into the database), and 4 KiB pages
    // cost a quarter more per entry in page headers, overflow links, WAL frames and syscalls.
    // The WAL is still checkpointed at 4 MiB (256 such pages, SQLite's default 1000 pages of
    // 4 KiB), so a large import pays for its checkpoint as before instead of leaving it to the
    // next writer or the close. temp_store=MEMORY keeps statement journals in memory: each
    // multi-row INSERT inside the import's transaction journals the pages it changes, and
    // with 16 KiB pages that passed SQLite's 64 KiB spill limit and went to a temporary file
    // (strace: ~64 MB of pwrite per 10,000-entry import). Neither touches what a commit
    // writes or when it fsyncs.
    IKEWOT_RETURN_IF_ERROR(db_->Exec(
        "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
        "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=256; PRAGMA temp_store=MEMORY;"));
    IKEWOT_RETURN_IF_ERROR(Transaction([this] { return sqlite::CreateOrMigrate(*db_); }));
    // Older stores have an index on identities (fp) that no query uses and that cost every
    // import one more B-tree insert per identity; dropping it changes no result. (Not inside
    // the transaction above: SQLite refuses DROP while that body's statements are open.)
    return db_->Exec("DROP INDEX IF EXISTS identities_by_fp");
  }

  Status Transaction(const std::function<Status()>& body) override {
    if (depth_ > 0) return body();
    IKEWOT_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
    // Holding the write lock, nobody else can commit until we do: one check covers the body.
    Status s = ValidateIndex();
    if (s.ok()) {
      ++depth_;
      s = body();
      --depth_;
    }
    if (s.ok()) {
      s = db_->Exec("COMMIT");
      if (s.ok()) return s;
    }
    index_.reset();  // it may hold writes that were just undone
    Status rolled_back = db_->Exec("ROLLBACK");
    (void)rolled_back;  // the body's error is the one worth reporting
    return s;
  }

  Status ReadSnapshot(const std::function<Status()>& body) override {
    if (depth_ > 0 || snapshot_depth_ > 0) return body();
    IKEWOT_RETURN_IF_ERROR(ValidateIndex());
    if (!index_ && ++snapshots_ >= kSnapshotsBeforeIndex) IKEWOT_RETURN_IF_ERROR(BuildIndex());
    ++snapshot_depth_;
    Status s = body();
    --snapshot_depth_;
    return s;
  }

  Result<std::optional<std::string>> GetSetting(std::string_view key) override {
    IKEWOT_ASSIGN_STMT(q, *db_, "SELECT value FROM settings WHERE key = ?");
    q.BindText(1, key);
    auto row = q.Step();
    if (!row.ok()) return row.error();
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(q.Text(0));
  }

  Status PutSetting(std::string_view key, std::string_view value) override {
    IKEWOT_ASSIGN_STMT(q, *db_, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)");
    return q.BindText(1, key).BindText(2, value).Run();
  }

  Result<std::optional<LocalEntry>> GetLocal(ByteView fingerprint) override {
    IKEWOT_ASSIGN_INDEX(index);
    if (index) return index->GetLocal(fingerprint);
    IKEWOT_ASSIGN_STMT(q, *db_,
                       "SELECT der, verdict, policy, decided_at, note, ike_id, endorsement "
                       "FROM local_entries WHERE fp = ?");
    q.Bind(1, fingerprint);
    auto row = q.Step();
    if (!row.ok()) return row.error();
    if (!*row) return std::optional<LocalEntry>();
    auto entry = ReadLocal(q);
    if (!entry.ok()) return entry.error();
    return std::optional<LocalEntry>(std::move(*entry));
  }

  Result<std::vector<LocalEntry>> ListLocal() override {
    IKEWOT_ASSIGN_STMT(q, *db_,
                       "SELECT der, verdict, policy, decided_at, note, ike_id, endorsement "
                       "FROM local_entries ORDER BY decided_at, fp");
    std::vector<LocalEntry> out;
    while (true) {
      auto row = q.Step();
      if (!row.ok()) return row.error();
      if (!*row) return out;
      auto entry = ReadLocal(q);
      if (!entry.ok()) return entry.error();
      out.push_back(std::move(*entry));
    }
  }

  Status PutLocal(const LocalEntry& e) override {
    auto old = GetLocal(e.fingerprint());
    if (!old.ok()) return old.error();
    if (*old) IKEWOT_RETURN_IF_ERROR(Unindex((*old)->identities(), e.fingerprint()));
    IKEWOT_ASSIGN_STMT(q, *db_,
                       "INSERT OR REPLACE INTO local_entries (fp, der, verdict, policy, "
                       "decided_at, note, ike_id, endorsement) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    auto policy = EncodePolicy(e.policy);
    if (!policy.ok()) return policy.error();
    q.Bind(1, e.fingerprint())
        .Bind(2, e.certificate)
        .Bind(3, static_cast<int64_t>(e.verdict))
        .Bind(4, *policy)
        .Bind(5, e.decided_at)
        .BindText(6, e.note)
        .BindText(7, e.ike_id)
        .Bind(8, e.endorsement);
    IKEWOT_RETURN_IF_ERROR(q.Run());
    IKEWOT_RETURN_IF_ERROR(Index(e.identities(), e.fingerprint()));
    Mirror([&](TrustBackend& index) { return index.PutLocal(e); });
    return Status::Ok();
  }

  Result<bool> DeleteLocal(ByteView fingerprint) override {
    auto old = GetLocal(fingerprint);
    if (!old.ok()) return old.error();
    if (!*old) return false;
    IKEWOT_RETURN_IF_ERROR(Unindex((*old)->identities(), fingerprint));
    IKEWOT_ASSIGN_STMT(q, *db_, "DELETE FROM local_entries WHERE fp = ?");
    IKEWOT_RETURN_IF_ERROR(q.Bind(1, fingerprint).Run());
    Mirror([&](TrustBackend& index) { return index.DeleteLocal(fingerprint).status(); });
    return true;
  }

  Result<std::vector<CollectionInfo>> ListCollections() override {
    IKEWOT_ASSIGN_INDEX(index);
    if (index) return index->ListCollections();
    IKEWOT_ASSIGN_STMT(q, *db_,
                       "SELECT id, name, signer_fp, signer_der, signer_subject, sequence, "
                       "created, imported_at, enabled, cond_kind, cond_peer, cond_from, "
                       "cond_until, max_depth, signer_override, encrypted, content_hash, "
                       "entry_count, removal_count FROM collections ORDER BY id");
    std::vector<CollectionInfo> out;
    while (true) {
      auto row = q.Step();
      if (!row.ok()) return row.error();
      if (!*row) return out;
      CollectionInfo c;
      c.id = q.Int(0);
      c.name = q.Text(1);
      c.signer_fingerprint = q.Blob(2);
      c.signer_certificate = q.Blob(3);
      c.signer_subject = q.Text(4);
      c.sequence = static_cast<uint64_t>(q.Int(5));
      c.created = q.Int(6);
      c.imported_at = q.Int(7);
      c.enabled = q.Int(8) != 0;
      c.condition.kind = static_cast<Condition::Kind>(q.Int(9));
      c.condition.peer = q.Text(10);
      c.condition.from = q.Int(11);
      c.condition.until = q.Int(12);
      c.max_depth = static_cast<uint32_t>(q.Int(13));
      c.signer_override = q.Int(14) != 0;
      c.encrypted = q.Int(15) != 0;
      c.content_hash = q.Blob(16);
      c.entry_count = static_cast<uint64_t>(q.Int(17));
      c.removal_count = static_cast<uint64_t>(q.Int(18));
      out.push_back(std::move(c));
    }
  }

  Status PutCollection(CollectionInfo* info, const std::vector<EntryRef>& entries,
                       const std::vector<Bytes>& removals) override {
    info->entry_count = entries.size();
    info->removal_count = removals.size();
    if (info->id != 0) {
      IKEWOT_RETURN_IF_ERROR(ClearCollection(info->id));
      IKEWOT_RETURN_IF_ERROR(UpdateCollection(*info));
      IKEWOT_ASSIGN_STMT(counts, *db_,
                         "UPDATE collections SET entry_count = ?, removal_count = ? "
                         "WHERE id = ?");
      IKEWOT_RETURN_IF_ERROR(counts.Bind(1, static_cast<int64_t>(entries.size()))
                                 .Bind(2, static_cast<int64_t>(removals.size()))
                                 .Bind(3, info->id)
                                 .Run());
    } else {
      IKEWOT_ASSIGN_STMT(q, *db_,
                         "INSERT INTO collections (name, signer_fp, signer_der, signer_subject, "
                         "sequence, created, imported_at, enabled, cond_kind, cond_peer, "
                         "cond_from, cond_until, max_depth, signer_override, encrypted, "
                         "content_hash, entry_count, removal_count) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      BindInfo(q, *info);
      q.Bind(17, static_cast<int64_t>(entries.size()))
          .Bind(18, static_cast<int64_t>(removals.size()));
      IKEWOT_RETURN_IF_ERROR(q.Run());
      info->id = db_->LastInsertRowid();
    }
    // Chunks hold their entries in fingerprint order (sqlite_chunks.h).
    std::vector<sqlite::EntryToStore> by_fp;
    {
      std::vector<ByteView> fingerprints;
      fingerprints.reserve(entries.size());
      for (const EntryRef& e : entries) fingerprints.push_back(e->cert.fingerprint);
      by_fp.reserve(entries.size());
      for (uint32_t i : SortedOrder(fingerprints)) {
        const PreparedEntry& e = *entries[i];
        by_fp.push_back({e.cert.fingerprint, e.entry.der, &e.cert.identities});
      }
    }
    IKEWOT_RETURN_IF_ERROR(sqlite::WriteCollectionChunks(*db_, info->id, by_fp));
    IKEWOT_ASSIGN_STMT(rm, *db_, "INSERT INTO removals (collection_id, fp) VALUES (?, ?)");
    for (const Bytes& fp : removals) {
      IKEWOT_RETURN_IF_ERROR(rm.Bind(1, info->id).Bind(2, fp).Run());
    }
    Mirror([&](TrustBackend& index) {
      CollectionInfo copy = *info;
      return index.PutCollection(&copy, entries, removals);
    });
    return Status::Ok();
  }

  Status UpdateCollection(const CollectionInfo& info) override {
    IKEWOT_ASSIGN_STMT(q, *db_,
                       "UPDATE collections SET name = ?, signer_fp = ?, signer_der = ?, "
                       "signer_subject = ?, sequence = ?, created = ?, imported_at = ?, "
                       "enabled = ?, cond_kind = ?, cond_peer = ?, cond_from = ?, "
                       "cond_until = ?, max_depth = ?, signer_override = ?, encrypted = ?, "
                       "content_hash = ? WHERE id = ?");
    BindInfo(q, info);
    q.Bind(17, info.id);
    IKEWOT_RETURN_IF_ERROR(q.Run());
    if (sqlite3_changes(db_->handle()) != 1) {
      return MakeError(ErrorCode::kNotFound, "no collection with id " + std::to_string(info.id));
    }
    Mirror([&](TrustBackend& index) { return index.UpdateCollection(info); });
    return Status::Ok();
  }

  Result<bool> DeleteCollection(int64_t id) override {
    IKEWOT_RETURN_IF_ERROR(ClearCollection(id));
    IKEWOT_ASSIGN_STMT(q, *db_, "DELETE FROM collections WHERE id = ?");
    IKEWOT_RETURN_IF_ERROR(q.Bind(1, id).Run());
    const bool deleted = sqlite3_changes(db_->handle()) == 1;
    Mirror([&](TrustBackend& index) { return index.DeleteCollection(id).status(); });
    return deleted;
  }

  Result<std::vector<CollectionEntry>> EntriesFor(ByteView fingerprint) override {
    IKEWOT_ASSIGN_INDEX(index);
    if (index) return index->EntriesFor(fingerprint);
    auto chunks = sqlite::EntryChunksCovering(*db_, fingerprint);
    if (!chunks.ok()) return chunks.error();
    std::vector<CollectionEntry> out;
    for (const auto& [collection_id, chunk] : *chunks) {
      auto parsed = sqlite::ParseEntryChunk(chunk);
      if (!parsed.ok()) return Corrupt("collection entry chunk", parsed.error());
      auto it = std::lower_bound(parsed->begin(), parsed->end(), fingerprint,
                                 [](const sqlite::ChunkEntry& e, ByteView fp) {
                                   return std::ranges::lexicographical_compare(e.fingerprint, fp);
                                 });
      if (it == parsed->end() || !std::ranges::equal(it->fingerprint, fingerprint)) continue;
      auto entry = ReadEntry(it->der);
      if (!entry.ok()) return entry.error();
      out.push_back(CollectionEntry{collection_id, std::move(*entry)});
    }
    return out;
  }

  Result<std::vector<EntryRef>> EntriesOf(int64_t collection_id) override {
    auto chunks = sqlite::EntryChunksOf(*db_, collection_id);
    if (!chunks.ok()) return chunks.error();
    std::vector<EntryRef> out;
    ByteView previous;
    for (const Bytes& chunk : *chunks) {
      auto parsed = sqlite::ParseEntryChunk(chunk);
      if (!parsed.ok()) return Corrupt("collection entry chunk", parsed.error());
      // Each chunk is sorted; chunks must follow each other in order too.
      if (!previous.empty() &&
          !std::ranges::lexicographical_compare(previous, parsed->front().fingerprint)) {
        return MakeError(ErrorCode::kBadValue,
                         "trust store row is corrupt (collection entry chunk): chunks of "
                         "collection " +
                             std::to_string(collection_id) + " are out of order");
      }
      previous = parsed->back().fingerprint;
      for (const sqlite::ChunkEntry& e : *parsed) {
        auto entry = ReadEntry(e.der);
        if (!entry.ok()) return entry.error();
        out.push_back(std::move(*entry));
      }
    }
    return out;
  }

  Result<std::vector<Bytes>> RemovalsOf(int64_t collection_id) override {
    IKEWOT_ASSIGN_STMT(q, *db_, "SELECT fp FROM removals WHERE collection_id = ? ORDER BY fp");
    return q.Bind(1, collection_id).AllBlobs();
  }

  Result<std::vector<int64_t>> CollectionsRemoving(ByteView fingerprint) override {
    IKEWOT_ASSIGN_INDEX(index);
    if (index) return index->CollectionsRemoving(fingerprint);
    IKEWOT_ASSIGN_STMT(q, *db_, "SELECT collection_id FROM removals WHERE fp = ?");
    q.Bind(1, fingerprint);
    std::vector<int64_t> out;
    while (true) {
      auto row = q.Step();
      if (!row.ok()) return row.error();
      if (!*row) return out;
      out.push_back(q.Int(0));
    }
  }

  Result<std::vector<Bytes>> FingerprintsWithIdentity(std::string_view identity) override {
    IKEWOT_ASSIGN_INDEX(index);
    if (index) return index->FingerprintsWithIdentity(identity);
    // Local entries' rows, then each collection's one identity chunk that may name it.
    IKEWOT_ASSIGN_STMT(q, *db_, "SELECT fp FROM identities WHERE identity = ?");
    auto local = q.BindText(1, identity).AllBlobs();
    if (!local.ok()) return local.error();
    std::vector<Bytes> out = std::move(*local);
    auto chunks = sqlite::IdentityChunksCovering(*db_, identity);
    if (!chunks.ok()) return chunks.error();
    for (const Bytes& chunk : *chunks) {
      auto groups = sqlite::ParseIdentityChunk(chunk);
      if (!groups.ok()) return Corrupt("collection identity chunk", groups.error());
      for (const sqlite::IdentityGroup& g : *groups) {
        if (g.identity != identity) continue;
        for (ByteView fp : g.fingerprints) out.emplace_back(fp.begin(), fp.end());
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  Result<std::vector<std::string>> SharedIdentities() override {
    // Every (identity, fingerprint) pair, local and from every collection's identity chunks,
    // merged: an identity is shared when it names two different fingerprints.
    IKEWOT_ASSIGN_STMT(q, *db_, "SELECT identity, fp FROM identities");
    std::vector<std::pair<std::string, Bytes>> local;
    while (true) {
      auto row = q.Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      local.emplace_back(q.Text(0), q.Blob(1));
    }
    auto chunks = sqlite::AllIdentityChunks(*db_);
    if (!chunks.ok()) return chunks.error();
    std::vector<IdentityPair> pairs;
    for (const auto& [id, fp] : local) pairs.emplace_back(id, fp);
    for (const Bytes& chunk : *chunks) {
      auto groups = sqlite::ParseIdentityChunk(chunk);
      if (!groups.ok()) return Corrupt("collection identity chunk", groups.error());
      for (const sqlite::IdentityGroup& g : *groups) {
        for (ByteView fp : g.fingerprints) pairs.emplace_back(g.identity, fp);
      }
    }
    SortIdentityPairs(&pairs);
    std::vector<std::string> out;
    for (size_t i = 1; i < pairs.size(); ++i) {
      if (pairs[i].first != pairs[i - 1].first ||
          std::ranges::equal(pairs[i].second, pairs[i - 1].second)) {
        continue;
      }
      if (out.empty() || out.back() != pairs[i].first) out.emplace_back(pairs[i].first);
    }
    return out;
  }

  Result<std::optional<uint64_t>> HighestSequence(ByteView signer) override {
    IKEWOT_ASSIGN_STMT(q, *db_, "SELECT sequence FROM signer_sequences WHERE signer_fp = ?");
    q.Bind(1, signer);
    auto row = q.Step();
    if (!row.ok()) return row.error();
    if (!*row) return std::optional<uint64_t>();
    return std::optional<uint64_t>(static_cast<uint64_t>(q.Int(0)));
  }

  Status SetHighestSequence(ByteView signer, uint64_t sequence) override {
    IKEWOT_ASSIGN_STMT(q, *db_,
                       "INSERT OR REPLACE INTO signer_sequences (signer_fp, sequence) "
                       "VALUES (?, ?)");
    return q.Bind(1, signer).Bind(2, static_cast<int64_t>(sequence)).Run();
  }

  Result<std::vector<std::pair<Bytes, bool>>> SharedHistory() override {
    IKEWOT_ASSIGN_STMT(q, *db_, "SELECT fp, withdrawn FROM shared ORDER BY fp");
    std::vector<std::pair<Bytes, bool>> out;
    while (true) {
      auto row = q.Step();
      if (!row.ok()) return row.error();
      if (!*row) return out;
      out.emplace_back(q.Blob(0), q.Int(1) != 0);
    }
  }

  Status PutShared(ByteView fingerprint, bool withdrawn) override {
    IKEWOT_ASSIGN_STMT(q, *db_, "INSERT OR REPLACE INTO shared (fp, withdrawn) VALUES (?, ?)");
    return q.Bind(1, fingerprint).Bind(2, int64_t{withdrawn ? 1 : 0}).Run();
  }

  Status AppendEvent(Event* event) override {
    IKEWOT_ASSIGN_STMT(q, *db_,
                       "INSERT INTO events (at, kind, subject, detail) VALUES (?, ?, ?, ?)");
    IKEWOT_RETURN_IF_ERROR(q.Bind(1, event->at)
                               .BindText(2, event->kind)
                               .BindText(3, event->subject)
                               .BindText(4, event->detail)
                               .Run());
    event->id = db_->LastInsertRowid();
    return Status::Ok();
  }

  Result<std::vector<Event>> Events(int64_t after_id, size_t limit) override {
    IKEWOT_ASSIGN_STMT(q, *db_,
                       "SELECT id, at, kind, subject, detail FROM events WHERE id > ? "
                       "ORDER BY id LIMIT ?");
    q.Bind(1, after_id).Bind(2, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
    std::vector<Event> out;
    while (true) {
      auto row = q.Step();
      if (!row.ok()) return row.error();
      if (!*row) return out;
      out.push_back(Event{q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Text(4)});
    }
  }

 private:
  static void BindInfo(sqlite::Statement& q, const CollectionInfo& c) {
    q.BindText(1, c.name)
        .Bind(2, c.signer_fingerprint)
        .Bind(3, c.signer_certificate)
        .BindText(4, c.signer_subject)
        .Bind(5, static_cast<int64_t>(c.sequence))
        .Bind(6, c.created)
        .Bind(7, c.imported_at)
        .Bind(8, int64_t{c.enabled ? 1 : 0})
        .Bind(9, static_cast<int64_t>(c.condition.kind))
        .BindText(10, c.condition.peer)
        .Bind(11, c.condition.from)
        .Bind(12, c.condition.until)
        .Bind(13, static_cast<int64_t>(c.max_depth))
        .Bind(14, int64_t{c.signer_override ? 1 : 0})
        .Bind(15, int64_t{c.encrypted ? 1 : 0})
        .Bind(16, c.content_hash);
  }

  static Result<LocalEntry> ReadLocal(const sqlite::Statement& q) {
    LocalEntry e;
    e.certificate = q.Blob(0);
    auto cert = SummarizeCertificate(e.certificate);
    if (!cert.ok()) return Corrupt("local certificate", cert.error());
    e.cert = std::move(*cert);
    const int64_t verdict = q.Int(1);
    if (verdict < 0 || verdict > 2) {
      return MakeError(ErrorCode::kBadValue, "trust store row has an unknown verdict");
    }
    e.verdict = static_cast<LocalVerdict>(verdict);
    auto policy = DecodePolicy(q.Blob(2));
    if (!policy.ok()) return Corrupt("local policy", policy.error());
    e.policy = std::move(*policy);
    e.decided_at = q.Int(3);
    e.note = q.Text(4);
    e.ike_id = q.Text(5);
    e.endorsement = q.Blob(6);
    return e;
  }

  static Result<EntryRef> ReadEntry(ByteView der) {
    auto entry = ParseSignedEntry(der);
    if (!entry.ok()) return Corrupt("collection entry", entry.error());
    auto cert = SummarizeCertificate(entry->tbs.certificate);
    if (!cert.ok()) return Corrupt("collection certificate", cert.error());
    return EntryRef(
        std::make_shared<const PreparedEntry>(PreparedEntry{std::move(*entry), std::move(*cert)}));
  }

  // One reference more for each (identity, fingerprint) of a local entry.
  Status Index(const std::vector<std::string>& identities, ByteView fp) {
    IKEWOT_ASSIGN_STMT(q, *db_,
                       "INSERT INTO identities (identity, fp, refs) VALUES (?, ?, 1) "
                       "ON CONFLICT (identity, fp) DO UPDATE SET refs = refs + 1");
    for (const std::string& identity : identities) {
      IKEWOT_RETURN_IF_ERROR(q.BindText(1, identity).Bind(2, fp).Run());
    }
    return Status::Ok();
  }

  Status Unindex(const std::vector<std::string>& identities, ByteView fp) {
    IKEWOT_ASSIGN_STMT(dec, *db_,
                       "UPDATE identities SET refs = refs - 1 WHERE identity = ? AND fp = ?");
    IKEWOT_ASSIGN_STMT(gc, *db_,
                       "DELETE FROM identities WHERE identity = ? AND fp = ? AND refs <= 0");
    for (const std::string& id : identities) {
      IKEWOT_RETURN_IF_ERROR(dec.BindText(1, id).Bind(2, fp).Run());
      IKEWOT_RETURN_IF_ERROR(gc.BindText(1, id).Bind(2, fp).Run());
    }
    return Status::Ok();
  }

  // Drops a collection's chunks (entries and identity index alike) and removals.
  Status ClearCollection(int64_t id) {
    IKEWOT_RETURN_IF_ERROR(sqlite::DeleteCollectionChunks(*db_, id));
    IKEWOT_ASSIGN_STMT(r, *db_, "DELETE FROM removals WHERE collection_id = ?");
    return r.Bind(1, id).Run();
  }

  // --- The decision index ---
  // A copy of what decisions read (local entries, collections with their parsed entries and
  // removals) in a memory backend, so a decision costs what it costs in memory instead of a
  // dozen SQL queries and parsing the stored entries again. Built from one read transaction
  // on the second ReadSnapshot of this handle (a one-shot CLI command never pays for it),
  // kept exact by mirroring this handle's writes, and dropped whenever that cannot be
  // guaranteed: another handle or process committed (PRAGMA data_version moved), a
  // transaction rolled back, a write ran outside a transaction.

  static constexpr int kSnapshotsBeforeIndex = 2;

  Result<int64_t> DataVersion() {
    IKEWOT_ASSIGN_STMT(q, *db_, "PRAGMA data_version");
    auto row = q.Step();
    if (!row.ok()) return row.error();
    if (!*row) return MakeError(ErrorCode::kIo, "sqlite: PRAGMA data_version returned no row");
    return q.Int(0);
  }

  // Drops the index if anyone else has committed since it was current.
  Status ValidateIndex() {
    if (!index_) return Status::Ok();
    auto version = DataVersion();
    if (!version.ok()) return version.error();
    if (*version != index_version_) index_.reset();
    return Status::Ok();
  }

  Result<TrustBackend*> UsableIndex() {
    // Inside a transaction or a snapshot the index was validated when it began.
    if (!index_ || depth_ > 0 || snapshot_depth_ > 0) return index_.get();
    IKEWOT_RETURN_IF_ERROR(ValidateIndex());
    return index_.get();
  }

  void Mirror(const std::function<Status(TrustBackend&)>& write) {
    if (!index_) return;
    if (depth_ == 0 || !write(*index_).ok()) index_.reset();
  }

  // A store whose rows cannot all be read is still usable row by row through SQL (which
  // reports the bad row where it matters): a failed build is not retried until the data
  // changes.
  Status BuildIndex() {
    IKEWOT_RETURN_IF_ERROR(db_->Exec("BEGIN"));  // one read transaction: one state
    auto version = DataVersion();
    if (!version.ok()) {
      Status ended = db_->Exec("ROLLBACK");
      (void)ended;
      return version.error();
    }
    std::unique_ptr<TrustBackend> index;
    if (*version != failed_build_version_) {
      auto loaded = LoadIndex();
      if (loaded.ok()) {
        index = std::move(*loaded);
      } else {
        failed_build_version_ = *version;
      }
    }
    IKEWOT_RETURN_IF_ERROR(db_->Exec("COMMIT"));
    index_ = std::move(index);
    index_version_ = *version;
    return Status::Ok();
  }

  Result<std::unique_ptr<TrustBackend>> LoadIndex() {
    auto index = MakeMemoryBackend();
    auto local = ListLocal();
    if (!local.ok()) return local.error();
    for (const LocalEntry& e : *local) IKEWOT_RETURN_IF_ERROR(index->PutLocal(e));
    auto collections = ListCollections();  // index_ is null here: from SQLite
    if (!collections.ok()) return collections.error();
    for (CollectionInfo& c : *collections) {
      auto entries = EntriesOf(c.id);
      if (!entries.ok()) return entries.error();
      auto removals = RemovalsOf(c.id);
      if (!removals.ok()) return removals.error();
      IKEWOT_RETURN_IF_ERROR(index->PutCollection(&c, *entries, *removals));
    }
    return index;
  }

  std::unique_ptr<sqlite::Database> db_;
  int depth_ = 0;
  std::unique_ptr<TrustBackend> index_;
  int64_t index_version_ = 0;          // data_version when index_ was last known exact
  int64_t failed_build_version_ = -1;  // data_version of the last build that failed
  int snapshot_depth_ = 0;
  int snapshots_ = 0;
};

}  // namespace

Result<std::unique_ptr<TrustBackend>> OpenSqliteBackend(const std::string& path) {
  auto db = sqlite::Database::Open(path);
  if (!db.ok()) return db.error();
  auto backend = std::make_unique<SqliteBackend>(std::move(*db));
  IKEWOT_RETURN_IF_ERROR(backend->Init());
  return std::unique_ptr<TrustBackend>(std::move(backend));
}

}  // namespace ikewot::trust
