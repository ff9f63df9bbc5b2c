#include "core/trust/sqlite_collection_rows.h"

#include <algorithm>

#include "core/trust/sort_keys.h"
#include "core/trust/sqlite_chunks.h"

namespace ikewot::trust::sqlite {
namespace {

Status CheckCollectionId(int64_t collection_id) {
  if (collection_id <= 0 || collection_id > kMaxCollectionId) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "collection id " + std::to_string(collection_id) + " does not fit the store");
  }
  return Status::Ok();
}

}  // namespace

Status WriteCollectionChunks(Database& db, int64_t collection_id,
                             const std::vector<EntryToStore>& entries) {
  IKEWOT_RETURN_IF_ERROR(CheckCollectionId(collection_id));
  Bytes chunk;
  {
    IKEWOT_ASSIGN_STMT(add, db,
                       "INSERT INTO collection_chunks (id, collection_id, first_fp, entries) "
                       "VALUES (?, ?, ?, ?)");
    std::vector<ChunkEntry> part;
    int64_t ordinal = 0;
    for (size_t begin = 0; begin < entries.size(); begin += kEntriesPerChunk) {
      const size_t end = std::min(entries.size(), begin + kEntriesPerChunk);
      part.clear();
      for (size_t i = begin; i < end; ++i) {
        part.push_back(ChunkEntry{entries[i].fingerprint, entries[i].der});
      }
      chunk.clear();
      IKEWOT_RETURN_IF_ERROR(EncodeEntryChunk(part, &chunk));
      IKEWOT_RETURN_IF_ERROR(add.Bind(1, ChunkRowId(collection_id, ++ordinal))
                                 .Bind(2, collection_id)
                                 .BindNoCopy(3, part.front().fingerprint)
                                 .BindNoCopy(4, chunk)
                                 .Run());
    }
  }
  std::vector<IdentityPair> pairs;
  pairs.reserve(3 * entries.size());
  for (const EntryToStore& e : entries) {
    if (!e.identities) continue;
    for (const std::string& id : *e.identities) pairs.emplace_back(id, e.fingerprint);
  }
  SortIdentityPairs(&pairs);
  // A certificate may name one identity twice (e.g. the same SAN in two forms that
  // canonicalize alike); the index holds each pair once.
  pairs.erase(std::unique(pairs.begin(), pairs.end(),
                          [](const IdentityPair& a, const IdentityPair& b) {
                            return a.first == b.first && std::ranges::equal(a.second, b.second);
                          }),
              pairs.end());
  IKEWOT_ASSIGN_STMT(add, db,
                     "INSERT INTO collection_identity_chunks (id, collection_id, "
                     "first_identity, groups) VALUES (?, ?, ?, ?)");
  int64_t ordinal = 0;
  for (std::span<const IdentityPair> range : PlanIdentityChunks(pairs)) {
    chunk.clear();
    IKEWOT_RETURN_IF_ERROR(EncodeIdentityChunk(range, &chunk));
    IKEWOT_RETURN_IF_ERROR(add.Bind(1, ChunkRowId(collection_id, ++ordinal))
                               .Bind(2, collection_id)
                               .BindTextNoCopy(3, range.front().first)
                               .BindNoCopy(4, chunk)
                               .Run());
  }
  return Status::Ok();
}

Status DeleteCollectionChunks(Database& db, int64_t collection_id) {
  if (collection_id <= 0 || collection_id > kMaxCollectionId) return Status::Ok();
  for (const char* sql : {"DELETE FROM collection_chunks WHERE id > ? AND id < ?",
                          "DELETE FROM collection_identity_chunks WHERE id > ? AND id < ?"}) {
    IKEWOT_ASSIGN_STMT(q, db, sql);
    IKEWOT_RETURN_IF_ERROR(
        q.Bind(1, ChunkRowId(collection_id, 0)).Bind(2, ChunkRowId(collection_id + 1, 0)).Run());
  }
  return Status::Ok();
}

Result<std::vector<Bytes>> EntryChunksOf(Database& db, int64_t collection_id) {
  if (collection_id <= 0 || collection_id > kMaxCollectionId) return std::vector<Bytes>();
  IKEWOT_ASSIGN_STMT(q, db,
                     "SELECT entries FROM collection_chunks WHERE id > ? AND id < ? ORDER BY id");
  q.Bind(1, ChunkRowId(collection_id, 0)).Bind(2, ChunkRowId(collection_id + 1, 0));
  return q.AllBlobs();
}

Result<std::vector<std::pair<int64_t, Bytes>>> EntryChunksCovering(Database& db,
                                                                   ByteView fingerprint) {
  IKEWOT_ASSIGN_STMT(q, db,
                     "SELECT id, chunk FROM (SELECT c.id AS id, (SELECT k.entries FROM "
                     "collection_chunks k WHERE k.collection_id = c.id AND k.first_fp <= ?1 "
                     "ORDER BY k.first_fp DESC LIMIT 1) AS chunk FROM collections c) "
                     "WHERE chunk IS NOT NULL ORDER BY id");
  q.Bind(1, fingerprint);
  std::vector<std::pair<int64_t, Bytes>> out;
  while (true) {
    auto row = q.Step();
    if (!row.ok()) return row.error();
    if (!*row) return out;
    out.emplace_back(q.Int(0), q.Blob(1));
  }
}

Result<std::vector<Bytes>> IdentityChunksCovering(Database& db, std::string_view identity) {
  IKEWOT_ASSIGN_STMT(q, db,
                     "SELECT chunk FROM (SELECT c.id AS id, (SELECT k.groups FROM "
                     "collection_identity_chunks k WHERE k.collection_id = c.id AND "
                     "k.first_identity <= ?1 ORDER BY k.first_identity DESC LIMIT 1) AS chunk "
                     "FROM collections c) WHERE chunk IS NOT NULL ORDER BY id");
  q.BindText(1, identity);
  return q.AllBlobs();
}

Result<std::vector<Bytes>> AllIdentityChunks(Database& db) {
  IKEWOT_ASSIGN_STMT(q, db,
                     "SELECT groups FROM collection_identity_chunks WHERE collection_id IN "
                     "(SELECT id FROM collections) ORDER BY id");
  return q.AllBlobs();
}

}  // namespace ikewot::trust::sqlite
