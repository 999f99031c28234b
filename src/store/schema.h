// The SQLite store's schema and its migrations, versioned with PRAGMA user_version.
// Migration i (1-based) takes a store from version i-1 to i; each runs in one transaction
// with the version bump, so a store is always at one whole version. docs/store.md documents
// the tables; keep it in the same commit as a change here.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "cotenant/status.h"
#include "store/sqlite_db.h"

namespace cotenant::store {

std::span<const std::string_view> Migrations();
inline int64_t LatestSchemaVersion() { return static_cast<int64_t>(Migrations().size()); }

// Brings `db` to the latest version (creating it when empty). Errors when the store was
// written by a newer cotenant, or when `read_only` and the store is not at the latest version.
Status MigrateSchema(Database& db, bool read_only);

}  // namespace cotenant::store
