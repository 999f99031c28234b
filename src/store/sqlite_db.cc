#include "store/sqlite_db.h"

#include <string>

namespace cotenant::store {

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_);
  std::string text = sql != nullptr ? std::string(sql).substr(0, 60) : "";
  return Status(rc == SQLITE_CORRUPT ? StatusCode::kCorruption : StatusCode::kIoError,
                "sqlite: " + std::string(sqlite3_errmsg(db_)) + " (in `" + text + "...`)");
}

Status Statement::Run() {
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Status Database::Open(const std::string& path, bool read_only) {
  path_ = path;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    return IoError("cannot open store " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 0);
  return Status::Ok();
}

Status Database::Error(std::string_view what) const {
  int rc = sqlite3_errcode(db_);
  return Status(
      rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? StatusCode::kCorruption : StatusCode::kIoError,
      "store " + path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Status(rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? StatusCode::kCorruption
                                                              : StatusCode::kIoError,
                  "store " + path_ + ": " + msg + " (in `" + text.substr(0, 60) + "...`)");
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Status(rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? StatusCode::kCorruption
                                                              : StatusCode::kIoError,
                  "store " + path_ + ": " + sqlite3_errmsg(db_) + " (preparing `" +
                      std::string(sql.substr(0, 60)) + "...`)");
  }
  return Statement(db_, stmt);
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  COTENANT_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  COTENANT_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound("no row for `" + std::string(sql) + "`");
  return stmt.Int(0);
}

}  // namespace cotenant::store
