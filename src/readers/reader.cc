// Format names, format detection and the ReadPath dispatch (include/cotenant/reader.h).
#include "cotenant/reader.h"

#include <array>
#include <cstdio>
#include <filesystem>

#include "readers/common.h"
#include "readers/readers.h"
#include "readers/stix.h"

namespace cotenant {

namespace {

struct FormatEntry {
  Format format;
  std::string_view name;
};

constexpr std::array<FormatEntry, 12> kFormats = {{
    {Format::kAuto, "auto"},
    {Format::kStix, "stix"},
    {Format::kMisp, "misp"},
    {Format::kMispFeed, "misp-feed"},
    {Format::kMispGalaxy, "misp-galaxy"},
    {Format::kMaltrail, "maltrail"},
    {Format::kIocText, "ioc-text"},
    {Format::kTable, "table"},
    {Format::kCsv, "csv"},
    {Format::kPlain, "plain"},
    {Format::kPdns, "pdns"},
    {Format::kTelegram, "telegram"},
}};

constexpr size_t kHeadBytes = 64 * 1024;

Result<std::string> ReadHead(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    if (!std::filesystem::exists(path)) return NotFound(path + ": no such file");
    return IoError(path + ": cannot open");
  }
  std::string head(kHeadBytes, '\0');
  size_t n = std::fread(head.data(), 1, head.size(), f);
  std::fclose(f);
  head.resize(n);
  return head;
}

bool HasExtension(const std::string& path, std::initializer_list<std::string_view> exts) {
  std::string ext = readers::Lower(std::filesystem::path(path).extension().string());
  for (std::string_view e : exts) {
    if (ext == e) return true;
  }
  return false;
}

bool Contains(std::string_view s, std::string_view needle) {
  return s.find(needle) != std::string_view::npos;
}

Result<Format> DetectJson(std::string_view head, const std::string& path) {
  if (Contains(head, "\"rrname\"") && Contains(head, "\"rrtype\"")) return Format::kPdns;
  if (LooksLikeStix(head)) return Format::kStix;
  if (Contains(head, "\"Event\"") || Contains(head, "\"response\"")) return Format::kMisp;
  if (Contains(head, "\"messages\"") ||
      (Contains(head, "\"chats\"") && Contains(head, "\"list\""))) {
    return Format::kTelegram;
  }
  if (Contains(head, "\"values\"") && Contains(head, "\"uuid\"") &&
      (Contains(head, "\"meta\"") || Contains(head, "\"category\""))) {
    return Format::kMispGalaxy;
  }
  // A galaxy definition (galaxies/<type>.json) goes with its clusters.
  if (Contains(head, "\"namespace\"") && Contains(head, "\"icon\"") && Contains(head, "\"uuid\"")) {
    return Format::kMispGalaxy;
  }
  return InvalidArgument(path +
                         ": JSON, but not a format cotenant reads (expected a STIX bundle, a MISP "
                         "event, a MISP galaxy, passive DNS COF lines or a Telegram export)");
}

// A line list: maltrail when it carries maltrail's comments, ioc-text when some non-comment
// line is not an indicator (a section heading), plain otherwise.
Format DetectText(std::string_view head) {
  if (Contains(head, "Maltrail developers") || Contains(head, "\n# Aliases:") ||
      head.substr(0, 10) == "# Aliases:" || Contains(head, "\n# Reference:") ||
      head.substr(0, 12) == "# Reference:") {
    return Format::kMaltrail;
  }
  auto lines = readers::LineReader::FromBuffer(head);
  std::string_view line;
  int checked = 0;
  bool csv_header = false;
  bool saw_table = false;
  bool saw_heading = false;
  while (lines->Next(&line) && checked < 200) {
    std::string_view t = readers::Trim(line);
    if (t.empty() || t.front() == '#') continue;
    if (t.substr(0, 4) == "|===" || (t.front() == '|' && Contains(t, "---"))) saw_table = true;
    if (checked == 0 && Contains(t, ",")) {
      std::string lower = readers::Lower(t);
      for (std::string_view key : {"indicator", "value", "ioc", "type", "ip", "domain", "url",
                                   "hash", "sha256", "md5", "observable"}) {
        for (auto field : readers::SplitNoEmpty(lower, ',')) {
          std::string f(readers::Trim(field));
          if (!f.empty() && f.front() == '"') f = f.substr(1, f.size() >= 2 ? f.size() - 2 : 0);
          if (f == key || f.find(key) != std::string::npos) csv_header = true;
        }
      }
    }
    ++checked;
    // Lines cut by the head buffer may be partial: only full lines count.
    if (!ClassifyIndicator(readers::StripInlineComment(t)).ok()) saw_heading = true;
  }
  if (saw_table) return Format::kTable;
  if (csv_header) return Format::kCsv;
  if (saw_heading) return Format::kIocText;
  return Format::kPlain;
}

bool IsLineFormat(Format f) {
  switch (f) {
    case Format::kMaltrail:
    case Format::kIocText:
    case Format::kTable:
    case Format::kCsv:
    case Format::kPlain:
    case Format::kPdns:
      return true;
    default:
      return false;
  }
}

Status RunLineReader(Format format, readers::LineReader& lines, const std::string& path,
                     const ReadOptions& options, IngestSink& sink) {
  Status s;
  switch (format) {
    case Format::kMaltrail:
      s = readers::ReadMaltrail(lines, path, options, sink);
      break;
    case Format::kIocText:
      s = readers::ReadIocText(lines, path, options, sink);
      break;
    case Format::kTable:
      s = readers::ReadTable(lines, path, options, sink);
      break;
    case Format::kCsv:
      s = readers::ReadCsv(lines, path, options, sink);
      break;
    case Format::kPlain:
      s = readers::ReadPlain(lines, path, options, sink);
      break;
    case Format::kPdns:
      s = readers::ReadPdns(lines, path, options, sink);
      break;
    default:
      return Internal("not a line format: " + std::string(FormatName(format)));
  }
  if (!s.ok()) return s;
  if (!lines.status().ok()) return lines.status().WithContext(path);
  return Status::Ok();
}

}  // namespace

std::string_view FormatName(Format format) {
  for (const auto& e : kFormats) {
    if (e.format == format) return e.name;
  }
  return "unknown";
}

std::optional<Format> FormatFromName(std::string_view name) {
  std::string n = readers::Lower(readers::Trim(name));
  for (const auto& e : kFormats) {
    if (e.name == n) return e.format;
  }
  // Accepted spellings people type.
  if (n == "txt" || n == "talos" || n == "iocs") return Format::kIocText;
  if (n == "adoc" || n == "asciidoc" || n == "markdown" || n == "md") return Format::kTable;
  if (n == "galaxy") return Format::kMispGalaxy;
  if (n == "feed") return Format::kMispFeed;
  if (n == "cof" || n == "passive-dns") return Format::kPdns;
  return std::nullopt;
}

Result<Format> DetectFormat(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    if (std::filesystem::is_regular_file(std::filesystem::path(path) / "manifest.json", ec)) {
      return Format::kMispFeed;
    }
    return InvalidArgument(path +
                           ": a directory without manifest.json is not a MISP feed; pass its "
                           "files one by one");
  }
  if (readers::FileName(path) == "manifest.json") return Format::kMispFeed;
  COTENANT_ASSIGN_OR_RETURN(std::string head, ReadHead(path));
  COTENANT_RETURN_IF_ERROR(readers::CheckTextEncoding(head, path));
  std::string_view h = head;
  if (h.substr(0, 3) == "\xEF\xBB\xBF") h.remove_prefix(3);
  std::string_view trimmed = readers::Trim(h);
  if (trimmed.empty()) {
    return InvalidArgument(path + ": empty file, nothing to detect a format from");
  }
  if (trimmed.front() == '{' || trimmed.front() == '[') return DetectJson(trimmed, path);
  if (HasExtension(path, {".json", ".jsonl", ".ndjson"})) {
    return InvalidArgument(path + ": named .json but does not start with '{' or '['");
  }
  if (HasExtension(path, {".csv", ".tsv"})) return Format::kCsv;
  if (HasExtension(path, {".adoc", ".asciidoc", ".md", ".markdown"})) return Format::kTable;
  if (HasExtension(path, {".md5", ".sha1", ".sha256", ".sha512"})) return Format::kPlain;
  // Invalid UTF-8 is a per-line matter: the readers reject those lines and read the rest.
  // Drop a possibly partial last line before looking at lines.
  if (head.size() == kHeadBytes) {
    size_t nl = h.rfind('\n');
    if (nl != std::string_view::npos) h = h.substr(0, nl);
  }
  return DetectText(h);
}

Status ReadPath(const std::string& path, const ReadOptions& options, IngestSink& sink) {
  Format format = options.format;
  if (format == Format::kAuto) {
    COTENANT_ASSIGN_OR_RETURN(format, DetectFormat(path));
  }
  if (format == Format::kMispFeed) {
    std::string dir = path;
    if (readers::FileName(path) == "manifest.json") {
      dir = std::filesystem::path(path).parent_path().string();
      if (dir.empty()) dir = ".";
    }
    return readers::ReadMispFeed(dir, options, sink);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgument(path + ": is a directory; format " + std::string(FormatName(format)) +
                           " reads one file");
  }
  if (IsLineFormat(format)) {
    COTENANT_ASSIGN_OR_RETURN(std::string head, ReadHead(path));
    COTENANT_RETURN_IF_ERROR(readers::CheckTextEncoding(head, path));
    COTENANT_ASSIGN_OR_RETURN(auto lines, readers::LineReader::Open(path));
    return RunLineReader(format, *lines, path, options, sink);
  }
  switch (format) {
    case Format::kMisp: {
      COTENANT_ASSIGN_OR_RETURN(std::string head, ReadHead(path));
      COTENANT_RETURN_IF_ERROR(readers::CheckTextEncoding(head, path));
      return readers::ReadMispFile(path, options, sink);
    }
    case Format::kMispGalaxy:
    case Format::kTelegram: {
      COTENANT_ASSIGN_OR_RETURN(std::string json,
                                readers::ReadWholeFile(path, readers::kMaxJsonBytes));
      COTENANT_RETURN_IF_ERROR(readers::CheckTextEncoding(json, path));
      if (format == Format::kMispGalaxy) {
        return readers::ReadMispGalaxyJson(json, path, options, sink);
      }
      return readers::ReadTelegramJson(json, path, options, sink);
    }
    case Format::kStix:
      return ReadStix(path, options, sink);
    default:
      return Internal(path + ": no reader for format " + std::string(FormatName(format)));
  }
}

namespace readers {

Status ReadBuffer(Format format, std::string_view content, const std::string& name,
                  const ReadOptions& options, IngestSink& sink) {
  if (IsLineFormat(format)) {
    COTENANT_RETURN_IF_ERROR(CheckTextEncoding(content, name));
    auto lines = LineReader::FromBuffer(content);
    return RunLineReader(format, *lines, name, options, sink);
  }
  switch (format) {
    case Format::kMisp:
      return ReadMispJson(content, name, options, sink);
    case Format::kMispGalaxy:
      return ReadMispGalaxyJson(content, name, options, sink);
    case Format::kTelegram:
      return ReadTelegramJson(content, name, options, sink);
    case Format::kStix:
      return ReadStixText(content, name, options, sink);
    default:
      return Unsupported(name + ": format " + std::string(FormatName(format)) +
                         " cannot be read from memory");
  }
}

}  // namespace readers

}  // namespace cotenant
