// Table-driven unit tests for IpAddress, IpPrefix, Endpoint and Asn beyond the golden files:
// containment both ways, covering prefixes, ordering and hashing, and the factories.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "cotenant/cidr.h"
#include "cotenant/endpoint.h"
#include "cotenant/ip.h"

namespace cotenant {
namespace {

IpAddress Ip(std::string_view text) {
  auto ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.ok()) << ip.status().ToString();
  return ip.ok() ? *ip : IpAddress::FromV4(0xdeadbeef);
}

IpPrefix Prefix(std::string_view text) {
  auto p = IpPrefix::Parse(text);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : IpPrefix::Of(IpAddress::FromV4(0xdeadbeef), 32);
}

TEST(IpAddress, FactoriesAgreeWithParse) {
  EXPECT_EQ(IpAddress::FromV4(0xc0000201), Ip("192.0.2.1"));
  EXPECT_EQ(Ip("192.0.2.1").v4(), 0xc0000201u);
  EXPECT_TRUE(Ip("192.0.2.1").is_v4());
  EXPECT_EQ(Ip("192.0.2.1").bit_length(), 32);
  EXPECT_EQ(Ip("2001:db8::1").bit_length(), 128);

  std::array<uint8_t, 16> mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
  EXPECT_EQ(IpAddress::FromV6(mapped), Ip("192.0.2.1"));
  EXPECT_TRUE(IpAddress::FromV6(mapped).is_v4());
  EXPECT_EQ(Ip("192.0.2.1").bytes(), mapped);

  std::array<uint8_t, 16> nat64{0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1};
  EXPECT_FALSE(IpAddress::FromV6(nat64).is_v4());
  EXPECT_EQ(IpAddress::FromV6(nat64), Ip("64:ff9b::192.0.2.1"));
}

TEST(IpAddress, ErrorsAreInvalidArgumentAndNameTheInput) {
  for (std::string_view bad : {"1.2.3.256", "010.1.1.1", "fe80::1%eth0", "10.1", ""}) {
    auto ip = IpAddress::Parse(bad);
    ASSERT_FALSE(ip.ok()) << bad;
    EXPECT_EQ(ip.status().code(), StatusCode::kInvalidArgument);
    if (!bad.empty()) {
      EXPECT_NE(ip.status().message().find(bad), std::string::npos) << bad;
    }
  }
  EXPECT_EQ(IpAddress::Parse("1.2.3.256").status().message(),
            "`1.2.3.256`: octet 256 out of range");
}

TEST(IpAddress, Masked) {
  struct Case {
    const char* address;
    int length;
    const char* masked;
  };
  for (const Case& c : std::vector<Case>{
           {"192.0.2.255", 24, "192.0.2.0"},
           {"192.0.2.255", 32, "192.0.2.255"},
           {"192.0.2.255", 0, "0.0.0.0"},
           {"255.255.255.255", 1, "128.0.0.0"},
           {"255.255.255.255", 31, "255.255.255.254"},
           {"2001:db8:ffff:ffff::1", 48, "2001:db8:ffff::"},
           {"2001:db8::1", 128, "2001:db8::1"},
           {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0, "::"},
           {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 127,
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"},
       }) {
    EXPECT_EQ(Ip(c.address).Masked(c.length), Ip(c.masked)) << c.address << "/" << c.length;
  }
  // Masking an IPv4 address keeps it IPv4 (the ::ffff: marker is not a host bit).
  EXPECT_TRUE(Ip("192.0.2.1").Masked(0).is_v4());
}

TEST(IpPrefix, ContainsAddress) {
  struct Case {
    const char* prefix;
    const char* address;
    bool contains;
  };
  for (const Case& c : std::vector<Case>{
           {"10.0.0.0/8", "10.0.0.0", true},
           {"10.0.0.0/8", "10.255.255.255", true},
           {"10.0.0.0/8", "11.0.0.0", false},
           {"10.0.0.0/8", "9.255.255.255", false},
           {"0.0.0.0/0", "255.255.255.255", true},
           {"192.0.2.1/32", "192.0.2.1", true},
           {"192.0.2.1/32", "192.0.2.2", false},
           {"2001:db8::/32", "2001:db8:ffff::1", true},
           {"2001:db8::/32", "2001:db9::", false},
           {"::/0", "2001:db8::1", true},
           // Containment never crosses families, even for the mapped range or ::/0.
           {"::/0", "192.0.2.1", false},
           {"::/80", "192.0.2.1", false},
           {"0.0.0.0/0", "::1", false},
           {"0.0.0.0/0", "::ffff:0:1", true},  // that is 0.0.0.1
           {"::ffff:10.0.0.0/104", "10.1.2.3", true},
       }) {
    EXPECT_EQ(Prefix(c.prefix).Contains(Ip(c.address)), c.contains) << c.prefix << " " << c.address;
  }
}

TEST(IpPrefix, ContainsPrefixBothWays) {
  struct Case {
    const char* outer;
    const char* inner;
    bool outer_contains_inner;
    bool inner_contains_outer;
  };
  for (const Case& c : std::vector<Case>{
           {"10.0.0.0/8", "10.1.0.0/16", true, false},
           {"10.0.0.0/8", "10.0.0.0/8", true, true},
           {"10.0.0.0/8", "11.0.0.0/16", false, false},
           {"10.0.0.0/8", "10.0.0.0/7", false, true},
           {"0.0.0.0/0", "192.0.2.7/32", true, false},
           {"192.0.2.0/25", "192.0.2.128/25", false, false},
           {"2001:db8::/32", "2001:db8:1::/48", true, false},
           {"2001:db8::/32", "2001:db8::/31", false, true},
           {"::/0", "0.0.0.0/0", false, false},
           {"::/0", "2001:db8::/32", true, false},
       }) {
    const IpPrefix outer = Prefix(c.outer), inner = Prefix(c.inner);
    EXPECT_EQ(outer.Contains(inner), c.outer_contains_inner) << c.outer << " > " << c.inner;
    EXPECT_EQ(inner.Contains(outer), c.inner_contains_outer) << c.inner << " > " << c.outer;
    EXPECT_EQ(outer.Overlaps(inner), c.outer_contains_inner || c.inner_contains_outer);
    EXPECT_EQ(inner.Overlaps(outer), outer.Overlaps(inner));
  }
}

TEST(IpPrefix, HostBitsPolicy) {
  auto rejected = IpPrefix::Parse("10.0.0.1/8");
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().message(), "host bits set in 10.0.0.1/8 (its network is 10.0.0.0/8)");
  auto masked = IpPrefix::Parse("10.0.0.1/8", HostBits::kMask);
  ASSERT_TRUE(masked.ok());
  EXPECT_EQ(*masked, Prefix("10.0.0.0/8"));
  // kMask does not loosen anything else.
  EXPECT_FALSE(IpPrefix::Parse("10.0.0.1/33", HostBits::kMask).ok());
  EXPECT_FALSE(IpPrefix::Parse("10.0.0.1", HostBits::kMask).ok());
}

TEST(IpPrefix, MappedPrefixIsIpv4) {
  const IpPrefix p = Prefix("::ffff:192.0.2.0/120");
  EXPECT_TRUE(p.is_v4());
  EXPECT_EQ(p.length(), 24);
  EXPECT_EQ(p, Prefix("192.0.2.0/24"));
  EXPECT_FALSE(Prefix("::/95").is_v4());
}

TEST(IpPrefix, Of) {
  EXPECT_EQ(IpPrefix::Of(Ip("192.0.2.77"), 24), Prefix("192.0.2.0/24"));
  EXPECT_EQ(IpPrefix::Of(Ip("192.0.2.77"), 24).ToString(), "192.0.2.0/24");
  EXPECT_EQ(IpPrefix::Of(Ip("2001:db8::1"), 0).ToString(), "::/0");
  EXPECT_EQ(IpPrefix::Of(Ip("2001:db8::1"), 128).ToString(), "2001:db8::1/128");
}

TEST(CoveringPrefixes, MostSpecificFirstAndAllContain) {
  for (const char* text : {"192.0.2.77", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::"}) {
    const IpAddress a = Ip(text);
    const std::vector<IpPrefix> covering = CoveringPrefixes(a);
    ASSERT_EQ(covering.size(), static_cast<size_t>(a.bit_length() + 1)) << text;
    for (size_t i = 0; i < covering.size(); ++i) {
      EXPECT_EQ(covering[i].length(), a.bit_length() - static_cast<int>(i)) << text;
      EXPECT_TRUE(covering[i].Contains(a)) << covering[i].ToString();
      if (i > 0) {
        EXPECT_TRUE(covering[i].Contains(covering[i - 1]));
      }
    }
  }
  const auto covering = CoveringPrefixes(Ip("192.0.2.77"));
  EXPECT_EQ(covering.front().ToString(), "192.0.2.77/32");
  EXPECT_EQ(covering[8].ToString(), "192.0.2.0/24");
  EXPECT_EQ(covering.back().ToString(), "0.0.0.0/0");
}

TEST(CoveringPrefixes, AgreesWithContains) {
  // A prefix contains an address exactly when it is among the address's covering prefixes.
  const std::vector<IpAddress> addresses = {Ip("10.1.2.3"), Ip("192.0.2.1"), Ip("2001:db8::1"),
                                            Ip("::1")};
  const std::vector<IpPrefix> prefixes = {Prefix("10.0.0.0/8"), Prefix("0.0.0.0/0"),
                                          Prefix("::/0"),       Prefix("2001:db8::/32"),
                                          Prefix("::/80"),      Prefix("192.0.2.0/24")};
  for (const IpAddress& a : addresses) {
    const auto covering = CoveringPrefixes(a);
    for (const IpPrefix& p : prefixes) {
      const bool listed = std::find(covering.begin(), covering.end(), p) != covering.end();
      EXPECT_EQ(p.Contains(a), listed) << p.ToString() << " " << a.ToString();
    }
  }
}

TEST(IpAddress, OrderingAndHash) {
  const std::vector<std::string> sorted_texts = {"::",         "::1",         "0.0.0.0",
                                                 "0.0.0.1",    "10.0.0.1",    "255.255.255.255",
                                                 "2001:db8::", "2001:db8::1", "ffff::"};
  std::vector<IpAddress> addresses;
  for (const auto& t : sorted_texts) addresses.push_back(Ip(t));
  EXPECT_TRUE(std::is_sorted(addresses.begin(), addresses.end()));
  std::vector<IpAddress> shuffled(addresses.rbegin(), addresses.rend());
  std::sort(shuffled.begin(), shuffled.end());
  EXPECT_EQ(shuffled, addresses);

  // Equal values hash equally whatever text they came from; distinct values spread out.
  std::hash<IpAddress> h;
  EXPECT_EQ(h(Ip("::ffff:192.0.2.1")), h(Ip("192.0.2.1")));
  EXPECT_EQ(h(Ip("2001:DB8:0:0::1")), h(Ip("2001:db8::1")));
  std::unordered_set<size_t> hashes;
  for (uint32_t i = 0; i < 4096; ++i) hashes.insert(h(IpAddress::FromV4(0x0a000000 + i)));
  EXPECT_EQ(hashes.size(), 4096u);
  std::unordered_set<IpAddress> set(addresses.begin(), addresses.end());
  EXPECT_EQ(set.size(), addresses.size());
  EXPECT_TRUE(set.contains(Ip("0:0:0:0:0:ffff:a00:1")));  // 10.0.0.1
}

TEST(IpPrefix, Ordering) {
  std::set<IpPrefix> prefixes = {Prefix("10.0.0.0/16"), Prefix("10.0.0.0/8"),
                                 Prefix("::ffff:10.0.0.0/104"), Prefix("192.0.2.0/24")};
  EXPECT_EQ(prefixes.size(), 3u);  // the mapped /104 is 10.0.0.0/8
  EXPECT_EQ(prefixes.begin()->ToString(), "10.0.0.0/8");
}

TEST(Endpoint, AcceptedAndRejected) {
  struct Good {
    const char* text;
    const char* canonical;
    uint16_t port;
  };
  for (const Good& g : std::vector<Good>{{"192.0.2.1:443", "192.0.2.1:443", 443},
                                         {"[2001:DB8::1]:8443", "[2001:db8::1]:8443", 8443},
                                         {"[::ffff:192.0.2.1]:1", "192.0.2.1:1", 1},
                                         {"10.0.0.1:65535", "10.0.0.1:65535", 65535}}) {
    auto e = Endpoint::Parse(g.text);
    ASSERT_TRUE(e.ok()) << g.text << ": " << e.status().ToString();
    EXPECT_EQ(e->ToString(), g.canonical);
    EXPECT_EQ(e->port(), g.port);
  }
  for (const char* bad : {"192.0.2.1:0", "192.0.2.1:65536", "2001:db8::1:443", "[192.0.2.1]:443",
                          "192.0.2.1", "192.0.2.1:080", "[::1]"}) {
    EXPECT_FALSE(Endpoint::Parse(bad).ok()) << bad;
  }
  EXPECT_EQ(Endpoint(Ip("2001:db8::1"), 53).ToString(), "[2001:db8::1]:53");
  EXPECT_LT(Endpoint(Ip("192.0.2.1"), 80), Endpoint(Ip("192.0.2.1"), 443));
}

TEST(Asn, AcceptedAndRejected) {
  struct Good {
    const char* text;
    uint32_t number;
  };
  for (const Good& g : std::vector<Good>{{"AS12345", 12345},
                                         {"AS 12345", 12345},
                                         {"asn12345", 12345},
                                         {"12345", 12345},
                                         {"AS1.10", 65546},
                                         {"AS4294967294", 4294967294u}}) {
    auto asn = Asn::Parse(g.text);
    ASSERT_TRUE(asn.ok()) << g.text << ": " << asn.status().ToString();
    EXPECT_EQ(asn->number(), g.number);
  }
  for (const char* bad : {"AS0", "AS23456", "AS4294967295", "AS4294967296", "AS-1", "AS", "",
                          "AS012", "AS 1 ", "AS1.65536"}) {
    EXPECT_FALSE(Asn::Parse(bad).ok()) << bad;
  }
  EXPECT_EQ(Asn(64512).ToString(), "AS64512");
}

}  // namespace
}  // namespace cotenant
