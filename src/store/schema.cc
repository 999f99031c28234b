#include "store/schema.h"

#include <string>

#include "store/indicator_key.h"
#include "store/observation_key.h"

namespace cotenant::store {
namespace {

// Version 1. Times are INTEGER Unix seconds (UTC); NULL = not given.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE ingests(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  format TEXT NOT NULL,
  finished INTEGER NOT NULL,
  complete INTEGER NOT NULL,
  error TEXT,
  observations INTEGER NOT NULL,
  duplicate_observations INTEGER NOT NULL,
  relationships INTEGER NOT NULL,
  duplicate_relationships INTEGER NOT NULL,
  actor_records INTEGER NOT NULL,
  sources INTEGER NOT NULL,
  rejections INTEGER NOT NULL,
  last_observation_id INTEGER NOT NULL,
  last_relationship_id INTEGER NOT NULL
);
CREATE INDEX ingests_sha256 ON ingests(sha256);
CREATE TABLE files(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE
);
CREATE TABLE sources(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  url TEXT,
  reliability TEXT NOT NULL DEFAULT 'F'
);
-- Version 1 and 2: id is IndicatorKey(type, value) (store/indicator_key.h), probing upwards on a
-- collision (version 3 moves it to a `hash` column).
CREATE TABLE indicators(
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  display TEXT
);
CREATE TABLE lists(
  id INTEGER PRIMARY KEY,
  items TEXT NOT NULL UNIQUE
);
CREATE TABLE actors(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  country TEXT,
  external_ids TEXT,
  live INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE actor_names(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  normalized TEXT NOT NULL,
  actor_id INTEGER,
  reason TEXT
);
CREATE TABLE aliases(
  actor_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  normalized TEXT NOT NULL,
  source TEXT NOT NULL,
  dated INTEGER
);
CREATE INDEX aliases_actor ON aliases(actor_id);
CREATE INDEX aliases_normalized ON aliases(normalized);
CREATE TABLE actor_relations(
  actor_id INTEGER NOT NULL,
  umbrella_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE TABLE actor_candidates(
  actor_id INTEGER NOT NULL,
  candidate_id INTEGER NOT NULL
);
CREATE TABLE actor_records(
  id INTEGER PRIMARY KEY,
  ingest_id INTEGER NOT NULL,
  source TEXT NOT NULL,
  name TEXT NOT NULL,
  external_id TEXT NOT NULL,
  country TEXT,
  description TEXT,
  aliases TEXT,
  part_of TEXT,
  refs TEXT,
  dated INTEGER,
  UNIQUE(source, name, external_id)
);
CREATE TABLE observations(
  id INTEGER PRIMARY KEY,
  ingest_id INTEGER NOT NULL,
  indicator_id INTEGER NOT NULL,
  actor_name_id INTEGER,
  role TEXT NOT NULL,
  source_id INTEGER NOT NULL,
  references_id INTEGER,
  basis_id INTEGER,
  first_seen INTEGER,
  last_seen INTEGER,
  confidence INTEGER,
  tlp TEXT NOT NULL,
  exact INTEGER NOT NULL,
  original_text TEXT,
  description TEXT,
  file_id INTEGER,
  line INTEGER,
  json_path TEXT
);
CREATE UNIQUE INDEX observations_natural_key ON observations(
  indicator_id, source_id, ifnull(actor_name_id, 0), role, ifnull(first_seen, -1),
  ifnull(last_seen, -1), ifnull(references_id, 0), ifnull(basis_id, 0));
CREATE TABLE relationships(
  id INTEGER PRIMARY KEY,
  ingest_id INTEGER NOT NULL,
  from_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  to_id INTEGER NOT NULL,
  first_seen INTEGER,
  last_seen INTEGER,
  count INTEGER,
  source_id INTEGER NOT NULL,
  tlp TEXT NOT NULL,
  file_id INTEGER,
  line INTEGER,
  json_path TEXT
);
CREATE UNIQUE INDEX relationships_natural_key ON relationships(
  from_id, kind, to_id, source_id, ifnull(first_seen, -1), ifnull(last_seen, -1));
CREATE INDEX relationships_to ON relationships(to_id);
CREATE TABLE rejections(
  id INTEGER PRIMARY KEY,
  ingest_id INTEGER NOT NULL,
  file_id INTEGER,
  line INTEGER,
  json_path TEXT,
  reason TEXT NOT NULL,
  text TEXT
);
CREATE INDEX rejections_ingest ON rejections(ingest_id);

-- For people at the sqlite3 prompt: one row per observation, everything resolved.
CREATE VIEW observation_view AS
SELECT o.id, i.type, i.value, n.name AS actor_as_written, a.name AS actor, a.kind AS actor_kind,
       o.role, s.name AS source, date(o.first_seen, 'unixepoch') AS first_seen,
       date(o.last_seen, 'unixepoch') AS last_seen, o.confidence, o.tlp,
       r.items AS refs, b.items AS basis, o.exact, o.description, o.original_text,
       f.path AS file, o.line, o.json_path, o.ingest_id
FROM observations o
JOIN indicators i ON i.id = o.indicator_id
JOIN sources s ON s.id = o.source_id
LEFT JOIN actor_names n ON n.id = o.actor_name_id
LEFT JOIN actors a ON a.id = n.actor_id
LEFT JOIN lists r ON r.id = o.references_id
LEFT JOIN lists b ON b.id = o.basis_id
LEFT JOIN files f ON f.id = o.file_id;

CREATE VIEW relationship_view AS
SELECT x.id, fi.type AS from_type, fi.value AS from_value, x.kind, ti.type AS to_type,
       ti.value AS to_value, date(x.first_seen, 'unixepoch') AS first_seen,
       date(x.last_seen, 'unixepoch') AS last_seen, x.count, s.name AS source, x.tlp,
       f.path AS file, x.line, x.json_path, x.ingest_id
FROM relationships x
JOIN indicators fi ON fi.id = x.from_id
JOIN indicators ti ON ti.id = x.to_id
JOIN sources s ON s.id = x.source_id
LEFT JOIN files f ON f.id = x.file_id;
)sql";

// Version 2 (ingest speed): an observation's natural key is `indicator_id` plus `key_hash`, a
// hash of the rest of the key computed by cotenant (store/observation_key.h), under one UNIQUE
// index of two integers instead of eight expressions; role and tlp are small integer codes,
// named by the `roles` and `tlps` tables (the views show the names). The observations are
// copied into the new table by CopyObservationsToV2 with their ids, so bookmarks
// (`ingests.last_observation_id`) and the order of ids are unchanged.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE roles(
  code INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
INSERT INTO roles(code, name) VALUES (0, 'unknown'), (1, 'c2'), (2, 'payload-host'),
  (3, 'phishing'), (4, 'exfiltration'), (5, 'dead-drop'), (6, 'scanner'), (7, 'proxy'),
  (8, 'sample'), (9, 'compromised');
CREATE TABLE tlps(
  code INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
INSERT INTO tlps(code, name) VALUES (-1, 'unmarked'), (0, 'clear'), (1, 'green'), (2, 'amber'),
  (3, 'amber+strict'), (4, 'red');
DROP VIEW observation_view;
DROP INDEX observations_natural_key;
ALTER TABLE observations RENAME TO observations_v1;
CREATE TABLE observations(
  id INTEGER PRIMARY KEY,
  ingest_id INTEGER NOT NULL,
  indicator_id INTEGER NOT NULL,
  key_hash INTEGER NOT NULL,
  actor_name_id INTEGER,
  role INTEGER NOT NULL,
  source_id INTEGER NOT NULL,
  references_id INTEGER,
  basis_id INTEGER,
  first_seen INTEGER,
  last_seen INTEGER,
  confidence INTEGER,
  tlp INTEGER NOT NULL,
  exact INTEGER NOT NULL,
  original_text TEXT,
  description TEXT,
  file_id INTEGER,
  line INTEGER,
  json_path TEXT
);
CREATE UNIQUE INDEX observations_natural_key ON observations(indicator_id, key_hash);
)sql";

constexpr std::string_view kV2Finish = R"sql(
DROP TABLE observations_v1;

-- For people at the sqlite3 prompt: one row per observation, everything resolved.
CREATE VIEW observation_view AS
SELECT o.id, i.type, i.value, n.name AS actor_as_written, a.name AS actor, a.kind AS actor_kind,
       ro.name AS role, s.name AS source, date(o.first_seen, 'unixepoch') AS first_seen,
       date(o.last_seen, 'unixepoch') AS last_seen, o.confidence, t.name AS tlp,
       r.items AS refs, b.items AS basis, o.exact, o.description, o.original_text,
       f.path AS file, o.line, o.json_path, o.ingest_id
FROM observations o
JOIN indicators i ON i.id = o.indicator_id
JOIN sources s ON s.id = o.source_id
JOIN roles ro ON ro.code = o.role
JOIN tlps t ON t.code = o.tlp
LEFT JOIN actor_names n ON n.id = o.actor_name_id
LEFT JOIN actors a ON a.id = n.actor_id
LEFT JOIN lists r ON r.id = o.references_id
LEFT JOIN lists b ON b.id = o.basis_id
LEFT JOIN files f ON f.id = o.file_id;
)sql";

// Version 3 (ingest speed): an indicator's id is given in insertion order, and its hash
// (IndicatorKey, probing upwards on a collision; store/indicator_key.h) is the new `hash` column
// under a UNIQUE index, computed word by word instead of version 2's byte-wise FNV-1a. New values
// then append to `indicators` and to the observations' natural-key index instead of landing at
// random positions of both (bench/RESULTS.md). Stored rows keep their ids (RehashIndicatorsToV3),
// and new ids continue above the largest: nothing that points to an indicator changes. The
// views name `indicators` and are left as they are (legacy_alter_table: the rename neither
// rewrites nor checks them while the table is briefly absent).
constexpr std::string_view kV3 = R"sql(
CREATE TABLE indicators_v3(
  id INTEGER PRIMARY KEY,
  hash INTEGER NOT NULL,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  display TEXT
);
CREATE UNIQUE INDEX indicators_hash ON indicators_v3(hash);
)sql";

constexpr std::string_view kV3Finish = R"sql(
DROP TABLE indicators;
PRAGMA legacy_alter_table = ON;
ALTER TABLE indicators_v3 RENAME TO indicators;
PRAGMA legacy_alter_table = OFF;
)sql";

// Runs `insert` (an INSERT OR IGNORE) with the hash `slot` bound at parameter `param`, moving on
// to the next slot while a UNIQUE index refuses the row (a hash collision). False when 1000
// slots in a row were taken.
Result<bool> InsertAtFreeSlot(Database& db, Statement& insert, int param, int64_t slot,
                              int64_t (*next)(int64_t)) {
  for (int probe = 0; probe < 1000; ++probe, slot = next(slot)) {
    insert.BindInt(param, slot);
    Status st = insert.Run();
    insert.Rewind();
    COTENANT_RETURN_IF_ERROR(st);
    if (db.Changes() > 0) return true;
  }
  return false;
}

// Copies version 2's indicators into version 3's table with their ids and their hashes
// (probing to the next free slot on a collision, as an ingest does).
Status RehashIndicatorsToV3(Database& db) {
  COTENANT_ASSIGN_OR_RETURN(
      Statement select, db.Prepare("SELECT id, type, value, display FROM indicators ORDER BY id"));
  COTENANT_ASSIGN_OR_RETURN(Statement insert,
                            db.Prepare("INSERT OR IGNORE INTO indicators_v3(id, hash, type, value, "
                                       "display) VALUES(?1, ?2, ?3, ?4, ?5)"));
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    for (int c = 0; c < 4; ++c) insert.BindColumn(c == 0 ? 1 : c + 2, select, c);
    const auto hash = static_cast<int64_t>(IndicatorKeyOfTypeName(select.Text(1), select.Text(2)));
    COTENANT_ASSIGN_OR_RETURN(bool stored,
                              InsertAtFreeSlot(db, insert, 2, hash, NextIndicatorSlot));
    if (!stored) {
      return Corruption("store " + db.path() + ": no free hash slot for indicator " +
                        std::to_string(select.Int(0)));
    }
  }
  return Status::Ok();
}

// Copies version 1's observations (observations_v1) into version 2's table, keeping their ids.
// Version 1's natural keys were unique, so a row that the UNIQUE index refuses collided with
// another key's hash: it moves on to the next free slot.
Status CopyObservationsToV2(Database& db) {
  COTENANT_ASSIGN_OR_RETURN(
      Statement select,
      db.Prepare("SELECT o.id, o.ingest_id, o.indicator_id, o.actor_name_id, r.code, o.role, "
                 "o.source_id, o.references_id, o.basis_id, o.first_seen, o.last_seen, "
                 "o.confidence, t.code, o.tlp, o.exact, o.original_text, o.description, "
                 "o.file_id, o.line, o.json_path FROM observations_v1 o "
                 "LEFT JOIN roles r ON r.name = o.role LEFT JOIN tlps t ON t.name = o.tlp "
                 "ORDER BY o.id"));
  COTENANT_ASSIGN_OR_RETURN(
      Statement insert,
      db.Prepare("INSERT OR IGNORE INTO observations(id, ingest_id, indicator_id, key_hash, "
                 "actor_name_id, role, source_id, references_id, basis_id, first_seen, "
                 "last_seen, confidence, tlp, exact, original_text, description, file_id, line, "
                 "json_path) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                 "?15, ?16, ?17, ?18, ?19)"));
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    const int64_t id = select.Int(0);
    if (select.IsNull(4) || select.IsNull(12)) {
      return Corruption("store " + db.path() + ": observation " + std::to_string(id) +
                        " has an unknown role `" + std::string(select.Text(5)) + "` or tlp `" +
                        std::string(select.Text(13)) + "`");
    }
    ObservationKeyFields key;
    key.source_id = select.Int(6);
    key.name_id = select.Int(3);  // NULL reads as 0
    key.role = select.Int(4);
    key.has_first_seen = !select.IsNull(9);
    key.first_seen = select.Int(9);
    key.has_last_seen = !select.IsNull(10);
    key.last_seen = select.Int(10);
    key.references_id = select.Int(7);
    key.basis_id = select.Int(8);
    // Columns of `select` feeding parameters 1-3 and 5-19 (4 is the key hash).
    static constexpr int kFrom[] = {0,  1,  2,  -1, 3,  4,  6,  7,  8, 9,
                                    10, 11, 12, 14, 15, 16, 17, 18, 19};
    for (int p = 0; p < 19; ++p) {
      if (kFrom[p] >= 0) insert.BindColumn(p + 1, select, kFrom[p]);
    }
    COTENANT_ASSIGN_OR_RETURN(bool stored, InsertAtFreeSlot(db, insert, 4, ObservationKeyHash(key),
                                                            NextObservationKeySlot));
    if (!stored) {
      return Corruption("store " + db.path() + ": no free key slot for observation " +
                        std::to_string(id));
    }
  }
  return Status::Ok();
}

constexpr Migration kMigrations[] = {
    {kV1, nullptr, {}},
    {kV2, CopyObservationsToV2, kV2Finish},
    {kV3, RehashIndicatorsToV3, kV3Finish},
};

// Stored codes of roles and TLP levels (the rows of the `roles` and `tlps` tables above).
constexpr std::pair<Role, int64_t> kRoleCodes[] = {
    {Role::kUnknown, 0},     {Role::kC2, 1},           {Role::kPayloadHost, 2},
    {Role::kPhishing, 3},    {Role::kExfiltration, 4}, {Role::kDeadDrop, 5},
    {Role::kScanner, 6},     {Role::kProxy, 7},        {Role::kSample, 8},
    {Role::kCompromised, 9},
};
constexpr std::pair<Tlp, int64_t> kTlpCodes[] = {
    {Tlp::kUnmarked, -1}, {Tlp::kClear, 0},       {Tlp::kGreen, 1},
    {Tlp::kAmber, 2},     {Tlp::kAmberStrict, 3}, {Tlp::kRed, 4},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int64_t RoleCode(Role role) {
  for (auto [r, code] : kRoleCodes) {
    if (r == role) return code;
  }
  return 0;  // unreachable: every Role is in the table (sqlite_store_test)
}

std::optional<Role> RoleFromCode(int64_t code) {
  for (auto [r, c] : kRoleCodes) {
    if (c == code) return r;
  }
  return std::nullopt;
}

int64_t TlpCode(Tlp tlp) {
  for (auto [t, code] : kTlpCodes) {
    if (t == tlp) return code;
  }
  return -1;  // unreachable: every Tlp is in the table (sqlite_store_test)
}

std::optional<Tlp> TlpFromCode(int64_t code) {
  for (auto [t, c] : kTlpCodes) {
    if (c == code) return t;
  }
  return std::nullopt;
}

Status MigrateSchema(Database& db, bool read_only) {
  COTENANT_ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version"));
  const int64_t latest = LatestSchemaVersion();
  if (version > latest) {
    return Unsupported("store " + db.path() + " has schema version " + std::to_string(version) +
                       ", newer than this cotenant understands (" + std::to_string(latest) +
                       "); use a newer cotenant");
  }
  if (version == latest) return Status::Ok();
  if (read_only) {
    return Unsupported("store " + db.path() + " has schema version " + std::to_string(version) +
                       " and needs migrating to " + std::to_string(latest) +
                       "; open it once for writing");
  }
  for (int64_t v = version; v < latest; ++v) {
    COTENANT_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    // Another process may have migrated while we waited for the lock.
    auto now = db.QueryInt("PRAGMA user_version");
    if (!now.ok() || *now != v) {
      COTENANT_RETURN_IF_ERROR(db.Exec("ROLLBACK"));
      if (!now.ok()) return now.status();
      v = *now - 1;  // continue from where the other process left it
      continue;
    }
    const Migration& m = kMigrations[v];
    Status s = db.Exec(m.sql);
    if (s.ok() && m.move_data != nullptr) s = m.move_data(db);
    if (s.ok() && !m.finish_sql.empty()) s = db.Exec(m.finish_sql);
    if (s.ok()) s = db.Exec("PRAGMA user_version = " + std::to_string(v + 1));
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return s.WithContext("migrating to schema version " + std::to_string(v + 1));
    }
    COTENANT_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return Status::Ok();
}

}  // namespace cotenant::store
