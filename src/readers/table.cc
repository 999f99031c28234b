// AsciiDoc and Markdown IOC documents (ESET malware-ioc README style).
//
// Tables: AsciiDoc "|===" blocks (cells may continue over several lines; the header row gives
// the column count) and Markdown pipe tables ("| a | b |" over "|---|---|"). Columns are
// recognised by their header: indicator columns (IP, Domain, URL, SHA-1, MD5, Hash, C&C...),
// "First seen"/"Last seen", and descriptive columns (Hosting provider, Details, Description,
// Detection, Filename...), which become the description; the role is guessed from it
// (GuessRole), file hashes default to samples. A row with an IP and a domain also gives a
// "resolves-to" relationship. Tables without an indicator column (ATT&CK technique tables) are
// skipped. Code blocks (``` or ----) whose first line is an indicator are lists of indicators,
// described by the section heading; other code blocks (YARA, scripts) are skipped.
//
// Actor: ReadOptions::actor, else the document title without "Indicators of Compromise" when it
// is a short name, else the directory (ESET's folders are named after the group). URLs in the
// prose of a section are that section's references.
#include <string>
#include <vector>

#include "cotenant/extract.h"
#include "cotenant/refang.h"
#include "cotenant/timestamp.h"
#include "readers/readers.h"

namespace cotenant::readers {

namespace {

enum class ColumnKind { kOther, kIndicator, kFirstSeen, kLastSeen, kDescribe };

struct Column {
  std::string header;
  ColumnKind kind = ColumnKind::kOther;
  std::optional<IndicatorType> declared;
};

std::vector<std::string> Words(std::string_view header) {
  std::vector<std::string> out;
  std::string w;
  for (char c : Lower(header)) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '&';
    if (keep) {
      w += c;
    } else if (!w.empty()) {
      out.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

Column ClassifyColumn(std::string_view header) {
  Column c;
  c.header = std::string(Trim(header));
  std::string lower = Lower(c.header);
  auto words = Words(header);
  auto has = [&](std::string_view w) {
    for (const auto& x : words) {
      if (x == w) return true;
    }
    return false;
  };
  if (lower.find("first seen") != std::string::npos || has("firstseen")) {
    c.kind = ColumnKind::kFirstSeen;
    return c;
  }
  if (lower.find("last seen") != std::string::npos || has("lastseen")) {
    c.kind = ColumnKind::kLastSeen;
    return c;
  }
  if (has("hosting") || has("provider") || has("details") || has("detail") || has("description") ||
      has("detection") || has("comment") || has("purpose") || has("component") || has("filename") ||
      has("note") || has("notes") || has("country") || has("asn") || has("isp") ||
      has("registrar")) {
    c.kind = ColumnKind::kDescribe;
    return c;
  }
  struct Key {
    std::string_view word;
    std::optional<IndicatorType> type;
  };
  static const Key kKeys[] = {
      {"sha-1", IndicatorType::kSha1},
      {"sha1", IndicatorType::kSha1},
      {"sha-256", IndicatorType::kSha256},
      {"sha256", IndicatorType::kSha256},
      {"md5", IndicatorType::kMd5},
      {"sha-512", IndicatorType::kSha512},
      {"hash", std::nullopt},
      {"hashes", std::nullopt},
      {"ip", std::nullopt},
      {"ips", std::nullopt},
      {"domain", IndicatorType::kDomain},
      {"domains", IndicatorType::kDomain},
      {"url", IndicatorType::kUrl},
      {"urls", IndicatorType::kUrl},
      {"hostname", IndicatorType::kDomain},
      {"c&c", std::nullopt},
      {"c2", std::nullopt},
      {"server", std::nullopt},
      {"servers", std::nullopt},
      {"indicator", std::nullopt},
      {"ioc", std::nullopt},
      {"email", IndicatorType::kEmail},
      {"thumbprint", std::nullopt},
      {"fingerprint", std::nullopt},
      {"address", std::nullopt},
  };
  for (const auto& k : kKeys) {
    if (has(k.word)) {
      c.kind = ColumnKind::kIndicator;
      c.declared = k.type;
      // "Hash (SHA-1)" names the kind after the generic word.
      if (!c.declared) {
        for (const auto& k2 : kKeys) {
          if (k2.type && IsFileHash(*k2.type) && has(k2.word)) c.declared = k2.type;
        }
      }
      return c;
    }
  }
  return c;
}

// Splits an AsciiDoc table line into cells. Text before the first '|' continues the previous
// cell; "\|" is a literal bar.
void SplitAsciiDocCells(std::string_view line, std::vector<std::string>* cells, bool* continues,
                        std::string* continuation) {
  *continues = false;
  continuation->clear();
  std::string cur;
  bool started = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cur += '|';
      ++i;
      continue;
    }
    if (c == '|') {
      if (started) {
        cells->push_back(std::string(Trim(cur)));
      } else if (!Trim(cur).empty()) {
        // Cell specifiers ("2+", "a") before a bar are dropped; other text continues a cell.
        std::string_view spec = Trim(cur);
        bool is_spec = spec.find_first_not_of("0123456789.+*<>^adehlmsv") == std::string_view::npos;
        if (!is_spec) {
          *continues = true;
          *continuation = std::string(spec);
        }
      }
      cur.clear();
      started = true;
      continue;
    }
    cur += c;
  }
  if (started) {
    cells->push_back(std::string(Trim(cur)));
  } else if (!Trim(cur).empty()) {
    *continues = true;
    *continuation = std::string(Trim(cur));
  }
}

std::vector<std::string> SplitMarkdownCells(std::string_view line) {
  std::string_view t = Trim(line);
  if (!t.empty() && t.front() == '|') t.remove_prefix(1);
  if (!t.empty() && t.back() == '|' && !(t.size() >= 2 && t[t.size() - 2] == '\\')) {
    t.remove_suffix(1);
  }
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\\' && i + 1 < t.size() && t[i + 1] == '|') {
      cur += '|';
      ++i;
    } else if (t[i] == '|') {
      out.push_back(std::string(Trim(cur)));
      cur.clear();
    } else {
      cur += t[i];
    }
  }
  out.push_back(std::string(Trim(cur)));
  return out;
}

bool IsMarkdownSeparator(std::string_view line) {
  std::string_view t = Trim(line);
  if (t.empty() || t.find('-') == std::string_view::npos) return false;
  return t.find_first_not_of("|-: \t") == std::string_view::npos &&
         t.find('|') != std::string_view::npos;
}

// "= Gamaredon -- Indicators of Compromise" -> "Gamaredon".
std::string ActorFromTitle(std::string_view title) {
  std::string t(Trim(title));
  std::string lower = Lower(t);
  size_t at = lower.find("indicators of compromise");
  if (at == std::string::npos) at = lower.find("iocs");
  if (at != std::string::npos) t.resize(at);
  // Strip separators left before the suffix ("--", "–-", "-", "—", ":").
  while (!t.empty()) {
    unsigned char c = static_cast<unsigned char>(t.back());
    if (c == ' ' || c == '-' || c == ':' || c == '(' || c >= 0x80) {
      t.pop_back();
    } else {
      break;
    }
  }
  if (t.empty() || t.find(':') != std::string::npos) return "";
  size_t words = SplitNoEmpty(t, ' ').size();
  if (words > 4) return "";
  return t;
}

}  // namespace

Status ReadTable(LineReader& lines, const std::string& path, const ReadOptions& options,
                 IngestSink& sink) {
  Source source;
  source.name = options.source.empty() ? DefaultSourceName(path) : options.source;
  sink.OnSource(source);
  const std::string report = DefaultSourceName(path);
  std::string actor = options.actor;
  bool actor_from_title_tried = !options.actor.empty();
  auto fallback_actor = [&]() {
    std::string stem = Lower(FileStem(path));
    return stem == "readme" ? ParentDirName(path) : FileStem(path);
  };

  std::string section;                    // the innermost heading
  std::vector<std::string> section_refs;  // URLs in the prose of the current top section
  // Table state.
  enum class Mode { kProse, kAsciiDocTable, kMarkdownTable, kCode, kCodeSkip };
  Mode mode = Mode::kProse;
  std::string code_fence;  // "```" or "----" or "...."
  std::vector<Column> columns;
  bool has_indicator_column = false;
  std::vector<std::string> cells;
  int64_t row_line = 0;
  std::string previous_prose;  // a Markdown header row is the line before the separator
  int64_t previous_line = 0;

  auto ensure_actor = [&] {
    if (!actor_from_title_tried) {
      actor_from_title_tried = true;
      if (actor.empty()) actor = fallback_actor();
    }
  };

  auto set_columns = [&](const std::vector<std::string>& headers) {
    columns.clear();
    has_indicator_column = false;
    for (const auto& h : headers) {
      columns.push_back(ClassifyColumn(h));
      if (columns.back().kind == ColumnKind::kIndicator) has_indicator_column = true;
    }
  };

  auto emit_row = [&](const std::vector<std::string>& row, int64_t line) {
    ensure_actor();
    Location location = LineLocation(path, line);
    std::string row_text;
    for (const auto& c : row) row_text += "|" + c;
    std::optional<Timestamp> first, last;
    std::string description;
    for (size_t i = 0; i < row.size() && i < columns.size(); ++i) {
      const Column& col = columns[i];
      std::string_view cell = Trim(row[i]);
      if (IsPlaceholder(cell)) continue;
      if (col.kind == ColumnKind::kFirstSeen || col.kind == ColumnKind::kLastSeen) {
        std::string clean = Refang(cell);
        Result<Timestamp> t = Timestamp::Parse(Trim(clean));
        if (!t.ok()) {
          sink.OnRejection(MakeRejection(
              location, col.header + " `" + std::string(cell) + "`: " + t.status().message(),
              row_text));
          return;
        }
        (col.kind == ColumnKind::kFirstSeen ? first : last) = *t;
      } else if (col.kind == ColumnKind::kDescribe) {
        if (!description.empty()) description += "; ";
        description += col.header + ": " + Refang(cell);
      }
    }
    if (first && last && *last < *first) {
      sink.OnRejection(MakeRejection(location, "last seen is before first seen", row_text));
      return;
    }
    Role stated = GuessRole(description);
    std::vector<Indicator> domains, ips;
    for (size_t i = 0; i < row.size() && i < columns.size(); ++i) {
      const Column& col = columns[i];
      if (col.kind != ColumnKind::kIndicator) continue;
      std::string_view cell = Trim(row[i]);
      if (IsPlaceholder(cell)) continue;
      std::vector<std::pair<Indicator, std::string>> values;
      Result<Indicator> whole = ParseFeedValue(cell, col.declared);
      if (whole.ok()) {
        values.emplace_back(std::move(whole).value(), std::string(cell));
      } else {
        for (auto& e : ExtractIndicators(cell)) {
          values.emplace_back(std::move(e.indicator), std::string(cell.substr(e.offset, e.length)));
        }
        if (values.empty()) {
          sink.OnRejection(
              MakeRejection(location, col.header + ": " + whole.status().message(), cell));
          continue;
        }
      }
      for (auto& [indicator, original] : values) {
        if (indicator.type == IndicatorType::kDomain) domains.push_back(indicator);
        if (indicator.type == IndicatorType::kIpv4 || indicator.type == IndicatorType::kIpv6) {
          ips.push_back(indicator);
        }
        Observation o;
        o.indicator = std::move(indicator);
        o.actor = actor;
        o.role = ChooseRole(stated, o.indicator.type, options.role);
        o.source = source.name;
        o.references = section_refs;
        o.first_seen = first;
        o.last_seen = last ? last : first;
        o.tlp = options.tlp;
        o.original_text = std::move(original);
        o.description = section.empty()
                            ? description
                            : (description.empty() ? section : section + "; " + description);
        o.basis.push_back(report);
        o.location = location;
        sink.OnObservation(std::move(o));
      }
    }
    for (const auto& d : domains) {
      for (const auto& ip : ips) {
        Relationship r;
        r.from = d;
        r.kind = "resolves-to";
        r.to = ip;
        r.first_seen = first;
        r.last_seen = last ? last : first;
        r.source = source.name;
        r.tlp = options.tlp;
        r.location = location;
        sink.OnRelationship(std::move(r));
      }
    }
  };

  std::string_view line;
  while (lines.Next(&line)) {
    const int64_t n = lines.line_number();
    if (lines.too_long()) {
      sink.OnRejection(MakeRejection(LineLocation(path, n), "line longer than 1 MiB", line));
      continue;
    }
    std::string_view t = Trim(line);
    if (!IsValidUtf8(t)) {
      sink.OnRejection(MakeRejection(LineLocation(path, n), "not valid UTF-8", t));
      continue;
    }
    switch (mode) {
      case Mode::kCode:
      case Mode::kCodeSkip: {
        if (t == code_fence || (code_fence == "```" && t.starts_with("```"))) {
          mode = Mode::kProse;
          continue;
        }
        if (t.empty()) continue;
        if (mode == Mode::kCodeSkip) continue;
        Result<Indicator> indicator = ClassifyIndicator(t);
        if (!indicator.ok()) {
          std::string reason = indicator.status().message();
          if (!section.empty()) reason += " (in section \"" + Truncate(section, 60) + "\")";
          sink.OnRejection(MakeRejection(LineLocation(path, n), reason, t));
          continue;
        }
        ensure_actor();
        Observation o;
        o.indicator = std::move(indicator).value();
        o.actor = actor;
        o.role = ChooseRole(GuessRole(section), o.indicator.type, options.role);
        o.source = source.name;
        o.references = section_refs;
        o.tlp = options.tlp;
        o.original_text = std::string(t);
        o.description = section;
        o.basis.push_back(report);
        o.location = LineLocation(path, n);
        sink.OnObservation(std::move(o));
        continue;
      }
      case Mode::kAsciiDocTable: {
        if (t.starts_with("|===")) {
          if (!cells.empty() && has_indicator_column) {
            sink.OnRejection(MakeRejection(LineLocation(path, row_line),
                                           "table row with " + std::to_string(cells.size()) +
                                               " of " + std::to_string(columns.size()) + " cells",
                                           cells.front()));
          }
          cells.clear();
          columns.clear();
          mode = Mode::kProse;
          continue;
        }
        if (t.empty()) continue;
        std::vector<std::string> line_cells;
        bool continues = false;
        std::string continuation;
        SplitAsciiDocCells(t, &line_cells, &continues, &continuation);
        if (continues && !cells.empty()) cells.back() += " " + continuation;
        if (columns.empty()) {
          // The first line is the header row, with or without [options="header"]: ESET writes
          // its column names there either way, and its cells fix the width.
          if (!line_cells.empty()) set_columns(line_cells);
          continue;
        }
        for (auto& c : line_cells) {
          if (cells.empty()) row_line = n;
          cells.push_back(std::move(c));
          if (cells.size() == columns.size()) {
            if (has_indicator_column) emit_row(cells, row_line);
            cells.clear();
          }
        }
        continue;
      }
      case Mode::kMarkdownTable: {
        if (t.empty() || t.front() != '|') {
          mode = Mode::kProse;
          columns.clear();
          break;  // this line is prose again
        }
        if (has_indicator_column) emit_row(SplitMarkdownCells(t), n);
        continue;
      }
      case Mode::kProse:
        break;
    }

    // Prose.
    if (t.starts_with("[") && t.ends_with("]")) continue;  // block attributes
    if (t.starts_with("|===")) {
      mode = Mode::kAsciiDocTable;
      cells.clear();
      columns.clear();
      continue;
    }
    if (IsMarkdownSeparator(t) && !previous_prose.empty() && previous_prose.front() == '|') {
      set_columns(SplitMarkdownCells(previous_prose));
      mode = Mode::kMarkdownTable;
      previous_prose.clear();
      continue;
    }
    if (t.starts_with("```") || t == "----" || t == "....") {
      code_fence = t.starts_with("```") ? "```" : std::string(t);
      // Decide on the block's first non-blank line: peek by reading it now.
      mode = Mode::kCodeSkip;
      std::string_view next;
      while (lines.Next(&next)) {
        std::string_view nt = Trim(next);
        if (nt.empty()) continue;
        if (nt == code_fence || (code_fence == "```" && nt.starts_with("```"))) {
          mode = Mode::kProse;
          break;
        }
        Result<Indicator> first = ClassifyIndicator(nt);
        if (first.ok()) {
          mode = Mode::kCode;
          ensure_actor();
          Observation o;
          o.indicator = std::move(first).value();
          o.actor = actor;
          o.role = ChooseRole(GuessRole(section), o.indicator.type, options.role);
          o.source = source.name;
          o.references = section_refs;
          o.tlp = options.tlp;
          o.original_text = std::string(nt);
          o.description = section;
          o.basis.push_back(report);
          o.location = LineLocation(path, lines.line_number());
          sink.OnObservation(std::move(o));
        }
        break;
      }
      continue;
    }
    // Headings: AsciiDoc "= Title" / "== Section", Markdown "# Title".
    if ((t.starts_with("=") || t.starts_with("#")) && t.size() > 1) {
      char mark = t.front();
      size_t level = t.find_first_not_of(mark);
      if (level != std::string_view::npos && t[level] == ' ') {
        std::string_view title = Trim(t.substr(level));
        if (level == 1 && !actor_from_title_tried) {
          actor_from_title_tried = true;
          if (actor.empty()) actor = ActorFromTitle(title);
          if (actor.empty()) actor = fallback_actor();
        }
        if (level <= 2) section_refs.clear();
        section = std::string(title);
        previous_prose.clear();
        continue;
      }
    }
    // Prose: URLs are the section's references.
    if (!t.empty() && t.front() != '|' && t.front() != ':') {
      for (auto token : SplitNoEmpty(t, ' ')) {
        if (StartsWithNoCase(token, "https://") || StartsWithNoCase(token, "http://")) {
          std::string ref(token);
          while (!ref.empty() && (ref.back() == '.' || ref.back() == ',' || ref.back() == ')' ||
                                  ref.back() == ']' || ref.back() == '[')) {
            ref.pop_back();
          }
          if (size_t bracket = ref.find('['); bracket != std::string::npos) ref.resize(bracket);
          bool dup = false;
          for (const auto& r : section_refs) dup |= r == ref;
          if (!dup && !ref.empty()) section_refs.push_back(ref);
        }
      }
    }
    previous_prose = std::string(t);
    previous_line = n;
  }
  (void)previous_line;
  return Status::Ok();
}

}  // namespace cotenant::readers
