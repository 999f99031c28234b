// `cotenant token add|list|revoke` through the built binary: tokens read only unless given
// --ingest, the permission shows in both outputs, and the secret is printed once.
#include <gtest/gtest.h>

#include <string>

#include "cli_runner.h"
#include "testing.h"

namespace cotenant {
namespace {

using testing::RunCotenant;
using testing::RunResult;
using testing::TempDir;

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(TokenCli, ReadOnlyByDefaultIngestWhenAsked) {
  TempDir dir;
  const std::string tokens = dir.Path("t.tokens");
  RunResult reader = RunCotenant(
      {"token", "--tokens", tokens, "add", "soc", "--org", "ACME", "--tlp", "amber"}, dir);
  ASSERT_EQ(reader.exit_code, 0) << reader.err;
  EXPECT_TRUE(reader.out.starts_with("ctk_")) << reader.out;
  EXPECT_TRUE(Has(reader.err, "read-only")) << reader.err;

  RunResult feeder = RunCotenant({"--json", "token", "--tokens", tokens, "add", "feed-bot", "--org",
                                  "ACME", "--tlp", "green", "--ingest"},
                                 dir);
  ASSERT_EQ(feeder.exit_code, 0) << feeder.err;
  EXPECT_TRUE(Has(feeder.out, "\"can_ingest\":true")) << feeder.out;

  RunResult list = RunCotenant({"token", "--tokens", tokens, "list"}, dir);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Has(list.out, "soc\tACME\tTLP:amber\tread-only")) << list.out;
  EXPECT_TRUE(Has(list.out, "feed-bot\tACME\tTLP:green\tingest")) << list.out;
  EXPECT_FALSE(Has(list.out, reader.out.substr(4, 20))) << "the secret is never listed";

  RunResult json = RunCotenant({"--json", "token", "--tokens", tokens, "list"}, dir);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_TRUE(Has(json.out,
                  "\"name\":\"soc\",\"organisation\":\"ACME\",\"clearance\":\"amber\","
                  "\"created\":"))
      << json.out;
  EXPECT_TRUE(Has(json.out, "\"can_ingest\":false")) << json.out;
  EXPECT_TRUE(Has(json.out, "\"can_ingest\":true")) << json.out;

  RunResult help = RunCotenant({"token", "add", "--help"}, dir);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(Has(help.out, "--ingest")) << help.out;
}

}  // namespace
}  // namespace cotenant
