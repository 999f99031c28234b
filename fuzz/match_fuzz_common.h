// Shared by the matcher's fuzz targets: a fixed snapshot with every index populated, and a
// sink that renders each alert (so the alert path runs too).
#pragma once

#include <memory>
#include <string>

#include "cotenant/log_match.h"

namespace cotenant::fuzz {

inline const MatchSnapshot& FuzzSnapshot() {
  static const MatchSnapshot* snapshot = [] {
    MatchSnapshotBuilder b;
    const std::pair<IndicatorType, const char*> values[] = {
        {IndicatorType::kIpv4, "203.0.113.5"},
        {IndicatorType::kCidr, "198.51.100.0/24"},
        {IndicatorType::kCidr, "198.51.100.128/25"},
        {IndicatorType::kIpv6, "2001:db8::5"},
        {IndicatorType::kCidr, "2001:db8:1::/48"},
        {IndicatorType::kDomain, "higan.org"},
        {IndicatorType::kDomain, "xn--e1afmkfd.xn--p1ai"},
        {IndicatorType::kUrl, "http://stage.example/payload/a.php?id=7"},
        {IndicatorType::kMd5, "44d88612fea8a8f36de82e1278abb02f"},
        {IndicatorType::kCertSha1, "2a9f8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a"},
        {IndicatorType::kJa3, "e7d705a3286e19ea42f587b344ee6865"},
        {IndicatorType::kEmail, "boss@phish.example"},
    };
    for (const auto& [type, value] : values) {
      MatchRecord r;
      r.indicator = Indicator{type, value, value};
      r.actors = {"A", "B"};
      r.valid_until = Timestamp::FromUnixSeconds(1800000000);
      (void)b.Add(r);
    }
    (void)b.AddAllow(Indicator{IndicatorType::kCidr, "192.0.2.0/24", "192.0.2.0/24"});
    return new MatchSnapshot(std::move(b.Build(Timestamp::FromUnixSeconds(1))).value());
  }();
  return *snapshot;
}

class RenderingSink : public AlertSink {
 public:
  void OnAlert(Alert&& a) override { bytes += AlertToJson(a).size(); }
  size_t bytes = 0;
};

inline void FuzzLogs(const uint8_t* data, size_t size, LogFormat format) {
  LogMatchOptions options;
  options.threads = 1;
  options.format = format;
  options.chunk_bytes = 4096;  // exercise chunk boundaries
  RenderingSink sink;
  LogMatchStats stats;
  (void)MatchBuffer(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.log",
                    FuzzSnapshot(), options, sink, &stats);
}

}  // namespace cotenant::fuzz
