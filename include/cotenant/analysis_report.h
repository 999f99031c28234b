// Analysis reports: the versioned JSON document (schema in docs/analysis.md), the Markdown
// summary for people, the evidence x hypothesis view of one pair (`cotenant explain`), and
// the state file that remembers the last analysis so the next one reports "new links".
//
// Pure functions of their arguments; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cotenant/analysis.h"
#include "cotenant/status.h"
#include "cotenant/store.h"

namespace cotenant {

inline constexpr int kAnalysisSchemaVersion = 1;

// What the report says about how it was made.
struct ReportInfo {
  std::string generated;  // RFC 3339 time of the run
  std::string store;      // store path, or a description of the input
  IngestId last_ingest = 0;
  std::vector<std::string> warninglists;  // loaded list directories ("built-in" included)
  std::vector<std::string> asn_files;
  AnalysisOptions options;                // lists/asn pointers are not rendered
  std::vector<std::string> actor_filter;  // names as given on the command line
};

// The remembered verdict on one pair.
struct PairVerdict {
  ActorId a = 0;
  ActorId b = 0;
  std::string a_name, b_name;
  Hypothesis leading = Hypothesis::kCollaboration;
  double score = 0;
};

struct AnalysisState {
  IngestId last_ingest = 0;
  std::string generated;
  std::vector<PairVerdict> pairs;
};

// A pair that is new since the previous analysis, or whose leading hypothesis changed.
struct NewLink {
  PairVerdict now;
  std::optional<Hypothesis> previous;  // nullopt: the pair was not reported before
};

AnalysisState StateOf(const AnalysisResult& result, IngestId last_ingest,
                      const std::string& generated);
std::vector<NewLink> DiffLinks(const AnalysisState& previous, const AnalysisResult& now);

// nullopt when the file does not exist; errors name the file and the reason.
Result<std::optional<AnalysisState>> ReadAnalysisState(const std::string& path);
Status WriteAnalysisState(const std::string& path, const AnalysisState& state);

// `new_links` is null when there was no previous analysis to compare with.
std::string RenderJson(const AnalysisResult& result, const ReportInfo& info,
                       const std::vector<NewLink>* new_links);
std::string RenderMarkdown(const AnalysisResult& result, const ReportInfo& info,
                           const std::vector<NewLink>* new_links);
// The JSON object of one pair (as in "pairs" of RenderJson).
std::string RenderPairJson(const PairFinding& pair);
// Evidence x hypothesis matrix, ranked hypotheses with reasons, and a timeline of both
// sides' use of each shared value.
std::string RenderExplain(const PairFinding& pair);

}  // namespace cotenant
