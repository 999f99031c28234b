// BuildSharedView: the store, filtered to one clearance (include/cotenant/sharing.h).
#include "cotenant/sharing.h"

#include <algorithm>
#include <unordered_map>

namespace cotenant {
namespace {

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view item = text.substr(0, nl);
    if (!item.empty()) out.emplace_back(item);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

void Widen(std::optional<Timestamp>& first, std::optional<Timestamp>& last,
           const std::optional<Timestamp>& f, const std::optional<Timestamp>& l) {
  if (f && (!first || *f < *first)) first = f;
  if (l && (!last || *l > *last)) last = l;
}

}  // namespace

const SharedActor* SharedView::FindActor(ActorId id) const {
  auto it = actor_index.find(id);
  return it == actor_index.end() ? nullptr : &actors[it->second];
}

const SharedIndicator* SharedView::FindIndicator(const Indicator& indicator) const {
  auto it = std::lower_bound(
      indicators.begin(), indicators.end(), indicator,
      [](const SharedIndicator& a, const Indicator& b) { return a.indicator < b; });
  if (it == indicators.end() || !(it->indicator == indicator)) return nullptr;
  return &*it;
}

Result<Tlp> ParseClearance(std::string_view text) {
  std::optional<Tlp> tlp = TlpFromName(text);
  if (!tlp || *tlp == Tlp::kUnmarked) {
    return InvalidArgument("`" + std::string(text) +
                           "` is not a TLP clearance (clear, green, amber, amber+strict, red)");
  }
  return *tlp;
}

Result<SharedView> BuildSharedView(Store& store, const SharingPolicy& policy) {
  SharedView view;
  view.policy = policy;
  COTENANT_ASSIGN_OR_RETURN(view.as_of_ingest, store.LastIngestId());

  std::unordered_map<IngestId, Timestamp> ingest_time;
  COTENANT_ASSIGN_OR_RETURN(std::vector<IngestInfo> ingests, store.ListIngests());
  for (const IngestInfo& i : ingests) {
    ingest_time.emplace(i.id, i.finished);
    if (i.id <= view.as_of_ingest && i.finished > view.as_of) view.as_of = i.finished;
  }
  auto added_at = [&](IngestId id) {
    auto it = ingest_time.find(id);
    return it == ingest_time.end() ? Timestamp::FromUnixSeconds(0) : it->second;
  };

  std::unordered_map<SourceId, std::string> source_names;
  COTENANT_ASSIGN_OR_RETURN(std::vector<SourceInfo> sources, store.ListSources());
  for (const SourceInfo& s : sources) source_names.emplace(s.id, s.source.name);
  auto source_name = [&](SourceId id) {
    auto it = source_names.find(id);
    return it == source_names.end() ? std::string() : it->second;
  };

  struct ActorAcc {
    int64_t observations = 0;
    std::map<std::string, int64_t> names;
    std::vector<IndicatorId> indicators;
    Tlp tlp = Tlp::kClear;
    Timestamp added = Timestamp::FromUnixSeconds(0);
  };
  std::map<ActorId, ActorAcc> actor_acc;

  ObservationQuery query;
  query.order = ObservationOrder::kIndicator;
  IndicatorId current = 0;
  SharedIndicator* open = nullptr;
  COTENANT_RETURN_IF_ERROR(
      store.ScanObservations(query, [&](std::span<const ObservationRow> rows) -> Status {
        for (const ObservationRow& row : rows) {
          if (row.ingest_id > view.as_of_ingest) continue;  // committed while we read
          if (!policy.Cleared(row.tlp)) continue;
          if (open == nullptr || row.indicator_id != current) {
            current = row.indicator_id;
            SharedIndicator& si = view.indicators.emplace_back();
            si.indicator.type = row.type;
            si.indicator.value = std::string(row.value);
            si.indicator.display = si.indicator.value;
            si.tlp = Tlp::kClear;
            open = &si;
          }
          SharedObservation o;
          o.id = row.id;
          o.ingest_id = row.ingest_id;
          o.actor_id = row.actor_id;
          o.actor_written = std::string(row.actor_name);
          o.role = row.role;
          o.source = source_name(row.source_id);
          o.references = SplitLines(row.references);
          o.first_seen = row.first_seen;
          o.last_seen = row.last_seen;
          o.confidence = row.confidence;
          o.tlp = HandlingTlp(row.tlp, policy.unmarked_as);
          o.added = added_at(row.ingest_id);
          open->tlp = MostRestrictive(open->tlp, o.tlp);
          Widen(open->first_seen, open->last_seen, o.first_seen, o.last_seen);
          if (o.added > open->added) open->added = o.added;
          if (o.actor_id != 0) {
            open->actors.push_back(o.actor_id);
            ActorAcc& acc = actor_acc[o.actor_id];
            ++acc.observations;
            if (!o.actor_written.empty()) ++acc.names[o.actor_written];
            if (acc.indicators.empty() || acc.indicators.back() != row.indicator_id) {
              acc.indicators.push_back(row.indicator_id);
            }
            acc.tlp = MostRestrictive(acc.tlp, o.tlp);
            if (o.added > acc.added) acc.added = o.added;
          }
          open->observations.push_back(std::move(o));
          ++view.observations;
        }
        return Status::Ok();
      }));
  for (SharedIndicator& si : view.indicators) {
    std::sort(si.actors.begin(), si.actors.end());
    si.actors.erase(std::unique(si.actors.begin(), si.actors.end()), si.actors.end());
  }
  std::sort(
      view.indicators.begin(), view.indicators.end(),
      [](const SharedIndicator& a, const SharedIndicator& b) { return a.indicator < b.indicator; });

  COTENANT_RETURN_IF_ERROR(store.ScanRelationships(
      RelationshipQuery{}, [&](std::span<const RelationshipRow> rows) -> Status {
        for (const RelationshipRow& row : rows) {
          if (row.ingest_id > view.as_of_ingest) continue;
          if (!policy.Cleared(row.tlp)) continue;
          SharedRelationship r;
          r.id = row.id;
          r.from =
              Indicator{row.from_type, std::string(row.from_value), std::string(row.from_value)};
          r.kind = std::string(row.kind);
          r.to = Indicator{row.to_type, std::string(row.to_value), std::string(row.to_value)};
          r.first_seen = row.first_seen;
          r.last_seen = row.last_seen;
          r.count = row.count;
          r.source = source_name(row.source_id);
          r.tlp = HandlingTlp(row.tlp, policy.unmarked_as);
          r.added = added_at(row.ingest_id);
          view.relationships.push_back(std::move(r));
        }
        return Status::Ok();
      }));

  bool naming_visible = policy.Cleared(policy.naming_as);
  for (auto& [id, acc] : actor_acc) {
    COTENANT_ASSIGN_OR_RETURN(std::optional<ActorInfo> info, store.GetActor(id));
    SharedActor a;
    a.id = id;
    a.observations = acc.observations;
    a.indicators = static_cast<int64_t>(acc.indicators.size());
    a.tlp = acc.tlp;
    a.added = acc.added;
    for (const auto& [name, n] : acc.names) a.names_written.push_back(name);
    if (info && naming_visible) {
      a.kind = info->kind;
      a.name = info->name;
      a.external_ids = info->external_ids;
      a.country = info->country;
      a.aliases = info->aliases;
    } else {
      // Only what visible observations wrote: the most used name stands for the actor.
      a.kind = info ? info->kind : ActorKind::kUnregistered;
      int64_t best = -1;
      for (const auto& [name, n] : acc.names) {
        if (n > best) {
          best = n;
          a.name = name;
        }
      }
    }
    for (const std::string& written : a.names_written) {
      bool known = std::any_of(a.aliases.begin(), a.aliases.end(),
                               [&](const ActorAlias& al) { return al.name == written; });
      if (!known) a.aliases.push_back(ActorAlias{written, "observation", std::nullopt});
    }
    if (a.name.empty()) a.name = "actor " + std::to_string(id);
    view.actors.push_back(std::move(a));
  }
  std::sort(view.actors.begin(), view.actors.end(), [](const SharedActor& x, const SharedActor& y) {
    return x.name != y.name ? x.name < y.name : x.id < y.id;
  });
  for (size_t i = 0; i < view.actors.size(); ++i) view.actor_index[view.actors[i].id] = i;
  return view;
}

}  // namespace cotenant
