// Log scanners: turn a span of complete lines into probes (values to look up), without
// allocating per line. One scanner per format; the record context (time, uid, log kind) is
// parsed again only for records that hit.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/log_match.h"
#include "cotenant/match_snapshot.h"

namespace cotenant::match_internal {

// Stable storage for unescaped values: views stay valid until Reset.
class Arena {
 public:
  std::string_view Copy(std::string_view s);
  void Reset();

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_ = 0;
  size_t used_ = 0;
  static constexpr size_t kBlock = 64 << 10;
  std::vector<std::unique_ptr<char[]>> big_;
};

struct ScanRecord {
  std::string_view line;
  uint64_t line_no;  // 1-based within the segment given to the scanner
};

struct ScanBatch {
  std::vector<Probe> probes;
  std::vector<ScanRecord> records;
  Arena arena;
  uint64_t lines = 0;
  uint64_t malformed = 0;
  std::vector<std::string> errors;  // first few, "line N: reason"

  void Reset() {
    probes.clear();
    records.clear();
    arena.Reset();
    lines = 0;
    malformed = 0;
    errors.clear();
  }
  void Error(uint64_t line_no, std::string reason) {
    ++malformed;
    if (errors.size() < 5) errors.push_back("line " + std::to_string(line_no) + ": " + reason);
  }
};

// The field names probes refer to (Probe::field indexes this table), shared by all formats.
std::string_view FieldName(uint16_t field);

struct RecordContext {
  std::optional<int64_t> time_us;
  std::string log;
  std::string uid;
};

// Event time: epoch seconds with fraction ("1521911720.865716") or ISO 8601 with "Z" or an
// offset ("2018-03-24T14:37:19.037299-0600", "+06:00"). nullopt for anything else.
std::optional<int64_t> ParseEventTime(std::string_view text);
// "2018-03-24T20:37:19.037299Z"
std::string FormatEventTime(int64_t time_us);

// ---- Zeek TSV ----------------------------------------------------------------------------

struct ZeekColumn {
  uint32_t index;
  uint16_t field;  // FieldName index (dynamic names are registered in the plan)
  ObservedKind kind;
  bool container;  // set[...] / vector[...]: split on the set separator
  bool also_cert;  // files.log sha1/sha256: also looked up as certificate fingerprints
};

// What a Zeek TSV header says, and which columns to read.
struct ZeekTsvPlan {
  char separator = '\t';
  std::string set_separator = ",";
  std::string empty_field = "(empty)";
  std::string unset_field = "-";
  std::string path;
  std::vector<std::string> fields;
  std::vector<std::string> types;
  std::vector<ZeekColumn> columns;  // ascending index
  int ts_column = -1;
  int uid_column = -1;
  int host_column = -1;  // http: host + uri make the URL probe
  int uri_column = -1;
  uint32_t last_needed = 0;
  bool has_fields = false;

  // Applies one header line ("#fields\t..."); unknown directives are ignored.
  void ApplyHeader(std::string_view line);
  // Recomputes `columns` after #fields / #types.
  void Compile();
};

void ScanZeekTsv(const ZeekTsvPlan& plan, std::string_view data, ScanBatch& batch);
RecordContext ZeekTsvContext(const ZeekTsvPlan& plan, std::string_view line);

// ---- JSON lines (Zeek JSON and eve.json) -------------------------------------------------

class JsonScanner {
 public:
  JsonScanner();
  ~JsonScanner();
  // `data` must be followed by simdjson::SIMDJSON_PADDING readable bytes in memory.
  // `eve`: Suricata eve.json; otherwise Zeek JSON.
  void Scan(std::string_view data, bool eve, ScanBatch& batch);
  // `default_log` names records without "_path" / "event_type" (from the file name).
  RecordContext Context(std::string_view line, bool eve, std::string_view default_log);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A JSON array of eve records ("[ {...}, {...} ]", as jq -s writes) as NDJSON text.
Result<std::string> JsonArrayToLines(std::string_view document);

// ---- plain lists -------------------------------------------------------------------------

void ScanPlain(std::string_view data, ScanBatch& batch);

}  // namespace cotenant::match_internal
