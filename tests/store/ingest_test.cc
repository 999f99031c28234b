// IngestPaths with a fake line reader, so the orchestration (walking, hashing, skipping,
// rollback of failed files, --partial, rejection summary) is tested apart from real readers.
#include "cotenant/ingest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store_testing.h"

namespace cotenant {
namespace {

using testing::Obs;
using testing::TempDir;

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// One IPv4 per line; "BAD" lines are rejected; a line "FAIL" makes the whole input fail.
Status FakeRead(const std::string& path, const ReadOptions& options, IngestSink& sink) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open " + path);
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line == "FAIL") return InvalidArgument(path + ":" + std::to_string(n) + ": truncated");
    if (line == "BAD") {
      sink.OnRejection({{path, n, ""}, "`" + line + "` is not an indicator", line});
      continue;
    }
    if (line.starts_with("999.")) {  // the reason leads with the value, as the parsers write it
      sink.OnRejection({{path, n, ""}, "`" + line + "`: octet 999 out of range", line});
      continue;
    }
    Observation o = Obs(IndicatorType::kIpv4, line, options.actor,
                        options.source.empty() ? "fake" : options.source);
    o.location = {path, n, ""};
    sink.OnObservation(std::move(o));
  }
  return Status::Ok();
}

TEST(IngestPaths, WalksDirectoriesInOrderSkipsHiddenFilesAndKnownContent) {
  TempDir dir;
  Write(dir.Path("feeds/b.txt"), "192.0.2.2\n");
  Write(dir.Path("feeds/a.txt"), "192.0.2.1\n");
  Write(dir.Path("feeds/sub/c.txt"), "192.0.2.3\nBAD\n999.0.2.1\n999.0.2.2\n");
  Write(dir.Path("feeds/.hidden"), "192.0.2.99\n");
  auto inputs = ListInputs({dir.Path("feeds")});
  ASSERT_TRUE(inputs.ok());
  ASSERT_EQ(inputs->size(), 3u);
  EXPECT_EQ((*inputs)[0], dir.Path("feeds/a.txt"));
  EXPECT_EQ((*inputs)[2], dir.Path("feeds/sub/c.txt"));

  auto store = OpenSqliteStore(dir.Path("s.db"));
  ASSERT_TRUE(store.ok());
  IngestOptions options;
  options.read.actor = "APT-X";
  auto first = IngestPaths(**store, {dir.Path("feeds")}, options, FakeRead);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->totals.observations, 3);
  EXPECT_EQ(first->rejected.at("`...` is not an indicator"), 1);
  EXPECT_EQ(first->rejected.at("octet 999 out of range"), 2);  // the values elided, counted once
  ASSERT_EQ(first->sample_rejections.size(), 3u);
  EXPECT_EQ(first->sample_rejections[0].location.ToString(), dir.Path("feeds/sub/c.txt") + ":2");

  // Same content again: every input skipped, nothing added.
  auto second = IngestPaths(**store, {dir.Path("feeds")}, options, FakeRead);
  ASSERT_TRUE(second.ok());
  for (const auto& in : second->inputs) EXPECT_EQ(in.outcome, InputOutcome::kSkipped) << in.path;
  EXPECT_EQ((*store)->Stats()->observations, 3);
  EXPECT_EQ((*store)->Stats()->ingests, 3);
}

TEST(IngestPaths, FailedFileIsRolledBackWholeUnlessPartial) {
  TempDir dir;
  Write(dir.Path("good.txt"), "192.0.2.1\n");
  Write(dir.Path("broken.txt"), "192.0.2.2\n192.0.2.3\nFAIL\n192.0.2.4\n");
  auto store = OpenSqliteStore(dir.Path("s.db"));
  ASSERT_TRUE(store.ok());
  auto summary = IngestPaths(**store, {dir.Path("good.txt"), dir.Path("broken.txt")}, {}, FakeRead);
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->inputs.size(), 2u);
  EXPECT_EQ(summary->inputs[0].outcome, InputOutcome::kIngested);
  EXPECT_EQ(summary->inputs[1].outcome, InputOutcome::kFailed);
  EXPECT_NE(summary->inputs[1].error.message().find("broken.txt:3"), std::string::npos);
  EXPECT_EQ(summary->failed_inputs, 1u);
  EXPECT_EQ((*store)->Stats()->observations, 1);
  EXPECT_FALSE((*store)->Lookup({IndicatorType::kIpv4, "192.0.2.2", ""}).ok());

  IngestOptions partial;
  partial.partial = true;
  auto kept = IngestPaths(**store, {dir.Path("broken.txt")}, partial, FakeRead);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->inputs[0].outcome, InputOutcome::kPartial);
  EXPECT_EQ((*store)->Stats()->observations, 3);
  // A partial ingest does not mark the content done: it is tried again (and adds nothing new).
  auto again = IngestPaths(**store, {dir.Path("broken.txt")}, partial, FakeRead);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->inputs[0].outcome, InputOutcome::kPartial);
  EXPECT_EQ(again->inputs[0].counts.duplicate_observations, 2);
}

TEST(IngestPaths, MissingPathIsAnErrorNamingIt) {
  TempDir dir;
  auto store = OpenSqliteStore(dir.Path("s.db"));
  ASSERT_TRUE(store.ok());
  auto r = IngestPaths(**store, {dir.Path("nope.txt")}, {}, FakeRead);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope.txt"), std::string::npos);
}

TEST(IngestPaths, MispFeedDirectoryIsOneInputHashedByContent) {
  TempDir dir;
  Write(dir.Path("feed/manifest.json"), "{}");
  Write(dir.Path("feed/e1.json"), "{\"Event\":{}}");
  auto inputs = ListInputs({dir.path()});
  ASSERT_TRUE(inputs.ok());
  ASSERT_EQ(inputs->size(), 1u);
  EXPECT_EQ((*inputs)[0], dir.Path("feed"));
  auto h1 = Sha256OfInput(dir.Path("feed"));
  ASSERT_TRUE(h1.ok());
  Write(dir.Path("feed/e2.json"), "{\"Event\":{}}");
  auto h2 = Sha256OfInput(dir.Path("feed"));
  ASSERT_TRUE(h2.ok());
  EXPECT_NE(*h1, *h2);
  EXPECT_EQ(h2->size(), 64u);
}

TEST(IngestPaths, ProgressReportsEveryInput) {
  TempDir dir;
  Write(dir.Path("a.txt"), "192.0.2.1\n");
  Write(dir.Path("b.txt"), "192.0.2.2\n");
  auto store = OpenSqliteStore(dir.Path("s.db"));
  ASSERT_TRUE(store.ok());
  std::vector<IngestProgress> seen;
  IngestOptions options;
  options.progress = [&](const IngestProgress& p) { seen.push_back(p); };
  ASSERT_TRUE(IngestPaths(**store, {dir.Path("a.txt"), dir.Path("b.txt")}, options, FakeRead).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen.back().input_count, 2u);
  EXPECT_EQ(seen.back().bytes_done, seen.back().bytes_total);
}

}  // namespace
}  // namespace cotenant
