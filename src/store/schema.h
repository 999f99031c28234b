// The SQLite store's schema and its migrations, versioned with PRAGMA user_version.
// Migration i (1-based) takes a store from version i-1 to i; each runs in one transaction
// with the version bump, so a store is always at one whole version. docs/store.md documents
// the tables; keep it in the same commit as a change here.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "cotenant/marking.h"
#include "cotenant/observation.h"
#include "cotenant/status.h"
#include "store/sqlite_db.h"

namespace cotenant::store {

// One step: `sql`, then `move_data` (data SQL alone cannot move, e.g. hashes computed by
// cotenant; may be null), then `finish_sql`, all in one transaction with the version bump.
struct Migration {
  std::string_view sql;
  Status (*move_data)(Database& db);
  std::string_view finish_sql;
};

std::span<const Migration> Migrations();
inline int64_t LatestSchemaVersion() { return static_cast<int64_t>(Migrations().size()); }

// Brings `db` to the latest version (creating it when empty). Errors when the store was
// written by a newer cotenant, or when `read_only` and the store is not at the latest version.
Status MigrateSchema(Database& db, bool read_only);

// Codes of roles and TLP levels in `observations.role` and `.tlp` (schema version 2), named by
// the `roles` and `tlps` tables. Stable: a code never changes meaning.
int64_t RoleCode(Role role);
std::optional<Role> RoleFromCode(int64_t code);
int64_t TlpCode(Tlp tlp);
std::optional<Tlp> TlpFromCode(int64_t code);

}  // namespace cotenant::store
