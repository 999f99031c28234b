// ParseFeedValue's shortcuts for declared hashes, addresses and domains (ParseDeclaredDirectly)
// against the full
// classification cascade (ParseFeedValueByClassifying): the same indicator or the same error for
// edge cases and for every string of the golden MISP, STIX and CSV inputs, under every declared
// type and both Telegram contexts.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "readers/common.h"
#include "testing.h"

namespace cotenant::readers {
namespace {

std::vector<std::optional<IndicatorType>> AllDeclared() {
  std::vector<std::optional<IndicatorType>> out = {std::nullopt};
  for (int t = 0; t <= static_cast<int>(IndicatorType::kTelegramBotToken); ++t) {
    out.push_back(static_cast<IndicatorType>(t));
  }
  return out;
}

// Number of texts the shortcut answered (for the test to show it is exercised).
size_t ExpectSameAsCascade(const std::vector<std::string>& texts) {
  size_t direct = 0;
  for (const std::string& text : texts) {
    for (bool telegram : {false, true}) {
      ClassifyOptions options;
      options.telegram_context = telegram;
      for (auto declared : AllDeclared()) {
        SCOPED_TRACE("text `" + text + "` declared " +
                     (declared ? std::string(IndicatorTypeName(*declared)) : "none") +
                     (telegram ? " telegram" : ""));
        if (declared && ParseDeclaredDirectly(text, *declared, options)) ++direct;
        auto fast = ParseFeedValue(text, declared, options);
        auto full = ParseFeedValueByClassifying(text, declared, options);
        EXPECT_EQ(fast.ok(), full.ok());
        if (fast.ok() != full.ok()) continue;
        if (fast.ok()) {
          EXPECT_EQ(fast->type, full->type);
          EXPECT_EQ(fast->value, full->value);
          EXPECT_EQ(fast->display, full->display);
        } else {
          EXPECT_EQ(fast.status().code(), full.status().code());
          EXPECT_EQ(fast.status().message(), full.status().message());
        }
      }
    }
  }
  return direct;
}

TEST(DeclaredHashShortcutTest, EdgeCasesMatchTheCascade) {
  const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  const std::string sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  const std::string sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const std::string sha512 = sha256 + sha256;
  std::vector<std::string> texts = {
      md5, sha1, sha256, sha512,
      // upper and mixed case, all digits, all zeros, all letters (a Telegram-handle shape)
      "D41D8CD98F00B204E9800998ECF8427E", "D41d8cd98f00b204e9800998ecf8427E", std::string(32, '1'),
      std::string(40, '0'), std::string(64, '0'), std::string(128, 'f'), std::string(32, 'a'),
      std::string(64, 'F'), "12345678901234567890123456789012",
      // one digit short or long, a non-hex digit, spaces, defanged and prefixed forms
      md5.substr(1), md5 + "0", sha256 + "a", "g" + md5.substr(1), " " + md5, md5 + " ",
      "\t" + sha1, "[" + md5 + "]", "\"" + sha256 + "\"", "md5:" + md5, "0x" + md5.substr(2),
      md5.substr(0, 16) + " " + md5.substr(16), "T1" + std::string(70, 'a'), std::string(62, 'a'),
      std::string(70, 'b'), "",
      // other values a declared hash column may hold
      "198.51.100.7", "evil.example.com", "http://evil.example.com/x", "AS64500", "3:abc:def",
      "a@b.example"};
  EXPECT_GT(ExpectSameAsCascade(texts), 0u);
}

TEST(DeclaredHashShortcutTest, AddressAndDomainEdgeCasesMatchTheCascade) {
  std::vector<std::string> texts = {
      // dotted quads and what is almost one
      "198.51.100.7", "0.0.0.0", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5",
      "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4.", "12", "1234567890", "1.2.3.04", "9.9.9.9",
      // names: plain, upper case, underscores, hyphens at label ends, numeric or file-like TLDs,
      // no public suffix, a public suffix itself, private-section suffixes, A-labels, long labels
      "evil.example.com", "EVIL.Example.COM", "a_b.example.com", "-a.example.com", "a-.example.com",
      "a..example.com", "example.com.", ".example.com", "example", "1.2.3.a4", "1a.bc", "abc.123",
      "invoice.exe", "readme.md", "footballtv.zip", "host.localdomain", "co.uk", "com", "ddns.net",
      "x.ddns.net", "github.io", "xn--80ak6aa92e.com", "xn--a.com", "xn--ls8h.la",
      std::string(63, 'a') + ".com", std::string(64, 'a') + ".com", std::string(250, 'a') + ".com",
      "as1.example", "AS64500.example", "hxxp.example.com", "fxp.example.com",
      "a.b.c.d.e.f.example.co.uk", "_dmarc.example.com", "x.test", "x.onion", "x.example", "t.me",
      "telegram.me", "api.telegram.org",
      // near misses the shortcut must leave to the cascade
      "evil.example.com:443", "evil.example.com/x", "user@evil.example.com", "*.example.com",
      "evil[.]example.com", "evil.example.com ", " evil.example.com", "évil.example.com",
      "1.2.3.4:80", "1.2.3.4/24", "1.2.3.4|80"};
  EXPECT_GT(ExpectSameAsCascade(texts), 20u);
}

void CollectStrings(simdjson::dom::element e, std::vector<std::string>& out) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING:
      out.emplace_back(e.get_string().value_unsafe());
      break;
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array items = e.get_array().value_unsafe();
      for (simdjson::dom::element child : items) CollectStrings(child, out);
      break;
    }
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object fields = e.get_object().value_unsafe();
      for (auto field : fields) CollectStrings(field.value, out);
      break;
    }
    default:
      break;
  }
}

TEST(DeclaredHashShortcutTest, GoldenInputsMatchTheCascade) {
  namespace fs = std::filesystem;
  std::vector<std::string> texts;
  size_t files = 0;
  for (const char* dir : {"tests/golden/readers/misp", "tests/golden/readers/misp-feed",
                          "tests/golden/readers/stix"}) {
    for (const auto& entry : fs::recursive_directory_iterator(testing::SourcePath(dir))) {
      if (entry.path().extension() != ".json") continue;
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      if (parser.load(entry.path().string()).get(doc)) continue;  // deliberately broken inputs
      CollectStrings(doc, texts);
      ++files;
    }
  }
  ASSERT_GT(files, 3u);
  ASSERT_GT(texts.size(), 100u);
  EXPECT_GT(ExpectSameAsCascade(texts), 0u);
}

}  // namespace
}  // namespace cotenant::readers
