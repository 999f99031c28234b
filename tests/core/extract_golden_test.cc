// Golden files for ExtractIndicators: tests/golden/core/extract/*.txt.
//
// File format (several cases per file):
//   # comment lines before the first case
//   === <case name>            (append " [telegram]" to set ExtractOptions::telegram_context)
//   <input text, any number of lines, C escapes \t \n \\ \xNN decoded; lines joined by \n>
//   ---
//   <offset>\t<type>\t<value>  (one line per expected indicator, in order)
// Run with COTENANT_UPDATE_GOLDEN=1 to rewrite the expected sections, then review the diff.
//
// Besides the expected lines, every hit must satisfy the extractor's contract: its span lies in
// the input, and ClassifyIndicator of the span as written (defanged) gives the same indicator.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cotenant/extract.h"
#include "testing.h"

namespace cotenant {
namespace {

struct Case {
  std::string name;
  bool telegram = false;
  std::vector<std::string> input_lines;
  std::vector<std::string> expected;
  int line_no = 0;
};

struct GoldenFile {
  std::vector<std::string> preamble;
  std::vector<Case> cases;
};

GoldenFile Parse(const std::string& path) {
  GoldenFile file;
  std::ifstream in(path);
  std::string line;
  int line_no = 0;
  bool in_expected = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.rfind("=== ", 0) == 0) {
      Case c;
      c.name = line.substr(4);
      const std::string tag = " [telegram]";
      if (c.name.size() > tag.size() && c.name.ends_with(tag)) {
        c.telegram = true;
        c.name.resize(c.name.size() - tag.size());
      }
      c.line_no = line_no;
      file.cases.push_back(std::move(c));
      in_expected = false;
    } else if (file.cases.empty()) {
      file.preamble.push_back(line);
    } else if (!in_expected && line == "---") {
      in_expected = true;
    } else if (in_expected) {
      if (!line.empty()) file.cases.back().expected.push_back(line);
    } else {
      file.cases.back().input_lines.push_back(line);
    }
  }
  return file;
}

std::string InputOf(const Case& c) {
  std::string text;
  for (size_t i = 0; i < c.input_lines.size(); ++i) {
    if (i > 0) text += '\n';
    text += testing::Unescape(c.input_lines[i]);
  }
  return text;
}

std::vector<std::string> Describe(const std::vector<ExtractedIndicator>& hits) {
  std::vector<std::string> lines;
  for (const ExtractedIndicator& hit : hits) {
    lines.push_back(std::to_string(hit.offset) + "\t" +
                    std::string(IndicatorTypeName(hit.indicator.type)) + "\t" +
                    testing::Escape(hit.indicator.value));
  }
  return lines;
}

void CheckContract(const std::string& where, std::string_view text,
                   const std::vector<ExtractedIndicator>& hits, bool telegram) {
  size_t previous = 0;
  for (const ExtractedIndicator& hit : hits) {
    ASSERT_LE(hit.offset + hit.length, text.size()) << where;
    ASSERT_GT(hit.length, 0u) << where;
    EXPECT_GE(hit.offset, previous) << where << ": hits out of order";
    previous = hit.offset;
    std::string_view span = text.substr(hit.offset, hit.length);
    ClassifyOptions options;
    options.telegram_context = telegram;
    auto alone = ClassifyIndicator(span, options);
    EXPECT_TRUE(alone.ok() && *alone == hit.indicator)
        << where << ": span `" << span << "` extracted as " << IndicatorTypeName(hit.indicator.type)
        << " " << hit.indicator.value << " but classifies as "
        << (alone.ok() ? std::string(IndicatorTypeName(alone->type)) + " " + alone->value
                       : alone.status().ToString());
  }
}

void RunExtractGolden(const std::string& path) {
  GoldenFile file = Parse(path);
  ASSERT_FALSE(file.cases.empty()) << path << " has no cases";
  const bool update = std::getenv("COTENANT_UPDATE_GOLDEN") != nullptr;
  for (Case& c : file.cases) {
    const std::string where = path + ":" + std::to_string(c.line_no) + " (" + c.name + ")";
    std::string text = InputOf(c);
    ExtractOptions options;
    options.telegram_context = c.telegram;
    auto hits = ExtractIndicators(text, options);
    CheckContract(where, text, hits, c.telegram);
    std::vector<std::string> actual = Describe(hits);
    if (update) {
      c.expected = actual;
      continue;
    }
    if (actual != c.expected) {
      std::string message = where + "\n  expected:\n";
      for (const auto& l : c.expected) message += "    " + l + "\n";
      message += "  actual:\n";
      for (const auto& l : actual) message += "    " + l + "\n";
      ADD_FAILURE() << message;
    }
  }
  if (update) {
    std::ofstream out(path);
    for (const auto& l : file.preamble) out << l << "\n";
    for (size_t i = 0; i < file.cases.size(); ++i) {
      const Case& c = file.cases[i];
      out << "=== " << c.name << (c.telegram ? " [telegram]" : "") << "\n";
      for (const auto& l : c.input_lines) out << l << "\n";
      out << "---\n";
      for (const auto& l : c.expected) out << l << "\n";
      if (i + 1 < file.cases.size()) out << "\n";
    }
  }
}

TEST(ExtractGolden, AllFiles) {
  const std::string dir = testing::SourcePath("tests/golden/core/extract");
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".txt") continue;
    ++files;
    SCOPED_TRACE(entry.path().string());
    RunExtractGolden(entry.path().string());
  }
  EXPECT_GE(files, 1u) << "no golden files in " << dir;
}

}  // namespace
}  // namespace cotenant
