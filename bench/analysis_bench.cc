// Workload: N observations over 2,000 actors with heavy-tailed value popularity (a few values
// are held by hundreds or all actors, most by one), analysed end to end: keys and derived
// levels (IP, /24, ASN, provider, registrable domain, path scheme, port), the inverted index,
// pair enumeration under the cap, weighing every candidate pair, and the full hypothesis
// matrix for the 1,000 strongest. Baseline in the same run: a pandas self-join (Debian's
// python3-pandas, bench/pandas_pairs.py) computing only the raw shared-value pairs of the
// same (value, actor) rows.
//
// Run one size per process so the peak RSS belongs to that size:
//   analysis_bench --benchmark_filter='Analysis/20000000'
//   analysis_bench --benchmark_filter='PandasSelfJoin/5000000'
// Results: bench/RESULTS.md, "## Analysis (issue 4)".
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

#include "cotenant/analysis.h"
#include "cotenant/enrichment.h"

namespace cotenant {
namespace {

constexpr uint32_t kActors = 2000;
constexpr int64_t kBase = 1640995200;  // 2022-01-01

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

std::string Ipv4(uint64_t h) {
  uint32_t first = 1 + static_cast<uint32_t>(h % 222);
  if (first == 10 || first == 127) first = 11;
  return std::to_string(first) + "." + std::to_string((h >> 8) & 255) + "." +
         std::to_string((h >> 16) & 255) + "." + std::to_string(1 + ((h >> 24) % 254));
}

// The text of the value of popularity rank r.
std::pair<IndicatorType, std::string> ValueOfRank(uint64_t r) {
  uint64_t h = Mix(r + 1);
  switch (r % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
      return {IndicatorType::kIpv4, Ipv4(h)};
    case 4: {
      static constexpr int kPorts[] = {443, 80, 8080, 8443, 1224, 4444};
      int port =
          (h >> 40) % 3 == 0 ? static_cast<int>(1025 + (h >> 44) % 60000) : kPorts[(h >> 40) % 6];
      return {IndicatorType::kEndpoint, Ipv4(h) + ":" + std::to_string(port)};
    }
    case 5:
    case 6:
      return {IndicatorType::kDomain,
              "d" + std::to_string(r) + ".n" + std::to_string(r / 8) + ".com"};
    case 7:
      return {IndicatorType::kUrl, "http://d" + std::to_string(r) + ".n" + std::to_string(r / 8) +
                                       ".com/p" + std::to_string(r % 50) + "/" +
                                       std::to_string(h % 100) + "/x.php"};
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string hex;
      for (int i = 0; i < 64; ++i) hex.push_back(kHex[Mix(h + i) & 15]);
      return {IndicatorType::kSha256, hex};
    }
  }
}

struct BenchData {
  AnalysisInput input;
  AsnDatabase asn;
};

// Heavy-tailed: the value rank is log-uniform (P(r) ~ 1/r); each value has a home actor and
// 30 % of its observations come from other actors (themselves log-uniform over 2,000), so a
// value drawn c times is held by about 1 + 0.3c actors, up to all of them.
std::unique_ptr<BenchData> Generate(size_t n, uint64_t seed, std::vector<uint32_t>* pandas_rows) {
  auto data = std::make_unique<BenchData>();
  AnalysisInput& in = data->input;
  for (uint32_t a = 0; a < kActors; ++a) {
    ActorInfo info;
    info.id = a + 1;
    info.name = "actor-" + std::to_string(a);
    in.AddActor(info);
  }
  std::vector<uint32_t> sources;
  for (int s = 0; s < 50; ++s) sources.push_back(in.AddSource("source-" + std::to_string(s)));
  const uint64_t v = std::max<uint64_t>(16, n / 4);
  std::vector<int32_t> value_of_rank(v, -1);
  in.Reserve(n, v);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  const double log_v = std::log(static_cast<double>(v) + 1);
  const double log_actors = std::log(static_cast<double>(kActors) + 1);
  for (size_t i = 0; i < n; ++i) {
    uint64_t rank = static_cast<uint64_t>(std::exp(unit(rng) * log_v)) - 1;
    if (rank >= v) rank = v - 1;
    if (value_of_rank[rank] < 0) {
      auto [type, text] = ValueOfRank(rank);
      value_of_rank[rank] = static_cast<int32_t>(in.AddValue(type, text));
    }
    uint32_t actor = static_cast<uint32_t>(Mix(rank * 7919) % kActors);
    if (unit(rng) < 0.3) {
      actor = static_cast<uint32_t>(std::exp(unit(rng) * log_actors)) - 1;
      if (actor >= kActors) actor = kActors - 1;
    }
    AnalysisInput::ObservationIn o;
    o.value = static_cast<uint32_t>(value_of_rank[rank]);
    o.actor = actor;
    o.source = sources[i % sources.size()];
    o.first = kBase + static_cast<int64_t>(rng() % (3 * 365)) * 86400;
    o.last = o.first + static_cast<int64_t>(rng() % 60) * 86400;
    in.AddObservation(o);
    if (pandas_rows != nullptr) {
      pandas_rows->push_back(o.value);
      pandas_rows->push_back(actor);
    }
  }
  // ASN data: 4,096 ranges over the unicast space, 1,000 autonomous systems.
  std::string csv;
  const uint64_t span = (224ull << 24) - (1ull << 24);
  for (uint64_t k = 0; k < 4096; ++k) {
    uint64_t start = (1ull << 24) + span * k / 4096;
    uint64_t end = (1ull << 24) + span * (k + 1) / 4096 - 1;
    auto text = [](uint64_t x) {
      return std::to_string(x >> 24) + "." + std::to_string((x >> 16) & 255) + "." +
             std::to_string((x >> 8) & 255) + "." + std::to_string(x & 255);
    };
    uint64_t asn = 64512 + Mix(k) % 1000;
    csv += text(start) + "," + text(end) + "," + std::to_string(asn) + ",Provider " +
           std::to_string(asn) + "\n";
  }
  Status s = data->asn.AddCsv(csv, "bench-asn.csv");
  if (!s.ok()) std::abort();
  return data;
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void BM_Analysis(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto data = Generate(n, 42, nullptr);
  Warninglists lists = Warninglists::BuiltIn();
  AnalysisOptions options;
  options.lists = &lists;
  options.asn = &data->asn;
  options.max_pairs = 1000;
  AnalysisStats stats;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    auto r = Analyze(data->input, options);
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    stats = r->stats;
    state.SetIterationTime(seconds);
    benchmark::DoNotOptimize(r->pairs.data());
  }
  state.counters["observations"] = static_cast<double>(stats.observations);
  state.counters["values"] = static_cast<double>(stats.values);
  state.counters["keys"] = static_cast<double>(stats.keys);
  state.counters["postings"] = static_cast<double>(stats.postings);
  state.counters["pair_cap"] = stats.pair_cap;
  state.counters["pair_records"] = static_cast<double>(stats.pair_records);
  state.counters["candidate_pairs"] = static_cast<double>(stats.candidate_pairs);
  state.counters["widely_shared"] = static_cast<double>(stats.widely_shared_keys);
  state.counters["peak_rss_mb"] = PeakRssMb();
  for (const auto& [name, seconds] : stats.phases) state.counters["s_" + name] = seconds;
}
BENCHMARK(BM_Analysis)
    ->Name("Analysis")
    ->Arg(1'000'000)
    ->Arg(5'000'000)
    ->Arg(20'000'000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

// The baseline: the same (value, actor) rows through pandas in a child process (memory
// limited to 8 GB like the target), timed from outside.
void BM_PandasSelfJoin(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<uint32_t> rows;
  rows.reserve(2 * n);
  { auto data = Generate(n, 42, &rows); }
  std::string path = "/tmp/cotenant_bench_pairs_" + std::to_string(n) + ".csv";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) {
      state.SkipWithError("cannot write the CSV for pandas");
      return;
    }
    for (size_t i = 0; i < rows.size(); i += 2) std::fprintf(f, "%u,%u\n", rows[i], rows[i + 1]);
    std::fclose(f);
  }
  std::string script = std::string(COTENANT_SOURCE_DIR) + "/bench/pandas_pairs.py";
  // Debian's interpreter, where python3-pandas lives (a pyenv python3 on PATH has no pandas).
  const char* env_python = std::getenv("COTENANT_PYTHON");
  std::string python = env_python != nullptr ? env_python : "/usr/bin/python3";
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      rlimit limit{8ull << 30, 8ull << 30};
      setrlimit(RLIMIT_AS, &limit);
      execl(python.c_str(), python.c_str(), script.c_str(), path.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    state.counters["child_peak_rss_mb"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
    state.counters["exit_status"] = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      state.SkipWithError("pandas failed (out of memory under the 8 GB limit, or not installed)");
    }
  }
  std::remove(path.c_str());
}
BENCHMARK(BM_PandasSelfJoin)
    ->Name("PandasSelfJoin")
    ->Arg(1'000'000)
    ->Arg(5'000'000)
    ->Arg(20'000'000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace cotenant

BENCHMARK_MAIN();
