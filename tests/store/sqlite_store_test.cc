#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "cotenant/store.h"
#include "store/indicator_key.h"
#include "store/observation_key.h"
#include "store/schema.h"
#include "store_testing.h"

namespace cotenant {
namespace {

using testing::Naming;
using testing::Obs;
using testing::TempDir;

std::unique_ptr<Store> OpenOk(const std::string& path, StoreOptions options = {}) {
  auto s = OpenSqliteStore(path, options);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

struct Scanned {
  std::vector<ObservationRow> rows;  // views cleared
  std::vector<std::string> values;
  std::vector<std::string> actor_names;
  std::vector<std::string> references;
};

ObservationQuery Query(IngestId after_ingest = 0, std::vector<IndicatorId> ids = {},
                       ObservationOrder order = ObservationOrder::kStorage, size_t batch = 4096,
                       bool named_only = false) {
  ObservationQuery q;
  q.after_ingest = after_ingest;
  q.indicator_ids = std::move(ids);
  q.order = order;
  q.batch_size = batch;
  q.named_actor_only = named_only;
  return q;
}

Scanned ScanAll(Store& store, ObservationQuery q = {}) {
  Scanned out;
  Status st = store.ScanObservations(q, [&](std::span<const ObservationRow> rows) {
    for (const auto& r : rows) {
      out.values.emplace_back(r.value);
      out.actor_names.emplace_back(r.actor_name);
      out.references.emplace_back(r.references);
      ObservationRow c = r;
      c.value = c.actor_name = c.references = c.basis = {};
      out.rows.push_back(c);
    }
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

// Writes records through one batch and commits.
IngestCounts Ingest(Store& store, const std::string& sha, const std::vector<Observation>& obs,
                    const std::vector<ActorRecord>& actors = {}) {
  auto batch = store.BeginIngest({"file-" + sha, sha, "test"});
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  if (!batch.ok()) return {};
  for (auto a : actors) (*batch)->OnActor(std::move(a));
  for (auto o : obs) (*batch)->OnObservation(std::move(o));
  Status st = (*batch)->Commit();
  EXPECT_TRUE(st.ok()) << st.ToString();
  return (*batch)->counts();
}

TEST(SqliteStore, MigratesFromEmptyAndReopens) {
  TempDir dir;
  const std::string path = dir.Path("sub/dir/store.db");  // parent directories are created
  {
    auto store = OpenOk(path);
    ASSERT_NE(store, nullptr);
    auto stats = store->Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->schema_version, store::LatestSchemaVersion());
    EXPECT_EQ(stats->observations, 0);
  }
  auto again = OpenOk(path);
  ASSERT_NE(again, nullptr);
  auto read_only = OpenOk(path, {.read_only = true});
  ASSERT_NE(read_only, nullptr);
  EXPECT_EQ(read_only->BeginIngest({"x", "y", "z"}).status().code(), StatusCode::kUnsupported);
}

TEST(SqliteStore, RefusesNewerSchemaMissingFileAndNonDatabase) {
  TempDir dir;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.Path("future.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto future = OpenSqliteStore(dir.Path("future.db"));
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(future.status().message().find("999"), std::string::npos);

  auto missing = OpenSqliteStore(dir.Path("missing.db"), {.read_only = true});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  std::ofstream(dir.Path("text.db")) << "this is not a database, just some text\n";
  auto text = OpenSqliteStore(dir.Path("text.db"));
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kCorruption);
  EXPECT_NE(text.status().message().find("text.db"), std::string::npos);
}

TEST(SqliteStore, SameRecordsTwiceAddNothing) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  std::vector<Observation> obs = {
      Obs(IndicatorType::kIpv4, "203.0.113.5", "APT28", "feed-a"),
      Obs(IndicatorType::kDomain, "c2.example", "APT28", "feed-a"),
      Obs(IndicatorType::kDomain, "c2.example", "APT28", "feed-a"),  // repeated in the file
  };
  IngestCounts first = Ingest(*store, "sha-1", obs);
  EXPECT_EQ(first.observations, 2);
  EXPECT_EQ(first.duplicate_observations, 1);
  // Same records from a changed file (new hash): all already known.
  IngestCounts second = Ingest(*store, "sha-2", obs);
  EXPECT_EQ(second.observations, 0);
  EXPECT_EQ(second.duplicate_observations, 3);
  EXPECT_EQ(ScanAll(*store).rows.size(), 2u);
  auto found = store->FindIngest("sha-1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->file.path, "file-sha-1");
  EXPECT_EQ((*found)->counts.observations, 2);
  EXPECT_FALSE(store->FindIngest("sha-3")->has_value());
}

std::vector<std::string> QueryRows(const std::string& path, const std::string& sql);

// Stored hashes must never change: these values are in stores on disk.
TEST(IndicatorKey, IsStableAndSeparatesNearbyStrings) {
  EXPECT_EQ(store::IndicatorKey(IndicatorType::kIpv4, "203.0.113.5"), 3983223454594083747u);
  EXPECT_EQ(store::IndicatorKey(IndicatorType::kDomain, "c2.example"), 758530032623213079u);
  EXPECT_EQ(store::IndicatorKey(IndicatorType::kSha256,
                                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            3004155770719842416u);
  EXPECT_EQ(store::IndicatorKey(IndicatorType::kDomain, ""), 3273328518251803535u);
  // Every length around the 8-byte words, every prefix, a byte changed at every position, and
  // the same text under another type: all distinct, all within 62 bits and non-zero.
  std::set<uint64_t> seen;
  std::string text = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (size_t n = 0; n <= text.size(); ++n) {
    std::string prefix = text.substr(0, n);
    EXPECT_TRUE(seen.insert(store::IndicatorKey(IndicatorType::kDomain, prefix)).second) << n;
    EXPECT_TRUE(seen.insert(store::IndicatorKey(IndicatorType::kUrl, prefix)).second) << n;
    for (size_t i = 0; i < n; ++i) {
      std::string changed = prefix;
      changed[i] ^= 1;
      EXPECT_TRUE(seen.insert(store::IndicatorKey(IndicatorType::kDomain, changed)).second)
          << n << " " << i;
    }
  }
  for (uint64_t h : seen) {
    EXPECT_NE(h, 0u);
    EXPECT_LT(h, uint64_t{1} << 62);
  }
}

// Large batches are written with multi-row INSERTs in hash order: counts, duplicates inside
// and across batches, and hash collisions (a row planted at a value's hash slot) must come out
// exactly as with one row at a time. Ids are given in insertion order, above the planted ones.
TEST(SqliteStore, ManyRowsWithDuplicatesAndHashCollisions) {
  TempDir dir;
  const std::string path = dir.Path("s.db");
  auto store = OpenOk(path);
  ASSERT_NE(store, nullptr);
  auto ip = [](int k) { return "10.0." + std::to_string(k / 256) + "." + std::to_string(k % 256); };
  // Occupy the hash slots of two values (and the slot after the first) with other values.
  const int64_t slot7 = static_cast<int64_t>(store::IndicatorKey(IndicatorType::kIpv4, ip(7)));
  const int64_t slot900 = static_cast<int64_t>(store::IndicatorKey(IndicatorType::kIpv4, ip(900)));
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::string sql = "INSERT INTO indicators(id, hash, type, value) VALUES(10, " +
                      std::to_string(slot7) + ", 'ipv4', '198.51.100.1'), (20, " +
                      std::to_string(store::NextIndicatorSlot(slot7)) +
                      ", 'ipv4', '198.51.100.2'), (30, " + std::to_string(slot900) +
                      ", 'domain', '" + ip(900) + "')";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  std::vector<Observation> obs;
  for (int k = 0; k < 1000; ++k) {
    obs.push_back(Obs(IndicatorType::kIpv4, ip(k), "APT28", "feed-a"));
    if (k % 10 == 0) obs.push_back(Obs(IndicatorType::kIpv4, ip(k), "APT28", "feed-a"));
  }
  IngestCounts first = Ingest(*store, "sha-1", obs);
  EXPECT_EQ(first.observations, 1000);
  EXPECT_EQ(first.duplicate_observations, 100);

  // Half known, half new, and one known value from another source (a new observation).
  std::vector<Observation> more;
  for (int k = 500; k < 1500; ++k)
    more.push_back(Obs(IndicatorType::kIpv4, ip(k), "APT28", "feed-a"));
  more.push_back(Obs(IndicatorType::kIpv4, ip(7), "APT28", "feed-b"));
  IngestCounts second = Ingest(*store, "sha-2", more);
  EXPECT_EQ(second.observations, 501);
  EXPECT_EQ(second.duplicate_observations, 500);

  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->indicators, 1500 + 3);
  EXPECT_EQ(stats->observations, 1501);
  auto seven = store->Lookup({IndicatorType::kIpv4, ip(7), ""});
  ASSERT_TRUE(seven.ok()) << seven.status().ToString();
  EXPECT_EQ(seven->observations.size(), 2u);
  auto nine_hundred = store->Lookup({IndicatorType::kIpv4, ip(900), ""});
  ASSERT_TRUE(nine_hundred.ok()) << nine_hundred.status().ToString();
  EXPECT_EQ(nine_hundred->observations.size(), 1u);
  auto hash_of = [&](int64_t id) {
    return QueryRows(path, "SELECT hash FROM indicators WHERE id = " + std::to_string(id));
  };
  EXPECT_EQ(hash_of(seven->id), std::vector<std::string>{std::to_string(
                                    store::NextIndicatorSlot(store::NextIndicatorSlot(slot7)))});
  EXPECT_EQ(hash_of(nine_hundred->id),
            std::vector<std::string>{std::to_string(store::NextIndicatorSlot(slot900))});
  // New values got ids above the planted ones (31 on), the second ingest's above the first's.
  EXPECT_EQ(QueryRows(path, "SELECT min(id), count(*) FROM indicators WHERE id > 30"),
            std::vector<std::string>{"31|1500"});
  EXPECT_EQ(QueryRows(path,
                      "SELECT (SELECT max(indicator_id) FROM observations WHERE ingest_id = 1) < "
                      "(SELECT min(indicator_id) FROM observations WHERE ingest_id = 2 AND "
                      "indicator_id NOT IN (SELECT indicator_id FROM observations WHERE "
                      "ingest_id = 1))"),
            std::vector<std::string>{"1"});
  // Every stored observation points at the indicator with its value.
  Scanned all = ScanAll(*store);
  ASSERT_EQ(all.rows.size(), 1501u);
  std::set<std::string> values(all.values.begin(), all.values.end());
  EXPECT_EQ(values.size(), 1500u);
  EXPECT_FALSE(values.contains("198.51.100.1"));
}

// Runs SQL on the store file through a second connection (for planting rows and reading
// columns the Store interface does not show).
void ExecSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err != nullptr ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

// Each row of a query as its columns joined by '|' (NULL as "NULL").
std::vector<std::string> QueryRows(const std::string& path, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      if (c > 0) row += '|';
      const unsigned char* text = sqlite3_column_text(st, c);
      row += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
    }
    out.push_back(row);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// An observation's natural key is its indicator id plus a 63-bit hash of the rest; two keys of
// one indicator with the same hash must both be stored (the later one probing to the next free
// slot) and still deduplicate exactly, in multi-row groups and across ingests.
TEST(SqliteStore, ObservationKeyHashCollisionsAreResolvedExactly) {
  TempDir dir;
  const std::string path = dir.Path("s.db");
  auto store = OpenOk(path);
  ASSERT_NE(store, nullptr);
  const std::string value = "198.51.100.20";
  Ingest(*store, "setup",
         {Obs(IndicatorType::kIpv4, value, "", "feed-a"),
          Obs(IndicatorType::kIpv4, "198.51.100.21", "", "feed-b")});
  auto indicator_ids = QueryRows(path, "SELECT id FROM indicators WHERE value = '" + value + "'");
  ASSERT_EQ(indicator_ids.size(), 1u);
  const int64_t indicator = std::stoll(indicator_ids[0]);
  auto ids = QueryRows(path, "SELECT id FROM sources WHERE name = 'feed-b'");
  ASSERT_EQ(ids.size(), 1u);
  store::ObservationKeyFields wanted;  // feed-b, no actor, role unknown, no dates or lists
  wanted.source_id = std::stoll(ids[0]);
  wanted.role = store::RoleCode(Role::kUnknown);
  const int64_t home = store::ObservationKeyHash(wanted);
  const int64_t next = store::NextObservationKeySlot(home);
  // Two other observations of the same value (feed-a, other first-seen times) occupy the slot
  // of the feed-b observation's hash and the slot after it.
  ExecSql(path,
          "INSERT INTO observations(ingest_id, indicator_id, key_hash, role, source_id, "
          "first_seen, tlp, exact) SELECT 1, " +
              std::to_string(indicator) + ", " + std::to_string(home) +
              ", 0, id, 111, -1, 1 FROM sources WHERE name = 'feed-a'; "
              "INSERT INTO observations(ingest_id, indicator_id, key_hash, role, source_id, "
              "first_seen, tlp, exact) SELECT 1, " +
              std::to_string(indicator) + ", " + std::to_string(next) +
              ", 0, id, 222, -1, 1 FROM sources WHERE name = 'feed-a'");
  std::vector<Observation> batch;
  for (int k = 0; k < 40; ++k) {
    batch.push_back(Obs(IndicatorType::kIpv4, "192.0.2." + std::to_string(k), "", "feed-b"));
  }
  batch.push_back(Obs(IndicatorType::kIpv4, value, "", "feed-b"));
  batch.push_back(Obs(IndicatorType::kIpv4, value, "", "feed-b"));  // a duplicate in the file
  batch.push_back(Obs(IndicatorType::kIpv4, value, "", "feed-a"));  // stored by "setup"
  IngestCounts first = Ingest(*store, "collide", batch);
  EXPECT_EQ(first.observations, 41);
  EXPECT_EQ(first.duplicate_observations, 2);
  EXPECT_EQ(QueryRows(path, "SELECT key_hash - " + std::to_string(home) +
                                " FROM observations o JOIN sources s ON s.id = o.source_id "
                                "WHERE s.name = 'feed-b' AND o.indicator_id = " +
                                std::to_string(indicator)),
            std::vector<std::string>{"2"});
  auto found = store->Lookup({IndicatorType::kIpv4, value, ""});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->observations.size(), 4u);  // feed-a, the two planted rows, feed-b
  // The same records again (another file): all duplicates, found past the occupied slots.
  IngestCounts again = Ingest(*store, "collide-again", batch);
  EXPECT_EQ(again.observations, 0);
  EXPECT_EQ(again.duplicate_observations, 43);
  EXPECT_EQ(store->Stats()->observations, 2 + 2 + 41);
}

// Stores of schema version 1 (role and tlp as text, an eight-expression natural-key index) are
// migrated with their data: the same observations with the same ids, and the same
// deduplication against what a later ingest brings.
TEST(SqliteStore, MigratesAVersion1StoreWithItsObservations) {
  TempDir dir;
  const std::string path = dir.Path("v1.db");
  // Version 1's ids were FNV-1a hashes of type and value (these are the two values').
  const std::string ip = "3932851133806128971";
  const std::string domain = "411268601180149949";
  ExecSql(path, std::string(store::Migrations()[0].sql) + "PRAGMA user_version = 1;");
  ExecSql(path,
          "INSERT INTO ingests(id, path, sha256, format, finished, complete, observations, "
          "duplicate_observations, relationships, duplicate_relationships, actor_records, "
          "sources, rejections, last_observation_id, last_relationship_id) "
          "VALUES(1, 'old.txt', 'sha-old', 'plain', 1700000000, 1, 3, 0, 0, 0, 0, 0, 0, 3, 0);"
          "INSERT INTO sources(id, name) VALUES(1, 'feed-a'), (2, 'feed-b');"
          "INSERT INTO actor_names(id, name, normalized) VALUES(1, 'APT28', 'apt28');"
          "INSERT INTO lists(id, items) VALUES(1, 'https://r.example/1');"
          "INSERT INTO files(id, path) VALUES(1, 'old.txt');"
          "INSERT INTO indicators(id, type, value) VALUES(" +
              ip + ", 'ipv4', '203.0.113.5'), (" + domain +
              ", 'domain', 'c2.example');"
              "INSERT INTO observations(id, ingest_id, indicator_id, actor_name_id, role, "
              "source_id, references_id, basis_id, first_seen, last_seen, confidence, tlp, exact, "
              "original_text, description, file_id, line, json_path) VALUES"
              "(1, 1, " +
              ip +
              ", 1, 'c2', 1, 1, NULL, 1700000000, NULL, 50, 'amber', 1, '203.0.113[.]5', "
              "'C2 server', 1, 3, NULL),"
              "(2, 1, " +
              domain +
              ", NULL, 'unknown', 1, NULL, NULL, NULL, NULL, NULL, 'unmarked', 1, NULL, NULL, 1, "
              "4, NULL),"
              "(3, 1, " +
              ip +
              ", 1, 'c2', 2, 1, NULL, 1700000000, NULL, 50, 'amber', 0, NULL, NULL, 1, 5, "
              "'$.x');");
  auto store = OpenOk(path);
  ASSERT_NE(store, nullptr);
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->schema_version, store::LatestSchemaVersion());
  EXPECT_EQ(stats->observations, 3);
  Scanned s = ScanAll(*store);
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(s.rows[0].id, 1);
  EXPECT_EQ(s.rows[0].role, Role::kC2);
  EXPECT_EQ(s.rows[0].tlp, Tlp::kAmber);
  EXPECT_EQ(s.rows[0].confidence, 50);
  ASSERT_TRUE(s.rows[0].first_seen.has_value());
  EXPECT_EQ(s.rows[0].first_seen->unix_seconds(), 1'700'000'000);
  EXPECT_EQ(s.actor_names[0], "APT28");
  EXPECT_EQ(s.references[0], "https://r.example/1");
  EXPECT_EQ(s.rows[1].role, Role::kUnknown);
  EXPECT_EQ(s.rows[1].tlp, Tlp::kUnmarked);
  EXPECT_EQ(s.values[1], "c2.example");
  EXPECT_FALSE(s.rows[2].exact);
  auto looked = store->Lookup({IndicatorType::kIpv4, "203.0.113.5", ""});
  ASSERT_TRUE(looked.ok()) << looked.status().ToString();
  ASSERT_EQ(looked->observations.size(), 2u);
  EXPECT_EQ(looked->observations[0].observation.original_text, "203.0.113[.]5");
  EXPECT_EQ(looked->observations[0].observation.description, "C2 server");
  EXPECT_EQ(looked->observations[1].observation.location.json_path, "$.x");
  EXPECT_EQ(QueryRows(path, "SELECT id, role, tlp, refs FROM observation_view ORDER BY id"),
            (std::vector<std::string>{"1|c2|amber|https://r.example/1", "2|unknown|unmarked|NULL",
                                      "3|c2|amber|https://r.example/1"}));
  // The migrated rows deduplicate what a new ingest brings; a new observation gets the next id.
  auto known = Obs(IndicatorType::kIpv4, "203.0.113.5", "APT28", "feed-a");
  known.role = Role::kC2;
  known.first_seen = Timestamp::FromUnixSeconds(1'700'000'000);
  known.references = {"https://r.example/1"};
  auto known_domain = Obs(IndicatorType::kDomain, "c2.example", "", "feed-a");
  auto fresh = known;
  fresh.source = "feed-c";
  IngestCounts c = Ingest(*store, "sha-new", {known, known_domain, fresh});
  EXPECT_EQ(c.observations, 1);
  EXPECT_EQ(c.duplicate_observations, 2);
  Scanned added = ScanAll(*store, Query(1));
  ASSERT_EQ(added.rows.size(), 1u);
  EXPECT_EQ(added.rows[0].id, 4);
  // Version 3 kept the indicators' ids (version 1's hash slots) and gave them their hashes.
  EXPECT_EQ(QueryRows(path, "SELECT id, hash FROM indicators ORDER BY value"),
            (std::vector<std::string>{
                ip + "|" + std::to_string(store::IndicatorKey(IndicatorType::kIpv4, "203.0.113.5")),
                domain + "|" +
                    std::to_string(store::IndicatorKey(IndicatorType::kDomain, "c2.example"))}));
  EXPECT_EQ(QueryRows(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'observations_v1'"),
            std::vector<std::string>{"0"});
}

// A reading command (read-only open) on a version 1 store migrates it first when it may write
// the file, and refuses with a clear message when it may not.
TEST(SqliteStore, ReadOnlyOpenMigratesAnOlderStoreItMayWrite) {
  TempDir dir;
  const std::string path = dir.Path("v1-read.db");
  ExecSql(path, std::string(store::Migrations()[0].sql) + "PRAGMA user_version = 1;" +
                    "INSERT INTO sources(id, name) VALUES(1, 'feed-a');");
  std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::remove);
  if (access(path.c_str(), W_OK) != 0) {  // root may write anything: skip this half then
    auto refused = OpenSqliteStore(path, {.read_only = true});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.status().message().find("schema version 1"), std::string::npos)
        << refused.status().message();
  }
  std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  auto opened = OpenSqliteStore(path, {.read_only = true});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto stats = (*opened)->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->schema_version, store::LatestSchemaVersion());
  EXPECT_EQ(QueryRows(path, "PRAGMA user_version"),
            std::vector<std::string>{std::to_string(store::LatestSchemaVersion())});
}

// The integer codes of roles and TLP levels are the rows of the `roles` and `tlps` tables, which
// the views use to show names.
TEST(SqliteStore, RoleAndTlpCodesMatchTheirTables) {
  TempDir dir;
  const std::string path = dir.Path("s.db");
  auto store = OpenOk(path);
  ASSERT_NE(store, nullptr);
  for (int i = static_cast<int>(Role::kUnknown); i <= static_cast<int>(Role::kCompromised); ++i) {
    Role role = static_cast<Role>(i);
    EXPECT_EQ(store::RoleFromCode(store::RoleCode(role)), role);
    EXPECT_EQ(QueryRows(path, "SELECT name FROM roles WHERE code = " +
                                  std::to_string(store::RoleCode(role))),
              std::vector<std::string>{std::string(RoleName(role))});
  }
  EXPECT_EQ(QueryRows(path, "SELECT count(*) FROM roles"), std::vector<std::string>{"10"});
  for (int i = static_cast<int>(Tlp::kUnmarked); i <= static_cast<int>(Tlp::kRed); ++i) {
    Tlp tlp = static_cast<Tlp>(i);
    EXPECT_EQ(store::TlpFromCode(store::TlpCode(tlp)), tlp);
    EXPECT_EQ(QueryRows(path, "SELECT name FROM tlps WHERE code = " +
                                  std::to_string(store::TlpCode(tlp))),
              std::vector<std::string>{std::string(TlpName(tlp))});
  }
  EXPECT_EQ(QueryRows(path, "SELECT count(*) FROM tlps"), std::vector<std::string>{"6"});
  EXPECT_FALSE(store::RoleFromCode(10).has_value());
  EXPECT_FALSE(store::TlpFromCode(5).has_value());
  auto o = Obs(IndicatorType::kIpv4, "192.0.2.77", "", "feed");
  o.role = Role::kDeadDrop;
  o.tlp = Tlp::kAmberStrict;
  Ingest(*store, "codes", {o});
  EXPECT_EQ(QueryRows(path, "SELECT role, tlp FROM observation_view"),
            std::vector<std::string>{"dead-drop|amber+strict"});
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->observations_by_role.size(), 1u);
  EXPECT_EQ(stats->observations_by_role[0].first, "dead-drop");
}

// More rows than one buffered chunk (kFlushSize = 262,144 rows): duplicates inside a chunk
// and across chunks are counted once, in arrival order, and every row keeps its own fields
// through the in-place reordering of a chunk.
TEST(SqliteStore, RowsSpanningSeveralChunksDeduplicateExactly) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  ASSERT_NE(store, nullptr);
  constexpr int kDistinct = 280'000;
  auto ip = [](int k) {
    return "10." + std::to_string(k >> 16) + "." + std::to_string((k >> 8) & 255) + "." +
           std::to_string(k & 255);
  };
  auto batch = store->BeginIngest({"big", "big-sha", "test"});
  ASSERT_TRUE(batch.ok());
  int64_t sent = 0;
  for (int k = 0; k < kDistinct; ++k) {
    auto o = Obs(IndicatorType::kIpv4, ip(k), "", "feed");
    o.location.line = k + 1;
    (*batch)->OnObservation(std::move(o));
    ++sent;
    // A repeat of an earlier row: in the same chunk, or across the chunk boundary.
    if (k % 1000 == 999) {
      auto again = Obs(IndicatorType::kIpv4, ip(k >= 270'000 ? k - 265'000 : k - 500), "", "feed");
      again.location.line = -1;  // would show if the repeat, not the first row, were stored
      (*batch)->OnObservation(std::move(again));
      ++sent;
    }
  }
  ASSERT_TRUE((*batch)->Commit().ok());
  EXPECT_EQ((*batch)->counts().observations, kDistinct);
  EXPECT_EQ((*batch)->counts().duplicate_observations, sent - kDistinct);
  // ip(5'499) is repeated in its chunk (after row 5'999), ip(5'999) across chunks (after
  // row 270'999): the first rows are the stored ones.
  auto same_chunk = store->Lookup({IndicatorType::kIpv4, ip(5'499), ""});
  ASSERT_TRUE(same_chunk.ok()) << same_chunk.status().ToString();
  ASSERT_EQ(same_chunk->observations.size(), 1u);
  EXPECT_EQ(same_chunk->observations[0].observation.location.line, 5'500);
  auto crossed = store->Lookup({IndicatorType::kIpv4, ip(5'999), ""});
  ASSERT_TRUE(crossed.ok()) << crossed.status().ToString();
  ASSERT_EQ(crossed->observations.size(), 1u);
  EXPECT_EQ(crossed->observations[0].observation.location.line, 6'000);
}

TEST(SqliteStore, SameValueFromTwoSourcesIsTwoObservations) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  Ingest(*store, "a", {Obs(IndicatorType::kIpv4, "198.51.100.7", "APT28", "feed-a")});
  Ingest(*store, "b", {Obs(IndicatorType::kIpv4, "198.51.100.7", "APT28", "feed-b")});
  Scanned s = ScanAll(*store);
  ASSERT_EQ(s.rows.size(), 2u);
  EXPECT_EQ(s.rows[0].indicator_id, s.rows[1].indicator_id);
  EXPECT_NE(s.rows[0].source_id, s.rows[1].source_id);
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->indicators, 1);
  EXPECT_EQ(stats->observations, 2);
  EXPECT_EQ(stats->sources, 2);
}

TEST(SqliteStore, NaturalKeyDistinguishesRoleTimeAndReferences) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  auto base = Obs(IndicatorType::kIpv4, "192.0.2.1", "X", "src");
  auto role = base;
  role.role = Role::kC2;
  auto time = base;
  time.first_seen = Timestamp::FromUnixSeconds(1'700'000'000);
  auto refs = base;
  refs.references = {"https://b.example/r", "https://a.example/r"};
  auto refs_reordered = base;
  refs_reordered.references = {"https://a.example/r", "https://b.example/r", ""};
  IngestCounts c = Ingest(*store, "k", {base, role, time, refs, refs_reordered});
  EXPECT_EQ(c.observations, 4);
  EXPECT_EQ(c.duplicate_observations, 1);  // reference lists compare as sets
}

TEST(SqliteStore, RollbackAndAbandonedBatchLeaveNothing) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  {
    auto batch = store->BeginIngest({"f", "h1", "test"});
    ASSERT_TRUE(batch.ok());
    (*batch)->OnObservation(Obs(IndicatorType::kIpv4, "192.0.2.1", "X", "s"));
    (*batch)->Rollback();
  }
  {
    auto batch = store->BeginIngest({"f", "h2", "test"});
    ASSERT_TRUE(batch.ok());
    (*batch)->OnObservation(Obs(IndicatorType::kIpv4, "192.0.2.2", "X", "s"));
    // destroyed without Commit
  }
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->observations, 0);
  EXPECT_EQ(stats->indicators, 0);
  EXPECT_EQ(stats->ingests, 0);
  EXPECT_EQ(stats->sources, 0);
  // The store is usable afterwards and ids from the rolled-back batch are not reused wrongly.
  IngestCounts c = Ingest(*store, "h3", {Obs(IndicatorType::kIpv4, "192.0.2.1", "X", "s")});
  EXPECT_EQ(c.observations, 1);
  Scanned s = ScanAll(*store);
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.values[0], "192.0.2.1");
  EXPECT_NE(s.rows[0].actor_id, 0);
}

TEST(SqliteStore, PartialCommitIsNotCompleteSoTheSameContentIsRetried) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  auto batch = store->BeginIngest({"f", "same", "test"});
  ASSERT_TRUE(batch.ok());
  (*batch)->OnObservation(Obs(IndicatorType::kIpv4, "192.0.2.1", "X", "s"));
  ASSERT_TRUE((*batch)->Commit(InvalidArgument("truncated JSON at byte 99")).ok());
  EXPECT_FALSE(store->FindIngest("same")->has_value());
  auto ingests = store->ListIngests();
  ASSERT_TRUE(ingests.ok());
  ASSERT_EQ(ingests->size(), 1u);
  EXPECT_FALSE((*ingests)[0].complete);
  EXPECT_NE((*ingests)[0].error.find("truncated"), std::string::npos);
}

TEST(SqliteStore, InvalidRecordsBecomeRejectionsNamingTheLocation) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  auto bad_time = Obs(IndicatorType::kIpv4, "192.0.2.9", "X", "s");
  bad_time.first_seen = Timestamp::FromUnixSeconds(2'000'000'000);
  bad_time.last_seen = Timestamp::FromUnixSeconds(1'000'000'000);
  bad_time.location.line = 17;
  auto no_source = Obs(IndicatorType::kIpv4, "192.0.2.10", "X", "");
  no_source.location.line = 18;
  auto batch = store->BeginIngest({"feed.txt", "r", "test"});
  ASSERT_TRUE(batch.ok());
  (*batch)->OnObservation(std::move(bad_time));
  (*batch)->OnObservation(std::move(no_source));
  (*batch)->OnRejection({{"feed.txt", 19, ""}, "not an indicator", "1.2.3"});
  EXPECT_EQ((*batch)->counts().rejections, 3);
  IngestId id = (*batch)->id();
  ASSERT_TRUE((*batch)->Commit().ok());
  auto rej = store->ListRejections(id, 10);
  ASSERT_TRUE(rej.ok());
  ASSERT_EQ(rej->size(), 3u);
  EXPECT_EQ((*rej)[0].location.line, 17);
  EXPECT_NE((*rej)[0].reason.find("after last seen"), std::string::npos);
  EXPECT_EQ((*rej)[1].reason, "observation without a source");
  EXPECT_EQ((*rej)[2].location.ToString(), "feed.txt:19");
  EXPECT_EQ(store->Stats()->observations, 0);
}

TEST(SqliteStore, ScanReturnsEveryFieldTheAnalysisNeeds) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  auto o = Obs(IndicatorType::kEndpoint, "203.0.113.5:1224", "Fancy Bear", "vendor");
  o.role = Role::kC2;
  o.first_seen = Timestamp::FromUnixSeconds(1'700'000'000);
  o.last_seen = Timestamp::FromUnixSeconds(1'700'086'400);
  o.confidence = 85;
  o.tlp = Tlp::kAmber;
  o.references = {"https://r.example/1", "https://r.example/2"};
  o.basis = {"sha256:abc"};
  o.exact = false;
  Ingest(*store, "a", {o}, {Naming("misp-galaxy:threat-actor", "APT28", {"Fancy Bear"})});
  Scanned s = ScanAll(*store);
  ASSERT_EQ(s.rows.size(), 1u);
  const ObservationRow& r = s.rows[0];
  EXPECT_EQ(r.type, IndicatorType::kEndpoint);
  EXPECT_EQ(s.values[0], "203.0.113.5:1224");
  EXPECT_EQ(s.actor_names[0], "Fancy Bear");
  EXPECT_EQ(r.role, Role::kC2);
  ASSERT_TRUE(r.first_seen && r.last_seen);
  EXPECT_EQ(r.first_seen->unix_seconds(), 1'700'000'000);
  EXPECT_EQ(r.last_seen->unix_seconds(), 1'700'086'400);
  EXPECT_EQ(r.confidence, 85);
  EXPECT_EQ(r.tlp, Tlp::kAmber);
  EXPECT_EQ(s.references[0], "https://r.example/1\nhttps://r.example/2");
  EXPECT_NE(r.references_id, 0);
  EXPECT_NE(r.basis_id, 0);
  EXPECT_FALSE(r.exact);
  auto actor = store->GetActor(r.actor_id);
  ASSERT_TRUE(actor.ok() && actor->has_value());
  EXPECT_EQ((*actor)->name, "APT28");
  EXPECT_EQ((*actor)->kind, ActorKind::kGroup);
  auto sources = store->ListSources();
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_EQ((*sources)[0].id, r.source_id);
  EXPECT_EQ((*sources)[0].source.name, "vendor");
}

// A chunk's INSERT statements leave out the columns that are NULL in every row of the chunk:
// a value that only one row has (first, last, or in the middle of a 32-row statement) must be
// stored, and the other rows must keep NULL.
TEST(SqliteStore, OptionalColumnsAreStoredWhetherOneRowOrEveryRowHasThem) {
  TempDir dir;
  const std::string path = dir.Path("s.db");
  auto store = OpenOk(path);
  ASSERT_NE(store, nullptr);
  auto plain = [](int k) {
    auto o = Obs(IndicatorType::kIpv4,
                 "10.1." + std::to_string(k / 256) + "." + std::to_string(k % 256), "", "feed");
    o.location = {"", 0, ""};
    return o;
  };
  // Ingest 1: no row has any optional column.
  std::vector<Observation> none;
  for (int k = 0; k < 100; ++k) none.push_back(plain(k));
  EXPECT_EQ(Ingest(*store, "none", none).observations, 100);
  // Ingest 2: each optional column is set on exactly one row (row 40 + column), the rest NULL.
  std::vector<Observation> one;
  for (int k = 100; k < 200; ++k) one.push_back(plain(k));
  one[40].actor = "APT28";
  one[41].references = {"https://r.example/1"};
  one[42].basis = {"sha256:abc"};
  one[43].first_seen = Timestamp::FromUnixSeconds(1'700'000'000);
  one[44].last_seen = Timestamp::FromUnixSeconds(1'700'000'001);
  one[45].confidence = 0;
  one[46].original_text = "10[.]1[.]0[.]146";
  one[47].description = "C2";
  one[48].location = {"other.txt", 17, "$.objects[3]"};
  one[49].indicator = {IndicatorType::kDomain, "xn--80ak6aa92e.com",
                       "\u0430\u0440\u0440\u04cf\u0435.com"};
  one[49].original_text = one[49].indicator.value;
  one[99].description = "last row";
  EXPECT_EQ(Ingest(*store, "one", one).observations, 100);
  // Ingest 3: every row has every column.
  std::vector<Observation> all;
  for (int k = 200; k < 300; ++k) {
    auto o = Obs(IndicatorType::kIpv4, "10.1.1." + std::to_string(k - 200), "APT29", "feed");
    o.references = {"https://r.example/2"};
    o.basis = {"sha256:def"};
    o.first_seen = Timestamp::FromUnixSeconds(1'600'000'000);
    o.last_seen = Timestamp::FromUnixSeconds(1'600'000'000 + k);
    o.confidence = 50;
    o.original_text = "text " + std::to_string(k);
    o.description = "d";
    o.location = {"all.txt", k, "$.x"};
    all.push_back(std::move(o));
  }
  EXPECT_EQ(Ingest(*store, "all", all).observations, 100);

  const std::string counts =
      "SELECT count(actor_name_id), count(references_id), count(basis_id), count(first_seen), "
      "count(last_seen), count(confidence), count(original_text), count(description), "
      "count(file_id), count(line), count(json_path) FROM observations WHERE ingest_id = ";
  // Ingest 1's file id is the ingest's path (no location file); line 0 is NULL.
  EXPECT_EQ(QueryRows(path, counts + "1"), std::vector<std::string>{"0|0|0|0|0|0|0|0|100|0|0"});
  EXPECT_EQ(QueryRows(path, counts + "2"), std::vector<std::string>{"1|1|1|1|1|1|1|2|100|1|1"});
  EXPECT_EQ(QueryRows(path, counts + "3"),
            std::vector<std::string>{"100|100|100|100|100|100|100|100|100|100|100"});
  auto sorted = [](std::vector<std::string> rows) {
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  // Rows are stored in indicator id (hash) order: compare as sets.
  EXPECT_EQ(sorted(QueryRows(
                path,
                "SELECT v.actor_as_written, v.refs, v.basis, o.first_seen, o.last_seen, "
                "o.confidence, o.original_text, o.description, v.file, o.line, o.json_path "
                "FROM observation_view v JOIN observations o ON o.id = v.id "
                "WHERE o.ingest_id = 2 AND (o.actor_name_id IS NOT NULL OR o.references_id IS "
                "NOT NULL OR o.basis_id IS NOT NULL OR o.first_seen IS NOT NULL OR o.last_seen "
                "IS NOT NULL OR o.confidence IS NOT NULL OR o.original_text IS NOT NULL OR "
                "o.description IS NOT NULL OR o.line IS NOT NULL)")),
            sorted({
                "APT28|NULL|NULL|NULL|NULL|NULL|NULL|NULL|file-one|NULL|NULL",
                "NULL|https://r.example/1|NULL|NULL|NULL|NULL|NULL|NULL|file-one|NULL|NULL",
                "NULL|NULL|sha256:abc|NULL|NULL|NULL|NULL|NULL|file-one|NULL|NULL",
                "NULL|NULL|NULL|1700000000|NULL|NULL|NULL|NULL|file-one|NULL|NULL",
                "NULL|NULL|NULL|NULL|1700000001|NULL|NULL|NULL|file-one|NULL|NULL",
                "NULL|NULL|NULL|NULL|NULL|0|NULL|NULL|file-one|NULL|NULL",
                "NULL|NULL|NULL|NULL|NULL|NULL|10[.]1[.]0[.]146|NULL|file-one|NULL|NULL",
                "NULL|NULL|NULL|NULL|NULL|NULL|NULL|C2|file-one|NULL|NULL",
                "NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|other.txt|17|$.objects[3]",
                "NULL|NULL|NULL|NULL|NULL|NULL|NULL|last row|file-one|NULL|NULL",
            }));
  EXPECT_EQ(QueryRows(path, "SELECT count(display) FROM indicators"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(QueryRows(path, "SELECT display FROM indicators WHERE value = 'xn--80ak6aa92e.com'"),
            std::vector<std::string>{"\u0430\u0440\u0440\u04cf\u0435.com"});
  // The same files again: every row is a duplicate, whatever columns its statement wrote.
  EXPECT_EQ(Ingest(*store, "one-again", one).duplicate_observations, 100);
  EXPECT_EQ(Ingest(*store, "all-again", all).duplicate_observations, 100);
}

// Each set of columns gets its own prepared statements, up to a bound; past it, chunks are
// written with every column. Values must be stored the same either way.
TEST(SqliteStore, ManyDifferentColumnSetsAreAllStored) {
  TempDir dir;
  const std::string path = dir.Path("s.db");
  auto store = OpenOk(path);
  ASSERT_NE(store, nullptr);
  std::vector<Observation> every;
  int with[6] = {};
  for (int k = 0; k < 64; ++k) {  // every subset of six optional columns, one ingest each
    auto o = Obs(IndicatorType::kIpv4, "10.3.0." + std::to_string(k), "", "feed");
    if (k & 1) o.confidence = k;
    if (k & 2) o.description = "d" + std::to_string(k);
    if (k & 4) o.first_seen = Timestamp::FromUnixSeconds(1'600'000'000 + k);
    if (k & 8) o.last_seen = Timestamp::FromUnixSeconds(1'700'000'000 + k);
    if (k & 16) o.basis = {"b" + std::to_string(k)};
    if (k & 32) o.location.json_path = "$.x[" + std::to_string(k) + "]";
    for (int b = 0; b < 6; ++b) with[b] += (k >> b) & 1;
    EXPECT_EQ(Ingest(*store, "sha-" + std::to_string(k), {o}).observations, 1) << k;
    every.push_back(std::move(o));
  }
  EXPECT_EQ(QueryRows(path,
                      "SELECT count(confidence), count(description), count(first_seen), "
                      "count(last_seen), count(basis_id), count(json_path) FROM observations"),
            std::vector<std::string>{std::to_string(with[0]) + "|" + std::to_string(with[1]) + "|" +
                                     std::to_string(with[2]) + "|" + std::to_string(with[3]) + "|" +
                                     std::to_string(with[4]) + "|" + std::to_string(with[5])});
  EXPECT_EQ(QueryRows(path,
                      "SELECT count(*) FROM observations WHERE "
                      "ifnull(confidence, -1) <> ifnull(CAST(substr(description, 2) AS INTEGER), "
                      "-1) AND confidence IS NOT NULL AND description IS NOT NULL"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(QueryRows(path,
                      "SELECT count(*) FROM observations WHERE last_seen - 1700000000 <> "
                      "CAST(substr(json_path, 5) AS INTEGER)"),
            std::vector<std::string>{"0"});
  IngestCounts again = Ingest(*store, "all", every);
  EXPECT_EQ(again.observations, 0);
  EXPECT_EQ(again.duplicate_observations, 64);
}

// A name without a letter or digit is no actor, whether it repeats or alternates with names.
TEST(SqliteStore, ActorNamesWithoutLettersOrDigitsAreNoActor) {
  TempDir dir;
  const std::string path = dir.Path("s.db");
  auto store = OpenOk(path);
  ASSERT_NE(store, nullptr);
  std::vector<Observation> obs;
  const std::vector<std::string> actors = {"---", "---", "APT28", " ", "---", "APT28", "\"", ""};
  for (size_t k = 0; k < actors.size(); ++k) {
    obs.push_back(Obs(IndicatorType::kIpv4, "10.2.0." + std::to_string(k), actors[k], "feed"));
  }
  EXPECT_EQ(Ingest(*store, "a", obs).observations, 8);
  EXPECT_EQ(QueryRows(path,
                      "SELECT i.value, ifnull(n.name, 'none') FROM observations o JOIN indicators "
                      "i ON i.id = o.indicator_id LEFT JOIN actor_names n ON n.id = "
                      "o.actor_name_id ORDER BY i.value"),
            (std::vector<std::string>{"10.2.0.0|none", "10.2.0.1|none", "10.2.0.2|APT28",
                                      "10.2.0.3|none", "10.2.0.4|none", "10.2.0.5|APT28",
                                      "10.2.0.6|none", "10.2.0.7|none"}));
  EXPECT_EQ(QueryRows(path, "SELECT name FROM actor_names"), std::vector<std::string>{"APT28"});
}

TEST(SqliteStore, ScanAfterIngestIndicatorFilterOrderAndBatches) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  std::vector<Observation> first, second;
  for (int i = 0; i < 10; ++i) {
    first.push_back(Obs(IndicatorType::kIpv4, "192.0.2." + std::to_string(i), "A", "s1"));
  }
  for (int i = 5; i < 15; ++i) {
    second.push_back(Obs(IndicatorType::kIpv4, "192.0.2." + std::to_string(i), "B", "s2"));
  }
  Ingest(*store, "1", first);
  auto bookmark = store->LastIngestId();
  ASSERT_TRUE(bookmark.ok());
  Ingest(*store, "2", second);

  Scanned all = ScanAll(*store, Query(0, {}, ObservationOrder::kStorage, 3));
  EXPECT_EQ(all.rows.size(), 20u);
  Scanned fresh = ScanAll(*store, Query(*bookmark));
  ASSERT_EQ(fresh.rows.size(), 10u);
  for (const auto& r : fresh.rows) EXPECT_GT(r.ingest_id, *bookmark);

  // The analysis' incremental step: every observation of the values the new batch touched.
  std::vector<IndicatorId> touched;
  for (const auto& r : fresh.rows) touched.push_back(r.indicator_id);
  Scanned affected = ScanAll(*store, Query(0, touched, ObservationOrder::kIndicator));
  EXPECT_EQ(affected.rows.size(), 15u);  // 10 new + 5 older ones on shared values
  for (size_t i = 1; i < affected.rows.size(); ++i) {
    EXPECT_LE(affected.rows[i - 1].indicator_id, affected.rows[i].indicator_id);
  }
  // A callback error stops the scan and comes back.
  int calls = 0;
  Status st = store->ScanObservations(Query(0, {}, ObservationOrder::kStorage, 2),
                                      [&](std::span<const ObservationRow>) {
                                        ++calls;
                                        return Internal("stop");
                                      });
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(calls, 1);
}

TEST(SqliteStore, AmbiguousNamesAndOverridesReResolveWithoutReingest) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  std::vector<ActorRecord> naming = {
      Naming("misp-galaxy:threat-actor", "APT28", {"Fancy Bear", "Grizzly Steppe"}),
      Naming("misp-galaxy:threat-actor", "APT29", {"Cozy Bear", "Grizzly Steppe"}),
  };
  Ingest(*store, "naming", {}, naming);
  Ingest(*store, "obs",
         {Obs(IndicatorType::kIpv4, "192.0.2.1", "Grizzly Steppe", "s"),
          Obs(IndicatorType::kIpv4, "192.0.2.2", "Fancy Bear", "s"),
          Obs(IndicatorType::kIpv4, "192.0.2.3", "APT29", "s"),
          Obs(IndicatorType::kIpv4, "192.0.2.4", "apt_unknown", "s")});

  auto by_value = [&] {
    std::map<std::string, ActorId> m;
    Scanned s = ScanAll(*store);
    for (size_t i = 0; i < s.rows.size(); ++i) m[s.values[i]] = s.rows[i].actor_id;
    return m;
  };
  auto before = by_value();
  auto apt28 = store->ResolveName("APT28");
  auto apt29 = store->ResolveName("APT29");
  auto gs = store->ResolveName("Grizzly Steppe");
  ASSERT_TRUE(apt28.ok() && apt29.ok() && gs.ok());
  EXPECT_EQ(gs->kind, ActorKind::kAmbiguous);
  EXPECT_EQ(gs->candidates.size(), 2u);
  EXPECT_EQ(before["192.0.2.1"], gs->actor_id);
  EXPECT_NE(gs->actor_id, apt28->actor_id);
  EXPECT_NE(gs->actor_id, apt29->actor_id);
  EXPECT_EQ(before["192.0.2.2"], apt28->actor_id);
  EXPECT_EQ(before["192.0.2.3"], apt29->actor_id);
  auto unknown = store->ResolveName("apt_unknown");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->kind, ActorKind::kUnregistered);
  EXPECT_EQ(before["192.0.2.4"], unknown->actor_id);
  auto stats = store->Stats();
  EXPECT_EQ(stats->ambiguous_names, 1);
  EXPECT_EQ(stats->unregistered_names, 1);
  // ListActors shows the ambiguous actor with its candidates.
  auto actors = store->ListActors();
  ASSERT_TRUE(actors.ok());
  bool seen = false;
  for (const auto& a : *actors) {
    if (a.kind == ActorKind::kAmbiguous) {
      seen = true;
      EXPECT_EQ(std::set<ActorId>(a.candidates.begin(), a.candidates.end()),
                (std::set<ActorId>{apt28->actor_id, apt29->actor_id}));
    }
  }
  EXPECT_TRUE(seen);

  // The analyst decides; nothing is re-ingested.
  ASSERT_TRUE(
      store->SetAliasOverrides("Grizzly Steppe = APT29\napt_unknown = APT28\n", "overrides.txt")
          .ok());
  auto after = by_value();
  EXPECT_EQ(after["192.0.2.1"], apt29->actor_id);
  EXPECT_EQ(after["192.0.2.4"], apt28->actor_id);
  EXPECT_EQ(after["192.0.2.2"], apt28->actor_id);  // ids of groups are stable
  auto why = store->ResolveName("Grizzly Steppe");
  EXPECT_NE(why->reason.find("override line 1"), std::string::npos) << why->reason;
  EXPECT_EQ(store->Stats()->ambiguous_names, 0);

  // A bad overrides file changes nothing.
  Status bad = store->SetAliasOverrides("no equals sign here\n", "bad.txt");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("bad.txt:1"), std::string::npos);
  EXPECT_EQ(by_value(), after);
  EXPECT_EQ(*store->AliasOverrides(), "Grizzly Steppe = APT29\napt_unknown = APT28\n");

  // Clearing the overrides brings the ambiguity back, with the same actor id as before.
  ASSERT_TRUE(store->SetAliasOverrides("", "empty").ok());
  EXPECT_EQ(by_value(), before);
}

TEST(SqliteStore, NamingDataArrivingLaterResolvesEarlierObservations) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  Ingest(*store, "obs", {Obs(IndicatorType::kDomain, "x.example", "Sednit", "s")});
  EXPECT_EQ(store->ResolveName("Sednit")->kind, ActorKind::kUnregistered);
  Ingest(*store, "naming", {}, {Naming("mitre-attack", "APT28", {"Sednit", "Sofacy"}, "G0007")});
  auto r = store->ResolveName("Sednit");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, ActorKind::kGroup);
  EXPECT_EQ(r->actor_name, "APT28");
  Scanned s = ScanAll(*store);
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.rows[0].actor_id, r->actor_id);
  auto names = store->ListActorNames();
  ASSERT_TRUE(names.ok());
  ASSERT_EQ(names->size(), 1u);
  EXPECT_EQ((*names)[0].observations, 1);
}

TEST(SqliteStore, LookupReturnsObservationsAndRelationshipsBothWays) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  auto batch = store->BeginIngest({"pdns.jsonl", "p", "pdns"});
  ASSERT_TRUE(batch.ok());
  auto o = Obs(IndicatorType::kIpv4, "203.0.113.5", "APT28", "vendor");
  o.references = {"https://r.example/1"};
  o.location = {"report.txt", 12, ""};
  o.original_text = "203.0.113[.]5";
  (*batch)->OnObservation(std::move(o));
  Relationship rel;
  rel.from = {IndicatorType::kDomain, "c2.example", "c2.example"};
  rel.kind = "resolves-to";
  rel.to = {IndicatorType::kIpv4, "203.0.113.5", "203.0.113.5"};
  rel.first_seen = Timestamp::FromUnixSeconds(1'600'000'000);
  rel.last_seen = Timestamp::FromUnixSeconds(1'600'100'000);
  rel.count = 7;
  rel.source = "pdns";
  (*batch)->OnRelationship(Relationship(rel));
  (*batch)->OnRelationship(Relationship(rel));  // duplicate
  // Relationships are buffered with the chunk: counted when written, final after Commit.
  ASSERT_TRUE((*batch)->Commit().ok());
  EXPECT_EQ((*batch)->counts().relationships, 1);
  EXPECT_EQ((*batch)->counts().duplicate_relationships, 1);

  auto report = store->Lookup({IndicatorType::kIpv4, "203.0.113.5", ""});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->observations.size(), 1u);
  const auto& so = report->observations[0];
  EXPECT_EQ(so.observation.actor, "APT28");
  EXPECT_EQ(so.actor_name, "APT28");
  EXPECT_EQ(so.actor_kind, ActorKind::kUnregistered);
  EXPECT_EQ(so.observation.source, "vendor");
  EXPECT_EQ(so.observation.references, std::vector<std::string>{"https://r.example/1"});
  EXPECT_EQ(so.observation.location.ToString(), "report.txt:12");
  EXPECT_EQ(so.observation.original_text, "203.0.113[.]5");
  ASSERT_EQ(report->relationships.size(), 1u);
  EXPECT_EQ(report->relationships[0].relationship.from.value, "c2.example");
  EXPECT_EQ(report->relationships[0].relationship.count, 7);
  auto from_domain = store->Lookup({IndicatorType::kDomain, "c2.example", ""});
  ASSERT_TRUE(from_domain.ok());
  EXPECT_EQ(from_domain->relationships.size(), 1u);
  EXPECT_TRUE(from_domain->observations.empty());

  int rel_rows = 0;
  Status st = store->ScanRelationships({}, [&](std::span<const RelationshipRow> rows) {
    for (const auto& r : rows) {
      EXPECT_EQ(r.from_value, "c2.example");
      EXPECT_EQ(r.kind, "resolves-to");
      EXPECT_EQ(r.to_type, IndicatorType::kIpv4);
      ++rel_rows;
    }
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(rel_rows, 1);

  auto missing = store->Lookup({IndicatorType::kIpv4, "192.0.2.200", ""});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(SqliteStore, SourcesKeepUrlAndReliability) {
  TempDir dir;
  auto store = OpenOk(dir.Path("s.db"));
  auto batch = store->BeginIngest({"f", "s", "test"});
  ASSERT_TRUE(batch.ok());
  (*batch)->OnSource({"eset", "https://github.com/eset/malware-ioc", 'B'});
  (*batch)->OnObservation(Obs(IndicatorType::kIpv4, "192.0.2.1", "", "eset"));
  ASSERT_TRUE((*batch)->Commit().ok());
  auto sources = store->ListSources();
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_EQ((*sources)[0].source.url, "https://github.com/eset/malware-ioc");
  EXPECT_EQ((*sources)[0].source.reliability, 'B');
  EXPECT_EQ((*sources)[0].observations, 1);
  // An observation without an actor has actor id 0.
  Scanned s = ScanAll(*store);
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.rows[0].actor_id, 0);
  EXPECT_EQ(ScanAll(*store, Query(0, {}, ObservationOrder::kStorage, 4096, true)).rows.size(), 0u);
}

TEST(SqliteStore, TwoConnectionsReaderSeesOnlyCommittedData) {
  TempDir dir;
  auto writer = OpenOk(dir.Path("s.db"));
  auto reader = OpenOk(dir.Path("s.db"), {.read_only = true});
  auto batch = writer->BeginIngest({"f", "h", "test"});
  ASSERT_TRUE(batch.ok());
  (*batch)->OnObservation(Obs(IndicatorType::kIpv4, "192.0.2.1", "X", "s"));
  EXPECT_EQ(reader->Stats()->observations, 0);
  ASSERT_TRUE((*batch)->Commit().ok());
  EXPECT_EQ(reader->Stats()->observations, 1);
}

}  // namespace
}  // namespace cotenant
