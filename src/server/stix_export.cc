#include "server/stix_export.h"

#include <algorithm>
#include <map>
#include <set>

#include "server/crypto.h"
#include "server/json.h"

namespace cotenant::server {
namespace {

// Namespace of cotenant's name-based STIX ids (a fixed random UUID).
constexpr std::string_view kIdNamespace = "4f5a3c1e-8e0b-4c6e-9a3d-2b7f61c0d9a4";

std::string Quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string HashPattern(std::string_view object, std::string_view algo, std::string_view v) {
  return "[" + std::string(object) + ":hashes.'" + std::string(algo) + "' = " + Quote(v) + "]";
}

void Common(JsonWriter& w, std::string_view type, const std::string& id, Timestamp created,
            Timestamp modified, Tlp tlp) {
  w.Member("type", type).Member("spec_version", "2.1").Member("id", id);
  w.Member("created", StixTime(created)).Member("modified", StixTime(modified));
  w.Member("created_by_ref", CotenantIdentityId());
  if (tlp != Tlp::kUnmarked) {
    w.Key("object_marking_refs").BeginArray().String(StixTlp2MarkingId(tlp)).EndArray();
  }
}

std::string_view TlpLabel(Tlp tlp) {
  switch (tlp) {
    case Tlp::kClear:
      return "TLP:CLEAR";
    case Tlp::kGreen:
      return "TLP:GREEN";
    case Tlp::kAmber:
      return "TLP:AMBER";
    case Tlp::kAmberStrict:
      return "TLP:AMBER+STRICT";
    case Tlp::kRed:
      return "TLP:RED";
    case Tlp::kUnmarked:
      break;
  }
  return "";
}

StixObject MarkingDefinition(Tlp tlp) {
  StixObject o;
  o.id = std::string(StixTlp2MarkingId(tlp));
  o.type = "marking-definition";
  o.tlp = Tlp::kClear;
  JsonWriter w;
  w.BeginObject().Member("type", "marking-definition").Member("spec_version", "2.1");
  w.Member("id", o.id).Member("created", "2022-10-01T00:00:00.000Z");
  w.Member("name", TlpLabel(tlp));
  w.Key("extensions").BeginObject();
  w.Key("extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d").BeginObject();
  w.Member("extension_type", "property-extension").Member("tlp_2_0", TlpName(tlp));
  w.EndObject().EndObject().EndObject();
  o.json = w.Take();
  return o;
}

Timestamp Earliest(const SharedIndicator& si) {
  Timestamp t = si.added;
  for (const SharedObservation& o : si.observations) t = std::min(t, o.added);
  return t;
}

}  // namespace

std::string StixTime(Timestamp t) {
  std::string s = t.ToString();  // "2025-03-03T00:00:00Z"
  if (!s.empty() && s.back() == 'Z') s.insert(s.size() - 1, ".000");
  return s;
}

Result<Timestamp> ParseStixTime(std::string_view text) {
  // RFC 3339 with 'Z'; Timestamp::Parse drops fractional seconds.
  if (text.size() < 20 || text.back() != 'Z' || text[10] != 'T') {
    return InvalidArgument("`" + std::string(text) +
                           "` is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z)");
  }
  return Timestamp::Parse(text);
}

std::string StixId(std::string_view type, std::string_view key) {
  return std::string(type) + "--" +
         UuidV5(kIdNamespace, std::string(type) + "\n" + std::string(key));
}

std::string CotenantIdentityId() { return StixId("identity", "cotenant"); }

std::string IntrusionSetId(const SharedActor& actor) { return StixId("intrusion-set", actor.name); }

std::string IndicatorId(const Indicator& indicator) {
  return StixId("indicator",
                std::string(IndicatorTypeName(indicator.type)) + "\n" + indicator.value);
}

std::string StixPattern(const Indicator& ind) {
  const std::string& v = ind.value;
  switch (ind.type) {
    case IndicatorType::kIpv4:
      return "[ipv4-addr:value = " + Quote(v) + "]";
    case IndicatorType::kIpv6:
      return "[ipv6-addr:value = " + Quote(v) + "]";
    case IndicatorType::kCidr:
      return std::string(v.find(':') != std::string::npos ? "[ipv6-addr" : "[ipv4-addr") +
             ":value = " + Quote(v) + "]";
    case IndicatorType::kEndpoint: {
      size_t colon = v.rfind(':');
      std::string ip = v.substr(0, colon);
      std::string port = colon == std::string::npos ? "" : v.substr(colon + 1);
      bool v6 = !ip.empty() && ip.front() == '[';
      if (v6) ip = ip.substr(1, ip.size() - 2);
      return std::string("[network-traffic:dst_ref.type = '") + (v6 ? "ipv6-addr" : "ipv4-addr") +
             "' AND network-traffic:dst_ref.value = " + Quote(ip) +
             " AND network-traffic:dst_port = " + port + "]";
    }
    case IndicatorType::kAsn: {
      std::string digits = v.starts_with("AS") ? v.substr(2) : v;
      return "[autonomous-system:number = " + digits + "]";
    }
    case IndicatorType::kDomain:
      if (v.starts_with("*.")) return "[domain-name:value LIKE " + Quote("%" + v.substr(1)) + "]";
      return "[domain-name:value = " + Quote(v) + "]";
    case IndicatorType::kUrl:
      return "[url:value = " + Quote(v) + "]";
    case IndicatorType::kUrlPath:
      return "[url:value LIKE " + Quote("%" + v) + "]";
    case IndicatorType::kMd5:
      return HashPattern("file", "MD5", v);
    case IndicatorType::kSha1:
      return HashPattern("file", "SHA-1", v);
    case IndicatorType::kSha256:
      return HashPattern("file", "SHA-256", v);
    case IndicatorType::kSha512:
      return HashPattern("file", "SHA-512", v);
    case IndicatorType::kSsdeep:
      return HashPattern("file", "SSDEEP", v);
    case IndicatorType::kTlsh:
      return HashPattern("file", "TLSH", v);
    case IndicatorType::kImphash:
      return "[file:extensions.'windows-pebinary-ext'.imphash = " + Quote(v) + "]";
    case IndicatorType::kCertSha1:
      return HashPattern("x509-certificate", "SHA-1", v);
    case IndicatorType::kCertSha256:
      return HashPattern("x509-certificate", "SHA-256", v);
    case IndicatorType::kCertSerial:
      return "[x509-certificate:serial_number = " + Quote(v) + "]";
    case IndicatorType::kJa3:
      return "[network-traffic:x_ja3 = " + Quote(v) + "]";
    case IndicatorType::kJa3s:
      return "[network-traffic:x_ja3s = " + Quote(v) + "]";
    case IndicatorType::kJarm:
      return "[network-traffic:x_jarm = " + Quote(v) + "]";
    case IndicatorType::kEmail:
      return "[email-addr:value = " + Quote(v) + "]";
    case IndicatorType::kTelegramHandle:
      return "[url:value = " + Quote("https://" + v) + "]";
    case IndicatorType::kTelegramBotToken:
      return "[url:value LIKE " + Quote("%api.telegram.org/bot" + v + "/%") + "]";
  }
  return "[x-cotenant-value:value = " + Quote(v) + "]";
}

void AddMarkingDefinitions(std::vector<StixObject>& objects) {
  std::set<Tlp> used;
  std::set<std::string> present;
  for (const StixObject& o : objects) {
    if (o.type == "marking-definition") {
      present.insert(o.id);
    } else if (o.tlp != Tlp::kUnmarked) {
      used.insert(o.tlp);
    }
  }
  // Added to the collection with the first object that uses them.
  Timestamp first = objects.empty() ? Timestamp::FromUnixSeconds(0) : objects.front().added;
  for (const StixObject& o : objects) first = std::min(first, o.added);
  std::vector<StixObject> defs;
  for (Tlp t : used) {
    StixObject d = MarkingDefinition(t);
    d.added = first;
    if (present.count(d.id) == 0) defs.push_back(std::move(d));
  }
  objects.insert(objects.begin(), defs.begin(), defs.end());
}

std::vector<StixObject> BuildStixObjects(const SharedView& view) {
  std::vector<StixObject> out;
  Timestamp epoch = Timestamp::FromUnixSeconds(0);
  {
    StixObject o;
    o.id = CotenantIdentityId();
    o.type = "identity";
    o.tlp = Tlp::kClear;
    JsonWriter w;
    w.BeginObject();
    Common(w, "identity", o.id, epoch, epoch, Tlp::kClear);
    w.Member("name", "cotenant").Member("identity_class", "system");
    w.EndObject();
    o.json = w.Take();
    o.modified = StixTime(epoch);
    out.push_back(std::move(o));
  }

  // Sources as identities, marked like the most restrictive visible observation they made.
  struct SourceAcc {
    Tlp tlp = Tlp::kClear;
    Timestamp first = Timestamp::FromUnixSeconds(0), last = Timestamp::FromUnixSeconds(0);
    bool seen = false;
  };
  std::map<std::string, SourceAcc> sources;
  for (const SharedIndicator& si : view.indicators) {
    for (const SharedObservation& ob : si.observations) {
      if (ob.source.empty()) continue;
      SourceAcc& acc = sources[ob.source];
      acc.tlp = MostRestrictive(acc.tlp, ob.tlp);
      if (!acc.seen || ob.added < acc.first) acc.first = ob.added;
      if (!acc.seen || ob.added > acc.last) acc.last = ob.added;
      acc.seen = true;
    }
  }
  for (const auto& [name, acc] : sources) {
    StixObject o;
    o.id = StixId("identity", "source\n" + name);
    o.type = "identity";
    o.tlp = acc.tlp;
    o.added = acc.last;
    o.modified = StixTime(acc.last);
    JsonWriter w;
    w.BeginObject();
    Common(w, "identity", o.id, acc.first, acc.last, acc.tlp);
    w.Member("name", name).Member("identity_class", "organization");
    w.EndObject();
    o.json = w.Take();
    out.push_back(std::move(o));
  }

  for (const SharedActor& a : view.actors) {
    StixObject o;
    o.id = IntrusionSetId(a);
    o.type = "intrusion-set";
    o.tlp = a.tlp;
    o.added = a.added;
    o.modified = StixTime(a.added);
    JsonWriter w;
    w.BeginObject();
    Common(w, "intrusion-set", o.id, a.added, a.added, a.tlp);
    w.Member("name", a.name);
    std::vector<std::string> aliases;
    for (const ActorAlias& al : a.aliases) {
      if (al.name != a.name &&
          std::find(aliases.begin(), aliases.end(), al.name) == aliases.end()) {
        aliases.push_back(al.name);
      }
    }
    if (!aliases.empty()) w.StringArray("aliases", aliases);
    if (!a.external_ids.empty()) {
      w.Key("external_references").BeginArray();
      for (const std::string& id : a.external_ids) {
        w.BeginObject();
        bool attack = id.size() >= 2 && id[0] == 'G' && id[1] >= '0' && id[1] <= '9';
        w.Member("source_name", attack ? "mitre-attack" : "cotenant-naming");
        w.Member("external_id", id);
        w.EndObject();
      }
      w.EndArray();
    }
    w.Member("x_cotenant_kind", a.kind == ActorKind::kGroup       ? "group"
                                : a.kind == ActorKind::kAmbiguous ? "ambiguous"
                                                                  : "unregistered");
    w.EndObject();
    o.json = w.Take();
    out.push_back(std::move(o));
  }

  for (const SharedIndicator& si : view.indicators) {
    std::string ind_id = IndicatorId(si.indicator);
    Timestamp created = Earliest(si);
    {
      StixObject o;
      o.id = ind_id;
      o.type = "indicator";
      o.tlp = si.tlp;
      o.added = si.added;
      o.modified = StixTime(si.added);
      int confidence = -1;
      std::set<std::string> roles;
      for (const SharedObservation& ob : si.observations) {
        confidence = std::max(confidence, ob.confidence);
        if (ob.role != Role::kUnknown) roles.insert(std::string(RoleName(ob.role)));
      }
      JsonWriter w;
      w.BeginObject();
      Common(w, "indicator", o.id, created, si.added, si.tlp);
      w.Member("name", si.indicator.display.empty() ? si.indicator.value : si.indicator.display);
      w.Key("indicator_types").BeginArray().String("malicious-activity").EndArray();
      w.Member("pattern", StixPattern(si.indicator)).Member("pattern_type", "stix");
      w.Member("valid_from", StixTime(si.first_seen ? *si.first_seen : created));
      if (confidence >= 0) w.Member("confidence", confidence);
      if (!roles.empty()) w.StringArray("labels", {roles.begin(), roles.end()});
      w.Member("x_cotenant_type", IndicatorTypeName(si.indicator.type));
      w.EndObject();
      o.json = w.Take();
      out.push_back(std::move(o));
    }
    // indicates: one per (indicator, actor), marked like the observations behind it.
    for (ActorId actor_id : si.actors) {
      const SharedActor* actor = view.FindActor(actor_id);
      if (actor == nullptr) continue;
      Tlp tlp = Tlp::kClear;
      Timestamp first = si.added, last = Timestamp::FromUnixSeconds(0);
      std::set<std::string> descr;
      for (const SharedObservation& ob : si.observations) {
        if (ob.actor_id != actor_id) continue;
        tlp = MostRestrictive(tlp, ob.tlp);
        first = std::min(first, ob.added);
        last = std::max(last, ob.added);
        descr.insert(ob.source + " (" + std::string(RoleName(ob.role)) + ")");
      }
      StixObject o;
      std::string actor_id_stix = IntrusionSetId(*actor);
      o.id = StixId("relationship", ind_id + "\nindicates\n" + actor_id_stix);
      o.type = "relationship";
      o.tlp = tlp;
      o.added = last;
      o.modified = StixTime(last);
      std::string description;
      for (const std::string& d : descr) description += (description.empty() ? "" : ", ") + d;
      description = "attributed by " + description;
      JsonWriter w;
      w.BeginObject();
      Common(w, "relationship", o.id, first, last, tlp);
      w.Member("relationship_type", "indicates").Member("source_ref", ind_id);
      w.Member("target_ref", actor_id_stix).Member("description", description);
      w.EndObject();
      o.json = w.Take();
      out.push_back(std::move(o));
    }
    for (const SharedObservation& ob : si.observations) {
      StixObject o;
      o.id = StixId("sighting", "observation\n" + std::to_string(ob.id) + "\n" + ind_id);
      o.type = "sighting";
      o.tlp = ob.tlp;
      o.added = ob.added;
      o.modified = StixTime(ob.added);
      JsonWriter w;
      w.BeginObject();
      Common(w, "sighting", o.id, ob.added, ob.added, ob.tlp);
      w.Member("sighting_of_ref", ind_id);
      if (ob.first_seen) w.Member("first_seen", StixTime(*ob.first_seen));
      if (ob.last_seen && (!ob.first_seen || *ob.last_seen > *ob.first_seen)) {
        w.Member("last_seen", StixTime(*ob.last_seen));
      }
      w.Member("count", 1);
      if (!ob.source.empty()) {
        w.Key("where_sighted_refs")
            .BeginArray()
            .String(StixId("identity", "source\n" + ob.source))
            .EndArray();
      }
      if (ob.confidence >= 0) w.Member("confidence", ob.confidence);
      std::string description = ob.source.empty() ? "a source" : ob.source;
      description += " reports " + si.indicator.value;
      if (const SharedActor* actor = view.FindActor(ob.actor_id)) {
        description += " used by " + actor->name;
        w.Key("x_cotenant_actor_ref").String(IntrusionSetId(*actor));
      }
      if (ob.role != Role::kUnknown) description += " as " + std::string(RoleName(ob.role));
      w.Member("description", description);
      if (!ob.references.empty()) {
        w.Key("external_references").BeginArray();
        for (const std::string& ref : ob.references) {
          w.BeginObject().Member("source_name", ob.source.empty() ? "report" : ob.source);
          if (ref.starts_with("http://") || ref.starts_with("https://")) {
            w.Member("url", ref);
          } else {
            w.Member("description", ref);
          }
          w.EndObject();
        }
        w.EndArray();
      }
      w.EndObject();
      o.json = w.Take();
      out.push_back(std::move(o));
    }
  }
  for (const SharedFinding& f : view.findings) {
    const SharedActor* a = view.FindActor(f.actors[0]);
    const SharedActor* b = view.FindActor(f.actors[1]);
    if (a == nullptr || b == nullptr) continue;
    StixObject o;
    std::string a_id = IntrusionSetId(*a), b_id = IntrusionSetId(*b);
    o.id = StixId("relationship", a_id + "\nrelated-to\n" + b_id);
    o.type = "relationship";
    o.tlp = f.tlp;
    o.added = f.added;
    o.modified = StixTime(f.added);
    std::string description = f.summary;
    if (!description.empty() && description.back() != '.') description += '.';
    if (!description.empty()) description += ' ';
    description += "Leading hypothesis: " + f.hypothesis_label + " (" + f.likelihood + ", about " +
                   std::to_string(static_cast<int>(f.probability * 100 + 0.5)) + " %); " +
                   f.confidence + " confidence in the evidence base.";
    JsonWriter w;
    w.BeginObject();
    Common(w, "relationship", o.id, f.added, f.added, f.tlp);
    w.Member("relationship_type", "related-to").Member("source_ref", a_id);
    w.Member("target_ref", b_id).Member("confidence", f.stix_confidence);
    w.Member("description", description);
    w.Member("x_cotenant_hypothesis", f.hypothesis).Member("x_cotenant_likelihood", f.likelihood);
    w.Member("x_cotenant_score", f.score);
    if (!f.shared_values.empty()) w.StringArray("x_cotenant_shared_values", f.shared_values);
    w.EndObject();
    o.json = w.Take();
    out.push_back(std::move(o));
  }
  // cotenant's identity joins the collection with the first object that refers to it.
  if (out.size() > 1) {
    Timestamp first = out[1].added;
    for (size_t i = 1; i < out.size(); ++i) first = std::min(first, out[i].added);
    out[0].added = first;
  }
  std::stable_sort(out.begin(), out.end(), [](const StixObject& a, const StixObject& b) {
    return a.added != b.added ? a.added < b.added : a.id < b.id;
  });
  return out;
}

std::string StixBundle(const std::vector<StixObject>& objects) {
  std::string ids;
  for (const StixObject& o : objects) ids += o.id + o.modified;
  std::string out =
      "{\"type\":\"bundle\",\"id\":\"bundle--" + UuidV5(kIdNamespace, ids) + "\",\"objects\":[";
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i > 0) out += ",\n";
    out += objects[i].json;
  }
  out += "]}\n";
  return out;
}

}  // namespace cotenant::server
