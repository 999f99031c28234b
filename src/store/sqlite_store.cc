// The embedded SQLite backend of Store. One connection, WAL journal, prepared statements, one
// transaction per ingest batch. Schema: store/schema.cc and docs/store.md.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>

#include "cotenant/store.h"
#include "store/alias_registry.h"
#include "store/hash_sort.h"
#include "store/indicator_key.h"
#include "store/observation_key.h"
#include "store/schema.h"
#include "store/sqlite_db.h"

namespace cotenant {
namespace {

using store::AliasOverrides;
using store::AliasRegistry;
using store::Database;
using store::HashAndRow;
using store::NamingRecord;
using store::Statement;

// Text <-> enum tables built once from the core's name functions.
template <typename E>
class EnumNames {
 public:
  template <typename NameFn>
  EnumNames(int first, int last, NameFn name) {
    for (int i = first; i <= last; ++i) {
      auto e = static_cast<E>(i);
      by_name_.emplace(std::string(name(e)), e);
    }
  }
  std::optional<E> Find(std::string_view text) const {
    auto it = by_name_.find(std::string(text));
    if (it == by_name_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::unordered_map<std::string, E> by_name_;
};

const EnumNames<IndicatorType>& TypeNames() {
  static const EnumNames<IndicatorType> kNames(static_cast<int>(IndicatorType::kIpv4),
                                               static_cast<int>(IndicatorType::kTelegramBotToken),
                                               IndicatorTypeName);
  return kNames;
}
const EnumNames<Tlp>& TlpNames() {
  static const EnumNames<Tlp> kNames(static_cast<int>(Tlp::kUnmarked), static_cast<int>(Tlp::kRed),
                                     TlpName);
  return kNames;
}
const EnumNames<ActorKind>& KindNames() {
  static const EnumNames<ActorKind> kNames(static_cast<int>(ActorKind::kGroup),
                                           static_cast<int>(ActorKind::kUnregistered),
                                           ActorKindName);
  return kNames;
}

// References and basis are kept as sets: sorted, without duplicates or empty items.
std::string JoinList(const std::vector<std::string>& items) {
  std::vector<std::string_view> sorted;
  for (const auto& s : items) {
    if (!s.empty()) sorted.push_back(s);
  }
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string out;
  for (auto s : sorted) {
    if (!out.empty()) out += '\n';
    for (char c : s) out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    out.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::optional<int64_t> Seconds(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return t->unix_seconds();
}

std::optional<Timestamp> TimeOf(std::optional<int64_t> seconds) {
  if (!seconds) return std::nullopt;
  return Timestamp::FromUnixSeconds(*seconds);
}

std::string Truncate(std::string_view s, size_t n) {
  return std::string(s.substr(0, std::min(n, s.size())));
}

class SqliteIngestBatch;
class Binder;
std::string ObservationInsertSql(uint32_t mask, size_t rows);

// Heterogeneous lookup: find by string_view without building a std::string.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// The columns of an observations INSERT, in parameter order (the id is SQLite's).
constexpr std::string_view kObservationColumnNames[] = {
    "ingest_id",     "indicator_id",  "key_hash",    "actor_name_id", "role",       "source_id",
    "references_id", "basis_id",      "first_seen",  "last_seen",     "confidence", "tlp",
    "exact",         "original_text", "description", "file_id",       "line",       "json_path"};
constexpr int kObservationColumns = std::size(kObservationColumnNames);
// Columns every row has a value for (NOT NULL): written by every statement.
constexpr uint32_t kObservationRequired =
    (1u << 0) | (1u << 1) | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 11) | (1u << 12);
constexpr uint32_t kObservationAll = (1u << kObservationColumns) - 1;

class SqliteStore : public Store {
 public:
  SqliteStore(bool read_only) : read_only_(read_only) {}
  ~SqliteStore() override = default;

  Status Open(const std::string& path);

  Result<std::optional<IngestInfo>> FindIngest(std::string_view sha256) override;
  Result<std::unique_ptr<IngestBatch>> BeginIngest(const IngestFile& file) override;
  Result<std::vector<IngestInfo>> ListIngests() override;
  Result<IngestId> LastIngestId() override;
  Result<std::vector<Rejection>> ListRejections(IngestId ingest, size_t limit) override;

  Status SetAliasOverrides(std::string_view text, std::string_view origin) override;
  Result<std::string> AliasOverrides() override;
  Result<NameResolution> ResolveName(std::string_view name) override;
  Result<std::vector<NameResolution>> AmbiguousNames() override;
  Result<std::vector<ActorInfo>> ListActors() override;
  Result<std::optional<ActorInfo>> GetActor(ActorId id) override;
  Result<std::vector<ActorNameInfo>> ListActorNames() override;
  Result<std::vector<std::string>> RegistryWarnings() override;

  Status ScanObservations(const ObservationQuery& query, const ObservationBatchFn& fn) override;
  Status ScanRelationships(const RelationshipQuery& query, const RelationshipBatchFn& fn) override;
  Result<std::vector<SourceInfo>> ListSources() override;

  Result<IndicatorReport> Lookup(const Indicator& indicator) override;
  Result<StoreStats> Stats() override;

 private:
  friend class SqliteIngestBatch;

  // Prepared once, reused (statements are reset by their users). `sql` must be a string
  // literal: the cache is keyed by its address, so the hot path hashes a pointer, not the text.
  Result<Statement*> Cached(const char* sql);
  // The text of the observations INSERT of `rows` rows writing the columns of `mask`, kept for
  // the store's lifetime (so that Cached can key it by address).
  const std::string& InsertSql(uint32_t mask, size_t rows);
  // The columns to write for a chunk whose rows have values in `mask`: `mask` itself, or every
  // column once kInsertShapes other sets have statements (each stays prepared for the store's
  // lifetime, so their number is bounded).
  uint32_t InsertColumns(uint32_t mask) const;
  static constexpr size_t kInsertShapes = 32;
  Status WriteCheck() const;

  // Ids of interned things, inserting when new. Valid inside the open transaction.
  // `display` is stored only when it differs from the value (pass "" otherwise).
  Result<int64_t> IndicatorIdFor(IndicatorType type, std::string_view value,
                                 std::string_view display, uint64_t hash);
  Result<int64_t> IndicatorIdFor(const Indicator& indicator) {
    std::string_view display = indicator.display != indicator.value
                                   ? std::string_view(indicator.display)
                                   : std::string_view();
    return IndicatorIdFor(indicator.type, indicator.value, display,
                          store::IndicatorKey(indicator.type, indicator.value));
  }
  // What the indicator hash slot `hash` holds: nullopt when no row has that hash, the row's id
  // when it holds exactly this type and value, 0 when it holds another value (a collision).
  Result<std::optional<int64_t>> IndicatorInSlot(int64_t hash, std::string_view type,
                                                 std::string_view value);
  // 0 when the store does not hold the indicator.
  Result<int64_t> FindIndicatorId(const Indicator& indicator);
  Result<int64_t> SourceIdFor(std::string_view name);
  // 0 for no name, or one without a letter or digit (no actor).
  Result<int64_t> NameIdFor(std::string_view name, bool& created);
  Result<int64_t> ListIdFor(const std::string& joined);  // 0 for an empty list
  Result<int64_t> FileIdFor(std::string_view path);
  void ForgetCaches();

  Result<const AliasRegistry*> Registry();
  // Rewrites actors, aliases, relations and every name's resolution (inside a transaction).
  Status RebuildActors();
  // Resolves names with no actor yet (inside a transaction).
  Status ResolveNewNames();
  Result<ActorId> ActorIdForKey(const std::string& key, ActorKind kind, std::string_view name,
                                std::string_view country, std::string_view external_ids);
  Result<ActorId> FindActorIdByKey(const std::string& key);
  Result<ActorInfo> LoadActor(Statement& row);
  Status FillActorDetails(std::vector<ActorInfo>& actors);

  Database db_;
  bool read_only_;
  bool batch_open_ = false;
  std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
  std::map<std::pair<uint32_t, size_t>, std::string> insert_sql_;  // see InsertSql
  // No cache for indicators: a chunk resolves each distinct value once, in sorted order, and
  // most values of a large feed are new, so a cache would only cost a miss per value.
  StringMap<int64_t> source_ids_;
  StringMap<int64_t> name_ids_;
  StringMap<int64_t> list_ids_;
  StringMap<int64_t> file_ids_;
  std::optional<AliasRegistry> registry_;
};

class SqliteIngestBatch : public IngestBatch {
 public:
  SqliteIngestBatch(SqliteStore& store, IngestId id, IngestFile file)
      : store_(store), id_(id), file_(std::move(file)) {}
  ~SqliteIngestBatch() override {
    if (open_) Rollback();
  }

  IngestId id() const override { return id_; }
  const IngestCounts& counts() const override { return counts_; }
  const Status& status() const override { return status_; }

  void OnSource(const Source& source) override;
  void OnObservation(Observation&& o) override;
  void OnRelationship(Relationship&& r) override;
  void OnActor(ActorRecord&& a) override;
  void OnRejection(Rejection&& r) override;

  Status Commit(const Status& reader_error) override;
  void Rollback() override;

 private:
  bool Usable() const { return open_ && status_.ok(); }
  void Fail(const Status& s) {
    if (status_.ok()) status_ = s;
  }
  void Reject(const Location& at, std::string reason, std::string_view text);
  // Resolves the row's source, actor name, list and file ids and appends it to the buffer.
  Status Buffer(const Observation& o);
  Status Flush();
  // Writes relationships_ (Flush, after the chunk's indicators got their ids).
  Status WriteRelationships();
  // The id of `indicator` when it is a value of the chunk being flushed (rows_ in hash order,
  // ids set), else 0.
  int64_t ChunkIndicatorId(const Indicator& indicator) const;
  Status InsertIndicators(std::span<const uint32_t> distinct);
  Status InsertObservations(std::span<const uint32_t> rows);
  Status TouchNewNames();

  // Rows buffered before a flush. Each costs about 150 bytes plus its text, so a chunk is
  // some 40-70 MB whatever the input size; larger chunks put more rows on each B-tree page
  // touched (1 << 18 ingested 5-10 % faster than 1 << 16 for 1 M rows, bench/ingest_bench.cc).
  static constexpr size_t kFlushSize = 1 << 18;
  static constexpr size_t kMaxPendingRelationships = 1 << 16;
  // Rows per multi-row INSERT (fewer statement executions; far below SQLite's bind limit).
  static constexpr size_t kRowsPerInsert = 32;

  // A buffered observation: ids resolved on arrival, text in `text_` (offset, length).
  struct Span {
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  struct Row {
    uint64_t hash = 0;         // IndicatorKey(type, value)
    int64_t indicator_id = 0;  // set by Flush
    int64_t key_hash = 0;      // ObservationKeyHash of the rest of the natural key
    int64_t source_id = 0;
    int64_t name_id = 0;        // 0: no actor
    int64_t references_id = 0;  // 0: none
    int64_t basis_id = 0;       // 0: none
    int64_t file_id = 0;
    int64_t first_seen = 0;
    int64_t last_seen = 0;
    int64_t line = 0;
    Span value, display, original_text, description, json_path;  // size 0: NULL
    int32_t confidence = -1;
    IndicatorType type = IndicatorType::kIpv4;
    Role role = Role::kUnknown;
    Tlp tlp = Tlp::kUnmarked;
    bool exact = true;
    bool has_first_seen = false;
    bool has_last_seen = false;
  };
  // Which observation columns a statement writes (the others are left NULL): a column that is
  // NULL in every row of a chunk is left out of its INSERT, which saves SQLite a parameter, a
  // copy and a record field per row, and this side a bind check.
  struct ObservationColumns {
    uint32_t mask = 0;                    // bit c: column c of kObservationColumnNames written
    int count = 0;                        // columns written per row
    int param[kObservationColumns] = {};  // 1-based position in a row's tuple, 0: not written
    explicit ObservationColumns(uint32_t m);
  };
  static uint32_t ColumnsWithValues(const Row& row);
  void BindObservation(Binder& b, int p, const Row& row, const ObservationColumns& cols) const;
  // Stores row `r` of a group that inserted fewer rows than it had: true when it was inserted
  // now (at a later key slot than its hash's), false when an equal observation is stored.
  Result<bool> ResolveObservation(const Row& row);
  // Settles the rows of a group that inserted fewer rows than it had: one query reads what
  // the rows' hash slots hold; a row whose slot holds its own key is stored (a duplicate, or
  // inserted by the group), the others go through ResolveObservation. Returns how many rows
  // were inserted now.
  Result<int64_t> ResolveGroup(std::span<const uint32_t> group);
  // The natural key fields of a buffered row.
  static store::ObservationKeyFields KeyFields(const Row& row) {
    return {row.source_id,      row.name_id,       store::RoleCode(row.role),
            row.has_first_seen, row.first_seen,    row.has_last_seen,
            row.last_seen,      row.references_id, row.basis_id};
  }
  Span Keep(std::string_view text);
  std::string_view Text(Span span) const { return {text_.data() + span.offset, span.size}; }
  // Starts loading a span's text into the cache. Flush visits rows in hash order while their
  // text lies in arrival order: without this, SQLite's copy of each string into its record
  // waits on a cache miss (8.5 % of a 1 M-indicator STIX ingest's CPU, in `memcpy` under
  // `OP_MakeRecord`). Called one statement (kRowsPerInsert rows) ahead.
  void PrefetchText(Span span) const {
    if (span.size == 0) return;
    const char* p = text_.data() + span.offset;
    __builtin_prefetch(p);
    if ((reinterpret_cast<uintptr_t>(p) & 63) + span.size > 64) __builtin_prefetch(p + 64);
  }

  SqliteStore& store_;
  IngestId id_;
  IngestFile file_;
  IngestCounts counts_;
  Status status_;
  bool open_ = true;
  bool actors_changed_ = false;
  bool names_added_ = false;
  int64_t first_new_name_id_ = 0;  // the first actor name this batch added (0: none)
  std::vector<Row> rows_;          // buffered, written by Flush (bounded: kFlushSize)
  // Relationships wait for the chunk too: their ends are mostly values of the chunk's rows,
  // whose ids Flush knows once it has inserted the chunk's indicators (bounded:
  // kMaxPendingRelationships).
  std::vector<Relationship> relationships_;
  // Flush's working arrays, kept between flushes (a fresh allocation of each per chunk cost
  // page faults).
  struct Scratch {
    std::vector<HashAndRow> by_hash, sort_buffer;
    std::vector<uint32_t> from, distinct, order, known, merged;
  } scratch_;
  std::string text_;  // the rows' text
  // The previous observation's fields and their ids: consecutive records of a file mostly
  // share source, actor, references and file.
  struct Last {
    bool valid = false;
    std::string source, actor, file;
    std::vector<std::string> references, basis;
    int64_t source_id = 0, name_id = 0, references_id = 0, basis_id = 0, file_id = 0;
  } last_;
};

// ---- store: open and helpers ------------------------------------------------------------

Status SqliteStore::Open(const std::string& path) {
  if (read_only_ && !std::filesystem::exists(path)) {
    return NotFound("store " + path + " does not exist (ingest something first)");
  }
  if (!read_only_) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return IoError("cannot create directory " + parent.string() + ": " + ec.message());
  }
  COTENANT_RETURN_IF_ERROR(db_.Open(path, read_only_));
  COTENANT_RETURN_IF_ERROR(db_.Exec("PRAGMA busy_timeout = 10000"));
  // Detect a file that is not a database before anything else writes to it.
  auto probe = db_.QueryInt("SELECT count(*) FROM sqlite_schema");
  if (!probe.ok()) {
    return Corruption("store " + path + " is not a cotenant store: " + probe.status().message());
  }
  if (!read_only_) {
    // Takes effect only on a new, empty file (an existing store keeps its page size). Larger
    // pages than SQLite's 4 KiB default make bulk ingest cheaper: fewer B-tree levels and
    // page splits per row (bench/RESULTS.md).
    COTENANT_RETURN_IF_ERROR(db_.Exec("PRAGMA page_size = 16384"));
    COTENANT_RETURN_IF_ERROR(db_.Exec("PRAGMA journal_mode = WAL"));
    // With WAL, NORMAL keeps the store consistent through crashes (kill -9, power loss) and
    // only risks losing the last commits on power loss.
    COTENANT_RETURN_IF_ERROR(db_.Exec("PRAGMA synchronous = NORMAL"));
    // Debian builds SQLite with SECURE_DELETE on, which zeroes the bytes of every freed cell,
    // also of the cells a B-tree page split moves while rows are inserted. The store deletes
    // nothing a source said (observations and relationships are only added); what it deletes
    // or rewrites is derived (actor tables, name resolutions). Off: about 2 % fewer
    // instructions per ingested row (bench/RESULTS.md).
    COTENANT_RETURN_IF_ERROR(db_.Exec("PRAGMA secure_delete = OFF"));
  }
  COTENANT_RETURN_IF_ERROR(db_.Exec("PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY"));
  if (read_only_) {
    // A store of an older schema, opened by a reading command: migrate it once through a short
    // write connection when the file may be written, so that `stats` or `lookup` after an
    // upgrade work without an ingest first. A store we may not write still gets the error.
    auto version = db_.QueryInt("PRAGMA user_version");
    if (version.ok() && *version > 0 && *version < store::LatestSchemaVersion() &&
        access(path.c_str(), W_OK) == 0) {
      SqliteStore writer(false);
      if (Status s = writer.Open(path); !s.ok()) {
        return s.WithContext("migrating " + path + " to schema version " +
                             std::to_string(store::LatestSchemaVersion()) + " before reading it");
      }
    }
  }
  return store::MigrateSchema(db_, read_only_);
}

Status SqliteStore::WriteCheck() const {
  if (read_only_) return Unsupported("store " + db_.path() + " is open read-only");
  if (batch_open_) return Internal("an ingest batch is open on store " + db_.path());
  return Status::Ok();
}

Result<Statement*> SqliteStore::Cached(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  COTENANT_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(sql));
  auto owned = std::make_unique<Statement>(std::move(stmt));
  Statement* raw = owned.get();
  statements_.emplace(sql, std::move(owned));
  return raw;
}

uint32_t SqliteStore::InsertColumns(uint32_t mask) const {
  if (insert_sql_.size() < 2 * kInsertShapes || insert_sql_.contains({mask, 1})) return mask;
  return kObservationAll;
}

const std::string& SqliteStore::InsertSql(uint32_t mask, size_t rows) {
  auto [it, added] = insert_sql_.try_emplace({mask, rows});
  if (added) it->second = ObservationInsertSql(mask, rows);
  return it->second;
}

void SqliteStore::ForgetCaches() {
  source_ids_.clear();
  name_ids_.clear();
  list_ids_.clear();
  file_ids_.clear();
  registry_.reset();
}

// The caches are bounded: a full cache is dropped (the database still has every id).
template <typename Map>
void Bound(Map& map, size_t limit) {
  if (map.size() >= limit) map.clear();
}

// An indicator's id is given in insertion order (schema version 3); its hash (IndicatorKey) is
// the `hash` column under a UNIQUE index, probing upwards on the rare collision. Rows are never
// deleted, so probing stays exact. New values append to `indicators` and to the observations'
// natural-key index; only the hash index takes keys at random positions.
Result<std::optional<int64_t>> SqliteStore::IndicatorInSlot(int64_t hash, std::string_view type,
                                                            std::string_view value) {
  COTENANT_ASSIGN_OR_RETURN(Statement * find,
                            Cached("SELECT id, type, value FROM indicators WHERE hash = ?1"));
  find->BindInt(1, hash);
  COTENANT_ASSIGN_OR_RETURN(bool found, find->Step());
  std::optional<int64_t> slot;
  if (found) slot = find->Text(1) == type && find->Text(2) == value ? find->Int(0) : 0;
  find->Reset();
  return slot;
}

Result<int64_t> SqliteStore::IndicatorIdFor(IndicatorType type, std::string_view value,
                                            std::string_view display, uint64_t hash) {
  std::string_view type_name = IndicatorTypeName(type);
  int64_t slot = static_cast<int64_t>(hash);
  for (int probe = 0; probe < 1000; ++probe, slot = store::NextIndicatorSlot(slot)) {
    COTENANT_ASSIGN_OR_RETURN(std::optional<int64_t> held, IndicatorInSlot(slot, type_name, value));
    if (held.has_value() && *held != 0) return *held;
    if (held.has_value()) continue;  // another value's slot
    COTENANT_ASSIGN_OR_RETURN(
        Statement * insert,
        Cached("INSERT INTO indicators(hash, type, value, display) VALUES(?1, ?2, ?3, ?4)"));
    insert->BindInt(1, slot);
    insert->BindText(2, type_name, true);
    insert->BindText(3, value, true);
    if (!display.empty()) insert->BindText(4, display, true);
    Status st = insert->Run();
    insert->Reset();
    COTENANT_RETURN_IF_ERROR(st);
    return db_.LastInsertRowId();
  }
  return Corruption("store " + db_.path() + ": no free indicator slot near hash of " +
                    std::string(value));
}

Result<int64_t> SqliteStore::FindIndicatorId(const Indicator& indicator) {
  std::string_view type = IndicatorTypeName(indicator.type);
  int64_t slot = static_cast<int64_t>(store::IndicatorKey(indicator.type, indicator.value));
  for (int probe = 0; probe < 1000; ++probe, slot = store::NextIndicatorSlot(slot)) {
    COTENANT_ASSIGN_OR_RETURN(std::optional<int64_t> held,
                              IndicatorInSlot(slot, type, indicator.value));
    if (!held.has_value()) return int64_t{0};
    if (*held != 0) return *held;
  }
  return int64_t{0};
}

Result<int64_t> SqliteStore::SourceIdFor(std::string_view name) {
  if (auto it = source_ids_.find(name); it != source_ids_.end()) return it->second;
  COTENANT_ASSIGN_OR_RETURN(
      Statement * upsert,
      Cached("INSERT INTO sources(name) VALUES(?1) ON CONFLICT(name) DO UPDATE SET name = name "
             "RETURNING id"));
  upsert->BindText(1, name);
  COTENANT_ASSIGN_OR_RETURN(bool row, upsert->Step());
  if (!row) return Internal("no id for source " + std::string(name));
  int64_t id = upsert->Int(0);
  upsert->Reset();
  source_ids_.emplace(std::string(name), id);
  return id;
}

Result<int64_t> SqliteStore::NameIdFor(std::string_view name, bool& created) {
  if (name.empty()) return int64_t{0};
  if (auto it = name_ids_.find(name); it != name_ids_.end()) return it->second;
  Bound(name_ids_, 100'000);
  // A name without a letter or digit is no actor; cached as 0 so that the normalization runs
  // once per distinct name, not once per observation.
  if (NormalizeActorName(name).empty()) {
    name_ids_.emplace(std::string(name), 0);
    return int64_t{0};
  }
  COTENANT_ASSIGN_OR_RETURN(Statement * find, Cached("SELECT id FROM actor_names WHERE name = ?1"));
  find->BindText(1, name);
  COTENANT_ASSIGN_OR_RETURN(bool found, find->Step());
  int64_t id = 0;
  if (found) {
    id = find->Int(0);
    find->Reset();
  } else {
    find->Reset();
    COTENANT_ASSIGN_OR_RETURN(Statement * insert,
                              Cached("INSERT INTO actor_names(name, normalized) VALUES(?1, ?2)"));
    insert->BindText(1, name);
    insert->BindText(2, NormalizeActorName(name));
    COTENANT_RETURN_IF_ERROR(insert->Run());
    id = db_.LastInsertRowId();
    insert->Reset();
    created = true;
  }
  name_ids_.emplace(std::string(name), id);
  return id;
}

Result<int64_t> SqliteStore::ListIdFor(const std::string& joined) {
  if (joined.empty()) return int64_t{0};
  if (auto it = list_ids_.find(joined); it != list_ids_.end()) return it->second;
  Bound(list_ids_, 100'000);
  COTENANT_ASSIGN_OR_RETURN(
      Statement * upsert,
      Cached("INSERT INTO lists(items) VALUES(?1) ON CONFLICT(items) DO UPDATE SET items = items "
             "RETURNING id"));
  upsert->BindText(1, joined, true);
  COTENANT_ASSIGN_OR_RETURN(bool row, upsert->Step());
  if (!row) return Internal("no id for a reference list");
  int64_t id = upsert->Int(0);
  upsert->Reset();
  list_ids_.emplace(joined, id);
  return id;
}

Result<int64_t> SqliteStore::FileIdFor(std::string_view path) {
  if (path.empty()) return int64_t{0};
  if (auto it = file_ids_.find(path); it != file_ids_.end()) return it->second;
  Bound(file_ids_, 100'000);
  COTENANT_ASSIGN_OR_RETURN(
      Statement * upsert,
      Cached("INSERT INTO files(path) VALUES(?1) ON CONFLICT(path) DO UPDATE SET path = path "
             "RETURNING id"));
  upsert->BindText(1, path);
  COTENANT_ASSIGN_OR_RETURN(bool row, upsert->Step());
  if (!row) return Internal("no id for file " + std::string(path));
  int64_t id = upsert->Int(0);
  upsert->Reset();
  file_ids_.emplace(std::string(path), id);
  return id;
}

// ---- ingest -------------------------------------------------------------------------------

IngestInfo IngestFromRow(const Statement& s) {
  // Column order of kIngestColumns.
  IngestInfo info;
  info.id = s.Int(0);
  info.file.path = std::string(s.Text(1));
  info.file.sha256 = std::string(s.Text(2));
  info.file.format = std::string(s.Text(3));
  info.finished = Timestamp::FromUnixSeconds(s.Int(4));
  info.complete = s.Int(5) != 0;
  info.error = std::string(s.Text(6));
  info.counts.observations = s.Int(7);
  info.counts.duplicate_observations = s.Int(8);
  info.counts.relationships = s.Int(9);
  info.counts.duplicate_relationships = s.Int(10);
  info.counts.actor_records = s.Int(11);
  info.counts.sources = s.Int(12);
  info.counts.rejections = s.Int(13);
  return info;
}

constexpr std::string_view kIngestColumns =
    "id, path, sha256, format, finished, complete, error, observations, "
    "duplicate_observations, relationships, duplicate_relationships, actor_records, sources, "
    "rejections";

Result<std::optional<IngestInfo>> SqliteStore::FindIngest(std::string_view sha256) {
  COTENANT_ASSIGN_OR_RETURN(
      Statement s, db_.Prepare("SELECT " + std::string(kIngestColumns) +
                               " FROM ingests WHERE sha256 = ?1 AND complete = 1 ORDER BY id "
                               "LIMIT 1"));
  s.BindText(1, sha256);
  COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<IngestInfo>();
  return std::optional<IngestInfo>(IngestFromRow(s));
}

Result<std::vector<IngestInfo>> SqliteStore::ListIngests() {
  COTENANT_ASSIGN_OR_RETURN(Statement s, db_.Prepare("SELECT " + std::string(kIngestColumns) +
                                                     " FROM ingests ORDER BY id"));
  std::vector<IngestInfo> out;
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(IngestFromRow(s));
  }
  return out;
}

Result<IngestId> SqliteStore::LastIngestId() {
  return db_.QueryInt("SELECT ifnull(max(id), 0) FROM ingests");
}

Result<std::vector<Rejection>> SqliteStore::ListRejections(IngestId ingest, size_t limit) {
  COTENANT_ASSIGN_OR_RETURN(
      Statement s,
      db_.Prepare("SELECT f.path, r.line, r.json_path, r.reason, r.text FROM rejections r "
                  "LEFT JOIN files f ON f.id = r.file_id WHERE ?1 = 0 OR r.ingest_id = ?1 "
                  "ORDER BY r.id LIMIT ?2"));
  s.BindInt(1, ingest);
  s.BindInt(2, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  std::vector<Rejection> out;
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    Rejection r;
    r.location.file = std::string(s.Text(0));
    r.location.line = s.Int(1);
    r.location.json_path = std::string(s.Text(2));
    r.reason = std::string(s.Text(3));
    r.text = std::string(s.Text(4));
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::unique_ptr<IngestBatch>> SqliteStore::BeginIngest(const IngestFile& file) {
  COTENANT_RETURN_IF_ERROR(WriteCheck());
  COTENANT_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  // The ingest's row is written by Commit, with its counts; its id is taken now (the batch holds
  // the write lock). A row written here and updated at the commit was, in a large ingest, a page
  // SQLite had spilled to the WAL before the update rewrote it, and that one rewrite made the
  // commit re-read and re-checksum every WAL frame after it (2-3 % of a 1 M-row ingest).
  auto ingest_id = db_.QueryInt("SELECT ifnull(max(id), 0) + 1 FROM ingests");
  if (!ingest_id.ok()) {
    (void)db_.Exec("ROLLBACK");
    return ingest_id.status();
  }
  // New indicators get the ids above the largest (SQLite's rowid choice, which Flush relies on
  // to know the ids of a multi-row INSERT's rows); past the largest possible rowid SQLite would
  // pick ids at random instead. Far beyond any store (version 2 ids are below 2^62).
  auto largest = db_.QueryInt("SELECT ifnull(max(id), 0) FROM indicators");
  if (!largest.ok() || *largest > (int64_t{1} << 62) + (int64_t{1} << 61)) {
    (void)db_.Exec("ROLLBACK");
    return largest.ok() ? Unsupported("store " + db_.path() + ": indicator ids are exhausted")
                        : largest.status();
  }
  batch_open_ = true;
  return std::unique_ptr<IngestBatch>(std::make_unique<SqliteIngestBatch>(*this, *ingest_id, file));
}

void SqliteIngestBatch::Reject(const Location& at, std::string reason, std::string_view text) {
  Rejection r;
  r.location = at;
  if (r.location.file.empty()) r.location.file = file_.path;
  r.reason = std::move(reason);
  r.text = Truncate(text, 200);
  OnRejection(std::move(r));
}

void SqliteIngestBatch::OnSource(const Source& source) {
  if (!Usable()) return;
  if (source.name.empty()) {
    Reject({}, "source without a name", source.url);
    return;
  }
  auto stmt = store_.Cached(
      "INSERT INTO sources(name, url, reliability) VALUES(?1, ?2, ?3) ON CONFLICT(name) DO "
      "UPDATE SET url = coalesce(excluded.url, url), reliability = CASE WHEN "
      "excluded.reliability <> 'F' THEN excluded.reliability ELSE reliability END");
  if (!stmt.ok()) return Fail(stmt.status());
  Statement* s = *stmt;
  s->BindText(1, source.name);
  s->BindTextOrNull(2, source.url);
  char rel = (source.reliability >= 'A' && source.reliability <= 'F') ? source.reliability : 'F';
  s->BindText(3, std::string_view(&rel, 1));
  Status st = s->Run();
  s->Reset();
  if (!st.ok()) return Fail(st);
  if (auto it = store_.source_ids_.find(source.name); it != store_.source_ids_.end()) {
    store_.source_ids_.erase(it);
  }
  ++counts_.sources;
}

void SqliteIngestBatch::OnObservation(Observation&& o) {
  if (!Usable()) return;
  if (o.indicator.value.empty()) {
    return Reject(o.location, "observation without a value", o.original_text);
  }
  if (o.source.empty()) {
    return Reject(o.location, "observation without a source", o.indicator.value);
  }
  if (o.first_seen && o.last_seen && *o.first_seen > *o.last_seen) {
    return Reject(
        o.location,
        "first seen " + o.first_seen->ToString() + " is after last seen " + o.last_seen->ToString(),
        o.indicator.value);
  }
  Status st = Buffer(o);
  if (st.ok() && rows_.size() >= kFlushSize) st = Flush();
  if (!st.ok()) Fail(st);
}

SqliteIngestBatch::Span SqliteIngestBatch::Keep(std::string_view text) {
  Span span{static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(text.size())};
  text_.append(text);
  return span;
}

Status SqliteIngestBatch::Buffer(const Observation& o) {
  if (!last_.valid || last_.source != o.source) {
    COTENANT_ASSIGN_OR_RETURN(last_.source_id, store_.SourceIdFor(o.source));
    last_.source = o.source;
  }
  if (!last_.valid || last_.actor != o.actor) {
    bool created = false;
    COTENANT_ASSIGN_OR_RETURN(last_.name_id, store_.NameIdFor(o.actor, created));
    if (created) {
      names_added_ = true;
      if (first_new_name_id_ == 0) first_new_name_id_ = last_.name_id;
    }
    last_.actor = o.actor;
  }
  if (!last_.valid || last_.references != o.references) {
    COTENANT_ASSIGN_OR_RETURN(last_.references_id, store_.ListIdFor(JoinList(o.references)));
    last_.references = o.references;
  }
  if (!last_.valid || last_.basis != o.basis) {
    COTENANT_ASSIGN_OR_RETURN(last_.basis_id, store_.ListIdFor(JoinList(o.basis)));
    last_.basis = o.basis;
  }
  if (!last_.valid || last_.file != o.location.file) {
    std::string_view file =
        o.location.file.empty() ? std::string_view(file_.path) : std::string_view(o.location.file);
    COTENANT_ASSIGN_OR_RETURN(last_.file_id, store_.FileIdFor(file));
    last_.file = o.location.file;
  }
  last_.valid = true;
  // Text offsets are 32-bit: flush early rather than overflow (a chunk holds a few MB).
  constexpr size_t kTextLimit = size_t{1} << 31;
  size_t text_size = o.indicator.value.size() + o.indicator.display.size() +
                     o.original_text.size() + o.description.size() + o.location.json_path.size();
  if (text_.size() + text_size >= kTextLimit) COTENANT_RETURN_IF_ERROR(Flush());
  if (rows_.capacity() == 0) {
    // Reserved once (the pages are touched only as rows arrive): growing by doubling copied
    // the buffers and faulted in pages that were then freed.
    rows_.reserve(kFlushSize);
    text_.reserve(kFlushSize * 128);
  }
  Row& row = rows_.emplace_back();
  row.hash = store::IndicatorKey(o.indicator.type, o.indicator.value);
  row.source_id = last_.source_id;
  row.name_id = last_.name_id;
  row.references_id = last_.references_id;
  row.basis_id = last_.basis_id;
  row.file_id = last_.file_id;
  if (o.first_seen) {
    row.has_first_seen = true;
    row.first_seen = o.first_seen->unix_seconds();
  }
  if (o.last_seen) {
    row.has_last_seen = true;
    row.last_seen = o.last_seen->unix_seconds();
  }
  row.line = o.location.line;
  row.value = Keep(o.indicator.value);
  if (o.indicator.display != o.indicator.value) row.display = Keep(o.indicator.display);
  if (o.original_text != o.indicator.value) row.original_text = Keep(o.original_text);
  row.description = Keep(o.description);
  row.json_path = Keep(o.location.json_path);
  row.confidence = o.confidence;
  row.type = o.indicator.type;
  row.role = o.role;
  row.tlp = o.tlp;
  row.exact = o.exact;
  row.key_hash = store::ObservationKeyHash(KeyFields(row));
  return Status::Ok();
}

// Binds the parameters of a statement that is only rewound between runs (SQLite keeps the
// bindings), skipping a parameter whose value is already bound: a chunk's rows mostly share
// their ingest, source, actor, role, marking and NULLs, and a bind call costs about as much as
// the row's insert into an append-only table. Text is bound SQLITE_STATIC and compared by
// address and size, so it must stay unchanged and alive until the statement is reset, which
// also invalidates this cache (use a new Binder after a Reset).
class Binder {
 public:
  explicit Binder(Statement* s) : s_(s), slots_(static_cast<size_t>(s->ParameterCount()) + 1) {}
  Statement* statement() const { return s_; }
  void Int(int index, int64_t value) {
    Slot& slot = At(index);
    if (slot.kind == Kind::kInt && slot.value == value) return;
    slot = {Kind::kInt, value, nullptr};
    s_->BindInt(index, value);
  }
  void Null(int index) {
    Slot& slot = At(index);
    if (slot.kind == Kind::kNull) return;
    slot = {Kind::kNull, 0, nullptr};
    s_->BindNull(index);
  }
  void IntOrNull(int index, int64_t value, bool present) {
    if (present) {
      Int(index, value);
    } else {
      Null(index);
    }
  }
  // Empty text binds NULL.
  void TextOrNull(int index, std::string_view text) {
    if (text.empty()) return Null(index);
    Slot& slot = At(index);
    if (slot.kind == Kind::kText && slot.text == text.data() &&
        slot.value == static_cast<int64_t>(text.size())) {
      return;
    }
    slot = {Kind::kText, static_cast<int64_t>(text.size()), text.data()};
    s_->BindText(index, text, true);
  }

 private:
  enum class Kind : uint8_t { kUnset, kNull, kInt, kText };
  struct Slot {
    Kind kind = Kind::kUnset;
    int64_t value = 0;  // the integer, or the text's size
    const char* text = nullptr;
  };
  // Sized for every parameter of the statement when constructed (no check on the hot path).
  Slot& At(int index) { return slots_[static_cast<size_t>(index)]; }
  Statement* s_;
  std::vector<Slot> slots_;
};

// The SQL of a multi-row INSERT: `head` followed by `rows` copies of a `columns`-parameter
// VALUES tuple.
std::string MultiRowInsert(std::string_view head, int columns, size_t rows) {
  std::string sql(head);
  sql += " VALUES";
  int param = 1;
  for (size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ",(";
    for (int c = 0; c < columns; ++c, ++param) {
      if (c > 0) sql += ',';
      sql += '?';
      sql += std::to_string(param);
    }
    sql += ')';
  }
  return sql;
}

constexpr std::string_view kInsertIndicator =
    "INSERT OR IGNORE INTO indicators(hash, type, value, display)";
constexpr int kIndicatorColumns = 4;
constexpr std::string_view kInsertIndicatorNoDisplay =
    "INSERT OR IGNORE INTO indicators(hash, type, value)";

// The INSERT of `rows` observations writing the columns of `mask` (kObservationColumnNames).
std::string ObservationInsertSql(uint32_t mask, size_t rows) {
  std::string head = "INSERT OR IGNORE INTO observations(";
  int columns = 0;
  for (int c = 0; c < kObservationColumns; ++c) {
    if ((mask & (1u << c)) == 0) continue;
    if (columns++ > 0) head += ", ";
    head += kObservationColumnNames[c];
  }
  head += ')';
  return MultiRowInsert(head, columns, rows);
}

// Writes the buffered observations. Indicators are inserted in hash order (neighbouring pages of
// the hash index; new values get ascending ids, so they append to `indicators`), rows are
// written in indicator id order (appending to the natural-key index when the values are new),
// and each distinct value of a chunk is written once.
Status SqliteIngestBatch::Flush() {
  if (rows_.empty()) return WriteRelationships();
  const size_t n = rows_.size();
  std::vector<HashAndRow>& by_hash = scratch_.by_hash;
  by_hash.resize(n);
  for (size_t k = 0; k < n; ++k) by_hash[k] = {rows_[k].hash, static_cast<uint32_t>(k)};
  store::SortByHash(by_hash, scratch_.sort_buffer);
  // Put the rows in (hash, arrival) order so every later pass reads them sequentially: the
  // chunk is larger than the CPU caches, and visiting it in hash order missed on every row.
  // The permutation is applied in place, cycle by cycle (no second buffer of kFlushSize rows),
  // prefetching a few rows ahead along the cycle.
  std::vector<uint32_t>& from = scratch_.from;  // from[k]: the row that belongs at position k
  from.resize(n);
  for (size_t k = 0; k < n; ++k) from[k] = by_hash[k].row;
  constexpr int kAhead = 6;
  for (size_t start = 0; start < n; ++start) {
    if (from[start] == start) continue;  // in place, or already moved
    Row first = rows_[start];
    size_t k = start;
    for (;;) {
      size_t src = from[k];
      from[k] = static_cast<uint32_t>(k);
      if (src == start) {
        rows_[k] = first;
        break;
      }
      size_t ahead = src;
      for (int a = 0; a < kAhead && from[ahead] != start; ++a) ahead = from[ahead];
      __builtin_prefetch(&rows_[ahead]);
      rows_[k] = rows_[src];
      k = src;
    }
  }
  // The first row of each distinct (type, value); later rows of the same value point to it
  // (as -1 - index) until its id is known.
  std::vector<uint32_t>& distinct = scratch_.distinct;
  distinct.clear();
  size_t run_start = 0;  // first entry of `distinct` with the current hash
  for (size_t k = 0; k < n; ++k) {
    Row& row = rows_[k];
    if (k == 0 || rows_[k - 1].hash != row.hash) run_start = distinct.size();
    uint32_t same = UINT32_MAX;
    for (size_t d = run_start; d < distinct.size() && same == UINT32_MAX; ++d) {
      const Row& other = rows_[distinct[d]];
      if (other.type == row.type && Text(other.value) == Text(row.value)) same = distinct[d];
    }
    if (same == UINT32_MAX) {
      distinct.push_back(static_cast<uint32_t>(k));
    } else {
      row.indicator_id = -static_cast<int64_t>(same) - 1;
    }
  }
  COTENANT_ASSIGN_OR_RETURN(Statement * largest,
                            store_.Cached("SELECT ifnull(max(id), 0) FROM indicators"));
  COTENANT_ASSIGN_OR_RETURN(bool has_row, largest->Step());
  const int64_t largest_before = has_row ? largest->Int(0) : 0;
  largest->Reset();
  COTENANT_RETURN_IF_ERROR(InsertIndicators(distinct));
  // Rows are inserted in indicator id order, arrival order among equal ids (the first of two
  // equal observations is the one stored). Values new in this chunk got ids in row order, so
  // their rows are in that order already; only the rows of values stored before (older ids)
  // are sorted, then merged in: a chunk that repeats a few known values costs no full sort.
  std::vector<uint32_t>& order = scratch_.order;
  std::vector<uint32_t>& known = scratch_.known;
  order.clear();
  known.clear();
  for (size_t k = 0; k < n; ++k) {
    Row& row = rows_[k];
    if (row.indicator_id < 0) row.indicator_id = rows_[-(row.indicator_id + 1)].indicator_id;
    (row.indicator_id > largest_before ? order : known).push_back(static_cast<uint32_t>(k));
  }
  auto by_id = [&](uint32_t a, uint32_t b) {
    int64_t ia = rows_[a].indicator_id, ib = rows_[b].indicator_id;
    return ia != ib ? ia < ib : a < b;
  };
  if (!std::is_sorted(order.begin(), order.end(), by_id)) {
    std::sort(order.begin(), order.end(), by_id);  // not expected: new ids follow row order
  }
  if (!known.empty()) {
    std::sort(known.begin(), known.end(), by_id);
    std::vector<uint32_t>& merged = scratch_.merged;
    merged.resize(n);
    std::merge(known.begin(), known.end(), order.begin(), order.end(), merged.begin(), by_id);
    order.swap(merged);
  }
  COTENANT_RETURN_IF_ERROR(InsertObservations(order));
  COTENANT_RETURN_IF_ERROR(WriteRelationships());
  rows_.clear();
  text_.clear();
  by_hash.clear();  // ChunkIndicatorId: no chunk until the next flush sorts one
  return TouchNewNames();
}

// Inserts the indicators of `distinct` (rows in hash order), kRowsPerInsert per statement, and
// sets each row's indicator id. When a statement inserted fewer rows than it had, some values
// were already stored or collided: those rows are checked one by one.
Status SqliteIngestBatch::InsertIndicators(std::span<const uint32_t> distinct) {
  // Most chunks have no display form (an IDN's U-label) at all: their statements leave the
  // column out, as InsertObservations does with columns that are NULL in every row.
  static const std::string kMulti =
      MultiRowInsert(kInsertIndicator, kIndicatorColumns, kRowsPerInsert);
  static const std::string kSingle = MultiRowInsert(kInsertIndicator, kIndicatorColumns, 1);
  static const std::string kMultiNoDisplay =
      MultiRowInsert(kInsertIndicatorNoDisplay, kIndicatorColumns - 1, kRowsPerInsert);
  static const std::string kSingleNoDisplay =
      MultiRowInsert(kInsertIndicatorNoDisplay, kIndicatorColumns - 1, 1);
  const bool display = std::any_of(distinct.begin(), distinct.end(),
                                   [&](uint32_t r) { return rows_[r].display.size > 0; });
  const int columns = display ? kIndicatorColumns : kIndicatorColumns - 1;
  COTENANT_ASSIGN_OR_RETURN(Statement * multi,
                            store_.Cached(display ? kMulti.c_str() : kMultiNoDisplay.c_str()));
  COTENANT_ASSIGN_OR_RETURN(Statement * single,
                            store_.Cached(display ? kSingle.c_str() : kSingleNoDisplay.c_str()));
  Binder multi_binder(multi), single_binder(single);
  auto run = [&]() -> Status {
    for (size_t start = 0; start < distinct.size();) {
      size_t count = distinct.size() - start >= kRowsPerInsert ? kRowsPerInsert : 1;
      std::span<const uint32_t> group = distinct.subspan(start, count);
      start += count;
      Binder& b = count > 1 ? multi_binder : single_binder;
      int p = 0;
      for (uint32_t r : group) {
        const Row& row = rows_[r];
        b.Int(p + 1, static_cast<int64_t>(row.hash));
        b.TextOrNull(p + 2, IndicatorTypeName(row.type));
        b.TextOrNull(p + 3, Text(row.value));
        if (display) b.TextOrNull(p + 4, Text(row.display));
        p += columns;
      }
      for (size_t k = start; k < distinct.size() && k < start + kRowsPerInsert; ++k) {
        const Row& next = rows_[distinct[k]];
        PrefetchText(next.value);
        PrefetchText(next.display);
      }
      Status st = b.statement()->Run();
      b.statement()->Rewind();
      COTENANT_RETURN_IF_ERROR(st);
      // When every row was new, SQLite gave them the ids above the largest, in row order (each
      // new rowid is the largest plus one): the last is the last insert's. Else each row is
      // looked up by its hash (stored before or by this statement, or collided).
      const bool all_new = static_cast<size_t>(store_.db_.Changes()) == group.size();
      const int64_t first_id =
          store_.db_.LastInsertRowId() - static_cast<int64_t>(group.size()) + 1;
      for (size_t g = 0; g < group.size(); ++g) {
        Row& row = rows_[group[g]];
        row.indicator_id = first_id + static_cast<int64_t>(g);
        if (all_new) continue;
        COTENANT_ASSIGN_OR_RETURN(
            row.indicator_id,
            store_.IndicatorIdFor(row.type, Text(row.value), Text(row.display), row.hash));
      }
    }
    return Status::Ok();
  };
  Status st = run();
  // The bindings point into this chunk's text, which is about to be cleared.
  multi->Reset();
  single->Reset();
  return st;
}

SqliteIngestBatch::ObservationColumns::ObservationColumns(uint32_t m) : mask(m) {
  for (int c = 0; c < kObservationColumns; ++c) {
    if ((mask & (1u << c)) != 0) param[c] = ++count;
  }
}

// The columns `row` has a value for (BindObservation binds NULL to the others).
uint32_t SqliteIngestBatch::ColumnsWithValues(const Row& row) {
  uint32_t mask = kObservationRequired;
  auto set = [&mask](int column, bool value) { mask |= value ? 1u << column : 0; };
  set(3, row.name_id != 0);
  set(6, row.references_id != 0);
  set(7, row.basis_id != 0);
  set(8, row.has_first_seen);
  set(9, row.has_last_seen);
  set(10, row.confidence >= 0);
  set(13, row.original_text.size > 0);
  set(14, row.description.size > 0);
  set(15, row.file_id != 0);
  set(16, row.line > 0);
  set(17, row.json_path.size > 0);
  return mask;
}

// Binds `row` as the observation at parameter offset `p` of a statement writing `cols`.
void SqliteIngestBatch::BindObservation(Binder& b, int p, const Row& row,
                                        const ObservationColumns& cols) const {
  const int* at = cols.param;
  b.Int(p + at[0], id_);
  b.Int(p + at[1], row.indicator_id);
  b.Int(p + at[2], row.key_hash);
  if (at[3] != 0) b.IntOrNull(p + at[3], row.name_id, row.name_id != 0);
  b.Int(p + at[4], store::RoleCode(row.role));
  b.Int(p + at[5], row.source_id);
  if (at[6] != 0) b.IntOrNull(p + at[6], row.references_id, row.references_id != 0);
  if (at[7] != 0) b.IntOrNull(p + at[7], row.basis_id, row.basis_id != 0);
  if (at[8] != 0) b.IntOrNull(p + at[8], row.first_seen, row.has_first_seen);
  if (at[9] != 0) b.IntOrNull(p + at[9], row.last_seen, row.has_last_seen);
  if (at[10] != 0) b.IntOrNull(p + at[10], row.confidence, row.confidence >= 0);
  b.Int(p + at[11], store::TlpCode(row.tlp));
  b.Int(p + at[12], row.exact ? 1 : 0);
  if (at[13] != 0) b.TextOrNull(p + at[13], Text(row.original_text));
  if (at[14] != 0) b.TextOrNull(p + at[14], Text(row.description));
  if (at[15] != 0) b.IntOrNull(p + at[15], row.file_id, row.file_id != 0);
  if (at[16] != 0) b.IntOrNull(p + at[16], row.line, row.line > 0);
  if (at[17] != 0) b.TextOrNull(p + at[17], Text(row.json_path));
}

// Walks the row's probe sequence from its hash slot: an empty slot takes the row, a slot with
// an equal natural key means the row is a duplicate (or was just inserted there by its group),
// a slot with another key (a hash collision) moves on. Exact because rows are never deleted.
Result<bool> SqliteIngestBatch::ResolveObservation(const Row& row) {
  static const std::string kSingle = ObservationInsertSql(kObservationAll, 1);
  static const ObservationColumns kAll(kObservationAll);
  const store::ObservationKeyFields want = KeyFields(row);
  int64_t slot = row.key_hash;
  for (int probe = 0; probe < 1000; ++probe, slot = store::NextObservationKeySlot(slot)) {
    COTENANT_ASSIGN_OR_RETURN(
        Statement * find,
        store_.Cached("SELECT source_id, ifnull(actor_name_id, 0), role, first_seen IS NOT NULL, "
                      "ifnull(first_seen, 0), last_seen IS NOT NULL, ifnull(last_seen, 0), "
                      "ifnull(references_id, 0), ifnull(basis_id, 0) FROM observations "
                      "WHERE indicator_id = ?1 AND key_hash = ?2"));
    find->BindInt(1, row.indicator_id);
    find->BindInt(2, slot);
    COTENANT_ASSIGN_OR_RETURN(bool found, find->Step());
    store::ObservationKeyFields stored;
    if (found) {
      stored = {find->Int(0),      find->Int(1), find->Int(2), find->Int(3) != 0, find->Int(4),
                find->Int(5) != 0, find->Int(6), find->Int(7), find->Int(8)};
    }
    find->Reset();
    if (found && stored == want) return false;
    if (found) continue;
    COTENANT_ASSIGN_OR_RETURN(Statement * insert, store_.Cached(kSingle.c_str()));
    {
      Binder b(insert);
      BindObservation(b, 0, row, kAll);
    }
    insert->BindInt(kAll.param[2], slot);
    Status st = insert->Run();
    insert->Reset();
    COTENANT_RETURN_IF_ERROR(st);
    if (store_.db_.Changes() != 1) {
      return Internal("observation slot " + std::to_string(slot) + " of indicator " +
                      std::to_string(row.indicator_id) + " was free but refused the row");
    }
    return true;
  }
  return Corruption("store " + store_.db_.path() +
                    ": no free key slot near the hash of an "
                    "observation of indicator " +
                    std::to_string(row.indicator_id));
}

Result<int64_t> SqliteIngestBatch::ResolveGroup(std::span<const uint32_t> group) {
  static const std::string kFind = [] {
    std::string sql =
        "SELECT indicator_id, key_hash, source_id, ifnull(actor_name_id, 0), role, "
        "first_seen IS NOT NULL, ifnull(first_seen, 0), last_seen IS NOT NULL, "
        "ifnull(last_seen, 0), ifnull(references_id, 0), ifnull(basis_id, 0) FROM observations "
        "WHERE ";
    for (size_t r = 0; r < kRowsPerInsert; ++r) {
      if (r > 0) sql += " OR ";
      sql += "(indicator_id = ?" + std::to_string(2 * r + 1) + " AND key_hash = ?" +
             std::to_string(2 * r + 2) + ")";
    }
    return sql;
  }();
  struct Slot {
    int64_t indicator_id, key_hash;
    store::ObservationKeyFields fields;
  };
  std::vector<Slot> held;
  if (group.size() == kRowsPerInsert) {
    COTENANT_ASSIGN_OR_RETURN(Statement * find, store_.Cached(kFind.c_str()));
    int p = 1;
    for (uint32_t r : group) {
      find->BindInt(p++, rows_[r].indicator_id);
      find->BindInt(p++, rows_[r].key_hash);
    }
    for (;;) {
      auto more = find->Step();
      if (!more.ok()) {
        find->Reset();
        return more.status();
      }
      if (!*more) break;
      held.push_back({find->Int(0), find->Int(1),
                      store::ObservationKeyFields{
                          find->Int(2), find->Int(3), find->Int(4), find->Int(5) != 0, find->Int(6),
                          find->Int(7) != 0, find->Int(8), find->Int(9), find->Int(10)}});
    }
    find->Reset();
  }
  int64_t inserted = 0;
  for (uint32_t r : group) {
    const Row& row = rows_[r];
    const store::ObservationKeyFields want = KeyFields(row);
    bool settled = false;
    for (const Slot& slot : held) {
      if (slot.indicator_id == row.indicator_id && slot.key_hash == row.key_hash) {
        settled = slot.fields == want;
        break;
      }
    }
    if (settled) continue;
    COTENANT_ASSIGN_OR_RETURN(bool now, ResolveObservation(row));
    if (now) ++inserted;
  }
  return inserted;
}

// Inserts the observation rows in the given order, kRowsPerInsert per statement; a row whose
// natural key is already stored is ignored and counted as a duplicate.
Status SqliteIngestBatch::InsertObservations(std::span<const uint32_t> rows) {
  uint32_t mask = kObservationRequired;
  for (uint32_t r : rows) mask |= ColumnsWithValues(rows_[r]);
  mask = store_.InsertColumns(mask);
  const ObservationColumns cols(mask);
  COTENANT_ASSIGN_OR_RETURN(Statement * multi,
                            store_.Cached(store_.InsertSql(mask, kRowsPerInsert).c_str()));
  COTENANT_ASSIGN_OR_RETURN(Statement * single, store_.Cached(store_.InsertSql(mask, 1).c_str()));
  Binder multi_binder(multi), single_binder(single);
  Status st;
  for (size_t start = 0; start < rows.size() && st.ok();) {
    size_t count = rows.size() - start >= kRowsPerInsert ? kRowsPerInsert : 1;
    std::span<const uint32_t> group = rows.subspan(start, count);
    start += count;
    Binder& b = count > 1 ? multi_binder : single_binder;
    Statement* s = b.statement();
    // The statement is only rewound between groups: SQLite keeps the bindings, and the Binder
    // skips every parameter that already holds its value.
    int p = 0;
    for (uint32_t r : group) {
      const Row& row = rows_[r];
      BindObservation(b, p, row, cols);
      p += cols.count;
    }
    for (size_t k = start; k < rows.size() && k < start + kRowsPerInsert; ++k) {
      const Row& next = rows_[rows[k]];
      PrefetchText(next.original_text);
      PrefetchText(next.description);
      PrefetchText(next.json_path);
    }
    st = s->Run();
    s->Rewind();
    if (!st.ok()) {
      const Row& first = rows_[group.front()];
      Location at{file_.path, first.line, std::string(Text(first.json_path))};
      st = st.WithContext("the observations from " + at.ToString());
      break;
    }
    int64_t added = store_.db_.Changes();
    if (static_cast<size_t>(added) < group.size()) {
      // Duplicates, or a natural key whose hash slot holds another key (a collision).
      auto inserted = ResolveGroup(group);
      if (!inserted.ok()) {
        st = inserted.status();
        break;
      }
      added += *inserted;
    }
    counts_.observations += added;
    counts_.duplicate_observations += static_cast<int64_t>(group.size()) - added;
  }
  // The bindings point into this chunk's text, which is about to be cleared.
  multi->Reset();
  single->Reset();
  return st;
}

void SqliteIngestBatch::OnRelationship(Relationship&& r) {
  if (!Usable()) return;
  if (r.from.value.empty() || r.to.value.empty() || r.kind.empty()) {
    return Reject(r.location, "relationship without both ends and a kind",
                  r.from.value + " " + r.kind + " " + r.to.value);
  }
  if (r.source.empty()) {
    return Reject(r.location, "relationship without a source", r.from.value);
  }
  if (r.first_seen && r.last_seen && *r.first_seen > *r.last_seen) {
    return Reject(
        r.location,
        "first seen " + r.first_seen->ToString() + " is after last seen " + r.last_seen->ToString(),
        r.from.value + " " + r.kind + " " + r.to.value);
  }
  relationships_.push_back(std::move(r));
  if (relationships_.size() >= kMaxPendingRelationships) {
    Status st = Flush();
    if (!st.ok()) Fail(st);
  }
}

int64_t SqliteIngestBatch::ChunkIndicatorId(const Indicator& indicator) const {
  // The search runs over the chunk's (hash, row) pairs, in the same order as the rows but 16
  // bytes each instead of a whole row: fewer cache lines per probe.
  const std::vector<HashAndRow>& by_hash = scratch_.by_hash;
  if (by_hash.size() != rows_.size()) return 0;
  const uint64_t hash = store::IndicatorKey(indicator.type, indicator.value);
  auto it = std::lower_bound(by_hash.begin(), by_hash.end(), hash,
                             [](const HashAndRow& pair, uint64_t h) { return pair.hash < h; });
  for (; it != by_hash.end() && it->hash == hash; ++it) {
    const Row& row = rows_[static_cast<size_t>(it - by_hash.begin())];
    if (row.type == indicator.type && Text(row.value) == indicator.value) return row.indicator_id;
  }
  return 0;
}

Status SqliteIngestBatch::WriteRelationships() {
  auto write = [&](const Relationship& r) -> Status {
    int64_t from_id = ChunkIndicatorId(r.from);
    int64_t to_id = ChunkIndicatorId(r.to);
    if (from_id == 0) {
      COTENANT_ASSIGN_OR_RETURN(from_id, store_.IndicatorIdFor(r.from));
    }
    if (to_id == 0) {
      COTENANT_ASSIGN_OR_RETURN(to_id, store_.IndicatorIdFor(r.to));
    }
    COTENANT_ASSIGN_OR_RETURN(int64_t source_id, store_.SourceIdFor(r.source));
    std::string_view file =
        r.location.file.empty() ? std::string_view(file_.path) : std::string_view(r.location.file);
    COTENANT_ASSIGN_OR_RETURN(int64_t file_id, store_.FileIdFor(file));
    COTENANT_ASSIGN_OR_RETURN(
        Statement * s,
        store_.Cached("INSERT OR IGNORE INTO relationships(ingest_id, from_id, kind, to_id, "
                      "first_seen, last_seen, count, source_id, tlp, file_id, line, json_path) "
                      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
    s->BindInt(1, id_);
    s->BindInt(2, from_id);
    s->BindText(3, r.kind, true);
    s->BindInt(4, to_id);
    s->BindOptionalInt(5, Seconds(r.first_seen));
    s->BindOptionalInt(6, Seconds(r.last_seen));
    if (r.count > 0) s->BindInt(7, r.count);
    s->BindInt(8, source_id);
    s->BindText(9, TlpName(r.tlp), true);
    if (file_id != 0) s->BindInt(10, file_id);
    if (r.location.line > 0) s->BindInt(11, r.location.line);
    s->BindTextOrNull(12, r.location.json_path, true);
    Status st = s->Run();
    s->Reset();
    COTENANT_RETURN_IF_ERROR(st);
    if (store_.db_.Changes() > 0) {
      ++counts_.relationships;
    } else {
      ++counts_.duplicate_relationships;
    }
    return Status::Ok();
  };
  for (const Relationship& r : relationships_) {
    Status st = write(r);
    if (!st.ok()) return st.WithContext(r.location.ToString());
  }
  relationships_.clear();
  return Status::Ok();
}

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (s.empty()) continue;
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
}

void SqliteIngestBatch::OnActor(ActorRecord&& a) {
  if (!Usable()) return;
  if (NormalizeActorName(a.name).empty()) {
    return Reject({}, "actor record without a name", a.external_id);
  }
  if (a.source.empty()) return Reject({}, "actor record without a naming source", a.name);
  auto stmt = store_.Cached(
      "INSERT INTO actor_records(ingest_id, source, name, external_id, country, description, "
      "aliases, part_of, refs, dated) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
      "ON CONFLICT(source, name, external_id) DO UPDATE SET ingest_id = excluded.ingest_id, "
      "country = excluded.country, description = excluded.description, aliases = "
      "excluded.aliases, part_of = excluded.part_of, refs = excluded.refs, dated = "
      "excluded.dated");
  if (!stmt.ok()) return Fail(stmt.status());
  Statement* s = *stmt;
  s->BindInt(1, id_);
  s->BindText(2, a.source);
  s->BindText(3, a.name);
  s->BindText(4, a.external_id);
  s->BindTextOrNull(5, a.country);
  s->BindTextOrNull(6, a.description);
  s->BindTextOrNull(7, JoinLines(a.aliases));
  s->BindTextOrNull(8, JoinLines(a.part_of));
  s->BindTextOrNull(9, JoinLines(a.references));
  s->BindOptionalInt(10, Seconds(a.dated));
  Status st = s->Run();
  s->Reset();
  if (!st.ok()) return Fail(st);
  ++counts_.actor_records;
  actors_changed_ = true;
}

void SqliteIngestBatch::OnRejection(Rejection&& r) {
  if (!Usable()) return;
  std::string_view file =
      r.location.file.empty() ? std::string_view(file_.path) : std::string_view(r.location.file);
  auto file_id = store_.FileIdFor(file);
  if (!file_id.ok()) return Fail(file_id.status());
  auto stmt = store_.Cached(
      "INSERT INTO rejections(ingest_id, file_id, line, json_path, reason, text) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt.ok()) return Fail(stmt.status());
  Statement* s = *stmt;
  s->BindInt(1, id_);
  s->BindInt(2, *file_id);
  if (r.location.line > 0) s->BindInt(3, r.location.line);
  s->BindTextOrNull(4, r.location.json_path);
  s->BindText(5, r.reason.empty() ? std::string_view("unreadable record") : r.reason);
  s->BindTextOrNull(6, Truncate(r.text, 200));
  Status st = s->Run();
  s->Reset();
  if (!st.ok()) return Fail(st);
  ++counts_.rejections;
}

// The commit resolves the actor names this batch added (ResolveNewNames updates their rows).
// Reading those rows after each chunk keeps their pages at the recent end of SQLite's cache:
// otherwise, in a large ingest, SQLite spills them to the WAL as the least recently used, the
// commit's update rewrites them there, and that rewrite makes the commit re-read and
// re-checksum every WAL frame written after them (bench/RESULTS.md).
Status SqliteIngestBatch::TouchNewNames() {
  if (first_new_name_id_ == 0) return Status::Ok();
  COTENANT_ASSIGN_OR_RETURN(
      Statement * touch, store_.Cached("SELECT count(actor_id) FROM actor_names WHERE id >= ?1"));
  touch->BindInt(1, first_new_name_id_);
  Status st = touch->Run();
  touch->Reset();
  return st;
}

Status SqliteIngestBatch::Commit(const Status& reader_error) {
  if (!open_) return Internal("ingest batch " + std::to_string(id_) + " is already closed");
  if (!status_.ok()) {
    Status failed = status_;
    Rollback();
    return failed;
  }
  auto finish = [&]() -> Status {
    COTENANT_RETURN_IF_ERROR(Flush());
    if (actors_changed_) {
      COTENANT_RETURN_IF_ERROR(store_.RebuildActors());
    } else if (names_added_) {
      COTENANT_RETURN_IF_ERROR(store_.ResolveNewNames());
    }
    COTENANT_ASSIGN_OR_RETURN(
        Statement * s,
        store_.Cached("INSERT INTO ingests(id, finished, complete, error, observations, "
                      "duplicate_observations, relationships, duplicate_relationships, "
                      "actor_records, sources, rejections, last_observation_id, "
                      "last_relationship_id, path, sha256, format) "
                      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                      "(SELECT ifnull(max(id), 0) FROM observations), "
                      "(SELECT ifnull(max(id), 0) FROM relationships), ?12, ?13, ?14)"));
    s->BindInt(1, id_);
    s->BindText(12, file_.path);
    s->BindText(13, file_.sha256);
    s->BindText(14, file_.format);
    s->BindInt(2, Timestamp::Now().unix_seconds());
    s->BindInt(3, reader_error.ok() ? 1 : 0);
    s->BindTextOrNull(4, reader_error.ok() ? "" : reader_error.ToString());
    s->BindInt(5, counts_.observations);
    s->BindInt(6, counts_.duplicate_observations);
    s->BindInt(7, counts_.relationships);
    s->BindInt(8, counts_.duplicate_relationships);
    s->BindInt(9, counts_.actor_records);
    s->BindInt(10, counts_.sources);
    s->BindInt(11, counts_.rejections);
    Status st = s->Run();
    s->Reset();
    COTENANT_RETURN_IF_ERROR(st);
    return store_.db_.Exec("COMMIT");
  };
  Status st = finish();
  if (!st.ok()) {
    status_ = st;
    Rollback();
    return st;
  }
  open_ = false;
  store_.batch_open_ = false;
  return Status::Ok();
}

void SqliteIngestBatch::Rollback() {
  if (!open_) return;
  open_ = false;
  rows_.clear();
  text_.clear();
  for (auto& [sql, stmt] : store_.statements_) stmt->Reset();
  (void)store_.db_.Exec("ROLLBACK");
  store_.ForgetCaches();
  store_.batch_open_ = false;
}

// ---- alias registry -------------------------------------------------------------------------

Result<const AliasRegistry*> SqliteStore::Registry() {
  if (registry_) return &*registry_;
  std::vector<NamingRecord> records;
  COTENANT_ASSIGN_OR_RETURN(
      Statement s, db_.Prepare("SELECT id, source, name, external_id, country, aliases, part_of, "
                               "dated FROM actor_records ORDER BY id"));
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    NamingRecord r;
    r.id = s.Int(0);
    r.source = std::string(s.Text(1));
    r.name = std::string(s.Text(2));
    r.external_id = std::string(s.Text(3));
    r.country = std::string(s.Text(4));
    r.aliases = SplitList(s.Text(5));
    r.part_of = SplitList(s.Text(6));
    r.dated = TimeOf(s.OptionalInt(7));
    records.push_back(std::move(r));
  }
  COTENANT_ASSIGN_OR_RETURN(std::string text, AliasOverrides());
  auto overrides = AliasOverrides::Parse(text, "stored overrides");
  if (!overrides.ok()) return overrides.status();
  registry_ = AliasRegistry::Build(std::move(records), *overrides);
  return &*registry_;
}

Result<ActorId> SqliteStore::ActorIdForKey(const std::string& key, ActorKind kind,
                                           std::string_view name, std::string_view country,
                                           std::string_view external_ids) {
  COTENANT_ASSIGN_OR_RETURN(
      Statement * s,
      Cached("INSERT INTO actors(key, kind, name, country, external_ids, live) "
             "VALUES(?1, ?2, ?3, ?4, ?5, 1) ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, "
             "name = excluded.name, country = excluded.country, external_ids = "
             "excluded.external_ids, live = 1 RETURNING id"));
  s->BindText(1, key);
  s->BindText(2, ActorKindName(kind), true);
  s->BindText(3, name);
  s->BindTextOrNull(4, country);
  s->BindTextOrNull(5, external_ids);
  COTENANT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Internal("no id for actor " + key);
  ActorId id = s->Int(0);
  s->Reset();
  return id;
}

Status SqliteStore::RebuildActors() {
  registry_.reset();
  COTENANT_ASSIGN_OR_RETURN(const AliasRegistry* reg, Registry());
  COTENANT_RETURN_IF_ERROR(
      db_.Exec("UPDATE actors SET live = 0; DELETE FROM aliases; DELETE FROM actor_relations; "
               "DELETE FROM actor_candidates;"));
  std::vector<ActorId> group_ids;
  for (const auto& g : reg->groups()) {
    COTENANT_ASSIGN_OR_RETURN(
        ActorId id, ActorIdForKey(g.key, g.kind, g.name, g.country, JoinLines(g.external_ids)));
    group_ids.push_back(id);
    COTENANT_ASSIGN_OR_RETURN(
        Statement * ins, Cached("INSERT INTO aliases(actor_id, name, normalized, source, dated) "
                                "VALUES(?1, ?2, ?3, ?4, ?5)"));
    for (const auto& a : g.aliases) {
      ins->BindInt(1, id);
      ins->BindText(2, a.name);
      ins->BindText(3, NormalizeActorName(a.name));
      ins->BindText(4, a.source);
      ins->BindOptionalInt(5, Seconds(a.dated));
      COTENANT_RETURN_IF_ERROR(ins->Run());
      ins->Reset();
    }
  }
  COTENANT_ASSIGN_OR_RETURN(
      Statement * rel, Cached("INSERT INTO actor_relations(actor_id, umbrella_id, kind, source) "
                              "VALUES(?1, ?2, 'part-of', ?3)"));
  for (const auto& r : reg->relations()) {
    rel->BindInt(1, group_ids[r.member]);
    rel->BindInt(2, group_ids[r.umbrella]);
    rel->BindText(3, r.source);
    COTENANT_RETURN_IF_ERROR(rel->Run());
    rel->Reset();
  }
  COTENANT_RETURN_IF_ERROR(db_.Exec("UPDATE actor_names SET actor_id = NULL, reason = NULL"));
  return ResolveNewNames();
}

Status SqliteStore::ResolveNewNames() {
  COTENANT_ASSIGN_OR_RETURN(const AliasRegistry* reg, Registry());
  std::vector<std::pair<int64_t, std::string>> names;
  {
    COTENANT_ASSIGN_OR_RETURN(
        Statement s, db_.Prepare("SELECT id, name FROM actor_names WHERE actor_id IS NULL"));
    for (;;) {
      COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      names.emplace_back(s.Int(0), std::string(s.Text(1)));
    }
  }
  std::unordered_map<std::string, ActorId> by_key;
  std::set<ActorId> candidates_written;
  for (const auto& [name_id, name] : names) {
    store::RegistryResolution r = reg->Resolve(name);
    ActorId actor = 0;
    if (auto it = by_key.find(r.key); it != by_key.end()) {
      actor = it->second;
    } else if (r.group) {
      const auto& g = reg->groups()[*r.group];
      COTENANT_ASSIGN_OR_RETURN(
          actor, ActorIdForKey(g.key, g.kind, g.name, g.country, JoinLines(g.external_ids)));
    } else {
      COTENANT_ASSIGN_OR_RETURN(actor, ActorIdForKey(r.key, r.kind, r.actor_name, "", ""));
    }
    by_key[r.key] = actor;
    if (r.kind == ActorKind::kAmbiguous && candidates_written.insert(actor).second) {
      COTENANT_ASSIGN_OR_RETURN(Statement * del,
                                Cached("DELETE FROM actor_candidates WHERE actor_id = ?1"));
      del->BindInt(1, actor);
      COTENANT_RETURN_IF_ERROR(del->Run());
      del->Reset();
      for (size_t g : r.candidates) {
        const auto& grp = reg->groups()[g];
        COTENANT_ASSIGN_OR_RETURN(
            ActorId cid,
            ActorIdForKey(grp.key, grp.kind, grp.name, grp.country, JoinLines(grp.external_ids)));
        COTENANT_ASSIGN_OR_RETURN(
            Statement * ins,
            Cached("INSERT INTO actor_candidates(actor_id, candidate_id) VALUES(?1, ?2)"));
        ins->BindInt(1, actor);
        ins->BindInt(2, cid);
        COTENANT_RETURN_IF_ERROR(ins->Run());
        ins->Reset();
      }
    }
    COTENANT_ASSIGN_OR_RETURN(
        Statement * upd, Cached("UPDATE actor_names SET actor_id = ?2, reason = ?3 WHERE id = ?1"));
    upd->BindInt(1, name_id);
    upd->BindInt(2, actor);
    upd->BindText(3, r.reason);
    COTENANT_RETURN_IF_ERROR(upd->Run());
    upd->Reset();
  }
  return Status::Ok();
}

Status SqliteStore::SetAliasOverrides(std::string_view text, std::string_view origin) {
  COTENANT_RETURN_IF_ERROR(WriteCheck());
  auto parsed = AliasOverrides::Parse(text, origin);
  if (!parsed.ok()) return parsed.status();
  COTENANT_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  auto run = [&]() -> Status {
    COTENANT_ASSIGN_OR_RETURN(
        Statement s, db_.Prepare("INSERT INTO meta(key, value) VALUES('alias_overrides', ?1) "
                                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    s.BindText(1, text);
    COTENANT_RETURN_IF_ERROR(s.Run());
    COTENANT_RETURN_IF_ERROR(RebuildActors());
    return db_.Exec("COMMIT");
  };
  Status st = run();
  if (!st.ok()) {
    for (auto& [sql, stmt] : statements_) stmt->Reset();
    (void)db_.Exec("ROLLBACK");
    ForgetCaches();
  }
  return st;
}

Result<std::string> SqliteStore::AliasOverrides() {
  COTENANT_ASSIGN_OR_RETURN(Statement s,
                            db_.Prepare("SELECT value FROM meta WHERE key = 'alias_overrides'"));
  COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::string();
  return std::string(s.Text(0));
}

Result<std::vector<std::string>> SqliteStore::RegistryWarnings() {
  COTENANT_ASSIGN_OR_RETURN(const AliasRegistry* reg, Registry());
  return reg->warnings();
}

Result<ActorId> SqliteStore::FindActorIdByKey(const std::string& key) {
  COTENANT_ASSIGN_OR_RETURN(Statement * s, Cached("SELECT id FROM actors WHERE key = ?1"));
  s->BindText(1, key);
  COTENANT_ASSIGN_OR_RETURN(bool row, s->Step());
  ActorId id = row ? s->Int(0) : 0;
  s->Reset();
  return id;
}

Result<NameResolution> SqliteStore::ResolveName(std::string_view name) {
  COTENANT_ASSIGN_OR_RETURN(const AliasRegistry* reg, Registry());
  store::RegistryResolution r = reg->Resolve(name);
  NameResolution out;
  out.name = std::string(name);
  out.normalized = NormalizeActorName(name);
  out.kind = r.kind;
  out.actor_name = r.actor_name;
  out.reason = r.reason;
  COTENANT_ASSIGN_OR_RETURN(out.actor_id, FindActorIdByKey(r.key));
  if (out.actor_id != 0) {
    COTENANT_ASSIGN_OR_RETURN(Statement * s, Cached("SELECT name FROM actors WHERE id = ?1"));
    s->BindInt(1, out.actor_id);
    COTENANT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) out.actor_name = std::string(s->Text(0));
    s->Reset();
  }
  for (size_t g : r.candidates) {
    COTENANT_ASSIGN_OR_RETURN(ActorId id, FindActorIdByKey(reg->groups()[g].key));
    if (id != 0) out.candidates.push_back(id);
  }
  return out;
}

Result<std::vector<NameResolution>> SqliteStore::AmbiguousNames() {
  COTENANT_ASSIGN_OR_RETURN(const AliasRegistry* reg, Registry());
  std::vector<NameResolution> out;
  for (const auto& name : reg->AmbiguousNames()) {
    COTENANT_ASSIGN_OR_RETURN(NameResolution r, ResolveName(name));
    out.push_back(std::move(r));
  }
  return out;
}

Result<ActorInfo> SqliteStore::LoadActor(Statement& s) {
  ActorInfo a;
  a.id = s.Int(0);
  a.kind = KindNames().Find(s.Text(1)).value_or(ActorKind::kUnregistered);
  a.name = std::string(s.Text(2));
  a.country = std::string(s.Text(3));
  a.external_ids = SplitList(s.Text(4));
  return a;
}

Status SqliteStore::FillActorDetails(std::vector<ActorInfo>& actors) {
  std::unordered_map<ActorId, ActorInfo*> by_id;
  for (auto& a : actors) by_id[a.id] = &a;
  {
    COTENANT_ASSIGN_OR_RETURN(
        Statement s,
        db_.Prepare("SELECT actor_id, name, source, dated FROM aliases ORDER BY rowid"));
    for (;;) {
      COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      auto it = by_id.find(s.Int(0));
      if (it == by_id.end()) continue;
      it->second->aliases.push_back(
          {std::string(s.Text(1)), std::string(s.Text(2)), TimeOf(s.OptionalInt(3))});
    }
  }
  {
    COTENANT_ASSIGN_OR_RETURN(Statement s,
                              db_.Prepare("SELECT actor_id, umbrella_id FROM actor_relations"));
    for (;;) {
      COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      if (auto it = by_id.find(s.Int(0)); it != by_id.end()) {
        it->second->part_of.push_back(s.Int(1));
      }
      if (auto it = by_id.find(s.Int(1)); it != by_id.end()) {
        it->second->members.push_back(s.Int(0));
      }
    }
  }
  {
    COTENANT_ASSIGN_OR_RETURN(Statement s,
                              db_.Prepare("SELECT actor_id, candidate_id FROM actor_candidates"));
    for (;;) {
      COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      if (auto it = by_id.find(s.Int(0)); it != by_id.end()) {
        it->second->candidates.push_back(s.Int(1));
      }
    }
  }
  return Status::Ok();
}

Result<std::vector<ActorInfo>> SqliteStore::ListActors() {
  COTENANT_ASSIGN_OR_RETURN(Statement s,
                            db_.Prepare("SELECT id, kind, name, country, external_ids FROM actors "
                                        "WHERE live = 1 ORDER BY name COLLATE NOCASE, id"));
  std::vector<ActorInfo> out;
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    COTENANT_ASSIGN_OR_RETURN(ActorInfo a, LoadActor(s));
    out.push_back(std::move(a));
  }
  COTENANT_RETURN_IF_ERROR(FillActorDetails(out));
  return out;
}

Result<std::optional<ActorInfo>> SqliteStore::GetActor(ActorId id) {
  COTENANT_ASSIGN_OR_RETURN(
      Statement s,
      db_.Prepare("SELECT id, kind, name, country, external_ids FROM actors WHERE id = ?1"));
  s.BindInt(1, id);
  COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<ActorInfo>();
  std::vector<ActorInfo> one;
  COTENANT_ASSIGN_OR_RETURN(ActorInfo a, LoadActor(s));
  one.push_back(std::move(a));
  COTENANT_RETURN_IF_ERROR(FillActorDetails(one));
  return std::optional<ActorInfo>(std::move(one.front()));
}

Result<std::vector<ActorNameInfo>> SqliteStore::ListActorNames() {
  COTENANT_ASSIGN_OR_RETURN(
      Statement s, db_.Prepare("SELECT n.id, n.name, ifnull(n.actor_id, 0), "
                               "(SELECT count(*) FROM observations o WHERE o.actor_name_id = n.id) "
                               "FROM actor_names n ORDER BY n.name COLLATE NOCASE"));
  std::vector<ActorNameInfo> out;
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Int(0), std::string(s.Text(1)), s.Int(2), s.Int(3)});
  }
  return out;
}

// ---- scans ----------------------------------------------------------------------------------

// Copies of the strings of one batch; views are fixed up once the batch is full.
class Arena {
 public:
  size_t Add(std::string_view s) {
    size_t at = bytes_.size();
    bytes_.append(s);
    return at;
  }
  std::string_view View(size_t at, size_t len) const { return {bytes_.data() + at, len}; }
  void Clear() { bytes_.clear(); }

 private:
  std::string bytes_;
};

Status LoadIdFilter(Database& db, const std::vector<IndicatorId>& ids) {
  COTENANT_RETURN_IF_ERROR(
      db.Exec("CREATE TEMP TABLE IF NOT EXISTS scan_ids(id INTEGER PRIMARY KEY); "
              "DELETE FROM temp.scan_ids;"));
  COTENANT_ASSIGN_OR_RETURN(Statement ins,
                            db.Prepare("INSERT OR IGNORE INTO temp.scan_ids(id) VALUES(?1)"));
  for (IndicatorId id : ids) {
    ins.BindInt(1, id);
    COTENANT_RETURN_IF_ERROR(ins.Run());
    ins.Reset();
  }
  return Status::Ok();
}

Status SqliteStore::ScanObservations(const ObservationQuery& query, const ObservationBatchFn& fn) {
  std::string sql =
      "SELECT o.id, o.ingest_id, o.indicator_id, i.type, i.value, ifnull(n.actor_id, 0), "
      "ifnull(o.actor_name_id, 0), n.name, o.role, o.source_id, o.first_seen, o.last_seen, "
      "ifnull(o.confidence, -1), o.tlp, ifnull(o.references_id, 0), r.items, "
      "ifnull(o.basis_id, 0), b.items, o.exact "
      "FROM observations o JOIN indicators i ON i.id = o.indicator_id "
      "LEFT JOIN actor_names n ON n.id = o.actor_name_id "
      "LEFT JOIN lists r ON r.id = o.references_id LEFT JOIN lists b ON b.id = o.basis_id "
      "WHERE o.ingest_id > ?1 AND o.id > (SELECT ifnull(max(last_observation_id), 0) FROM "
      "ingests WHERE id <= ?1 AND ?1 > 0)";
  if (query.named_actor_only) sql += " AND o.actor_name_id IS NOT NULL";
  if (!query.indicator_ids.empty()) {
    COTENANT_RETURN_IF_ERROR(LoadIdFilter(db_, query.indicator_ids));
    sql += " AND o.indicator_id IN (SELECT id FROM temp.scan_ids)";
  }
  sql += query.order == ObservationOrder::kIndicator ? " ORDER BY o.indicator_id, o.id"
                                                     : " ORDER BY o.id";
  COTENANT_ASSIGN_OR_RETURN(Statement s, db_.Prepare(sql));
  s.BindInt(1, query.after_ingest);
  const size_t batch = std::max<size_t>(1, query.batch_size);
  std::vector<ObservationRow> rows;
  rows.reserve(batch);
  struct Offsets {
    size_t value, name, refs, basis;
  };
  std::vector<Offsets> offsets;
  Arena arena;
  auto flush = [&]() -> Status {
    if (rows.empty()) return Status::Ok();
    for (size_t k = 0; k < rows.size(); ++k) {
      auto& row = rows[k];
      row.value = arena.View(offsets[k].value, row.value.size());
      row.actor_name = arena.View(offsets[k].name, row.actor_name.size());
      row.references = arena.View(offsets[k].refs, row.references.size());
      row.basis = arena.View(offsets[k].basis, row.basis.size());
    }
    Status st = fn(std::span<const ObservationRow>(rows));
    rows.clear();
    offsets.clear();
    arena.Clear();
    return st;
  };
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool more, s.Step());
    if (!more) break;
    ObservationRow row;
    row.id = s.Int(0);
    row.ingest_id = s.Int(1);
    row.indicator_id = s.Int(2);
    auto type = TypeNames().Find(s.Text(3));
    if (!type) {
      return Corruption("store " + db_.path() + ": unknown indicator type `" +
                        std::string(s.Text(3)) + "` for observation " + std::to_string(row.id));
    }
    row.type = *type;
    row.actor_id = s.Int(5);
    row.actor_name_id = s.Int(6);
    auto role = store::RoleFromCode(s.Int(8));
    auto tlp = store::TlpFromCode(s.Int(13));
    if (!role || !tlp) {
      return Corruption("store " + db_.path() + ": unknown role or tlp code for observation " +
                        std::to_string(row.id));
    }
    row.role = *role;
    row.source_id = s.Int(9);
    row.first_seen = TimeOf(s.OptionalInt(10));
    row.last_seen = TimeOf(s.OptionalInt(11));
    row.confidence = static_cast<int>(s.Int(12));
    row.tlp = *tlp;
    row.references_id = s.Int(14);
    row.basis_id = s.Int(16);
    row.exact = s.Int(18) != 0;
    // Views hold only the length until flush() points them into the arena.
    Offsets off{arena.Add(s.Text(4)), arena.Add(s.Text(7)), arena.Add(s.Text(15)),
                arena.Add(s.Text(17))};
    row.value = {static_cast<const char*>(nullptr), s.Text(4).size()};
    row.actor_name = {static_cast<const char*>(nullptr), s.Text(7).size()};
    row.references = {static_cast<const char*>(nullptr), s.Text(15).size()};
    row.basis = {static_cast<const char*>(nullptr), s.Text(17).size()};
    rows.push_back(row);
    offsets.push_back(off);
    if (rows.size() >= batch) COTENANT_RETURN_IF_ERROR(flush());
  }
  return flush();
}

Status SqliteStore::ScanRelationships(const RelationshipQuery& query,
                                      const RelationshipBatchFn& fn) {
  std::string sql =
      "SELECT x.id, x.ingest_id, x.from_id, fi.type, fi.value, x.kind, x.to_id, ti.type, "
      "ti.value, x.first_seen, x.last_seen, ifnull(x.count, 0), x.source_id, x.tlp "
      "FROM relationships x JOIN indicators fi ON fi.id = x.from_id "
      "JOIN indicators ti ON ti.id = x.to_id "
      "WHERE x.ingest_id > ?1 AND x.id > (SELECT ifnull(max(last_relationship_id), 0) FROM "
      "ingests WHERE id <= ?1 AND ?1 > 0)";
  if (!query.indicator_ids.empty()) {
    COTENANT_RETURN_IF_ERROR(LoadIdFilter(db_, query.indicator_ids));
    sql +=
        " AND (x.from_id IN (SELECT id FROM temp.scan_ids) OR x.to_id IN (SELECT id FROM "
        "temp.scan_ids))";
  }
  sql += " ORDER BY x.id";
  COTENANT_ASSIGN_OR_RETURN(Statement s, db_.Prepare(sql));
  s.BindInt(1, query.after_ingest);
  const size_t batch = std::max<size_t>(1, query.batch_size);
  std::vector<RelationshipRow> rows;
  struct Offsets {
    size_t from, kind, to;
  };
  std::vector<Offsets> offsets;
  Arena arena;
  auto flush = [&]() -> Status {
    if (rows.empty()) return Status::Ok();
    for (size_t k = 0; k < rows.size(); ++k) {
      rows[k].from_value = arena.View(offsets[k].from, rows[k].from_value.size());
      rows[k].kind = arena.View(offsets[k].kind, rows[k].kind.size());
      rows[k].to_value = arena.View(offsets[k].to, rows[k].to_value.size());
    }
    Status st = fn(std::span<const RelationshipRow>(rows));
    rows.clear();
    offsets.clear();
    arena.Clear();
    return st;
  };
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool more, s.Step());
    if (!more) break;
    RelationshipRow row;
    row.id = s.Int(0);
    row.ingest_id = s.Int(1);
    row.from_id = s.Int(2);
    auto from_type = TypeNames().Find(s.Text(3));
    auto to_type = TypeNames().Find(s.Text(7));
    if (!from_type || !to_type) {
      return Corruption("store " + db_.path() + ": unknown indicator type in relationship " +
                        std::to_string(row.id));
    }
    row.from_type = *from_type;
    row.to_id = s.Int(6);
    row.to_type = *to_type;
    row.first_seen = TimeOf(s.OptionalInt(9));
    row.last_seen = TimeOf(s.OptionalInt(10));
    row.count = s.Int(11);
    row.source_id = s.Int(12);
    row.tlp = TlpNames().Find(s.Text(13)).value_or(Tlp::kUnmarked);
    offsets.push_back({arena.Add(s.Text(4)), arena.Add(s.Text(5)), arena.Add(s.Text(8))});
    row.from_value = {static_cast<const char*>(nullptr), s.Text(4).size()};
    row.kind = {static_cast<const char*>(nullptr), s.Text(5).size()};
    row.to_value = {static_cast<const char*>(nullptr), s.Text(8).size()};
    rows.push_back(row);
    if (rows.size() >= batch) COTENANT_RETURN_IF_ERROR(flush());
  }
  return flush();
}

Result<std::vector<SourceInfo>> SqliteStore::ListSources() {
  COTENANT_ASSIGN_OR_RETURN(
      Statement s, db_.Prepare("SELECT s.id, s.name, s.url, s.reliability, "
                               "(SELECT count(*) FROM observations o WHERE o.source_id = s.id) "
                               "FROM sources s ORDER BY s.name"));
  std::vector<SourceInfo> out;
  for (;;) {
    COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    SourceInfo info;
    info.id = s.Int(0);
    info.source.name = std::string(s.Text(1));
    info.source.url = std::string(s.Text(2));
    std::string_view rel = s.Text(3);
    info.source.reliability = rel.empty() ? 'F' : rel.front();
    info.observations = s.Int(4);
    out.push_back(std::move(info));
  }
  return out;
}

// ---- lookup and stats -------------------------------------------------------------------------

Result<IndicatorReport> SqliteStore::Lookup(const Indicator& indicator) {
  IndicatorReport report;
  {
    COTENANT_ASSIGN_OR_RETURN(int64_t id, FindIndicatorId(indicator));
    COTENANT_ASSIGN_OR_RETURN(Statement s,
                              db_.Prepare("SELECT id, display FROM indicators WHERE id = ?1"));
    s.BindInt(1, id);
    COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (id == 0 || !row) {
      return NotFound("the store holds nothing about " +
                      std::string(IndicatorTypeName(indicator.type)) + " " + indicator.value);
    }
    report.id = s.Int(0);
    report.indicator = indicator;
    report.indicator.display = s.IsNull(1) ? indicator.value : std::string(s.Text(1));
  }
  {
    COTENANT_ASSIGN_OR_RETURN(
        Statement s,
        db_.Prepare(
            "SELECT o.id, o.ingest_id, n.name, o.role, src.name, r.items, b.items, o.first_seen, "
            "o.last_seen, ifnull(o.confidence, -1), o.tlp, o.exact, o.original_text, "
            "o.description, f.path, o.line, o.json_path, ifnull(a.id, 0), a.name, a.kind "
            "FROM observations o JOIN sources src ON src.id = o.source_id "
            "LEFT JOIN actor_names n ON n.id = o.actor_name_id "
            "LEFT JOIN actors a ON a.id = n.actor_id "
            "LEFT JOIN lists r ON r.id = o.references_id LEFT JOIN lists b ON b.id = o.basis_id "
            "LEFT JOIN files f ON f.id = o.file_id WHERE o.indicator_id = ?1 "
            "ORDER BY a.name IS NULL, a.name COLLATE NOCASE, src.name, o.first_seen, o.id"));
    s.BindInt(1, report.id);
    for (;;) {
      COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      StoredObservation so;
      so.id = s.Int(0);
      so.ingest_id = s.Int(1);
      Observation& o = so.observation;
      o.indicator = report.indicator;
      o.actor = std::string(s.Text(2));
      auto role = store::RoleFromCode(s.Int(3));
      auto tlp = store::TlpFromCode(s.Int(10));
      if (!role || !tlp) {
        return Corruption("store " + db_.path() + ": unknown role or tlp code for observation " +
                          std::to_string(so.id));
      }
      o.role = *role;
      o.source = std::string(s.Text(4));
      o.references = SplitList(s.Text(5));
      o.basis = SplitList(s.Text(6));
      o.first_seen = TimeOf(s.OptionalInt(7));
      o.last_seen = TimeOf(s.OptionalInt(8));
      o.confidence = static_cast<int>(s.Int(9));
      o.tlp = *tlp;
      o.exact = s.Int(11) != 0;
      o.original_text = s.IsNull(12) ? indicator.value : std::string(s.Text(12));
      o.description = std::string(s.Text(13));
      o.location.file = std::string(s.Text(14));
      o.location.line = s.IsNull(15) ? 0 : s.Int(15);
      o.location.json_path = std::string(s.Text(16));
      so.actor_id = s.Int(17);
      so.actor_name = std::string(s.Text(18));
      so.actor_kind = KindNames().Find(s.Text(19)).value_or(ActorKind::kUnregistered);
      report.observations.push_back(std::move(so));
    }
  }
  {
    COTENANT_ASSIGN_OR_RETURN(
        Statement s,
        db_.Prepare(
            "SELECT x.id, x.ingest_id, fi.type, fi.value, x.kind, ti.type, ti.value, "
            "x.first_seen, x.last_seen, ifnull(x.count, 0), src.name, x.tlp, f.path, "
            "x.line, x.json_path FROM relationships x "
            "JOIN indicators fi ON fi.id = x.from_id JOIN indicators ti ON ti.id = x.to_id "
            "JOIN sources src ON src.id = x.source_id LEFT JOIN files f ON f.id = x.file_id "
            "WHERE x.from_id = ?1 OR x.to_id = ?1 ORDER BY x.first_seen, x.id"));
    s.BindInt(1, report.id);
    for (;;) {
      COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      StoredRelationship sr;
      sr.id = s.Int(0);
      sr.ingest_id = s.Int(1);
      Relationship& r = sr.relationship;
      r.from.type = TypeNames().Find(s.Text(2)).value_or(IndicatorType::kIpv4);
      r.from.value = std::string(s.Text(3));
      r.from.display = r.from.value;
      r.kind = std::string(s.Text(4));
      r.to.type = TypeNames().Find(s.Text(5)).value_or(IndicatorType::kIpv4);
      r.to.value = std::string(s.Text(6));
      r.to.display = r.to.value;
      r.first_seen = TimeOf(s.OptionalInt(7));
      r.last_seen = TimeOf(s.OptionalInt(8));
      r.count = s.Int(9);
      r.source = std::string(s.Text(10));
      r.tlp = TlpNames().Find(s.Text(11)).value_or(Tlp::kUnmarked);
      r.location.file = std::string(s.Text(12));
      r.location.line = s.IsNull(13) ? 0 : s.Int(13);
      r.location.json_path = std::string(s.Text(14));
      report.relationships.push_back(std::move(sr));
    }
  }
  return report;
}

Result<StoreStats> SqliteStore::Stats() {
  StoreStats st;
  COTENANT_ASSIGN_OR_RETURN(st.schema_version, db_.QueryInt("PRAGMA user_version"));
  COTENANT_ASSIGN_OR_RETURN(st.indicators, db_.QueryInt("SELECT count(*) FROM indicators"));
  COTENANT_ASSIGN_OR_RETURN(st.observations, db_.QueryInt("SELECT count(*) FROM observations"));
  COTENANT_ASSIGN_OR_RETURN(st.relationships, db_.QueryInt("SELECT count(*) FROM relationships"));
  COTENANT_ASSIGN_OR_RETURN(st.sources, db_.QueryInt("SELECT count(*) FROM sources"));
  COTENANT_ASSIGN_OR_RETURN(st.ingests, db_.QueryInt("SELECT count(*) FROM ingests"));
  COTENANT_ASSIGN_OR_RETURN(st.rejections, db_.QueryInt("SELECT count(*) FROM rejections"));
  COTENANT_ASSIGN_OR_RETURN(st.actor_records, db_.QueryInt("SELECT count(*) FROM actor_records"));
  COTENANT_ASSIGN_OR_RETURN(
      st.groups, db_.QueryInt("SELECT count(*) FROM actors WHERE live = 1 AND kind = 'group'"));
  COTENANT_ASSIGN_OR_RETURN(
      st.ambiguous_names,
      db_.QueryInt("SELECT count(*) FROM actors WHERE live = 1 AND kind = 'ambiguous'"));
  COTENANT_ASSIGN_OR_RETURN(
      st.unregistered_names,
      db_.QueryInt("SELECT count(*) FROM actors WHERE live = 1 AND kind = 'unregistered'"));
  auto pairs = [&](std::string_view sql,
                   std::vector<std::pair<std::string, int64_t>>& out) -> Status {
    COTENANT_ASSIGN_OR_RETURN(Statement s, db_.Prepare(sql));
    for (;;) {
      COTENANT_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.emplace_back(std::string(s.Text(0)), s.Int(1));
    }
    return Status::Ok();
  };
  COTENANT_RETURN_IF_ERROR(
      pairs("SELECT i.type, count(*) AS c FROM observations o JOIN indicators i ON i.id = "
            "o.indicator_id GROUP BY i.type ORDER BY c DESC, i.type",
            st.observations_by_type));
  COTENANT_RETURN_IF_ERROR(
      pairs("SELECT s.name, count(*) AS c FROM observations o JOIN sources s ON s.id = "
            "o.source_id GROUP BY s.name ORDER BY c DESC, s.name",
            st.observations_by_source));
  COTENANT_RETURN_IF_ERROR(
      pairs("SELECT r.name, count(*) AS c FROM observations o JOIN roles r ON r.code = o.role "
            "GROUP BY r.name ORDER BY c DESC, r.name",
            st.observations_by_role));
  return st;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const StoreOptions& options) {
  auto store = std::make_unique<SqliteStore>(options.read_only);
  COTENANT_RETURN_IF_ERROR(store->Open(path));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace cotenant
