// The STIX reader: the pattern-to-indicator golden file, format sniffing, options, hostile
// documents, and every STIX file of the shared research data. The bundle golden files
// (tests/golden/readers/stix/<case>.json and <case>.expected) run in readers_golden_test.cc.
// Rewrite expectations with COTENANT_UPDATE_GOLDEN=1 after an intended change, then review.
#include "readers/stix.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cotenant/stix_pattern.h"
#include "recording_sink.h"
#include "testing.h"

namespace cotenant {
namespace {

namespace fs = std::filesystem;

// "indicators ;; links !! issues" for one pattern, or "error: ...".
std::string PatternIndicatorsCase(std::string_view input) {
  auto pattern = ParsePattern(input);
  if (!pattern.ok()) return "error: " + pattern.status().message();
  PatternExtraction x = ExtractPatternIndicators(*pattern);
  std::string out;
  for (const auto& i : x.indicators) {
    out += out.empty() ? "" : "; ";
    out += std::string(IndicatorTypeName(i.indicator.type)) + " " + i.indicator.value;
    if (!i.exact) out += " ~";
    if (!i.start.empty()) out += " [" + i.start + ".." + i.stop + "]";
    if (!i.note.empty()) out += " (" + i.note + ")";
  }
  if (!x.links.empty()) {
    out += " ;;";
    for (const auto& l : x.links) {
      out += " " + l.from.value + " " + l.kind + " " + l.to.value;
    }
  }
  if (!x.issues.empty()) {
    out += " !!";
    for (const auto& i : x.issues) out += " " + i.reason + ": " + i.text + ";";
  }
  return out;
}

TEST(StixReaderTest, PatternIndicatorsGolden) {
  std::string path = testing::SourcePath("tests/golden/readers/stix_pattern_indicators.txt");
  EXPECT_GE(testing::CountGoldenCases(path), 30u);
  for (const auto& failure : testing::RunGoldenFile(path, PatternIndicatorsCase)) {
    ADD_FAILURE() << failure;
  }
}

TEST(StixReaderTest, LooksLikeStix) {
  const char* accept[] = {
      R"({"type": "bundle", "id": "bundle--1", "objects": [])",
      "\xEF\xBB\xBF{\n  \"type\" :\t\"bundle\"",
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--x")",
      R"({"objects": [{"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")",
      R"([{"id": "ipv4-addr--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "type": "ipv4-addr")",
  };
  const char* reject[] = {
      R"({"Event": {"uuid": "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "info": "type bundle"}})",
      R"({"response": [{"Event": {}}]})",
      "#fields\tts\tuid",
      R"({"values": [{"value": "APT1", "uuid": "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}]})",
      R"({"rrname": "a.example", "rrtype": "A", "rdata": "192.0.2.1"})",
      "",
      R"({"description": "\"type\":\"bundle\" quoted inside a string"})",
  };
  for (const char* head : accept) EXPECT_TRUE(LooksLikeStix(head)) << head;
  for (const char* head : reject) EXPECT_FALSE(LooksLikeStix(head)) << head;
}

// ReadPath finds the STIX reader by content and produces what ReadStix produces.
TEST(StixReaderTest, ReadPathDispatchesToStix) {
  for (const char* name : {"chain_21.json", "misp_report_20.json", "observed_20.json",
                           "attack_20.json", "single_object.json"}) {
    std::string path = testing::SourcePath(std::string("tests/golden/readers/stix/") + name);
    auto format = DetectFormat(path);
    ASSERT_TRUE(format.ok()) << name << ": " << format.status().ToString();
    EXPECT_EQ(*format, Format::kStix) << name;
    testing::RecordingSink via_path, direct;
    ASSERT_TRUE(ReadPath(path, ReadOptions{}, via_path).ok()) << name;
    ASSERT_TRUE(ReadStix(path, ReadOptions{}, direct).ok()) << name;
    EXPECT_EQ(via_path.Dump(), direct.Dump()) << name;
    EXPECT_FALSE(direct.observations.empty() && direct.actors.empty()) << name;
  }
}

TEST(StixReaderTest, ReadStixMissingFile) {
  testing::RecordingSink sink;
  Status s = ReadStix("/nonexistent/dir/x.json", ReadOptions{}, sink);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
}

TEST(StixReaderTest, OptionsOverrideSourceAndDefaultMarking) {
  testing::RecordingSink sink;
  ReadOptions options;
  options.source = "my-feed";
  options.tlp = Tlp::kAmber;
  options.role = Role::kC2;
  Status s = ReadStixText(
      R"({"type":"indicator","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
      R"("pattern":"[ipv4-addr:value = '192.0.2.1']","valid_from":"2020-01-01T00:00:00Z"})",
      "one.json", options, sink);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(sink.observations.size(), 1u);
  EXPECT_EQ(sink.observations[0].source, "my-feed");
  EXPECT_EQ(sink.observations[0].tlp, Tlp::kAmber);
  EXPECT_EQ(sink.observations[0].role, Role::kC2);
  EXPECT_EQ(sink.observations[0].location.json_path, "$.pattern");
}

TEST(StixReaderTest, HostileDocuments) {
  // Deep nesting: simdjson refuses past its depth limit; the reader reports, never crashes.
  std::string deep =
      R"({"type":"bundle","objects":[)" + std::string(5000, '[') + std::string(5000, ']') + "]}";
  testing::RecordingSink sink;
  EXPECT_FALSE(ReadStixText(deep, "deep.json", ReadOptions{}, sink).ok());
  // Nesting inside an object the reader does not look into is fine.
  std::string nested = R"({"type":"bundle","objects":[{"type":"x-thing","id":"x-thing--1","v":)" +
                       std::string(500, '[') + std::string(500, ']') + "}]}";
  testing::RecordingSink sink2;
  EXPECT_TRUE(ReadStixText(nested, "nested.json", ReadOptions{}, sink2).ok());
  // A pattern of 5,000 OR terms (about 170 KB).
  std::string pattern = "[ipv4-addr:value = '192.0.2.1'";
  for (int i = 0; i < 5000; ++i) pattern += " OR ipv4-addr:value = '192.0.2.1'";
  pattern += "]";
  std::string big = R"({"type":"indicator","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
                    R"("pattern":")" +
                    pattern + R"("})";
  testing::RecordingSink sink3;
  ASSERT_TRUE(ReadStixText(big, "big.json", ReadOptions{}, sink3).ok());
  EXPECT_EQ(sink3.observations.size(), 1u);  // one value, repeated: one observation
}

// ---- the shared research data ---------------------------------------------------------------

struct FileCount {
  std::string file;
  size_t observations = 0, actors = 0, relationships = 0, rejections = 0;
};

// "pattern syntax error: character 3: ..." -> "pattern syntax error".
std::string ReasonCategory(const std::string& reason) {
  size_t colon = reason.find(':');
  std::string head = reason.substr(0, colon);
  if (head == "pattern" && colon != std::string::npos) {
    size_t next = reason.find(':', colon + 1);
    return reason.substr(0, next);
  }
  return head;
}

// Every indicator of a document, found independently of the reader (simdjson DOM walk).
std::vector<std::string> IndicatorPaths(const std::string& file) {
  std::vector<std::string> out;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.load(file).get(root) != simdjson::SUCCESS) return out;
  simdjson::dom::array objects;
  if (root["objects"].get_array().get(objects) != simdjson::SUCCESS) return out;
  size_t i = 0;
  for (simdjson::dom::element o : objects) {
    std::string_view type;
    if (o["type"].get_string().get(type) == simdjson::SUCCESS && type == "indicator") {
      out.push_back("$.objects[" + std::to_string(i) + "]");
    }
    ++i;
  }
  return out;
}

// True when a bundle names an actor: an intrusion-set or threat-actor object, or a MISP
// x-misp-attribute of type threat-actor (found independently of the reader).
bool BundleNamesActor(const std::string& file) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.load(file).get(root) != simdjson::SUCCESS) return false;
  simdjson::dom::array objects;
  if (root["objects"].get_array().get(objects) != simdjson::SUCCESS) return false;
  for (simdjson::dom::element o : objects) {
    std::string_view type, misp_type;
    if (o["type"].get_string().get(type) != simdjson::SUCCESS) continue;
    if (type == "intrusion-set" || type == "threat-actor") return true;
    if (type == "x-misp-attribute" &&
        o["x_misp_type"].get_string().get(misp_type) == simdjson::SUCCESS &&
        misp_type == "threat-actor") {
      return true;
    }
  }
  return false;
}

TEST(StixReaderTest, SharedDataReadsWithoutAborting) {
  auto shared = testing::SharedDir();
  if (!shared) GTEST_SKIP() << "shared research data not found (../shared or $COTENANT_SHARED)";
  const char* roots[] = {
      "data/cisco-talos-iocs",   "data/mitre-cti",
      "data2/attack-stix-data",  "data2/cti-stix-common-objects",
      "data2/cti-documentation", "data2/cti-stix2-json-schemas/examples",
  };
  std::vector<fs::path> files;
  for (const char* r : roots) {
    fs::path dir = fs::path(*shared) / r;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  std::map<std::string, size_t> by_reason;
  std::vector<FileCount> counts;
  size_t not_stix = 0, talos_files = 0;
  for (const auto& f : files) {
    std::string text = testing::ReadFile(f.string());
    std::string rel = fs::relative(f, *shared).string();
    if (!LooksLikeStix(std::string_view(text).substr(0, 4096))) {
      std::printf("  not STIX (skipped): %s\n", rel.c_str());
      ++not_stix;
      continue;
    }
    testing::RecordingSink sink;
    Status s = ReadStix(f.string(), ReadOptions{}, sink);
    EXPECT_TRUE(s.ok()) << rel << ": " << s.ToString();
    FileCount c{rel, sink.observations.size(), sink.actors.size(), sink.relationships.size(),
                sink.rejections.size()};
    counts.push_back(c);
    std::set<std::string> covered;
    for (const auto& o : sink.observations) covered.insert(o.location.json_path);
    for (const auto& r : sink.rejections) {
      std::string category = ReasonCategory(r.reason);
      ++by_reason[category];
      EXPECT_NE(category, "pattern syntax error")
          << rel << " " << r.location.ToString() << ": " << r.reason << " | " << r.text;
      covered.insert(r.location.json_path);
    }
    // Nothing silently dropped: every indicator yields an observation or a rejection.
    for (const auto& path : IndicatorPaths(f.string())) {
      bool seen = covered.count(path) || covered.count(path + ".pattern") ||
                  covered.count(path + ".pattern_type");
      EXPECT_TRUE(seen) << rel << " " << path << " produced neither an observation nor a rejection";
    }
    if (rel.find("cisco-talos-iocs") != std::string::npos) {
      ++talos_files;
      // MISP-STIX bundles group everything in one report: when the bundle names an actor,
      // every observation carries one.
      EXPECT_GT(sink.observations.size(), 0u) << rel;
      if (BundleNamesActor(f.string())) {
        for (const auto& o : sink.observations) {
          EXPECT_FALSE(o.actor.empty()) << rel << " " << o.location.json_path;
        }
      }
    }
  }
  std::printf("STIX files read: %zu (plus %zu not STIX)\n", counts.size(), not_stix);
  std::printf("%-90s %6s %6s %6s %6s\n", "file", "obs", "actors", "rels", "rej");
  FileCount total;
  for (const auto& c : counts) {
    std::printf("%-90s %6zu %6zu %6zu %6zu\n", c.file.c_str(), c.observations, c.actors,
                c.relationships, c.rejections);
    total.observations += c.observations;
    total.actors += c.actors;
    total.relationships += c.relationships;
    total.rejections += c.rejections;
  }
  std::printf("%-90s %6zu %6zu %6zu %6zu\n", "TOTAL", total.observations, total.actors,
              total.relationships, total.rejections);
  std::printf("rejections by reason:\n");
  for (const auto& [reason, n] : by_reason) std::printf("  %6zu  %s\n", n, reason.c_str());
  EXPECT_GE(talos_files, 1u);
}

// ATT&CK: one ActorRecord per intrusion-set that is not revoked, counted independently.
TEST(StixReaderTest, AttackIntrusionSetsBecomeActors) {
  auto shared = testing::SharedDir();
  if (!shared) GTEST_SKIP() << "shared research data not found (../shared or $COTENANT_SHARED)";
  for (const char* rel : {"data/mitre-cti/enterprise-attack-v18.1-groups-software-subset.json",
                          "data2/attack-stix-data/ics-attack/ics-attack-18.1.json"}) {
    std::string file = *shared + "/" + rel;
    if (!fs::exists(file)) continue;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    ASSERT_EQ(parser.load(file).get(root), simdjson::SUCCESS);
    size_t expected = 0;
    std::set<std::string> names;
    for (simdjson::dom::element o : root["objects"].get_array()) {
      std::string_view type, name;
      bool revoked = false;
      if (o["type"].get_string().get(type) != simdjson::SUCCESS || type != "intrusion-set")
        continue;
      if (o["revoked"].get_bool().get(revoked) == simdjson::SUCCESS && revoked) continue;
      ++expected;
      if (o["name"].get_string().get(name) == simdjson::SUCCESS) names.insert(std::string(name));
    }
    testing::RecordingSink sink;
    ASSERT_TRUE(ReadStix(file, ReadOptions{}, sink).ok());
    EXPECT_EQ(sink.actors.size(), expected) << rel;
    for (const auto& a : sink.actors) {
      EXPECT_TRUE(names.count(a.name)) << a.name;
      EXPECT_EQ(a.source, "mitre-attack") << a.name;
      EXPECT_EQ(a.external_id.rfind("G", 0), 0u) << a.name << " " << a.external_id;
    }
  }
}

// Memory stays flat: of a bundle of many indicators the reader keeps an entry per indicator, not
// its text; its read buffer does not grow with the bundle; the few graph objects keep their
// text. Attribution through those graph objects still reaches the indicators.
TEST(StixReaderTest, StreamingKeepsEntriesNotText) {
  constexpr int kIndicators = 20000;
  std::string graph =
      R"({"type":"intrusion-set","id":"intrusion-set--11111111-0000-4000-8000-000000000001",)"
      R"("name":"Flat Bear"},)"
      R"({"type":"relationship","id":"relationship--33333333-0000-4000-8000-000000000001",)"
      R"("relationship_type":"indicates","source_ref":)"
      R"("indicator--22222222-0000-4000-8000-000000000007","target_ref":)"
      R"("intrusion-set--11111111-0000-4000-8000-000000000001"})";
  std::string text = R"({"type":"bundle","id":"bundle--1","objects":[)" + graph;
  char id[64];
  for (int i = 0; i < kIndicators; ++i) {
    std::snprintf(id, sizeof id, "indicator--22222222-0000-4000-8000-%012d", i);
    text += R"(,{"type":"indicator","spec_version":"2.1","id":")" + std::string(id) +
            R"(","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z",)"
            R"("pattern_type":"stix","pattern":"[ipv4-addr:value = '10.0.)" +
            std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) +
            R"(']","valid_from":"2024-01-01T00:00:00Z"})";
  }
  text += "]}";
  ASSERT_GT(text.size(), size_t{5} << 20);
  StixReadStats stats;
  StixReadTuning tuning;
  tuning.read_chunk_bytes = 64 << 10;
  tuning.stats = &stats;
  testing::RecordingSink sink;
  Status s = ReadStixText(text, "flat.json", ReadOptions{}, sink, tuning);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(sink.observations.size(), size_t{kIndicators});
  EXPECT_TRUE(sink.rejections.empty());
  EXPECT_EQ(stats.carriers, size_t{kIndicators});
  EXPECT_EQ(stats.graph_objects, 2u);
  EXPECT_LE(stats.graph_text_bytes, graph.size() + 2);  // "[" "]"
  EXPECT_LT(stats.peak_buffer_bytes, size_t{512} << 10) << "of " << text.size() << " bytes";
  EXPECT_EQ(stats.peak_loaded_objects, 0u);
  size_t attributed = 0;
  for (const auto& o : sink.observations) {
    if (o.actor.empty()) continue;
    ++attributed;
    EXPECT_EQ(o.location.json_path, "$.objects[9].pattern");  // indicator 7 after 2 graph objects
    EXPECT_EQ(o.actor, "Flat Bear");
  }
  EXPECT_EQ(attributed, 1u);
}

// The reader streams the objects array twice and reads some objects again at their offset:
// what it delivers must not depend on the size of the reads, nor on whether the input is a
// file or text in memory.
TEST(StixReaderTest, ReadsTheSameInAnyChunkSize) {
  std::vector<std::string> files;
  for (const char* dir : {"tests/golden/readers/stix", "fuzz/corpus/stix"}) {
    for (const auto& entry : fs::directory_iterator(testing::SourcePath(dir))) {
      if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 15u);
  for (const auto& path : files) {
    testing::RecordingSink from_file;
    Status file_status = ReadStix(path, ReadOptions{}, from_file);
    std::string text = testing::ReadFile(path);
    for (size_t chunk : {size_t{1}, size_t{7}, size_t{64}, size_t{4096}}) {
      testing::RecordingSink sink;
      StixReadTuning tuning;
      tuning.read_chunk_bytes = chunk;
      Status s = ReadStixText(text, path, ReadOptions{}, sink, tuning);
      EXPECT_EQ(s.ToString(), file_status.ToString()) << path << " chunk " << chunk;
      EXPECT_EQ(sink.Dump(), from_file.Dump()) << path << " chunk " << chunk;
    }
  }
}

}  // namespace
}  // namespace cotenant
