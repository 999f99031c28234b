// The bounded-memory JSON streamer (src/readers/json_stream.h): golden cases run with read
// sizes from 1 byte to 1 MiB (every output must be the same, so elements, keys, strings and
// escapes split across reads are covered), the too-large and envelope limits, and a generated
// bundle whose buffer must stay small while it is streamed.
#include "readers/json_stream.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "readers/common.h"
#include "testing.h"

namespace cotenant::readers {
namespace {

// "objects|Event.Attribute|-" -> {{"objects"}, {"Event","Attribute"}, {}}.
std::vector<std::vector<std::string>> ParsePaths(std::string_view spec) {
  std::vector<std::vector<std::string>> out;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t bar = spec.find('|', start);
    std::string_view one = spec.substr(start, bar == std::string_view::npos ? bar : bar - start);
    std::vector<std::string> path;
    if (one != "-") {
      size_t s = 0;
      while (s <= one.size()) {
        size_t dot = one.find('.', s);
        path.emplace_back(one.substr(s, dot == std::string_view::npos ? dot : dot - s));
        if (dot == std::string_view::npos) break;
        s = dot + 1;
      }
    }
    out.push_back(std::move(path));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return out;
}

std::string Render(std::string_view json, const JsonStreamOptions& options) {
  std::string out;
  auto envelope = StreamJsonText(json, "doc", options, [&](const JsonStreamElement& e) {
    out += "e" + std::to_string(e.path_index) + "[";
    for (size_t k = 0; k < e.indices.size(); ++k) {
      if (k > 0) out += ",";
      out += std::to_string(e.indices[k]);
    }
    out += "]@" + std::to_string(e.offset) + (e.too_large ? "!" : "") + "=" + std::string(e.json) +
           " ";
    return Status::Ok();
  });
  if (!envelope.ok()) return out + "error: " + envelope.status().message();
  return out + "|| " + *envelope;
}

std::string StreamCase(std::string_view input) {
  size_t space = input.find(' ');
  if (space == std::string_view::npos) return "bad case: no space after the paths";
  JsonStreamOptions options;
  options.array_paths = ParsePaths(input.substr(0, space));
  std::string_view json = input.substr(space + 1);
  options.read_chunk_bytes = size_t{1} << 20;
  std::string expected = Render(json, options);
  for (size_t chunk : {1, 2, 3, 7, 64}) {
    options.read_chunk_bytes = chunk;
    std::string got = Render(json, options);
    if (got != expected) return "read size " + std::to_string(chunk) + " gave: " + got;
  }
  return expected;
}

TEST(JsonStream, GoldenCases) {
  std::string path = testing::SourcePath("tests/golden/readers/json_stream.txt");
  ASSERT_GE(testing::CountGoldenCases(path), 20u);
  for (const auto& failure : testing::RunGoldenFile(path, StreamCase)) ADD_FAILURE() << failure;
}

TEST(JsonStream, ElementsAreParseableInPlace) {
  // Each handed-out element is followed by kJsonPadding readable bytes: simdjson parses it
  // without a copy, and it equals the element of the whole document.
  std::string json = R"({"type":"bundle","objects":[{"a":1},  {"b":[1,2,{"c":"]}"}]} ,"x",3]})";
  simdjson::dom::parser whole_parser, parser;
  simdjson::dom::element whole = whole_parser.parse(json);
  std::vector<std::string> got;
  JsonStreamOptions options;
  options.array_paths = {{"objects"}};
  options.read_chunk_bytes = 5;
  auto envelope = StreamJsonText(json, "doc", options, [&](const JsonStreamElement& e) {
    simdjson::dom::element el;
    EXPECT_EQ(parser.parse(e.json.data(), e.json.size(), false).get(el), simdjson::SUCCESS);
    got.push_back(simdjson::minify(el));
    return Status::Ok();
  });
  ASSERT_TRUE(envelope.ok()) << envelope.status().message();
  std::vector<std::string> want;
  for (auto el : whole["objects"].get_array()) want.push_back(simdjson::minify(el));
  EXPECT_EQ(got, want);
  simdjson::dom::element env = parser.parse(*envelope);
  EXPECT_EQ(simdjson::minify(env), R"({"type":"bundle","objects":[]})");
}

TEST(JsonStream, TooLargeElementIsHandedOutCutAndTheRestGoesOn) {
  std::string big(5000, 'x');
  std::string json = "[1,\"" + big + "\",{\"k\":\"" + big + "\"},2]";
  JsonStreamOptions options;
  options.array_paths = {{}};
  options.max_element_bytes = 1000;
  options.read_chunk_bytes = 97;
  std::vector<std::string> seen;
  auto envelope = StreamJsonText(json, "doc", options, [&](const JsonStreamElement& e) {
    seen.push_back((e.too_large ? "!" : "") + std::string(e.json.substr(0, 6)) + ":" +
                   std::to_string(e.json.size()));
    return Status::Ok();
  });
  ASSERT_TRUE(envelope.ok()) << envelope.status().message();
  EXPECT_EQ(*envelope, "[]");
  EXPECT_EQ(seen, (std::vector<std::string>{"1:1", "!\"xxxxx:200", "!{\"k\":\":200", "2:1"}));
}

TEST(JsonStream, EnvelopeLimitAndCallbackErrorStopTheStream) {
  JsonStreamOptions options;
  options.array_paths = {{"objects"}};
  options.max_envelope_bytes = 100;
  options.read_chunk_bytes = 16;
  std::string json = R"({"other":")" + std::string(500, 'y') + R"(","objects":[1]})";
  auto r = StreamJsonText(json, "big.json", options,
                          [](const JsonStreamElement&) { return Status::Ok(); });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("big.json"), std::string::npos) << r.status().message();

  options.max_envelope_bytes = size_t{1} << 20;
  int calls = 0;
  r = StreamJsonText(R"({"objects":[1,2,3]})", "doc", options, [&](const JsonStreamElement& e) {
    ++calls;
    if (e.indices[0] == 1) return InvalidArgument("stop here");
    return Status::Ok();
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "stop here");
  EXPECT_EQ(calls, 2);
}

TEST(JsonStream, PathForMessages) {
  EXPECT_EQ(JsonElementPath({"objects"}, std::vector<size_t>{12}), "$.objects[12]");
  EXPECT_EQ(JsonElementPath({"response", "*", "Event", "Attribute"}, std::vector<size_t>{3, 17}),
            "$.response[3].Event.Attribute[17]");
  EXPECT_EQ(JsonElementPath({}, std::vector<size_t>{0}), "$[0]");
}

TEST(JsonStream, FileOfManyObjectsStreamsInABoundedBuffer) {
  // 20,000 objects (~2.6 MB) streamed with 4 KiB reads: every object arrives, in order, and the
  // read buffer never holds more than a few reads (a reader holding the file would need 2.6 MB).
  testing::TempDir dir;
  std::string path = dir.Path("bundle.json");
  {
    std::ofstream out(path);
    out << R"({"type":"bundle","id":"bundle--1","objects":[)";
    for (int i = 0; i < 20000; ++i) {
      if (i > 0) out << ",\n";
      out << R"({"type":"indicator","id":"indicator--)" << i
          << R"(","pattern":"[ipv4-addr:value = '198.51.100.)" << i % 256
          << R"(']","description":"quote \" and backslash \\ and ] and }"})";
    }
    out << "]}";
  }
  JsonStreamOptions options;
  options.array_paths = {{"objects"}};
  options.read_chunk_bytes = 4096;
  JsonStreamStats stats;
  options.stats = &stats;
  size_t count = 0;
  simdjson::dom::parser parser;
  auto envelope = StreamJsonFile(path, options, [&](const JsonStreamElement& e) {
    EXPECT_EQ(e.indices[0], count);
    simdjson::dom::element el;
    EXPECT_EQ(parser.parse(e.json.data(), e.json.size(), false).get(el), simdjson::SUCCESS);
    std::string_view id;
    EXPECT_EQ(el["id"].get(id), simdjson::SUCCESS);
    EXPECT_EQ(id, "indicator--" + std::to_string(count));
    ++count;
    return Status::Ok();
  });
  ASSERT_TRUE(envelope.ok()) << envelope.status().message();
  EXPECT_EQ(count, 20000u);
  EXPECT_EQ(*envelope, R"({"type":"bundle","id":"bundle--1","objects":[]})");
  EXPECT_EQ(stats.elements, 20000u);
  EXPECT_GT(stats.peak_buffer_bytes, 0u);
  EXPECT_LE(stats.peak_buffer_bytes, size_t{16} << 10);
}

TEST(JsonStream, MissingFileIsNamed) {
  auto r = StreamJsonFile("/nonexistent/x.json", {},
                          [](const JsonStreamElement&) { return Status::Ok(); });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/x.json"), std::string::npos);
}

}  // namespace
}  // namespace cotenant::readers

namespace cotenant::readers {
namespace {

TEST(JsonStream, DepthIsLimitedInsideElementsToo) {
  JsonStreamOptions options;
  options.array_paths = {{"objects"}};
  options.max_depth = 4;
  auto ok = StreamJsonText(R"({"objects":[[[1]]]})", "doc", options,
                           [](const JsonStreamElement&) { return Status::Ok(); });
  EXPECT_TRUE(ok.ok()) << ok.status().message();
  auto deep = StreamJsonText(R"({"objects":[[[[1]]]]})", "deep.json", options,
                             [](const JsonStreamElement&) { return Status::Ok(); });
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("deep.json: not JSON at byte 14: nested deeper than 4"),
            std::string::npos)
      << deep.status().message();
}

}  // namespace
}  // namespace cotenant::readers

namespace cotenant::readers {
namespace {

// Random valid JSON: strings full of escapes, brackets and commas, nesting, white space.
class RandomJson {
 public:
  explicit RandomJson(uint64_t seed) : rng_(seed) {}
  std::string Value(int depth) {
    switch (depth > 3 ? rng_() % 3 : rng_() % 5) {
      case 0:
        return String();
      case 1:
        return std::to_string(static_cast<int64_t>(rng_() % 2000) - 1000);
      case 2:
        return rng_() % 2 ? "true" : "null";
      case 3: {
        std::string out = "[" + Space();
        size_t n = rng_() % 4;
        for (size_t i = 0; i < n; ++i) out += (i ? "," : "") + Space() + Value(depth + 1) + Space();
        return out + "]";
      }
      default: {
        std::string out = "{" + Space();
        size_t n = rng_() % 5;
        for (size_t i = 0; i < n; ++i) {
          out += (i ? "," : "") + Space() + String() + Space() + ":" + Space() + Value(depth + 1);
        }
        return out + Space() + "}";
      }
    }
  }
  std::string String() {
    static constexpr std::string_view kPieces[] = {
        "a", "bc", "\\\"", "\\\\", "\\n", "{", "}", "[", "]", ",", ":", "\\u00e9", " ", "xyz012"};
    std::string out = "\"";
    size_t n = rng_() % 40;
    for (size_t i = 0; i < n; ++i) out += kPieces[rng_() % std::size(kPieces)];
    return out + "\"";
  }
  std::string Space() { return rng_() % 4 == 0 ? std::string(rng_() % 3, ' ') + "\n" : ""; }
  uint64_t Next() { return rng_(); }

 private:
  std::mt19937_64 rng_;
};

TEST(JsonStream, RandomDocumentsGiveSimdjsonsElements) {
  // Long documents cross the 64-byte blocks of the fast path and the reads in every way.
  simdjson::dom::parser whole_parser, parser;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    RandomJson gen(seed);
    std::string json = "{\"id\":" + gen.String() + ",\"objects\":[";
    size_t n = gen.Next() % 30;
    for (size_t i = 0; i < n; ++i) json += (i ? "," : "") + gen.Space() + gen.Value(0);
    json += "]," + gen.String() + ":" + gen.Value(1) + "}";
    simdjson::dom::element whole;
    ASSERT_EQ(whole_parser.parse(json).get(whole), simdjson::SUCCESS) << json;
    std::vector<std::string> want;
    for (auto el : whole["objects"].get_array()) want.push_back(simdjson::minify(el));
    JsonStreamOptions options;
    options.array_paths = {{"objects"}};
    options.read_chunk_bytes = 1 + gen.Next() % 200;
    std::vector<std::string> got;
    auto envelope = StreamJsonText(json, "doc", options, [&](const JsonStreamElement& e) {
      simdjson::dom::element el;
      EXPECT_EQ(parser.parse(e.json.data(), e.json.size(), false).get(el), simdjson::SUCCESS)
          << e.json;
      got.push_back(simdjson::minify(el));
      return Status::Ok();
    });
    ASSERT_TRUE(envelope.ok()) << envelope.status().message() << "\n" << json;
    EXPECT_EQ(got, want) << "seed " << seed << ": " << json;
    simdjson::dom::element env;
    ASSERT_EQ(parser.parse(*envelope).get(env), simdjson::SUCCESS) << *envelope;
    EXPECT_EQ(env["objects"].get_array().size(), 0u) << *envelope;
  }
}

}  // namespace
}  // namespace cotenant::readers
