// `cotenant analyze` and `cotenant explain A B`: load the store into the analysis, weigh every
// actor pair, print the report (include/cotenant/analysis.h, analysis_report.h).
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/cli.h"
#include "cotenant/analysis.h"
#include "cotenant/analysis_report.h"
#include "cotenant/enrichment.h"
#include "cotenant/store.h"

namespace cotenant::cli {
namespace {

struct AnalyzeFlags {
  std::vector<std::string> actors;
  std::string since, until;
  double min_score = 0;
  size_t limit = 100;
  std::vector<std::string> warninglists;
  bool no_builtin_facts = false;
  std::vector<std::string> asn;
  std::string output;
  std::string markdown;
  std::string state;
  bool no_state = false;
  int max_pair_actors = 50;
  size_t max_evidence = 40;
  std::string a, b;  // explain
};

void AddSharedFlags(CLI::App* cmd, AnalyzeFlags& f) {
  cmd->add_option("--since", f.since, "only observations in use on or after this date");
  cmd->add_option("--until", f.until, "only observations in use on or before this date");
  cmd->add_option("--warninglists", f.warninglists,
                  "MISP warninglists directory (list.json files); repeatable")
      ->take_all();
  cmd->add_flag("--no-builtin-facts", f.no_builtin_facts,
                "do not load the built-in facts (Telegram, public resolvers, DDNS, paste sites)");
  cmd->add_option("--asn", f.asn,
                  "IP-to-ASN data: ip-location-db CSV (start,end,asn,org) or MaxMind .mmdb; "
                  "repeatable")
      ->take_all();
  cmd->add_option("--max-pair-actors", f.max_pair_actors,
                  "values held by more actors are aggregated as weak evidence, not enumerated")
      ->capture_default_str();
}

// Everything an analysis run needs, loaded; errors already printed.
struct Loaded {
  std::unique_ptr<Store> store;
  Warninglists lists;
  AsnDatabase asn;
  AnalysisInput input;
  AnalysisOptions options;
  ReportInfo info;
};

int Fail(std::string_view cmd, const Status& s, int code = kExitFailure) {
  std::cerr << "cotenant " << cmd << ": " << s.message() << "\n";
  return code;
}

int Load(std::string_view cmd, const GlobalOptions& global, const AnalyzeFlags& f,
         const std::vector<std::string>& actor_names, Loaded* out) {
  AnalysisOptions& o = out->options;
  if (!f.since.empty()) {
    auto t = Timestamp::Parse(f.since);
    if (!t.ok()) return Fail(cmd, t.status().WithContext("--since"), kExitUsage);
    o.since = *t;
  }
  if (!f.until.empty()) {
    auto t = Timestamp::Parse(f.until);
    if (!t.ok()) return Fail(cmd, t.status().WithContext("--until"), kExitUsage);
    // A bare date means the whole day.
    o.until = f.until.size() == 10 ? Timestamp::FromUnixSeconds(t->unix_seconds() + 86399) : *t;
  }
  if (f.max_pair_actors < 2) {
    return Fail(cmd, InvalidArgument("--max-pair-actors must be at least 2"), kExitUsage);
  }
  o.max_pair_actors = f.max_pair_actors;
  if (!f.no_builtin_facts) {
    out->lists = Warninglists::BuiltIn();
    out->info.warninglists.push_back("built-in");
  }
  for (const std::string& dir : f.warninglists) {
    Status s = out->lists.LoadMispDirectory(dir);
    if (!s.ok()) return Fail(cmd, s);
    out->info.warninglists.push_back(dir);
  }
  if (!global.quiet) {
    for (const std::string& w : out->lists.warnings()) std::cerr << "warning: " << w << "\n";
  }
  for (const std::string& file : f.asn) {
    Status s = out->asn.Load(file);
    if (!s.ok()) return Fail(cmd, s);
    out->info.asn_files.push_back(file);
  }
  o.lists = &out->lists;
  o.asn = out->asn.empty() ? nullptr : &out->asn;

  StoreOptions store_options;
  store_options.read_only = true;
  auto store = OpenSqliteStore(global.db_path, store_options);
  if (!store.ok()) return Fail(cmd, store.status());
  out->store = std::move(store).value();
  for (const std::string& name : actor_names) {
    auto r = out->store->ResolveName(name);
    if (!r.ok()) return Fail(cmd, r.status());
    o.actors.push_back(r->actor_id);
    out->info.actor_filter.push_back(name);
  }
  auto last = out->store->LastIngestId();
  if (!last.ok()) return Fail(cmd, last.status());
  out->info.last_ingest = *last;
  out->info.store = global.db_path;
  out->info.generated = Timestamp::Now().ToString();
  Status s = LoadAnalysisInput(*out->store, LoadOptions{}, &out->input);
  if (!s.ok()) return Fail(cmd, s);
  for (size_t i = 0; i < actor_names.size(); ++i) {
    if (!out->input.FindActor(o.actors[i])) {
      return Fail(cmd, NotFound("no observation names the actor \"" + actor_names[i] + "\""),
                  kExitUsage);
    }
  }
  return kExitOk;
}

Status WriteText(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    return Status::Ok();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return IoError(path + ": cannot write");
  out << text;
  if (!out) return IoError(path + ": write failed");
  return Status::Ok();
}

}  // namespace

void AddAnalyzeCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto f = std::make_shared<AnalyzeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "weigh what every pair of actors shares (time, specificity, independence) and rank the "
      "competing explanations; Markdown by default, --json for the versioned JSON");
  cmd->add_option("--actor", f->actors, "only pairs with this actor (name or alias); repeatable")
      ->take_all();
  cmd->add_option("--min-score", f->min_score, "only pairs scoring at least this (0-100)")
      ->capture_default_str();
  cmd->add_option("--limit", f->limit, "at most this many pairs, strongest first (0 = all)")
      ->capture_default_str();
  cmd->add_option("--max-evidence", f->max_evidence, "value items shown per pair")
      ->capture_default_str();
  AddSharedFlags(cmd, *f);
  cmd->add_option("-o,--output", f->output, "write the report to FILE instead of stdout");
  cmd->add_option("--markdown", f->markdown, "also write the Markdown summary to FILE");
  cmd->add_option("--state", f->state,
                  "state file remembering the last analysis (default: the --db path + "
                  "\".analysis.json\")");
  cmd->add_flag("--no-state", f->no_state, "neither read nor write the state (no new links)");
  cmd->footer(
      "Examples:\n"
      "  cotenant analyze --warninglists demo/lists/warninglists --asn demo/lists/asn.csv\n"
      "  cotenant --json analyze -o analysis.json --markdown analysis.md --limit 0\n"
      "  cotenant analyze --actor 'Copper Lantern' --since 2025-01-01 --min-score 40\n"
      "Pairs that are new or whose leading hypothesis changed since the last full run are listed "
      "as new links (state in --state).\n"
      "Exit codes: 0 success, 1 the store or an enrichment file could not be read, 2 usage error.");
  cmd->callback([f, &global, &exit_code] {
    Loaded loaded;
    int rc = Load("analyze", global, *f, f->actors, &loaded);
    if (rc != kExitOk) {
      exit_code = rc;
      return;
    }
    AnalysisOptions& o = loaded.options;
    o.min_score = f->min_score;
    o.max_pairs = f->limit;
    o.max_evidence = f->max_evidence;
    loaded.info.options = o;
    auto result = Analyze(loaded.input, o);
    if (!result.ok()) {
      exit_code = Fail("analyze", result.status());
      return;
    }
    std::vector<NewLink> links;
    const std::vector<NewLink>* new_links = nullptr;
    std::string state_path = f->state.empty() ? global.db_path + ".analysis.json" : f->state;
    if (!f->no_state) {
      auto previous = ReadAnalysisState(state_path);
      if (!previous.ok()) {
        exit_code = Fail("analyze", previous.status());
        return;
      }
      if (previous->has_value()) {
        links = DiffLinks(**previous, *result);
        new_links = &links;
      }
      // Only a run over everything becomes the reference for the next comparison.
      bool filtered = !f->actors.empty() || o.since || o.until;
      if (!filtered) {
        Status s = WriteAnalysisState(
            state_path, StateOf(*result, loaded.info.last_ingest, loaded.info.generated));
        if (!s.ok()) {
          exit_code = Fail("analyze", s);
          return;
        }
      }
    }
    std::string text = global.json ? RenderJson(*result, loaded.info, new_links)
                                   : RenderMarkdown(*result, loaded.info, new_links);
    Status s = WriteText(f->output, text);
    if (s.ok() && !f->markdown.empty()) {
      s = WriteText(f->markdown, RenderMarkdown(*result, loaded.info, new_links));
    }
    if (!s.ok()) {
      exit_code = Fail("analyze", s);
      return;
    }
    if (!global.quiet && !f->output.empty()) {
      std::cerr << "cotenant analyze: " << result->pairs.size() << " pairs written to "
                << f->output;
      if (new_links != nullptr) std::cerr << "; " << links.size() << " new links";
      std::cerr << " (" << result->stats.seconds << " s)\n";
    }
    exit_code = kExitOk;
  });
}

void AddExplainCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto f = std::make_shared<AnalyzeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "the evidence x hypothesis matrix of two actors and a timeline of both sides' use of each "
      "shared value");
  cmd->add_option("actor_a", f->a, "first actor (name or alias)")->required();
  cmd->add_option("actor_b", f->b, "second actor (name or alias)")->required();
  cmd->add_option("--max-evidence", f->max_evidence, "value items shown")->capture_default_str();
  AddSharedFlags(cmd, *f);
  cmd->footer(
      "Example:\n"
      "  cotenant explain 'Copper Lantern' 'Velvet Hornet' --warninglists demo/lists/warninglists\n"
      "Exit codes: 0 success, 1 an actor is unknown or the store could not be read, 2 usage "
      "error.");
  cmd->callback([f, &global, &exit_code] {
    Loaded loaded;
    int rc = Load("explain", global, *f, {f->a, f->b}, &loaded);
    if (rc != kExitOk) {
      exit_code = rc;
      return;
    }
    if (loaded.options.actors[0] == loaded.options.actors[1]) {
      exit_code = Fail("explain",
                       InvalidArgument("\"" + f->a + "\" and \"" + f->b + "\" are the same actor"),
                       kExitUsage);
      return;
    }
    loaded.options.max_evidence = f->max_evidence;
    auto result = Analyze(loaded.input, loaded.options);
    if (!result.ok()) {
      exit_code = Fail("explain", result.status());
      return;
    }
    if (result->pairs.empty()) {
      if (global.json) {
        std::cout << "null\n";
      } else {
        std::cout << f->a << " and " << f->b
                  << " share no value at any level (exact, derived or through passive DNS)"
                  << " held by at most " << result->stats.pair_cap << " actors.\n";
      }
      exit_code = kExitOk;
      return;
    }
    std::cout << (global.json ? RenderPairJson(result->pairs[0]) + "\n"
                              : RenderExplain(result->pairs[0]));
    exit_code = kExitOk;
  });
}

}  // namespace cotenant::cli
