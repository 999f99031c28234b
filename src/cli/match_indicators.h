// The thin builder between the indicator sources and the matcher: compiles a MatchSnapshot
// from feed files (read with ReadPath) or from the store, plus allowlist files. Lives in the
// CLI so that src/match depends on the value types only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cotenant/match_snapshot.h"
#include "cotenant/status.h"

namespace cotenant::cli {

struct SnapshotSource {
  std::vector<std::string> indicator_files;  // feeds; empty = the store at db_path
  std::string db_path;                       // the store (read-only), when no feeds are given
  std::vector<std::string> allow_files;      // one value per line, or a MISP warninglist list.json
  // Records are valid from their first_seen... only when asked; by default an indicator never
  // expires. With ttl_days, a record whose source gave last_seen expires ttl_days after it.
  std::optional<int> ttl_days;
  std::string actor;   // for feeds that name no actor (plain lists)
  std::string source;  // overrides the source name
};

struct BuildReport {
  uint64_t records = 0;               // indicator records added
  uint64_t unmatchable = 0;           // observations of types logs cannot show (asn, ssdeep, ...)
  uint64_t rejected = 0;              // reader rejections and values the builder refused
  uint64_t allowlisted = 0;           // allowlist values added
  std::vector<std::string> messages;  // the first problems, explained
};

// From the feeds when indicator_files is set, else from every observation in the store
// (actors by their resolved canonical names, sources by name).
Result<MatchSnapshot> BuildSnapshot(const SnapshotSource& source, BuildReport* report);

// The id of the store's last committed ingest (to notice that the store changed).
Result<int64_t> StoreVersion(const std::string& db_path);

}  // namespace cotenant::cli
