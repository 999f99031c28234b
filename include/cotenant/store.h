// Store: the durable home of everything the readers produce, and the queries the analysis,
// the CLI and the server ask of it.
//
// A Store keeps indicators (canonical), observations ("source S says actor A used value V in
// role R during [t0, t1]", with where it was read), relationships with time, sources, actor
// naming data, the alias registry that resolves the names sources write to actors, and one
// row per ingested file. OpenSqliteStore gives the embedded SQLite backend (docs/store.md
// documents its schema); another backend (PostgreSQL for teams) implements the same class.
//
// Writing: one IngestBatch per input file. BeginIngest opens a transaction; the batch is an
// IngestSink the reader writes into; Commit makes the whole file visible at once, Rollback (or
// destroying the batch) leaves the store as it was, also when the process is killed mid-file.
// Idempotent: a file whose content hash was already committed is reported by FindIngest so the
// caller can skip it, and an observation whose natural key (indicator, source, actor name as
// written, role, first/last seen, references, basis) is already stored is counted as a
// duplicate, not added. The same value from two sources is two observations.
//
// Actor names are stored as written and resolved through the alias registry, which is rebuilt
// inside the transaction that changes its inputs (naming records or overrides), so changing
// the overrides re-resolves every observation without re-ingesting. Resolution always yields an
// actor id for a named observation: a registered group, an ambiguous name (kept as its own
// actor, never merged into one of its candidates) or a name no naming data knows.
//
// Threads: a Store is externally synchronized (one thread at a time); open one Store per thread
// for parallel readers. Several processes may open the same file: readers see the last
// committed state while one writer ingests. At most one IngestBatch is open per Store, and the
// Store must outlive it; do not query the Store while a batch is open.
// Lifetimes: views in the rows passed to a Scan* callback stay valid until that callback
// returns; everything else is returned by value.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/indicator.h"
#include "cotenant/marking.h"
#include "cotenant/observation.h"
#include "cotenant/status.h"
#include "cotenant/timestamp.h"

namespace cotenant {

using ActorId = int64_t;      // actors.id; 0 = no actor
using IngestId = int64_t;     // ingests.id, increasing in commit order; 0 = before any ingest
using IndicatorId = int64_t;  // indicators.id
using SourceId = int64_t;     // sources.id

// ---- ingest -----------------------------------------------------------------------------

// The file an ingest batch reads. `sha256` (lower-case hex of the bytes read) is the
// idempotency key; for a MISP feed directory it is the hash of its files' hashes.
struct IngestFile {
  std::string path;
  std::string sha256;
  std::string format;  // FormatName of what was read ("auto" when detection decided)
};

struct IngestCounts {
  int64_t observations = 0;            // new observations written
  int64_t duplicate_observations = 0;  // natural key already stored
  int64_t relationships = 0;
  int64_t duplicate_relationships = 0;
  int64_t actor_records = 0;  // naming records (ActorRecord)
  int64_t sources = 0;
  int64_t rejections = 0;
};

// One row of the ingests table.
struct IngestInfo {
  IngestId id = 0;
  IngestFile file;
  Timestamp finished = Timestamp::FromUnixSeconds(0);
  bool complete = true;  // false: committed with --partial after the reader failed
  std::string error;     // the reader's error when !complete
  IngestCounts counts;
};

// An open ingest transaction for one file. Sink calls cannot return errors: the first store
// error is kept in status(), later records are dropped, and Commit returns that error (after
// rolling back). Destroying a batch that was neither committed nor rolled back rolls it back.
class IngestBatch : public IngestSink {
 public:
  ~IngestBatch() override = default;
  virtual IngestId id() const = 0;
  // What was written so far. Observations and relationships are buffered and written in
  // chunks (sorted, for speed), so they are counted when written; after Commit the counts are
  // final.
  virtual const IngestCounts& counts() const = 0;
  virtual const Status& status() const = 0;
  // Commits everything written. `reader_error` non-OK records a partial ingest (--partial):
  // the records read before the failure are kept and the file is not marked complete, so a
  // later ingest of the same content is attempted again.
  virtual Status Commit(const Status& reader_error = Status::Ok()) = 0;
  virtual void Rollback() = 0;
};

// ---- actors -----------------------------------------------------------------------------

enum class ActorKind {
  kGroup,         // a group from the naming data (records of several sources merged, see docs)
  kAmbiguous,     // a name several groups claim; kept as its own actor
  kUnregistered,  // a name no naming data (nor override) knows
};
std::string_view ActorKindName(ActorKind kind);  // "group", "ambiguous", "unregistered"

// One name of an actor and who said so.
struct ActorAlias {
  std::string name;
  std::string source;  // naming source ("mitre-attack", "misp-galaxy:threat-actor", "override")
  std::optional<Timestamp> dated;
};

struct ActorInfo {
  ActorId id = 0;
  ActorKind kind = ActorKind::kGroup;
  std::string name;                       // canonical display name
  std::vector<std::string> external_ids;  // "G0007", galaxy uuids, STIX ids
  std::string country;
  std::vector<ActorAlias> aliases;  // every name, including `name`, with its sources
  std::vector<ActorId> part_of;     // umbrella groups this one is part of
  std::vector<ActorId> members;     // sub-clusters that are part of this one
  std::vector<ActorId> candidates;  // kAmbiguous only: the groups that claim the name
};

// How one name resolves, and why.
struct NameResolution {
  std::string name;        // as asked
  std::string normalized;  // the registry key (see NormalizeActorName)
  // The actor observations written with this name resolve to; 0 when no observation uses an
  // unregistered or ambiguous name yet (the store makes such actors when a name is first used).
  ActorId actor_id = 0;
  ActorKind kind = ActorKind::kUnregistered;
  std::string actor_name;  // canonical name of actor_id
  // Human-readable explanation: which sources list the name for which group, or which
  // override line decided.
  std::string reason;
  // Every group claiming the name: the reason an ambiguous name is ambiguous, or the competing
  // claims a rule set aside for a resolved one.
  std::vector<ActorId> candidates;
};

// The registry key of a name: Unicode-unaware case folding of ASCII letters, and every
// character that is not an ASCII letter or digit removed ("APT 28", "apt-28", "APT28" all
// become "apt28"; non-ASCII bytes are kept as they are).
std::string NormalizeActorName(std::string_view name);

// ---- queries for the analysis ------------------------------------------------------------

// One observation, flattened for scanning. Views are valid until the callback returns.
struct ObservationRow {
  int64_t id = 0;
  IngestId ingest_id = 0;
  IndicatorId indicator_id = 0;
  IndicatorType type = IndicatorType::kIpv4;
  std::string_view value;       // canonical value
  ActorId actor_id = 0;         // resolved actor; 0 = the source named no actor
  int64_t actor_name_id = 0;    // the name as written (ListActorNames); 0 = none
  std::string_view actor_name;  // the name as written
  Role role = Role::kUnknown;
  SourceId source_id = 0;
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  int confidence = -1;
  Tlp tlp = Tlp::kUnmarked;
  // References and basis as interned lists: equal ids mean equal lists (0 = empty list). The
  // text holds the items separated by '\n'.
  int64_t references_id = 0;
  std::string_view references;
  int64_t basis_id = 0;
  std::string_view basis;
  bool exact = true;
};

enum class ObservationOrder {
  kStorage,    // insertion order: the fastest full scan
  kIndicator,  // grouped by indicator id (then storage order): postings per value
};

struct ObservationQuery {
  // Only observations committed by ingest batches with id > after_ingest ("what is new since
  // the last analysis"); 0 = all.
  IngestId after_ingest = 0;
  // Only these indicators (e.g. the ones touched by new observations); empty = all.
  std::vector<IndicatorId> indicator_ids;
  bool named_actor_only = false;  // skip observations that name no actor
  ObservationOrder order = ObservationOrder::kStorage;
  size_t batch_size = 4096;
};

// Returning a non-OK status stops the scan and is returned by the Scan call.
using ObservationBatchFn = std::function<Status(std::span<const ObservationRow>)>;

struct RelationshipRow {
  int64_t id = 0;
  IngestId ingest_id = 0;
  IndicatorId from_id = 0;
  IndicatorType from_type = IndicatorType::kIpv4;
  std::string_view from_value;
  std::string_view kind;  // "resolves-to", "communicates-with", "publishes", ...
  IndicatorId to_id = 0;
  IndicatorType to_type = IndicatorType::kIpv4;
  std::string_view to_value;
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  int64_t count = 0;
  SourceId source_id = 0;
  Tlp tlp = Tlp::kUnmarked;
};

struct RelationshipQuery {
  IngestId after_ingest = 0;
  std::vector<IndicatorId> indicator_ids;  // either end is one of these; empty = all
  size_t batch_size = 4096;
};

using RelationshipBatchFn = std::function<Status(std::span<const RelationshipRow>)>;

struct SourceInfo {
  SourceId id = 0;
  Source source;
  int64_t observations = 0;
};

struct ActorNameInfo {
  int64_t id = 0;
  std::string name;  // as written by some source
  ActorId actor_id = 0;
  int64_t observations = 0;
};

// ---- lookup and stats --------------------------------------------------------------------

struct StoredObservation {
  int64_t id = 0;
  IngestId ingest_id = 0;
  Observation observation;  // actor = the name as written, source = source name
  ActorId actor_id = 0;
  std::string actor_name;  // canonical name of actor_id
  ActorKind actor_kind = ActorKind::kUnregistered;
};

struct StoredRelationship {
  int64_t id = 0;
  IngestId ingest_id = 0;
  Relationship relationship;
};

// Everything the store knows about one value.
struct IndicatorReport {
  IndicatorId id = 0;
  Indicator indicator;
  std::vector<StoredObservation> observations;    // ordered by actor, source, first seen
  std::vector<StoredRelationship> relationships;  // either end is the value
};

struct StoreStats {
  int64_t schema_version = 0;
  int64_t indicators = 0;
  int64_t observations = 0;
  int64_t relationships = 0;
  int64_t sources = 0;
  int64_t ingests = 0;
  int64_t rejections = 0;
  int64_t actor_records = 0;  // naming records read
  int64_t groups = 0;         // actors of kind kGroup
  int64_t ambiguous_names = 0;
  int64_t unregistered_names = 0;
  std::vector<std::pair<std::string, int64_t>> observations_by_type;    // type name, count
  std::vector<std::pair<std::string, int64_t>> observations_by_source;  // source name, count
  std::vector<std::pair<std::string, int64_t>> observations_by_role;    // role name, count
};

// ---- the interface -----------------------------------------------------------------------

class Store {
 public:
  virtual ~Store() = default;

  // -- ingest
  // The committed, complete ingest of this content, if any (the caller then skips the file).
  virtual Result<std::optional<IngestInfo>> FindIngest(std::string_view sha256) = 0;
  virtual Result<std::unique_ptr<IngestBatch>> BeginIngest(const IngestFile& file) = 0;
  virtual Result<std::vector<IngestInfo>> ListIngests() = 0;
  // Id of the last committed ingest batch (0 when none): the bookmark for after_ingest.
  virtual Result<IngestId> LastIngestId() = 0;
  // Rejections recorded by a batch (all batches when ingest == 0), in file order.
  virtual Result<std::vector<Rejection>> ListRejections(IngestId ingest, size_t limit) = 0;

  // -- alias registry
  // Replaces the alias overrides (format in docs/store.md) and re-resolves every name in one
  // transaction. `origin` names the file for messages. Errors name the line and the reason;
  // on error nothing changes.
  virtual Status SetAliasOverrides(std::string_view text, std::string_view origin) = 0;
  virtual Result<std::string> AliasOverrides() = 0;
  virtual Result<NameResolution> ResolveName(std::string_view name) = 0;
  // Every name the naming data lists that is ambiguous, resolved (sorted by name).
  virtual Result<std::vector<NameResolution>> AmbiguousNames() = 0;
  virtual Result<std::vector<ActorInfo>> ListActors() = 0;
  virtual Result<std::optional<ActorInfo>> GetActor(ActorId id) = 0;
  virtual Result<std::vector<ActorNameInfo>> ListActorNames() = 0;
  // Problems met while building the registry (an override or part-of naming no single group).
  virtual Result<std::vector<std::string>> RegistryWarnings() = 0;

  // -- analysis
  virtual Status ScanObservations(const ObservationQuery& query, const ObservationBatchFn& fn) = 0;
  virtual Status ScanRelationships(const RelationshipQuery& query,
                                   const RelationshipBatchFn& fn) = 0;
  virtual Result<std::vector<SourceInfo>> ListSources() = 0;

  // -- lookup and stats
  // NotFound when the store holds nothing about the value.
  virtual Result<IndicatorReport> Lookup(const Indicator& indicator) = 0;
  virtual Result<StoreStats> Stats() = 0;
};

struct StoreOptions {
  // Open without creating and without writing. A store of an older schema is first migrated
  // through a short write connection when the file is writable; otherwise it is an error.
  bool read_only = false;
};

// Opens (creating and migrating when needed) the SQLite store at `path`. Errors name the path.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const StoreOptions& options = {});

}  // namespace cotenant
