// The thin CLI shell: global options shared by every subcommand, and the registration
// functions each subcommand file provides. Subcommands parse flags, call the library and
// print; they hold no logic of their own.
//
// Exit codes (documented in README.md):
//   0  success
//   1  the command ran but failed (I/O error, nothing could be read, store error)
//   2  usage error (bad flags or arguments)
//   3  completed with rejections and --strict was given / matcher: hits found (see `match`)
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace cotenant::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRejections = 3;

struct GlobalOptions {
  std::string db_path;  // --db; default from DefaultDbPath()
  bool json = false;    // --json: machine-readable output
  bool quiet = false;   // --quiet: no progress even on a terminal
};

// $COTENANT_DB, else $XDG_DATA_HOME/cotenant/cotenant.db, else ~/.local/share/cotenant/cotenant.db
std::string DefaultDbPath();
// True when progress should be drawn: stderr is a terminal and --quiet was not given.
bool ShowProgress(const GlobalOptions& options);

// Each returns after adding its subcommand; the callback sets `exit_code`.
void AddCanonCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddExtractCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddTokenCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddMatchCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddSnapshotCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddIngestCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddLookupCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddStatsCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddActorsCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddExportCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddShareExportCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddReportCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddServeCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddAnalyzeCommand(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddExplainCommand(CLI::App& app, GlobalOptions& global, int& exit_code);

}  // namespace cotenant::cli
