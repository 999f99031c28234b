// Indicator type names, evidence families and ParseIndicatorAs: accepted and rejected tables.
#include "cotenant/indicator.h"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <set>
#include <tuple>

#include "core/plain_name.h"

namespace cotenant {
namespace {

constexpr int kTypeCount = static_cast<int>(IndicatorType::kTelegramBotToken) + 1;

TEST(IndicatorType, NamesRoundTripAndAreUnique) {
  std::set<std::string_view> names;
  for (int i = 0; i < kTypeCount; ++i) {
    auto type = static_cast<IndicatorType>(i);
    std::string_view name = IndicatorTypeName(type);
    EXPECT_TRUE(names.insert(name).second) << name;
    ASSERT_TRUE(IndicatorTypeFromName(name).has_value()) << name;
    EXPECT_EQ(*IndicatorTypeFromName(name), type);
  }
  EXPECT_EQ(IndicatorTypeName(IndicatorType::kUrlPath), "url-path");
  EXPECT_EQ(IndicatorTypeName(IndicatorType::kTelegramBotToken), "telegram-bot-token");
  for (std::string_view bad : {"", "IPV4", "ip", "url_path", "sha-256", "domain "}) {
    EXPECT_FALSE(IndicatorTypeFromName(bad).has_value()) << bad;
  }
}

TEST(IndicatorType, EvidenceFamilies) {
  const std::set<std::string_view> families = {"network",   "dns",  "http", "tls",
                                               "messaging", "code", "email"};
  for (int i = 0; i < kTypeCount; ++i) {
    EXPECT_TRUE(families.count(EvidenceFamily(static_cast<IndicatorType>(i))))
        << IndicatorTypeName(static_cast<IndicatorType>(i));
  }
  EXPECT_EQ(EvidenceFamily(IndicatorType::kEndpoint), "network");
  EXPECT_EQ(EvidenceFamily(IndicatorType::kDomain), "dns");
  EXPECT_EQ(EvidenceFamily(IndicatorType::kUrlPath), "http");
  EXPECT_EQ(EvidenceFamily(IndicatorType::kJarm), "tls");
  EXPECT_EQ(EvidenceFamily(IndicatorType::kCertSha1), "tls");
  EXPECT_EQ(EvidenceFamily(IndicatorType::kTelegramBotToken), "messaging");
  EXPECT_EQ(EvidenceFamily(IndicatorType::kImphash), "code");
  EXPECT_EQ(EvidenceFamily(IndicatorType::kEmail), "email");
}

struct AsCase {
  IndicatorType type;
  std::string_view text;
  IndicatorType want_type;
  std::string_view want_value;
};

TEST(ParseIndicatorAs, Accepts) {
  const AsCase cases[] = {
      {IndicatorType::kIpv4, "192.0.2.1", IndicatorType::kIpv4, "192.0.2.1"},
      {IndicatorType::kIpv6, "2001:DB8::1", IndicatorType::kIpv6, "2001:db8::1"},
      // An IPv4-mapped IPv6 address is the IPv4 address.
      {IndicatorType::kIpv6, "::ffff:192.0.2.1", IndicatorType::kIpv4, "192.0.2.1"},
      {IndicatorType::kCidr, "192.0.2.0/24", IndicatorType::kCidr, "192.0.2.0/24"},
      {IndicatorType::kEndpoint, "192.0.2.1:443", IndicatorType::kEndpoint, "192.0.2.1:443"},
      {IndicatorType::kAsn, "as 13335", IndicatorType::kAsn, "AS13335"},
      {IndicatorType::kDomain, "Example.COM.", IndicatorType::kDomain, "example.com"},
      // Forced: no public-suffix or file-name rule.
      {IndicatorType::kDomain, "host.internal", IndicatorType::kDomain, "host.internal"},
      {IndicatorType::kUrl, "example.com/a", IndicatorType::kUrl, "http://example.com/a"},
      {IndicatorType::kUrlPath, "/payload/7/12", IndicatorType::kUrlPath, "/payload/7/12"},
      {IndicatorType::kMd5, "D41D8CD98F00B204E9800998ECF8427E", IndicatorType::kMd5,
       "d41d8cd98f00b204e9800998ecf8427e"},
      {IndicatorType::kImphash, "d41d8cd98f00b204e9800998ecf8427e", IndicatorType::kImphash,
       "d41d8cd98f00b204e9800998ecf8427e"},
      {IndicatorType::kJa3, "d41d8cd98f00b204e9800998ecf8427e", IndicatorType::kJa3,
       "d41d8cd98f00b204e9800998ecf8427e"},
      {IndicatorType::kJa3s, "d41d8cd98f00b204e9800998ecf8427e", IndicatorType::kJa3s,
       "d41d8cd98f00b204e9800998ecf8427e"},
      {IndicatorType::kSha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", IndicatorType::kSha1,
       "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
      {IndicatorType::kCertSha1, "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09",
       IndicatorType::kCertSha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
      {IndicatorType::kEmail, "User@Example.COM", IndicatorType::kEmail, "User@example.com"},
      {IndicatorType::kTelegramHandle, "@Durov", IndicatorType::kTelegramHandle, "t.me/durov"},
      {IndicatorType::kTelegramBotToken, "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ",
       IndicatorType::kTelegramBotToken, "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"},
  };
  for (const AsCase& c : cases) {
    auto result = ParseIndicatorAs(c.type, c.text);
    ASSERT_TRUE(result.ok()) << c.text << ": " << result.status().ToString();
    EXPECT_EQ(result->type, c.want_type) << c.text;
    EXPECT_EQ(result->value, c.want_value) << c.text;
  }
}

TEST(ParseIndicatorAs, Rejects) {
  const std::pair<IndicatorType, std::string_view> cases[] = {
      {IndicatorType::kIpv4, "2001:db8::1"},
      {IndicatorType::kIpv6, "192.0.2.1"},
      {IndicatorType::kIpv4, "5.252.178[.]140"},  // no refanging here
      {IndicatorType::kCidr, "192.0.2.1"},
      {IndicatorType::kCidr, "10.0.0.1/8"},
      {IndicatorType::kEndpoint, "192.0.2.1"},
      {IndicatorType::kDomain, "1.2.3.4"},
      {IndicatorType::kMd5, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
      {IndicatorType::kSha256, "d41d8cd98f00b204e9800998ecf8427e"},
      {IndicatorType::kCertSha256, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
      {IndicatorType::kJarm, "d41d8cd98f00b204e9800998ecf8427e"},
      {IndicatorType::kEmail, "example.com"},
      {IndicatorType::kTelegramHandle, "t.me"},
      {IndicatorType::kTelegramBotToken, "123:abc"},
      {IndicatorType::kUrlPath, "payload/7"},
      {IndicatorType::kAsn, "ASX"},
  };
  for (const auto& [type, text] : cases) {
    auto result = ParseIndicatorAs(type, text);
    if (result.ok()) {
      ADD_FAILURE() << IndicatorTypeName(type) << " accepted " << text << " as " << result->value;
    } else {
      EXPECT_FALSE(result.status().message().empty());
    }
  }
}

TEST(ClassifyIndicator, EmptyAndLenientOff) {
  EXPECT_FALSE(ClassifyIndicator("").ok());
  ClassifyOptions strict;
  strict.lenient_urls = false;
  EXPECT_FALSE(ClassifyIndicator("example.com/a.php", strict).ok());
  EXPECT_TRUE(ClassifyIndicator("http://example.com/a.php", strict).ok());
  EXPECT_TRUE(ClassifyIndicator("example.com/a.php").ok());
}

TEST(ClassifyIndicator, ErrorsNameTheInput) {
  for (std::string_view bad : {"invoice.pdf", "256.1.1.1", "example.local", "hello world"}) {
    auto result = ClassifyIndicator(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_NE(result.status().message().find(bad.substr(0, 5)), std::string::npos)
        << result.status().message();
  }
}

// ClassifyIndicator builds the text of plain http(s) URLs without Url::Parse; the result must be
// what Url::Parse gives (ParseIndicatorAs(kUrl)), for those and for near misses.
TEST(ClassifyIndicator, PlainHttpUrlsMatchUrlParse) {
  const std::vector<std::string> texts = {
      "http://evil.example.com/gate.php?id=1a2b3c4d", "https://EVIL.Example.COM/Path/To?x=1&y=2",
      "http://a_b.example.com/", "http://a.example.com/?", "http://a.example.com/a?b?c=d",
      "http://a.example.com//x/../y/./z", "http://a.example.com/~user/",
      "https://a.b.c.example.co.uk/x", "http://a.example.com/x?q=/y",
      "http://a.example.com/x_y-z.~&=",
      // near misses that take the general path
      "http://a.example.com", "http://a.example.com?x=1", "http://a.example.com:8080/x",
      "https://a.example.com:443/x", "http://a.example.com/x#frag", "http://a.example.com/%41%2f",
      "http://a.example.com/x y", "http://user@a.example.com/x", "http://192.0.2.1/x",
      "http://xn--80ak6aa92e.com/x", "HTTP://a.example.com/x", "http://a.example.com/é",
      "http://a.example.com/x!$'()*+,;", "http://localhost/x", "http://a.example.com./x",
      "http://-a.example.com/x", "http://a.example.123/x", "ftp://a.example.com/x"};
  size_t compared = 0;
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    auto classified = ClassifyIndicator(text);
    auto parsed = ParseIndicatorAs(IndicatorType::kUrl, text);
    ASSERT_EQ(classified.ok(), parsed.ok())
        << (classified.ok() ? parsed.status() : classified.status()).ToString();
    if (!classified.ok() || classified->type != IndicatorType::kUrl) continue;
    EXPECT_EQ(classified->value, parsed->value);
    EXPECT_EQ(classified->display, parsed->display);
    ++compared;
  }
  EXPECT_GE(compared, 20u);
}

// Plain http(s) URLs on Telegram hosts are channel handles, not URLs (ClassifyUrl takes the
// plain shape first and must leave these to the Telegram checks); invite links stay URLs.
TEST(ClassifyIndicator, PlainUrlsOnTelegramHostsAreHandles) {
  const std::vector<std::tuple<std::string, IndicatorType, std::string>> cases = {
      {"https://t.me/channelname", IndicatorType::kTelegramHandle, "t.me/channelname"},
      {"http://www.t.me/evil_chan", IndicatorType::kTelegramHandle, "t.me/evil_chan"},
      {"https://T.ME/Evil_Chan", IndicatorType::kTelegramHandle, "t.me/evil_chan"},
      {"https://telegram.dog/somechan", IndicatorType::kTelegramHandle, "t.me/somechan"},
      {"https://t.me/joinchat/AbCdEf", IndicatorType::kUrl, "https://t.me/joinchat/AbCdEf"},
      {"https://telegram.me/joinchat/AbCdEf", IndicatorType::kUrl,
       "https://telegram.me/joinchat/AbCdEf"},
      {"https://api.telegram.org/x", IndicatorType::kUrl, "https://api.telegram.org/x"},
      {"http://t.me/", IndicatorType::kUrl, "http://t.me/"},
  };
  for (const auto& [text, type, value] : cases) {
    auto classified = ClassifyIndicator(text);
    ASSERT_TRUE(classified.ok()) << text << ": " << classified.status().ToString();
    EXPECT_EQ(classified->type, type) << text;
    EXPECT_EQ(classified->value, value) << text;
  }
}

// IsPlainAsciiName against a direct reading of its contract, on names built from the characters
// and label shapes that matter.
TEST(IsPlainAsciiName, MatchesItsContract) {
  auto reference = [](std::string_view name) {
    if (name.empty() || name.size() > 253) return false;
    std::vector<std::string_view> labels;
    size_t start = 0;
    for (size_t i = 0; i <= name.size(); ++i) {
      if (i == name.size() || name[i] == '.') {
        labels.push_back(name.substr(start, i - start));
        start = i + 1;
      }
    }
    if (labels.size() < 2) return false;
    for (std::string_view label : labels) {
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
        return false;
      }
      if (label.size() >= 4 && (label.substr(0, 4) == "xn--" || label.substr(0, 4) == "XN--" ||
                                label.substr(0, 4) == "Xn--" || label.substr(0, 4) == "xN--")) {
        return false;
      }
      for (char c : label) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
      }
    }
    return labels.back().find_first_not_of("0123456789") != std::string_view::npos;
  };
  std::mt19937 rng(7);
  const std::string pieces[] = {"a",
                                "Z",
                                "0",
                                "9",
                                "-",
                                "_",
                                ".",
                                "xn--",
                                "XN--",
                                "..",
                                "é",
                                "*",
                                ":",
                                "/",
                                " ",
                                "example",
                                "com",
                                std::string(63, 'a'),
                                std::string(64, 'b'),
                                "1",
                                "123"};
  size_t accepted = 0;
  for (int n = 0; n < 200000; ++n) {
    std::string name;
    const int parts = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < parts; ++k) name += pieces[rng() % std::size(pieces)];
    if (rng() % 8 == 0) name += std::string(rng() % 260, 'c');
    ASSERT_EQ(core::IsPlainAsciiName(name), reference(name)) << name;
    accepted += reference(name);
  }
  EXPECT_GT(accepted, 300u);
}

}  // namespace
}  // namespace cotenant
