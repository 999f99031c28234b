// `cotenant match`, `snapshot` and `export` end to end through the binary: exit status,
// NDJSON on stdout, snapshot files, SIGHUP-free paths.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "testing.h"

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int status = -1;
  std::string out;
};

CliRun Cotenant(const std::string& args) {
  std::string cmd = std::string(COTENANT_BINARY) + " " + args + " 2>/dev/null";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

size_t Lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

class MatchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cotenant_match_cli_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "feed.txt") << "203.0.113.5\nhigan.org\n198.51.100.0/24\n";
    std::ofstream(dir_ / "allow.txt") << "# allowlist\n198.51.100.7\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string P(const std::string& name) { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(MatchCli, ExitStatusAndAlerts) {
  std::string logs = cotenant::testing::SourcePath("tests/golden/match/logs");
  CliRun hits =
      Cotenant("match --indicators " + P("feed.txt") + " --actor APT-T " + logs + "/conn.log");
  EXPECT_EQ(hits.status, 3);
  EXPECT_EQ(Lines(hits.out), 3u) << hits.out;  // 203.0.113.5, 198.51.100.200, ::ffff:198.51.100.7
  EXPECT_NE(hits.out.find("\"actors\":[\"APT-T\"]"), std::string::npos);

  CliRun allowed = Cotenant("match --indicators " + P("feed.txt") + " --allow " + P("allow.txt") +
                            " " + logs + "/conn.log");
  EXPECT_EQ(allowed.status, 3);
  EXPECT_EQ(Lines(allowed.out), 2u) << allowed.out;

  CliRun none = Cotenant("match --indicators " + P("feed.txt") + " " + logs + "/x509.log");
  EXPECT_EQ(none.status, 3);  // x509 san.ip 203.0.113.5
  CliRun quiet = Cotenant("match --indicators " + P("feed.txt") + " " + logs + "/ssl.log");
  EXPECT_EQ(quiet.status, 0);
  EXPECT_TRUE(quiet.out.empty());

  EXPECT_EQ(Cotenant("match --indicators " + P("feed.txt") + " " + P("missing.log")).status, 1);
  EXPECT_EQ(
      Cotenant("match --snapshot x.ctsnap --indicators " + P("feed.txt") + " " + logs + "/conn.log")
          .status,
      2);  // one source of indicators at a time
  EXPECT_EQ(Cotenant("match --indicators " + P("feed.txt") + " --format nope x").status, 2);
}

TEST_F(MatchCli, SnapshotBuildInfoAndMatchFromStdin) {
  CliRun build = Cotenant("snapshot build -o " + P("s.ctsnap") + " --indicators " + P("feed.txt"));
  ASSERT_EQ(build.status, 0);
  CliRun info = Cotenant("--json snapshot info " + P("s.ctsnap"));
  EXPECT_EQ(info.status, 0);
  EXPECT_NE(info.out.find("\"indicators\":3"), std::string::npos) << info.out;
  std::string eve = cotenant::testing::SourcePath("tests/golden/match/logs/eve.json");
  CliRun piped = Cotenant("match --snapshot " + P("s.ctsnap") + " - < " + eve);
  EXPECT_EQ(piped.status, 3);
  EXPECT_NE(piped.out.find("\"file\":\"-\""), std::string::npos);
  std::ofstream(P("bad.ctsnap")) << "not a snapshot";
  EXPECT_EQ(Cotenant("match --snapshot " + P("bad.ctsnap") + " " + eve).status, 1);
}

TEST_F(MatchCli, FromTheStore) {
  std::string db = P("store.db");
  ASSERT_EQ(Cotenant("--db " + db +
                     " ingest --format plain --actor APT-S --source team --role c2 --tlp amber " +
                     P("feed.txt"))
                .status,
            0);
  std::string logs = cotenant::testing::SourcePath("tests/golden/match/logs");
  CliRun r = Cotenant("--db " + db + " match " + logs + "/dns.log");
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.out.find("\"indicator\":\"higan.org\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"roles\":[\"c2\"]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"tlp\":\"amber\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"sources\":[\"team\"]"), std::string::npos) << r.out;
  ASSERT_EQ(Cotenant("--db " + db + " snapshot build -o " + P("from-store.ctsnap")).status, 0);
  CliRun info = Cotenant("--json snapshot info " + P("from-store.ctsnap"));
  EXPECT_NE(info.out.find("\"indicators\":3"), std::string::npos) << info.out;
  EXPECT_EQ(Cotenant("--db " + P("absent.db") + " match " + logs + "/dns.log").status, 1);
}

TEST_F(MatchCli, Exports) {
  ASSERT_EQ(
      Cotenant("export zeek-intel --indicators " + P("feed.txt") + " -o " + P("intel.dat")).status,
      0);
  std::string intel = cotenant::testing::ReadFile(P("intel.dat"));
  EXPECT_NE(intel.find("higan.org\tIntel::DOMAIN"), std::string::npos);
  EXPECT_NE(intel.find("198.51.100.0/24\tIntel::SUBNET"), std::string::npos);
  ASSERT_EQ(
      Cotenant("export suricata --indicators " + P("feed.txt") + " -o " + P("suricata")).status, 0);
  EXPECT_TRUE(fs::exists(P("suricata/cotenant.rules")));
  EXPECT_TRUE(fs::exists(P("suricata/cotenant-ipv4.lst")));
  EXPECT_TRUE(fs::exists(P("suricata/cotenant-domains.lst")));
}

}  // namespace
