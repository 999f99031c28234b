// Canonicalization and extraction throughput against a naive std::regex baseline, in one run.
//
// Workloads (real data from ../shared when present, $COTENANT_SHARED overrides; a generated set
// of the same shapes otherwise):
//  - classify: every 8th non-comment maltrail trail line (domains, IPs, IP:port, URLs, paths)
//    through ClassifyIndicator; baseline: a chain of std::regex_match tests that only types and
//    lower-cases the value (no IDN, no PSL, no refanging).
//  - extract: the Cisco Talos .txt IOC files and ESET README tables (defanged report text), cut
//    to 1 MiB, through ExtractIndicators; baseline: one std::regex alternation of IP, URL,
//    e-mail, hash and domain patterns run with std::sregex_iterator (no refanging).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cotenant/extract.h"
#include "cotenant/indicator.h"

namespace {

namespace fs = std::filesystem;

std::string SharedDir() {
  const char* env = std::getenv("COTENANT_SHARED");
  std::string dir = env != nullptr ? env : COTENANT_SHARED_DIR;
  return fs::is_directory(dir + "/data") ? dir : "";
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> Files(const fs::path& dir, const std::string& ext, const std::string& stem) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ext) continue;
    if (!stem.empty() && e.path().stem() != stem) continue;
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Generated values of the shapes maltrail holds, for machines without ../shared.
std::vector<std::string> GeneratedValues() {
  std::vector<std::string> out;
  for (int i = 0; i < 40000; ++i) {
    switch (i % 6) {
      case 0:
        out.push_back("host" + std::to_string(i) + ".example-c2.ru");
        break;
      case 1:
        out.push_back("update-" + std::to_string(i) + ".com");
        break;
      case 2:
        out.push_back(std::to_string(i % 223 + 1) + "." + std::to_string(i % 250) + ".7." +
                      std::to_string(i % 254 + 1));
        break;
      case 3:
        out.push_back("45.77." + std::to_string(i % 250) +
                      ".9:" + std::to_string(1024 + i % 60000));
        break;
      case 4:
        out.push_back("http://cdn" + std::to_string(i) + ".example.net/payload/" +
                      std::to_string(i));
        break;
      default:
        out.push_back("/payload/" + std::to_string(i % 100) + "/" + std::to_string(i));
        break;
    }
  }
  return out;
}

const std::vector<std::string>& Values() {
  static const std::vector<std::string> values = [] {
    std::vector<std::string> out;
    std::string shared = SharedDir();
    if (shared.empty()) return GeneratedValues();
    size_t n = 0;
    for (const auto& f : Files(shared + "/data/maltrail/trails/static/malware", ".txt", "")) {
      std::istringstream in(ReadAll(f));
      std::string line;
      while (std::getline(in, line)) {
        line = line.substr(0, line.find('#'));
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
        if (line.empty()) continue;
        if (n++ % 8 == 0) out.push_back(line);
      }
    }
    return out;
  }();
  return values;
}

std::string GeneratedReport() {
  std::string text;
  for (int i = 0; text.size() < (1u << 20); ++i) {
    text += "The loader (version 2.1.0.4) contacted hxxp://c2-" + std::to_string(i) +
            ".example[.]ru/gate.php and 185.163.45[.]" + std::to_string(i % 250) +
            ":443, then dropped invoice.pdf with SHA-256 "
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855. Reports went to "
            "ops" +
            std::to_string(i) + "@proton[.]me over the following weeks.\n";
  }
  return text;
}

const std::string& ReportText() {
  static const std::string text = [] {
    std::string shared = SharedDir();
    if (shared.empty()) return GeneratedReport();
    std::string out;
    for (const auto& f : Files(shared + "/data/cisco-talos-iocs", ".txt", "")) out += ReadAll(f);
    for (const auto& f : Files(shared + "/data/eset-malware-ioc", ".adoc", "README")) {
      out += ReadAll(f);
    }
    // Talos IOC lists first, then ESET tables and prose; cut to 1 MiB.
    out.resize(std::min<size_t>(out.size(), 1u << 20));
    return out;
  }();
  return text;
}

// ---- canonicalization ----------------------------------------------------------------------

void BM_ClassifyIndicator(benchmark::State& state) {
  const auto& values = Values();
  size_t ok = 0;
  for (auto _ : state) {
    for (const std::string& v : values) {
      auto result = cotenant::ClassifyIndicator(v);
      ok += result.ok() ? 1 : 0;
      benchmark::DoNotOptimize(result);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * values.size()));
  state.counters["accepted_per_iter"] =
      static_cast<double>(ok) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ClassifyIndicator)->Unit(benchmark::kMillisecond);

// The naive way: one regex per type, tried in order, and a lower-cased copy as "canonical".
void BM_ClassifyRegexBaseline(benchmark::State& state) {
  const auto& values = Values();
  const std::vector<std::pair<const char*, std::regex>> types = [] {
    std::vector<std::pair<const char*, std::regex>> t;
    t.emplace_back("url", std::regex(R"(^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/?#]+[^\s]*$)"));
    t.emplace_back("endpoint", std::regex(R"(^(\d{1,3}\.){3}\d{1,3}:\d{1,5}$)"));
    t.emplace_back("cidr", std::regex(R"(^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$)"));
    t.emplace_back("ipv4", std::regex(R"(^(\d{1,3}\.){3}\d{1,3}$)"));
    t.emplace_back("email", std::regex(R"(^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$)"));
    t.emplace_back("hash", std::regex(R"(^([0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$)"));
    t.emplace_back("url-path", std::regex(R"(^/[^\s]+$)"));
    t.emplace_back("url", std::regex(R"(^[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?/[^\s]*$)"));
    t.emplace_back("domain",
                   std::regex(R"(^(\*\.)?([A-Za-z0-9_-]{1,63}\.)+[A-Za-z][A-Za-z0-9-]{1,62}$)"));
    return t;
  }();
  size_t ok = 0;
  for (auto _ : state) {
    for (const std::string& v : values) {
      for (const auto& [name, re] : types) {
        if (std::regex_match(v, re)) {
          std::string canonical = v;
          std::transform(canonical.begin(), canonical.end(), canonical.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          benchmark::DoNotOptimize(canonical);
          benchmark::DoNotOptimize(name);
          ++ok;
          break;
        }
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * values.size()));
  state.counters["accepted_per_iter"] =
      static_cast<double>(ok) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ClassifyRegexBaseline)->Unit(benchmark::kMillisecond);

// ---- extraction ----------------------------------------------------------------------------

void BM_ExtractIndicators(benchmark::State& state) {
  const std::string& text = ReportText();
  size_t hits = 0;
  for (auto _ : state) {
    auto found = cotenant::ExtractIndicators(text);
    hits = found.size();
    benchmark::DoNotOptimize(found);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["hits"] = static_cast<double>(hits);
}
BENCHMARK(BM_ExtractIndicators)->Unit(benchmark::kMillisecond);

void BM_ExtractRegexBaseline(benchmark::State& state) {
  const std::string& text = ReportText();
  const std::regex pattern(R"(\b(?:https?|ftp)://[^\s"'<>]+)"
                           R"(|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b)"
                           R"(|\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b)"
                           R"(|\b[0-9a-fA-F]{64}\b|\b[0-9a-fA-F]{40}\b|\b[0-9a-fA-F]{32}\b)"
                           R"(|\b(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b)");
  size_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern);
         it != std::sregex_iterator(); ++it) {
      benchmark::DoNotOptimize(it->position());
      ++hits;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["hits"] = static_cast<double>(hits);
}
BENCHMARK(BM_ExtractRegexBaseline)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
