// Test support for the matcher: builds a snapshot from a small TSV indicator file
// (tests/golden/match/indicators.tsv documents the columns).
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cotenant/match_snapshot.h"
#include "cotenant/status.h"
#include "testing.h"

namespace cotenant::testing {

namespace match_detail {

inline std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep)) out.push_back(item);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

}  // namespace match_detail

inline Result<MatchSnapshot> SnapshotFromTsv(const std::string& path) {
  MatchSnapshotBuilder builder;
  std::istringstream in(ReadFile(path));
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    auto cols = match_detail::Split(line, '\t');
    auto where = path + ":" + std::to_string(line_no);
    if (cols.size() != 9) return InvalidArgument(where + ": expected 9 columns");
    bool allow = cols[0].starts_with("allow:");
    std::string type_name = allow ? cols[0].substr(6) : cols[0];
    auto type = IndicatorTypeFromName(type_name);
    if (!type) return InvalidArgument(where + ": unknown type " + type_name);
    COTENANT_ASSIGN_OR_RETURN(Indicator indicator, ParseIndicatorAs(*type, cols[1]));
    if (allow) {
      COTENANT_RETURN_IF_ERROR(builder.AddAllow(indicator));
      continue;
    }
    MatchRecord r;
    r.indicator = indicator;
    auto list = [](const std::string& s) {
      return s == "-" ? std::vector<std::string>{} : match_detail::Split(s, ',');
    };
    r.actors = list(cols[2]);
    for (const auto& role : list(cols[3])) {
      auto parsed = RoleFromName(role);
      if (!parsed) return InvalidArgument(where + ": unknown role " + role);
      r.roles.push_back(*parsed);
    }
    r.sources = list(cols[4]);
    if (cols[5] != "-") r.confidence = std::stoi(cols[5]);
    if (cols[6] != "-") {
      auto tlp = TlpFromName(cols[6]);
      if (!tlp) return InvalidArgument(where + ": unknown tlp " + cols[6]);
      r.tlp = *tlp;
    }
    if (cols[7] != "-") {
      COTENANT_ASSIGN_OR_RETURN(r.valid_from, Timestamp::Parse(cols[7]));
    }
    if (cols[8] != "-") {
      COTENANT_ASSIGN_OR_RETURN(r.valid_until, Timestamp::Parse(cols[8]));
    }
    COTENANT_RETURN_IF_ERROR(builder.Add(r));
  }
  return builder.Build(Timestamp::FromUnixSeconds(1700000000));
}

}  // namespace cotenant::testing
