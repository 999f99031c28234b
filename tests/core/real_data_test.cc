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
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cotenant/domain.h"
#include "cotenant/extract.h"
#include "cotenant/indicator.h"
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

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
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
    if (shown_.size() < 5000) shown_.push_back(std::move(line));
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

}  // namespace
}  // namespace cotenant
