// Matching sensor logs against a MatchSnapshot: Zeek TSV and JSON logs, Suricata eve.json and
// plain value lists, from files, directories, gzip/zstd files or stdin, producing alerts.
//
// What is read (docs/match.md has the full field list):
//   Zeek (TSV with any column order from #fields, "-" unset, "(empty)" empty, set separators;
//   or JSON lines): conn, dns, http, ssl, x509, files, smtp, and any other log that carries the
//   same field names (id.orig_h/id.resp_h, query/answers, host/uri, server_name, ja3/ja3s,
//   cert_chain_fps, fingerprint, san.*, md5/sha1/sha256, mailfrom/rcptto/from/to, ...).
//   Suricata eve.json (one object per line, or a JSON array of them): src_ip/dest_ip of every
//   event, dns, http, tls, fileinfo, smtp/email objects, also inside alert records.
//   Plain lists: one value per line, classified by shape; "#" lines are comments.
//
// The hot path reads input in chunks of complete lines, parses only the fields it needs,
// looks values up in batches and allocates nothing per line; metadata is read only on a hit.
// With threads > 1 chunks are matched in parallel and alerts are delivered in input order.
//
// Threads: MatchLogs calls the AlertSink from the calling thread only, in input order. The
// snapshot function is called from the calling thread between chunks (that is where a reload
// takes effect: every input line is matched exactly once, by one snapshot).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/match_snapshot.h"
#include "cotenant/status.h"

namespace cotenant {

enum class LogFormat { kAuto, kZeekTsv, kZeekJson, kEve, kPlain };
std::string_view LogFormatName(LogFormat format);  // "auto", "zeek", "zeek-json", "eve", "plain"
std::optional<LogFormat> LogFormatFromName(std::string_view name);

struct AlertMatch {
  IndicatorType type = IndicatorType::kIpv4;
  std::string indicator;  // canonical value of the indicator that matched
  MatchHow how = MatchHow::kExact;
  std::vector<std::string> actors;
  std::vector<std::string> roles;  // RoleName
  std::vector<std::string> sources;
  int confidence = -1;
  Tlp tlp = Tlp::kUnmarked;
  bool shared = false;   // the indicator's records name more than one actor
  bool expired = false;  // no record valid at the event time (only with include_expired)
};

struct Alert {
  std::optional<int64_t> time_us;  // event time, Unix microseconds; nullopt when not parseable
  std::string log;                 // Zeek path / eve event_type / "list"
  std::string uid;                 // Zeek uid (or fuid), eve flow_id; empty when absent
  std::string field;               // "id.resp_h", "dns.rrname", "tls.sni", "value"
  std::string value;               // the observed value as logged
  std::vector<AlertMatch> matches;
  // Over all matches: union of actors, roles and sources, highest confidence, most
  // restrictive marking; shared = any match is shared.
  std::vector<std::string> actors;
  std::vector<std::string> roles;
  std::vector<std::string> sources;
  int confidence = -1;
  Tlp tlp = Tlp::kUnmarked;
  bool shared = false;
  std::string file;   // input path ("-" for stdin)
  uint64_t line = 0;  // 1-based line (array element for a JSON array input)
};

// One NDJSON line (no trailing newline), keys in a fixed order (docs/match.md).
std::string AlertToJson(const Alert& alert);

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void OnAlert(Alert&& alert) = 0;
};

struct LogMatchOptions {
  LogFormat format = LogFormat::kAuto;  // kAuto: detected per file from its first line
  bool include_expired = false;         // report matches whose records are all expired
  int threads = 0;                      // 0 = one per core
  // Bytes per work unit. 1 MiB keeps a chunk in a core's L2 cache between the scan and the
  // lookups (measured faster than 4 MiB and no slower than 512 KiB, bench/RESULTS.md).
  size_t chunk_bytes = 1 << 20;
  // Follow growing files (tail -F): after EOF keep polling; a rotated file (new inode at the
  // path) is read to its end, then the new file is opened; a truncated file is reread from 0.
  bool follow = false;
  int follow_poll_ms = 200;
  // Polled between chunks and while following; true stops matching (what was read is done).
  std::function<bool()> should_stop;
  // Called at every chunk boundary; returns the snapshot to use from here on.
  std::function<std::shared_ptr<const MatchSnapshot>()> snapshot;
};

struct LogMatchStats {
  uint64_t files = 0;
  uint64_t bytes = 0;  // decompressed bytes read
  uint64_t lines = 0;
  uint64_t records = 0;  // data lines (log records, list values)
  uint64_t probes = 0;   // values looked up
  uint64_t alerts = 0;
  uint64_t matches = 0;             // indicator matches over all alerts
  uint64_t allowlisted = 0;         // values the allowlist suppressed
  uint64_t expired = 0;             // matches dropped because no record was valid at the event time
  uint64_t malformed = 0;           // lines that could not be read (bad JSON, too few columns)
  uint64_t reloads = 0;             // snapshot changes taken between chunks
  std::vector<std::string> errors;  // the first malformed lines and unreadable inputs, explained
  uint64_t unreadable_inputs = 0;
};

// Matches every input (file, directory walked recursively in name order, or "-" for stdin).
// gzip and zstd input is recognised by its magic bytes. Returns an error only for usage
// problems (no snapshot); unreadable inputs and malformed lines are counted in `stats` and
// the rest is still matched.
Status MatchLogs(const std::vector<std::string>& inputs, const LogMatchOptions& options,
                 AlertSink& sink, LogMatchStats* stats);

// Matches one in-memory buffer of complete lines (benchmarks, fuzzing, tests). `name` is used
// as the file name in alerts and, for Zeek JSON without _path, to name the log.
Status MatchBuffer(std::string_view data, std::string_view name, const MatchSnapshot& snapshot,
                   const LogMatchOptions& options, AlertSink& sink, LogMatchStats* stats);

}  // namespace cotenant
