// Test support for the analysis: a small builder of AnalysisInput from readable facts.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cotenant/analysis.h"

namespace cotenant::testing {

inline int64_t Day(std::string_view date) {
  auto t = Timestamp::Parse(date);
  EXPECT_TRUE(t.ok()) << date;
  return t.ok() ? t->unix_seconds() : 0;
}

class InputBuilder {
 public:
  uint32_t Actor(ActorId id, std::string name, ActorKind kind = ActorKind::kGroup) {
    ActorInfo info;
    info.id = id;
    info.name = std::move(name);
    info.kind = kind;
    info.aliases.push_back({info.name, "test", std::nullopt});
    return in.AddActor(info);
  }
  uint32_t Actor(const ActorInfo& info) { return in.AddActor(info); }

  void Add(uint32_t actor, IndicatorType type, std::string value, std::string source,
           std::string first, std::string last = "", std::vector<std::string> basis = {},
           std::vector<std::string> references = {}, bool estimated = false,
           Role role = Role::kUnknown, Tlp tlp = Tlp::kUnmarked) {
    AnalysisInput::ObservationIn r;
    r.value = in.AddValue(type, value);
    r.actor = actor;
    r.source = in.AddSource(source);
    r.name = actor == kNoActor ? 0 : in.AddName(in.actor(actor).name);
    r.first = Day(first);
    r.last = Day(last.empty() ? first : last);
    r.estimated = estimated;
    r.basis = in.AddItemList(basis);
    r.references = in.AddItemList(references);
    r.role = role;
    r.tlp = tlp;
    in.AddObservation(r);
  }
  void Rel(IndicatorType from_type, std::string from, std::string kind, IndicatorType to_type,
           std::string to, std::string first, std::string last, std::string source = "pdns") {
    AnalysisInput::RelationshipIn r;
    r.from = in.AddValue(from_type, from);
    r.to = in.AddValue(to_type, to);
    r.kind = kind;
    r.first = Day(first);
    r.last = Day(last);
    r.has_time = true;
    r.source = in.AddSource(source);
    in.AddRelationship(r);
  }

  AnalysisInput in;
};

// The finding for the pair of these actor names, or nullptr.
inline const PairFinding* FindPair(const AnalysisResult& r, std::string_view a,
                                   std::string_view b) {
  for (const auto& p : r.pairs) {
    if ((p.actors[0].name == a && p.actors[1].name == b) ||
        (p.actors[0].name == b && p.actors[1].name == a)) {
      return &p;
    }
  }
  return nullptr;
}

inline const Evidence* FindEvidence(const PairFinding& p, std::string_view value) {
  for (const auto& e : p.evidence) {
    if (e.value == value) return &e;
  }
  return nullptr;
}

inline std::string Describe(const PairFinding& p) {
  std::string s = p.summary + "\n";
  for (const auto& h : p.hypotheses) {
    s += "  " + std::to_string(h.rank) + ". " + std::string(HypothesisId(h.hypothesis)) +
         " score=" + std::to_string(h.score) + " p=" + std::to_string(h.probability) + "\n";
  }
  for (const auto& e : p.evidence) {
    s += "  - " + std::string(EvidenceLevelName(e.level)) + " " + e.value +
         " w=" + std::to_string(e.weight) + " time=" + std::string(TimeRelationName(e.time)) +
         (e.subsumed_by.empty() ? "" : " (implied)") + "\n";
  }
  return s;
}

}  // namespace cotenant::testing
