// cotenant: entry point. Registers the subcommands and maps errors to the documented exit codes.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/cli.h"

namespace cotenant::cli {

std::string DefaultDbPath() {
  if (const char* env = std::getenv("COTENANT_DB"); env != nullptr && *env != '\0') return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/cotenant/cotenant.db";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.local/share/cotenant/cotenant.db";
}

bool ShowProgress(const GlobalOptions& options) {
  return !options.quiet && !options.json && isatty(STDERR_FILENO) == 1;
}

}  // namespace cotenant::cli

int main(int argc, char** argv) {
  using namespace cotenant::cli;
  CLI::App app{
      "cotenant: find and weigh shared infrastructure between threat-actor groups.\n"
      "Example: cotenant ingest demo/ && cotenant analyze"};
  app.set_version_flag("--version", "cotenant 0.1.0");
  app.require_subcommand(1);
  GlobalOptions global;
  global.db_path = DefaultDbPath();
  app.add_option("--db", global.db_path, "SQLite store file (env COTENANT_DB)")
      ->capture_default_str();
  app.add_flag("--json", global.json, "machine-readable JSON output");
  app.add_flag("-q,--quiet", global.quiet, "no progress output");
  app.footer(
      "Exit codes: 0 success, 1 failure, 2 usage error, 3 rejections with --strict "
      "(match: hits found).");

  int exit_code = kExitOk;
  AddCanonCommand(app, global, exit_code);
  AddExtractCommand(app, global, exit_code);
  AddTokenCommand(app, global, exit_code);
  AddMatchCommand(app, global, exit_code);
  AddSnapshotCommand(app, global, exit_code);
  AddIngestCommand(app, global, exit_code);
  AddLookupCommand(app, global, exit_code);
  AddStatsCommand(app, global, exit_code);
  AddActorsCommand(app, global, exit_code);
  AddExportCommand(app, global, exit_code);
  AddShareExportCommand(app, global, exit_code);
  AddReportCommand(app, global, exit_code);
  AddServeCommand(app, global, exit_code);
  AddAnalyzeCommand(app, global, exit_code);
  AddExplainCommand(app, global, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}
