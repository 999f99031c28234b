// Golden tests of the STIX patterning-language parser (tests/golden/readers/stix_pattern.txt)
// and of the mapping from patterns to indicators (stix_pattern_indicators.txt).
// Rewrite expectations with COTENANT_UPDATE_GOLDEN=1 after an intended change.
#include "cotenant/stix_pattern.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "testing.h"

namespace cotenant {
namespace {

std::string JoinTerms(const PatternTerms& terms) {
  std::string out;
  for (const auto& t : terms.terms) {
    out += out.empty() ? "" : "; ";
    out += t.path.ToString() + " " + std::string(PatternOpName(t.op)) + " " + t.value.ToString();
    if (!t.exact) out += " ~";
    out += " #" + std::to_string(t.observation) + "." + std::to_string(t.conjunction);
    if (!t.start.empty()) out += " [" + t.start + ".." + t.stop + "]";
  }
  return out;
}

std::string JoinIssues(const std::vector<PatternIssue>& issues) {
  std::string out;
  for (const auto& i : issues) {
    out += out.empty() ? "" : "; ";
    out += i.reason + ": " + i.text + " @" + std::to_string(i.offset);
  }
  return out;
}

// "AST => terms !! issues", or "error: ...".
std::string ParseCase(std::string_view input) {
  auto pattern = ParsePattern(input);
  if (!pattern.ok()) return "error: " + pattern.status().message();
  std::string out = pattern->ToString();
  PatternTerms terms = ExtractPatternTerms(*pattern);
  out += " => " + JoinTerms(terms);
  if (!terms.issues.empty()) out += " !! " + JoinIssues(terms.issues);
  // The rendering is itself a valid pattern only for the bracketed form; check that parsing is
  // stable by re-parsing the input (not the rendering) and comparing.
  auto again = ParsePattern(input);
  if (!again.ok() || again->ToString() != pattern->ToString()) out += " UNSTABLE";
  return out;
}

TEST(StixPatternTest, Golden) {
  std::string path = testing::SourcePath("tests/golden/readers/stix_pattern.txt");
  EXPECT_GE(testing::CountGoldenCases(path), 80u);
  for (const auto& failure : testing::RunGoldenFile(path, ParseCase)) ADD_FAILURE() << failure;
}

TEST(StixPatternTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(10000, '(');
  deep += "[a:b = 1]";
  deep += std::string(10000, ')');
  auto r = ParsePattern(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested deeper than"), std::string::npos)
      << r.status().message();

  std::string ok_depth(kMaxPatternDepth - 1, '(');
  ok_depth += "[a:b = 1]" + std::string(kMaxPatternDepth - 1, ')');
  EXPECT_TRUE(ParsePattern(ok_depth).ok());

  std::string deep_comparison =
      "[" + std::string(5000, '(') + "a:b = 1" + std::string(5000, ')') + "]";
  EXPECT_FALSE(ParsePattern(deep_comparison).ok());
}

TEST(StixPatternTest, OffsetsCountCharactersNotBytes) {
  // 'é' is two bytes; the error is at the 'x' after the string, character 24.
  auto r = ParsePattern("[file:name = 'caf\xc3\xa9.exe' x]");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("character 24:", 0), 0u) << r.status().message();
}

TEST(StixPatternTest, HugeStringLiteral) {
  std::string big = "[url:value = '" + std::string(1 << 20, 'a') + "']";
  auto r = ParsePattern(big);
  ASSERT_TRUE(r.ok()) << r.status().message();
  PatternTerms terms = ExtractPatternTerms(*r);
  ASSERT_EQ(terms.terms.size(), 1u);
  EXPECT_EQ(terms.terms[0].value.text.size(), 1u << 20);
}

// Everything ExtractPatternTerms says about a pattern, or the parse error.
std::string RenderTerms(const Result<PatternTerms>& terms) {
  if (!terms.ok()) return "error: " + terms.status().message();
  std::string out;
  for (const auto& t : terms->terms) {
    out += t.path.ToString() + " " + std::string(PatternOpName(t.op)) + " " +
           std::to_string(static_cast<int>(t.value.kind)) + ":" + t.value.ToString() + " " +
           (t.exact ? "exact" : "inexact") + " @" + std::to_string(t.offset) + " #" +
           std::to_string(t.observation) + "." + std::to_string(t.conjunction) + " [" + t.start +
           ".." + t.stop + "]; ";
  }
  return out + "!! " + JoinIssues(terms->issues);
}

Result<PatternTerms> TreeTerms(std::string_view text) {
  COTENANT_ASSIGN_OR_RETURN(Pattern pattern, ParsePattern(text));
  return ExtractPatternTerms(pattern);
}

// ParsePatternTerms reads the common one-comparison shape without the syntax tree: it must
// give exactly what the tree gives, on the golden patterns and on the edges of that shape.
TEST(StixPatternTest, ParsePatternTermsMatchesTheTree) {
  std::vector<std::string> mismatches;
  auto check = [&](std::string_view text) {
    std::string fast = RenderTerms(ParsePatternTerms(text));
    std::string tree = RenderTerms(TreeTerms(text));
    if (fast != tree) {
      mismatches.push_back(testing::Escape(text) + "\n  fast: " + fast + "\n  tree: " + tree);
    }
  };
  for (const char* golden : {"tests/golden/readers/stix_pattern.txt",
                             "tests/golden/readers/stix_pattern_indicators.txt"}) {
    std::ifstream in(testing::SourcePath(golden));
    size_t cases = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      check(testing::Unescape(line.substr(0, line.find('\t'))));
      ++cases;
    }
    EXPECT_GE(cases, 30u) << golden;
  }
  const std::string kEdges[] = {
      "[ipv4-addr:value = '198.51.100.1']",
      "[ipv4-addr:value='198.51.100.1']",
      "  [ ipv4-addr : value == '198.51.100.1' ]  ",
      "\t[domain-name:value\n=\r'a.test'\f]\v",
      "[url:value = 'http://a.test/x?y=\\'1\\'&z=\\\\']",
      "[url:value = 'http://a.test/x\\n']",
      "[url:value = 'caf\xc3\xa9.test']",
      "[file:name = 'caf\xc3\xa9.exe' x]",
      "[url:value = '']",
      "[url:value = 'a",
      "[url:value = 'a\\",
      "[url:value = 'a']x",
      "[url:value = 'a'] /* comment */",
      "/* c */ [url:value = 'a']",
      "[url:value = 'a'] // comment",
      "[url:value = 'a'] WITHIN 5 SECONDS",
      "[url:value = 'a'] OR [url:value = 'b']",
      "[url:value = 'a' OR url:value = 'b']",
      "[url:value != 'a']",
      "[url:value = \"a\"]",
      "[url:value = 1]",
      "[url:value = true]",
      "[url:'value' = 'a']",
      "[url:val-ue = 'a']",
      "[url:value.x = 'a']",
      "[url:value[0] = 'a']",
      "[file:hashes.'SHA-256' = 'aa']",
      "[AND:value = 'a']",
      "[url:AND = 'a']",
      "[true:value = 'a']",
      "[url:false = 'a']",
      "[x_custom-type:x_prop_1 = 'a']",
      "[_a:_b = 'a']",
      "[-a:b = 'a']",
      "[1a:b = 'a']",
      "[url:value = 'a'",
      "[url:value 'a']",
      "[url value = 'a']",
      "[url:value = = 'a']",
      "[url:value === 'a']",
      "[:value = 'a']",
      "[url: = 'a']",
      "[]",
      "",
      "   ",
      "[",
      std::string("[url:value = 'a\0b']", 19),
      std::string("[url:value = 'a']\0", 18),
  };
  for (const auto& text : kEdges) check(text);
  for (const auto& m : mismatches) ADD_FAILURE() << m;
}

std::string RenderExtraction(const PatternExtraction& x) {
  std::string out;
  for (const auto& i : x.indicators) {
    out += std::string(IndicatorTypeName(i.indicator.type)) + " " + i.indicator.value + " (" +
           i.indicator.display + ") " + (i.exact ? "exact" : "inexact") + " " + i.path + " '" +
           i.original + "' @" + std::to_string(i.offset) + " [" + i.start + ".." + i.stop +
           "] note=" + i.note + "; ";
  }
  for (const auto& l : x.links) out += l.from.value + " " + l.kind + " " + l.to.value + "; ";
  return out + "!! " + JoinIssues(x.issues);
}

// ParsePatternIndicators maps the one-comparison shape without terms or tree (and IPv4
// dotted quads without IpAddress): it must give exactly what ParsePattern +
// ExtractPatternIndicators give, also into an extraction reused across calls.
TEST(StixPatternTest, ParsePatternIndicatorsMatchesTheTree) {
  std::vector<std::string> cases;
  for (const char* golden : {"tests/golden/readers/stix_pattern.txt",
                             "tests/golden/readers/stix_pattern_indicators.txt"}) {
    std::ifstream in(testing::SourcePath(golden));
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      cases.push_back(testing::Unescape(line.substr(0, line.find('\t'))));
    }
  }
  const char* kValues[] = {
      "0.0.0.0",    "255.255.255.255", "256.1.1.1",  "1.2.3.256",
      "01.2.3.4",   "1.2.3.04",        "1.2.3.0",    "1.2.3",
      "1.2.3.4.5",  "1.2.3.4 ",        " 1.2.3.4",   "1..2.3",
      "1.2.3.0000", "1234.1.1.1",      "1.2.3.4/24", "1.2.3.4/33",
      "::1",        "::ffff:1.2.3.4",  "1.2.3.4:80", "",
      "a.test",     "1.2.3.4.",        ".1.2.3",     "999.999.999.999",
      "1.2.3.-4",   "+1.2.3.4",        "0x1.2.3.4",
  };
  for (const char* type : {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr",
                           "autonomous-system", "x509-certificate", "network-traffic"}) {
    for (const char* property : {"value", "number", "serial_number", "dst_port", "name"}) {
      for (const char* value : kValues) {
        cases.push_back(std::string("[") + type + ":" + property + " = '" + value + "']");
      }
    }
  }
  for (const char* value : {"64500", "AS64500", "-1", "4294967296", "01:02:03", "ab:cd"}) {
    cases.push_back(std::string("[autonomous-system:number = '") + value + "']");
    cases.push_back(std::string("[x509-certificate:serial_number = '") + value + "']");
  }
  EXPECT_GE(cases.size(), 400u);
  PatternExtraction reused;
  std::vector<std::string> mismatches;
  for (const auto& text : cases) {
    auto tree = ParsePattern(text);
    std::string expected = tree.ok() ? RenderExtraction(ExtractPatternIndicators(*tree)) : "error";
    auto fast = ParsePatternIndicators(text);
    std::string got = fast.ok() ? RenderExtraction(*fast) : "error";
    Status into = ParsePatternIndicators(text, reused);
    std::string got_reused = into.ok() ? RenderExtraction(reused) : "error";
    if (got != expected || got_reused != expected) {
      mismatches.push_back(testing::Escape(text) + "\n  fast: " + got +
                           "\n  reused: " + got_reused + "\n  tree: " + expected);
    }
  }
  for (const auto& m : mismatches) ADD_FAILURE() << m;
}

}  // namespace
}  // namespace cotenant
