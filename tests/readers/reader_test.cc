// Format names, DetectFormat (accepted and rejected inputs) and hostile inputs for every reader:
// deep nesting, truncation, a huge single line, wrong encodings. A hostile input must give a
// Status error or rejections, never a crash, and never lose the valid records around it.
#include "cotenant/reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "readers/readers.h"
#include "recording_sink.h"
#include "testing.h"

namespace cotenant {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("cotenant_reader_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& content) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  static inline int next_ = 0;
  fs::path path_;
};

TEST(FormatNameTest, RoundTripsAndRejectsUnknownNames) {
  for (Format f : {Format::kAuto, Format::kStix, Format::kMisp, Format::kMispFeed,
                   Format::kMispGalaxy, Format::kMaltrail, Format::kIocText, Format::kTable,
                   Format::kCsv, Format::kPlain, Format::kPdns, Format::kTelegram}) {
    auto back = FormatFromName(FormatName(f));
    ASSERT_TRUE(back.has_value()) << FormatName(f);
    EXPECT_EQ(*back, f);
  }
  EXPECT_EQ(FormatFromName("MISP"), Format::kMisp);
  EXPECT_EQ(FormatFromName(" csv "), Format::kCsv);
  for (const char* bad : {"", "xml", "stix2", "misp feed", "json"}) {
    EXPECT_FALSE(FormatFromName(bad).has_value()) << bad;
  }
}

TEST(DetectFormatTest, AcceptedInputs) {
  TempDir dir;
  const struct {
    const char* name;
    std::string content;
    Format expected;
  } cases[] = {
      {"apt_x.txt",
       "# Copyright (c) 2014-2026 Maltrail developers\n# Aliases: x\n\n# Reference: "
       "https://example.com/a\n\nbad.example.com\n",
       Format::kMaltrail},
      {"trail.txt", "# Reference: https://example.com/a\n192.0.2.1\n", Format::kMaltrail},
      {"list.txt", "192.0.2.1\nc2.example.com\n# comment\nhxxp://x[.]example.com/a\n",
       Format::kPlain},
      {"hashes.sha256", "ee29eb3980dff9034b1c539a799cedc1428224855e6d515d81da226448b81521\n",
       Format::kPlain},
      {"post.txt",
       "IOCs\nHashes:\nee29eb3980dff9034b1c539a799cedc1428224855e6d515d81da226448b81521\n",
       Format::kIocText},
      {"iocs.csv", "a;b\n1;2\n", Format::kCsv},
      {"export.txt", "Indicator,Type,Description\n192.0.2.1,IP,C2\n", Format::kCsv},
      {"README.adoc", "= X\n", Format::kTable},
      {"notes.txt", "| IP | Domain |\n|---|---|\n| 192.0.2.1 | a.example.com |\n", Format::kTable},
      {"e.json", "{\"Event\": {\"Attribute\": []}}", Format::kMisp},
      {"r.json", " \n{\"response\": [{\"Event\": {}}]}", Format::kMisp},
      {"a.json", "[{\"Event\": {}}]", Format::kMisp},
      {"g.json", "{\"type\": \"threat-actor\", \"uuid\": \"u\", \"values\": [{\"meta\": {}}]}",
       Format::kMispGalaxy},
      {"d.json", "{\"rrname\": \"a.example.com\", \"rrtype\": \"A\", \"rdata\": \"192.0.2.1\"}\n",
       Format::kPdns},
      {"result.json", "{\"name\": \"c\", \"type\": \"public_channel\", \"messages\": []}",
       Format::kTelegram},
      {"bundle.json",
       "{\"type\": \"bundle\", \"id\": \"bundle--44af6c39-c09b-49c5-9de2-394224b04982\", "
       "\"objects\": []}",
       Format::kStix},
      {"bom.txt",
       "\xEF\xBB\xBF"
       "192.0.2.1\n",
       Format::kPlain},
  };
  for (const auto& c : cases) {
    std::string path = dir.Write(c.name, c.content);
    Result<Format> f = DetectFormat(path);
    ASSERT_TRUE(f.ok()) << c.name << ": " << f.status().ToString();
    EXPECT_EQ(FormatName(*f), FormatName(c.expected)) << c.name;
  }
  dir.Write("feed/manifest.json", "{}");
  Result<Format> feed = DetectFormat(dir.path() + "/feed");
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(*feed, Format::kMispFeed);
  Result<Format> manifest = DetectFormat(dir.path() + "/feed/manifest.json");
  ASSERT_TRUE(manifest.ok());
  EXPECT_EQ(*manifest, Format::kMispFeed);
}

TEST(DetectFormatTest, RejectedInputsSayWhy) {
  TempDir dir;
  const struct {
    const char* name;
    std::string content;
    const char* reason;  // a part of the message
  } cases[] = {
      {"empty.txt", "", "empty"},
      {"blank.txt", "\n  \n", "empty"},
      {"utf16.txt",
       std::string("\xFF\xFE"
                   "1\0"
                   "9\0"
                   "2\0",
                   8),
       "UTF-16"},
      {"nul.bin", std::string(64, '\0'), "NUL"},
      {"other.json", "{\"hello\": \"world\"}", "not a format cotenant reads"},
      {"broken.json", "hello", "does not start with"},
  };
  for (const auto& c : cases) {
    std::string path = dir.Write(c.name, c.content);
    Result<Format> f = DetectFormat(path);
    ASSERT_FALSE(f.ok()) << c.name;
    EXPECT_NE(f.status().message().find(c.reason), std::string::npos)
        << c.name << ": " << f.status().message();
    EXPECT_NE(f.status().message().find(c.name), std::string::npos) << "names the input";
  }
  Result<Format> missing = DetectFormat(dir.path() + "/missing.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  fs::create_directories(dir.path() + "/plain_dir");
  EXPECT_FALSE(DetectFormat(dir.path() + "/plain_dir").ok());
}

TEST(ReadPathTest, WholeInputErrors) {
  TempDir dir;
  testing::RecordingSink sink;
  ReadOptions options;
  EXPECT_EQ(ReadPath(dir.path() + "/missing.txt", options, sink).code(), StatusCode::kNotFound);
  options.format = Format::kPlain;
  EXPECT_FALSE(ReadPath(dir.path(), options, sink).ok()) << "a directory is not a plain list";
  options.format = Format::kMispFeed;
  EXPECT_FALSE(ReadPath(dir.path(), options, sink).ok()) << "no manifest.json";
  options.format = Format::kCsv;
  std::string no_value = dir.Write("x.csv", "name,colour\na,b\n");
  Status s = ReadPath(no_value, options, sink);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no indicator column"), std::string::npos) << s.message();
  options.csv_columns = "value=3,bogus=1";
  EXPECT_FALSE(ReadPath(no_value, options, sink).ok()) << "unknown mapping key";
  EXPECT_TRUE(sink.observations.empty());
}

// Deep nesting is a whole-document error for every JSON reader, not a stack overflow.
TEST(HostileInputTest, DeeplyNestedJson) {
  std::string deep = "{\"Event\": " + std::string(200000, '[') + std::string(200000, ']') + "}";
  for (Format f : {Format::kMisp, Format::kMispGalaxy, Format::kTelegram, Format::kStix}) {
    testing::RecordingSink sink;
    ReadOptions options;
    Status s = readers::ReadBuffer(f, deep, "deep.json", options, sink);
    EXPECT_FALSE(s.ok()) << FormatName(f);
    EXPECT_NE(s.message().find("deep.json"), std::string::npos) << s.message();
  }
  // As pDNS lines: one rejection, the next line still read.
  std::string lines = std::string(100000, '[') + "\n" +
                      "{\"rrname\":\"a.example.com\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.1\"}\n";
  testing::RecordingSink sink;
  ASSERT_TRUE(readers::ReadBuffer(Format::kPdns, lines, "deep.jsonl", {}, sink).ok());
  EXPECT_EQ(sink.rejections.size(), 1u);
  EXPECT_EQ(sink.relationships.size(), 1u);
}

TEST(HostileInputTest, TruncatedJsonIsAnErrorNamingTheFile) {
  const std::string full =
      "{\"Event\": {\"Attribute\": [{\"type\": \"ip-dst\", \"value\": \"192.0.2.1\"}]}}";
  for (size_t cut : {size_t{1}, size_t{10}, full.size() / 2, full.size() - 1}) {
    testing::RecordingSink sink;
    Status s = readers::ReadBuffer(Format::kMisp, full.substr(0, cut), "cut.json", {}, sink);
    EXPECT_FALSE(s.ok()) << cut;
    EXPECT_NE(s.message().find("cut.json"), std::string::npos);
  }
  testing::RecordingSink sink;
  EXPECT_TRUE(readers::ReadBuffer(Format::kMisp, full, "full.json", {}, sink).ok());
  EXPECT_EQ(sink.observations.size(), 1u);
}

// A 24 MiB line is reported and skipped; memory stays bounded by the line cap, and the lines
// around it are read.
TEST(HostileInputTest, HugeSingleLine) {
  TempDir dir;
  std::string huge(24u << 20, 'a');
  for (Format f : {Format::kMaltrail, Format::kPlain, Format::kCsv, Format::kIocText,
                   Format::kTable, Format::kPdns}) {
    std::string head = f == Format::kCsv ? "indicator\n192.0.2.1\n" : "192.0.2.1\n";
    if (f == Format::kPdns)
      head = "{\"rrname\":\"a.example.com\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.1\"}\n";
    if (f == Format::kTable) head = "```\n192.0.2.1\n";
    std::string path = dir.Write("huge.txt", head + huge + "\n" + "192.0.2.2\n");
    testing::RecordingSink sink;
    ReadOptions options;
    options.format = f;
    ASSERT_TRUE(ReadPath(path, options, sink).ok()) << FormatName(f);
    ASSERT_GE(sink.rejections.size(), 1u) << FormatName(f);
    EXPECT_NE(sink.rejections[0].reason.find("longer than 1 MiB"), std::string::npos)
        << FormatName(f) << ": " << sink.rejections[0].reason;
    EXPECT_LE(sink.rejections[0].text.size(), 200u);
    size_t values = sink.observations.size() + sink.relationships.size();
    EXPECT_GE(values, f == Format::kPdns ? 1u : 2u) << FormatName(f);
  }
}

TEST(HostileInputTest, WrongEncodings) {
  TempDir dir;
  // Latin-1 in one line: that line is rejected, the rest is read.
  std::string latin1 =
      dir.Write("apt_x.txt", "# Reference: https://example.com\ncaf\xE9.example.com\n192.0.2.1\n");
  testing::RecordingSink sink;
  ASSERT_TRUE(ReadPath(latin1, {}, sink).ok());
  ASSERT_EQ(sink.rejections.size(), 1u);
  EXPECT_NE(sink.rejections[0].reason.find("UTF-8"), std::string::npos);
  EXPECT_EQ(sink.observations.size(), 1u);
  // UTF-16 as a whole: an error for line and JSON formats alike.
  std::string utf16(
      "\xFF\xFE"
      "1\0"
      "9\0"
      "2\0"
      ".\0"
      "0\0",
      12);
  for (Format f :
       {Format::kPlain, Format::kMaltrail, Format::kCsv, Format::kMisp, Format::kTelegram}) {
    std::string path = dir.Write("utf16.txt", utf16);
    ReadOptions options;
    options.format = f;
    testing::RecordingSink s16;
    Status s = ReadPath(path, options, s16);
    EXPECT_FALSE(s.ok()) << FormatName(f);
    EXPECT_NE(s.message().find("UTF-16"), std::string::npos) << s.message();
  }
  // NUL bytes inside a line do not end it early or crash.
  testing::RecordingSink nul;
  std::string with_nul("192.0.2.1\n192.0\0.2.2\n192.0.2.3\n", 30);
  ASSERT_TRUE(readers::ReadBuffer(Format::kPlain, with_nul, "nul.txt", {}, nul).ok());
  EXPECT_EQ(nul.observations.size(), 2u);
  EXPECT_EQ(nul.rejections.size(), 1u);
}

TEST(HostileInputTest, UnbalancedCsvQuoteDoesNotSwallowTheFile) {
  std::string csv = "indicator,description\n\"192.0.2.1,open quote\n";
  const std::string filler(200, 'x');
  for (int i = 0; i < 8000; ++i) csv += "192.0.2.2," + filler + "\n";
  testing::RecordingSink sink;
  ASSERT_TRUE(readers::ReadBuffer(Format::kCsv, csv, "q.csv", {}, sink).ok());
  ASSERT_GE(sink.rejections.size(), 1u);
  // The record is cut at 1 MiB; reading resumes after it.
  EXPECT_GT(sink.observations.size(), 2000u);
  EXPECT_LT(sink.observations.size(), 8000u);
}

TEST(HostileInputTest, MispWithWrongTypesEverywhere) {
  const char* json = R"({"Event": {"Attribute": 5, "Object": [1, "x", {"Attribute": {"a": 1}},
    {"Attribute": [{"type": 7, "value": []}, {"type": "ip-dst", "value": "192.0.2.9"}]}],
    "Tag": "tlp:red", "Galaxy": [{"type": "threat-actor", "GalaxyCluster": "x"}],
    "date": 12}})";
  testing::RecordingSink sink;
  ASSERT_TRUE(readers::ReadBuffer(Format::kMisp, json, "types.json", {}, sink).ok());
  ASSERT_EQ(sink.observations.size(), 1u);
  EXPECT_EQ(sink.observations[0].indicator.value, "192.0.2.9");
  // Attribute not an array, Object[0] and Object[1] not objects, Object[2].Attribute not an
  // array, Object[3].Attribute[0] without type or value, the date.
  EXPECT_EQ(sink.rejections.size(), 6u);
  for (const auto& r : sink.rejections) EXPECT_FALSE(r.location.json_path.empty());
}

}  // namespace
}  // namespace cotenant
