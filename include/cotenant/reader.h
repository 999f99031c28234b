// Readers: turn a file (or feed directory) of intelligence into records for an IngestSink.
//
// Every reader streams records to the sink in file order and never throws; a broken record is
// reported through IngestSink::OnRejection (naming the file, line or JSON path, and the reason)
// and the reader goes on. The returned Status is an error only when the input as a whole cannot
// be read (missing file, not the format at all, truncated JSON document); records already
// delivered stay delivered, and the caller (the ingest transaction) decides whether to keep them.
// Line formats and MISP events stream in bounded memory; other JSON documents are read whole.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/marking.h"
#include "cotenant/observation.h"
#include "cotenant/status.h"

namespace cotenant {

enum class Format {
  kAuto,
  kStix,        // STIX 2.0 / 2.1 bundle (or a single object)
  kMisp,        // MISP event, {"response": [...]} list, or event list
  kMispFeed,    // directory with manifest.json + <uuid>.json
  kMispGalaxy,  // MISP galaxy cluster file (threat-actor, mitre-intrusion-set)
  kMaltrail,    // maltrail trail file
  kIocText,     // vendor .txt IOC file with section headings (Cisco Talos style)
  kTable,       // AsciiDoc or Markdown tables (ESET README style)
  kCsv,         // CSV with header or --columns mapping
  kPlain,       // one value per line; actor/source from options
  kPdns,        // passive DNS, Common Output Format JSON lines
  kTelegram,    // Telegram Desktop export result.json
};

std::string_view FormatName(Format format);  // "auto", "stix", "misp", "misp-feed", ...
std::optional<Format> FormatFromName(std::string_view name);

struct ReadOptions {
  Format format = Format::kAuto;
  std::string source;          // overrides the source name the reader would derive
  std::string actor;           // actor for formats that do not name one (plain, csv, telegram)
  Role role = Role::kUnknown;  // default role when the input gives none
  Tlp tlp = Tlp::kUnmarked;    // default marking when the input gives none
  // CSV column mapping "value=1,type=2,actor=3,first_seen=4,description=5" (1-based), or
  // header names "value=Indicator,type=Type".
  std::string csv_columns;
};

// Picks the format from the path (directory with manifest.json, extension) and the first
// bytes of content. Errors say why nothing fits.
Result<Format> DetectFormat(const std::string& path);

// Reads one file or one MISP feed directory. Walking other directories is the caller's job.
Status ReadPath(const std::string& path, const ReadOptions& options, IngestSink& sink);

}  // namespace cotenant
