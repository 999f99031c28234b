// `cotenant match` (sensor logs against indicators) and `cotenant snapshot` (compile, inspect).
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>

#include "cli/cli.h"
#include "cli/match_indicators.h"
#include "cotenant/log_match.h"
#include "cotenant/sensor_export.h"

namespace cotenant::cli {

namespace {

volatile std::sig_atomic_t g_reload = 0;
volatile std::sig_atomic_t g_stop = 0;
extern "C" void OnHup(int) { g_reload = 1; }
extern "C" void OnStop(int) { g_stop = 1; }

struct MatchFlags {
  std::string snapshot_path;
  SnapshotSource source;
  std::vector<std::string> logs;
  std::string format = "auto";
  bool include_expired = false;
  bool follow = false;
  bool summary = false;
  int threads = 0;
  int ttl_days = -1;
};

void PrintReport(const BuildReport& r, const GlobalOptions& global) {
  if (global.quiet) return;
  std::fprintf(
      stderr,
      "indicators: %llu records, %llu allowlist values, %llu not observable in logs, %llu "
      "rejected\n",
      static_cast<unsigned long long>(r.records), static_cast<unsigned long long>(r.allowlisted),
      static_cast<unsigned long long>(r.unmatchable), static_cast<unsigned long long>(r.rejected));
  for (const auto& m : r.messages) std::fprintf(stderr, "  %s\n", m.c_str());
}

Result<std::shared_ptr<const MatchSnapshot>> LoadSnapshot(const MatchFlags& f,
                                                          const GlobalOptions& global) {
  if (!f.snapshot_path.empty()) {
    COTENANT_ASSIGN_OR_RETURN(MatchSnapshot s, MatchSnapshot::Load(f.snapshot_path));
    return std::make_shared<const MatchSnapshot>(std::move(s));
  }
  BuildReport report;
  auto built = BuildSnapshot(f.source, &report);
  PrintReport(report, global);
  if (!built.ok()) return built.status();
  return std::make_shared<const MatchSnapshot>(std::move(built).value());
}

// Prints alerts as NDJSON and counts them for --summary.
class PrintingSink : public AlertSink {
 public:
  explicit PrintingSink(bool flush_each) : flush_each_(flush_each) {}
  void OnAlert(Alert&& a) override {
    std::string line = AlertToJson(a);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
    if (flush_each_) std::fflush(stdout);
    ++by_log[a.log];
    for (const auto& m : a.matches) ++by_type[std::string(IndicatorTypeName(m.type))];
    for (const auto& actor : a.actors) ++by_actor[actor];
    if (a.shared) ++shared;
  }
  std::map<std::string, uint64_t> by_log, by_type, by_actor;
  uint64_t shared = 0;

 private:
  bool flush_each_;
};

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out.push_back(c);
  }
  return out + "\"";
}

void PrintSummary(const LogMatchStats& s, const PrintingSink& sink, bool json) {
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  if (json) {
    std::string out =
        "{\"files\":" + std::to_string(s.files) + ",\"bytes\":" + std::to_string(s.bytes) +
        ",\"lines\":" + std::to_string(s.lines) + ",\"records\":" + std::to_string(s.records) +
        ",\"values\":" + std::to_string(s.probes) + ",\"alerts\":" + std::to_string(s.alerts) +
        ",\"matches\":" + std::to_string(s.matches) + ",\"shared\":" + std::to_string(sink.shared) +
        ",\"allowlisted\":" + std::to_string(s.allowlisted) +
        ",\"expired\":" + std::to_string(s.expired) +
        ",\"malformed\":" + std::to_string(s.malformed) +
        ",\"unreadable_inputs\":" + std::to_string(s.unreadable_inputs) +
        ",\"reloads\":" + std::to_string(s.reloads);
    for (const auto& [name, map] :
         {std::pair{"by_log", &sink.by_log}, std::pair{"by_type", &sink.by_type},
          std::pair{"by_actor", &sink.by_actor}}) {
      out += std::string(",\"") + name + "\":{";
      bool first = true;
      for (const auto& [k, v] : *map) {
        out += (first ? "" : ",") + JsonString(k) + ":" + std::to_string(v);
        first = false;
      }
      out += "}";
    }
    std::fprintf(stderr, "%s}\n", out.c_str());
    return;
  }
  std::fprintf(
      stderr,
      "files %llu, %llu bytes, %llu lines, %llu records, %llu values looked up\n"
      "alerts %llu (%llu indicator matches, %llu on infrastructure shared between actors)\n"
      "allowlisted %llu, expired %llu, malformed lines %llu, unreadable inputs %llu, reloads "
      "%llu\n",
      u(s.files), u(s.bytes), u(s.lines), u(s.records), u(s.probes), u(s.alerts), u(s.matches),
      u(sink.shared), u(s.allowlisted), u(s.expired), u(s.malformed), u(s.unreadable_inputs),
      u(s.reloads));
  for (const auto& [name, map] :
       {std::pair{"by log", &sink.by_log}, std::pair{"by indicator type", &sink.by_type},
        std::pair{"by actor", &sink.by_actor}}) {
    if (map->empty()) continue;
    std::fprintf(stderr, "%s:", name);
    for (const auto& [k, v] : *map) std::fprintf(stderr, " %s=%llu", k.c_str(), u(v));
    std::fprintf(stderr, "\n");
  }
}

int RunMatch(MatchFlags& f, const GlobalOptions& global) {
  auto format = LogFormatFromName(f.format);
  if (!format) {
    std::fprintf(stderr,
                 "cotenant match: unknown --format `%s` (auto, zeek, zeek-json, eve, plain)\n",
                 f.format.c_str());
    return kExitUsage;
  }
  if (f.ttl_days >= 0) f.source.ttl_days = f.ttl_days;
  if (f.logs.empty()) f.logs.push_back("-");
  auto initial = LoadSnapshot(f, global);
  if (!initial.ok()) {
    std::fprintf(stderr, "cotenant match: %s\n", initial.status().ToString().c_str());
    return kExitFailure;
  }
  std::shared_ptr<const MatchSnapshot> current = *initial;
  std::signal(SIGHUP, OnHup);
  std::signal(SIGINT, OnStop);
  std::signal(SIGTERM, OnStop);

  LogMatchOptions options;
  options.format = *format;
  options.include_expired = f.include_expired;
  options.threads = f.threads;
  options.follow = f.follow;
  options.should_stop = [] { return g_stop != 0; };
  // Reloads happen between chunks: every line is matched by exactly one snapshot.
  // From the store, a followed match also reloads when the store gains an ingest.
  const bool from_store = f.snapshot_path.empty() && f.source.indicator_files.empty();
  int64_t store_version = 0;
  if (from_store) {
    auto v = StoreVersion(f.source.db_path);
    if (v.ok()) store_version = *v;
  }
  auto last_check = std::chrono::steady_clock::now();
  options.snapshot = [&]() -> std::shared_ptr<const MatchSnapshot> {
    if (from_store && f.follow &&
        std::chrono::steady_clock::now() - last_check > std::chrono::seconds(5)) {
      last_check = std::chrono::steady_clock::now();
      auto v = StoreVersion(f.source.db_path);
      if (v.ok() && *v != store_version) {
        store_version = *v;
        g_reload = 1;
      }
    }
    if (g_reload != 0) {
      g_reload = 0;
      auto next = LoadSnapshot(f, global);
      if (next.ok()) {
        current = *next;
        if (!global.quiet) std::fprintf(stderr, "cotenant match: snapshot reloaded\n");
      } else {
        std::fprintf(stderr, "cotenant match: reload failed, keeping the old snapshot: %s\n",
                     next.status().ToString().c_str());
      }
    }
    return current;
  };
  std::vector<char> buffer(1 << 20);
  std::setvbuf(stdout, buffer.data(), _IOFBF, buffer.size());
  PrintingSink sink(f.follow);
  LogMatchStats stats;
  Status status = MatchLogs(f.logs, options, sink, &stats);
  std::fflush(stdout);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (!status.ok()) {
    std::fprintf(stderr, "cotenant match: %s\n", status.ToString().c_str());
    return kExitUsage;
  }
  for (const auto& e : stats.errors) std::fprintf(stderr, "cotenant match: %s\n", e.c_str());
  if (f.summary) PrintSummary(stats, sink, global.json);
  if (stats.unreadable_inputs > 0) return kExitFailure;
  return stats.alerts > 0 ? kExitRejections : kExitOk;
}

}  // namespace

void AddMatchCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto flags = std::make_shared<MatchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "match",
      "Match Zeek/Suricata logs or value lists against indicators; alerts as NDJSON on stdout");
  CLI::Option* snapshot_opt = cmd->add_option("--snapshot", flags->snapshot_path,
                                              "compiled snapshot (cotenant snapshot build)");
  CLI::Option* indicators_opt = cmd->add_option("--indicators", flags->source.indicator_files,
                                                "feed files to match against (any reader format)")
                                    ->allow_extra_args(false)
                                    ->delimiter(',');
  snapshot_opt->excludes(indicators_opt);
  cmd->add_option("--allow", flags->source.allow_files,
                  "allowlist: one value per line, or a MISP warninglist list.json")
      ->allow_extra_args(false)
      ->delimiter(',');
  cmd->add_option("--actor", flags->source.actor, "actor for feeds that name none");
  cmd->add_option("--source", flags->source.source, "source name for the feeds");
  cmd->add_option("--ttl", flags->ttl_days,
                  "records expire DAYS after their last_seen (default: never)");
  cmd->add_option("--format", flags->format,
                  "auto, zeek, zeek-json, eve, plain (default: detected per file)");
  cmd->add_flag("--include-expired", flags->include_expired,
                "also report matches whose records are expired");
  cmd->add_flag("--follow,-f", flags->follow,
                "follow one growing file, surviving rotation (tail -F)");
  cmd->add_flag("--summary", flags->summary, "print counts to stderr at the end");
  cmd->add_option("--threads", flags->threads, "worker threads (default: one per core)");
  cmd->add_option("logs", flags->logs, "log files, directories, .gz/.zst files, or - for stdin");
  cmd->footer(
      "Indicators: --snapshot FILE, or --indicators FEED (repeatable), or else the store (--db).\n"
      "Examples:\n"
      "  cotenant match --summary conn.log dns.log.gz eve.json > alerts.ndjson\n"
      "  cotenant snapshot build -o intel.snap && cotenant match --snapshot intel.snap --follow "
      "/opt/zeek/logs/current/conn.log\n"
      "  zcat eve.json.gz | cotenant match --indicators c2-ips.txt -\n"
      "Exit status: 0 no alert, 3 alerts written, 1 an input or the indicators could not be read, "
      "2 usage error. SIGHUP reloads the snapshot (or rebuilds it) between chunks; with --follow "
      "on the store, a new ingest does too.");
  cmd->callback([flags, &global, &exit_code] {
    // Neither a snapshot nor feeds: the indicators of the store (--db).
    if (flags->snapshot_path.empty() && flags->source.indicator_files.empty()) {
      flags->source.db_path = global.db_path;
    }
    exit_code = RunMatch(*flags, global);
  });
}

void AddSnapshotCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("snapshot", "Compile and inspect match snapshots");
  cmd->require_subcommand(1);
  auto source = std::make_shared<SnapshotSource>();
  auto output = std::make_shared<std::string>();
  auto ttl = std::make_shared<int>(-1);
  CLI::App* build =
      cmd->add_subcommand("build", "Compile indicators into a snapshot file (loads with mmap)");
  build->add_option("-o,--output", *output, "snapshot file to write")->required();
  build
      ->add_option("--indicators", source->indicator_files,
                   "feed files (any reader format); default: the store (--db)")
      ->allow_extra_args(false)
      ->delimiter(',');
  build->add_option("--allow", source->allow_files, "allowlist files")
      ->allow_extra_args(false)
      ->delimiter(',');
  build->add_option("--actor", source->actor, "actor for feeds that name none");
  build->add_option("--source", source->source, "source name for the feeds");
  build->add_option("--ttl", *ttl, "records expire DAYS after their last_seen");
  build->footer(
      "Examples:\n"
      "  cotenant snapshot build -o intel.snap              # every indicator in the store\n"
      "  cotenant snapshot build -o intel.snap --indicators c2.txt --actor 'Copper Lantern' "
      "--ttl 90\n"
      "Exit codes: 0 success, 1 the indicators could not be read or the file written, 2 usage "
      "error.");
  build->callback([source, output, ttl, &global, &exit_code] {
    if (*ttl >= 0) source->ttl_days = *ttl;
    if (source->indicator_files.empty()) source->db_path = global.db_path;
    BuildReport report;
    auto snap = BuildSnapshot(*source, &report);
    PrintReport(report, global);
    if (!snap.ok()) {
      std::fprintf(stderr, "cotenant snapshot build: %s\n", snap.status().ToString().c_str());
      exit_code = kExitFailure;
      return;
    }
    if (Status s = snap->Save(*output); !s.ok()) {
      std::fprintf(stderr, "cotenant snapshot build: %s\n", s.ToString().c_str());
      exit_code = kExitFailure;
      return;
    }
    auto st = snap->stats();
    std::printf(
        "%s: %llu indicators, %llu allowlist values, %llu bytes (%.1f bytes per indicator)\n",
        output->c_str(), static_cast<unsigned long long>(st.indicators),
        static_cast<unsigned long long>(st.allowlisted), static_cast<unsigned long long>(st.bytes),
        st.indicators == 0 ? 0.0 : static_cast<double>(st.bytes) / st.indicators);
    exit_code = kExitOk;
  });
  auto path = std::make_shared<std::string>();
  CLI::App* info = cmd->add_subcommand("info", "Show what a snapshot file holds");
  info->add_option("file", *path, "snapshot file")->required();
  info->footer("Example:\n  cotenant --json snapshot info intel.snap");
  info->callback([path, &global, &exit_code] {
    auto snap = MatchSnapshot::Load(*path);
    if (!snap.ok()) {
      std::fprintf(stderr, "cotenant snapshot info: %s\n", snap.status().ToString().c_str());
      exit_code = kExitFailure;
      return;
    }
    auto s = snap->stats();
    auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
    if (global.json) {
      std::printf(
          "{\"built_at\":\"%s\",\"bytes\":%llu,\"indicators\":%llu,\"allowlisted\":%llu,"
          "\"entries\":%llu,"
          "\"ipv4\":%llu,\"ipv6\":%llu,\"cidr\":%llu,\"domains\":%llu,\"urls\":%llu,\"hashes\":%"
          "llu,"
          "\"certs\":%llu,\"tls_fingerprints\":%llu,\"emails\":%llu,\"ipv4_table_bytes\":%llu,"
          "\"ipv4_filter_bytes\":%llu}\n",
          Timestamp::FromUnixSeconds(snap->built_at()).ToString().c_str(), u(s.bytes),
          u(s.indicators), u(s.allowlisted), u(s.entries), u(s.ipv4), u(s.ipv6), u(s.cidr),
          u(s.domains), u(s.urls), u(s.hashes), u(s.certs), u(s.tls_fingerprints), u(s.emails),
          u(s.ipv4_table_bytes), u(s.ipv4_filter_bytes));
    } else {
      std::printf(
          "built %s, %llu bytes\n%llu indicators (%llu records), %llu allowlist values\n"
          "ipv4 %llu, ipv6 %llu, cidr %llu, domains %llu, urls %llu, file hashes %llu, certs %llu, "
          "tls fingerprints %llu, e-mail %llu\n",
          Timestamp::FromUnixSeconds(snap->built_at()).ToString().c_str(), u(s.bytes),
          u(s.indicators), u(s.entries), u(s.allowlisted), u(s.ipv4), u(s.ipv6), u(s.cidr),
          u(s.domains), u(s.urls), u(s.hashes), u(s.certs), u(s.tls_fingerprints), u(s.emails));
      if (s.ipv4_table_bytes != 0 && s.ipv4_filter_bytes == 0) {
        std::printf(
            "ipv4 table %llu bytes, no ipv4 filter (written by an older cotenant: rebuild it for "
            "faster IPv4 lookups)\n",
            u(s.ipv4_table_bytes));
      } else if (s.ipv4_table_bytes != 0) {
        std::printf("ipv4 table %llu bytes, ipv4 filter %llu bytes\n", u(s.ipv4_table_bytes),
                    u(s.ipv4_filter_bytes));
      }
    }
    exit_code = kExitOk;
  });
}

namespace {

struct ExportFlags {
  std::string snapshot_path;
  SnapshotSource source;
  std::string output;
  std::string prefix = "cotenant";
  uint32_t first_sid = 9400000;
};

void PrintExportReport(const ExportReport& r, const GlobalOptions& global) {
  if (global.quiet) return;
  std::fprintf(stderr, "exported %llu indicators\n", static_cast<unsigned long long>(r.exported));
  for (const auto& [reason, n] : r.skipped) {
    std::fprintf(stderr, "left out %llu: %s\n", static_cast<unsigned long long>(n), reason.c_str());
  }
  for (const auto& loss : r.losses) std::fprintf(stderr, "loses: %s\n", loss.c_str());
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) return IoError(path + ": cannot write");
  return Status::Ok();
}

int RunExport(const ExportFlags& f, bool zeek, const GlobalOptions& global) {
  MatchFlags m;
  m.snapshot_path = f.snapshot_path;
  m.source = f.source;
  auto snap = LoadSnapshot(m, global);
  if (!snap.ok()) {
    std::fprintf(stderr, "cotenant export: %s\n", snap.status().ToString().c_str());
    return kExitFailure;
  }
  ExportReport report;
  if (zeek) {
    auto text = ZeekIntelFile(**snap, &report);
    if (!text.ok()) {
      std::fprintf(stderr, "cotenant export: %s\n", text.status().ToString().c_str());
      return kExitFailure;
    }
    if (Status s = WriteFile(f.output, *text); !s.ok()) {
      std::fprintf(stderr, "cotenant export: %s\n", s.ToString().c_str());
      return kExitFailure;
    }
  } else {
    SuricataOptions options;
    options.prefix = f.prefix;
    options.first_sid = f.first_sid;
    auto files = SuricataDatasets(**snap, options, &report);
    if (!files.ok()) {
      std::fprintf(stderr, "cotenant export: %s\n", files.status().ToString().c_str());
      return kExitFailure;
    }
    std::error_code ec;
    std::filesystem::create_directories(f.output, ec);
    for (const auto& [name, text] : files->files) {
      if (Status s = WriteFile((std::filesystem::path(f.output) / name).string(), text); !s.ok()) {
        std::fprintf(stderr, "cotenant export: %s\n", s.ToString().c_str());
        return kExitFailure;
      }
    }
  }
  PrintExportReport(report, global);
  return kExitOk;
}

}  // namespace

void AddExportCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "export", "Export indicators for Zeek (intel file) or Suricata (datasets + rules)");
  cmd->require_subcommand(1);
  for (bool zeek : {true, false}) {
    auto flags = std::make_shared<ExportFlags>();
    CLI::App* sub =
        zeek ? cmd->add_subcommand("zeek-intel", "Write a Zeek intel file (Intel::read_files)")
             : cmd->add_subcommand("suricata",
                                   "Write Suricata datasets and the rules that use them");
    CLI::Option* snapshot_opt =
        sub->add_option("--snapshot", flags->snapshot_path, "compiled snapshot");
    CLI::Option* indicators_opt =
        sub->add_option("--indicators", flags->source.indicator_files, "feed files")
            ->allow_extra_args(false)
            ->delimiter(',');
    snapshot_opt->excludes(indicators_opt);
    sub->add_option("--allow", flags->source.allow_files,
                    "allowlist files (allowlisted values are left out)")
        ->allow_extra_args(false)
        ->delimiter(',');
    sub->add_option("--actor", flags->source.actor, "actor for feeds that name none");
    sub->add_option("-o,--output", flags->output,
                    zeek ? "intel file to write" : "directory to write")
        ->required();
    if (!zeek) {
      sub->add_option("--prefix", flags->prefix, "dataset and message prefix")
          ->capture_default_str();
      sub->add_option("--first-sid", flags->first_sid, "first rule SID")->capture_default_str();
    }
    sub->footer(std::string("What each export cannot express is printed to stderr and listed in "
                            "docs/match.md.\nExample:\n  ") +
                (zeek ? "cotenant export zeek-intel -o /opt/zeek/share/intel/cotenant.intel"
                      : "cotenant export suricata -o /etc/suricata/cotenant/ --first-sid 9100000"));
    sub->callback([flags, zeek, &global, &exit_code] {
      if (flags->snapshot_path.empty() && flags->source.indicator_files.empty()) {
        flags->source.db_path = global.db_path;
      }
      exit_code = RunExport(*flags, zeek, global);
    });
  }
}

}  // namespace cotenant::cli
