// LoadAnalysisInput: fills the columnar input from a Store (see analysis.h).
//
// Missing times (docs/analysis.md, "Time"): an observation with first and last seen keeps
// them; with only one of them it is a point in time at that date; with neither it gets the
// date its ingest batch was committed and is marked estimated, so the analysis never treats
// that date as an observed one (a pair with only estimated dates on one side has the time
// relation "unknown").
#include <unordered_map>

#include "cotenant/analysis.h"

namespace cotenant {

Status LoadAnalysisInput(Store& store, const LoadOptions& options, AnalysisInput* input) {
  COTENANT_ASSIGN_OR_RETURN(std::vector<ActorInfo> actors, store.ListActors());
  std::unordered_map<ActorId, uint32_t> actor_index;
  for (const ActorInfo& a : actors) actor_index[a.id] = input->AddActor(a);

  COTENANT_ASSIGN_OR_RETURN(std::vector<IngestInfo> ingests, store.ListIngests());
  std::unordered_map<IngestId, int64_t> ingest_time;
  for (const IngestInfo& i : ingests) ingest_time[i.id] = i.finished.unix_seconds();
  const int64_t now = Timestamp::Now().unix_seconds();

  COTENANT_ASSIGN_OR_RETURN(std::vector<SourceInfo> sources, store.ListSources());
  std::unordered_map<SourceId, uint32_t> source_index;
  for (const SourceInfo& s : sources) source_index[s.id] = input->AddSource(s.source.name);

  std::unordered_map<IndicatorId, uint32_t> value_index;
  std::unordered_map<int64_t, uint32_t> references_index, basis_index;
  auto value_of = [&](IndicatorId id, IndicatorType type, std::string_view text) {
    auto it = value_index.find(id);
    if (it != value_index.end()) return it->second;
    uint32_t v = input->AddValue(type, text);
    value_index.emplace(id, v);
    return v;
  };
  auto list_of = [&](std::unordered_map<int64_t, uint32_t>& cache, int64_t id,
                     std::string_view text) -> uint32_t {
    if (id == 0) return 0;
    auto it = cache.find(id);
    if (it != cache.end()) return it->second;
    uint32_t list = input->AddItemListText(text);
    cache.emplace(id, list);
    return list;
  };
  auto source_of = [&](SourceId id) -> uint32_t {
    auto it = source_index.find(id);
    if (it != source_index.end()) return it->second;
    uint32_t s = input->AddSource("source-" + std::to_string(id));
    source_index.emplace(id, s);
    return s;
  };

  ObservationQuery query;
  query.order = ObservationOrder::kStorage;
  query.batch_size = 8192;
  Status status = store.ScanObservations(query, [&](std::span<const ObservationRow> rows) {
    for (const ObservationRow& row : rows) {
      AnalysisInput::ObservationIn o;
      o.value = value_of(row.indicator_id, row.type, row.value);
      if (row.actor_id != 0) {
        auto it = actor_index.find(row.actor_id);
        if (it == actor_index.end()) {
          return Corruption("observation " + std::to_string(row.id) + " names actor id " +
                            std::to_string(row.actor_id) + ", which ListActors does not return");
        }
        o.actor = it->second;
      }
      o.source = source_of(row.source_id);
      o.name = row.actor_name.empty() ? 0 : input->AddName(row.actor_name);
      if (row.first_seen && row.last_seen) {
        o.first = row.first_seen->unix_seconds();
        o.last = row.last_seen->unix_seconds();
      } else if (row.first_seen || row.last_seen) {
        o.first = o.last = (row.first_seen ? row.first_seen : row.last_seen)->unix_seconds();
      } else {
        auto it = ingest_time.find(row.ingest_id);
        o.first = o.last =
            it != ingest_time.end() && options.fill_missing_time_from_ingest ? it->second : now;
        o.estimated = true;
      }
      o.role = row.role;
      o.tlp = row.tlp;
      o.references = list_of(references_index, row.references_id, row.references);
      o.basis = list_of(basis_index, row.basis_id, row.basis);
      o.id = row.id;
      o.ingest = row.ingest_id;
      input->AddObservation(o);
    }
    return Status::Ok();
  });
  COTENANT_RETURN_IF_ERROR(status);

  RelationshipQuery rquery;
  rquery.batch_size = 8192;
  return store.ScanRelationships(rquery, [&](std::span<const RelationshipRow> rows) {
    for (const RelationshipRow& row : rows) {
      AnalysisInput::RelationshipIn r;
      r.from = value_of(row.from_id, row.from_type, row.from_value);
      r.to = value_of(row.to_id, row.to_type, row.to_value);
      r.kind = row.kind;
      if (row.first_seen || row.last_seen) {
        r.has_time = true;
        r.first = (row.first_seen ? row.first_seen : row.last_seen)->unix_seconds();
        r.last = (row.last_seen ? row.last_seen : row.first_seen)->unix_seconds();
      }
      r.source = source_of(row.source_id);
      r.tlp = row.tlp;
      input->AddRelationship(r);
    }
    return Status::Ok();
  });
}

}  // namespace cotenant
