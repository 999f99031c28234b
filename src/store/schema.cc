#include "store/schema.h"

#include <string>

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
-- id is IndicatorKey(type, value) (store/indicator_key.h), probing upwards on a collision; no
-- index on the text, so finding a value by text is a scan (use `cotenant lookup`).
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

constexpr std::string_view kMigrations[] = {kV1};

}  // namespace

std::span<const std::string_view> Migrations() { return kMigrations; }

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
    Status s = db.Exec(kMigrations[v]);
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
