// Real-data tests of ClassifyIndicator and ExtractIndicators over the public IOC sets in
// ../shared (skipped with a message when absent):
//  - every trail line of maltrail yields exactly one indicator through ClassifyIndicator;
//  - every value in an indicator column of the ESET README tables is found by
//    ExtractIndicators run over the whole README, at that place, with the same canonical value;
//  - every IOC line of the Cisco Talos .txt files is found by ExtractIndicators.
// Lines that are genuinely not indicators are recognized by narrow, named rules below; each
// rule's hits are counted and printed, and anything else that fails is listed in the failure.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cotenant/domain.h"
#include "cotenant/extract.h"
#include "cotenant/indicator.h"
#include "cotenant/refang.h"
#include "testing.h"

namespace cotenant {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> TextFiles(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == extension) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    if (end == text.size()) break;
    start = end + 1;
  }
  return lines;
}

// Mismatches, kept short in the failure message.
class Report {
 public:
  explicit Report(std::string what) : what_(std::move(what)) {}
  void Fail(std::string line) {
    ++failures_;
    if (shown_.size() < 300) shown_.push_back(std::move(line));
  }
  void Expect(const std::string& rule) { ++expected_[rule]; }
  void Count(const std::string& key) { ++counts_[key]; }
  size_t failures() const { return failures_; }

  void Finish() const {
    std::string summary = what_ + ":";
    for (const auto& [key, n] : counts_) summary += " " + key + "=" + std::to_string(n);
    std::printf("%s\n", summary.c_str());
    for (const auto& [rule, n] : expected_) {
      std::printf("  not an indicator (%s): %zu\n", rule.c_str(), n);
    }
    if (failures_ == 0) return;
    std::string message = what_ + ": " + std::to_string(failures_) + " mismatches\n";
    for (const auto& l : shown_) message += "  " + l + "\n";
    if (failures_ > shown_.size()) message += "  ...\n";
    ADD_FAILURE() << message;
  }

 private:
  std::string what_;
  size_t failures_ = 0;
  std::vector<std::string> shown_;
  std::map<std::string, size_t> expected_;
  std::map<std::string, size_t> counts_;
};

// ---- maltrail --------------------------------------------------------------------------------

bool IsLdhName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The classes of maltrail lines that are genuinely not one indicator (found by this test; each
// is counted in the output). Empty when `line` is in none of them.
std::string MaltrailNonIndicatorRule(std::string_view line) {
  // A name under a TLD that does not exist ("asdofji.ev", "server.korea", "v.entures"): typos,
  // truncations or internal names in the source.
  if (IsLdhName(line) && line.find('.') != std::string_view::npos && line.front() != '.') {
    std::string tld = Lower(line.substr(line.rfind('.') + 1));
    if (!IsPublicSuffix(tld)) return "name under a TLD that is not in the Public Suffix List";
    // "vniir-info.jm": under a wildcard ICANN rule (*.jm), so the name itself is a suffix.
    if (IsIcannPublicSuffix(Lower(line))) return "name that is itself an ICANN public suffix";
  }
  // "213.165.60.118:22:443": an address with two ports.
  {
    size_t first = line.find(':');
    size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second != std::string_view::npos && line.find(':', second + 1) == std::string_view::npos) {
      std::string_view ip = line.substr(0, first);
      std::string_view p1 = line.substr(first + 1, second - first - 1);
      std::string_view p2 = line.substr(second + 1);
      auto digits = [](std::string_view s) {
        return !s.empty() && s.size() <= 5 &&
               std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
      };
      if (std::count(ip.begin(), ip.end(), '.') == 3 && digits(p1) && digits(p2)) {
        return "IPv4 address with two ports";
      }
    }
  }
  // "support\xc2\xacforum.org": a Latin-1 symbol (U+00A1..U+00BF) inside a name.
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    if (static_cast<unsigned char>(line[i]) == 0xC2 &&
        static_cast<unsigned char>(line[i + 1]) >= 0xA1 &&
        static_cast<unsigned char>(line[i + 1]) <= 0xBF) {
      return "name with a Latin-1 symbol in it";
    }
  }
  // ".onion": every name under a TLD, a pattern rather than an indicator.
  if (line.size() > 1 && line.front() == '.' && line.find('.', 1) == std::string_view::npos &&
      IsLdhName(line.substr(1))) {
    return "whole-TLD pattern";
  }
  return {};
}

TEST(RealData, MaltrailTrailsClassify) {
  auto shared = testing::SharedDir();
  if (!shared) GTEST_SKIP() << "../shared/data is absent (set COTENANT_SHARED); skipping";
  std::vector<fs::path> files = TextFiles(*shared + "/data/maltrail/trails/static/malware", ".txt");
  const size_t data_files = files.size();
  for (auto& f : TextFiles(*shared + "/data2/maltrail/trails/static", ".txt")) files.push_back(f);
  ASSERT_GT(data_files, 0u) << "no maltrail trail files under " << *shared << "/data";

  Report report("maltrail (" + std::to_string(files.size()) + " files)");
  for (const fs::path& file : files) {
    std::string text = testing::ReadFile(file.string());
    int line_no = 0;
    for (std::string_view raw : Lines(text)) {
      ++line_no;
      // Maltrail's own loader drops everything from '#' on: whole-line comments and the
      // inline notes some trails carry ("78.129.222.56:8090 # LisfonService RAT").
      std::string_view line = Trim(raw.substr(0, raw.find('#')));
      if (line.empty()) continue;
      report.Count("lines");
      auto result = ClassifyIndicator(line);
      if (!result.ok()) {
        if (std::string rule = MaltrailNonIndicatorRule(line); !rule.empty()) {
          report.Expect(rule);
          continue;
        }
        report.Fail(file.filename().string() + ":" + std::to_string(line_no) + ": " +
                    result.status().message());
        continue;
      }
      report.Count(std::string(IndicatorTypeName(result->type)));
    }
  }
  report.Finish();
}

// ---- shared by the ESET and Talos parts -----------------------------------------------------

// The hits of one extraction, looked up by the byte range of a value in the same text.
class HitIndex {
 public:
  explicit HitIndex(std::string_view text) : hits_(ExtractIndicators(text)) {}
  // True when a hit overlapping [begin, end) has the indicator `want`.
  bool Found(size_t begin, size_t end, const Indicator& want) const {
    auto it = std::lower_bound(
        hits_.begin(), hits_.end(), begin,
        [](const ExtractedIndicator& h, size_t pos) { return h.offset + h.length <= pos; });
    for (; it != hits_.end() && it->offset < end; ++it) {
      if (it->indicator == want) return true;
    }
    return false;
  }
  // What was extracted in [begin, end), for the failure message.
  std::string Describe(size_t begin, size_t end) const {
    std::string out;
    for (const auto& h : hits_) {
      if (h.offset + h.length > begin && h.offset < end) {
        out += std::string(out.empty() ? "" : ", ") +
               std::string(IndicatorTypeName(h.indicator.type)) + " " + h.indicator.value;
      }
    }
    return out.empty() ? "nothing" : out;
  }

 private:
  std::vector<ExtractedIndicator> hits_;
};

bool IsNotApplicable(std::string_view v) {
  return v.empty() || v == "N/A" || v == "n/a" || v == "-" || v == "\xE2\x80\x93" || v == "+";
}

// Cell and line values are written with backticks, AsciiDoc "+...+" and quotes around them.
std::string_view StripDecoration(std::string_view v) {
  auto strip = [](std::string_view& s, char c) {
    bool any = false;
    while (s.size() >= 1 && s.front() == c) {
      s.remove_prefix(1);
      any = true;
    }
    while (s.size() >= 1 && s.back() == c) {
      s.remove_suffix(1);
      any = true;
    }
    return any;
  };
  bool changed = true;
  while (changed) {
    changed = strip(v, '`') | strip(v, '+') | strip(v, '\'') | strip(v, '"') | strip(v, ',');
    if (!v.empty() && v.front() == '(') {
      v.remove_prefix(1);
      changed = true;
    }
    if (!v.empty() && v.back() == ')') {
      v.remove_suffix(1);
      changed = true;
    }
  }
  return v;
}

// ---- ESET AsciiDoc tables ------------------------------------------------------------------

struct TableCell {
  size_t offset;          // of the cell content in the file
  std::string_view text;  // content, spec removed
  int colspan = 1;
  int rowspan = 1;
  bool starts_line = false;  // the cell's '|' is the first thing on its line
};

// Parses a span spec ("2+", ".3+", "2.3+", with optional alignment/style letters) at the end of
// `s`, after white space, into `next`; removes it from `s`.
void TakeSpec(std::string_view* s, TableCell* next) {
  std::string_view t = *s;
  size_t end = t.size();
  while (end > 0 && (t[end - 1] == ' ' || t[end - 1] == '\t')) --end;
  size_t k = end;
  while (k > 0 && end - k < 2 && std::strchr("<^>adehlmsv", t[k - 1]) != nullptr) --k;
  if (k == 0 || (t[k - 1] != '+' && t[k - 1] != '*')) return;
  size_t op = k - 1;
  size_t start = op;
  while (start > 0 &&
         (std::isdigit(static_cast<unsigned char>(t[start - 1])) || t[start - 1] == '.')) {
    --start;
  }
  if (start == op) return;
  if (start > 0 && t[start - 1] != ' ' && t[start - 1] != '\t' && t[start - 1] != '\n') return;
  std::string_view spec = t.substr(start, op - start);
  size_t dot = spec.find('.');
  std::string col(spec.substr(0, dot));
  std::string row = dot == std::string_view::npos ? "" : std::string(spec.substr(dot + 1));
  if (t[op] == '+') {
    if (!col.empty()) next->colspan = std::max(1, std::stoi(col));
    if (!row.empty()) next->rowspan = std::max(1, std::stoi(row));
  }
  *s = t.substr(0, start);
}

// Cells as AsciiDoc reads them: every unescaped '|' starts one (back-ticks do not protect it).
std::vector<TableCell> SplitCells(std::string_view body, size_t body_offset) {
  std::vector<TableCell> cells;
  TableCell pending{};
  bool open = false;
  size_t start = 0;
  for (size_t i = 0; i <= body.size(); ++i) {
    bool separator = i == body.size() || (body[i] == '|' && (i == 0 || body[i - 1] != '\\'));
    if (!separator) continue;
    std::string_view content = body.substr(start, i - start);
    TableCell next{};
    if (i < body.size()) {
      TakeSpec(&content, &next);
      size_t line_begin = body.rfind('\n', i == 0 ? 0 : i - 1);
      line_begin = (line_begin == std::string_view::npos || i == 0) ? 0 : line_begin + 1;
      next.starts_line =
          Trim(body.substr(line_begin, i - line_begin))
              .find_first_not_of("0123456789.+*<^>adehlmsv") == std::string_view::npos;
    }
    if (open) {
      pending.offset = body_offset + start;
      pending.text = content;
      cells.push_back(pending);
    }
    pending = next;
    open = true;
    start = i + 1;
  }
  return cells;
}

struct ColumnValue {
  std::string header;
  size_t offset;
  std::string_view text;
};

// Columns whose header names an indicator type.
bool IsIndicatorColumn(const std::string& header) {
  std::string h = Lower(header);
  for (const char* excluded :
       {"filename", "file name", "detection", "desc", "seen", "provider", "detail", "serial",
        "legit", "version", "type", "password", "compil", "package", "subject", "valid"}) {
    if (h.find(excluded) != std::string::npos) return false;
  }
  for (const char* key : {"sha", "md5", "hash", "ip", "domain", "url", "c&c", "thumbprint"}) {
    if (h.find(key) != std::string::npos) return true;
  }
  return false;
}

struct TableStats {
  size_t tables = 0;
  size_t headerless = 0;      // no header row: skipped
  size_t overflow_cells = 0;  // extra cells on a full row's line: dropped
};

// Every body cell of every table with its column header.
std::vector<ColumnValue> AsciiDocTableCells(std::string_view text, TableStats* stats) {
  std::vector<ColumnValue> out;
  std::vector<std::pair<size_t, std::string_view>> lines;  // offset, line
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(pos, text.substr(pos, end - pos));
    if (end == text.size()) break;
    pos = end + 1;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (Trim(lines[i].second) != "|===") continue;
    size_t j = i + 1;
    while (j < lines.size() && Trim(lines[j].second) != "|===") ++j;
    if (j >= lines.size() || j == i + 1) {
      i = j;
      continue;
    }
    ++stats->tables;
    std::string_view attributes = i > 0 ? lines[i - 1].second : std::string_view();
    const bool header_option = attributes.find("header") != std::string_view::npos;
    const bool implicit_header =
        i + 2 < j && !Trim(lines[i + 1].second).empty() && Trim(lines[i + 2].second).empty();
    size_t body_begin = lines[i + 1].first;
    std::vector<TableCell> cells =
        SplitCells(text.substr(body_begin, lines[j].first - body_begin), body_begin);
    // Some tables lack the header option but open with a row of column names ("|SHA-1
    // |ESET Detection name"): a first line naming an indicator column is a header too.
    bool named_header = false;
    for (const TableCell& c : cells) {
      if (c.offset >= lines[i + 1].first + lines[i + 1].second.size()) break;
      named_header |= IsIndicatorColumn(std::string(Trim(c.text)));
    }
    if (!header_option && !implicit_header && !named_header) {
      ++stats->headerless;
      i = j;
      continue;
    }
    // Column count: the cols attribute, else the cells on the header's line.
    size_t columns = 0;
    for (const TableCell& c : cells) {
      if (c.offset >= lines[i + 1].first + lines[i + 1].second.size()) break;
      ++columns;
    }
    if (size_t cols = attributes.find("cols=\""); cols != std::string_view::npos) {
      std::string_view spec = attributes.substr(cols + 6);
      spec = spec.substr(0, spec.find('"'));
      if (!spec.empty() && std::all_of(spec.begin(), spec.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) || c == '*';
          })) {
        columns = std::stoul(std::string(spec));
      } else {
        columns = static_cast<size_t>(std::count(spec.begin(), spec.end(), ',')) + 1;
      }
    }
    if (columns == 0 || cells.size() < columns) {
      i = j;
      continue;
    }
    std::vector<std::string> headers;
    for (size_t c = 0; c < columns; ++c) headers.emplace_back(Trim(cells[c].text));
    std::vector<int> occupied(columns, 0);  // rows still covered by a row span
    size_t col = 0;
    for (size_t k = columns; k < cells.size(); ++k) {
      const TableCell& cell = cells[k];
      while (col < columns && occupied[col] > 0) ++col;
      if (col >= columns) {
        if (!cell.starts_line) {
          ++stats->overflow_cells;  // a row with more cells than columns: a source error
          continue;
        }
        for (int& o : occupied) o = o > 0 ? o - 1 : 0;
        col = 0;
        while (col < columns && occupied[col] > 0) ++col;
        if (col >= columns) continue;
      }
      out.push_back({headers[col], cell.offset, cell.text});
      if (cell.rowspan > 1) {
        for (size_t c = col; c < columns && c < col + static_cast<size_t>(cell.colspan); ++c) {
          occupied[c] = cell.rowspan;
        }
      }
      col += static_cast<size_t>(cell.colspan);
    }
    i = j;
  }
  return out;
}

bool AllOf(std::string_view s, int (*pred)(int)) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [pred](char c) { return pred(static_cast<unsigned char>(c)); });
}

// The classes of ESET indicator-column values that are not indicators (found by this test;
// each is counted in the output). Empty when none applies.
std::string EsetNonIndicatorRule(std::string_view value) {
  (void)value;
  return {};
}

TEST(RealData, EsetTablesExtract) {
  auto shared = testing::SharedDir();
  if (!shared) GTEST_SKIP() << "../shared/data is absent (set COTENANT_SHARED); skipping";
  std::vector<fs::path> files;
  for (const auto& ext : {".adoc", ".md"}) {
    for (auto& f : TextFiles(*shared + "/data/eset-malware-ioc", ext)) {
      if (f.stem() == "README") files.push_back(f);
    }
  }
  ASSERT_GT(files.size(), 0u) << "no ESET READMEs under " << *shared << "/data/eset-malware-ioc";
  Report report("ESET tables (" + std::to_string(files.size()) + " READMEs)");
  TableStats stats;
  for (const fs::path& file : files) {
    std::string text = testing::ReadFile(file.string());
    HitIndex hits(text);
    const std::string name =
        file.parent_path().filename().string() + "/" + file.filename().string();
    for (const ColumnValue& cell : AsciiDocTableCells(text, &stats)) {
      if (!IsIndicatorColumn(cell.header)) continue;
      // Moose's "C&C server" column says how the sample gets its C&C, not which one it is.
      if (std::string words = Lower(Trim(cell.text));
          words == "hardcoded" || words == "passed as argument") {
        report.Expect("C&C column saying `hardcoded` / `passed as argument`");
        continue;
      }
      // A cell may hold several values, one per line ("a +\nb") or separated by spaces.
      size_t pos = 0;
      while (pos < cell.text.size()) {
        size_t begin = cell.text.find_first_not_of(" \t\r\n", pos);
        if (begin == std::string_view::npos) break;
        size_t end = cell.text.find_first_of(" \t\r\n", begin);
        if (end == std::string_view::npos) end = cell.text.size();
        pos = end;
        std::string_view raw = cell.text.substr(begin, end - begin);
        // AsciiDoc link macros, "{vt-url}<sha1>[`<sha1>`]": the link text is the value.
        if (size_t open = raw.rfind('['); open != std::string_view::npos && raw.back() == ']') {
          begin += open + 1;
          raw = raw.substr(open + 1, raw.size() - open - 2);
        }
        std::string_view value = StripDecoration(raw);
        if (IsNotApplicable(value)) continue;
        report.Count("values");
        const size_t at = cell.offset + begin;
        auto want = ClassifyIndicator(value);
        if (!want.ok()) {
          if (std::string rule = EsetNonIndicatorRule(value); !rule.empty()) {
            report.Expect(rule);
            continue;
          }
          report.Fail(name + " [" + cell.header + "] `" + std::string(value) +
                      "`: " + want.status().message());
          continue;
        }
        if (!hits.Found(at, at + raw.size(), *want)) {
          report.Fail(name + " [" + cell.header + "] `" + std::string(value) + "` (" +
                      std::string(IndicatorTypeName(want->type)) + " " + want->value +
                      ") not extracted; extracted there: " + hits.Describe(at, at + raw.size()));
          continue;
        }
        report.Count(std::string(IndicatorTypeName(want->type)));
      }
    }
  }
  report.Finish();
  std::printf("  tables: %zu, without a header row (skipped): %zu, overflow cells dropped: %zu\n",
              stats.tables, stats.headerless, stats.overflow_cells);
}

// ---- Cisco Talos .txt ----------------------------------------------------------------------

// The classes of Talos lines that are not indicator lines. Empty when `line` is an IOC line.
std::string TalosNonIocRule(std::string_view line) {
  if (line.back() == ':') return "section heading";
  bool structured = line.find_first_of(".:/@[") != std::string_view::npos;
  bool long_hex = line.size() >= 32 && std::all_of(line.begin(), line.end(), [](char c) {
                    return std::isxdigit(static_cast<unsigned char>(c));
                  });
  if (!structured && !long_hex) return "words without any indicator structure";
  return {};
}

bool EndsWithExtension(std::string_view token) {
  size_t dot = token.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string ext = Lower(token.substr(dot + 1));
  for (const char* e : {"exe", "dll", "sys", "doc", "docx", "xls", "xlsx", "pdf", "zip",
                        "rar", "js",  "vbs", "ps1", "bat",  "cmd", "lnk",  "iso", "msi",
                        "jar", "hta", "ini", "dat", "tmp",  "txt", "scr",  "cpl", "ocx"}) {
    if (ext == e) return true;
  }
  return false;
}

// Values ClassifyIndicator accepts that ExtractIndicators deliberately leaves in free text.
std::string NotExtractedRule(const Indicator& indicator, std::string_view written) {
  if (indicator.type == IndicatorType::kUrlPath) {
    return "bare URL path: not extracted from free text";
  }
  // Undefanged only: "bity[.]ws" was marked as a network indicator by its author.
  if (indicator.type == IndicatorType::kDomain && !LooksDefanged(written) &&
      std::count(indicator.value.begin(), indicator.value.end(), '.') == 1) {
    std::string tld = indicator.value.substr(indicator.value.find('.') + 1);
    for (const char* ext : {"zip", "mov", "one", "py", "md", "rs", "so", "ws", "cab", "dot"}) {
      if (tld == ext) return "two-label name under a file-extension TLD: a file name in free text";
    }
  }
  return {};
}

// The classes of IOC lines none of whose tokens is an indicator (found by this test; each is
// counted in the output). `first` is the line's first token. Empty when none applies.
std::string TalosNonIndicatorRule(std::string_view line, std::string_view first) {
  std::string refanged = Refang(first);
  if (refanged.find("://+:") != std::string::npos || refanged.find("://*:") != std::string::npos) {
    return "HTTP.sys URL reservation with a wildcard host (+ or *)";
  }
  if (size_t slash = first.find('/');
      slash != std::string_view::npos && slash > 0 &&
      std::all_of(first.begin(), first.begin() + static_cast<long>(slash),
                  [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }) &&
      std::all_of(first.begin() + static_cast<long>(slash) + 1, first.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; })) {
    return "user-agent product/version";
  }
  for (const char* engine : {"Snort", "Snort2", "Snort3", "ClamAV"}) {
    if (first == engine || first == std::string(engine) + ":") return "detection signature ids";
  }
  if (EndsWithExtension(line) && line.find('/') == std::string_view::npos) return "file name";
  {
    size_t words = 0, alphabetic = 0;
    for (size_t pos = 0; pos < line.size();) {
      size_t begin = line.find_first_not_of(" \t", pos);
      if (begin == std::string_view::npos) break;
      size_t end = line.find_first_of(" \t", begin);
      if (end == std::string_view::npos) end = line.size();
      ++words;
      alphabetic += AllOf(line.substr(begin, end - begin), std::isalpha) ? 1 : 0;
      pos = end;
    }
    if (words >= 3 && 2 * alphabetic >= words) return "heading or note in words";
  }
  if (std::all_of(first.begin(), first.end(),
                  [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }) &&
      first.size() >= 30) {
    return "hex string of no hash length (a truncated hash)";
  }
  if (first.rfind("search:", 0) == 0 || first.rfind("search-ms:", 0) == 0) {
    return "Windows search-ms query";
  }
  if (first.rfind("\\\\", 0) == 0) return "UNC / WebDAV path";
  if (refanged.find('@') != std::string::npos && refanged.find("://") != std::string::npos) {
    size_t at = refanged.find('@');
    size_t slash = refanged.find('/', at);
    std::string_view port = std::string_view(refanged).substr(at + 1, slash - at - 1);
    if (!port.empty() && std::all_of(port.begin(), port.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      return "URL written with WebDAV host@port";
    }
  }
  if (first.find('<') != std::string_view::npos && first.find('>') != std::string_view::npos) {
    return "template with a <placeholder>";
  }
  if (size_t sep = refanged.find("://");
      sep != std::string::npos && refanged.find("://", sep + 3) != std::string::npos) {
    return "URL with a doubled scheme";
  }
  if (first.find(".[.]") != std::string_view::npos ||
      first.find("[.].") != std::string_view::npos) {
    return "malformed defanging (a dot next to [.])";
  }
  std::string_view wallet = first;
  for (std::string_view q : {"\"", "\xE2\x80\x9C", "\xE2\x80\x9D"}) {
    if (wallet.substr(0, q.size()) == q) wallet.remove_prefix(q.size());
    if (wallet.size() >= q.size() && wallet.substr(wallet.size() - q.size()) == q) {
      wallet.remove_suffix(q.size());
    }
  }
  if (wallet.size() == 95 && (wallet[0] == '4' || wallet[0] == '8') &&
      std::all_of(wallet.begin(), wallet.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) && c != '0' && c != 'O' && c != 'I' &&
               c != 'l';
      })) {
    return "Monero wallet address";
  }
  std::string name_rule = MaltrailNonIndicatorRule(Refang(first));
  if (!name_rule.empty()) return name_rule;
  (void)line;
  return {};
}

TEST(RealData, TalosIocLinesExtract) {
  auto shared = testing::SharedDir();
  if (!shared) GTEST_SKIP() << "../shared/data is absent (set COTENANT_SHARED); skipping";
  std::vector<fs::path> files = TextFiles(*shared + "/data/cisco-talos-iocs", ".txt");
  ASSERT_GT(files.size(), 0u) << "no Talos .txt files under " << *shared;
  Report report("Talos (" + std::to_string(files.size()) + " files)");
  for (const fs::path& file : files) {
    std::string text = testing::ReadFile(file.string());
    HitIndex hits(text);
    const std::string name = file.filename().string();
    size_t line_start = 0;
    int line_no = 0;
    for (std::string_view raw : Lines(text)) {
      ++line_no;
      const size_t offset = line_start;
      line_start += raw.size() + 1;
      std::string_view line = Trim(raw);
      if (line.empty()) continue;
      if (std::string rule = TalosNonIocRule(line); !rule.empty()) {
        report.Expect(rule);
        continue;
      }
      report.Count("ioc-lines");
      // Every token of the line that is an indicator on its own must be extracted there; a line
      // must have at least one ("Offer downloaders from 62.204.41.71" has one, not first).
      size_t indicators = 0;
      std::string first_error;
      std::string_view first;
      for (size_t pos = 0; pos < line.size();) {
        size_t begin = line.find_first_not_of(" \t", pos);
        if (begin == std::string_view::npos) break;
        size_t end = line.find_first_of(" \t", begin);
        if (end == std::string_view::npos) end = line.size();
        pos = end;
        std::string_view token = line.substr(begin, end - begin);
        if (first.empty()) first = token;
        std::string_view value = StripDecoration(token);
        if (value.empty()) continue;
        auto want = ClassifyIndicator(value);
        if (!want.ok()) {
          if (first_error.empty()) first_error = want.status().message();
          continue;
        }
        ++indicators;
        const size_t at = offset + static_cast<size_t>(token.data() - raw.data());
        if (std::string rule = NotExtractedRule(*want, token); !rule.empty()) {
          // Documented extractor choices: these are indicators on their own but not in free text.
          if (hits.Found(at, at + token.size(), *want)) {
            report.Fail(name + ":" + std::to_string(line_no) + ": `" + std::string(token) +
                        "` extracted although " + rule);
          } else {
            report.Expect(rule);
          }
          continue;
        }
        if (!hits.Found(at, at + token.size(), *want)) {
          report.Fail(name + ":" + std::to_string(line_no) + ": `" + std::string(token) + "` (" +
                      std::string(IndicatorTypeName(want->type)) + " " + want->value +
                      ") not extracted; extracted there: " + hits.Describe(at, at + token.size()));
          continue;
        }
        report.Count(std::string(IndicatorTypeName(want->type)));
      }
      if (indicators > 0) continue;
      if (std::string rule = TalosNonIndicatorRule(line, first); !rule.empty()) {
        report.Expect(rule);
        continue;
      }
      report.Fail(name + ":" + std::to_string(line_no) + ": `" + std::string(line) +
                  "`: no indicator on an IOC line (" + first_error + ")");
    }
  }
  report.Finish();
}

}  // namespace
}  // namespace cotenant
