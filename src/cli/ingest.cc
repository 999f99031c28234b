// `cotenant ingest PATH...`: read files and directories into the store, one transaction per
// file. Thin: the work is cotenant::IngestPaths with cotenant::ReadPath.
#include "cotenant/ingest.h"

#include <fmt/format.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cotenant/reader.h"
#include "cotenant/store.h"
#include "server/json.h"

namespace cotenant::cli {
namespace {

using server::JsonWriter;

struct IngestFlags {
  std::vector<std::string> paths;
  std::string format = "auto";
  std::string source;
  std::string actor;
  std::string role;
  std::string tlp;
  std::string columns;
  bool partial = false;
  bool strict = false;
};

void WriteCounts(JsonWriter& j, const IngestCounts& c) {
  j.BeginObject()
      .Member("observations", c.observations)
      .Member("duplicate_observations", c.duplicate_observations)
      .Member("relationships", c.relationships)
      .Member("duplicate_relationships", c.duplicate_relationships)
      .Member("actor_records", c.actor_records)
      .Member("sources", c.sources)
      .Member("rejections", c.rejections)
      .EndObject();
}

void PrintJson(const IngestSummary& s) {
  JsonWriter j;
  j.BeginObject().Key("inputs").BeginArray();
  for (const auto& in : s.inputs) {
    j.BeginObject()
        .Member("path", in.path)
        .Member("outcome", InputOutcomeName(in.outcome))
        .Member("ingest_id", in.ingest_id);
    if (!in.error.ok()) j.Member("error", in.error.ToString());
    j.Key("counts");
    WriteCounts(j, in.counts);
    j.EndObject();
  }
  j.EndArray().Key("totals");
  WriteCounts(j, s.totals);
  j.Key("rejected").BeginObject();
  for (const auto& [reason, n] : s.rejected) j.Member(reason, n);
  j.EndObject().Key("sample_rejections").BeginArray();
  for (const auto& r : s.sample_rejections) {
    j.BeginObject()
        .Member("at", r.location.ToString())
        .Member("reason", r.reason)
        .Member("text", r.text)
        .EndObject();
  }
  j.EndArray().EndObject();
  std::cout << j.str() << "\n";
}

void PrintText(const IngestSummary& s) {
  size_t ingested = 0, partial = 0, skipped = 0;
  for (const auto& in : s.inputs) {
    ingested += in.outcome == InputOutcome::kIngested;
    partial += in.outcome == InputOutcome::kPartial;
    skipped += in.outcome == InputOutcome::kSkipped;
  }
  std::cout << fmt::format(
      "inputs: {} ingested, {} skipped (same content already ingested), {} partial, {} failed\n",
      ingested, skipped, partial, s.failed_inputs);
  const auto& t = s.totals;
  std::cout << fmt::format(
      "observations: {} new, {} already known; relationships: {} new, {} already known; "
      "actor records: {}\n",
      t.observations, t.duplicate_observations, t.relationships, t.duplicate_relationships,
      t.actor_records);
  if (!s.rejected.empty()) {
    int64_t total = 0;
    for (const auto& [reason, n] : s.rejected) total += n;
    std::cout << fmt::format("rejected records: {}\n", total);
    for (const auto& [reason, n] : s.rejected) std::cout << fmt::format("  {:>8}  {}\n", n, reason);
    std::cout << "first rejections:\n";
    for (const auto& r : s.sample_rejections) {
      std::cout << fmt::format("  {}: {}{}\n", r.location.ToString(), r.reason,
                               r.text.empty() ? "" : " `" + r.text + "`");
    }
  }
  for (const auto& in : s.inputs) {
    if (in.outcome == InputOutcome::kFailed || in.outcome == InputOutcome::kPartial) {
      std::cout << fmt::format("{} {}: {}\n", InputOutcomeName(in.outcome), in.path,
                               in.error.ToString());
    }
  }
}

int Run(const GlobalOptions& global, const IngestFlags& flags) {
  IngestOptions options;
  auto format = FormatFromName(flags.format);
  if (!format) {
    std::cerr << "cotenant ingest: unknown --format `" << flags.format << "`\n";
    return kExitUsage;
  }
  options.read.format = *format;
  options.format_name = std::string(FormatName(*format));
  options.read.source = flags.source;
  options.read.actor = flags.actor;
  options.read.csv_columns = flags.columns;
  if (!flags.role.empty()) {
    auto role = RoleFromName(flags.role);
    if (!role) {
      std::cerr << "cotenant ingest: unknown --role `" << flags.role << "`\n";
      return kExitUsage;
    }
    options.read.role = *role;
  }
  if (!flags.tlp.empty()) {
    auto tlp = TlpFromName(flags.tlp);
    if (!tlp) {
      std::cerr << "cotenant ingest: unknown --tlp `" << flags.tlp << "`\n";
      return kExitUsage;
    }
    options.read.tlp = *tlp;
  }
  options.partial = flags.partial;
  const bool progress = ShowProgress(global);
  if (progress) {
    options.progress = [](const IngestProgress& p) {
      std::cerr << fmt::format("\r\x1b[K[{}/{}] {:.0f}% {} ({} records)", p.input_index + 1,
                               p.input_count,
                               p.bytes_total > 0 ? 100.0 * p.bytes_done / p.bytes_total : 100.0,
                               p.path, p.observations)
                << std::flush;
    };
  }
  auto store = OpenSqliteStore(global.db_path);
  if (!store.ok()) {
    std::cerr << "cotenant ingest: " << store.status().ToString() << "\n";
    return kExitFailure;
  }
  auto summary = IngestPaths(**store, flags.paths, options, ReadPath);
  if (progress) std::cerr << "\r\x1b[K";
  if (!summary.ok()) {
    std::cerr << "cotenant ingest: " << summary.status().ToString() << "\n";
    return summary.status().code() == StatusCode::kNotFound ? kExitUsage : kExitFailure;
  }
  if (global.json) {
    PrintJson(*summary);
  } else {
    PrintText(*summary);
  }
  bool anything_read = false;
  for (const auto& in : summary->inputs) anything_read |= in.outcome != InputOutcome::kFailed;
  if (!anything_read) return kExitFailure;
  if (flags.strict && (!summary->rejected.empty() || summary->failed_inputs > 0)) {
    return kExitRejections;
  }
  return kExitOk;
}

}  // namespace

void AddIngestCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto flags = std::make_shared<IngestFlags>();
  CLI::App* cmd = app.add_subcommand(
      "ingest", "Read intelligence files or directories into the store (one transaction per file)");
  cmd->add_option("paths", flags->paths, "files or directories (walked recursively)")->required();
  cmd->add_option("--format", flags->format,
                  "auto, stix, misp, misp-feed, misp-galaxy, maltrail, ioc-text, table, csv, "
                  "plain, pdns, telegram")
      ->capture_default_str();
  cmd->add_option("--source", flags->source, "source name to record (default: from the input)");
  cmd->add_option("--actor", flags->actor,
                  "actor for inputs that name none (plain, csv, telegram)");
  cmd->add_option("--role", flags->role, "default role: c2, payload-host, phishing, ...");
  cmd->add_option("--tlp", flags->tlp, "default marking: clear, green, amber, amber+strict, red");
  cmd->add_option("--columns", flags->columns,
                  "CSV column mapping, e.g. value=1,type=2,actor=3 or value=Indicator");
  cmd->add_flag("--partial", flags->partial, "keep what was read before a file failed");
  cmd->add_flag("--strict", flags->strict, "exit 3 when any record was rejected");
  cmd->footer(
      "Re-ingesting the same content adds nothing. Examples:\n"
      "  cotenant ingest demo/\n"
      "  cotenant ingest --format plain --actor 'APT28' --source my-team --role c2 ips.txt\n"
      "  cotenant --json ingest --strict feeds/misp/ > summary.json");
  cmd->callback([&global, &exit_code, flags] { exit_code = Run(global, *flags); });
}

}  // namespace cotenant::cli
