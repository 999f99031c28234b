// Exports of an indicator set for the sensors people already run: a Zeek intel file, and
// Suricata datasets with the rules that use them. Built from a MatchSnapshot (the same set the
// matcher uses). What each export cannot express is listed in docs/match.md and counted in
// the returned report; nothing is dropped silently.
//
// Stateless functions; safe to call from any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cotenant/match_snapshot.h"
#include "cotenant/status.h"

namespace cotenant {

struct ExportReport {
  uint64_t exported = 0;
  // Indicators left out, by the reason (e.g. "jarm: no Zeek intel type").
  std::map<std::string, uint64_t> skipped;
  // Semantics the target format loses for what was exported (e.g. "domain: exact name only").
  std::vector<std::string> losses;
};

// A Zeek intel file (Intel::read_files): "#fields indicator indicator_type meta.source
// meta.desc meta.url". meta.desc carries actors, roles, confidence, marking and validity.
Result<std::string> ZeekIntelFile(const MatchSnapshot& snapshot, ExportReport* report);

struct SuricataExport {
  // File name -> content: "<prefix>-<kind>.lst" datasets (strings base64, one per line; hashes
  // hex) and "<prefix>.rules".
  std::map<std::string, std::string> files;
};

struct SuricataOptions {
  std::string prefix = "cotenant";
  uint32_t first_sid = 9400000;  // a local SID range
};

Result<SuricataExport> SuricataDatasets(const MatchSnapshot& snapshot,
                                        const SuricataOptions& options, ExportReport* report);

}  // namespace cotenant
