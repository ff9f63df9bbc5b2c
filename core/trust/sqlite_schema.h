// The SQLite trust store's schema: creating it in a new file and migrating older versions.
#pragma once

#include <cstdint>

#include "core/base/status.h"
#include "core/trust/sqlite_db.h"

namespace ikewot::trust::sqlite {

// Version 1: collection_entries was a WITHOUT ROWID table keyed (collection_id, fp).
// Version 2: collection_entries is a rowid table; see EntryRowId.
inline constexpr int64_t kSchemaVersion = 2;

// Creates the schema in a database without one, or migrates an older version to
// kSchemaVersion (keeping every row). Runs inside a write transaction the caller has begun, so
// a migration interrupted at any point (kill -9, power loss) leaves the old version intact.
// A version newer than this code understands is kUnsupported.
[[nodiscard]] Status CreateOrMigrate(Database& db);

// Row id of the entry at `ordinal` (1-based position in fingerprint order) of a collection:
// the collection's entries are one contiguous id range [EntryRowId(id, 0), EntryRowId(id + 1,
// 0)), scanned in fingerprint order by id, and deleted by range -- without a second index.
inline int64_t EntryRowId(int64_t collection_id, int64_t ordinal) {
  return (collection_id << 32) + ordinal;
}
// Collections hold at most this many entries (the collection format's limit is far lower).
inline constexpr int64_t kMaxEntriesPerCollection = (int64_t{1} << 32) - 1;

}  // namespace ikewot::trust::sqlite
