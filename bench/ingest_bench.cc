// Ingest throughput: synthetic feeds into the SQLite store, observations per second on one
// core, against Python's json module loading the same number of records as the baseline.
//
//   BM_StoreWrite        records already in memory -> IngestBatch -> commit (the store alone)
//   BM_IngestPlain       generated plain list (one IPv4/domain per line) through ReadPath
//   BM_IngestCsv         generated CSV "Indicator,Type,Description" through ReadPath
//   BM_IngestStix        generated STIX 2.1 bundle (one indicator pattern per object) via ReadPath
//   BM_ReadStix          the same bundle through ReadPath into a sink that only counts (the
//                        STIX reader's own cost, without the store)
//   BM_IngestMisp        generated MISP event (1 M attributes: ip-dst, domain, sha256, url, some
//                        objects, tlp and misp-galaxy threat-actor tags) via ReadPath
//   BM_ReadMisp          the same MISP event through ReadPath into a counting sink (the reader
//   alone) BM_PythonJsonLoad    python3 -c 'json.load(...)' of the same STIX bundle
//   BM_PythonJsonLoadMisp  python3 -c 'json.load(...)' of the same MISP event
//   BM_SqliteFloor       SQLite alone writing the rows the plain-list ingest writes (the floor)
//   BM_SqliteFloorHashIds  the same with the value's hash as the indicator id (schema version 2)
//   BM_IngestPeakMemory  peak resident memory of `cotenant ingest` (a child process) on plain,
//                        CSV, STIX and MISP feeds of 100 k and 1 M records (memory against size)
//
// Rates are per CPU second (this machine is shared; wall time is several times higher).
//
// Run (Release build): build/release/ingest_bench --benchmark_counters_tabular=true
// Results are recorded in bench/RESULTS.md.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cotenant/ingest.h"
#include "cotenant/reader.h"
#include "cotenant/store.h"
#include "store/indicator_key.h"
#include "store/observation_key.h"
#include "store/schema.h"

namespace cotenant {
namespace {

namespace fs = std::filesystem;

// COTENANT_BENCH_KEEP_DIR=<dir> writes the generated inputs (feed.txt, bundle.json, event.json...)
// into <dir> and keeps them, for profiling the CLI on the same input.
const char* KeepDir() { return std::getenv("COTENANT_BENCH_KEEP_DIR"); }

std::string TempDir() {
  if (const char* keep = KeepDir(); keep != nullptr && *keep != '\0') {
    fs::create_directories(keep);
    return keep;
  }
  std::string tmpl = (fs::temp_directory_path() / "cotenant-bench-XXXXXX").string();
  return mkdtemp(tmpl.data());
}

void RemoveTempDir(const std::string& dir) {
  if (const char* keep = KeepDir(); keep != nullptr && *keep != '\0') return;
  fs::remove_all(dir);
}

// Deterministic synthetic values: IPv4 addresses, domains and SHA-256 hashes in a heavy-tailed
// mix over 2,000 actors and 5 sources, as a large vendor feed would look.
struct Generator {
  std::mt19937_64 rng{42};
  std::string Ipv4() {
    uint32_t v = static_cast<uint32_t>(rng());
    return std::to_string((v >> 24) % 223 + 1) + "." + std::to_string((v >> 16) & 255) + "." +
           std::to_string((v >> 8) & 255) + "." + std::to_string(v & 255);
  }
  std::string Domain() {
    static constexpr char kAlpha[] = "abcdefghijklmnopqrstuvwxyz";
    std::string s;
    for (int i = 0; i < 10; ++i) s += kAlpha[rng() % 26];
    return s + ".example.com";
  }
  std::string Sha256() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 64; ++i) s += kHex[rng() % 16];
    return s;
  }
  std::string Actor() {
    // Zipf-like: a few actors hold most observations.
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    int k = static_cast<int>(2000 * u * u * u);
    return "Synthetic Group " + std::to_string(k);
  }
};

std::vector<Observation> MakeObservations(int64_t n) {
  Generator g;
  std::vector<Observation> out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    Observation o;
    switch (i % 3) {
      case 0:
        o.indicator = {IndicatorType::kIpv4, g.Ipv4(), ""};
        o.role = Role::kC2;
        break;
      case 1:
        o.indicator = {IndicatorType::kDomain, g.Domain(), ""};
        o.role = Role::kPhishing;
        break;
      default:
        o.indicator = {IndicatorType::kSha256, g.Sha256(), ""};
        o.role = Role::kSample;
        break;
    }
    o.indicator.display = o.indicator.value;
    o.original_text = o.indicator.value;
    o.actor = g.Actor();
    o.source = "synthetic-feed-" + std::to_string(i % 5);
    o.references = {"https://reports.example/" + std::to_string(i / 1000)};
    o.first_seen = Timestamp::FromUnixSeconds(1'600'000'000 + i);
    o.location = {"synthetic.txt", i + 1, ""};
    out.push_back(std::move(o));
  }
  return out;
}

void BM_StoreWrite(benchmark::State& state) {
  const int64_t n = state.range(0);
  const std::vector<Observation> obs = MakeObservations(n);
  std::string dir = TempDir();
  int run = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string path = dir + "/store-" + std::to_string(run++) + ".db";
    auto store = OpenSqliteStore(path);
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      break;
    }
    std::vector<Observation> copy = obs;
    state.ResumeTiming();
    auto batch = (*store)->BeginIngest({"synthetic.txt", "sha-" + std::to_string(run), "bench"});
    for (auto& o : copy) (*batch)->OnObservation(std::move(o));
    Status st = (*batch)->Commit();
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    state.PauseTiming();
    // Freeing the benchmark's own copy of the input is not the store's work (a reader reuses
    // one Observation), so it is not timed.
    std::vector<Observation>().swap(copy);
    store->reset();
    fs::remove(path);
    fs::remove(path + "-wal");
    fs::remove(path + "-shm");
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
  RemoveTempDir(dir);
}
BENCHMARK(BM_StoreWrite)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// Writes `n` lines of a feed file and returns its path.
std::string WriteFeed(const std::string& dir, int64_t n, bool csv) {
  Generator g;
  std::string path = dir + (csv ? "/feed.csv" : "/feed.txt");
  std::ofstream out(path);
  if (csv) out << "Indicator,Type,Description\n";
  for (int64_t i = 0; i < n; ++i) {
    bool ip = i % 2 == 0;
    std::string v = ip ? g.Ipv4() : g.Domain();
    if (csv) {
      out << v << (ip ? ",IP,C2 server\n" : ",Domain,Phishing domain\n");
    } else {
      out << v << "\n";
    }
  }
  return path;
}

// Times `cotenant ingest` of `input` into a fresh store per iteration (opening the store and
// deleting it afterwards are not timed); reports observations stored per second.
void TimeIngest(benchmark::State& state, const std::string& dir, const std::string& input,
                const IngestOptions& options) {
  int run = 0;
  int64_t stored = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string path = dir + "/store-" + std::to_string(run++) + ".db";
    auto store = OpenSqliteStore(path);
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      break;
    }
    state.ResumeTiming();
    auto summary = IngestPaths(**store, {input}, options, ReadPath);
    if (!summary.ok() || summary->failed_inputs > 0) {
      state.SkipWithError(summary.ok() ? summary->inputs[0].error.ToString().c_str()
                                       : summary.status().ToString().c_str());
      break;
    }
    stored = summary->totals.observations;
    state.PauseTiming();
    store->reset();
    fs::remove(path);
    fs::remove(path + "-wal");
    fs::remove(path + "-shm");
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * stored);
  state.counters["stored"] = static_cast<double>(stored);
  RemoveTempDir(dir);
}

void IngestFile(benchmark::State& state, bool csv) {
  std::string dir = TempDir();
  std::string feed = WriteFeed(dir, state.range(0), csv);
  IngestOptions options;
  options.read.format = csv ? Format::kCsv : Format::kPlain;
  options.read.actor = "Synthetic Group";
  options.read.source = "synthetic";
  TimeIngest(state, dir, feed, options);
}

void BM_IngestPlain(benchmark::State& state) { IngestFile(state, false); }
void BM_IngestCsv(benchmark::State& state) { IngestFile(state, true); }
BENCHMARK(BM_IngestPlain)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IngestCsv)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// A STIX 2.1 bundle of `n` indicators with one pattern each, as a large vendor export.
std::string WriteStixBundle(const std::string& dir, int64_t n) {
  Generator g;
  std::string bundle = dir + "/bundle.json";
  std::ofstream out(bundle);
  out << "{\"type\":\"bundle\",\"id\":\"bundle--00000000-0000-4000-8000-000000000000\","
         "\"objects\":[";
  char id[64];
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) out << ",";
    std::snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012lld",
                  static_cast<long long>(i));
    out << "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" << id
        << "\",\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\","
           "\"pattern_type\":\"stix\",\"pattern\":\"[ipv4-addr:value = '"
        << g.Ipv4() << "']\",\"valid_from\":\"2024-01-01T00:00:00Z\"}";
  }
  out << "]}";
  return bundle;
}

void BM_IngestStix(benchmark::State& state) {
  std::string dir = TempDir();
  std::string bundle = WriteStixBundle(dir, state.range(0));
  IngestOptions options;
  options.read.format = Format::kStix;
  options.read.source = "synthetic-stix";
  TimeIngest(state, dir, bundle, options);
}
BENCHMARK(BM_IngestStix)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// Counts what a reader delivers and keeps nothing.
class CountingSink : public IngestSink {
 public:
  void OnSource(const Source&) override {}
  void OnObservation(Observation&& o) override {
    ++observations;
    bytes += o.indicator.value.size();
  }
  void OnRelationship(Relationship&&) override {}
  void OnActor(ActorRecord&&) override {}
  void OnRejection(Rejection&&) override { ++rejections; }
  int64_t observations = 0;
  int64_t rejections = 0;
  size_t bytes = 0;
};

// Times ReadPath of `input` into a CountingSink (the reader alone, no store); reports records
// read per second. `rejections_ok`: the input has records the reader refuses by design.
void TimeRead(benchmark::State& state, const std::string& dir, const std::string& input,
              const ReadOptions& options, bool rejections_ok) {
  int64_t read = 0;
  for (auto _ : state) {
    CountingSink sink;
    Status status = ReadPath(input, options, sink);
    if (!status.ok() || (!rejections_ok && sink.rejections > 0)) {
      state.SkipWithError(status.ok() ? "rejections" : status.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(sink.bytes);
    read = sink.observations;
  }
  state.SetItemsProcessed(state.iterations() * read);
  state.counters["read"] = static_cast<double>(read);
  RemoveTempDir(dir);
}

void BM_ReadStix(benchmark::State& state) {
  std::string dir = TempDir();
  std::string bundle = WriteStixBundle(dir, state.range(0));
  ReadOptions options;
  options.format = Format::kStix;
  options.source = "synthetic-stix";
  TimeRead(state, dir, bundle, options, false);
}
BENCHMARK(BM_ReadStix)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// A MISP event of `n` attributes, as a large MISP export: event tags give TLP and the
// threat-actor galaxy; a mix of ip-dst, domain, sha256 and url attributes, about 1 % with
// their own tags (another actor, another TLP), comments on some, to_ids false on some, and
// every 20th record an object (domain-ip: a domain and an address, file: a sha256 and a file
// name). Objects' attributes count towards `n`.
std::string WriteMispEvent(const std::string& dir, int64_t n) {
  Generator g;
  std::string path = dir + "/event.json";
  std::ofstream out(path);
  out << "{\"Event\":{\"id\":\"1\",\"orgc_id\":\"1\",\"org_id\":\"1\",\"date\":\"2024-01-01\","
         "\"threat_level_id\":\"1\",\"info\":\"Synthetic campaign\",\"published\":true,"
         "\"uuid\":\"5e2c4a52-0000-4000-8000-000000000000\",\"analysis\":\"2\","
         "\"timestamp\":\"1704067200\",\"distribution\":\"1\",\"Orgc\":{\"id\":\"1\","
         "\"name\":\"synthetic-misp\",\"uuid\":\"5e2c4a52-0000-4000-8000-0000000000aa\"},"
         "\"Tag\":[{\"id\":\"1\",\"name\":\"tlp:amber\",\"colour\":\"#FFC000\"},"
         "{\"id\":\"2\",\"name\":\"misp-galaxy:threat-actor=\\\"Synthetic Group\\\"\","
         "\"colour\":\"#0088cc\"}],";
  char uuid[64];
  int64_t written = 0, index = 0;
  auto attribute = [&](std::string_view type, std::string_view category, const std::string& value,
                       std::string_view relation) {
    std::snprintf(uuid, sizeof(uuid), "5e2c4a52-0000-4000-8000-%012lld",
                  static_cast<long long>(index));
    out << "{\"id\":\"" << index + 1 << "\",\"type\":\"" << type << "\",\"category\":\"" << category
        << "\",\"to_ids\":" << (index % 10 == 9 ? "false" : "true") << ",\"uuid\":\"" << uuid
        << "\",\"event_id\":\"1\",\"distribution\":\"5\",\"timestamp\":\"" << 1704067200 + index
        << "\",\"comment\":\"" << (index % 4 == 0 ? "C2 server" : "")
        << "\",\"deleted\":false,\"value\":\"" << value << "\"";
    if (!relation.empty()) out << ",\"object_relation\":\"" << relation << "\"";
    if (index % 100 == 50) {
      out << ",\"Tag\":[{\"id\":\"3\",\"name\":\"tlp:red\"},{\"id\":\"4\",\"name\":"
             "\"misp-galaxy:threat-actor=\\\"Synthetic Group "
          << index % 7 << "\\\"\"}]";
    }
    out << "}";
    ++index;
  };
  auto simple = [&](int64_t i, std::string_view relation) {
    switch (i % 4) {
      case 0:
        attribute("ip-dst", "Network activity", g.Ipv4(), relation);
        break;
      case 1:
        attribute("domain", "Network activity", g.Domain(), relation);
        break;
      case 2:
        attribute("sha256", "Payload delivery", g.Sha256(), relation);
        break;
      default:
        attribute("url", "Payload delivery",
                  "http://" + g.Domain() + "/gate.php?id=" + g.Sha256().substr(0, 8), relation);
        break;
    }
  };
  // Top-level attributes: 90 % of the records; objects of two attributes: the rest.
  const int64_t in_objects = n / 10 / 2 * 2;
  out << "\"Attribute\":[";
  for (int64_t i = 0; i < n - in_objects; ++i) {
    if (i > 0) out << ",";
    simple(i, "");
    ++written;
  }
  out << "],\"Object\":[";
  for (int64_t k = 0; k < in_objects / 2; ++k) {
    if (k > 0) out << ",";
    bool file = k % 2 == 1;
    out << "{\"id\":\"" << k + 1 << "\",\"name\":\"" << (file ? "file" : "domain-ip")
        << "\",\"meta-category\":\"" << (file ? "file" : "network")
        << "\",\"uuid\":\"6e2c4a52-0000-4000-8000-" << std::to_string(100000000000 + k)
        << "\",\"timestamp\":\"1704067200\",\"comment\":\"\",\"deleted\":false,\"Attribute\":[";
    if (file) {
      attribute("sha256", "Payload delivery", g.Sha256(), "sha256");
      out << ",";
      attribute("filename", "Payload delivery", "invoice-" + std::to_string(k) + ".exe",
                "filename");
    } else {
      attribute("domain", "Network activity", g.Domain(), "domain");
      out << ",";
      attribute("ip-dst", "Network activity", g.Ipv4(), "ip");
    }
    out << "]}";
    written += 2;
  }
  out << "]}}";
  return path;
}

void BM_IngestMisp(benchmark::State& state) {
  std::string dir = TempDir();
  std::string event = WriteMispEvent(dir, state.range(0));
  IngestOptions options;
  options.read.format = Format::kMisp;
  TimeIngest(state, dir, event, options);
}
BENCHMARK(BM_IngestMisp)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The reader side of BM_IngestMisp alone: the same event through ReadPath into a sink that only
// counts, so the reader's share of the ingest can be told from the store's.
void BM_ReadMisp(benchmark::State& state) {
  std::string dir = TempDir();
  std::string event = WriteMispEvent(dir, state.range(0));
  ReadOptions options;
  options.format = Format::kMisp;
  TimeRead(state, dir, event, options, true);
}
BENCHMARK(BM_ReadMisp)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The floor under the store: SQLite alone writing what BM_IngestPlain writes (one new indicator
// and one observation per record) into the same schema and page size, with the store's pragmas,
// 32-row INSERT statements, chunks of 262,144 rows sorted by indicator id and one transaction;
// as the store does, a parameter is bound only when its value changes (the statements keep
// their bindings between runs), the statements name only the columns the chunk has values for
// (the plain case's rows have no display, references, times, texts or JSON path), and the
// natural-key hash is computed in C++ (not timed here); no reading, canonicalization, id
// resolution or buffering.
void Exec(sqlite3* db, const std::string& sql, benchmark::State& state) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    state.SkipWithError(err != nullptr ? err : "sqlite3_exec failed");
  }
  sqlite3_free(err);
}

std::string Placeholders(int columns, int rows) {
  std::string out = " VALUES";
  for (int r = 0; r < rows; ++r) {
    out += r == 0 ? "(" : ",(";
    for (int c = 0; c < columns; ++c) out += c == 0 ? "?" : ",?";
    out += ")";
  }
  return out;
}

//
// The store's schema (version 3) gives indicator ids in insertion order and finds a value by its
// hash (a UNIQUE column): new values append to `indicators` and to the natural-key index; only
// the hash index takes keys at random positions. Ids are a counter here (every value of this
// floor is new). With `hash_ids` (BM_SqliteFloorHashIds, schema version 2's shape, kept for
// comparison): the hash is the id, so both inserts land at random positions.
void SqliteFloor(benchmark::State& state, bool hash_ids) {
  const int64_t n = state.range(0);
  constexpr int kRows = 32;
  constexpr int kObsColumns = 10;
  constexpr int64_t kChunk = 1 << 18;  // the store's kFlushSize
  Generator g;
  struct Record {
    int64_t id;
    int64_t key_hash;
    std::string type, value;
  };
  std::vector<Record> records(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    bool ip = i % 2 == 0;
    Record& r = records[static_cast<size_t>(i)];
    r.value = ip ? g.Ipv4() : g.Domain();
    r.type = ip ? "ipv4" : "domain";
    r.id = static_cast<int64_t>(
        store::IndicatorKey(ip ? IndicatorType::kIpv4 : IndicatorType::kDomain, r.value));
    store::ObservationKeyFields key;
    key.source_id = 1;
    key.name_id = 1;
    key.role = store::RoleCode(Role::kUnknown);
    r.key_hash = store::ObservationKeyHash(key);
  }
  std::string dir = TempDir();
  int run = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string path = dir + "/floor-" + std::to_string(run++) + ".db";
    {
      auto store = OpenSqliteStore(path);  // the schema and page size of a new store
      if (!store.ok()) {
        state.SkipWithError(store.status().ToString().c_str());
        break;
      }
    }
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    Exec(db,
         "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; "
         "PRAGMA temp_store = MEMORY; PRAGMA secure_delete = OFF; INSERT INTO sources(name) "
         "VALUES('synthetic'); "
         "INSERT INTO actor_names(name, normalized) VALUES('Synthetic Group', 'syntheticgroup'); "
         "INSERT INTO files(path) VALUES('feed.txt')",
         state);
    if (hash_ids) {
      Exec(db,
           "DROP TABLE indicators; CREATE TABLE indicators(id INTEGER PRIMARY KEY, type TEXT NOT "
           "NULL, value TEXT NOT NULL, display TEXT)",
           state);
    }
    int64_t next_id = 1;
    sqlite3_stmt* indicators[2] = {};
    sqlite3_stmt* observations[2] = {};
    for (int k = 0; k < 2; ++k) {
      int rows = k == 0 ? kRows : 1;
      std::string ind = std::string("INSERT OR IGNORE INTO indicators(") +
                        (hash_ids ? "id" : "hash") + ", type, value)" + Placeholders(3, rows);
      std::string obs =
          "INSERT OR IGNORE INTO observations(ingest_id, indicator_id, key_hash, actor_name_id, "
          "role, source_id, tlp, exact, file_id, line)" +
          Placeholders(kObsColumns, rows);
      sqlite3_prepare_v2(db, ind.c_str(), -1, &indicators[k], nullptr);
      sqlite3_prepare_v2(db, obs.c_str(), -1, &observations[k], nullptr);
      // The parameters every row shares, bound once (NULL is a fresh statement's binding).
      for (int r = 0; r < rows; ++r) {
        int p = kObsColumns * r;
        sqlite3_bind_int64(observations[k], p + 1, 1);                                // ingest
        sqlite3_bind_int64(observations[k], p + 4, 1);                                // actor
        sqlite3_bind_int64(observations[k], p + 5, store::RoleCode(Role::kUnknown));  // role
        sqlite3_bind_int64(observations[k], p + 6, 1);                                // source
        sqlite3_bind_int64(observations[k], p + 7, store::TlpCode(Tlp::kUnmarked));   // tlp
        sqlite3_bind_int64(observations[k], p + 8, 1);                                // exact
        sqlite3_bind_int64(observations[k], p + 9, 1);                                // file
      }
    }
    std::vector<uint32_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0u);
    state.ResumeTiming();
    Exec(db, "BEGIN IMMEDIATE", state);
    for (int64_t start = 0; start < n; start += kChunk) {
      auto first = order.begin() + start;
      auto last = order.begin() + std::min(n, start + kChunk);
      std::sort(first, last, [&](uint32_t a, uint32_t b) { return records[a].id < records[b].id; });
      for (auto it = first; it < last;) {
        int k = last - it >= kRows ? 0 : 1;
        int rows = k == 0 ? kRows : 1;
        sqlite3_stmt* ind = indicators[k];
        sqlite3_stmt* obs = observations[k];
        for (int r = 0; r < rows; ++r) {
          const uint32_t i = it[r];
          const Record& rec = records[i];
          int p = 3 * r;
          sqlite3_bind_int64(ind, p + 1, rec.id);
          sqlite3_bind_text(ind, p + 2, rec.type.data(), static_cast<int>(rec.type.size()),
                            SQLITE_STATIC);
          sqlite3_bind_text(ind, p + 3, rec.value.data(), static_cast<int>(rec.value.size()),
                            SQLITE_STATIC);
          p = kObsColumns * r;
          sqlite3_bind_int64(obs, p + 2, hash_ids ? rec.id : next_id++);
          sqlite3_bind_int64(obs, p + 3, rec.key_hash);
          sqlite3_bind_int64(obs, p + 10, i + 1);  // line
        }
        if (sqlite3_step(ind) != SQLITE_DONE || sqlite3_step(obs) != SQLITE_DONE) {
          state.SkipWithError(sqlite3_errmsg(db));
          break;
        }
        sqlite3_reset(ind);  // keeps the bindings
        sqlite3_reset(obs);
        it += rows;
      }
    }
    Exec(db, "COMMIT", state);
    state.PauseTiming();
    for (int k = 0; k < 2; ++k) {
      sqlite3_finalize(indicators[k]);
      sqlite3_finalize(observations[k]);
    }
    // INSERT OR IGNORE also ignores NOT NULL violations: a statement that no longer fits the
    // schema would "run" fast and store nothing. Every row but the few random repeats must be
    // there.
    sqlite3_stmt* count = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM observations", -1, &count, nullptr);
    const int64_t stored = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
    sqlite3_finalize(count);
    if (stored < n - n / 1000) state.SkipWithError("the floor's observation rows were not stored");
    sqlite3_close(db);
    fs::remove(path);
    fs::remove(path + "-wal");
    fs::remove(path + "-shm");
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
  RemoveTempDir(dir);
}
void BM_SqliteFloor(benchmark::State& state) { SqliteFloor(state, false); }
void BM_SqliteFloorHashIds(benchmark::State& state) { SqliteFloor(state, true); }
BENCHMARK(BM_SqliteFloor)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SqliteFloorHashIds)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The baseline: Python's json module only loading the same STIX bundle or MISP event (no
// pattern parsing, no canonicalization, no storage), CPU time measured inside Python
// (time.process_time) so interpreter start-up is excluded and the rate compares with the
// CPU-time rates above. Items are the generator's records (objects, attributes).
void PythonJsonLoad(benchmark::State& state, std::string (*write)(const std::string&, int64_t)) {
  const int64_t n = state.range(0);
  std::string dir = TempDir();
  std::string file = write(dir, n);
  std::string timing = dir + "/seconds.txt";
  std::string cmd =
      "python3 -c \"import json,time,sys; t=time.process_time(); "
      "d=json.load(open(sys.argv[1])); "
      "open(sys.argv[2],'w').write(str(time.process_time()-t))\" " +
      file + " " + timing;
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) {
      state.SkipWithError("python3 failed");
      break;
    }
    double seconds = 0;
    std::ifstream(timing) >> seconds;
    state.SetIterationTime(seconds);
  }
  state.SetItemsProcessed(state.iterations() * n);
  RemoveTempDir(dir);
}

void BM_PythonJsonLoad(benchmark::State& state) { PythonJsonLoad(state, WriteStixBundle); }
void BM_PythonJsonLoadMisp(benchmark::State& state) { PythonJsonLoad(state, WriteMispEvent); }
BENCHMARK(BM_PythonJsonLoad)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseManualTime();
BENCHMARK(BM_PythonJsonLoadMisp)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseManualTime();

// Memory of an ingest against input size: `cotenant ingest` run as its own process (the CLI next
// to this binary) on a generated feed of n records; reports its peak resident memory (VmHWM,
// polled every 2 ms while it runs) and the input size. "Memory flat in input size" means the 1 M
// rows stay near the 100 k rows while the input grows tenfold. Kinds: 0 plain, 1 CSV, 2 STIX, 3
// MISP.
void BM_IngestPeakMemory(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  const int64_t n = state.range(1);
  std::string cli = (fs::read_symlink("/proc/self/exe").parent_path() / "cotenant").string();
  if (!fs::exists(cli)) {
    state.SkipWithError(("build the cotenant CLI first: " + cli + " is missing").c_str());
    return;
  }
  std::string dir = TempDir();
  std::string input, format;
  std::vector<std::string> extra;
  switch (kind) {
    case 0:
    case 1:
      input = WriteFeed(dir, n, kind == 1);
      format = kind == 1 ? "csv" : "plain";
      extra = {"--actor", "Synthetic Group", "--source", "synthetic"};
      break;
    case 2:
      input = WriteStixBundle(dir, n);
      format = "stix";
      break;
    default:
      input = WriteMispEvent(dir, n);
      format = "misp";
      break;
  }
  std::string db = dir + "/peak.db";
  std::vector<std::string> args = {cli, "--db", db, "ingest", "--format", format};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(input);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      execv(cli.c_str(), argv.data());
      _exit(127);
    }
    // The peak is polled from /proc (VmHWM of the CLI's own image, once it runs): the wait4
    // figure (ru_maxrss) would also count this process's memory, which the child had until
    // its exec.
    int status = 0;
    struct rusage usage {};
    double peak_kib = 0;
    pid_t done = 0;
    while (pid > 0 && (done = wait4(pid, &status, WNOHANG, &usage)) == 0) {
      std::ifstream proc("/proc/" + std::to_string(pid) + "/status");
      std::string line;
      bool cli_image = false;
      while (std::getline(proc, line)) {
        if (line.starts_with("Name:")) cli_image = line.find("cotenant") != std::string::npos;
        if (cli_image && line.starts_with("VmHWM:")) {
          peak_kib = std::max(peak_kib, std::strtod(line.c_str() + 6, nullptr));
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (pid < 0 || done != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      state.SkipWithError("cotenant ingest failed");
      break;
    }
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    state.counters["peak_rss_MiB"] = peak_kib / 1024.0;
    state.counters["input_MB"] = static_cast<double>(fs::file_size(input)) / 1e6;
    state.counters["cpu_s"] = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                              (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
  }
  state.SetItemsProcessed(state.iterations() * n);
  RemoveTempDir(dir);
}
BENCHMARK(BM_IngestPeakMemory)
    ->ArgsProduct({{0, 1, 2, 3}, {100'000, 1'000'000}})
    ->Args({0, 3'000'000})  // the plain list once more at 3 M: the store's share stays bounded
    ->ArgNames({"kind", "records"})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cotenant

BENCHMARK_MAIN();
