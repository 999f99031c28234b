// Analysis reports: JSON, Markdown and the explain view (see analysis_report.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "cotenant/analysis_report.h"

namespace cotenant {

namespace {

// Minimal JSON text builder; strings are escaped, invalid UTF-8 bytes become U+FFFD.
class Json {
 public:
  Json& Open(char c) {
    Comma();
    out_ += c;
    first_.push_back(true);
    return *this;
  }
  Json& Close(char c) {
    out_ += c;
    first_.pop_back();
    return *this;
  }
  Json& Key(std::string_view k) {
    Comma();
    Quote(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  Json& Str(std::string_view s) {
    Comma();
    Quote(s);
    return *this;
  }
  Json& Num(double v, int digits = 3) {
    Comma();
    char buf[64];
    double scale = std::pow(10.0, digits);
    std::snprintf(buf, sizeof buf, "%.*f", digits, std::round(v * scale) / scale);
    // Trim trailing zeros for readability ("0.500" -> "0.5", "97.000" -> "97").
    std::string s(buf);
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    out_ += s;
    return *this;
  }
  Json& Int(int64_t v) {
    Comma();
    out_ += std::to_string(v);
    return *this;
  }
  Json& Bool(bool v) {
    Comma();
    out_ += v ? "true" : "false";
    return *this;
  }
  Json& Null() {
    Comma();
    out_ += "null";
    return *this;
  }
  Json& Strings(std::string_view key, const std::vector<std::string>& v) {
    Key(key).Open('[');
    for (const auto& s : v) Str(s);
    return Close(']');
  }
  Json& Raw(std::string_view text) {
    Comma();
    out_ += text;
    return *this;
  }
  std::string& str() { return out_; }

 private:
  void Comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
    }
  }
  void Quote(std::string_view s) {
    out_ += '"';
    for (size_t i = 0; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      switch (c) {
        case '"':
          out_ += "\\\"";
          continue;
        case '\\':
          out_ += "\\\\";
          continue;
        case '\n':
          out_ += "\\n";
          continue;
        case '\t':
          out_ += "\\t";
          continue;
        case '\r':
          out_ += "\\r";
          continue;
        default:
          break;
      }
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out_ += buf;
      } else if (c < 0x80) {
        out_ += static_cast<char>(c);
      } else {
        // Copy a valid UTF-8 sequence; replace anything else.
        int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        bool ok = len > 0 && i + len <= s.size();
        for (int k = 1; ok && k < len; ++k) {
          ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
        }
        if (ok) {
          out_.append(s.substr(i, len));
          i += len - 1;
        } else {
          out_ += "\xef\xbf\xbd";
        }
      }
    }
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

// Same words as the store's ActorKindName; kept here so the report does not need the store.
std::string_view KindName(ActorKind kind) {
  switch (kind) {
    case ActorKind::kGroup:
      return "group";
    case ActorKind::kAmbiguous:
      return "ambiguous";
    case ActorKind::kUnregistered:
      return "unregistered";
  }
  return "group";
}

std::string Date(int64_t seconds) { return Timestamp::FromUnixSeconds(seconds).ToDateString(); }
std::string Time(int64_t seconds) { return Timestamp::FromUnixSeconds(seconds).ToString(); }

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void PairObject(Json& j, const PairFinding& p) {
  j.Open('{');
  j.Key("actors").Open('[');
  for (const ActorSummary& a : p.actors) {
    j.Open('{');
    j.Key("id").Int(a.id);
    j.Key("name").Str(a.name);
    j.Key("kind").Str(KindName(a.kind));
    j.Strings("external_ids", a.external_ids);
    j.Strings("names_used", a.names_used);
    j.Strings("part_of", a.part_of);
    j.Close('}');
  }
  j.Close(']');
  j.Key("leading_hypothesis").Str(HypothesisId(p.leading));
  j.Key("leading_label").Str(HypothesisLabel(p.leading));
  j.Key("likelihood").Str(p.likelihood);
  j.Key("probability").Num(p.probability);
  j.Key("confidence").Str(p.confidence);
  j.Key("stix_confidence").Int(p.stix_confidence);
  j.Key("score").Num(p.score, 1);
  j.Key("tlp").Str(TlpName(p.tlp));
  j.Key("summary").Str(p.summary);
  j.Key("hypotheses").Open('[');
  for (const HypothesisAssessment& h : p.hypotheses) {
    j.Open('{');
    j.Key("id").Str(HypothesisId(h.hypothesis));
    j.Key("label").Str(HypothesisLabel(h.hypothesis));
    j.Key("rank").Int(h.rank);
    j.Key("probability").Num(h.probability);
    j.Key("score").Num(h.score);
    j.Key("inconsistency").Num(h.inconsistency);
    j.Key("consistent").Int(h.consistent);
    j.Key("inconsistent").Int(h.inconsistent);
    j.Key("neutral").Int(h.neutral);
    j.Strings("reasons", h.reasons);
    j.Close('}');
  }
  j.Close(']');
  j.Key("evidence_total").Int(static_cast<int64_t>(p.evidence_total));
  j.Key("evidence").Open('[');
  for (const Evidence& e : p.evidence) {
    j.Open('{');
    j.Key("value").Str(e.value);
    j.Key("level").Str(EvidenceLevelName(e.level));
    j.Key("family").Str(e.family);
    bool value_item = e.level != EvidenceLevel::kNaming && e.level != EvidenceLevel::kPairSummary;
    if (value_item && e.level != EvidenceLevel::kWidelyShared) {
      j.Key("time").Open('{');
      j.Key("relation").Str(TimeRelationName(e.time));
      j.Key("gap_days").Int(e.gap_days);
      j.Close('}');
      j.Key("sides").Open('[');
      for (size_t s = 0; s < 2; ++s) {
        const EvidenceSide& side = e.sides[s];
        j.Open('{');
        j.Key("actor_id").Int(p.actors[s].id);
        j.Key("intervals").Open('[');
        for (const TimedInterval& iv : side.intervals) {
          j.Open('{');
          j.Key("first").Str(Time(iv.first));
          j.Key("last").Str(Time(iv.last));
          j.Key("estimated").Bool(iv.estimated);
          j.Close('}');
        }
        j.Close(']');
        j.Key("observations").Int(side.observations);
        j.Strings("sources", side.sources);
        j.Key("independent_sources").Int(side.independent_sources);
        j.Strings("references", side.references);
        j.Strings("basis", side.basis);
        j.Strings("values", side.values);
        j.Strings("via", side.via);
        j.Strings("details", side.details);
        j.Strings("roles", side.roles);
        j.Key("tlp").Str(TlpName(side.tlp));
        j.Close('}');
      }
      j.Close(']');
      j.Key("actors_sharing").Int(e.actors_sharing);
      j.Key("sources_sharing").Int(e.sources_sharing);
      j.Key("specificity").Num(e.specificity);
      j.Key("independence").Str(e.independence);
      j.Strings("listed", e.listed);
      j.Key("implied_by");
      if (e.subsumed_by.empty()) {
        j.Null();
      } else {
        j.Str(e.subsumed_by);
      }
    }
    if (value_item) {
      j.Key("weight").Num(e.weight);
      j.Strings("weight_reasons", e.weight_reasons);
    }
    j.Key("ach_weight").Num(e.ach_weight);
    j.Key("diagnosticity").Num(e.diagnosticity);
    j.Key("cells").Open('{');
    for (Hypothesis h : kAllHypotheses) {
      const Cell& c = e.cells[static_cast<size_t>(h)];
      j.Key(HypothesisId(h)).Open('{');
      j.Key("mark").Str(MarkName(c.mark));
      j.Key("reason").Str(c.reason);
      j.Close('}');
    }
    j.Close('}');
    j.Close('}');
  }
  j.Close(']');
  j.Close('}');
}

std::string PairTitle(const PairFinding& p) { return p.actors[0].name + " / " + p.actors[1].name; }

std::string Cell3(Mark m) {
  std::string s(MarkName(m));
  if (m == Mark::kN) s = ".";
  while (s.size() < 4) s += ' ';
  return s;
}

std::string Pad(std::string s, size_t width) {
  if (s.size() > width) return s.substr(0, width - 1) + "~";
  s.resize(width, ' ');
  return s;
}

std::string MarkdownEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string TimeText(const Evidence& e) {
  switch (e.time) {
    case TimeRelation::kConcurrent:
      return "concurrent";
    case TimeRelation::kSequential:
      return "sequential, " + std::to_string(e.gap_days) + " d gap";
    case TimeRelation::kFarApart:
      return "far apart, " + std::to_string(e.gap_days) + " d gap";
    case TimeRelation::kUnknown:
      return "unknown (estimated dates)";
    case TimeRelation::kNotApplicable:
      return "";
  }
  return "";
}

std::string IntervalsText(const EvidenceSide& side) {
  std::string out;
  for (const TimedInterval& iv : side.intervals) {
    if (!out.empty()) out += ", ";
    out += Date(iv.first);
    if (Date(iv.last) != Date(iv.first)) out += ".." + Date(iv.last);
    if (iv.estimated) out += " (estimated)";
  }
  return out;
}

}  // namespace

AnalysisState StateOf(const AnalysisResult& result, IngestId last_ingest,
                      const std::string& generated) {
  AnalysisState s;
  s.last_ingest = last_ingest;
  s.generated = generated;
  for (const PairFinding& p : result.pairs) {
    s.pairs.push_back(
        {p.actors[0].id, p.actors[1].id, p.actors[0].name, p.actors[1].name, p.leading, p.score});
  }
  return s;
}

std::vector<NewLink> DiffLinks(const AnalysisState& previous, const AnalysisResult& now) {
  std::map<std::pair<ActorId, ActorId>, Hypothesis> before;
  for (const PairVerdict& v : previous.pairs) {
    before[{std::min(v.a, v.b), std::max(v.a, v.b)}] = v.leading;
  }
  std::vector<NewLink> links;
  for (const PairFinding& p : now.pairs) {
    ActorId a = p.actors[0].id, b = p.actors[1].id;
    auto it = before.find({std::min(a, b), std::max(a, b)});
    PairVerdict v{a, b, p.actors[0].name, p.actors[1].name, p.leading, p.score};
    if (it == before.end()) {
      links.push_back({v, std::nullopt});
    } else if (it->second != p.leading) {
      links.push_back({v, it->second});
    }
  }
  return links;
}

std::string RenderPairJson(const PairFinding& pair) {
  Json j;
  PairObject(j, pair);
  return std::move(j.str());
}

std::string RenderJson(const AnalysisResult& result, const ReportInfo& info,
                       const std::vector<NewLink>* new_links) {
  Json j;
  j.Open('{');
  j.Key("schema").Str("cotenant.analysis");
  j.Key("version").Int(kAnalysisSchemaVersion);
  j.Key("generated").Str(info.generated);
  j.Key("store").Open('{');
  j.Key("path").Str(info.store);
  j.Key("last_ingest").Int(info.last_ingest);
  j.Close('}');
  const AnalysisOptions& o = info.options;
  j.Key("parameters").Open('{');
  j.Key("since");
  if (o.since) {
    j.Str(o.since->ToString());
  } else {
    j.Null();
  }
  j.Key("until");
  if (o.until) {
    j.Str(o.until->ToString());
  } else {
    j.Null();
  }
  j.Strings("actors", info.actor_filter);
  j.Key("min_score").Num(o.min_score, 1);
  j.Key("max_pairs").Int(static_cast<int64_t>(o.max_pairs));
  j.Key("max_pair_actors").Int(o.max_pair_actors);
  j.Key("concurrent_days").Int(o.concurrent_days);
  j.Key("far_apart_days").Int(o.far_apart_days);
  j.Strings("warninglists", info.warninglists);
  j.Strings("asn", info.asn_files);
  j.Close('}');
  const AnalysisStats& s = result.stats;
  j.Key("stats").Open('{');
  j.Key("observations").Int(static_cast<int64_t>(s.observations));
  j.Key("observations_used").Int(static_cast<int64_t>(s.observations_used));
  j.Key("values").Int(static_cast<int64_t>(s.values));
  j.Key("keys").Int(static_cast<int64_t>(s.keys));
  j.Key("postings").Int(static_cast<int64_t>(s.postings));
  j.Key("shared_keys").Int(static_cast<int64_t>(s.shared_keys));
  j.Key("widely_shared_keys").Int(static_cast<int64_t>(s.widely_shared_keys));
  j.Key("pair_cap").Int(s.pair_cap);
  j.Key("pair_records").Int(static_cast<int64_t>(s.pair_records));
  j.Key("candidate_pairs").Int(static_cast<int64_t>(s.candidate_pairs));
  j.Key("reported_pairs").Int(static_cast<int64_t>(s.reported_pairs));
  j.Key("seconds").Num(s.seconds);
  j.Key("phases").Open('{');
  for (const auto& [name, seconds] : s.phases) j.Key(name).Num(seconds);
  j.Close('}');
  j.Close('}');
  j.Key("new_links");
  if (new_links == nullptr) {
    j.Null();
  } else {
    j.Open('[');
    for (const NewLink& l : *new_links) {
      j.Open('{');
      j.Key("actor_ids").Open('[').Int(l.now.a).Int(l.now.b).Close(']');
      j.Key("actors").Open('[').Str(l.now.a_name).Str(l.now.b_name).Close(']');
      j.Key("leading_hypothesis").Str(HypothesisId(l.now.leading));
      j.Key("previous_leading");
      if (l.previous) {
        j.Str(HypothesisId(*l.previous));
      } else {
        j.Null();
      }
      j.Key("score").Num(l.now.score, 1);
      j.Close('}');
    }
    j.Close(']');
  }
  j.Key("pairs").Open('[');
  for (const PairFinding& p : result.pairs) PairObject(j, p);
  j.Close(']');
  j.Close('}');
  j.str() += '\n';
  return std::move(j.str());
}

std::string RenderMarkdown(const AnalysisResult& result, const ReportInfo& info,
                           const std::vector<NewLink>* new_links) {
  std::string out = "# cotenant analysis\n\n";
  out += "Generated " + info.generated + " from " + info.store + " (last ingest " +
         std::to_string(info.last_ingest) + "). " + std::to_string(result.pairs.size()) +
         " actor pairs reported of " + std::to_string(result.stats.candidate_pairs) +
         " that share something; " + std::to_string(result.stats.observations_used) +
         " observations, " + std::to_string(result.stats.widely_shared_keys) +
         " values held by more than " + std::to_string(result.stats.pair_cap) +
         " actors aggregated as weak evidence.\n\n";
  out +=
      "Likelihood words follow ICD 203; confidence (low/moderate/high) rates the evidence "
      "base, separately. Score 0-100 is how much the pair shares, weighted by level, "
      "specificity, time and independence.\n\n";
  if (new_links != nullptr) {
    out += "## New links since the last analysis\n\n";
    if (new_links->empty()) out += "None.\n";
    for (const NewLink& l : *new_links) {
      out +=
          "- " + l.now.a_name + " / " + l.now.b_name + ": " +
          std::string(HypothesisLabel(l.now.leading)) + " (score " + Fixed(l.now.score, 1) + ")" +
          (l.previous ? ", was " + std::string(HypothesisLabel(*l.previous)) : ", new pair") + "\n";
    }
    out += "\n";
  }
  out += "## Pairs\n\n";
  out += "| # | pair | leading hypothesis | likelihood | confidence | score |\n";
  out += "|---|---|---|---|---|---|\n";
  for (size_t i = 0; i < result.pairs.size(); ++i) {
    const PairFinding& p = result.pairs[i];
    out += "| " + std::to_string(i + 1) + " | " + MarkdownEscape(PairTitle(p)) + " | " +
           std::string(HypothesisLabel(p.leading)) + " | " + p.likelihood + " (" +
           std::to_string(static_cast<int>(std::lround(p.probability * 100))) + " %) | " +
           p.confidence + " (STIX " + std::to_string(p.stix_confidence) + ") | " +
           Fixed(p.score, 1) + " |\n";
  }
  out += "\n";
  for (size_t i = 0; i < result.pairs.size(); ++i) {
    const PairFinding& p = result.pairs[i];
    out += "### " + std::to_string(i + 1) + ". " + PairTitle(p) + "\n\n";
    out += p.summary + "\n\n";
    for (int s = 0; s < 2; ++s) {
      const ActorSummary& a = p.actors[s];
      out += "- " + a.name + " (" + std::string(KindName(a.kind));
      if (!a.external_ids.empty()) out += ", " + a.external_ids.front();
      out += ")";
      if (!a.names_used.empty()) {
        out += "; sources wrote: ";
        for (size_t k = 0; k < a.names_used.size(); ++k) {
          out += (k ? ", " : "") + a.names_used[k];
        }
      }
      if (!a.part_of.empty()) out += "; part of " + a.part_of.front();
      out += "\n";
    }
    out += "\nCompeting hypotheses: ";
    for (size_t k = 0; k < p.hypotheses.size() && k < 3; ++k) {
      const auto& h = p.hypotheses[k];
      out += (k ? "; " : "") + std::to_string(h.rank) + ". " +
             std::string(HypothesisId(h.hypothesis)) + " " +
             std::to_string(static_cast<int>(std::lround(h.probability * 100))) + " % (" +
             std::to_string(h.inconsistent) + " inconsistent)";
    }
    out += "\n\n| value | level | time | weight | why |\n|---|---|---|---|---|\n";
    size_t shown = 0;
    for (const Evidence& e : p.evidence) {
      if (e.level == EvidenceLevel::kNaming || e.level == EvidenceLevel::kPairSummary) continue;
      if (!e.subsumed_by.empty() || shown >= 8) continue;
      ++shown;
      std::string why;
      const Cell& lead = e.cells[static_cast<size_t>(p.leading)];
      if (!lead.reason.empty()) why = lead.reason;
      if (!e.listed.empty()) why += (why.empty() ? "" : "; ") + e.listed.front();
      out += "| `" + MarkdownEscape(e.value) + "` | " + std::string(EvidenceLevelName(e.level)) +
             " | " + TimeText(e) + " | " + Fixed(e.weight, 2) + " | " + MarkdownEscape(why) +
             " |\n";
    }
    for (const Evidence& e : p.evidence) {
      if (e.level == EvidenceLevel::kNaming) out += "\nNaming: " + e.value + ".\n";
    }
    out += "\n";
  }
  return out;
}

std::string RenderExplain(const PairFinding& p) {
  std::string out;
  out += p.actors[0].name + " (id " + std::to_string(p.actors[0].id) + ", " +
         std::string(KindName(p.actors[0].kind)) + ") and " + p.actors[1].name + " (id " +
         std::to_string(p.actors[1].id) + ", " + std::string(KindName(p.actors[1].kind)) + ")\n";
  out += p.summary + "\n";
  out += "Score " + Fixed(p.score, 1) + " of 100; STIX confidence " +
         std::to_string(p.stix_confidence) + "; TLP " + std::string(TlpName(p.tlp)) + "\n\n";

  out += "Hypotheses (ranked by weighted consistency, inconsistency counting double):\n";
  for (const HypothesisAssessment& h : p.hypotheses) {
    out += "  " + std::to_string(h.rank) + ". " + Pad(std::string(HypothesisId(h.hypothesis)), 25) +
           " p=" + Fixed(h.probability, 2) + "  score=" + Fixed(h.score, 2) +
           "  C/I/N=" + std::to_string(h.consistent) + "/" + std::to_string(h.inconsistent) + "/" +
           std::to_string(h.neutral) + "\n";
    for (const std::string& r : h.reasons) out += "       " + r + "\n";
  }

  out += "\nEvidence x hypothesis matrix (CC/C consistent, I/II inconsistent, . neutral):\n";
  out += "  " + Pad("evidence", 44) + Pad("level", 16);
  const char* abbrev[] = {"SAME", "COLL", "PROV", "REAL", "SINK", "PRXY", "CONF", "IMIT"};
  for (const char* a : abbrev) out += Pad(a, 5);
  out += "weight\n";
  for (const Evidence& e : p.evidence) {
    std::string name = e.value + (e.subsumed_by.empty() ? "" : " (implied)");
    out += "  " + Pad(name, 44) + Pad(std::string(EvidenceLevelName(e.level)), 16);
    for (Hypothesis h : kAllHypotheses) out += Cell3(e.cells[static_cast<size_t>(h)].mark) + " ";
    out += Fixed(e.ach_weight, 2) + "\n";
  }
  out +=
      "  (SAME same actor, COLL collaboration, PROV shared provider or coincidence, REAL "
      "reallocation, SINK sinkhole, PRXY proxy/VPN, CONF conflicting attribution, IMIT "
      "imitation)\n";

  out += "\nTimeline of each shared value:\n";
  for (const Evidence& e : p.evidence) {
    if (e.level == EvidenceLevel::kNaming || e.level == EvidenceLevel::kPairSummary ||
        e.level == EvidenceLevel::kWidelyShared) {
      continue;
    }
    out += "  " + e.value + " (" + std::string(EvidenceLevelName(e.level)) + ", " + TimeText(e) +
           ", weight " + Fixed(e.weight, 2) + ")\n";
    for (int s = 0; s < 2; ++s) {
      const EvidenceSide& side = e.sides[s];
      std::string sources;
      for (size_t k = 0; k < side.sources.size(); ++k) {
        sources += (k ? ", " : "") + side.sources[k];
      }
      out +=
          "    " + Pad(p.actors[s].name, 24) + " " + Pad(IntervalsText(side), 40) + " " + sources;
      if (!side.via.empty()) out += "; via " + side.via.front();
      if (!side.details.empty()) {
        out += "; ";
        for (size_t k = 0; k < side.details.size(); ++k) out += (k ? ", " : "") + side.details[k];
      }
      out += "\n";
    }
    for (const std::string& r : e.weight_reasons) out += "      " + r + "\n";
  }
  out += "\nReasons per cell:\n";
  for (const Evidence& e : p.evidence) {
    for (Hypothesis h : kAllHypotheses) {
      const Cell& c = e.cells[static_cast<size_t>(h)];
      if (c.mark == Mark::kN || c.reason.empty()) continue;
      out += "  [" + e.value + "] " + std::string(HypothesisId(h)) + " " +
             std::string(MarkName(c.mark)) + ": " + c.reason + "\n";
    }
  }
  return out;
}

}  // namespace cotenant
