// CSV indicator lists (RFC 4180 quoting, fields may span lines inside quotes).
//
// Columns come from ReadOptions::csv_columns ("value=1,type=2" 1-based, or "value=Indicator"
// header names) or, without a mapping, from the header row by name: BlackBerry's
// "Indicator,Type,Description", abuse.ch's "first_seen_utc,dst_ip,dst_port,...". "#" lines
// before the header and between rows are comments. A declared type is checked against the
// value (ParseFeedValue); a port column turns an IP into an endpoint; the role comes from a
// role column or is guessed from the description.
#include <charconv>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cotenant/timestamp.h"
#include "readers/readers.h"

namespace cotenant::readers {

namespace {

enum class RecordState { kComplete, kOpenQuote };

// Splits one CSV record. Lenient about a stray quote inside an unquoted field (kept as text).
// Splits one record into `fields`, reusing the strings already there (a reader calls this for
// every row with the same vector, so a row costs no allocation once they have grown).
RecordState ParseCsvRecord(std::string_view text, char delim, std::vector<std::string>* fields) {
  size_t count = 0;
  auto next_field = [&]() -> std::string* {
    if (count == fields->size()) fields->emplace_back();
    std::string* f = &(*fields)[count++];
    f->clear();
    return f;
  };
  auto finish = [](std::string* f, bool was_quoted) {
    if (was_quoted) return;
    std::string_view t = Trim(*f);
    if (t.empty()) return f->clear();
    const size_t begin = static_cast<size_t>(t.data() - f->data());
    f->erase(begin + t.size());
    f->erase(0, begin);
  };
  std::string* field = next_field();
  bool quoted = false;      // inside a quoted section
  bool was_quoted = false;  // the current field started with a quote
  for (size_t i = 0; i < text.size();) {
    if (quoted) {
      const size_t quote = text.find('"', i);
      if (quote == std::string_view::npos) {
        field->append(text.substr(i));
        break;
      }
      field->append(text.substr(i, quote - i));
      if (quote + 1 < text.size() && text[quote + 1] == '"') {
        *field += '"';
        i = quote + 2;
      } else {
        quoted = false;
        i = quote + 1;
      }
      continue;
    }
    const char c = text[i];
    if (c == delim) {
      finish(field, was_quoted);
      field = next_field();
      was_quoted = false;
      ++i;
    } else if (c == '"' && Trim(*field).empty() && !was_quoted) {
      field->clear();
      quoted = true;
      was_quoted = true;
      ++i;
    } else {
      // A run of ordinary bytes up to the next delimiter or quote.
      size_t end = i + 1;
      while (end < text.size() && text[end] != delim && text[end] != '"') ++end;
      field->append(text.substr(i, end - i));
      i = end;
    }
  }
  if (quoted) {
    fields->resize(count - 1);  // the fields completed before the open one
    return RecordState::kOpenQuote;
  }
  finish(field, was_quoted);
  fields->resize(count);
  return RecordState::kComplete;
}

struct Columns {
  int value = -1;
  int type = -1;
  int actor = -1;
  int first_seen = -1;
  int last_seen = -1;
  int role = -1;
  int port = -1;
  int reference = -1;
  int tlp = -1;
  int confidence = -1;
  std::vector<int> description;
};

int* Slot(Columns& c, std::string_view key) {
  if (key == "value" || key == "indicator") return &c.value;
  if (key == "type") return &c.type;
  if (key == "actor") return &c.actor;
  if (key == "first_seen" || key == "first-seen") return &c.first_seen;
  if (key == "last_seen" || key == "last-seen") return &c.last_seen;
  if (key == "role") return &c.role;
  if (key == "port") return &c.port;
  if (key == "reference" || key == "references") return &c.reference;
  if (key == "tlp") return &c.tlp;
  if (key == "confidence") return &c.confidence;
  return nullptr;
}

std::string NormalizeHeader(std::string_view h) {
  std::string n = Lower(Trim(h));
  for (char& c : n) {
    if (c == ' ' || c == '-') c = '_';
  }
  return n;
}

// Column roles by header name, first match wins within each role.
Columns ColumnsFromHeader(const std::vector<std::string>& header) {
  Columns c;
  static constexpr std::string_view kValue[] = {
      "indicator",  "ioc",    "value", "observable", "indicator_value", "artifact", "dst_ip", "ip",
      "ip_address", "domain", "url",   "hash",       "sha256",          "sha1",     "md5"};
  static constexpr std::string_view kType[] = {"type", "indicator_type", "ioc_type", "kind",
                                               "data_type"};
  static constexpr std::string_view kActor[] = {"actor",         "threat_actor", "group",
                                                "intrusion_set", "adversary",    "apt"};
  static constexpr std::string_view kFirst[] = {"first_seen", "first_seen_utc", "firstseen",
                                                "date_added", "date",           "created"};
  static constexpr std::string_view kLast[] = {"last_seen", "last_seen_utc", "lastseen",
                                               "last_online"};
  static constexpr std::string_view kDescription[] = {
      "description", "comment", "context", "notes",   "note",
      "details",     "tags",    "threat",  "malware", "c2_status"};
  std::vector<std::string> names;
  for (const auto& h : header) names.push_back(NormalizeHeader(h));
  auto find = [&](std::span<const std::string_view> keys) {
    for (std::string_view k : keys) {
      for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == k) return static_cast<int>(i);
      }
    }
    return -1;
  };
  c.value = find(kValue);
  c.type = find(kType);
  c.actor = find(kActor);
  c.first_seen = find(kFirst);
  c.last_seen = find(kLast);
  static constexpr std::string_view kRole[] = {"role"};
  static constexpr std::string_view kPort[] = {"dst_port", "port"};
  static constexpr std::string_view kRef[] = {"reference", "references", "source_url", "link"};
  static constexpr std::string_view kTlp[] = {"tlp", "marking"};
  static constexpr std::string_view kConf[] = {"confidence"};
  c.role = find(kRole);
  c.port = find(kPort);
  c.reference = find(kRef);
  c.tlp = find(kTlp);
  c.confidence = find(kConf);
  for (std::string_view k : kDescription) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == k && static_cast<int>(i) != c.value) {
        c.description.push_back(static_cast<int>(i));
      }
    }
  }
  return c;
}

// Parses "value=1,type=2" or "value=Indicator,type=Type". Names need the header; `numeric`
// reports which kind was given (no header row is expected for a numeric mapping).
Result<Columns> ParseMapping(std::string_view mapping, const std::vector<std::string>* header,
                             bool* numeric) {
  Columns c;
  *numeric = true;
  for (auto part : SplitNoEmpty(mapping, ',')) {
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument("column mapping `" + std::string(part) + "`: expected key=column");
    }
    std::string key = Lower(Trim(part.substr(0, eq)));
    std::string_view col = Trim(part.substr(eq + 1));
    int index = -1;
    int number = 0;
    auto [ptr, ec] = std::from_chars(col.data(), col.data() + col.size(), number);
    if (ec == std::errc() && ptr == col.data() + col.size()) {
      if (number < 1) {
        return InvalidArgument("column mapping `" + std::string(part) + "`: columns are 1-based");
      }
      index = number - 1;
    } else {
      *numeric = false;
      if (header == nullptr) return InvalidArgument("column mapping by name needs a header row");
      for (size_t i = 0; i < header->size(); ++i) {
        if (Lower(Trim((*header)[i])) == Lower(col)) index = static_cast<int>(i);
      }
      if (index < 0) {
        return InvalidArgument("column mapping `" + std::string(part) + "`: no column named `" +
                               std::string(col) + "` in the header");
      }
    }
    if (key == "description" || key == "comment") {
      c.description.push_back(index);
      continue;
    }
    int* slot = Slot(c, key);
    if (slot == nullptr) {
      return InvalidArgument("column mapping: unknown key `" + key +
                             "` (value, type, actor, first_seen, last_seen, description, role, "
                             "port, reference, tlp, confidence)");
    }
    *slot = index;
  }
  if (c.value < 0) return InvalidArgument("column mapping has no value= column");
  return c;
}

std::string_view Cell(const std::vector<std::string>& row, int index) {
  if (index < 0 || static_cast<size_t>(index) >= row.size()) return {};
  return Trim(row[index]);
}

bool MixedMapping(std::string_view mapping) {
  for (auto part : SplitNoEmpty(mapping, ',')) {
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view col = Trim(part.substr(eq + 1));
    if (!col.empty() && col.find_first_not_of("0123456789") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

Status ReadCsv(LineReader& lines, const std::string& path, const ReadOptions& options,
               IngestSink& sink) {
  Source source;
  source.name = options.source.empty() ? DefaultSourceName(path) : options.source;
  sink.OnSource(source);

  std::string stem = FileStem(path);
  // A vendor's "<actor>-iocs.csv" names the actor; other file names ("ipblocklist") do not.
  bool named_by_file = false;
  const std::string file_actor = ActorFromReportFileName(path, &named_by_file);
  char delim = Lower(FileName(path)).ends_with(".tsv") ? '\t' : ',';

  const bool mapping_by_name = !options.csv_columns.empty() && MixedMapping(options.csv_columns);
  std::optional<Columns> columns;
  if (!options.csv_columns.empty() && !mapping_by_name) {
    bool numeric = true;
    COTENANT_ASSIGN_OR_RETURN(Columns c, ParseMapping(options.csv_columns, nullptr, &numeric));
    columns = c;
  }
  std::vector<std::string> header_names;

  std::string record, text;
  std::vector<std::string> fields;
  std::string_view line;
  int64_t record_line = 0;
  // One Observation reused for every row: a sink that copies what it keeps (the store) leaves
  // the strings' buffers here. Every field is set on every row, since a sink may also move
  // from it.
  Observation o;
  RoleGuesser guess_role;
  while (lines.Next(&line)) {
    if (lines.too_long()) {
      sink.OnRejection(
          MakeRejection(LineLocation(path, lines.line_number()), "line longer than 1 MiB", line));
      record.clear();
      continue;
    }
    if (record.empty()) {
      std::string_view t = Trim(line);
      if (t.empty() || t.front() == '#') continue;
      record_line = lines.line_number();
      record.assign(line);
    } else {
      record += '\n';
      record.append(line);
      if (record.size() > kMaxLineBytes) {
        sink.OnRejection(MakeRejection(LineLocation(path, record_line),
                                       "quoted field longer than 1 MiB (unbalanced quote?)",
                                       record));
        record.clear();
        continue;
      }
    }
    if (!columns && header_names.empty() && record_line == lines.line_number()) {
      // Sniff the delimiter on the header line.
      if (delim == ',' && record.find(',') == std::string::npos &&
          record.find(';') != std::string::npos) {
        delim = ';';
      } else if (delim == ',' && record.find(',') == std::string::npos &&
                 record.find('\t') != std::string::npos) {
        delim = '\t';
      }
    }
    // An open quoted field can only close on a line with a quote: skip re-parsing the growing
    // record otherwise (keeps a runaway quote linear, not quadratic).
    if (record_line != lines.line_number() && line.find('"') == std::string_view::npos) continue;
    if (ParseCsvRecord(record, delim, &fields) == RecordState::kOpenQuote) continue;
    text.swap(record);  // both keep their buffers for the next rows
    record.clear();
    auto location = [&] { return LineLocation(path, record_line); };

    if (!columns) {
      header_names = fields;
      if (mapping_by_name) {
        bool numeric = false;
        COTENANT_ASSIGN_OR_RETURN(Columns c,
                                  ParseMapping(options.csv_columns, &header_names, &numeric));
        columns = c;
      } else {
        Columns c = ColumnsFromHeader(header_names);
        if (c.value < 0) {
          return InvalidArgument(path + ":" + std::to_string(record_line) +
                                 ": no indicator column in the CSV header `" + Truncate(text, 120) +
                                 "`; name one with a column mapping (value=N)");
        }
        columns = c;
      }
      continue;
    }

    if (!IsValidUtf8(text)) {
      sink.OnRejection(MakeRejection(location(), "not valid UTF-8", text));
      continue;
    }
    const Columns& c = *columns;
    std::string_view value = Cell(fields, c.value);
    if (value.empty()) {
      sink.OnRejection(MakeRejection(location(),
                                     "no value in column " + std::to_string(c.value + 1) +
                                         " (row has " + std::to_string(fields.size()) + " fields)",
                                     text));
      continue;
    }
    std::optional<IndicatorType> declared;
    std::string_view type_cell = Cell(fields, c.type);
    if (!type_cell.empty()) declared = TypeFromFeedName(type_cell);
    Result<Indicator> indicator = ParseFeedValue(value, declared);
    if (!indicator.ok()) {
      sink.OnRejection(MakeRejection(location(), indicator.status().message(), text));
      continue;
    }
    o.indicator = std::move(indicator).value();
    o.first_seen.reset();
    o.last_seen.reset();
    std::string_view port = Cell(fields, c.port);
    if (!port.empty() &&
        (o.indicator.type == IndicatorType::kIpv4 || o.indicator.type == IndicatorType::kIpv6)) {
      std::string ep = o.indicator.type == IndicatorType::kIpv6
                           ? "[" + o.indicator.value + "]:" + std::string(port)
                           : o.indicator.value + ":" + std::string(port);
      Result<Indicator> endpoint = ParseIndicatorAs(IndicatorType::kEndpoint, ep);
      if (!endpoint.ok()) {
        sink.OnRejection(MakeRejection(
            location(), "port `" + std::string(port) + "`: " + endpoint.status().message(), text));
        continue;
      }
      o.indicator = std::move(endpoint).value();
    }
    bool bad_time = false;
    auto time_cell = [&](int index, std::optional<Timestamp>* out, const char* what) {
      std::string_view cell = Cell(fields, index);
      if (cell.empty() || IsPlaceholder(cell)) return;
      Result<Timestamp> t = ParseSeenTime(cell, out == &o.last_seen);
      if (!t.ok()) {
        sink.OnRejection(MakeRejection(
            location(), std::string(what) + " `" + std::string(cell) + "`: " + t.status().message(),
            text));
        bad_time = true;
        return;
      }
      *out = *t;
    };
    time_cell(c.first_seen, &o.first_seen, "first seen");
    if (bad_time) continue;
    time_cell(c.last_seen, &o.last_seen, "last seen");
    if (bad_time) continue;
    if (o.first_seen && o.last_seen && *o.last_seen < *o.first_seen) {
      sink.OnRejection(MakeRejection(location(), "last seen is before first seen", text));
      continue;
    }

    std::string description;
    for (int index : c.description) {
      std::string_view d = Cell(fields, index);
      if (d.empty()) continue;
      if (!description.empty()) description += "; ";
      if (c.description.size() > 1 && index < static_cast<int>(header_names.size())) {
        description += std::string(Trim(header_names[index])) + ": ";
      }
      description += d;
    }
    Role stated = Role::kUnknown;
    if (std::string_view r = Cell(fields, c.role); !r.empty()) {
      if (auto parsed = RoleFromName(r)) {
        stated = *parsed;
      } else {
        stated = guess_role(r);
      }
    }
    if (stated == Role::kUnknown && !description.empty()) stated = guess_role(description);
    o.role = ChooseRole(stated, o.indicator.type, options.role);

    std::string_view actor_cell = Cell(fields, c.actor);
    o.actor = !options.actor.empty() ? options.actor : std::string(actor_cell);
    if (o.actor.empty() && named_by_file) o.actor = file_actor;
    o.source = source.name;
    o.references.clear();
    if (std::string_view ref = Cell(fields, c.reference); !ref.empty()) {
      o.references.emplace_back(ref);
    }
    o.tlp = options.tlp;
    if (std::string_view tlp = Cell(fields, c.tlp); !tlp.empty()) {
      if (auto parsed = TlpFromName(tlp)) o.tlp = *parsed;
    }
    o.confidence = -1;
    if (std::string_view conf = Cell(fields, c.confidence); !conf.empty()) {
      int v = -1;
      auto [ptr, ec] = std::from_chars(conf.data(), conf.data() + conf.size(), v);
      if (ec == std::errc() && ptr == conf.data() + conf.size() && v >= 0 && v <= 100) {
        o.confidence = v;
      }
    }
    o.original_text.assign(value);
    o.description.assign(description);
    o.basis.clear();
    o.basis.push_back(stem);
    o.exact = true;
    o.location.file.assign(path);
    o.location.line = record_line;
    o.location.json_path.clear();
    sink.OnObservation(std::move(o));
  }
  if (!record.empty()) {
    sink.OnRejection(MakeRejection(LineLocation(path, record_line),
                                   "unterminated quoted field at end of file", record));
  }
  return Status::Ok();
}

}  // namespace cotenant::readers
