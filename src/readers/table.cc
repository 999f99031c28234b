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
#include <set>
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
      {"thumbprint", IndicatorType::kCertSha1},
      {"fingerprint", IndicatorType::kCertSha1},
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

struct AdocCell {
  std::string text;
  int colspan = 1;
  int rowspan = 1;
};

// An AsciiDoc cell specifier ("2+", ".10+", "3*", "a", "2.3+a") before a '|'.
bool ParseCellSpec(std::string_view spec, AdocCell* cell, bool allow_style_only) {
  if (spec.empty()) return false;
  size_t i = 0;
  auto digits = [&](int* out) {
    size_t b = i;
    while (i < spec.size() && spec[i] >= '0' && spec[i] <= '9') ++i;
    if (i == b || i - b > 4) return false;
    *out = std::stoi(std::string(spec.substr(b, i - b)));
    return true;
  };
  int a = 1, b = 1;
  bool has_a = digits(&a);
  bool has_b = false;
  if (i < spec.size() && spec[i] == '.' && i + 1 < spec.size() && spec[i + 1] >= '0' &&
      spec[i + 1] <= '9') {
    ++i;
    has_b = digits(&b);
  }
  bool span = false;
  if (i < spec.size() && (spec[i] == '+' || spec[i] == '*')) {
    span = spec[i] == '+';
    ++i;
  } else if (has_a || has_b) {
    return false;
  }
  while (i < spec.size() && (spec[i] == '<' || spec[i] == '^' || spec[i] == '>' || spec[i] == '.'))
    ++i;
  bool style = false;
  if (i < spec.size() && std::string_view("adehlmsv").find(spec[i]) != std::string_view::npos) {
    ++i;
    style = true;
  }
  if (i != spec.size()) return false;
  if (!span && !(style && allow_style_only) && !(has_a || has_b)) return false;
  if (span) {
    cell->colspan = std::max(1, a);
    cell->rowspan = std::max(1, b);
  }
  return true;
}

// Splits an AsciiDoc table line into cells with their spans. Text before the first '|'
// continues the previous cell; "\|" is a literal bar.
void SplitAsciiDocCells(std::string_view line, std::vector<AdocCell>* cells, bool* continues,
                        std::string* continuation) {
  *continues = false;
  continuation->clear();
  std::string cur;
  bool started = false;
  AdocCell next;
  auto finish = [&](std::string text) {
    // A trailing specifier token belongs to the next cell.
    AdocCell spec;
    std::string_view t = Trim(text);
    size_t ws = t.find_last_of(" \t");
    std::string_view last = ws == std::string_view::npos ? t : t.substr(ws + 1);
    bool whole = ws == std::string_view::npos;
    if (!last.empty() && ParseCellSpec(last, &spec, whole)) {
      t = whole ? std::string_view() : Trim(t.substr(0, ws));
    } else {
      spec = AdocCell();
    }
    return std::make_pair(std::string(t), spec);
  };
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cur += '|';
      ++i;
      continue;
    }
    if (c == '|') {
      auto [text, spec] = finish(cur);
      if (started) {
        next.text = text;
        cells->push_back(next);
      } else if (!text.empty()) {
        *continues = true;
        *continuation = text;
      }
      next = spec;
      cur.clear();
      started = true;
      continue;
    }
    cur += c;
  }
  if (started) {
    next.text = std::string(Trim(cur));
    cells->push_back(next);
  } else if (!Trim(cur).empty()) {
    *continues = true;
    *continuation = std::string(Trim(cur));
  }
}

// The column count of `[cols="5*"]` or `[cols="1,2,3"]`; 0 when absent.
size_t ColsFromAttributes(std::string_view attrs) {
  size_t at = attrs.find("cols=");
  if (at == std::string_view::npos) return 0;
  std::string_view v = attrs.substr(at + 5);
  char quote = !v.empty() && (v.front() == '"' || v.front() == '\'') ? v.front() : 0;
  if (quote) {
    v.remove_prefix(1);
    size_t end = v.find(quote);
    v = v.substr(0, end);
  } else {
    v = v.substr(0, v.find_first_of(",]"));
  }
  size_t n = 0;
  for (auto part : SplitNoEmpty(v, ',')) {
    size_t star = part.find('*');
    if (star != std::string_view::npos && star > 0) {
      int k = 0;
      for (char ch : part.substr(0, star)) {
        if (ch < '0' || ch > '9') return 0;
        k = k * 10 + (ch - '0');
        if (k > 100) return 0;
      }
      n += static_cast<size_t>(k);
    } else {
      ++n;
    }
  }
  return n;
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

  std::string section;  // the innermost heading
  // URLs in the prose, with the level of the heading they were written under; a heading drops
  // the references of its level and below.
  std::vector<std::pair<size_t, std::string>> refs;
  std::vector<std::string> section_refs;
  size_t section_level = 0;
  // Table state.
  enum class Mode { kProse, kAsciiDocTable, kMarkdownTable, kCode, kCodeSkip };
  Mode mode = Mode::kProse;
  std::string code_fence;  // "```" or "----" or "...."
  std::vector<Column> columns;
  bool has_indicator_column = false;
  // AsciiDoc table state: declared width, header cells, the row being filled with its row
  // spans carried over from earlier rows.
  size_t pending_cols = 0;
  size_t table_cols = 0;
  std::vector<std::string> header_cells;
  std::vector<std::string> row;
  std::vector<bool> filled;
  std::vector<int> span_left;
  std::vector<std::string> span_text;
  bool row_started = false;
  size_t last_col = 0;
  size_t real_cells = 0;
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
        Result<Timestamp> t = ParseSeenTime(clean, col.kind == ColumnKind::kLastSeen);
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
      std::set<Indicator> seen_in_cell;
      for (auto& [indicator, original] : values) {
        // "{vt-url}<sha1>[`<sha1>`]" names one value twice.
        if (!seen_in_cell.insert(indicator).second) continue;
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
        o.last_seen = last;
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
        r.last_seen = last;
        r.source = source.name;
        r.tlp = options.tlp;
        r.location = location;
        sink.OnRelationship(std::move(r));
      }
    }
  };

  auto finish_row_if_full = [&] {
    for (bool f : filled) {
      if (!f) return;
    }
    if (has_indicator_column && real_cells > 0) emit_row(row, row_line);
    row_started = false;
  };
  auto start_row = [&](int64_t line) {
    row_started = true;
    row_line = line;
    real_cells = 0;
    for (size_t c = 0; c < row.size(); ++c) {
      filled[c] = span_left[c] > 0;
      row[c] = span_left[c] > 0 ? span_text[c] : "";
      if (span_left[c] > 0) --span_left[c];
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
        std::string note;
        if (!indicator.ok()) {
          // "<value> (UPX packed)": the value, with the rest as its description.
          size_t ws = t.find_first_of(" \t");
          if (ws != std::string_view::npos) {
            Result<Indicator> head = ClassifyIndicator(t.substr(0, ws));
            if (head.ok()) {
              indicator = std::move(head);
              note = std::string(Trim(t.substr(ws)));
            }
          }
        }
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
        o.description = note.empty() ? section : (section.empty() ? note : section + "; " + note);
        o.basis.push_back(report);
        o.location = LineLocation(path, n);
        sink.OnObservation(std::move(o));
        continue;
      }
      case Mode::kAsciiDocTable: {
        if (t.starts_with("|===")) {
          if (row_started && real_cells > 0 && has_indicator_column) {
            sink.OnRejection(MakeRejection(LineLocation(path, row_line),
                                           "incomplete table row at the end of the table",
                                           row.empty() ? "" : row.front()));
          }
          columns.clear();
          header_cells.clear();
          mode = Mode::kProse;
          continue;
        }
        if (t.empty()) continue;
        std::vector<AdocCell> line_cells;
        bool continues = false;
        std::string continuation;
        SplitAsciiDocCells(t, &line_cells, &continues, &continuation);
        if (continues) {
          if (columns.empty() && !header_cells.empty()) {
            header_cells.back() += " " + continuation;
          } else if (row_started && last_col < row.size()) {
            row[last_col] += " " + continuation;
          }
        }
        size_t next_cell = 0;
        if (columns.empty()) {
          // The header row: the first line's cells, or the first `cols` cells when the table
          // declares its width. ESET writes column names there with or without
          // [options="header"].
          if (table_cols == 0) {
            for (auto& c : line_cells) header_cells.push_back(c.text);
            next_cell = line_cells.size();
          } else {
            while (next_cell < line_cells.size() && header_cells.size() < table_cols) {
              header_cells.push_back(line_cells[next_cell++].text);
            }
          }
          if (header_cells.empty() || (table_cols != 0 && header_cells.size() < table_cols)) {
            continue;
          }
          set_columns(header_cells);
          row.assign(columns.size(), "");
          filled.assign(columns.size(), false);
          span_left.assign(columns.size(), 0);
          span_text.assign(columns.size(), "");
          row_started = false;
        }
        for (; next_cell < line_cells.size(); ++next_cell) {
          const AdocCell& cell = line_cells[next_cell];
          if (!row_started) start_row(n);
          size_t col = 0;
          while (col < filled.size() && filled[col]) ++col;
          if (col == filled.size()) continue;  // cannot happen: full rows are emitted
          row[col] = cell.text;
          last_col = col;
          ++real_cells;
          for (int k = 0; k < cell.colspan && col + k < filled.size(); ++k) filled[col + k] = true;
          if (cell.rowspan > 1) {
            span_left[col] = cell.rowspan - 1;
            span_text[col] = cell.text;
          }
          finish_row_if_full();
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
    if (t.starts_with("[") && t.ends_with("]")) {  // block attributes
      if (size_t cols = ColsFromAttributes(t); cols > 0) pending_cols = cols;
      continue;
    }
    if (t.starts_with("|===")) {
      mode = Mode::kAsciiDocTable;
      table_cols = pending_cols;
      pending_cols = 0;
      header_cells.clear();
      columns.clear();
      row_started = false;
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
        std::erase_if(refs, [&](const auto& r) { return r.first >= level; });
        section_refs.clear();
        for (const auto& r : refs) section_refs.push_back(r.second);
        section_level = level;
        section = std::string(title);
        previous_prose.clear();
        continue;
      }
    }
    pending_cols = 0;  // block attributes apply to the block right after them
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
          if (!dup && !ref.empty()) {
            refs.emplace_back(section_level, ref);
            section_refs.push_back(ref);
          }
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
