// Thin RAII wrappers over the SQLite C API used by the SQLite store: a connection and prepared
// statements, with errors as Status values that name the statement and SQLite's message.
// Not thread-safe; owned by one SqliteStore.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cotenant/status.h"

namespace cotenant::store {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  bool valid() const { return stmt_ != nullptr; }
  // The largest parameter index of the statement.
  int ParameterCount() const { return sqlite3_bind_parameter_count(stmt_); }

  // Bind by 1-based index. Text is bound as SQLITE_TRANSIENT unless `stable` (the caller keeps
  // the bytes alive until the statement is reset).
  void BindInt(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  void BindNull(int index) { sqlite3_bind_null(stmt_, index); }
  void BindIntOrNull(int index, int64_t value, bool present) {
    if (present) {
      BindInt(index, value);
    } else {
      BindNull(index);
    }
  }
  void BindText(int index, std::string_view text, bool stable = false) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                      stable ? SQLITE_STATIC : SQLITE_TRANSIENT);
  }
  void BindOptionalInt(int index, std::optional<int64_t> value) {
    if (value) {
      BindInt(index, *value);
    } else {
      BindNull(index);
    }
  }
  // Binds column `col` of `from`'s current row, with its type (NULL included).
  void BindColumn(int index, const Statement& from, int col) {
    sqlite3_bind_value(stmt_, index, sqlite3_column_value(from.stmt_, col));
  }
  // Empty text binds NULL.
  void BindTextOrNull(int index, std::string_view text, bool stable = false) {
    if (text.empty()) {
      BindNull(index);
    } else {
      BindText(index, text, stable);
    }
  }

  // Steps once: true when a row is available, false when done; errors as Status.
  Result<bool> Step();
  // Steps to completion (statements without rows).
  Status Run();
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  // Resets for the next Step, keeping the bindings (for callers that rebind every parameter).
  void Rewind() { sqlite3_reset(stmt_); }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::optional<int64_t> OptionalInt(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }
  // Valid until the next Step/Reset.
  std::string_view Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    if (p == nullptr) return {};
    return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Status Open(const std::string& path, bool read_only);
  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // The single integer of a one-row query (NotFound when no row).
  Result<int64_t> QueryInt(std::string_view sql);
  int64_t Changes() const { return sqlite3_changes64(db_); }
  int64_t LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
  Status Error(std::string_view what) const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace cotenant::store
