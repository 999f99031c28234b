#include "recording_sink.h"

#include <string>

namespace cotenant::testing {
namespace {

void Field(std::string& out, const char* key, const std::string& value) {
  if (value.empty()) return;
  out += " | ";
  out += key;
  out += "=";
  out += value;
}

std::string Join(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ",";
    out += v;
  }
  return out;
}

std::string Time(const std::optional<Timestamp>& t) { return t ? t->ToString() : ""; }

}  // namespace

std::string DumpObservation(const Observation& o) {
  std::string out = "obs ";
  out += IndicatorTypeName(o.indicator.type);
  out += " ";
  out += o.indicator.value;
  Field(out, "actor", o.actor);
  if (o.role != Role::kUnknown) Field(out, "role", std::string(RoleName(o.role)));
  Field(out, "source", o.source);
  Field(out, "first", Time(o.first_seen));
  Field(out, "last", Time(o.last_seen));
  if (o.confidence >= 0) Field(out, "confidence", std::to_string(o.confidence));
  if (o.tlp != Tlp::kUnmarked) Field(out, "tlp", std::string(TlpName(o.tlp)));
  Field(out, "refs", Join(o.references));
  Field(out, "basis", Join(o.basis));
  if (!o.exact) Field(out, "exact", "no");
  Field(out, "desc", o.description);
  Field(out, "at", o.location.ToString());
  return out;
}

std::string DumpRelationship(const Relationship& r) {
  std::string out = "rel ";
  out += IndicatorTypeName(r.from.type);
  out += " " + r.from.value + " " + r.kind + " ";
  out += IndicatorTypeName(r.to.type);
  out += " " + r.to.value;
  Field(out, "source", r.source);
  Field(out, "first", Time(r.first_seen));
  Field(out, "last", Time(r.last_seen));
  if (r.count > 0) Field(out, "count", std::to_string(r.count));
  if (r.tlp != Tlp::kUnmarked) Field(out, "tlp", std::string(TlpName(r.tlp)));
  Field(out, "at", r.location.ToString());
  return out;
}

std::string DumpActor(const ActorRecord& a) {
  std::string out = "actor " + a.name;
  Field(out, "aliases", Join(a.aliases));
  Field(out, "id", a.external_id);
  Field(out, "source", a.source);
  Field(out, "country", a.country);
  Field(out, "part_of", Join(a.part_of));
  Field(out, "dated", a.dated ? a.dated->ToDateString() : "");
  return out;
}

std::string DumpRejection(const Rejection& r) {
  std::string out = "reject " + r.location.ToString() + ": " + r.reason;
  Field(out, "text", r.text);
  return out;
}

std::string RecordingSink::Dump() const {
  // Grouped by kind (readers deliver in file order within each kind).
  std::string out;
  for (const auto& s : sources)
    out += "source " + s.name + (s.url.empty() ? "" : " " + s.url) + "\n";
  for (const auto& a : actors) out += DumpActor(a) + "\n";
  for (const auto& o : observations) out += DumpObservation(o) + "\n";
  for (const auto& r : relationships) out += DumpRelationship(r) + "\n";
  for (const auto& r : rejections) out += DumpRejection(r) + "\n";
  return out;
}

}  // namespace cotenant::testing
