// Log input: event times, compressed input, Zeek header changes, chunking and threads, follow
// mode with rotation, and snapshot reload under continuous input.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "cotenant/log_match.h"
#include "match/log_scan.h"
#include "testing.h"

namespace cotenant {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("cotenant_match_" + std::to_string(getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

void Write(const std::string& path, std::string_view data, bool append = false) {
  std::ofstream out(path, append ? std::ios::app | std::ios::binary : std::ios::binary);
  out << data;
}

std::string Gzip(std::string_view data) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

std::shared_ptr<const MatchSnapshot> SnapshotOf(std::vector<std::string> ips,
                                                std::string actor = "APT-A") {
  MatchSnapshotBuilder b;
  for (const auto& ip : ips) {
    MatchRecord r;
    r.indicator = Indicator{IndicatorType::kIpv4, ip, ip};
    r.actors = {actor};
    EXPECT_TRUE(b.Add(r).ok());
  }
  return std::make_shared<const MatchSnapshot>(std::move(b.Build()).value());
}

class Recording : public AlertSink {
 public:
  void OnAlert(Alert&& a) override {
    std::lock_guard lock(mu);
    alerts.push_back(std::move(a));
  }
  size_t size() {
    std::lock_guard lock(mu);
    return alerts.size();
  }
  std::mutex mu;
  std::vector<Alert> alerts;
};

LogMatchOptions Options(std::shared_ptr<const MatchSnapshot> snap, int threads = 1) {
  LogMatchOptions o;
  o.threads = threads;
  o.snapshot = [snap] { return snap; };
  return o;
}

std::string EveLine(int i, const std::string& ip) {
  return R"({"timestamp":"2024-01-01T00:00:00Z","flow_id":)" + std::to_string(i) +
         R"(,"event_type":"flow","src_ip":"172.16.0.1","dest_ip":")" + ip + "\"}\n";
}

TEST(EventTime, AcceptsLogFormats) {
  using match_internal::ParseEventTime;
  EXPECT_EQ(ParseEventTime("1521911720.865716"), 1521911720865716);
  EXPECT_EQ(ParseEventTime("1521911720"), 1521911720000000);
  EXPECT_EQ(ParseEventTime("1521911720.8"), 1521911720800000);
  EXPECT_EQ(ParseEventTime("2018-03-24T17:15:20.615923Z"), 1521911720615923);
  EXPECT_EQ(ParseEventTime("2018-03-24T11:15:20.615923-0600"), 1521911720615923);
  EXPECT_EQ(ParseEventTime("2018-03-24T19:15:20.615923+02:00"), 1521911720615923);
  EXPECT_EQ(ParseEventTime("\"2018-03-24T17:15:20Z\""), 1521911720000000);
  EXPECT_EQ(match_internal::FormatEventTime(1521911720615923), "2018-03-24T17:15:20.615923Z");
  for (const char* bad : {"", "-", "XXXXXXXXXX.XXXXXX", "2018-13-01T00:00:00Z", "2018-03-24",
                          "2018-03-24T17:15:20Q", "12a", "1.2.3"}) {
    EXPECT_FALSE(ParseEventTime(bad).has_value()) << bad;
  }
}

TEST(LogInput, GzipMultiMemberAndZstd) {
  TempDir dir;
  std::string a = EveLine(1, "203.0.113.1"), b = EveLine(2, "203.0.113.2");
  Write(dir.File("two-members.json.gz"), Gzip(a) + Gzip(b));
  Write(dir.File("frames.zst"), Zstd(a) + Zstd(b));
  Write(dir.File("truncated.gz"), Gzip(a + b).substr(0, 20));
  auto snap = SnapshotOf({"203.0.113.1", "203.0.113.2"});
  for (const char* name : {"two-members.json.gz", "frames.zst"}) {
    Recording sink;
    LogMatchStats stats;
    ASSERT_TRUE(MatchLogs({dir.File(name)}, Options(snap), sink, &stats).ok());
    EXPECT_EQ(sink.alerts.size(), 2u) << name;
    EXPECT_EQ(stats.malformed, 0u) << name;
    EXPECT_EQ(stats.unreadable_inputs, 0u) << name;
  }
  Recording sink;
  LogMatchStats stats;
  ASSERT_TRUE(
      MatchLogs({dir.File("truncated.gz"), dir.File("missing.log")}, Options(snap), sink, &stats)
          .ok());
  EXPECT_EQ(stats.unreadable_inputs, 2u);
  ASSERT_EQ(stats.errors.size(), 2u);
  EXPECT_NE(stats.errors[0].find("truncated.gz"), std::string::npos) << stats.errors[0];
  EXPECT_NE(stats.errors[1].find("missing.log"), std::string::npos) << stats.errors[1];
}

TEST(LogInput, ZeekHeaderChangesMidFileAndOtherSeparator) {
  TempDir dir;
  std::string log =
      "#separator \\x7c\n#set_separator|;\n#fields|ts|uid|id.resp_h\n"
      "1700000000.0|A|203.0.113.1\n"
      "#close|x\n"
      "#separator \\x09\n#fields\tid.orig_h\tuid\tts\n"
      "203.0.113.2\tB\t1700000001.0\n";
  Write(dir.File("conn.log"), log);
  auto snap = SnapshotOf({"203.0.113.1", "203.0.113.2"});
  Recording sink;
  LogMatchStats stats;
  ASSERT_TRUE(MatchLogs({dir.File("conn.log")}, Options(snap), sink, &stats).ok());
  ASSERT_EQ(sink.alerts.size(), 2u);
  EXPECT_EQ(sink.alerts[0].uid, "A");
  EXPECT_EQ(sink.alerts[0].field, "id.resp_h");
  EXPECT_EQ(sink.alerts[0].line, 4u);
  EXPECT_EQ(sink.alerts[1].uid, "B");
  EXPECT_EQ(sink.alerts[1].field, "id.orig_h");
  EXPECT_EQ(sink.alerts[1].line, 8u);
  EXPECT_EQ(*sink.alerts[1].time_us, 1700000001000000);
  EXPECT_EQ(stats.malformed, 0u);
}

// '#' inside a data line is data; only a line that starts with '#' is a header.
TEST(LogInput, HashInsideZeekDataIsNotAHeader) {
  std::string log =
      "#fields\tts\tuid\tid.resp_h\n1700000000.0\tA#1\t203.0.113.1\n#x\n"
      "#fields\tid.resp_h\tuid\tts\n203.0.113.2\tB#2\t1700000001.0\n#\n203.0.113.1\t#C\t1.0\n";
  auto snap = SnapshotOf({"203.0.113.1", "203.0.113.2"});
  for (size_t chunk : {size_t{4096}, size_t{1} << 20}) {
    Recording sink;
    LogMatchStats stats;
    LogMatchOptions o = Options(snap);
    o.chunk_bytes = chunk;
    ASSERT_TRUE(MatchBuffer(log, "conn.log", *snap, o, sink, &stats).ok());
    ASSERT_EQ(sink.alerts.size(), 3u);
    EXPECT_EQ(sink.alerts[0].uid, "A#1");
    EXPECT_EQ(sink.alerts[0].line, 2u);
    EXPECT_EQ(sink.alerts[1].uid, "B#2");
    EXPECT_EQ(sink.alerts[1].field, "id.resp_h");
    EXPECT_EQ(sink.alerts[1].line, 5u);
    EXPECT_EQ(sink.alerts[2].uid, "#C");
    EXPECT_EQ(sink.alerts[2].line, 7u);
    EXPECT_EQ(stats.malformed, 0u);
  }
}

// The Zeek TSV column walk (separator bit masks, 64 bytes at a time) agrees with a plain
// split on random lines: fields shorter and longer than a block, empty and unset fields,
// short (malformed) lines, CR line ends, comment and blank lines, no final newline.
TEST(ZeekTsvScan, AgreesWithAPlainSplit) {
  std::mt19937 rng(11);
  for (char sep : {'\t', '|'}) {
    match_internal::ZeekTsvPlan plan;
    std::string s(1, sep);
    plan.ApplyHeader("#separator " + std::string(sep == '\t' ? "\\x09" : "\\x7c"));
    plan.ApplyHeader("#fields" + s + "ts" + s + "uid" + s + "id.orig_h" + s + "id.orig_p" + s +
                     "id.resp_h" + s + "proto" + s + "history");
    for (int round = 0; round < 200; ++round) {
      std::string data;
      struct Expected {
        std::string value;
        uint32_t record;
      };
      std::vector<Expected> expected;
      uint64_t records = 0, malformed = 0;
      int lines = 1 + static_cast<int>(rng() % 12);
      for (int l = 0; l < lines; ++l) {
        int shape = static_cast<int>(rng() % 10);
        if (shape == 0) {
          data += "#close" + s + "x\n";
          continue;
        }
        if (shape == 1) {
          data += rng() % 2 ? "\n" : "\r\n";
          continue;
        }
        int columns = shape == 2 ? 1 + static_cast<int>(rng() % 4) : 7;  // short line: malformed
        std::vector<std::string> fields;
        for (int c = 0; c < columns; ++c) {
          std::string f;
          switch (rng() % 6) {
            case 0:
              f = "-";
              break;
            case 1:
              f = "";
              break;
            case 2:
              f = std::string(1 + rng() % 90, 'x');  // spans 64-byte blocks
              break;
            default:
              f = std::to_string(rng() % 256) + "." + std::to_string(rng() % 256) + ".0.1";
          }
          fields.push_back(f);
        }
        std::string line;
        for (int c = 0; c < columns; ++c) line += (c ? s : "") + fields[c];
        bool cr = rng() % 4 == 0;
        if (cr) line += "\r";
        bool last = l == lines - 1;
        data += line + (last && rng() % 2 ? "" : "\n");
        if (line.empty() || line[0] == '\r') continue;  // a blank line, not a record
        uint32_t rec = static_cast<uint32_t>(records++);
        if (columns < 5) {
          ++malformed;
          continue;
        }
        for (int c : {2, 4}) {
          std::string v = fields[c];
          if (c == columns - 1 && cr) v += "\r";
          if (!v.empty() && v.back() == '\r') v.pop_back();
          if (!v.empty() && v != "-") expected.push_back({v, rec});
        }
      }
      match_internal::ScanBatch batch;
      match_internal::ScanZeekTsv(plan, data, batch);
      ASSERT_EQ(batch.records.size(), records) << data;
      EXPECT_EQ(batch.malformed, malformed) << data;
      ASSERT_EQ(batch.probes.size(), expected.size()) << data;
      for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(batch.probes[i].value, expected[i].value) << data;
        EXPECT_EQ(batch.probes[i].record, expected[i].record) << data;
      }
    }
  }
}

// Small chunks and two threads give the same alerts, in the same order, as one thread.
TEST(LogInput, ChunkingAndThreadsKeepOrder) {
  std::string data;
  std::vector<std::string> ips;
  for (int i = 0; i < 3000; ++i) {
    std::string ip = "198.51.100." + std::to_string(i % 250);
    if (i % 7 == 0) ips.push_back(ip);
    data += EveLine(i, ip);
  }
  auto snap = SnapshotOf(ips);
  Recording one, two;
  LogMatchOptions o1 = Options(snap, 1);
  LogMatchOptions o2 = Options(snap, 2);
  o2.chunk_bytes = 4096;
  ASSERT_TRUE(MatchBuffer(data, "eve.json", *snap, o1, one, nullptr).ok());
  ASSERT_TRUE(MatchBuffer(data, "eve.json", *snap, o2, two, nullptr).ok());
  ASSERT_EQ(one.alerts.size(), two.alerts.size());
  ASSERT_GT(one.alerts.size(), 100u);
  for (size_t i = 0; i < one.alerts.size(); ++i) {
    EXPECT_EQ(AlertToJson(one.alerts[i]), AlertToJson(two.alerts[i]));
  }
}

// Every line of a continuously read input is matched exactly once across snapshot reloads.
TEST(LogInput, ReloadUnderContinuousInput) {
  TempDir dir;
  std::string data;
  const int n = 4000;
  for (int i = 0; i < n; ++i) data += EveLine(i, "203.0.113.7");
  Write(dir.File("eve.json"), data);
  auto first = SnapshotOf({"203.0.113.7"}, "APT-OLD");
  auto second = SnapshotOf({"203.0.113.7"}, "APT-NEW");
  std::atomic<int> calls = 0;
  LogMatchOptions o = Options(first, 2);
  o.chunk_bytes = 8192;
  o.snapshot = [&]() -> std::shared_ptr<const MatchSnapshot> {
    return ++calls > 10 ? second : first;
  };
  Recording sink;
  LogMatchStats stats;
  ASSERT_TRUE(MatchLogs({dir.File("eve.json")}, o, sink, &stats).ok());
  ASSERT_EQ(sink.alerts.size(), static_cast<size_t>(n));
  EXPECT_EQ(stats.reloads, 1u);
  size_t old_count = 0;
  for (size_t i = 0; i < sink.alerts.size(); ++i) {
    EXPECT_EQ(sink.alerts[i].uid, std::to_string(i));
    EXPECT_EQ(sink.alerts[i].line, i + 1);
    if (sink.alerts[i].actors == std::vector<std::string>{"APT-OLD"}) {
      ++old_count;
      EXPECT_EQ(old_count, i + 1) << "old snapshot after the reload";
    }
  }
  EXPECT_GT(old_count, 0u);
  EXPECT_LT(old_count, static_cast<size_t>(n));
}

TEST(LogInput, FollowSurvivesRotationAndTruncation) {
  TempDir dir;
  std::string path = dir.File("conn.log");
  std::string header = "#separator \\x09\n#fields\tts\tuid\tid.resp_h\n";
  Write(path, header + "1.0\tL1\t203.0.113.1\n1.0\tL2\t203.0.113.1");  // L2 unterminated
  auto snap = SnapshotOf({"203.0.113.1"});
  LogMatchOptions o = Options(snap, 2);
  o.follow = true;
  o.follow_poll_ms = 10;
  std::atomic<bool> stop = false;
  o.should_stop = [&] { return stop.load(); };
  Recording sink;
  LogMatchStats stats;
  std::thread runner([&] { ASSERT_TRUE(MatchLogs({path}, o, sink, &stats).ok()); });
  auto wait_for = [&](size_t n) {
    for (int i = 0; i < 1000 && sink.size() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return sink.size();
  };
  EXPECT_EQ(wait_for(1), 1u);
  Write(path, "\n1.0\tL3\t203.0.113.1\n", true);  // completes L2
  EXPECT_EQ(wait_for(3), 3u);
  // Rotation: the old file gets one more line after the rename, then a new file appears
  // with its own header and a different column order.
  fs::rename(path, path + ".1");
  Write(path + ".1", "1.0\tL4\t203.0.113.1\n", true);
  Write(path, "#separator \\x09\n#fields\tid.resp_h\tuid\tts\n203.0.113.1\tN1\t2.0\n");
  EXPECT_EQ(wait_for(5), 5u);
  // Truncation (copytruncate, then a shorter file): read again from the start.
  Write(path, "#separator \\x09\n#fields\tuid\tid.resp_h\nT1\t203.0.113.1\n");
  EXPECT_EQ(wait_for(6), 6u);
  stop = true;
  runner.join();
  std::vector<std::string> uids;
  for (const auto& a : sink.alerts) uids.push_back(a.uid);
  EXPECT_EQ(uids, (std::vector<std::string>{"L1", "L2", "L3", "L4", "N1", "T1"}));
  EXPECT_EQ(stats.malformed, 0u);
}

}  // namespace
}  // namespace cotenant
