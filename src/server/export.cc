// ExportDocument: STIX, MISP and CSV from a SharedView (include/cotenant/export.h).
#include "cotenant/export.h"

#include <algorithm>
#include <set>

#include "server/crypto.h"
#include "server/json.h"
#include "server/misp_csv_export.h"
#include "server/stix_export.h"

namespace cotenant {
namespace {

using server::CsvField;
using server::JsonWriter;

constexpr std::string_view kMispNamespace = "9d1b6c2a-52f7-4b8e-a6a4-0f3c5e2d7b11";

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

std::string ActorName(const SharedView& view, ActorId id) {
  const SharedActor* a = view.FindActor(id);
  return a == nullptr ? std::string() : a->name;
}

std::string ExportStix(const SharedView& view, const ExportOptions& options) {
  std::vector<server::StixObject> objects = server::BuildStixObjects(view);
  if (!options.indicators || !options.findings) {
    std::erase_if(objects, [&](const server::StixObject& o) {
      bool finding = o.type == "relationship" &&
                     o.json.find("\"relationship_type\":\"related-to\"") != std::string::npos;
      bool indicator_part =
          o.type == "indicator" || o.type == "sighting" || (o.type == "relationship" && !finding);
      return (finding && !options.findings) || (indicator_part && !options.indicators);
    });
  }
  server::AddMarkingDefinitions(objects);
  return server::StixBundle(objects);
}

void MispTags(JsonWriter& w, Tlp tlp, const std::vector<std::string>& extra = {}) {
  w.Key("Tag").BeginArray();
  if (tlp != Tlp::kUnmarked) w.BeginObject().Member("name", MispTlpTag(tlp)).EndObject();
  for (const std::string& t : extra) w.BeginObject().Member("name", t).EndObject();
  w.EndArray();
}

std::string ExportMisp(const SharedView& view, const ExportOptions& options) {
  Tlp event_tlp = Tlp::kClear;
  if (options.indicators) {
    for (const SharedIndicator& si : view.indicators)
      event_tlp = MostRestrictive(event_tlp, si.tlp);
  }
  if (options.findings) {
    for (const SharedFinding& f : view.findings) event_tlp = MostRestrictive(event_tlp, f.tlp);
  }
  std::string as_of = view.as_of.ToString();
  JsonWriter w;
  w.BeginObject().Key("Event").BeginObject();
  w.Member("uuid", server::UuidV5(kMispNamespace, "event\n" + as_of + "\n" +
                                                      std::string(TlpName(view.policy.clearance))));
  w.Member("info", "cotenant export: shared infrastructure between threat-actor groups (TLP:" +
                       std::string(TlpName(view.policy.clearance)) + " view)");
  w.Member("date", view.as_of.ToDateString());
  w.Member("timestamp", std::to_string(view.as_of.unix_seconds()));
  w.Member("threat_level_id", "2").Member("analysis", "2").Member("distribution", "0");
  w.Member("published", false);
  MispTags(w, event_tlp);
  w.Key("Attribute").BeginArray();
  if (options.indicators) {
    for (const SharedIndicator& si : view.indicators) {
      std::vector<std::string> actors;
      std::set<std::string> sources;
      for (ActorId id : si.actors) actors.push_back(ActorName(view, id));
      for (const SharedObservation& o : si.observations) {
        if (!o.source.empty()) sources.insert(o.source);
      }
      w.BeginObject();
      w.Member("uuid",
               server::UuidV5(kMispNamespace,
                              "attribute\n" + std::string(IndicatorTypeName(si.indicator.type)) +
                                  "\n" + si.indicator.value));
      w.Member("type", server::MispAttributeType(si.indicator.type));
      w.Member("category", "Network activity");
      w.Member("value", server::MispAttributeValue(si.indicator));
      w.Member("to_ids", true);
      w.Member("timestamp", std::to_string(si.added.unix_seconds()));
      if (si.first_seen) w.Member("first_seen", si.first_seen->ToString());
      if (si.last_seen) w.Member("last_seen", si.last_seen->ToString());
      std::string comment = std::string(IndicatorTypeName(si.indicator.type));
      if (!actors.empty()) comment += "; actors: " + Join(actors, ", ");
      if (!sources.empty()) comment += "; sources: " + Join({sources.begin(), sources.end()}, ", ");
      w.Member("comment", comment);
      MispTags(w, si.tlp);
      w.EndObject();
    }
  }
  w.EndArray();
  // Actors as threat-actor galaxy clusters; findings as their `related` entries.
  w.Key("Galaxy").BeginArray().BeginObject();
  w.Member("name", "Threat Actor").Member("type", "threat-actor");
  w.Member("uuid", "698774c7-8022-42c4-917f-8d6e4f06ada3");
  w.Key("GalaxyCluster").BeginArray();
  for (const SharedActor& a : view.actors) {
    w.BeginObject();
    w.Member("uuid", server::UuidV5(kMispNamespace, "actor\n" + a.name));
    w.Member("value", a.name).Member("type", "threat-actor");
    w.Member("tag_name", "misp-galaxy:threat-actor=\"" + a.name + "\"");
    w.Key("meta").BeginObject();
    std::vector<std::string> synonyms;
    for (const ActorAlias& al : a.aliases) {
      if (al.name != a.name &&
          std::find(synonyms.begin(), synonyms.end(), al.name) == synonyms.end()) {
        synonyms.push_back(al.name);
      }
    }
    if (!synonyms.empty()) w.StringArray("synonyms", synonyms);
    if (!a.country.empty()) w.StringArray("country", {a.country});
    w.EndObject();
    w.Key("related").BeginArray();
    if (options.findings) {
      for (const SharedFinding& f : view.findings) {
        int side = f.actors[0] == a.id ? 1 : (f.actors[1] == a.id ? 0 : -1);
        if (side < 0) continue;
        w.BeginObject();
        w.Member("dest-uuid",
                 server::UuidV5(kMispNamespace, "actor\n" + ActorName(view, f.actors[side])));
        w.Member("type", "related-to");
        w.Key("tags").BeginArray();
        w.String(MispTlpTag(f.tlp));
        w.String("estimative-language:likelihood-probability=\"" + f.likelihood + "\"");
        w.String("estimative-language:confidence-in-analytic-judgment=\"" + f.confidence + "\"");
        w.String("cotenant:hypothesis=\"" + f.hypothesis + "\"");
        w.EndArray();
        w.Member("comment", f.summary);
        w.EndObject();
      }
    }
    w.EndArray();
    MispTags(w, a.tlp);
    w.EndObject();
  }
  w.EndArray().EndObject().EndArray();
  w.EndObject().EndObject();
  return w.Take() + "\n";
}

std::string ExportCsv(const SharedView& view, const ExportOptions& options) {
  std::string out =
      "kind,type,value,actors,roles,sources,first_seen,last_seen,tlp,confidence,"
      "hypothesis,likelihood,score,description\n";
  auto row = [&](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += CsvField(fields[i]);
    }
    out += '\n';
  };
  if (options.indicators) {
    for (const SharedIndicator& si : view.indicators) {
      std::vector<std::string> actors;
      std::set<std::string> roles, sources;
      int confidence = -1;
      for (ActorId id : si.actors) actors.push_back(ActorName(view, id));
      for (const SharedObservation& o : si.observations) {
        if (o.role != Role::kUnknown) roles.insert(std::string(RoleName(o.role)));
        if (!o.source.empty()) sources.insert(o.source);
        confidence = std::max(confidence, o.confidence);
      }
      row({"indicator", std::string(IndicatorTypeName(si.indicator.type)), si.indicator.value,
           Join(actors, "; "), Join({roles.begin(), roles.end()}, "; "),
           Join({sources.begin(), sources.end()}, "; "),
           si.first_seen ? si.first_seen->ToString() : "",
           si.last_seen ? si.last_seen->ToString() : "", std::string(TlpName(si.tlp)),
           confidence >= 0 ? std::to_string(confidence) : "", "", "", "", ""});
    }
  }
  if (options.findings) {
    for (const SharedFinding& f : view.findings) {
      char score[32];
      std::snprintf(score, sizeof score, "%.1f", f.score);
      row({"finding", "actor-pair",
           ActorName(view, f.actors[0]) + " | " + ActorName(view, f.actors[1]),
           ActorName(view, f.actors[0]) + "; " + ActorName(view, f.actors[1]), "", "", "", "",
           std::string(TlpName(f.tlp)), std::to_string(f.stix_confidence), f.hypothesis,
           f.likelihood, score, f.summary});
    }
  }
  return out;
}

}  // namespace

std::optional<ExportFormat> ExportFormatFromName(std::string_view name) {
  if (name == "stix") return ExportFormat::kStix;
  if (name == "misp") return ExportFormat::kMisp;
  if (name == "csv") return ExportFormat::kCsv;
  return std::nullopt;
}

std::string ExportDocument(ExportFormat format, const SharedView& view,
                           const ExportOptions& options) {
  switch (format) {
    case ExportFormat::kStix:
      return ExportStix(view, options);
    case ExportFormat::kMisp:
      return ExportMisp(view, options);
    case ExportFormat::kCsv:
      return ExportCsv(view, options);
  }
  return "";
}

}  // namespace cotenant
