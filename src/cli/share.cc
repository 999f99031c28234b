// `cotenant export`, `cotenant report` and `cotenant serve`: the sharing shells over
// include/cotenant/sharing.h, export.h, report.h and src/server.
#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "cotenant/export.h"
#include "cotenant/report.h"
#include "cotenant/sharing.h"
#include "server/api.h"
#include "server/findings.h"
#include "server/http.h"
#include "server/service.h"

namespace cotenant::cli {
namespace {

struct PolicyFlags {
  std::string clearance;
  std::string unmarked_as = "amber";
  std::string naming_as = "clear";
  std::string lists_dir;
  std::string asn_path;
};

void AddPolicyFlags(CLI::App* cmd, PolicyFlags& flags, bool clearance_required) {
  if (clearance_required) {
    cmd->add_option("--tlp", flags.clearance,
                    "clearance of the recipients: nothing marked above it is written "
                    "(clear, green, amber, amber+strict, red)")
        ->required();
  }
  cmd->add_option("--unmarked-tlp", flags.unmarked_as,
                  "level at which records without a marking are handled")
      ->capture_default_str();
  cmd->add_option("--naming-tlp", flags.naming_as,
                  "level at which naming data (aliases, external ids) is handled")
      ->capture_default_str();
  cmd->add_option("--warninglists,--lists", flags.lists_dir,
                  "MISP warninglists directory for the analysis (built-in facts always apply)");
  cmd->add_option("--asn", flags.asn_path, "IP-to-ASN data for the analysis (CSV or .mmdb)");
}

Result<SharingPolicy> MakePolicy(const PolicyFlags& flags, bool with_clearance) {
  SharingPolicy p;
  if (with_clearance) {
    COTENANT_ASSIGN_OR_RETURN(p.clearance, ParseClearance(flags.clearance));
  }
  Result<Tlp> unmarked = ParseClearance(flags.unmarked_as);
  if (!unmarked.ok()) return InvalidArgument("--unmarked-tlp: " + unmarked.status().message());
  Result<Tlp> naming = ParseClearance(flags.naming_as);
  if (!naming.ok()) return InvalidArgument("--naming-tlp: " + naming.status().message());
  p.unmarked_as = *unmarked;
  p.naming_as = *naming;
  return p;
}

Result<SharedView> LoadView(const GlobalOptions& global, const PolicyFlags& flags,
                            const SharingPolicy& policy) {
  COTENANT_ASSIGN_OR_RETURN(server::FindingsOptions findings,
                            server::LoadFindingsOptions(flags.lists_dir, flags.asn_path));
  StoreOptions options;
  options.read_only = true;
  COTENANT_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenSqliteStore(global.db_path, options));
  COTENANT_ASSIGN_OR_RETURN(SharedView view, BuildSharedView(*store, policy));
  COTENANT_RETURN_IF_ERROR(server::AttachFindings(*store, view, findings));
  return view;
}

int WriteOutput(const std::string& path, const std::string& content, std::string_view cmd) {
  if (path.empty() || path == "-") {
    std::cout << content;
    std::cout.flush();
    return std::cout ? kExitOk : kExitFailure;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    std::cerr << "cotenant " << cmd << ": cannot write " << path << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void AddShareExportCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Flags {
    PolicyFlags policy;
    std::string format;
    std::string output;
    std::string only;
  };
  auto flags = std::make_shared<Flags>();
  // `cotenant export` also has the matcher's sensor exports as subcommands (zeek-intel,
  // suricata); without a subcommand it exports the store's view with --format.
  CLI::App* cmd = app.get_subcommand("export");
  cmd->require_subcommand(0, 1);
  cmd->description(
      "export indicators and findings with their TLP markings: --format stix|misp|csv --tlp "
      "LEVEL; or the sensor formats: export zeek-intel | export suricata");
  cmd->add_option("--format", flags->format, "stix, misp or csv")
      ->check(CLI::IsMember({"stix", "misp", "csv"}));
  cmd->add_option("--tlp", flags->policy.clearance,
                  "clearance of the recipients: nothing marked above it is written "
                  "(clear, green, amber, amber+strict, red); required with --format");
  cmd->add_option("--unmarked-tlp", flags->policy.unmarked_as,
                  "level at which records without a marking are handled")
      ->capture_default_str();
  cmd->add_option("--naming-tlp", flags->policy.naming_as,
                  "level at which naming data (aliases, external ids) is handled")
      ->capture_default_str();
  cmd->add_option("--warninglists,--lists", flags->policy.lists_dir,
                  "MISP warninglists directory for the analysis (built-in facts always apply)");
  cmd->add_option("--asn", flags->policy.asn_path,
                  "IP-to-ASN data for the analysis (CSV or .mmdb)");
  cmd->add_option("-o,--output", flags->output,
                  "output file for --format (default: standard output)");
  cmd->add_option("--only", flags->only, "indicators or findings")
      ->check(CLI::IsMember({"indicators", "findings"}));
  cmd->footer(
      "Examples:\n"
      "  cotenant export --format stix --tlp green -o partners.json   # STIX 2.1 bundle\n"
      "  cotenant export --format misp --tlp amber --only findings -o event.json\n"
      "  cotenant export zeek-intel -o cotenant.intel\n"
      "A finding takes the most restrictive marking of its evidence; nothing above --tlp is "
      "written.");
  cmd->callback([cmd, flags, &global, &exit_code] {
    if (!cmd->get_subcommands().empty()) return;  // a sensor export ran
    if (flags->format.empty()) {
      std::cerr << "cotenant export: give --format stix|misp|csv --tlp LEVEL, or a sensor "
                   "export (zeek-intel, suricata)\n";
      exit_code = kExitUsage;
      return;
    }
    if (flags->policy.clearance.empty()) {
      std::cerr << "cotenant export: --tlp is required: the clearance of the recipients\n";
      exit_code = kExitUsage;
      return;
    }
    Result<SharingPolicy> policy = MakePolicy(flags->policy, true);
    if (!policy.ok()) {
      std::cerr << "cotenant export: " << policy.status().message() << "\n";
      exit_code = kExitUsage;
      return;
    }
    Result<SharedView> view = LoadView(global, flags->policy, *policy);
    if (!view.ok()) {
      std::cerr << "cotenant export: " << view.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    ExportOptions options;
    options.indicators = flags->only != "findings";
    options.findings = flags->only != "indicators";
    std::string doc = ExportDocument(*ExportFormatFromName(flags->format), *view, options);
    exit_code = WriteOutput(flags->output, doc, "export");
    if (exit_code == kExitOk && !global.quiet) {
      std::cerr << "exported " << (options.indicators ? view->indicators.size() : 0)
                << " indicators and " << (options.findings ? view->findings.size() : 0)
                << " findings marked up to TLP:" << TlpName(policy->clearance) << "\n";
    }
  });
}

void AddReportCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Flags {
    PolicyFlags policy;
    std::string output;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "report", "write one self-contained HTML report (graph, pairs, ACH matrix, evidence)");
  cmd->add_option("-o,--output", flags->output, "the HTML file to write")->required();
  AddPolicyFlags(cmd, flags->policy, true);
  cmd->footer(
      "Example:\n"
      "  cotenant report -o report.html --tlp amber --warninglists demo/lists/warninglists "
      "--asn demo/lists/asn.csv\n"
      "The file works offline (scripts inlined) and prints one page per pair.");
  cmd->callback([flags, &global, &exit_code] {
    Result<SharingPolicy> policy = MakePolicy(flags->policy, true);
    if (!policy.ok()) {
      std::cerr << "cotenant report: " << policy.status().message() << "\n";
      exit_code = kExitUsage;
      return;
    }
    Result<SharedView> view = LoadView(global, flags->policy, *policy);
    if (!view.ok()) {
      std::cerr << "cotenant report: " << view.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    exit_code = WriteOutput(flags->output, RenderReportHtml(ReportJson(*view)), "report");
    if (exit_code == kExitOk && !global.quiet) {
      std::cerr << "wrote " << flags->output << ": " << view->actors.size() << " actors, "
                << view->findings.size()
                << " pairs, marked up to TLP:" << TlpName(policy->clearance) << "\n";
    }
  });
}

void AddServeCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Flags {
    PolicyFlags policy;
    std::string tokens_path;
    std::string bind = "127.0.0.1";
    int port = 8080;
    int max_body_mb = 32;
    int timeout_s = 30;
    int threads = 2;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "serve the live UI, the JSON API and TAXII 2.1 (tokens: `cotenant token add`)");
  cmd->add_option("--bind", flags->bind, "address to listen on")->capture_default_str();
  cmd->add_option("--port", flags->port, "TCP port (0: any free port, printed at start)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--tokens", flags->tokens_path,
                  "token registry file (default: the --db path + \".tokens\")");
  cmd->add_option("--max-body-mb", flags->max_body_mb, "largest request body accepted, MiB")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--timeout", flags->timeout_s, "seconds a request may take to arrive")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--threads", flags->threads, "I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  AddPolicyFlags(cmd, flags->policy, false);
  cmd->footer(
      "Example:\n"
      "  cotenant token add acme-soc --org ACME --tlp amber   # prints the token once\n"
      "  cotenant serve --port 8080 --warninglists demo/lists/warninglists\n"
      "  curl -H 'Authorization: Bearer TOKEN' "
      "'http://127.0.0.1:8080/api/lookup?value=203.0.113.45'\n"
      "The UI is at http://127.0.0.1:8080/ (paste the token); API in docs/api.md. Binds to "
      "loopback unless --bind says otherwise.");
  cmd->callback([flags, &global, &exit_code] {
    Result<SharingPolicy> policy = MakePolicy(flags->policy, false);
    if (!policy.ok()) {
      std::cerr << "cotenant serve: " << policy.status().message() << "\n";
      exit_code = kExitUsage;
      return;
    }
    server::ServiceOptions options;
    options.db_path = global.db_path;
    options.tokens_path = flags->tokens_path;
    options.unmarked_as = policy->unmarked_as;
    options.naming_as = policy->naming_as;
    auto findings = server::LoadFindingsOptions(flags->policy.lists_dir, flags->policy.asn_path);
    if (!findings.ok()) {
      std::cerr << "cotenant serve: " << findings.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    options.findings = [findings = *findings](Store& store, SharedView& view) {
      return server::AttachFindings(store, view, findings);
    };
    options.report_json = [](const SharedView& view) { return ReportJson(view); };
    auto service = server::SharingService::Open(options);
    if (!service.ok()) {
      std::cerr << "cotenant serve: " << service.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    server::ApiOptions api;
    api.max_body_bytes = static_cast<size_t>(flags->max_body_mb) << 20;
    api.ui_html = LiveUiHtml();
    api.match = server::MatchFunction();
    server::HttpServerOptions http;
    http.address = flags->bind;
    http.port = static_cast<uint16_t>(flags->port);
    http.max_body_bytes = api.max_body_bytes;
    http.read_timeout = std::chrono::seconds(flags->timeout_s);
    http.threads = flags->threads;
    server::SharingService& svc = **service;
    server::HttpServer srv(http, [&svc, &api](const server::HttpRequest& request) {
      return server::HandleRequest(svc, api, request);
    });
    Result<uint16_t> port = srv.Start();
    if (!port.ok()) {
      std::cerr << "cotenant serve: " << port.status().message() << "\n";
      exit_code = kExitFailure;
      return;
    }
    std::cout << "cotenant serve: listening on http://" << flags->bind << ":" << *port
              << "/ (UI /, JSON API /api/, TAXII 2.1 /taxii2/)" << std::endl;
    srv.Run();
    if (!global.quiet) std::cerr << "cotenant serve: stopped\n";
  });
}

}  // namespace cotenant::cli
