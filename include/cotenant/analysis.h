// Analysis: for every pair of actors, what they share, when, how specific it is, and which
// explanation fits best (Analysis of Competing Hypotheses), in words an analyst can report.
//
// The core is pure: AnalysisInput is a columnar table of observations, relationships and
// actors that tests and generators fill directly and LoadAnalysisInput fills from a Store.
// Analyze builds an inverted index (value -> postings sorted by actor), never a pairwise
// observation table; its cost is O(n log n) in observations. A value shared by more than
// `max_pair_actors` actors is not expanded into pairs: it stays evidence with a small weight,
// aggregated per reported pair ("widely shared values"). docs/analysis.md documents every
// weight, rule and the JSON schema.
//
// Threads: Analyze only reads its input and may be called from several threads at once on
// the same const input. AnalysisInput is not thread-safe while being filled.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cotenant/enrichment.h"
#include "cotenant/indicator.h"
#include "cotenant/marking.h"
#include "cotenant/observation.h"
#include "cotenant/status.h"
#include "cotenant/store.h"
#include "cotenant/timestamp.h"

namespace cotenant {

// ---- input --------------------------------------------------------------------------------

inline constexpr uint32_t kNoActor = std::numeric_limits<uint32_t>::max();

// Columnar observations ("source S says actor A used value V in role R during [t0, t1]"),
// relationships between values, and the actors. Strings are interned; indexes returned by the
// Add* functions are dense and stable.
class AnalysisInput {
 public:
  struct ObservationIn {
    uint32_t value = 0;         // AddValue index
    uint32_t actor = kNoActor;  // AddActor index; kNoActor = the source named no actor
    uint32_t source = 0;        // AddSource index
    uint32_t name = 0;          // AddName index: the actor name as written (0 = none)
    int64_t first = 0;          // unix seconds
    int64_t last = 0;
    bool estimated = false;  // the time was filled in (see docs/analysis.md), not observed
    Role role = Role::kUnknown;
    Tlp tlp = Tlp::kUnmarked;
    uint32_t references = 0;  // AddItemList index (report URLs); 0 = none
    uint32_t basis = 0;       // AddItemList index (sample hashes, report ids); 0 = none
    int64_t id = 0;           // the store's observation id (0 when not from a store)
    int64_t ingest = 0;       // the ingest batch that wrote it
  };
  struct RelationshipIn {
    uint32_t from = 0;  // value indexes
    uint32_t to = 0;
    std::string_view kind;  // "resolves-to", "publishes", "communicates-with", ...
    int64_t first = 0;
    int64_t last = 0;
    bool has_time = false;
    uint32_t source = 0;
    Tlp tlp = Tlp::kUnmarked;
  };

  AnalysisInput();

  uint32_t AddValue(IndicatorType type, std::string_view canonical);
  // `info.id` must be unique; returns the existing index when the id was added before.
  uint32_t AddActor(const ActorInfo& info);
  std::optional<uint32_t> FindActor(ActorId id) const;
  uint32_t AddSource(std::string_view name);
  uint32_t AddName(std::string_view name);
  // Interns a list of items (references or basis); equal lists get equal indexes; 0 = empty.
  uint32_t AddItemList(std::span<const std::string> items);
  // The same from text with items separated by '\n' (as ObservationRow carries them).
  uint32_t AddItemListText(std::string_view newline_separated);
  void AddObservation(const ObservationIn& o);
  void AddRelationship(const RelationshipIn& r);
  void Reserve(size_t observations, size_t values);

  // -- read access (Analyze and the report)
  size_t value_count() const { return value_type_.size(); }
  IndicatorType value_type(uint32_t v) const { return value_type_[v]; }
  std::string_view value_text(uint32_t v) const { return value_text_[v]; }
  size_t actor_count() const { return actors_.size(); }
  const ActorInfo& actor(uint32_t a) const { return actors_[a]; }
  size_t source_count() const { return sources_.size(); }
  std::string_view source(uint32_t s) const { return sources_[s]; }
  std::string_view name(uint32_t n) const { return names_[n]; }
  // Items of an interned list, as indexes into item(); sorted, unique.
  std::span<const uint32_t> item_list(uint32_t list) const;
  std::string_view item(uint32_t i) const { return items_[i]; }

  size_t observation_count() const { return obs_value_.size(); }
  // Columns, indexed by observation.
  const std::vector<uint32_t>& obs_value() const { return obs_value_; }
  const std::vector<uint32_t>& obs_actor() const { return obs_actor_; }
  const std::vector<uint32_t>& obs_source() const { return obs_source_; }
  const std::vector<uint32_t>& obs_name() const { return obs_name_; }
  const std::vector<int64_t>& obs_first() const { return obs_first_; }
  const std::vector<int64_t>& obs_last() const { return obs_last_; }
  const std::vector<uint8_t>& obs_estimated() const { return obs_estimated_; }
  const std::vector<Role>& obs_role() const { return obs_role_; }
  const std::vector<Tlp>& obs_tlp() const { return obs_tlp_; }
  const std::vector<uint32_t>& obs_references() const { return obs_references_; }
  const std::vector<uint32_t>& obs_basis() const { return obs_basis_; }
  const std::vector<int64_t>& obs_id() const { return obs_id_; }
  const std::vector<int64_t>& obs_ingest() const { return obs_ingest_; }

  struct Relationship {
    uint32_t from, to, kind, source;
    int64_t first, last;
    bool has_time;
    Tlp tlp;
  };
  const std::vector<Relationship>& relationships() const { return relationships_; }
  std::string_view relationship_kind(uint32_t k) const { return kinds_[k]; }

 private:
  uint32_t Intern(std::vector<std::string>& pool, std::unordered_map<std::string, uint32_t>& index,
                  std::string_view s);

  std::vector<IndicatorType> value_type_;
  std::vector<std::string> value_text_;
  std::unordered_map<std::string, uint32_t> value_index_;  // type byte + text

  std::vector<ActorInfo> actors_;
  std::unordered_map<ActorId, uint32_t> actor_index_;
  std::vector<std::string> sources_, names_, items_, kinds_;
  std::unordered_map<std::string, uint32_t> source_index_, name_index_, item_index_, kind_index_;
  std::vector<uint32_t> list_offsets_;  // CSR over list_items_
  std::vector<uint32_t> list_items_;
  std::unordered_map<std::string, uint32_t> list_index_;  // packed item ids -> list

  std::vector<uint32_t> obs_value_, obs_actor_, obs_source_, obs_name_, obs_references_, obs_basis_;
  std::vector<int64_t> obs_first_, obs_last_, obs_id_, obs_ingest_;
  std::vector<uint8_t> obs_estimated_;
  std::vector<Role> obs_role_;
  std::vector<Tlp> obs_tlp_;
  std::vector<Relationship> relationships_;
};

struct LoadOptions {
  // Observations without a time get the date of the ingest that wrote them, marked estimated.
  bool fill_missing_time_from_ingest = true;
};

// Fills `input` from the store: every actor, every observation (resolved actor ids), every
// relationship. Missing times are filled as docs/analysis.md describes.
Status LoadAnalysisInput(Store& store, const LoadOptions& options, AnalysisInput* input);

// ---- output -------------------------------------------------------------------------------

enum class Hypothesis {
  kSameActor,               // one group under two names (alias, umbrella, ambiguous name)
  kCollaboration,           // collaboration or a shared operator
  kSharedProvider,          // shared service provider, or coincidence
  kReallocation,            // the value changed hands (IP reuse, re-registered domain)
  kSinkhole,                // sinkhole or researcher infrastructure
  kProxy,                   // proxy, VPN or Tor exit
  kConflictingAttribution,  // one sample / report, two labels
  kImitation,               // similar tooling without concurrent shared infrastructure
};
inline constexpr size_t kHypothesisCount = 8;
// Every hypothesis, in declaration order (the order of matrix columns).
inline constexpr std::array<Hypothesis, kHypothesisCount> kAllHypotheses = {
    Hypothesis::kSameActor,
    Hypothesis::kCollaboration,
    Hypothesis::kSharedProvider,
    Hypothesis::kReallocation,
    Hypothesis::kSinkhole,
    Hypothesis::kProxy,
    Hypothesis::kConflictingAttribution,
    Hypothesis::kImitation,
};
// "same-actor", "collaboration", "shared-provider", "reallocation", "sinkhole", "proxy",
// "conflicting-attribution", "imitation"
std::string_view HypothesisId(Hypothesis h);
std::string_view HypothesisLabel(Hypothesis h);  // "same actor under two names", ...
std::optional<Hypothesis> HypothesisFromId(std::string_view id);

// The level at which two actors share something (strongest first).
enum class EvidenceLevel {
  kIpPort,
  kUrl,
  kCertificate,
  kTelegram,
  kEmail,
  kDomain,
  kFileHash,
  kPdnsLink,   // one actor's domain resolved to the other's IP during the same period
  kCertOnIps,  // one certificate seen on both actors' addresses
  kRelated,    // reached through another relationship (publishes, communicates-with)
  kIp,
  kPdnsSharedIp,    // both actors' domains resolved to one IP
  kTlsFingerprint,  // JARM / JA3 / JA3S
  kUrlPath,         // the same bare URL path
  kCidr,
  kOtherExact,
  kRegistrableDomain,
  kPathScheme,  // /payload/N/N
  kSlash24,
  kSlash48,
  kProvider,
  kAsn,
  kPort,
  kWidelyShared,  // aggregate of values shared by too many actors to enumerate
  kNaming,        // pair-level: what naming data says about the two names
  kPairSummary,   // pair-level: absence or agreement of evidence
};
std::string_view EvidenceLevelName(EvidenceLevel level);  // "ip-port", "pdns-link", ...

enum class TimeRelation { kConcurrent, kSequential, kFarApart, kUnknown, kNotApplicable };
std::string_view TimeRelationName(TimeRelation t);  // "concurrent", "sequential", ...

// ACH cell: II inconsistent, I, N neutral, C consistent, CC (Heuer's notation).
enum class Mark : int8_t { kII = -2, kI = -1, kN = 0, kC = 1, kCC = 2 };
std::string_view MarkName(Mark m);  // "II", "I", "N", "C", "CC"

struct Cell {
  Mark mark = Mark::kN;
  std::string reason;
};

struct TimedInterval {
  int64_t first = 0;
  int64_t last = 0;
  bool estimated = false;
};

// One actor's side of a shared value.
struct EvidenceSide {
  std::vector<TimedInterval> intervals;  // merged, sorted
  std::vector<std::string> sources;
  std::vector<std::string> references;
  std::vector<std::string> basis;
  std::vector<std::string> values;   // the values through which the side reached it
  std::vector<std::string> via;      // relationships used ("resolves-to from x.example")
  std::vector<std::string> details;  // ports / paths on this side ("port 443")
  std::vector<std::string> roles;
  int64_t observations = 0;
  int independent_sources = 0;  // sources that do not repeat each other's references
  Tlp tlp = Tlp::kUnmarked;
};

struct Evidence {
  std::string value;  // the shared key ("203.0.113.45:8443", "198.51.100.0/24", "AS64500")
  EvidenceLevel level = EvidenceLevel::kOtherExact;
  std::string family;  // network, dns, tls, http, messaging, code, email, naming, pair
  std::array<EvidenceSide, 2> sides;
  TimeRelation time = TimeRelation::kNotApplicable;
  int64_t gap_days = 0;
  int actors_sharing = 0;
  int sources_sharing = 0;
  double specificity = 1.0;
  double weight = 0;      // strength as a link (level x specificity x time x list x independence)
  double ach_weight = 0;  // how much the item counts in the hypothesis matrix
  std::vector<std::string> weight_reasons;
  std::vector<std::string> listed;  // list hits ("Public DNS resolvers (built-in): 8.8.8.8")
  std::string independence;         // "independent", "same-source", "same-basis", ...
  std::string subsumed_by;          // non-empty: implied by a stronger shared value
  std::array<Cell, kHypothesisCount> cells;
  double diagnosticity = 0;
  Tlp tlp = Tlp::kUnmarked;
};

struct HypothesisAssessment {
  Hypothesis hypothesis = Hypothesis::kCollaboration;
  int rank = 0;
  int consistent = 0;  // counts of C/CC, I/II, N cells
  int inconsistent = 0;
  int neutral = 0;
  double inconsistency = 0;  // weighted (II counts double)
  double score = 0;          // weighted: consistency minus twice the inconsistency
  double probability = 0;
  std::vector<std::string> reasons;  // the most weighty cells, "+ reason" / "- reason"
};

struct ActorSummary {
  ActorId id = 0;
  std::string name;
  ActorKind kind = ActorKind::kGroup;
  std::vector<std::string> external_ids;
  std::vector<std::string> names_used;  // names as the sources wrote them in this pair
  std::vector<std::string> part_of;     // umbrella names
};

struct PairFinding {
  std::array<ActorSummary, 2> actors;
  Hypothesis leading = Hypothesis::kCollaboration;
  std::string likelihood;  // ICD 203 phrase for the leading hypothesis
  double probability = 0;
  std::string confidence;  // low / moderate / high: quality of the evidence base
  int stix_confidence = 0;
  double score = 0;                              // 0-100 strength of what is shared
  std::string summary;                           // one sentence
  std::vector<HypothesisAssessment> hypotheses;  // ranked
  std::vector<Evidence> evidence;                // value items first, by weight; then pair items
  size_t evidence_total = 0;                     // value items before truncation
  Tlp tlp = Tlp::kUnmarked;
};

struct AnalysisStats {
  size_t observations = 0;
  size_t observations_used = 0;  // after the time filter, with an actor
  size_t values = 0;
  size_t keys = 0;  // values plus derived levels
  size_t postings = 0;
  size_t shared_keys = 0;         // keys with two or more actors
  size_t widely_shared_keys = 0;  // keys with more than the pair cap
  int pair_cap = 0;               // the cap actually used
  size_t pair_records = 0;        // (pair, key) records enumerated
  size_t candidate_pairs = 0;
  size_t reported_pairs = 0;
  double seconds = 0;
  std::vector<std::pair<std::string, double>> phases;  // seconds per stage
};

struct AnalysisResult {
  std::vector<PairFinding> pairs;  // by score, descending
  AnalysisStats stats;
};

struct AnalysisOptions {
  std::optional<Timestamp> since;  // only observations whose time overlaps [since, until]
  std::optional<Timestamp> until;
  std::vector<ActorId> actors;  // only pairs with one of these (both when two are given)
  double min_score = 0;
  size_t max_pairs = 0;      // 0 = all
  size_t max_evidence = 40;  // value items kept per pair in the output
  // A value shared by more actors than this is not expanded into pairs (k(k-1)/2 each) but
  // aggregated as weak evidence. The cap is lowered when the enumeration would exceed
  // `pair_budget` records.
  int max_pair_actors = 50;
  uint64_t pair_budget = 100'000'000;
  int concurrent_days = 14;  // gap up to which two uses count as concurrent
  int far_apart_days = 365;  // gap beyond which they are far apart
  const Warninglists* lists = nullptr;
  const AsnDatabase* asn = nullptr;
};

Result<AnalysisResult> Analyze(const AnalysisInput& input, const AnalysisOptions& options);

// ICD 203 expression of likelihood for a probability: "almost no chance" (1-5 %) ...
// "almost certain" (95-99 %).
std::string_view LikelihoodPhrase(double probability);
// The URL-path scheme of a path: digit runs become N, long hex runs H ("/payload/7/12" ->
// "/payload/N/N"); empty for paths too generic to compare ("/", "/index.php").
std::string PathScheme(std::string_view path);

}  // namespace cotenant
