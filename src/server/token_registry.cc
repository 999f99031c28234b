// TokenRegistry on SQLite: one table of token hashes, labels, organisations and clearances.
#include <sqlite3.h>

#include <charconv>
#include <mutex>

#include "cotenant/access.h"
#include "server/crypto.h"

namespace cotenant {
namespace {

constexpr std::string_view kTokenPrefix = "ctk_";
constexpr size_t kTokenHexDigits = 64;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  organisation TEXT NOT NULL,
  clearance TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL,
  revoked INTEGER,
  can_ingest INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS api_tokens_active_name ON api_tokens(name) WHERE revoked IS NULL;
)sql";

// Registries made before tokens had an upload permission: every token could upload then, so
// the migration keeps that right for them; tokens added afterwards read only unless asked.
constexpr const char* kAddCanIngest = R"sql(
BEGIN IMMEDIATE;
ALTER TABLE api_tokens ADD COLUMN can_ingest INTEGER NOT NULL DEFAULT 0;
UPDATE api_tokens SET can_ingest = 1;
COMMIT;
)sql";

bool HasColumn(sqlite3* db, std::string_view column) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('api_tokens')", -1, &st,
                         nullptr) != SQLITE_OK) {
    return false;
  }
  bool found = false;
  while (!found && sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    found = t != nullptr && column == reinterpret_cast<const char*>(t);
  }
  sqlite3_finalize(st);
  return found;
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() { return stmt_; }
  bool ok() const { return stmt_ != nullptr; }
  void Bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  std::string Text(int col) {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t));
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '@';
    if (!ok) return false;
  }
  return true;
}

bool ValidOrganisation(std::string_view org) {
  if (org.empty() || org.size() > 200) return false;
  for (unsigned char c : org) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

class SqliteTokenRegistry final : public TokenRegistry {
 public:
  SqliteTokenRegistry(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteTokenRegistry() override { sqlite3_close(db_); }

  Result<NewToken> Add(std::string_view name, std::string_view organisation, Tlp clearance,
                       bool can_ingest) override {
    if (!ValidName(name)) {
      return InvalidArgument("token name `" + std::string(name) +
                             "` must be 1-64 letters, digits, '-', '_', '.' or '@'");
    }
    if (!ValidOrganisation(organisation)) {
      return InvalidArgument("organisation must be 1-200 bytes without control characters");
    }
    if (clearance == Tlp::kUnmarked) {
      return InvalidArgument(
          "a clearance must be a TLP level (clear, green, amber, "
          "amber+strict, red)");
    }
    COTENANT_ASSIGN_OR_RETURN(std::string secret, server::RandomHex(kTokenHexDigits / 2));
    NewToken out;
    out.token = std::string(kTokenPrefix) + secret;
    std::string hash = server::Sha256Hex(out.token);
    Timestamp now = Timestamp::Now();
    std::lock_guard lock(mu_);
    Statement st(
        db_,
        "INSERT INTO api_tokens(name, organisation, clearance, sha256, created, can_ingest) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    if (!st.ok()) return Error("add token");
    st.Bind(1, name);
    st.Bind(2, organisation);
    st.Bind(3, TlpName(clearance));
    st.Bind(4, hash);
    st.Bind(5, now.unix_seconds());
    st.Bind(6, int64_t{can_ingest ? 1 : 0});
    int rc = sqlite3_step(st.get());
    if (rc == SQLITE_CONSTRAINT) {
      return Status(StatusCode::kAlreadyExists,
                    "an active token named `" + std::string(name) + "` already exists");
    }
    if (rc != SQLITE_DONE) return Error("add token");
    out.info.id = sqlite3_last_insert_rowid(db_);
    out.info.name = std::string(name);
    out.info.organisation = std::string(organisation);
    out.info.clearance = clearance;
    out.info.can_ingest = can_ingest;
    out.info.created = now;
    out.info.hash_prefix = hash.substr(0, 12);
    return out;
  }

  Result<std::vector<TokenInfo>> List() override {
    std::lock_guard lock(mu_);
    Statement st(db_,
                 "SELECT id, name, organisation, clearance, sha256, created, revoked, can_ingest "
                 "FROM api_tokens ORDER BY id");
    if (!st.ok()) return Error("list tokens");
    std::vector<TokenInfo> out;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      TokenInfo info;
      info.id = sqlite3_column_int64(st.get(), 0);
      info.name = st.Text(1);
      info.organisation = st.Text(2);
      std::optional<Tlp> tlp = TlpFromName(st.Text(3));
      if (!tlp || *tlp == Tlp::kUnmarked) {
        return Corruption(path_ + ": token " + std::to_string(info.id) + " has clearance `" +
                          st.Text(3) + "`");
      }
      info.clearance = *tlp;
      info.hash_prefix = st.Text(4).substr(0, 12);
      info.created = Timestamp::FromUnixSeconds(sqlite3_column_int64(st.get(), 5));
      if (sqlite3_column_type(st.get(), 6) != SQLITE_NULL) {
        info.revoked = Timestamp::FromUnixSeconds(sqlite3_column_int64(st.get(), 6));
      }
      info.can_ingest = sqlite3_column_int64(st.get(), 7) != 0;
      out.push_back(std::move(info));
    }
    if (rc != SQLITE_DONE) return Error("list tokens");
    return out;
  }

  Status Revoke(std::string_view name_or_id) override {
    std::lock_guard lock(mu_);
    int64_t id = 0;
    auto [ptr, ec] = std::from_chars(name_or_id.data(), name_or_id.data() + name_or_id.size(), id);
    bool numeric = ec == std::errc() && ptr == name_or_id.data() + name_or_id.size();
    Statement st(db_, numeric
                          ? "UPDATE api_tokens SET revoked = ? WHERE id = ? AND revoked IS NULL"
                          : "UPDATE api_tokens SET revoked = ? WHERE name = ? AND revoked IS NULL");
    if (!st.ok()) return Error("revoke token");
    st.Bind(1, Timestamp::Now().unix_seconds());
    if (numeric) {
      st.Bind(2, id);
    } else {
      st.Bind(2, name_or_id);
    }
    if (sqlite3_step(st.get()) != SQLITE_DONE) return Error("revoke token");
    if (sqlite3_changes(db_) == 0) {
      return NotFound("no active token `" + std::string(name_or_id) + "` in " + path_);
    }
    return Status::Ok();
  }

  Result<Principal> Authenticate(std::string_view token) override {
    const Status denied(StatusCode::kPermissionDenied, "invalid or revoked token");
    if (token.size() != kTokenPrefix.size() + kTokenHexDigits || !token.starts_with(kTokenPrefix)) {
      return denied;
    }
    std::string hash = server::Sha256Hex(token);
    std::lock_guard lock(mu_);
    Statement st(db_,
                 "SELECT id, name, organisation, clearance, sha256, can_ingest FROM api_tokens "
                 "WHERE sha256 = ? AND revoked IS NULL");
    if (!st.ok()) return Error("authenticate");
    st.Bind(1, hash);
    int rc = sqlite3_step(st.get());
    if (rc == SQLITE_DONE) return denied;
    if (rc != SQLITE_ROW) return Error("authenticate");
    if (!server::ConstantTimeEquals(st.Text(4), hash)) return denied;
    Principal p;
    p.token_id = sqlite3_column_int64(st.get(), 0);
    p.name = st.Text(1);
    p.organisation = st.Text(2);
    std::optional<Tlp> tlp = TlpFromName(st.Text(3));
    if (!tlp || *tlp == Tlp::kUnmarked) return denied;
    p.clearance = *tlp;
    p.can_ingest = sqlite3_column_int64(st.get(), 5) != 0;
    return p;
  }

 private:
  Status Error(std::string_view what) {
    return IoError(path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
  }

  std::mutex mu_;
  sqlite3* db_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<TokenRegistry>> TokenRegistry::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return IoError(path + ": cannot open token registry: " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    sqlite3_close(db);
    return IoError(path + ": not a token registry: " + msg);
  }
  if (!HasColumn(db, "can_ingest") &&
      sqlite3_exec(db, kAddCanIngest, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    if (!HasColumn(db, "can_ingest")) {  // else another process migrated it meanwhile
      sqlite3_close(db);
      return IoError(path + ": cannot add the upload permission to the token registry: " + msg);
    }
  }
  return std::unique_ptr<TokenRegistry>(new SqliteTokenRegistry(db, path));
}

std::string DefaultTokenPath(std::string_view db_path) { return std::string(db_path) + ".tokens"; }

}  // namespace cotenant
