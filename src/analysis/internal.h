// Internal types shared by the analysis sources: the numeric features of one shared key for
// one actor pair, and the hypothesis rules that read them.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "analysis/keys.h"
#include "cotenant/analysis.h"

namespace cotenant::analysis_internal {

enum class Independence {
  kIndependent,         // different sources, no shared reference or basis
  kSameSource,          // one source says both
  kSameReference,       // both sides cite the same report
  kSameBasis,           // both sides rest on the same sample / report id
  kWithDisputedSample,  // comes from the reports that label one sample twice
};
std::string_view IndependenceName(Independence i);

// Features of one shared key for one pair (sides 0 and 1).
struct Item {
  uint32_t key = 0;
  uint32_t side_a = 0, side_b = 0;  // the two sides' summaries
  KeyKind kind = KeyKind::kOther;
  EvidenceLevel level = EvidenceLevel::kOtherExact;
  TimeRelation time = TimeRelation::kUnknown;
  int64_t gap_days = 0;
  int actors = 0;   // actors sharing the key
  int sources = 0;  // sources naming the key (with or without an actor)
  double spec = 1;
  int listed = -1;  // -1: not listed; else a ListKind
  Independence independence = Independence::kIndependent;
  bool via_resolution = false;  // some side reached the key through passive DNS
  bool both_via = false;        // both sides only through relationships
  // Both sides reached the address only through domains that resolved elsewhere before
  // (the move a takedown makes), rather than resolving here from the start (shared hosting).
  bool moved_here = false;
  bool different_ports = false;
  bool different_paths = false;
  bool role_proxy = false;
  bool role_compromised = false;
  double weight = 0;
  double ach = 0;
  int subsumed_by = -1;  // index of the item that implies this one
};

// ---- hypothesis rules (hypotheses.cc) ----------------------------------------------------

// Fills the ACH cells of a value item.
void JudgeItem(const Item& item, const std::string& value, Evidence* ev);

// What the pair as a whole shows or lacks (naming data, absence of concurrent dedicated
// infrastructure, agreement of several families); appended to `finding->evidence`.
struct PairContext {
  const ActorInfo* a = nullptr;
  const ActorInfo* b = nullptr;
  const std::vector<Item>* items = nullptr;
  bool widely_shared = false;
};
void AddPairItems(const PairContext& context, PairFinding* finding);

// The hypothesis matrix of one pair, accumulated item by item so that items not kept in the
// report need not be stored.
class Tally {
 public:
  Tally();
  // Counts one item (value or pair-level) and sets its diagnosticity.
  void Add(Evidence& ev);
  // Ranks the hypotheses, picks the leading one, and fills likelihood, confidence and the
  // summary (whose "strongest value" is the first value item of finding->evidence).
  // `sources_per_side`: distinct sources behind each side's counted items.
  void Finish(std::array<size_t, 2> sources_per_side, PairFinding* finding);

 private:
  struct Reason {
    double strength;
    std::string text;
  };
  std::array<HypothesisAssessment, kHypothesisCount> h_;
  std::array<std::vector<Reason>, kHypothesisCount> reasons_;
  std::set<std::string> families_;
  size_t counted_ = 0;
  bool all_estimated_ = true;
};

std::string NormalizeActorKey(std::string_view name);

}  // namespace cotenant::analysis_internal
