// The SQLite trust store's schema: creating it in a new file and migrating older versions.
#pragma once

#include <cstdint>

#include "core/base/status.h"
#include "core/trust/sqlite_db.h"

namespace ikewot::trust::sqlite {

// Version 1: collection_entries was a WITHOUT ROWID table keyed (collection_id, fp).
// Version 2: collection_entries was a rowid table, one row per entry, ids (collection << 32) +
//            position, and the identities table indexed local and collection entries alike.
// Version 3: a collection's entries and its identity index are chunks
//            (core/trust/sqlite_chunks.h) in collection_chunks and collection_identity_chunks;
//            the identities table indexes local entries only.
inline constexpr int64_t kSchemaVersion = 3;

// Creates the schema in a database without one, or migrates an older version to
// kSchemaVersion (keeping every record). Runs inside a write transaction the caller has begun,
// so a migration interrupted at any point (kill -9, power loss) leaves the old version intact.
// A version newer than this code understands is kUnsupported.
[[nodiscard]] Status CreateOrMigrate(Database& db);

}  // namespace ikewot::trust::sqlite
