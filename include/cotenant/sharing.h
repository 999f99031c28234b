// Sharing: what a reader cleared up to one TLP level may see, and nothing else.
//
// BuildSharedView reads the store and keeps only the observations and relationships the
// reader is cleared for (ClearedFor in marking.h, with the deployment's level for unmarked
// data). Everything in the view is derived from those alone: indicator markings are the most
// restrictive marking of the visible observations behind them, actors appear only when a
// visible observation names them, counts are counts of visible records, and the findings
// (AttachFindings) come from an analysis run over the visible observations only, so that no
// conclusion rests on evidence the reader may not see. The server, the exports and the report
// all start from a SharedView; that is what makes "nothing above clearance" one rule in one place.
//
// Naming data (galaxies, ATT&CK) carries no marking in the store; it is handled at
// `SharingPolicy::naming_as` (reference data: CLEAR by default). Above the reader's clearance,
// actors are shown only by the names visible observations wrote.
//
// Threads: a SharedView is immutable once built and may be read from several threads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cotenant/indicator.h"
#include "cotenant/marking.h"
#include "cotenant/observation.h"
#include "cotenant/status.h"
#include "cotenant/store.h"
#include "cotenant/timestamp.h"

namespace cotenant {

struct SharingPolicy {
  Tlp clearance = Tlp::kClear;
  Tlp unmarked_as = Tlp::kAmber;  // level at which unmarked records are handled
  Tlp naming_as = Tlp::kClear;    // level at which naming data (aliases, ids) is handled

  bool Cleared(Tlp marking) const { return ClearedFor(clearance, marking, unmarked_as); }
};

struct SharedObservation {
  int64_t id = 0;
  IngestId ingest_id = 0;
  ActorId actor_id = 0;       // 0 = the source named no actor
  std::string actor_written;  // the name as the source wrote it
  Role role = Role::kUnknown;
  std::string source;
  std::vector<std::string> references;
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  int confidence = -1;
  Tlp tlp = Tlp::kClear;                            // handling level (never kUnmarked)
  Timestamp added = Timestamp::FromUnixSeconds(0);  // when its ingest committed
};

struct SharedIndicator {
  Indicator indicator;
  Tlp tlp = Tlp::kClear;  // most restrictive of `observations`
  std::vector<SharedObservation> observations;
  std::vector<ActorId> actors;  // sorted, unique, without 0
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  Timestamp added = Timestamp::FromUnixSeconds(0);  // latest `added` of its observations
};

struct SharedRelationship {
  int64_t id = 0;
  Indicator from;
  std::string kind;
  Indicator to;
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  int64_t count = 0;
  std::string source;
  Tlp tlp = Tlp::kClear;
  Timestamp added = Timestamp::FromUnixSeconds(0);
};

struct SharedActor {
  ActorId id = 0;
  ActorKind kind = ActorKind::kUnregistered;
  std::string name;
  std::vector<std::string> external_ids;  // empty unless naming data is visible
  std::string country;
  std::vector<ActorAlias> aliases;         // naming aliases when visible, plus the names written
  std::vector<std::string> names_written;  // by visible observations, sorted
  int64_t observations = 0;                // visible ones
  int64_t indicators = 0;
  Tlp tlp = Tlp::kClear;  // most restrictive of what the view shows about it
  Timestamp added = Timestamp::FromUnixSeconds(0);
};

// A pair of actors as the analysis over the visible observations sees it.
struct SharedFinding {
  std::array<ActorId, 2> actors{};
  std::string hypothesis;        // leading hypothesis id ("collaboration", "shared-provider")
  std::string hypothesis_label;  // "collaboration or a shared operator"
  std::string likelihood;        // ICD 203 phrase for the leading hypothesis
  double probability = 0;
  std::string confidence;  // low / moderate / high: the quality of the evidence base
  int stix_confidence = 0;
  double score = 0;  // 0-100
  std::string summary;
  std::vector<std::string> shared_values;  // evidence values, strongest first
  Tlp tlp = Tlp::kClear;                   // most restrictive of its evidence
  Timestamp added = Timestamp::FromUnixSeconds(0);
  std::string detail_json;  // the whole pair (hypotheses, matrix, evidence) as JSON
};

struct SharedView {
  SharingPolicy policy;
  IngestId as_of_ingest = 0;  // the store's last ingest when the view was built
  Timestamp as_of = Timestamp::FromUnixSeconds(0);
  std::vector<SharedIndicator> indicators;  // by type, then value
  std::vector<SharedRelationship> relationships;
  std::vector<SharedActor> actors;  // by name
  std::map<ActorId, size_t> actor_index;
  std::vector<SharedFinding> findings;  // by score, descending
  int64_t observations = 0;

  const SharedActor* FindActor(ActorId id) const;
  const SharedIndicator* FindIndicator(const Indicator& indicator) const;
};

Result<SharedView> BuildSharedView(Store& store, const SharingPolicy& policy);

// Parses "clear", "green", "amber", "amber+strict", "red" (TlpFromName) as a clearance; errors
// name the text (kUnmarked is not a clearance).
Result<Tlp> ParseClearance(std::string_view text);

}  // namespace cotenant
