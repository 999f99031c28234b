// Golden files of the readers: tests/golden/readers/<format>/<case>.<ext> (or a <case>/ feed
// directory) is read with that format, and RecordingSink::Dump() plus the returned status must
// equal <case>.expected. An optional <case>.options holds "key=value" lines (actor, source,
// role, tlp, columns, detect=no). DetectFormat must also find <format> for each input unless
// detect=no. COTENANT_UPDATE_GOLDEN=1 rewrites the .expected files (review the diff).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "cotenant/reader.h"
#include "recording_sink.h"
#include "testing.h"

namespace cotenant {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> ReadOptionsFile(const fs::path& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

struct GoldenCase {
  std::string format_dir;
  fs::path input;  // relative to the source directory
  fs::path expected;
  fs::path options;
};

std::vector<GoldenCase> FindCases() {
  std::vector<GoldenCase> cases;
  fs::path root = "tests/golden/readers";
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      std::string ext = entry.path().extension().string();
      if (ext == ".expected" || ext == ".options") continue;
      GoldenCase c;
      c.format_dir = dir.path().filename().string();
      c.input = entry.path();
      fs::path base = entry.path();
      base.replace_extension();
      if (entry.is_directory()) base = entry.path();
      c.expected = base.string() + ".expected";
      c.options = base.string() + ".options";
      cases.push_back(c);
    }
  }
  std::sort(cases.begin(), cases.end(),
            [](const GoldenCase& a, const GoldenCase& b) { return a.input < b.input; });
  return cases;
}

class ReadersGoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = fs::current_path();
    fs::current_path(testing::SourcePath(""));
  }
  void TearDown() override { fs::current_path(saved_); }
  fs::path saved_;
};

TEST_F(ReadersGoldenTest, EveryCaseMatchesItsExpectedDump) {
  const bool update = std::getenv("COTENANT_UPDATE_GOLDEN") != nullptr;
  std::vector<GoldenCase> cases = FindCases();
  ASSERT_GE(cases.size(), 12u) << "golden cases went missing";
  std::map<std::string, int> per_format;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input.string());
    std::optional<Format> format = FormatFromName(c.format_dir);
    ASSERT_TRUE(format.has_value()) << "directory is not a format name: " << c.format_dir;
    ++per_format[c.format_dir];
    auto opts = ReadOptionsFile(c.options);
    ReadOptions options;
    options.format = *format;
    options.actor = opts["actor"];
    options.source = opts["source"];
    options.csv_columns = opts["columns"];
    if (!opts["role"].empty()) options.role = RoleFromName(opts["role"]).value_or(Role::kUnknown);
    if (!opts["tlp"].empty()) options.tlp = TlpFromName(opts["tlp"]).value_or(Tlp::kUnmarked);

    testing::RecordingSink sink;
    Status status = ReadPath(c.input.string(), options, sink);
    std::string actual = sink.Dump() + "status " + (status.ok() ? "ok" : status.ToString()) + "\n";
    if (update) {
      std::ofstream(c.expected) << actual;
    } else {
      ASSERT_TRUE(fs::exists(c.expected))
          << "missing " << c.expected << " (run with COTENANT_UPDATE_GOLDEN=1)";
      EXPECT_EQ(actual, testing::ReadFile(c.expected.string()));
    }
    if (opts["detect"] != "no") {
      Result<Format> detected = DetectFormat(c.input.string());
      ASSERT_TRUE(detected.ok()) << detected.status().ToString();
      EXPECT_EQ(FormatName(*detected), c.format_dir);
    }
  }
  // Every format has at least one golden case.
  for (const char* f : {"maltrail", "plain", "csv", "ioc-text", "table", "misp", "misp-feed",
                        "misp-galaxy", "pdns", "telegram"}) {
    EXPECT_GE(per_format[f], 1) << "no golden case for " << f;
  }
}

}  // namespace
}  // namespace cotenant
