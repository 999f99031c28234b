// Report: one self-contained HTML file of a SharedView (sharing.h) that works offline: an
// interactive graph of actors and the infrastructure they share (filters: score, hypothesis,
// time), a panel per actor pair with the timeline of each side's use, the evidence x
// hypothesis matrix, the ICD 203 wording and confidence, and the evidence with sources and
// references; print CSS puts one pair per page. The JavaScript libraries (cytoscape, from npm
// at build time) are embedded in the binary and inlined into the file. The live UI of
// `cotenant serve` is the same page, loading the data from /api/report with the caller's token.
#pragma once

#include <string>

#include "cotenant/sharing.h"

namespace cotenant {

// The data the page renders: actors, pairs (each SharedFinding::detail_json), clearance.
// `principal` (may be empty) is shown in the page header.
std::string ReportJson(const SharedView& view, std::string_view principal = "");
// The whole HTML document with `report_json` embedded.
std::string RenderReportHtml(std::string_view report_json);
// The live UI page (no data: it fetches /api/report).
std::string LiveUiHtml();

}  // namespace cotenant
