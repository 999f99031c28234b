// Reports: JSON validity and schema fields, Markdown, explain, state file and new links.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>

#include "analysis_test_util.h"
#include "cotenant/analysis_report.h"

namespace cotenant::testing {
namespace {

using T = IndicatorType;

AnalysisResult Demo() {
  InputBuilder b;
  uint32_t a = b.Actor(1, "Copper \"Lantern\"");
  uint32_t v = b.Actor(2, "Velvet Hornet");
  b.Add(a, T::kEndpoint, "203.0.113.45:8443", "vendor-a", "2025-03-03", "2025-03-09");
  b.Add(v, T::kEndpoint, "203.0.113.45:8443", "cert", "2025-03-05", "2025-03-12", {}, {}, false,
        Role::kC2, Tlp::kAmber);
  b.Add(a, T::kDomain, "x\xffy.example", "vendor-a", "2025-03-03");  // invalid UTF-8 survives
  auto r = Analyze(b.in, {});
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

TEST(Report, JsonIsValidAndVersioned) {
  AnalysisResult r = Demo();
  ReportInfo info;
  info.generated = "2026-01-01T00:00:00Z";
  info.store = "test";
  std::vector<NewLink> links = DiffLinks(AnalysisState{}, r);
  std::string json = RenderJson(r, info, &links);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(doc["schema"]), "cotenant.analysis");
  EXPECT_EQ(int64_t(doc["version"]), kAnalysisSchemaVersion);
  simdjson::dom::array pairs = doc["pairs"];
  ASSERT_EQ(pairs.size(), 1u);
  simdjson::dom::element pair = pairs.at(0);
  EXPECT_EQ(std::string_view(pair["leading_hypothesis"]), "collaboration");
  EXPECT_EQ(std::string_view(pair["actors"].at(0)["name"]), "Copper \"Lantern\"");
  EXPECT_EQ(std::string_view(pair["tlp"]), "amber");
  simdjson::dom::element first = pair["evidence"].at(0);
  EXPECT_EQ(std::string_view(first["value"]), "203.0.113.45:8443");
  EXPECT_EQ(std::string_view(first["time"]["relation"]), "concurrent");
  EXPECT_EQ(std::string_view(first["sides"].at(1)["intervals"].at(0)["first"]),
            "2025-03-05T00:00:00Z");
  EXPECT_EQ(std::string_view(first["cells"]["reallocation"]["mark"]), "II");
  EXPECT_EQ(doc["new_links"].get_array().size(), 1u);
  EXPECT_TRUE(doc["new_links"].at(0)["previous_leading"].is_null());
  EXPECT_EQ(pair["hypotheses"].get_array().size(), kHypothesisCount);
}

TEST(Report, MarkdownAndExplainNameTheEvidence) {
  AnalysisResult r = Demo();
  ReportInfo info;
  info.generated = "2026-01-01T00:00:00Z";
  info.store = "test";
  std::string md = RenderMarkdown(r, info, nullptr);
  EXPECT_NE(md.find("# cotenant analysis"), std::string::npos);
  EXPECT_NE(md.find("`203.0.113.45:8443`"), std::string::npos) << md;
  EXPECT_EQ(md.find("New links"), std::string::npos);
  std::string explain = RenderExplain(r.pairs.at(0));
  EXPECT_NE(explain.find("Evidence x hypothesis matrix"), std::string::npos);
  EXPECT_NE(explain.find("2025-03-03..2025-03-09"), std::string::npos) << explain;
  EXPECT_NE(explain.find("2025-03-05..2025-03-12"), std::string::npos) << explain;
}

TEST(Report, StateRoundTripAndNewLinks) {
  AnalysisResult r = Demo();
  std::string path = ::testing::TempDir() + "/analysis-state.json";
  std::remove(path.c_str());
  auto missing = ReadAnalysisState(path);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  AnalysisState state = StateOf(r, 7, "2026-01-01T00:00:00Z");
  ASSERT_TRUE(WriteAnalysisState(path, state).ok());
  auto read = ReadAnalysisState(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->last_ingest, 7);
  ASSERT_EQ((*read)->pairs.size(), 1u);
  EXPECT_EQ((*read)->pairs[0].a_name, "Copper \"Lantern\"");
  // Same result again: nothing new. A changed verdict: one link with the previous one.
  EXPECT_TRUE(DiffLinks(**read, r).empty());
  (*read)->pairs[0].leading = Hypothesis::kProxy;
  auto links = DiffLinks(**read, r);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].previous, Hypothesis::kProxy);

  std::ofstream(path) << "{\"schema\": \"other\"}";
  EXPECT_EQ(ReadAnalysisState(path).status().code(), StatusCode::kCorruption);
  std::ofstream(path) << "{\"schema\": \"cotenant.analysis-state\", \"version\": 9}";
  EXPECT_EQ(ReadAnalysisState(path).status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace cotenant::testing
