// Sensor exports of the golden indicator set: Zeek intel file and Suricata datasets + rules,
// compared with tests/golden/match/export/ (COTENANT_UPDATE_GOLDEN=1 rewrites them).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cotenant/sensor_export.h"
#include "match_testing.h"
#include "testing.h"

namespace cotenant {
namespace {

void CompareOrUpdate(const std::string& name, const std::string& got) {
  std::string path = testing::SourcePath("tests/golden/match/export/" + name);
  if (std::getenv("COTENANT_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << got;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  EXPECT_EQ(got, testing::ReadFile(path)) << name;
}

std::string ReportText(const ExportReport& r) {
  std::string out = "exported " + std::to_string(r.exported) + "\n";
  for (const auto& [reason, n] : r.skipped)
    out += "left out " + std::to_string(n) + ": " + reason + "\n";
  for (const auto& l : r.losses) out += "loses: " + l + "\n";
  return out;
}

TEST(SensorExport, ZeekIntelAndSuricata) {
  auto snap = testing::SnapshotFromTsv(testing::SourcePath("tests/golden/match/indicators.tsv"));
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  ExportReport zr;
  auto intel = ZeekIntelFile(*snap, &zr);
  ASSERT_TRUE(intel.ok());
  CompareOrUpdate("zeek.intel", *intel);
  CompareOrUpdate("zeek.report", ReportText(zr));
  // Every intel line has the five fields; the allowlisted value is not exported.
  EXPECT_EQ(intel->find("203.0.113.99"), std::string::npos);
  EXPECT_NE(intel->find("higan.org\tIntel::DOMAIN"), std::string::npos);

  ExportReport sr;
  auto suricata = SuricataDatasets(*snap, SuricataOptions{}, &sr);
  ASSERT_TRUE(suricata.ok());
  std::string all;
  for (const auto& [name, text] : suricata->files) all += "==> " + name + " <==\n" + text;
  CompareOrUpdate("suricata.txt", all);
  CompareOrUpdate("suricata.report", ReportText(sr));
  ASSERT_TRUE(suricata->files.count("cotenant-domains.lst"));
  // "higan.org" base64.
  EXPECT_NE(suricata->files.at("cotenant-domains.lst").find("aGlnYW4ub3Jn\n"), std::string::npos);
}

}  // namespace
}  // namespace cotenant
