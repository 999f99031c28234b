// Matcher benchmark (issue 5): Zeek conn.log and dns.log TSV and Suricata eve.json with planted
// hits, against 1 M IPv4 indicators (the grep/Python comparison) and a mixed set (IPv4, CIDR,
// domains). In the same run: a naive C++ baseline, reading the file alone, `grep -F -f` and a
// Python set lookup on the same data, agreement with the planted hits, memory per indicator
// and peak memory.
//
//   match_bench [--dir=/tmp/cotenant-match-bench] [--log-mb=200] [--ipv4=8000000]
//               [--cidr=1000000] [--domains=1000000] [--small=1000000] [--skip-external]
//               [benchmark flags]
//
// Generated files go to --dir (never into the repository); they are reused when present.
#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "cotenant/log_match.h"
#include "cotenant/match_snapshot.h"

namespace {

using namespace cotenant;
namespace fs = std::filesystem;

struct Config {
  std::string dir = "/tmp/cotenant-match-bench";
  size_t log_mb = 200;
  size_t ipv4 = 8000000;
  size_t cidr = 1000000;
  size_t domains = 1000000;
  size_t small = 1000000;
  bool skip_external = false;
};
Config g_config;

std::string Ip(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
  return buf;
}

bool In(const std::vector<uint32_t>& sorted, uint32_t v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

struct Universe {
  std::vector<uint32_t> ipv4;             // indicator order (the first `small` form the small set)
  std::vector<uint32_t> ipv4_sorted_all;  // for rejection of background values
  std::vector<std::pair<uint32_t, int>> cidrs;  // inside 100.0.0.0-119.255.255.255
  std::vector<std::string> domains;
  std::unordered_set<std::string> domain_set;
};

const char* kTlds[] = {"com", "net", "org", "ru", "info", "biz", "xyz"};

std::string RandomLabel(std::mt19937_64& rng, int min, int max) {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  int n = min + static_cast<int>(rng() % static_cast<uint64_t>(max - min + 1));
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(kChars[rng() % 36]);
  return s;
}

Universe MakeUniverse() {
  Universe u;
  std::mt19937_64 rng(42);
  std::unordered_set<uint32_t> seen;
  seen.reserve(g_config.ipv4 * 2);
  while (u.ipv4.size() < g_config.ipv4) {
    uint32_t v = static_cast<uint32_t>(rng());
    uint32_t first = v >> 24;
    if (first < 1 || first > 99) continue;  // indicators live in 1.0.0.0-99.255.255.255
    if (seen.insert(v).second) u.ipv4.push_back(v);
  }
  u.ipv4_sorted_all = u.ipv4;
  std::sort(u.ipv4_sorted_all.begin(), u.ipv4_sorted_all.end());
  std::set<std::pair<uint32_t, int>> cidrs;
  while (cidrs.size() < g_config.cidr) {
    int len = 16 + static_cast<int>(rng() % 13);  // /16 .. /28, nested ones happen
    uint32_t base = (100u + static_cast<uint32_t>(rng() % 20)) << 24 |
                    (static_cast<uint32_t>(rng()) & 0xffffff);
    base &= ~uint32_t{0} << (32 - len);
    cidrs.insert({base, len});
  }
  u.cidrs.assign(cidrs.begin(), cidrs.end());
  while (u.domains.size() < g_config.domains) {
    std::string d = RandomLabel(rng, 5, 12) + "." + kTlds[rng() % 7];
    if (u.domain_set.insert(d).second) u.domains.push_back(d);
  }
  return u;
}

// A background public address: not an indicator, outside the CIDR range. Now and then it is a
// digit-extension of an indicator ("1.2.3.4" -> "11.2.3.4"), the trap for substring matchers.
uint32_t Background(std::mt19937_64& rng, const Universe& u) {
  for (;;) {
    uint32_t v;
    if (rng() % 200 == 0) {
      uint32_t ind = u.ipv4[rng() % g_config.small];
      uint32_t first = ind >> 24, last = ind & 255;
      if (rng() % 2 == 0 && first < 10) {
        v = ((first + 10 * (1 + rng() % 9)) << 24) | (ind & 0xffffff);
      } else if (last < 25) {
        v = (ind & 0xffffff00) | (last * 10 + rng() % 10);
      } else {
        continue;
      }
    } else {
      v = static_cast<uint32_t>(rng());
    }
    uint32_t first = v >> 24;
    if (first == 0 || first == 10 || first >= 224 || (first >= 100 && first <= 119)) continue;
    if (In(u.ipv4_sorted_all, v)) continue;
    return v;
  }
}

std::string BackgroundDomain(std::mt19937_64& rng, const Universe& u) {
  for (;;) {
    std::string d;
    if (rng() % 100 == 0) {
      d = RandomLabel(rng, 1, 3) + u.domains[rng() % u.domains.size()];  // "michigan.org" trap
    } else {
      d = RandomLabel(rng, 3, 8) + "." + RandomLabel(rng, 5, 12) + "." + kTlds[rng() % 7];
    }
    // Not an indicator, and not under one.
    bool under = false;
    for (size_t p = d.find('.'); p != std::string::npos && !under; p = d.find('.', p + 1)) {
      under = u.domain_set.count(d.substr(p + 1)) > 0;
    }
    if (!under && u.domain_set.count(d) == 0) return d;
  }
}

struct Planted {
  std::vector<uint64_t> small_lines;  // lines with an IPv4 of the small set
  std::vector<uint64_t> big_lines;    // lines with any indicator of the big set
};

void WriteLines(const std::string& path, const std::vector<uint64_t>& lines) {
  std::ofstream out(path);
  for (auto l : lines) out << l << '\n';
}

std::vector<uint64_t> ReadLines(const std::string& path) {
  std::vector<uint64_t> out;
  std::ifstream in(path);
  for (uint64_t v; in >> v;) out.push_back(v);
  return out;
}

// Picks what a line observes: background, a planted small-set IPv4, a big-set IPv4, an address
// inside an indicator CIDR, or (for names) an indicator subdomain.
enum class Plant { kNone, kSmallIp, kBigIp, kCidrIp };

Plant PickPlant(std::mt19937_64& rng) {
  uint64_t r = rng() % 10000;
  if (r < 10) return Plant::kSmallIp;  // 0.1 %
  if (r < 15) return Plant::kBigIp;    // 0.05 %
  if (r < 20) return Plant::kCidrIp;   // 0.05 %
  return Plant::kNone;
}

uint32_t PlantedIp(Plant p, std::mt19937_64& rng, const Universe& u) {
  switch (p) {
    case Plant::kSmallIp:
      return u.ipv4[rng() % g_config.small];
    case Plant::kBigIp:
      return u.ipv4[g_config.small + rng() % (u.ipv4.size() - g_config.small)];
    case Plant::kCidrIp: {
      auto [base, len] = u.cidrs[rng() % u.cidrs.size()];
      uint32_t host = len == 32 ? 0 : static_cast<uint32_t>(rng()) & (~uint32_t{0} >> len);
      return base | host;
    }
    default:
      return Background(rng, u);
  }
}

void GenerateConn(const Universe& u, const std::string& path, Planted& planted) {
  std::mt19937_64 rng(7);
  std::string out;
  out.reserve(g_config.log_mb << 20);
  out +=
      "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
      "#open\t2024-05-01-00-00-00\n"
      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
      "orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
      "orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n"
      "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\t"
      "bool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n";
  uint64_t line = 8;
  static const char kUid[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  double ts = 1714521600.0;
  char buf[512];
  while (out.size() < (g_config.log_mb << 20)) {
    ++line;
    Plant p = PickPlant(rng);
    uint32_t resp = PlantedIp(p, rng, u);
    if (p == Plant::kSmallIp) planted.small_lines.push_back(line);
    if (p != Plant::kNone) planted.big_lines.push_back(line);
    uint32_t orig =
        (172u << 24) | (16u << 16) | (static_cast<uint32_t>(rng()) & 0xfffff);  // 172.16/12
    char uid[19];
    uid[0] = 'C';
    for (int i = 1; i < 18; ++i) uid[i] = kUid[rng() % 62];
    uid[18] = 0;
    ts += 0.000731;
    int n = std::snprintf(
        buf, sizeof(buf),
        "%.6f\t%s\t%s\t%u\t%s\t%u\ttcp\tssl\t%.6f\t%u\t%u\tSF\tT\tF\t0\tShADadFf\t%u\t%u\t%u\t%u\t-"
        "\n",
        ts, uid, Ip(orig).c_str(), static_cast<unsigned>(1024 + rng() % 60000), Ip(resp).c_str(),
        static_cast<unsigned>(rng() % 2 ? 443 : 80), static_cast<double>(rng() % 100000) / 1000.0,
        static_cast<unsigned>(rng() % 100000), static_cast<unsigned>(rng() % 1000000),
        static_cast<unsigned>(rng() % 100), static_cast<unsigned>(rng() % 10000),
        static_cast<unsigned>(rng() % 100), static_cast<unsigned>(rng() % 100000));
    out.append(buf, static_cast<size_t>(n));
  }
  std::ofstream(path, std::ios::binary) << out;
}

// Zeek dns.log TSV: internal clients asking an internal resolver; the query is an indicator
// subdomain in 0.05 % of lines, the answers (an A record and sometimes a CNAME) carry a planted
// address as often as conn.log's responders do.
void GenerateDns(const Universe& u, const std::string& path, Planted& planted) {
  std::mt19937_64 rng(13);
  std::string out;
  out.reserve(g_config.log_mb << 20);
  out +=
      "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
      "#open\t2024-05-01-00-00-00\n"
      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\t"
      "query\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\t"
      "answers\tTTLs\trejected\n"
      "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\t"
      "string\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\t"
      "vector[interval]\tbool\n";
  uint64_t line = 8;
  static const char kUid[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  double ts = 1714521600.0;
  char buf[1024];
  while (out.size() < (g_config.log_mb << 20)) {
    ++line;
    Plant p = PickPlant(rng);
    bool name_plant = rng() % 2000 == 0;
    uint32_t answer = PlantedIp(p, rng, u);
    std::string query = name_plant
                            ? RandomLabel(rng, 2, 6) + "." + u.domains[rng() % u.domains.size()]
                            : BackgroundDomain(rng, u);
    if (p == Plant::kSmallIp) planted.small_lines.push_back(line);
    if (p != Plant::kNone || name_plant) planted.big_lines.push_back(line);
    uint32_t orig = (172u << 24) | (16u << 16) | (static_cast<uint32_t>(rng()) & 0xfffff);
    char uid[19];
    uid[0] = 'C';
    for (int i = 1; i < 18; ++i) uid[i] = kUid[rng() % 62];
    uid[18] = 0;
    ts += 0.000731;
    std::string answers = Ip(answer), ttls = "300.000000";
    if (rng() % 4 == 0) {  // a CNAME first, as resolvers answer for CDN-hosted names
      answers = "edge-" + RandomLabel(rng, 4, 8) + ".cdn.example.net," + answers;
      ttls = "60.000000," + ttls;
    }
    int n =
        std::snprintf(buf, sizeof(buf),
                      "%.6f\t%s\t%s\t%u\t172.16.0.53\t53\tudp\t%u\t0.%06u\t%s\t1\tC_INTERNET\t1\t"
                      "A\t0\tNOERROR\tF\tF\tT\tT\t0\t%s\t%s\tF\n",
                      ts, uid, Ip(orig).c_str(), static_cast<unsigned>(1024 + rng() % 60000),
                      static_cast<unsigned>(rng() % 65536), static_cast<unsigned>(rng() % 200000),
                      query.c_str(), answers.c_str(), ttls.c_str());
    out.append(buf, static_cast<size_t>(n));
  }
  std::ofstream(path, std::ios::binary) << out;
}

void GenerateEve(const Universe& u, const std::string& path, Planted& planted) {
  std::mt19937_64 rng(11);
  std::string out;
  out.reserve(g_config.log_mb << 20);
  uint64_t line = 0;
  char buf[1024];
  uint64_t flow_id = 1000000000000;
  int64_t us = 0;
  while (out.size() < (g_config.log_mb << 20)) {
    ++line;
    Plant p = PickPlant(rng);
    bool name_plant = rng() % 2000 == 0;  // an indicator subdomain in dns/tls/http names
    uint32_t dest = PlantedIp(p, rng, u);
    uint32_t src = (172u << 24) | (16u << 16) | (static_cast<uint32_t>(rng()) & 0xfffff);
    std::string name = name_plant
                           ? RandomLabel(rng, 2, 6) + "." + u.domains[rng() % u.domains.size()]
                           : BackgroundDomain(rng, u);
    if (p == Plant::kSmallIp) planted.small_lines.push_back(line);
    if (p != Plant::kNone || name_plant) planted.big_lines.push_back(line);
    us += 731;
    char ts[40];
    std::snprintf(ts, sizeof(ts), "2024-05-01T%02lld:%02lld:%02lld.%06lld+0000",
                  static_cast<long long>(us / 3600000000 % 24),
                  static_cast<long long>(us / 60000000 % 60),
                  static_cast<long long>(us / 1000000 % 60), static_cast<long long>(us % 1000000));
    std::string s = Ip(src), d = Ip(dest);
    int n = 0;
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
        n = std::snprintf(
            buf, sizeof(buf),
            "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth0\",\"event_type\":\"flow\","
            "\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":443,\"proto\":"
            "\"TCP\","
            "\"app_proto\":\"tls\",\"flow\":{\"pkts_toserver\":%u,\"pkts_toclient\":%u,"
            "\"bytes_toserver\":%u,\"bytes_toclient\":%u,\"start\":\"%s\",\"end\":\"%s\","
            "\"age\":0,\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false},"
            "\"tcp\":{\"tcp_flags\":\"1b\",\"syn\":true,\"fin\":true,\"psh\":true,\"ack\":true,"
            "\"state\":\"closed\"}}\n",
            ts, static_cast<unsigned long long>(flow_id++), s.c_str(),
            static_cast<unsigned>(1024 + rng() % 60000), d.c_str(),
            static_cast<unsigned>(rng() % 50), static_cast<unsigned>(rng() % 50),
            static_cast<unsigned>(rng() % 100000), static_cast<unsigned>(rng() % 1000000), ts, ts);
        if (name_plant) {  // the planted name goes into a dns record instead
          n = std::snprintf(
              buf, sizeof(buf),
              "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth0\",\"event_type\":\"dns\","
              "\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":53,\"proto\":"
              "\"UDP\","
              "\"dns\":{\"type\":\"query\",\"id\":%u,\"rrname\":\"%s\",\"rrtype\":\"A\",\"tx_id\":"
              "0}}\n",
              ts, static_cast<unsigned long long>(flow_id++), s.c_str(),
              static_cast<unsigned>(1024 + rng() % 60000), d.c_str(),
              static_cast<unsigned>(rng() % 65536), name.c_str());
        }
        break;
      case 5:
      case 6:
      case 7:
        n = std::snprintf(
            buf, sizeof(buf),
            "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth0\",\"event_type\":\"dns\","
            "\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":53,\"proto\":"
            "\"UDP\","
            "\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":%u,\"flags\":\"8180\",\"qr\":true,"
            "\"rd\":true,\"ra\":true,\"rrname\":\"%s\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\","
            "\"answers\":[{\"rrname\":\"%s\",\"rrtype\":\"A\",\"ttl\":300,\"rdata\":\"%s\"}]}}\n",
            ts, static_cast<unsigned long long>(flow_id++), s.c_str(),
            static_cast<unsigned>(1024 + rng() % 60000), Ip((172u << 24) | 16u << 16 | 53).c_str(),
            static_cast<unsigned>(rng() % 65536), name.c_str(), name.c_str(), d.c_str());
        break;
      case 8:
        n = std::snprintf(
            buf, sizeof(buf),
            "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth0\",\"event_type\":\"tls\","
            "\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":443,\"proto\":"
            "\"TCP\","
            "\"tls\":{\"subject\":\"CN=%s\",\"issuerdn\":\"C=US, O=Let's Encrypt, CN=R3\","
            "\"serial\":\"04:A1:3B\",\"fingerprint\":\"12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:"
            "de:f0:12:34:56:78\","
            "\"sni\":\"%s\",\"version\":\"TLS 1.2\",\"notbefore\":\"2024-01-01T00:00:00\","
            "\"notafter\":\"2024-04-01T00:00:00\",\"ja3\":{\"hash\":"
            "\"6734f37431670b3ab4292b8f60f29984\"},"
            "\"ja3s\":{\"hash\":\"f4febc55ea12b31ae17cfb7e614afda8\"}}}\n",
            ts, static_cast<unsigned long long>(flow_id++), s.c_str(),
            static_cast<unsigned>(1024 + rng() % 60000), d.c_str(), name.c_str(), name.c_str());
        break;
      default:
        n = std::snprintf(
            buf, sizeof(buf),
            "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth0\",\"event_type\":\"http\","
            "\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":80,\"proto\":"
            "\"TCP\","
            "\"tx_id\":0,\"http\":{\"hostname\":\"%s\",\"url\":\"/index.php?id=%u\","
            "\"http_user_agent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; "
            "x64)\",\"http_content_type\":\"text/html\","
            "\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":%u}}\n",
            ts, static_cast<unsigned long long>(flow_id++), s.c_str(),
            static_cast<unsigned>(1024 + rng() % 60000), d.c_str(), name.c_str(),
            static_cast<unsigned>(rng() % 1000), static_cast<unsigned>(rng() % 100000));
        break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  std::ofstream(path, std::ios::binary) << out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Data {
  std::string conn, eve, dns;
  Planted conn_planted, eve_planted, dns_planted;
  std::shared_ptr<const MatchSnapshot> small, big;
  double small_build_s = 0, big_build_s = 0, small_load_ms = 0, big_load_ms = 0;
};
Data g_data;

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Result<MatchSnapshot> BuildSnapshot(const Universe& u, bool big) {
  MatchSnapshotBuilder b;
  MatchRecord r;
  r.roles = {Role::kC2};
  r.confidence = 50;
  size_t n = big ? u.ipv4.size() : g_config.small;
  for (size_t i = 0; i < n; ++i) {
    r.indicator = Indicator{IndicatorType::kIpv4, Ip(u.ipv4[i]), ""};
    r.actors = {"actor-" + std::to_string(i % 500)};
    r.sources = {"feed-" + std::to_string(i % 7)};
    COTENANT_RETURN_IF_ERROR(b.Add(r));
  }
  if (big) {
    for (size_t i = 0; i < u.cidrs.size(); ++i) {
      r.indicator = Indicator{IndicatorType::kCidr,
                              Ip(u.cidrs[i].first) + "/" + std::to_string(u.cidrs[i].second), ""};
      r.actors = {"actor-" + std::to_string(i % 500)};
      COTENANT_RETURN_IF_ERROR(b.Add(r));
    }
    for (size_t i = 0; i < u.domains.size(); ++i) {
      r.indicator = Indicator{IndicatorType::kDomain, u.domains[i], ""};
      r.actors = {"actor-" + std::to_string(i % 500)};
      COTENANT_RETURN_IF_ERROR(b.Add(r));
    }
  }
  return b.Build(Timestamp::FromUnixSeconds(1714521600));
}

// A snapshot file is reused when this build reads it with everything it would write today (an
// older file without the current IPv4 filter is rebuilt, or its numbers would be the old ones).
bool UsableSnapshot(const std::string& path) {
  if (!fs::exists(path)) return false;
  auto loaded = MatchSnapshot::Load(path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s: %s: rebuilding\n", path.c_str(), loaded.status().ToString().c_str());
    return false;
  }
  if (loaded->stats().ipv4_table_bytes != 0 && loaded->stats().ipv4_filter_bytes == 0) {
    std::fprintf(stderr, "%s: written by an older build (no IPv4 filter): rebuilding\n",
                 path.c_str());
    return false;
  }
  return true;
}

void Prepare() {
  fs::create_directories(g_config.dir);
  std::string conn_path = g_config.dir + "/conn.log", eve_path = g_config.dir + "/eve.json",
              dns_path = g_config.dir + "/dns.log";
  std::string small_path = g_config.dir + "/small.ctsnap", big_path = g_config.dir + "/big.ctsnap";
  bool reuse_logs = fs::exists(conn_path) && fs::exists(eve_path);
  bool reuse_dns = fs::exists(dns_path);
  bool reuse_snapshots = UsableSnapshot(small_path) && UsableSnapshot(big_path);
  if (!reuse_logs || !reuse_dns || !reuse_snapshots) {
    std::fprintf(stderr, "generating indicators...\n");
    auto start = std::chrono::steady_clock::now();
    Universe u = MakeUniverse();
    std::fprintf(stderr, "  %.1f s\n", Seconds(start));
    if (!reuse_logs) {
      std::fprintf(stderr, "generating %zu MB conn.log and eve.json in %s...\n", g_config.log_mb,
                   g_config.dir.c_str());
      Planted cp, ep;
      GenerateConn(u, conn_path, cp);
      GenerateEve(u, eve_path, ep);
      WriteLines(g_config.dir + "/conn.planted-small", cp.small_lines);
      WriteLines(g_config.dir + "/conn.planted-big", cp.big_lines);
      WriteLines(g_config.dir + "/eve.planted-small", ep.small_lines);
      WriteLines(g_config.dir + "/eve.planted-big", ep.big_lines);
      std::ofstream patterns(g_config.dir + "/ipv4-small.txt");
      for (size_t i = 0; i < g_config.small; ++i) patterns << Ip(u.ipv4[i]) << '\n';
    }
    if (!reuse_dns) {  // generated on its own so that older data directories gain it
      std::fprintf(stderr, "generating %zu MB dns.log in %s...\n", g_config.log_mb,
                   g_config.dir.c_str());
      Planted dp;
      GenerateDns(u, dns_path, dp);
      WriteLines(g_config.dir + "/dns.planted-small", dp.small_lines);
      WriteLines(g_config.dir + "/dns.planted-big", dp.big_lines);
    }
    for (bool big : {false, true}) {
      if (reuse_snapshots) break;
      start = std::chrono::steady_clock::now();
      auto built = BuildSnapshot(u, big);
      if (!built.ok()) {
        std::fprintf(stderr, "build failed: %s\n", built.status().ToString().c_str());
        std::exit(1);
      }
      (big ? g_data.big_build_s : g_data.small_build_s) = Seconds(start);
      if (Status s = built->Save(big ? big_path : small_path); !s.ok()) std::exit(1);
    }
  } else {
    std::fprintf(stderr, "reusing the data in %s (delete it to regenerate)\n",
                 g_config.dir.c_str());
  }
  g_data.conn_planted = {ReadLines(g_config.dir + "/conn.planted-small"),
                         ReadLines(g_config.dir + "/conn.planted-big")};
  g_data.eve_planted = {ReadLines(g_config.dir + "/eve.planted-small"),
                        ReadLines(g_config.dir + "/eve.planted-big")};
  g_data.dns_planted = {ReadLines(g_config.dir + "/dns.planted-small"),
                        ReadLines(g_config.dir + "/dns.planted-big")};
  for (bool big : {false, true}) {
    auto start = std::chrono::steady_clock::now();
    auto loaded = MatchSnapshot::Load(big ? big_path : small_path);  // mmap + structural checks
    (big ? g_data.big_load_ms : g_data.small_load_ms) = Seconds(start) * 1000;
    if (!loaded.ok()) std::exit(1);
    (big ? g_data.big : g_data.small) =
        std::make_shared<const MatchSnapshot>(std::move(loaded).value());
  }
  g_data.conn = ReadAll(conn_path);
  g_data.eve = ReadAll(eve_path);
  g_data.dns = ReadAll(dns_path);
}

class LineSink : public AlertSink {
 public:
  void OnAlert(Alert&& a) override {
    if (lines.empty() || lines.back() != a.line) lines.push_back(a.line);
  }
  std::vector<uint64_t> lines;
};

void MatchOnce(const std::string& data, const char* name, const MatchSnapshot& snap, int threads,
               LineSink& sink) {
  LogMatchOptions options;
  options.threads = threads;
  LogMatchStats stats;
  (void)MatchBuffer(data, name, snap, options, sink, &stats);
  if (stats.malformed != 0)
    std::fprintf(stderr, "malformed lines: %llu\n",
                 static_cast<unsigned long long>(stats.malformed));
}

void BM_Cotenant(benchmark::State& state, const std::string* data, const char* name, bool big) {
  int threads = static_cast<int>(state.range(0));
  const MatchSnapshot& snap = big ? *g_data.big : *g_data.small;
  size_t alerts = 0;
  for (auto _ : state) {
    LineSink sink;
    MatchOnce(*data, name, snap, threads, sink);
    alerts = sink.lines.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data->size()));
  state.counters["alert_lines"] = static_cast<double>(alerts);
}

// Reading the buffer alone: find every newline.
void BM_ReadOnly(benchmark::State& state, const std::string* data) {
  size_t lines = 0;
  for (auto _ : state) {
    lines = 0;
    const char* p = data->data();
    const char* end = p + data->size();
    while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))) !=
           nullptr) {
      ++lines;
      ++p;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data->size()));
}

// The naive in-process way: split each line into std::string fields, look up in a
// std::unordered_set<std::string>.
void BM_NaiveConn(benchmark::State& state) {
  static const std::unordered_set<std::string>* set = [] {
    auto* s = new std::unordered_set<std::string>();
    std::ifstream in(g_config.dir + "/ipv4-small.txt");
    for (std::string line; std::getline(in, line);) s->insert(line);
    return s;
  }();
  size_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    std::istringstream in(g_data.conn);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> fields;
      std::string field;
      std::istringstream ls(line);
      while (std::getline(ls, field, '\t')) fields.push_back(field);
      if (fields.size() > 4 && (set->count(fields[2]) || set->count(fields[4]))) ++hits;
    }
    benchmark::DoNotOptimize(hits);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_data.conn.size()));
  state.counters["hit_lines"] = static_cast<double>(hits);
}

struct Agreement {
  size_t expected = 0, found = 0, missed = 0, extra = 0;
};

Agreement Compare(const std::vector<uint64_t>& expected, std::vector<uint64_t> got) {
  std::sort(got.begin(), got.end());
  got.erase(std::unique(got.begin(), got.end()), got.end());
  Agreement a;
  a.expected = expected.size();
  a.found = got.size();
  std::vector<uint64_t> diff;
  std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(),
                      std::back_inserter(diff));
  a.missed = diff.size();
  diff.clear();
  std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(),
                      std::back_inserter(diff));
  a.extra = diff.size();
  return a;
}

void PrintAgreement(const char* what, const Agreement& a) {
  std::printf("| %s | %zu | %zu | %zu | %zu |\n", what, a.expected, a.found, a.missed, a.extra);
}

// Runs `command`, returns wall seconds.
double Time(const std::string& command) {
  auto start = std::chrono::steady_clock::now();
  int rc = std::system(command.c_str());
  if (rc != 0 && rc != 256) std::fprintf(stderr, "`%s` exited %d\n", command.c_str(), rc);
  return Seconds(start);
}

const char* kPythonConn = R"PY(import sys
ips = set(open(sys.argv[1], 'rb').read().split())
out = open(sys.argv[3], 'w')
with open(sys.argv[2], 'rb') as f:
    for n, line in enumerate(f, 1):
        if line.startswith(b'#'):
            continue
        c = line.split(b'\t', 5)
        if c[2] in ips or c[4] in ips:
            out.write('%d\n' % n)
)PY";

const char* kPythonEve = R"PY(import sys, json
ips = set(open(sys.argv[1]).read().split())
out = open(sys.argv[3], 'w')
with open(sys.argv[2], 'rb') as f:
    for n, line in enumerate(f, 1):
        r = json.loads(line)
        vals = [r.get('src_ip'), r.get('dest_ip')]
        vals += [a.get('rdata') for a in r.get('dns', {}).get('answers', [])]
        if any(v in ips for v in vals):
            out.write('%d\n' % n)
)PY";

void External() {
  const std::string& d = g_config.dir;
  double conn_mb = static_cast<double>(g_data.conn.size()) / 1e6;
  double eve_mb = static_cast<double>(g_data.eve.size()) / 1e6;
  std::printf("\n## External baselines on the same files (1 M IPv4 patterns)\n\n");
  std::printf("| tool | input | seconds | MB/s |\n|---|---|---|---|\n");
  double t = Time("grep -n -F -f " + d + "/ipv4-small.txt " + d + "/conn.log | cut -d: -f1 > " + d +
                  "/grep.lines");
  std::printf("| grep -F -f | conn.log | %.2f | %.1f |\n", t, conn_mb / t);
  double grep_conn = t;
  {
    std::ofstream(d + "/baseline_conn.py") << kPythonConn;
    std::ofstream(d + "/baseline_eve.py") << kPythonEve;
  }
  t = Time("python3 " + d + "/baseline_conn.py " + d + "/ipv4-small.txt " + d + "/conn.log " + d +
           "/python.lines");
  std::printf("| python3 set (split) | conn.log | %.2f | %.1f |\n", t, conn_mb / t);
  double py_conn = t;
  t = Time("python3 " + d + "/baseline_eve.py " + d + "/ipv4-small.txt " + d + "/eve.json " + d +
           "/python-eve.lines");
  std::printf("| python3 set (json.loads) | eve.json | %.2f | %.1f |\n", t, eve_mb / t);
  double py_eve = t;

  LineSink ours_conn, ours_eve, ours_conn_big, ours_eve_big;
  auto start = std::chrono::steady_clock::now();
  MatchOnce(g_data.conn, "conn.log", *g_data.small, 1, ours_conn);
  double ours_conn_t = Seconds(start);
  start = std::chrono::steady_clock::now();
  MatchOnce(g_data.eve, "eve.json", *g_data.small, 1, ours_eve);
  double ours_eve_t = Seconds(start);
  start = std::chrono::steady_clock::now();
  MatchOnce(g_data.conn, "conn.log", *g_data.big, 1, ours_conn_big);
  double ours_conn_big_t = Seconds(start);
  start = std::chrono::steady_clock::now();
  MatchOnce(g_data.eve, "eve.json", *g_data.big, 1, ours_eve_big);
  double ours_eve_big_t = Seconds(start);
  std::printf("| cotenant (1 core, in-process) | conn.log | %.2f | %.1f |\n", ours_conn_t,
              conn_mb / ours_conn_t);
  std::printf("| cotenant (1 core, in-process) | eve.json | %.2f | %.1f |\n", ours_eve_t,
              eve_mb / ours_eve_t);
  std::printf("| cotenant (1 core, in-process), mixed set | conn.log | %.2f | %.1f |\n",
              ours_conn_big_t, conn_mb / ours_conn_big_t);
  std::printf("| cotenant (1 core, in-process), mixed set | eve.json | %.2f | %.1f |\n",
              ours_eve_big_t, eve_mb / ours_eve_big_t);
  std::printf(
      "\nratios (1 core): conn.log vs grep %.0fx, vs python %.0fx; eve.json vs python %.0fx\n",
      grep_conn / ours_conn_t, py_conn / ours_conn_t, py_eve / ours_eve_t);

  std::printf("\n## Agreement with the planted hits (line sets)\n\n");
  std::printf(
      "| matcher | planted lines | reported lines | missed | extra (false positives) "
      "|\n|---|---|---|---|---|\n");
  PrintAgreement("grep -F -f, conn.log, 1 M IPv4",
                 Compare(g_data.conn_planted.small_lines, ReadLines(d + "/grep.lines")));
  PrintAgreement("python set, conn.log, 1 M IPv4",
                 Compare(g_data.conn_planted.small_lines, ReadLines(d + "/python.lines")));
  PrintAgreement("python json, eve.json, 1 M IPv4",
                 Compare(g_data.eve_planted.small_lines, ReadLines(d + "/python-eve.lines")));
  PrintAgreement("cotenant, conn.log, 1 M IPv4",
                 Compare(g_data.conn_planted.small_lines, ours_conn.lines));
  PrintAgreement("cotenant, eve.json, 1 M IPv4",
                 Compare(g_data.eve_planted.small_lines, ours_eve.lines));
  PrintAgreement("cotenant, conn.log, mixed set",
                 Compare(g_data.conn_planted.big_lines, ours_conn_big.lines));
  PrintAgreement("cotenant, eve.json, mixed set",
                 Compare(g_data.eve_planted.big_lines, ours_eve_big.lines));
  LineSink ours_dns_big;
  MatchOnce(g_data.dns, "dns.log", *g_data.big, 1, ours_dns_big);
  PrintAgreement("cotenant, dns.log (query and answers), mixed set",
                 Compare(g_data.dns_planted.big_lines, ours_dns_big.lines));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      size_t n = std::strlen(flag);
      return a.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--dir="))
      g_config.dir = v;
    else if (const char* v = value("--log-mb="))
      g_config.log_mb = std::stoul(v);
    else if (const char* v = value("--ipv4="))
      g_config.ipv4 = std::stoul(v);
    else if (const char* v = value("--cidr="))
      g_config.cidr = std::stoul(v);
    else if (const char* v = value("--domains="))
      g_config.domains = std::stoul(v);
    else if (const char* v = value("--small="))
      g_config.small = std::stoul(v);
    else if (a == "--skip-external")
      g_config.skip_external = true;
    else
      rest.push_back(argv[i]);
  }
  g_config.small = std::min(g_config.small, g_config.ipv4);
  int rest_argc = static_cast<int>(rest.size());
  Prepare();

  auto per = [](const MatchSnapshot& s) {
    return static_cast<double>(s.stats().bytes) / static_cast<double>(s.stats().indicators);
  };
  // simdjson: stage 1 (structural indexing) dispatches at runtime; the On-Demand code in our
  // own objects is compiled for the builtin kernel of the build's target flags.
  std::printf(
      "simdjson %d.%d.%d: active (runtime) implementation %s, builtin (compile-time) %s\n\n",
      simdjson::SIMDJSON_VERSION_MAJOR, simdjson::SIMDJSON_VERSION_MINOR,
      simdjson::SIMDJSON_VERSION_REVISION, simdjson::get_active_implementation()->name().c_str(),
      simdjson::builtin_implementation()->name().c_str());
  std::printf(
      "## Snapshots\n\n| set | indicators | bytes | bytes/indicator | IPv4 table bytes | IPv4 "
      "filter "
      "bytes | build s | load (mmap+check) ms |\n|---|---|---|---|---|---|---|---|\n");
  auto build_s = [](double s) {
    return s == 0 ? std::string("(reused)") : std::to_string(s).substr(0, 5);
  };
  std::printf("| 1 M IPv4 | %llu | %llu | %.1f | %llu | %llu | %s | %.1f |\n",
              static_cast<unsigned long long>(g_data.small->stats().indicators),
              static_cast<unsigned long long>(g_data.small->stats().bytes), per(*g_data.small),
              static_cast<unsigned long long>(g_data.small->stats().ipv4_table_bytes),
              static_cast<unsigned long long>(g_data.small->stats().ipv4_filter_bytes),
              build_s(g_data.small_build_s).c_str(), g_data.small_load_ms);
  std::printf(
      "| mixed (IPv4 %zu, CIDR %zu, domains %zu) | %llu | %llu | %.1f | %llu | %llu | %s | %.1f "
      "|\n\n",
      g_config.ipv4, g_config.cidr, g_config.domains,
      static_cast<unsigned long long>(g_data.big->stats().indicators),
      static_cast<unsigned long long>(g_data.big->stats().bytes), per(*g_data.big),
      static_cast<unsigned long long>(g_data.big->stats().ipv4_table_bytes),
      static_cast<unsigned long long>(g_data.big->stats().ipv4_filter_bytes),
      build_s(g_data.big_build_s).c_str(), g_data.big_load_ms);
  std::fflush(stdout);

  for (int threads : {1, 2}) {
    for (auto* b : {benchmark::RegisterBenchmark("conn_tsv/ipv4_1m", BM_Cotenant, &g_data.conn,
                                                 "conn.log", false),
                    benchmark::RegisterBenchmark("conn_tsv/mixed", BM_Cotenant, &g_data.conn,
                                                 "conn.log", true),
                    benchmark::RegisterBenchmark("eve_json/ipv4_1m", BM_Cotenant, &g_data.eve,
                                                 "eve.json", false),
                    benchmark::RegisterBenchmark("eve_json/mixed", BM_Cotenant, &g_data.eve,
                                                 "eve.json", true),
                    benchmark::RegisterBenchmark("dns_tsv/mixed", BM_Cotenant, &g_data.dns,
                                                 "dns.log", true)}) {
      b->Arg(threads)->ArgName("threads")->UseRealTime()->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RegisterBenchmark("conn_tsv/naive_cpp_unordered_set", BM_NaiveConn)
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("conn_tsv/read_only_memchr", BM_ReadOnly, &g_data.conn);
  benchmark::RegisterBenchmark("eve_json/read_only_memchr", BM_ReadOnly, &g_data.eve);
  benchmark::RegisterBenchmark("dns_tsv/read_only_memchr", BM_ReadOnly, &g_data.dns);
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::fflush(stdout);
  if (!g_config.skip_external) External();
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "\npeak RSS of this process: %.0f MB (includes both logs held in memory and the generator's "
      "sets)\n",
      static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
