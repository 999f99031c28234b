// AnalysisInput: the columnar input of the analysis (see analysis.h).
#include <algorithm>

#include "cotenant/analysis.h"

namespace cotenant {

AnalysisInput::AnalysisInput() {
  // Index 0 of names, lists: "none".
  names_.emplace_back();
  name_index_.emplace("", 0);
  list_offsets_ = {0, 0};
  list_index_.emplace("", 0);
}

uint32_t AnalysisInput::Intern(std::vector<std::string>& pool,
                               std::unordered_map<std::string, uint32_t>& index,
                               std::string_view s) {
  auto [it, inserted] = index.emplace(std::string(s), static_cast<uint32_t>(pool.size()));
  if (inserted) pool.emplace_back(s);
  return it->second;
}

uint32_t AnalysisInput::AddValue(IndicatorType type, std::string_view canonical) {
  std::string key;
  key.reserve(canonical.size() + 1);
  key.push_back(static_cast<char>(type));
  key.append(canonical);
  auto [it, inserted] =
      value_index_.emplace(std::move(key), static_cast<uint32_t>(value_type_.size()));
  if (inserted) {
    value_type_.push_back(type);
    value_text_.emplace_back(canonical);
  }
  return it->second;
}

uint32_t AnalysisInput::AddActor(const ActorInfo& info) {
  auto [it, inserted] = actor_index_.emplace(info.id, static_cast<uint32_t>(actors_.size()));
  if (inserted) actors_.push_back(info);
  return it->second;
}

std::optional<uint32_t> AnalysisInput::FindActor(ActorId id) const {
  auto it = actor_index_.find(id);
  if (it == actor_index_.end()) return std::nullopt;
  return it->second;
}

uint32_t AnalysisInput::AddSource(std::string_view name) {
  return Intern(sources_, source_index_, name);
}

uint32_t AnalysisInput::AddName(std::string_view name) { return Intern(names_, name_index_, name); }

uint32_t AnalysisInput::AddItemList(std::span<const std::string> items) {
  std::vector<uint32_t> ids;
  ids.reserve(items.size());
  for (const auto& item : items) {
    if (item.empty()) continue;
    ids.push_back(Intern(items_, item_index_, item));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.empty()) return 0;
  std::string packed(reinterpret_cast<const char*>(ids.data()), ids.size() * sizeof(uint32_t));
  auto [it, inserted] =
      list_index_.emplace(std::move(packed), static_cast<uint32_t>(list_offsets_.size() - 1));
  if (inserted) {
    list_items_.insert(list_items_.end(), ids.begin(), ids.end());
    list_offsets_.push_back(static_cast<uint32_t>(list_items_.size()));
  }
  return it->second;
}

uint32_t AnalysisInput::AddItemListText(std::string_view text) {
  std::vector<std::string> items;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) items.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return AddItemList(items);
}

std::span<const uint32_t> AnalysisInput::item_list(uint32_t list) const {
  if (list == 0 || list + 1 >= list_offsets_.size()) return {};
  return {list_items_.data() + list_offsets_[list], list_offsets_[list + 1] - list_offsets_[list]};
}

void AnalysisInput::AddObservation(const ObservationIn& o) {
  obs_value_.push_back(o.value);
  obs_actor_.push_back(o.actor);
  obs_source_.push_back(o.source);
  obs_name_.push_back(o.name);
  obs_first_.push_back(std::min(o.first, o.last));
  obs_last_.push_back(std::max(o.first, o.last));
  obs_estimated_.push_back(o.estimated ? 1 : 0);
  obs_role_.push_back(o.role);
  obs_tlp_.push_back(o.tlp);
  obs_references_.push_back(o.references);
  obs_basis_.push_back(o.basis);
  obs_id_.push_back(o.id);
  obs_ingest_.push_back(o.ingest);
}

void AnalysisInput::AddRelationship(const RelationshipIn& r) {
  uint32_t kind = Intern(kinds_, kind_index_, r.kind);
  relationships_.push_back({r.from, r.to, kind, r.source, std::min(r.first, r.last),
                            std::max(r.first, r.last), r.has_time, r.tlp});
}

void AnalysisInput::Reserve(size_t observations, size_t values) {
  obs_value_.reserve(observations);
  obs_actor_.reserve(observations);
  obs_source_.reserve(observations);
  obs_name_.reserve(observations);
  obs_first_.reserve(observations);
  obs_last_.reserve(observations);
  obs_estimated_.reserve(observations);
  obs_role_.reserve(observations);
  obs_tlp_.reserve(observations);
  obs_references_.reserve(observations);
  obs_basis_.reserve(observations);
  obs_id_.reserve(observations);
  obs_ingest_.reserve(observations);
  value_type_.reserve(values);
  value_text_.reserve(values);
  value_index_.reserve(values);
}

}  // namespace cotenant
