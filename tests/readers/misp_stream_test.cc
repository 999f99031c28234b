// The MISP reader streams (readers/misp.cc): memory held does not grow with the event's size,
// event fields written after the attributes still apply to them, and a document that breaks
// part-way behaves as documented in readers/readers.h.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cotenant/reader.h"
#include "readers/readers.h"
#include "recording_sink.h"

namespace cotenant {
namespace {

namespace fs = std::filesystem;

// An event of `n` attributes; `tail` is written after the Attribute array (inside the event).
std::string MispEvent(int n, const std::string& tail = "") {
  std::string out =
      R"({"Event": {"uuid": "5e2c4a52-0000-4000-8000-000000000001", "date": "2024-01-01", )"
      R"("Orgc": {"name": "stream-org"}, "Attribute": [)";
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ",\n";
    out += R"({"type": "ip-dst", "category": "Network activity", "to_ids": true, "value": "10.)" +
           std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) + "." +
           std::to_string(i & 255) + R"(", "comment": "filler to make the attribute longer"})";
  }
  out += "]" + tail + "}}";
  return out;
}

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    path_ = (fs::temp_directory_path() /
             ("misp-stream-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
              "-" + std::to_string(reinterpret_cast<uintptr_t>(this)) + ".json"))
                .string();
    std::ofstream(path_) << text;
  }
  ~TempFile() { fs::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(MispStreamTest, MemoryHeldDoesNotGrowWithTheEvent) {
  size_t peak_small = 0, peak_large = 0;
  for (int n : {1000, 120000}) {
    std::string text = MispEvent(n);
    for (bool from_file : {false, true}) {
      SCOPED_TRACE(std::to_string(n) + (from_file ? " from a file" : " in memory"));
      testing::RecordingSink sink;
      Status s;
      if (from_file) {
        TempFile file(text);
        s = readers::ReadMispFile(file.path(), {}, sink);
      } else {
        s = readers::ReadMispJson(text, "event.json", {}, sink);
      }
      ASSERT_TRUE(s.ok()) << s.ToString();
      ASSERT_EQ(sink.observations.size(), static_cast<size_t>(n));
      const readers::JsonStreamStats& stats = readers::LastMispStreamStatsForTesting();
      // Both passes hand out every attribute.
      EXPECT_EQ(stats.elements, 2u * n);
      (n == 1000 ? peak_small : peak_large) =
          std::max(n == 1000 ? peak_small : peak_large, stats.peak_buffer_bytes);
    }
    if (n != 1000) {
      // The large event is about 14 MB; the reader held a read buffer of it (a leftover of
      // one element may double the first one), never the whole.
      ASSERT_GT(text.size(), size_t{12} << 20);
      EXPECT_LT(peak_large, text.size() / 4);
    }
  }
  EXPECT_GT(peak_small, 0u);
  EXPECT_LE(peak_large, 2 * peak_small);
}

TEST(MispStreamTest, EventFieldsAfterTheAttributesApplyToThem) {
  // Tags, galaxies and a link written after the attributes, as MISP exports do.
  std::string text = MispEvent(
      3,
      R"(, "Object": [{"name": "domain-ip", "Attribute": [{"type": "domain", "value": "a.example.com"},)"
      R"( {"type": "link", "value": "https://report.example/late"}]}],)"
      R"( "Tag": [{"name": "tlp:red"}, {"name": "misp-galaxy:threat-actor=\"Late Group\""}])");
  // A link among the attributes, after the values it applies to.
  text.replace(text.find("]"), 1,
               R"(, {"type": "link", "value": "https://report.example/event"}])");
  testing::RecordingSink sink;
  ASSERT_TRUE(readers::ReadMispJson(text, "late.json", {}, sink).ok());
  ASSERT_EQ(sink.observations.size(), 4u);
  for (const auto& o : sink.observations) {
    EXPECT_EQ(o.actor, "Late Group");
    EXPECT_EQ(o.tlp, Tlp::kRed);
    EXPECT_EQ(o.source, "stream-org");
    ASSERT_FALSE(o.references.empty());
    EXPECT_EQ(o.references[0], "https://report.example/event");
  }
  // The object's own link describes its values, not the event's attributes.
  EXPECT_EQ(sink.observations[0].references.size(), 1u);
  EXPECT_EQ(sink.observations[3].references.size(), 2u);
  EXPECT_EQ(sink.observations[3].location.json_path, "$.Event.Object[0].Attribute[0]");
  EXPECT_EQ(sink.observations[2].location.json_path, "$.Event.Attribute[2]");
}

TEST(MispStreamTest, EventsOfAResponseListKeepTheirOwnContext) {
  std::string text = R"({"response": [)";
  for (int e = 0; e < 3; ++e) {
    if (e > 0) text += ",";
    text += R"({"Event": {"Attribute": [{"type": "domain", "value": "e)" + std::to_string(e) +
            R"(.example.com"}], "Orgc": {"name": "org)" + std::to_string(e) + R"("}}})";
  }
  text += "]}";
  testing::RecordingSink sink;
  ASSERT_TRUE(readers::ReadMispJson(text, "list.json", {}, sink).ok());
  ASSERT_EQ(sink.observations.size(), 3u);
  ASSERT_EQ(sink.sources.size(), 3u);
  for (int e = 0; e < 3; ++e) {
    EXPECT_EQ(sink.observations[e].source, "org" + std::to_string(e));
    EXPECT_EQ(sink.observations[e].location.json_path,
              "$.response[" + std::to_string(e) + "].Event.Attribute[0]");
  }
}

TEST(MispStreamTest, ShapesNoStreamedPathReachesAreStillRead) {
  // "response" as an object, events in nested arrays: read from the envelope, as before.
  for (const char* text :
       {R"({"response": {"Event": {"Attribute": [{"type": "domain", "value": "a.example.com"}]}}})",
        R"([[{"Event": {"Attribute": [{"type": "domain", "value": "a.example.com"}]}}]])"}) {
    testing::RecordingSink sink;
    ASSERT_TRUE(readers::ReadMispJson(text, "shape.json", {}, sink).ok()) << text;
    ASSERT_EQ(sink.observations.size(), 1u) << text;
    EXPECT_EQ(sink.observations[0].indicator.value, "a.example.com");
  }
}

TEST(MispStreamTest, OfARepeatedKeyTheFirstCounts) {
  // As a lookup by key in the parsed document would: the second Attribute array, its link
  // and the second Event are not read.
  const char* text =
      R"({"Event": {"Attribute": [{"type": "domain", "value": "first.example.com"}],)"
      R"( "Attribute": [{"type": "domain", "value": "second.example.com"},)"
      R"( {"type": "link", "value": "https://report.example/second"}]},)"
      R"( "Event": {"Attribute": [{"type": "domain", "value": "third.example.com"}]}})";
  testing::RecordingSink sink;
  ASSERT_TRUE(readers::ReadMispJson(text, "dup.json", {}, sink).ok());
  ASSERT_EQ(sink.observations.size(), 1u);
  EXPECT_EQ(sink.observations[0].indicator.value, "first.example.com");
  EXPECT_TRUE(sink.observations[0].references.empty());
}

TEST(MispStreamTest, BrokenDocuments) {
  std::string text = MispEvent(10);
  // Cut anywhere: an error naming the file, and nothing delivered (the first pass finds it).
  for (size_t cut : {size_t{5}, text.size() / 3, text.size() - 3}) {
    testing::RecordingSink sink;
    Status s = readers::ReadMispJson(text.substr(0, cut), "cut.json", {}, sink);
    EXPECT_FALSE(s.ok()) << cut;
    EXPECT_NE(s.message().find("cut.json"), std::string::npos) << s.message();
    EXPECT_TRUE(sink.observations.empty()) << cut;
  }
  // An attribute that is not JSON: the ones before it are delivered, the error names it.
  std::string bad = text;
  size_t at = bad.rfind("\"to_ids\": true", bad.find("10.0.0.5"));
  bad.replace(at, 14, "\"to_ids\": tru");
  testing::RecordingSink sink;
  Status s = readers::ReadMispJson(bad, "bad.json", {}, sink);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bad.json: $.Event.Attribute[5]"), std::string::npos) << s.message();
  EXPECT_EQ(sink.observations.size(), 5u);
}

}  // namespace
}  // namespace cotenant
