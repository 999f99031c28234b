// End-to-end tests of `cotenant ingest`, `lookup`, `stats` and `actors`: run the built binary
// on the small files in tests/data/store/ against a temporary store.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.h"
#include "testing.h"

namespace cotenant {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunCotenant;
using testing::RunResult;
using testing::SourcePath;
using testing::TempDir;

std::string Data(const std::string& name) { return SourcePath("tests/data/store/" + name); }

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(StoreCli, IngestIsIdempotentAndSummarisesRejections) {
  TempDir dir;
  const std::string db = dir.Path("c.db");
  RunResult first = RunCotenant(
      {"--db", db, "ingest", Data("galaxy-threat-actor.json"), Data("vendor-a.csv")}, dir);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_TRUE(Has(first.out, "inputs: 2 ingested")) << first.out;
  EXPECT_TRUE(Has(first.out, "observations: 4 new")) << first.out;
  EXPECT_TRUE(Has(first.out, "actor records: 4")) << first.out;
  EXPECT_TRUE(Has(first.out, "rejected records: 1")) << first.out;
  EXPECT_TRUE(Has(first.out, "vendor-a.csv:6")) << first.out;  // file and line of the bad row

  RunResult again = RunCotenant(
      {"--db", db, "ingest", Data("galaxy-threat-actor.json"), Data("vendor-a.csv")}, dir);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(Has(again.out, "0 ingested, 2 skipped")) << again.out;

  RunResult strict =
      RunCotenant({"--db", dir.Path("strict.db"), "ingest", "--strict", Data("vendor-a.csv")}, dir);
  EXPECT_EQ(strict.exit_code, 3) << strict.out << strict.err;

  RunResult json = RunCotenant({"--db", db, "--json", "stats"}, dir);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_TRUE(Has(json.out, "\"observations\":4")) << json.out;
  EXPECT_TRUE(Has(json.out, "\"ambiguous_names\":1")) << json.out;
}

TEST(StoreCli, LookupAcceptsDefangedInputAndShowsBothSources) {
  TempDir dir;
  const std::string db = dir.Path("c.db");
  ASSERT_EQ(RunCotenant(
                {"--db", db, "ingest", Data("galaxy-threat-actor.json"), Data("vendor-a.csv")}, dir)
                .exit_code,
            0);
  RunResult plain = RunCotenant({"--db", db, "ingest", "--format", "plain", "--source", "vendor-b",
                                 "--actor", "APT28", "--role", "c2", Data("vendor-b.txt")},
                                dir);
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;

  RunResult r = RunCotenant({"--db", db, "lookup", "203.0.113[.]5"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "observations (2)")) << r.out;
  EXPECT_TRUE(Has(r.out, "APT28 (as \"Fancy Bear\")")) << r.out;
  EXPECT_TRUE(Has(r.out, "source vendor-a")) << r.out;
  EXPECT_TRUE(Has(r.out, "source vendor-b")) << r.out;

  RunResult json = RunCotenant({"--db", db, "--json", "lookup", "hxxp://c2[.]test/gate.php"}, dir);
  EXPECT_EQ(json.exit_code, 0) << json.out << json.err;
  EXPECT_TRUE(Has(json.out, "\"type\":\"url\"")) << json.out;

  RunResult missing = RunCotenant({"--db", db, "lookup", "192.0.2.250"}, dir);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(Has(missing.out, "nothing about ipv4 192.0.2.250")) << missing.out;

  RunResult garbage = RunCotenant({"--db", db, "lookup", "not a value at all"}, dir);
  EXPECT_EQ(garbage.exit_code, 2);
}

TEST(StoreCli, ActorsExplainAmbiguityAndOverridesReResolve) {
  TempDir dir;
  const std::string db = dir.Path("c.db");
  ASSERT_EQ(RunCotenant(
                {"--db", db, "ingest", Data("galaxy-threat-actor.json"), Data("vendor-a.csv")}, dir)
                .exit_code,
            0);
  RunResult gs = RunCotenant({"--db", db, "actors", "Grizzly Steppe"}, dir);
  ASSERT_EQ(gs.exit_code, 0) << gs.err;
  EXPECT_TRUE(Has(gs.out, "(ambiguous")) << gs.out;
  EXPECT_TRUE(Has(gs.out, "misp-galaxy:threat-actor")) << gs.out;

  RunResult member = RunCotenant({"--db", db, "actors", "silent chollima"}, dir);
  EXPECT_TRUE(Has(member.out, "resolves to Andariel (group")) << member.out;
  EXPECT_TRUE(Has(member.out, "part of: Lazarus Group")) << member.out;

  RunResult list = RunCotenant({"--db", db, "actors"}, dir);
  EXPECT_TRUE(Has(list.out, "claimed by: APT28, APT29")) << list.out;

  RunResult set = RunCotenant({"--db", db, "actors", "--overrides", Data("overrides.txt")}, dir);
  ASSERT_EQ(set.exit_code, 0) << set.err;
  RunResult after = RunCotenant({"--db", db, "actors", "Grizzly Steppe"}, dir);
  EXPECT_TRUE(Has(after.out, "resolves to APT29 (group")) << after.out;
  EXPECT_TRUE(Has(after.out, "override line 2")) << after.out;
  RunResult lookup = RunCotenant({"--db", db, "lookup", "198.51.100.7"}, dir);
  EXPECT_TRUE(Has(lookup.out, "APT29 (as \"Grizzly Steppe\")")) << lookup.out;

  std::ofstream(dir.Path("bad.txt")) << "# fine\nthis line has no equals sign\n";
  RunResult bad = RunCotenant({"--db", db, "actors", "--overrides", dir.Path("bad.txt")}, dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Has(bad.err, "bad.txt:2")) << bad.err;
}

TEST(StoreCli, UsageAndMissingInputs) {
  TempDir dir;
  EXPECT_EQ(RunCotenant({"--db", dir.Path("c.db"), "ingest"}, dir).exit_code, 2);
  EXPECT_EQ(RunCotenant(
                {"--db", dir.Path("c.db"), "ingest", "--format", "nope", Data("vendor-b.txt")}, dir)
                .exit_code,
            2);
  RunResult missing =
      RunCotenant({"--db", dir.Path("c.db"), "ingest", dir.Path("absent.txt")}, dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(Has(missing.err, "absent.txt")) << missing.err;
  // Nothing readable at all: exit 1.
  std::ofstream(dir.Path("junk.json")) << "{\"neither\": \"stix nor misp\"}";
  EXPECT_EQ(RunCotenant({"--db", dir.Path("c.db"), "ingest", dir.Path("junk.json")}, dir).exit_code,
            1);
  // Reading commands on a store that does not exist fail cleanly.
  RunResult stats = RunCotenant({"--db", dir.Path("none.db"), "stats"}, dir);
  EXPECT_EQ(stats.exit_code, 1);
  EXPECT_TRUE(Has(stats.err, "does not exist")) << stats.err;
  for (const char* cmd : {"ingest", "lookup", "stats", "actors"}) {
    RunResult help = RunCotenant({cmd, "--help"}, dir);
    EXPECT_EQ(help.exit_code, 0) << cmd;
    EXPECT_TRUE(Has(help.out, "Example")) << cmd << ": " << help.out;
  }
}

int64_t QueryInt(const std::string& db_path, const char* sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  sqlite3_stmt* stmt = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    v = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return v;
}

std::string QueryText(const std::string& db_path, const char* sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        out += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        out += "\n";
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

// kill -9 in the middle of a large ingest: the store opens, passes integrity_check, and holds
// all or nothing of that file (here: nothing, since it was killed before the commit).
TEST(StoreCli, KillNineMidIngestLeavesAConsistentStore) {
  TempDir dir;
  const std::string db = dir.Path("k.db");
  // A first, small file committed before the kill must survive it.
  ASSERT_EQ(RunCotenant({"--db", db, "ingest", Data("vendor-a.csv")}, dir).exit_code, 0);
  const int64_t before = QueryInt(db, "SELECT count(*) FROM observations");
  ASSERT_EQ(before, 4);

  constexpr int kLines = 250'000;
  const std::string big = dir.Path("big.txt");
  {
    std::ofstream out(big);
    for (int i = 0; i < kLines; ++i) {
      out << "10." << (i >> 16) % 256 << "." << (i >> 8) % 256 << "." << i % 256 << "\n";
    }
  }
  // Kill once the ingest is well into the file: after 2 s (the debug build needs several
  // seconds for the file), or as soon as its pages spill into the WAL.
  bool killed = false;
  for (int attempt = 0; attempt < 3 && !killed; ++attempt) {
    pid_t pid = fork();
    if (pid == 0) {
      freopen("/dev/null", "w", stdout);
      freopen("/dev/null", "w", stderr);
      std::string binary = COTENANT_BINARY;
      execl(binary.c_str(), binary.c_str(), "--db", db.c_str(), "ingest", "--format", "plain",
            "--actor", "Big Group", "--source", "big", big.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::minutes(5)) {
      std::error_code ec;
      auto wal = fs::file_size(db + "-wal", ec);
      if (!ec && wal > 1'000'000) break;
      if (std::chrono::steady_clock::now() - start > std::chrono::seconds(2)) break;
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (pid > 0) {
      kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
      killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    } else {
      // The ingest finished before we could kill it (a very fast machine): start over.
      fs::remove(db);
      fs::remove(db + "-wal");
      fs::remove(db + "-shm");
      ASSERT_EQ(RunCotenant({"--db", db, "ingest", Data("vendor-a.csv")}, dir).exit_code, 0);
    }
  }
  ASSERT_TRUE(killed) << "could not kill the ingest mid-way";

  EXPECT_EQ(QueryText(db, "PRAGMA integrity_check"), "ok\n");
  const int64_t after = QueryInt(db, "SELECT count(*) FROM observations");
  const int64_t big_rows =
      QueryInt(db,
               "SELECT count(*) FROM observations o JOIN sources s ON s.id = o.source_id "
               "WHERE s.name = 'big'");
  // All or nothing of the big file; everything committed before stays.
  EXPECT_TRUE(big_rows == 0 || big_rows == kLines) << big_rows;
  EXPECT_EQ(after, before + big_rows);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM ingests WHERE path LIKE '%big.txt'"),
            big_rows == 0 ? 0 : 1);
  // The store is usable: the same file ingests completely afterwards.
  RunResult resumed = RunCotenant(
      {"--db", db, "ingest", "--format", "plain", "--actor", "Big Group", "--source", "big", big},
      dir);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM observations"), before + kLines);
  EXPECT_EQ(QueryText(db, "PRAGMA integrity_check"), "ok\n");
}

}  // namespace
}  // namespace cotenant
