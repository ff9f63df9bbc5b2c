#include "core/trust/sqlite_db.h"

namespace ikewot::trust::sqlite {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message = "sqlite: " + std::string(what) + ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return MakeError(ErrorCode::kIo, message);
}

Statement::~Statement() {
  if (stmt_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::Bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, ByteView blob) {
  // A zero-length blob must still bind as a blob (not NULL): give SQLite a valid pointer.
  static const uint8_t kEmpty = 0;
  const int rc = sqlite3_bind_blob64(stmt_, index, blob.empty() ? &kEmpty : blob.data(),
                                     blob.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindNoCopy(int index, ByteView blob) {
  static const uint8_t kEmpty = 0;
  const int rc = sqlite3_bind_blob64(stmt_, index, blob.empty() ? &kEmpty : blob.data(),
                                     blob.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindText(int index, std::string_view text) {
  const int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindTextNoCopy(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(),
                                     SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Status Statement::Check(int rc, const char* what) const {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return Status::Ok();
  return SqliteError(db_, rc, std::string(what) + " [" + sqlite3_sql(stmt_) + "]");
}

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) return Check(bind_error_, "bind").error();
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Check(rc, "step").error();
}

Status Statement::Run() {
  Status s;
  while (true) {
    auto row = Step();
    if (!row.ok()) {
      s = row.error();
      break;
    }
    if (!*row) break;
  }
  sqlite3_reset(stmt_);
  bind_error_ = SQLITE_OK;
  return s;
}

Result<std::vector<Bytes>> Statement::AllBlobs(int column) {
  std::vector<Bytes> out;
  while (true) {
    auto row = Step();
    if (!row.ok()) return row.error();
    if (!*row) return out;
    out.push_back(Blob(column));
  }
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

Bytes Statement::Blob(int column) const {
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  if (!data || n <= 0) return {};
  return Bytes(data, data + n);
}

std::string Statement::Text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  if (!data || n <= 0) return {};
  return std::string(data, static_cast<size_t>(n));
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e = SqliteError(db, rc, "opening " + path);
    sqlite3_close(db);
    return e;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Database>(new Database(db));
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Database::Exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return MakeError(ErrorCode::kIo, "sqlite: " + text);
}

Result<Statement> Database::Prepare(const char* sql) {
  auto it = cache_.find(std::string_view(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, std::string("preparing ") + sql);
    it = cache_.emplace(sql, stmt).first;
  }
  return Statement(db_, it->second);
}

}  // namespace ikewot::trust::sqlite
