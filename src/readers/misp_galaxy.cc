// MISP galaxy cluster files (github.com/MISP/misp-galaxy clusters/*.json): naming data.
//
// `values[]` holds one cluster per group: `value` (the preferred name), `uuid`,
// `meta.synonyms`, `meta.country`, `meta.refs`, `meta.external_id` (ATT&CK id in
// mitre-intrusion-set) and `related[]` ({dest-uuid, type}). A "part-of" relation makes the
// destination an umbrella of this cluster; "subsumes" is the same relation seen from the
// umbrella. Destinations are named by their value when they are in the same file, else by
// uuid. MITRE clusters are named "Lazarus Group - G0032": the record's name drops the
// " - G0032" suffix and keeps the full text as an alias, since MISP tags carry it.
#include <map>
#include <string>
#include <vector>

#include "readers/json_util.h"
#include "readers/readers.h"

namespace cotenant::readers {

namespace {

void AddUnique(std::vector<std::string>& list, std::string_view value, std::string_view name) {
  std::string v(Trim(value));
  if (v.empty() || v == name) return;
  for (const auto& x : list) {
    if (x == v) return;
  }
  list.push_back(std::move(v));
}

std::vector<std::string_view> Strings(json::element e, std::string_view key) {
  std::vector<std::string_view> out;
  auto f = json::Field(e, key);
  if (!f) return out;
  if (f->is_string()) {
    out.push_back(f->get_string().value_unsafe());
  } else if (f->is_array()) {
    json::array items = f->get_array().value_unsafe();
    for (json::element v : items) {
      if (v.is_string()) out.push_back(v.get_string().value_unsafe());
    }
  }
  return out;
}

}  // namespace

Status ReadMispGalaxyJson(std::string_view json_text, const std::string& path,
                          const ReadOptions& options, IngestSink& sink) {
  simdjson::dom::parser parser;
  COTENANT_ASSIGN_OR_RETURN(json::element doc, json::Parse(parser, json_text, path));
  auto values = json::Arr(doc, "values");
  if (!values && json::Field(doc, "namespace") && json::Field(doc, "uuid")) {
    // A galaxy definition (galaxies/<type>.json): metadata only, the clusters live in
    // clusters/<type>.json. Nothing to read, and nothing wrong.
    return Status::Ok();
  }
  if (!values) {
    return InvalidArgument(path + ": not a MISP galaxy cluster file (no \"values\" array)");
  }
  std::string type(json::Str(doc, "type").value_or("cluster"));
  Source source;
  source.name = options.source.empty() ? "misp-galaxy:" + type : options.source;
  source.url = "https://github.com/MISP/misp-galaxy";
  sink.OnSource(source);

  struct Pending {
    ActorRecord record;
    std::vector<std::string> part_of_uuids;
  };
  std::vector<Pending> pending;
  std::map<std::string, std::string, std::less<>> name_by_uuid;
  std::map<std::string, size_t, std::less<>> index_by_uuid;
  std::vector<std::pair<std::string, std::string>> subsumes;  // (umbrella uuid, member uuid)

  size_t i = 0;
  for (json::element v : *values) {
    std::string jp = "$.values[" + std::to_string(i++) + "]";
    auto value = json::NonEmptyStr(v, "value");
    if (!value) {
      sink.OnRejection(
          MakeRejection(JsonLocation(path, jp), "cluster without a \"value\"", json::Preview(v)));
      continue;
    }
    Pending p;
    ActorRecord& a = p.record;
    a.name = std::string(Trim(*value));
    a.source = source.name;
    std::string uuid(json::Str(v, "uuid").value_or(""));
    json::element meta_el;
    bool has_meta = false;
    if (auto meta = json::Field(v, "meta"); meta && meta->is_object()) {
      meta_el = *meta;
      has_meta = true;
    }
    std::string external_id;
    if (has_meta) {
      auto ext = Strings(meta_el, "external_id");
      if (!ext.empty()) external_id = std::string(Trim(ext.front()));
    }
    // "Lazarus Group - G0032" -> "Lazarus Group", keeping the full text as an alias.
    if (!external_id.empty()) {
      std::string suffix = " - " + external_id;
      if (a.name.size() > suffix.size() && a.name.ends_with(suffix)) {
        std::string full = a.name;
        a.name.resize(a.name.size() - suffix.size());
        AddUnique(a.aliases, full, a.name);
      }
    }
    a.external_id = !external_id.empty() ? external_id : uuid;
    if (has_meta) {
      for (auto s : Strings(meta_el, "synonyms")) AddUnique(a.aliases, s, a.name);
      auto country = Strings(meta_el, "country");
      if (!country.empty()) a.country = std::string(Trim(country.front()));
      for (auto r : Strings(meta_el, "refs")) AddUnique(a.references, r, "");
    }
    if (auto d = json::Str(v, "description")) a.description = std::string(*d);
    if (auto related = json::Arr(v, "related")) {
      for (json::element r : *related) {
        auto dest = json::NonEmptyStr(r, "dest-uuid");
        auto rtype = json::Str(r, "type");
        if (!dest || !rtype) continue;
        if (*rtype == "part-of") p.part_of_uuids.emplace_back(*dest);
        if (*rtype == "subsumes" && !uuid.empty()) subsumes.emplace_back(uuid, *dest);
      }
    }
    if (!uuid.empty()) {
      name_by_uuid.emplace(uuid, a.name);
      index_by_uuid.emplace(uuid, pending.size());
    }
    pending.push_back(std::move(p));
  }
  for (const auto& [umbrella, member] : subsumes) {
    auto it = index_by_uuid.find(member);
    if (it != index_by_uuid.end()) pending[it->second].part_of_uuids.push_back(umbrella);
  }
  for (Pending& p : pending) {
    for (const auto& u : p.part_of_uuids) {
      auto it = name_by_uuid.find(u);
      AddUnique(p.record.part_of, it != name_by_uuid.end() ? it->second : u, p.record.name);
    }
    sink.OnActor(std::move(p.record));
  }
  return Status::Ok();
}

}  // namespace cotenant::readers
