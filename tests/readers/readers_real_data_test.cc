// The readers over the real public data in ../shared/data and ../shared/data2 (skipped when
// absent): every file a reader applies to reads without aborting, and counts are compared with
// counts taken independently of the readers (maltrail: non-comment lines per file; hash lists:
// non-blank lines; galaxy: clusters in the JSON; CSV: data rows). Mismatches are printed with
// the records that explain them. Prints the per-source and per-actor observation counts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "cotenant/reader.h"
#include "recording_sink.h"
#include "testing.h"

namespace cotenant {
namespace {

namespace fs = std::filesystem;

// Lines that are neither blank nor "#" comments: what maltrail and plain lists count as values.
int64_t ValueLines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    ++n;
  }
  return n;
}

struct Counts {
  int64_t observations = 0, relationships = 0, actors = 0, rejections = 0;
};

std::vector<fs::path> FilesUnder(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void PrintRejections(const testing::RecordingSink& sink, size_t max) {
  for (size_t i = 0; i < sink.rejections.size() && i < max; ++i) {
    std::cout << "    " << testing::DumpRejection(sink.rejections[i]) << "\n";
  }
}

TEST(ReadersRealDataTest, MaltrailValueLinesEqualObservationsPlusRejections) {
  auto shared = testing::SharedDir();
  if (!shared) GTEST_SKIP() << "../shared/data is absent";
  std::vector<fs::path> files =
      FilesUnder(fs::path(*shared) / "data/maltrail/trails/static/malware");
  for (auto& f : FilesUnder(fs::path(*shared) / "data2/maltrail/trails/static")) files.push_back(f);
  ASSERT_GE(files.size(), 340u);
  int64_t lines_total = 0, obs_total = 0, rej_total = 0;
  std::map<std::string, int64_t> per_actor;
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    testing::RecordingSink sink;
    ReadOptions options;
    Result<Format> detected = DetectFormat(f.string());
    ASSERT_TRUE(detected.ok()) << detected.status().ToString();
    EXPECT_EQ(*detected, Format::kMaltrail);
    Status s = ReadPath(f.string(), options, sink);
    ASSERT_TRUE(s.ok()) << s.ToString();
    int64_t lines = ValueLines(f);
    int64_t obs = static_cast<int64_t>(sink.observations.size());
    int64_t rej = static_cast<int64_t>(sink.rejections.size());
    lines_total += lines;
    obs_total += obs;
    rej_total += rej;
    EXPECT_EQ(lines, obs + rej) << "every value line is an observation or a rejection";
    if (lines != obs) {
      std::cout << f.filename().string() << ": " << lines << " value lines, " << obs
                << " observations, " << rej << " rejections\n";
      PrintRejections(sink, 5);
    }
    for (const auto& o : sink.observations) ++per_actor[o.actor.empty() ? "(none)" : o.actor];
  }
  std::cout << "maltrail: " << files.size() << " files, " << lines_total << " value lines, "
            << obs_total << " observations, " << rej_total << " rejections, " << per_actor.size()
            << " actors\n";
  for (const char* actor : {"gamaredon", "lazarus", "kimsuky", "apt38", "bluenoroff"}) {
    std::cout << "  " << actor << ": " << per_actor[actor] << "\n";
  }
  // Rejections are rare in maltrail (typos in the trail files); a jump means a reader bug.
  EXPECT_LT(rej_total * 1000, lines_total) << "more than 0.1% of maltrail lines rejected";
}

// Every file of ../shared/data and the reader-relevant parts of data2 reads without aborting.
TEST(ReadersRealDataTest, EveryFileReads) {
  auto shared = testing::SharedDir();
  if (!shared) GTEST_SKIP() << "../shared/data is absent";
  const fs::path data = fs::path(*shared) / "data";
  const fs::path data2 = fs::path(*shared) / "data2";
  std::vector<fs::path> inputs;
  for (const auto& f : FilesUnder(data)) {
    std::string ext = f.extension().string();
    if (f.string().find("/maltrail/") != std::string::npos) continue;  // the test above
    if (ext == ".yml" || ext == ".yar") continue;  // Sigma and YARA rules: not indicator data
    if (f == data / "README.md") continue;
    inputs.push_back(f);
  }
  for (const char* rel :
       {"pdns-qof/example_code/testdata/data.json", "crowdsec-alerts-feed/misp-feed",
        "chrome-mal-ids/formats/misp-feed", "abusech-feodo-snapshot/ipblocklist.csv",
        "crowdsec-alerts-feed/feeds/feed-all-7d.txt"}) {
    if (fs::exists(data2 / rel)) inputs.push_back(data2 / rel);
  }
  std::map<std::string, Counts> per_format;
  std::map<std::string, int64_t> per_source;
  std::map<std::string, int64_t> per_actor;
  std::map<std::string, int64_t> reasons;
  int read = 0;
  for (const auto& f : inputs) {
    SCOPED_TRACE(f.string());
    Result<Format> format = DetectFormat(f.string());
    ASSERT_TRUE(format.ok()) << format.status().ToString();
    testing::RecordingSink sink;
    ReadOptions options;
    Status s = ReadPath(f.string(), options, sink);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ++read;
    Counts& c = per_format[std::string(FormatName(*format))];
    c.observations += sink.observations.size();
    c.relationships += sink.relationships.size();
    c.actors += sink.actors.size();
    c.rejections += sink.rejections.size();
    for (const auto& o : sink.observations) {
      ++per_source[o.source];
      if (!o.actor.empty()) ++per_actor[o.actor];
    }
    for (const auto& r : sink.rejections) {
      // Group by the reason's wording, without the quoted value or the path it names.
      std::string reason =
          r.reason.substr(0, std::min<size_t>(r.reason.find_first_of("`0123456789"), 48));
      ++reasons[std::string(FormatName(*format)) + ": " + reason];
    }

    // Independent counts where a file's structure gives one.
    std::string ext = f.extension().string();
    if (ext == ".md5" || ext == ".sha1" || ext == ".sha256") {
      EXPECT_EQ(ValueLines(f),
                static_cast<int64_t>(sink.observations.size() + sink.rejections.size()));
      if (!sink.rejections.empty()) PrintRejections(sink, 3);
    }
    if (f.filename() == "Gamaredon-iocs.csv") {
      EXPECT_EQ(ValueLines(f) - 1,
                static_cast<int64_t>(sink.observations.size() + sink.rejections.size()));
      PrintRejections(sink, 5);
    }
    if (f.filename() == "ipblocklist.csv") {
      EXPECT_EQ(sink.observations.size(), 28u);  // "# END 28 entries"
    }
    if (f.filename() == "threat-actor.json" && *format == Format::kMispGalaxy &&
        f.parent_path().filename() == "clusters") {
      EXPECT_EQ(sink.actors.size(), 1041u);
    }
    if (f.filename() == "mitre-intrusion-set.json") {
      EXPECT_EQ(sink.actors.size(), 191u);
    }
    if (f.filename() == "data.json" && *format == Format::kPdns) {
      EXPECT_EQ(sink.relationships.size(), 2u);
    }
  }
  std::cout << "read " << read << " inputs\n";
  for (const auto& [format, c] : per_format) {
    std::cout << "  " << format << ": " << c.observations << " observations, " << c.relationships
              << " relationships, " << c.actors << " actor records, " << c.rejections
              << " rejections\n";
  }
  std::cout << "observations per source (top 25):\n";
  std::vector<std::pair<int64_t, std::string>> sorted;
  for (const auto& [s, n] : per_source) sorted.emplace_back(n, s);
  std::sort(sorted.rbegin(), sorted.rend());
  for (size_t i = 0; i < sorted.size() && i < 25; ++i) {
    std::cout << "  " << sorted[i].second << ": " << sorted[i].first << "\n";
  }
  std::cout << "rejections by reason:\n";
  for (const auto& [r, n] : reasons) std::cout << "  " << n << "  " << r << "\n";
  for (const char* actor : {"Gamaredon", "Gamaredon Group", "Lazarus Group", "Lazarus"}) {
    std::cout << "  actor " << actor << ": " << per_actor[actor] << "\n";
  }
  EXPECT_GE(read, 400);
}

}  // namespace
}  // namespace cotenant
