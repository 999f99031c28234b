// Golden files for ClassifyIndicator: tests/golden/core/classify.txt (no context) and
// classify_telegram.txt (telegram_context = true).
#include <gtest/gtest.h>

#include "cotenant/indicator.h"
#include "testing.h"

namespace cotenant {
namespace {

std::string Describe(const Result<Indicator>& result) {
  if (!result.ok()) return "error: " + result.status().message();
  std::string out = std::string(IndicatorTypeName(result->type)) + " " + result->value;
  if (result->display != result->value) out += " display=" + result->display;
  return out;
}

void RunClassifyGolden(const std::string& file, bool telegram_context, size_t min_cases) {
  const std::string path = testing::SourcePath("tests/golden/core/" + file);
  EXPECT_GE(testing::CountGoldenCases(path), min_cases) << path;
  ClassifyOptions options;
  options.telegram_context = telegram_context;
  auto failures = testing::RunGoldenFile(
      path, [&](std::string_view input) { return Describe(ClassifyIndicator(input, options)); });
  for (const std::string& failure : failures) ADD_FAILURE() << failure;
}

TEST(ClassifyGolden, NoContext) { RunClassifyGolden("classify.txt", false, 150); }

TEST(ClassifyGolden, TelegramContext) { RunClassifyGolden("classify_telegram.txt", true, 10); }

}  // namespace
}  // namespace cotenant
