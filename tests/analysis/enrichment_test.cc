// Warninglists and ASN data.
#include "cotenant/enrichment.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing.h"

namespace cotenant::testing {
namespace {

Warninglists FromJson(const std::string& json) {
  Warninglists w;
  Status s = w.LoadMispList(json, "test/list.json");
  EXPECT_TRUE(s.ok()) << s.ToString();
  return w;
}

IpAddress Ip(std::string_view s) { return *IpAddress::Parse(s); }
IpPrefix Prefix(std::string_view s) { return *IpPrefix::Parse(s); }

TEST(Warninglists, CidrContainmentBothWays) {
  Warninglists w = FromJson(
      R"({"name": "Cloud ranges", "type": "cidr", "list": ["10.1.0.0/16", "192.0.2.66", "2001:db8::/32"]})");
  EXPECT_EQ(w.MatchIp(Ip("10.1.2.3")).size(), 1u);
  EXPECT_EQ(w.MatchIp(Ip("10.2.0.1")).size(), 0u);
  EXPECT_EQ(w.MatchIp(Ip("192.0.2.66")).size(), 1u);
  EXPECT_EQ(w.MatchIp(Ip("192.0.2.67")).size(), 0u);
  EXPECT_EQ(w.MatchIp(Ip("2001:db8::5")).size(), 1u);
  // A prefix inside a listed one, and a prefix containing a listed one.
  EXPECT_EQ(w.MatchPrefix(Prefix("10.1.2.0/24"), true).size(), 1u);
  EXPECT_EQ(w.MatchPrefix(Prefix("192.0.2.0/24"), true).size(), 0u);
  auto both = w.MatchPrefix(Prefix("192.0.2.0/24"), false);
  ASSERT_EQ(both.size(), 1u);
  EXPECT_EQ(both[0].detail, "prefix contains listed 192.0.2.66/32");
  EXPECT_EQ(w.MatchPrefix(Prefix("10.0.0.0/8"), false).size(), 1u);
  EXPECT_EQ(w.Match(IndicatorType::kCidr, "10.0.0.0/8").size(), 1u);
  EXPECT_EQ(w.Match(IndicatorType::kEndpoint, "10.1.9.9:443").size(), 1u);
  EXPECT_EQ(w.lists()[0].kind, ListKind::kServiceProvider);
}

TEST(Warninglists, HostnamesMatchOnLabelBoundaries) {
  Warninglists w =
      FromJson(R"({"name": "CDN", "type": "hostname", "list": ["higan.org", ".cdn.example."]})");
  EXPECT_EQ(w.MatchDomain("higan.org").size(), 1u);
  EXPECT_EQ(w.MatchDomain("a.higan.org").size(), 1u);
  EXPECT_EQ(w.MatchDomain("michigan.org").size(), 0u);
  EXPECT_EQ(w.MatchDomain("x.cdn.example").size(), 1u);
  // URLs are matched as text only: the page on a service host is the actor's own.
  EXPECT_EQ(w.Match(IndicatorType::kUrl, "http://a.higan.org/x").size(), 0u);
}

TEST(Warninglists, ExactHostnameListsDoNotMatchSubdomains) {
  Warninglists w = Warninglists::BuiltIn();
  bool parent = false, child = false;
  for (const auto& hit : w.MatchDomain("duckdns.org")) parent |= w.lists()[hit.list].exact_hostname;
  for (const auto& hit : w.MatchDomain("evil.duckdns.org")) {
    child |= w.lists()[hit.list].exact_hostname;
  }
  EXPECT_TRUE(parent);
  EXPECT_FALSE(child);
  EXPECT_FALSE(w.MatchIp(Ip("8.8.8.8")).empty());
  EXPECT_FALSE(w.MatchIp(Ip("149.154.167.99")).empty());
  EXPECT_FALSE(w.MatchDomain("api.telegram.org").empty());
  EXPECT_FALSE(w.MatchDomain("abc.trycloudflare.com").empty());
  EXPECT_TRUE(w.MatchDomain("example.org").empty());
  for (const auto& info : w.lists()) EXPECT_FALSE(info.citation.empty()) << info.name;
  EXPECT_TRUE(w.warnings().empty());
}

TEST(Warninglists, StringSubstringRegex) {
  Warninglists w = FromJson(R"({"name": "Empty file hashes", "type": "string",
                               "list": ["D41D8CD98F00B204E9800998ECF8427E"]})");
  EXPECT_EQ(w.MatchText("d41d8cd98f00b204e9800998ecf8427e").size(), 1u);
  ASSERT_TRUE(
      w.LoadMispList(R"({"name": "s", "type": "substring", "list": ["amazonaws"]})", "s").ok());
  EXPECT_EQ(w.MatchText("ec2-1-2-3-4.compute.amazonaws.com").size(), 1u);
  ASSERT_TRUE(
      w.LoadMispList(R"({"name": "r", "type": "regex", "list": ["/^ns[0-9]+\\.PARK/i"]})", "r")
          .ok());
  EXPECT_EQ(w.MatchText("ns1.park-dns.example").size(), 1u);
  EXPECT_EQ(w.MatchText("xns1.park").size(), 0u);
}

// A regex list written carelessly or with intent, `(a+)+$` on a long run of a's followed by one
// other character, takes exponential time in a backtracking engine (std::regex took minutes on
// a fuzzer's input). Matching is linear, so this returns at once; look-around, which a linear
// engine cannot run, is refused with a warning naming the entry.
TEST(Warninglists, CatastrophicRegexesAreLinearAndLookAroundIsRefused) {
  Warninglists w;
  ASSERT_TRUE(w.LoadMispList(R"({"name": "r", "type": "regex",
                                 "list": ["(a+)+$", "^(x|x)*y", "(?=ahead)a", "a\\1"]})",
                             "careless.json")
                  .ok());
  EXPECT_EQ(w.MatchText(std::string(5000, 'a') + "!").size(), 0u);
  EXPECT_EQ(w.MatchText(std::string(5000, 'x')).size(), 0u);
  EXPECT_EQ(w.MatchText("caaaa").size(), 1u);
  EXPECT_EQ(w.MatchText("xxy").size(), 1u);
  ASSERT_EQ(w.warnings().size(), 2u);
  EXPECT_NE(w.warnings()[0].find("(?=ahead)a"), std::string::npos) << w.warnings()[0];
  EXPECT_NE(w.warnings()[0].find("careless.json"), std::string::npos) << w.warnings()[0];
}

TEST(Warninglists, KindsFromNames) {
  Warninglists w;
  ASSERT_TRUE(
      w.LoadMispList(R"({"name": "Known sinkholes", "type": "cidr", "list": []})", "a").ok());
  ASSERT_TRUE(
      w.LoadMispList(R"({"name": "Tor exit nodes", "type": "cidr", "list": []})", "b").ok());
  ASSERT_TRUE(
      w.LoadMispList(R"({"name": "Specialized list of VPN IPs", "type": "cidr", "list": []})", "c")
          .ok());
  ASSERT_TRUE(w.LoadMispList(R"({"name": "Akamai", "type": "cidr", "list": []})", "d").ok());
  EXPECT_EQ(w.lists()[0].kind, ListKind::kSinkhole);
  EXPECT_EQ(w.lists()[1].kind, ListKind::kProxy);
  EXPECT_EQ(w.lists()[2].kind, ListKind::kProxy);
  EXPECT_EQ(w.lists()[3].kind, ListKind::kServiceProvider);
  // MISP's vpn-ipv4 list mixes VPN providers with whole datacenter ranges: a provider, not an
  // exit node.
  ASSERT_TRUE(
      w.LoadMispList(R"({"name": "Specialized list of vpn-ipv4 addresses belonging to )"
                     R"(common VPN providers and datacenters", "type": "cidr", "list": []})",
                     "e")
          .ok());
  EXPECT_EQ(w.lists()[4].kind, ListKind::kServiceProvider);
}

TEST(Warninglists, BadInputIsReportedNotGuessed) {
  Warninglists w;
  EXPECT_EQ(w.LoadMispList("{", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.LoadMispList(R"({"type": "cidr", "list": []})", "x").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(w.LoadMispList(R"({"name": "n", "type": "asn", "list": []})", "x").code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(w.LoadMispList(R"({"name": "n", "type": "cidr"})", "x").code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(
      w.LoadMispList(R"({"name": "n", "type": "cidr", "list": ["10.0.0.0/8", "nope"]})", "x").ok());
  ASSERT_EQ(w.warnings().size(), 1u);
  EXPECT_NE(w.warnings()[0].find("`nope` skipped"), std::string::npos) << w.warnings()[0];
  ASSERT_TRUE(w.LoadMispList(R"({"name": "r", "type": "regex", "list": ["(unclosed"]})", "y").ok());
  EXPECT_EQ(w.warnings().size(), 2u);
  EXPECT_EQ(w.LoadMispDirectory("/nonexistent/dir").code(), StatusCode::kNotFound);
}

TEST(Warninglists, LoadsTheDemoDirectory) {
  Warninglists w;
  Status s = w.LoadMispDirectory(SourcePath("demo/lists/warninglists"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(w.lists().size(), 2u);
  bool sinkhole = false;
  for (const auto& hit : w.MatchIp(Ip("192.0.2.66"))) {
    sinkhole |= w.lists()[hit.list].kind == ListKind::kSinkhole;
  }
  EXPECT_TRUE(sinkhole);
  EXPECT_FALSE(w.MatchIp(Ip("8.8.8.8")).empty());
}

TEST(AsnDatabase, IpLocationDbCsv) {
  AsnDatabase db;
  ASSERT_TRUE(db.LoadCsv(SourcePath("demo/lists/asn.csv")).ok());
  auto info = db.Lookup(Ip("198.51.100.140"));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->asn, 64500u);
  EXPECT_EQ(info->organization, "Example VPS Hosting");
  EXPECT_FALSE(db.Lookup(Ip("10.0.0.1")).has_value());
  AsnDatabase v6;
  ASSERT_TRUE(
      v6.AddCsv("2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,64496,\"Doc, Inc.\"\n", "v6.csv")
          .ok());
  auto d = v6.Lookup(Ip("2001:db8::1"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->organization, "Doc, Inc.");
}

TEST(AsnDatabase, BadRowsNameTheLine) {
  AsnDatabase db;
  Status s = db.AddCsv("1.0.0.0,1.0.0.255,13335,Cloudflare\n1.0.1.0,1.0.0.9,13335,x\n", "asn.csv");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("asn.csv:2"), std::string::npos) << s.message();
  s = db.AddCsv("1.0.0.0,1.0.0.255,notanumber,x\n", "asn.csv");
  EXPECT_NE(s.message().find("asn.csv:1"), std::string::npos) << s.message();
}

// A minimal MaxMind DB (format 2.0): an IPv4 tree mapping 198.51.100.0/24 to one ASN record.
std::string TinyMaxMindDb() {
  std::string data;
  auto bytes = [](std::string& out, uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto min_len = [](uint64_t v) {
    int n = 0;
    while (v >> (8 * n)) ++n;
    return n;
  };
  auto utf8 = [&](std::string& out, std::string_view s) {
    if (s.size() < 29) {
      out.push_back(static_cast<char>(0x40 | s.size()));
    } else {
      out.push_back(static_cast<char>(0x40 | 29));
      out.push_back(static_cast<char>(s.size() - 29));
    }
    out.append(s);
  };
  auto u16 = [&](std::string& out, uint64_t v) {
    out.push_back(static_cast<char>(0xA0 | min_len(v)));
    bytes(out, v, min_len(v));
  };
  auto u32 = [&](std::string& out, uint64_t v) {
    out.push_back(static_cast<char>(0xC0 | min_len(v)));
    bytes(out, v, min_len(v));
  };
  auto u64 = [&](std::string& out, uint64_t v) {
    out.push_back(static_cast<char>(min_len(v)));
    out.push_back(2);  // extended type 9
    bytes(out, v, min_len(v));
  };
  data.push_back(static_cast<char>(0xE2));
  utf8(data, "autonomous_system_number");
  u32(data, 64500);
  utf8(data, "autonomous_system_organization");
  utf8(data, "Example VPS Hosting");

  const uint32_t node_count = 24;
  const uint32_t network = (198u << 24) | (51u << 16) | (100u << 8);
  std::string tree;
  for (uint32_t i = 0; i < node_count; ++i) {
    int bit = (network >> (31 - i)) & 1;
    uint64_t next = i + 1 < node_count ? i + 1 : node_count + 16;  // data at offset 0
    uint64_t left = bit == 0 ? next : node_count;
    uint64_t right = bit == 1 ? next : node_count;
    bytes(tree, left, 3);
    bytes(tree, right, 3);
  }
  std::string meta = "\xAB\xCD\xEFMaxMind.com";
  meta.push_back(static_cast<char>(0xE0 | 9));
  utf8(meta, "node_count");
  u32(meta, node_count);
  utf8(meta, "record_size");
  u16(meta, 24);
  utf8(meta, "ip_version");
  u16(meta, 4);
  utf8(meta, "database_type");
  utf8(meta, "Test-ASN");
  utf8(meta, "languages");
  meta.push_back(0);  // array of 0
  meta.push_back(4);  // extended type 11
  utf8(meta, "binary_format_major_version");
  u16(meta, 2);
  utf8(meta, "binary_format_minor_version");
  u16(meta, 0);
  utf8(meta, "build_epoch");
  u64(meta, 1700000000);
  utf8(meta, "description");
  meta.push_back(static_cast<char>(0xE0));
  return tree + std::string(16, '\0') + data + meta;
}

TEST(AsnDatabase, MaxMindDatabase) {
  std::string path = ::testing::TempDir() + "/tiny-asn.mmdb";
  std::ofstream(path, std::ios::binary) << TinyMaxMindDb();
  AsnDatabase db;
  Status s = db.Load(path);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto info = db.Lookup(Ip("198.51.100.7"));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->asn, 64500u);
  EXPECT_EQ(info->organization, "Example VPS Hosting");
  EXPECT_FALSE(db.Lookup(Ip("198.51.101.7")).has_value());
  EXPECT_FALSE(db.Lookup(Ip("10.0.0.1")).has_value());
}

TEST(AsnDatabase, NonMaxMindFileIsAnError) {
  std::string path = ::testing::TempDir() + "/not.mmdb";
  std::ofstream(path) << "not a database";
  AsnDatabase db;
  Status s = db.Load(path);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("not.mmdb"), std::string::npos);
}

}  // namespace
}  // namespace cotenant::testing
