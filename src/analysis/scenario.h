// A scenario generator with planted truth, for validating the analysis (tests) and for
// demonstrations. Private to the analysis; tests and benchmarks include it from src/.
//
// Every planted pair gets two fresh actors and its own address space, so the explanation of
// the pair is known: collaboration on concurrent dedicated infrastructure, a shared provider
// (neighbouring addresses of one ASN), CDN fronts, reallocated addresses, sinkholed domains,
// proxy/VPN exits, one sample labelled by two vendors, imitation through a path scheme only,
// and two names for one group (ambiguous names and umbrellas). Background actors rent from a
// few large providers and use popular values, so unplanted pairs exist; their truth is
// "shared provider or coincidence". Deterministic for a seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cotenant/analysis.h"
#include "cotenant/enrichment.h"

namespace cotenant::analysis_scenario {

struct ScenarioOptions {
  uint64_t seed = 1;
  int pairs_per_class = 20;
  int background_actors = 150;
};

struct PlantedPair {
  ActorId a = 0;
  ActorId b = 0;
  Hypothesis truth = Hypothesis::kCollaboration;
  std::string note;
};

struct Scenario {
  AnalysisInput input;
  Warninglists lists;
  AsnDatabase asn;
  std::vector<PlantedPair> planted;
  // The truth of any pair not planted.
  Hypothesis default_truth = Hypothesis::kSharedProvider;
};

Scenario GenerateScenario(const ScenarioOptions& options);

}  // namespace cotenant::analysis_scenario
