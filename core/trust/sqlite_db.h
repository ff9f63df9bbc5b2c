// A small RAII layer over the SQLite C API for the trust store: one connection, prepared
// statements cached per SQL text, errors as Status values (kIo) that quote SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"

// `var`: a Statement& for `sql` from Database `db`'s cache; returns the error if preparing fails.
#define IKEWOT_ASSIGN_STMT(var, db, sql)               \
  auto var##_result = (db).Prepare(sql);               \
  if (!var##_result.ok()) return var##_result.error(); \
  ::ikewot::trust::sqlite::Statement& var = *var##_result

namespace ikewot::trust::sqlite {

// A cached prepared statement in use. Binds are 1-based like SQLite's; the statement is reset
// and its bindings cleared when this object goes away, so it can be reused.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept
      : db_(other.db_), stmt_(other.stmt_), bind_error_(other.bind_error_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, ByteView blob);
  // Binds without copying: `blob` must stay alive and unchanged until the statement has run
  // (Run) and is bound again or goes away. For rows inserted by the thousand.
  Statement& BindNoCopy(int index, ByteView blob);
  Statement& BindText(int index, std::string_view text);
  Statement& BindTextNoCopy(int index, std::string_view text);  // as BindNoCopy

  // true: a row is available; false: done.
  Result<bool> Step();
  // Steps to completion (for statements that return no rows) and resets the statement, so
  // it can be bound and run again (e.g. once per row to insert).
  Status Run();

  // Steps to completion, collecting one column's blob from every row.
  Result<std::vector<Bytes>> AllBlobs(int column = 0);

  int64_t Int(int column) const;
  Bytes Blob(int column) const;
  std::string Text(int column) const;

 private:
  Status Check(int rc, const char* what) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = SQLITE_OK;
};

class Database {
 public:
  // Opens (creating if needed) with extended result codes.
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results (schema, pragmas, BEGIN/COMMIT).
  Status Exec(const char* sql);
  // A statement from the cache (prepared on first use).
  Result<Statement> Prepare(const char* sql);
  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

Error SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace ikewot::trust::sqlite
