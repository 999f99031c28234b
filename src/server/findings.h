// Findings for a SharedView: the analysis (analysis.h) run over the observations the view's
// reader is cleared for, never over the whole store, so that no finding, score, likelihood or
// evidence count rests on anything above the reader's clearance. Each finding's marking is
// the most restrictive marking of its evidence (handled levels: unmarked counts as the
// deployment's level).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "cotenant/analysis.h"
#include "cotenant/enrichment.h"
#include "cotenant/sharing.h"
#include "cotenant/store.h"

namespace cotenant::server {

struct FindingsOptions {
  std::shared_ptr<const Warninglists> lists;  // null: the built-in facts only
  std::shared_ptr<const AsnDatabase> asn;     // may be null
};

// Loads the lists (a MISP warninglists directory; empty = none) and the ASN data (CSV or
// .mmdb; empty = none). The built-in facts are always included.
Result<FindingsOptions> LoadFindingsOptions(const std::string& lists_dir,
                                            const std::string& asn_path);

// Copies the observations and relationships of `full` that `policy` clears (and that were
// committed up to `as_of_ingest`) into `out`, which must be empty.
void FilterAnalysisInput(const AnalysisInput& full, const SharingPolicy& policy,
                         IngestId as_of_ingest, AnalysisInput* out);

// Runs the analysis over the visible observations and fills view.findings.
Status AttachFindings(Store& store, SharedView& view, const FindingsOptions& options);
inline Status AttachFindings(Store& store, SharedView& view) {
  return AttachFindings(store, view, FindingsOptions{});
}

// One pair as the JSON the report and /api/pairs/A/B show (schema in docs/api.md).
std::string PairDetailJson(const PairFinding& pair, const SharingPolicy& policy);

// The matcher route of the server (match_route.cc): matches an uploaded log against a
// snapshot of the view's indicators; returns {"stats": {...}, "alerts": [...]}.
std::function<Result<std::string>(const SharedView&, std::string_view, std::string_view)>
MatchFunction();

}  // namespace cotenant::server
