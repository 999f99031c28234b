// Golden tests of the matcher: lookup traps (tests/golden/match/lookup.txt) and whole logs in,
// alerts out (tests/golden/match/logs/<name> -> <name>.expected).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cotenant/log_match.h"
#include "match/log_scan.h"
#include "match_testing.h"
#include "testing.h"

namespace cotenant {
namespace {

const MatchSnapshot& GoldenSnapshot() {
  static const MatchSnapshot* snapshot = [] {
    auto s = testing::SnapshotFromTsv(testing::SourcePath("tests/golden/match/indicators.tsv"));
    if (!s.ok()) {
      ADD_FAILURE() << s.status().ToString();
      std::abort();
    }
    return new MatchSnapshot(std::move(s).value());
  }();
  return *snapshot;
}

ObservedKind KindOf(std::string_view name) {
  if (name == "ip") return ObservedKind::kIp;
  if (name == "host") return ObservedKind::kHost;
  if (name == "url") return ObservedKind::kUrl;
  if (name == "file") return ObservedKind::kFileHash;
  if (name == "cert") return ObservedKind::kCertHash;
  if (name == "ja3") return ObservedKind::kJa3;
  if (name == "ja3s") return ObservedKind::kJa3s;
  if (name == "jarm") return ObservedKind::kJarm;
  if (name == "email") return ObservedKind::kEmail;
  return ObservedKind::kAny;
}

// "<kind> <value> [@time]" -> the alert the pipeline would raise, in short form.
std::string RunLookup(std::string_view input) {
  const MatchSnapshot& snap = GoldenSnapshot();
  std::string text(input);
  std::optional<int64_t> time_us;
  if (size_t at = text.find(" @"); at != std::string::npos) {
    time_us = match_internal::ParseEventTime(text.substr(at + 2));
    if (!time_us) return "bad time";
    text = text.substr(0, at);
  }
  size_t sp = text.find(' ');
  Probe p;
  p.kind = KindOf(text.substr(0, sp));
  std::string value = text.substr(sp + 1);
  std::string extra;
  if (p.kind == ObservedKind::kUrl) {
    size_t sp2 = value.find(' ');
    extra = value.substr(sp2 + 1);
    value = value.substr(0, sp2);
    p.extra = extra;
  }
  p.value = value;
  std::vector<Hit> hits;
  size_t allowed = snap.Lookup({&p, 1}, hits);
  std::string out;
  for (const Hit& h : hits) {
    int64_t t = time_us ? *time_us / 1000000 : 0;
    bool valid = !time_us;
    for (uint32_t e = 0; e < snap.EntryCount(h.indicator) && !valid; ++e) {
      valid = snap.EntryValidAt(h.indicator, e, t);
    }
    if (!out.empty()) out += " ; ";
    out += std::string(snap.IndicatorValueAt(h.indicator)) + "(" +
           std::string(MatchHowName(h.how)) + ")";
    if (!valid) out += " expired";
  }
  if (allowed > 0) return "allowlisted";
  return out.empty() ? "-" : out;
}

TEST(MatchGolden, LookupTraps) {
  auto path = testing::SourcePath("tests/golden/match/lookup.txt");
  ASSERT_GT(testing::CountGoldenCases(path), 50u);
  auto failures = testing::RunGoldenFile(path, RunLookup);
  for (const auto& f : failures) ADD_FAILURE() << f;
}

class Collect : public AlertSink {
 public:
  void OnAlert(Alert&& alert) override { lines += AlertToJson(alert) + "\n"; }
  std::string lines;
};

TEST(MatchGolden, LogsToAlerts) {
  namespace fs = std::filesystem;
  fs::path dir = testing::SourcePath("tests/golden/match/logs");
  bool update = std::getenv("COTENANT_UPDATE_GOLDEN") != nullptr;
  int cases = 0;
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".expected") inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto& input : inputs) {
    ++cases;
    SCOPED_TRACE(input.filename().string());
    auto snapshot = std::make_shared<const MatchSnapshot>(GoldenSnapshot());
    LogMatchOptions options;
    options.threads = 1;
    options.include_expired = input.filename().string().find("expired") != std::string::npos;
    options.snapshot = [snapshot] { return snapshot; };
    Collect sink;
    LogMatchStats stats;
    ASSERT_TRUE(MatchLogs({input.string()}, options, sink, &stats).ok());
    std::string relative = input.filename().string();
    // File names in alerts are absolute; keep the golden files machine-independent.
    std::string got;
    std::istringstream in(sink.lines);
    for (std::string line; std::getline(in, line);) {
      size_t pos = line.find(input.string());
      if (pos != std::string::npos) line.replace(pos, input.string().size(), relative);
      got += line + "\n";
    }
    got += "# lines=" + std::to_string(stats.lines) + " records=" + std::to_string(stats.records) +
           " alerts=" + std::to_string(stats.alerts) +
           " malformed=" + std::to_string(stats.malformed) +
           " allowlisted=" + std::to_string(stats.allowlisted) +
           " expired=" + std::to_string(stats.expired) + "\n";
    for (const auto& e : stats.errors) {
      std::string msg = e;
      size_t pos = msg.find(input.string());
      if (pos != std::string::npos) msg.replace(pos, input.string().size(), relative);
      got += "# error: " + msg + "\n";
    }
    fs::path expected_path = input;
    expected_path += ".expected";
    if (update) {
      std::ofstream(expected_path) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
    EXPECT_EQ(got, testing::ReadFile(expected_path.string()));
  }
  EXPECT_GE(cases, 8);
}

}  // namespace
}  // namespace cotenant
