// A collection's rows in schema version 3: its entry chunks and identity chunks
// (core/trust/sqlite_chunks.h), written, found and deleted with SQL. Shared by the backend and
// the version 2 -> 3 migration. Chunks come back as stored; the caller parses them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/trust/sqlite_db.h"

namespace ikewot::trust::sqlite {

// Row id of a collection's chunk number `ordinal` (1-based) in either chunk table: a
// collection's chunks are the contiguous id range (ChunkRowId(id, 0), ChunkRowId(id + 1, 0)),
// read in order and deleted by range.
inline int64_t ChunkRowId(int64_t collection_id, int64_t ordinal) {
  return (collection_id << 32) + ordinal;
}
// Collection ids are SQLite's (max + 1), so small; this bound keeps ChunkRowId in range.
inline constexpr int64_t kMaxCollectionId = (int64_t{1} << 30) - 1;

struct EntryToStore {
  ByteView fingerprint;
  ByteView der;                                // SignedEntry
  const std::vector<std::string>* identities;  // the certificate's, may be null (none)
};

// Writes a collection's chunks; `entries` are in strictly increasing fingerprint order.
// Binds the chunks without copying: nothing here outlives the call.
[[nodiscard]] Status WriteCollectionChunks(Database& db, int64_t collection_id,
                                           const std::vector<EntryToStore>& entries);
[[nodiscard]] Status DeleteCollectionChunks(Database& db, int64_t collection_id);

// The collection's entry chunks in order.
Result<std::vector<Bytes>> EntryChunksOf(Database& db, int64_t collection_id);
// Per collection (by id) the one entry chunk that holds `fingerprint` if any collection does:
// the chunk with the greatest first fingerprint <= it.
Result<std::vector<std::pair<int64_t, Bytes>>> EntryChunksCovering(Database& db,
                                                                   ByteView fingerprint);
// Per collection the one identity chunk that holds `identity` if the collection names it.
Result<std::vector<Bytes>> IdentityChunksCovering(Database& db, std::string_view identity);
// Every collection's identity chunks.
Result<std::vector<Bytes>> AllIdentityChunks(Database& db);

}  // namespace ikewot::trust::sqlite
