// The real Zeek and Suricata samples in ../shared/data2 are read with zero errors, and planted
// indicators taken from them are found (so the fields are really read, not skipped).
#include <gtest/gtest.h>

#include <map>

#include "cotenant/log_match.h"
#include "testing.h"

namespace cotenant {
namespace {

class Counting : public AlertSink {
 public:
  void OnAlert(Alert&& a) override {
    ++by_field[a.field];
    for (const auto& m : a.matches) ++by_indicator[m.indicator];
  }
  std::map<std::string, int> by_field;
  std::map<std::string, int> by_indicator;
};

MatchSnapshot Planted(const std::vector<std::pair<IndicatorType, std::string>>& values) {
  MatchSnapshotBuilder b;
  for (const auto& [type, value] : values) {
    MatchRecord r;
    auto ind = ParseIndicatorAs(type, value);
    EXPECT_TRUE(ind.ok()) << value;
    r.indicator = *ind;
    r.actors = {"planted"};
    EXPECT_TRUE(b.Add(r).ok()) << value;
  }
  return std::move(b.Build()).value();
}

LogMatchStats MatchDir(const std::string& path, const MatchSnapshot& snap, Counting& sink) {
  auto shared = std::make_shared<const MatchSnapshot>(snap);
  LogMatchOptions options;
  options.threads = 2;
  options.snapshot = [shared] { return shared; };
  LogMatchStats stats;
  EXPECT_TRUE(MatchLogs({path}, options, sink, &stats).ok());
  for (const auto& e : stats.errors) ADD_FAILURE() << e;
  EXPECT_EQ(stats.malformed, 0u);
  EXPECT_EQ(stats.unreadable_inputs, 0u);
  EXPECT_GT(stats.records, 0u);
  return stats;
}

TEST(MatchSharedData, ZeekBtestBaselines) {
  auto shared = testing::SharedDir();
  if (!shared) GTEST_SKIP() << "../shared data is absent";
  std::string dir = *shared + "/data2/zeek-btest-baselines/testing";
  auto snap = Planted({{IndicatorType::kIpv4, "141.142.220.202"},
                       {IndicatorType::kDomain, "wikimedia.org"},
                       {IndicatorType::kCidr, "208.80.152.0/22"}});
  Counting sink;
  LogMatchStats stats = MatchDir(dir, snap, sink);
  EXPECT_EQ(stats.files, 7u);
  EXPECT_GT(sink.by_field["id.orig_h"], 0);
  EXPECT_GT(sink.by_field["host"], 0);       // http.log host
  EXPECT_GT(sink.by_field["id.resp_h"], 0);  // inside 208.80.152.0/22
  EXPECT_GT(sink.by_indicator["wikimedia.org"], 0);
}

TEST(MatchSharedData, ZedSampleZeekTsvJsonAndGzip) {
  auto shared = testing::SharedDir();
  if (!shared) GTEST_SKIP() << "../shared data is absent";
  std::string dir = *shared + "/data2/zed-sample-data";
  auto snap = Planted({{IndicatorType::kIpv4, "10.47.3.200"},
                       {IndicatorType::kDomain, "wrccdc.org"},
                       {IndicatorType::kCertSha256,
                        "b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe"}});
  Counting sink;
  LogMatchStats stats = MatchDir(dir, snap, sink);
  EXPECT_GT(stats.files, 40u);
  EXPECT_GT(stats.records, 100000u);  // includes the gzip'd dns.log and ssl.log
  EXPECT_GT(sink.by_field["query"], 0);
  EXPECT_GT(sink.by_field["cert_chain_fps"], 0);
  EXPECT_GT(sink.by_field["fingerprint"], 0);  // x509.log
  EXPECT_GT(sink.by_field["id.resp_h"], 0);
}

TEST(MatchSharedData, SuricataSampleAlertArrays) {
  auto shared = testing::SharedDir();
  if (!shared) GTEST_SKIP() << "../shared data is absent";
  std::string dir = *shared + "/data2/suricata-sample-data/samples";
  auto snap = Planted({{IndicatorType::kIpv4, "10.47.8.150"}, {IndicatorType::kCidr, "0.0.0.0/0"}});
  Counting sink;
  LogMatchStats stats = MatchDir(dir, snap, sink);
  EXPECT_GT(sink.by_field["dest_ip"], 0);
  EXPECT_GT(sink.by_indicator["10.47.8.150"], 0);
  EXPECT_GT(sink.by_field["src_ip"], 200);  // every alert's source is inside 0.0.0.0/0
}

}  // namespace
}  // namespace cotenant
