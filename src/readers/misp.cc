// MISP events and feeds.
//
// Accepts {"Event": {...}}, {"response": [{"Event": {...}}, ...]}, a plain array of either, and
// feed directories (manifest.json + <uuid>.json per event). Per event:
//  - source: ReadOptions::source, else the creating organisation (Orgc.name), else "misp";
//  - actor: ReadOptions::actor, else the event's threat-actor galaxy clusters and
//    "misp-galaxy:threat-actor=..." tags (mitre-intrusion-set ones when there are none); an
//    attribute's own tags or galaxies override the event's. Several actors give one
//    observation per actor;
//  - marking: "tlp:*" tags, the attribute's overriding the event's;
//  - time: the attribute's first_seen/last_seen, else its object's, else the event date (the
//    date the producer gave the activity; MISP's timestamp is an edit time and is not used);
//  - references: the event's "link" attributes; basis: "misp-event:<uuid>";
//  - to_ids=false values are kept (they are what the source said) and marked in the description
//    as context, not for detection.
// Objects: indicator-typed attributes become observations; ip + port compose into an endpoint
// (ip-port, domain-ip), a domain and an IP of one object give a "resolves-to" relationship;
// non-indicator attributes (filename, text, size...) describe the object. Top-level attributes
// whose type is not an indicator (regkey, mutex, text...) are rejected with that reason.
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "readers/json_util.h"
#include "readers/readers.h"

namespace cotenant::readers {

namespace {

struct EventContext {
  std::string path;
  std::string source;
  std::vector<std::string> actors;
  Tlp tlp = Tlp::kUnmarked;
  std::optional<Timestamp> date;
  std::vector<std::string> references;
  std::string basis;
};

// Galaxy types whose clusters name actors.
bool IsActorGalaxy(std::string_view type) {
  return type == "threat-actor" || type == "mitre-intrusion-set" ||
         type == "mitre-enterprise-attack-intrusion-set" || type == "microsoft-activity-group";
}

void AddUnique(std::vector<std::string>& list, std::string_view value) {
  std::string v(Trim(value));
  if (v.empty()) return;
  for (const auto& x : list) {
    if (x == v) return;
  }
  list.push_back(std::move(v));
}

// Reads "Tag" and "Galaxy" of an event or attribute: actor names and the TLP. Names from the
// threat-actor galaxy come first; the ATT&CK intrusion-set cluster ("Lazarus Group - G0032")
// and others count only when there is none, because events usually tag the same group in both
// and one value would otherwise become two observations of one group.
void ReadLabels(std::optional<json::element> tag_field, std::optional<json::element> galaxy_field,
                std::vector<std::string>* actors, std::optional<Tlp>* tlp) {
  std::vector<std::string> threat_actor, other;
  auto add = [&](std::string_view galaxy, std::string_view value) {
    AddUnique(galaxy == "threat-actor" ? threat_actor : other, value);
  };
  if (auto tags = json::AsArr(tag_field)) {
    for (json::element tag : *tags) {
      auto name = json::Str(tag, "name");
      if (!name) continue;
      std::string_view n = Trim(*name);
      if (StartsWithNoCase(n, "tlp:")) {
        if (auto level = TlpFromName(n)) {
          *tlp = *tlp ? MostRestrictive(**tlp, *level) : *level;
        }
        continue;
      }
      if (!StartsWithNoCase(n, "misp-galaxy:")) continue;
      size_t eq = n.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view galaxy = n.substr(12, eq - 12);
      if (!IsActorGalaxy(galaxy)) continue;
      std::string_view value = Trim(n.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      add(galaxy, value);
    }
  }
  if (auto galaxies = json::AsArr(galaxy_field)) {
    for (json::element g : *galaxies) {
      auto type = json::Str(g, "type");
      if (!type || !IsActorGalaxy(*type)) continue;
      if (auto clusters = json::Arr(g, "GalaxyCluster")) {
        for (json::element c : *clusters) {
          if (auto v = json::NonEmptyStr(c, "value")) add(*type, *v);
        }
      }
    }
  }
  for (const auto& a : threat_actor.empty() ? other : threat_actor) AddUnique(*actors, a);
}

// The fields of an attribute (or object) the reader uses, found in one pass over its keys: an
// attribute has a dozen keys and most of the eleven asked for are absent, and a lookup by name
// walks all keys each time. As json::Field, the first of repeated keys counts; all are absent
// when `e` is not an object.
struct AttributeFields {
  std::optional<json::element> type, value, deleted, comment, to_ids, category, object_relation,
      first_seen, last_seen, tag, galaxy;

  explicit AttributeFields(json::element e) {
    if (!e.is_object()) return;
    json::object fields = e.get_object().value_unsafe();
    for (auto field : fields) {
      std::optional<json::element>* slot = Slot(field.key);
      if (slot != nullptr && !*slot) *slot = field.value;
    }
  }

 private:
  // `key` against the names by length, then with fixed-size compares the compiler inlines.
  std::optional<json::element>* Slot(std::string_view key) {
    switch (key.size()) {
      case 3:
        return Is(key, "Tag") ? &tag : nullptr;
      case 4:
        return Is(key, "type") ? &type : nullptr;
      case 5:
        return Is(key, "value") ? &value : nullptr;
      case 6:
        return Is(key, "to_ids") ? &to_ids : Is(key, "Galaxy") ? &galaxy : nullptr;
      case 7:
        return Is(key, "deleted") ? &deleted : Is(key, "comment") ? &comment : nullptr;
      case 8:
        return Is(key, "category") ? &category : nullptr;
      case 9:
        return Is(key, "last_seen") ? &last_seen : nullptr;
      case 10:
        return Is(key, "first_seen") ? &first_seen : nullptr;
      case 15:
        return Is(key, "object_relation") ? &object_relation : nullptr;
      default:
        return nullptr;
    }
  }
  // `key` has the name's length.
  template <size_t N>
  static bool Is(std::string_view key, const char (&name)[N]) {
    return std::memcmp(key.data(), name, N - 1) == 0;
  }
};

// What one attribute says.
struct Mapped {
  std::vector<Indicator> indicators;
  std::optional<std::pair<Indicator, Indicator>> resolves;  // domain|ip
  std::string note;                                         // filename of filename|hash
  std::string port;                                         // a bare port attribute
  bool reference = false;                                   // link
};

std::optional<IndicatorType> HashType(std::string_view t) {
  if (t == "md5") return IndicatorType::kMd5;
  if (t == "sha1") return IndicatorType::kSha1;
  if (t == "sha256") return IndicatorType::kSha256;
  if (t == "sha512") return IndicatorType::kSha512;
  if (t == "ssdeep") return IndicatorType::kSsdeep;
  if (t == "tlsh") return IndicatorType::kTlsh;
  if (t == "imphash") return IndicatorType::kImphash;
  return std::nullopt;
}

std::string EndpointText(const Indicator& ip, std::string_view port) {
  if (ip.type == IndicatorType::kIpv6) return "[" + ip.value + "]:" + std::string(port);
  return ip.value + ":" + std::string(port);
}

// Maps a MISP attribute type and value. Unknown types give kUnsupported.
Result<Mapped> MapAttribute(std::string_view type, std::string_view value) {
  Mapped m;
  auto one = [&](IndicatorType t, std::string_view v) -> Status {
    COTENANT_ASSIGN_OR_RETURN(Indicator i, ParseFeedValue(v, t));
    m.indicators.push_back(std::move(i));
    return Status::Ok();
  };
  auto split = [&](std::string_view v) -> Result<std::pair<std::string_view, std::string_view>> {
    size_t bar = v.find('|');
    if (bar == std::string_view::npos) {
      return InvalidArgument("`" + Truncate(v, 120) + "` is not a composite \"a|b\" value");
    }
    return std::make_pair(Trim(v.substr(0, bar)), Trim(v.substr(bar + 1)));
  };
  if (type == "ip-dst" || type == "ip-src" || type == "ip") {
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kIpv4, value));
    return m;
  }
  if (type == "ip-dst|port" || type == "ip-src|port") {
    COTENANT_ASSIGN_OR_RETURN(auto parts, split(value));
    COTENANT_ASSIGN_OR_RETURN(Indicator ip, ParseFeedValue(parts.first, IndicatorType::kIpv4));
    if (ip.type != IndicatorType::kIpv4 && ip.type != IndicatorType::kIpv6) {
      return InvalidArgument("`" + std::string(parts.first) + "` is not an IP address");
    }
    COTENANT_ASSIGN_OR_RETURN(
        Indicator ep, ParseIndicatorAs(IndicatorType::kEndpoint, EndpointText(ip, parts.second)));
    m.indicators.push_back(std::move(ep));
    return m;
  }
  if (type == "domain" || type == "hostname") {
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kDomain, value));
    return m;
  }
  if (type == "hostname|port" || type == "domain|port") {
    COTENANT_ASSIGN_OR_RETURN(auto parts, split(value));
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kDomain, parts.first));
    m.note = "port " + std::string(parts.second);
    return m;
  }
  if (type == "domain|ip" || type == "hostname|ip") {
    COTENANT_ASSIGN_OR_RETURN(auto parts, split(value));
    COTENANT_ASSIGN_OR_RETURN(Indicator d, ParseFeedValue(parts.first, IndicatorType::kDomain));
    COTENANT_ASSIGN_OR_RETURN(Indicator ip, ParseFeedValue(parts.second, IndicatorType::kIpv4));
    m.indicators.push_back(d);
    m.indicators.push_back(ip);
    m.resolves = std::make_pair(d, ip);
    return m;
  }
  if (type == "url" || type == "uri") {
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kUrl, value));
    return m;
  }
  if (type == "link") {
    m.reference = true;
    return m;
  }
  if (auto h = HashType(type)) {
    COTENANT_RETURN_IF_ERROR(one(*h, value));
    return m;
  }
  if (type.starts_with("filename|")) {
    auto h = HashType(type.substr(9));
    if (!h) return Unsupported("MISP type " + std::string(type) + " is not an indicator type");
    COTENANT_ASSIGN_OR_RETURN(auto parts, split(value));
    COTENANT_RETURN_IF_ERROR(one(*h, parts.second));
    m.note = "file " + std::string(parts.first);
    return m;
  }
  if (type == "x509-fingerprint-sha1") {
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kCertSha1, value));
    return m;
  }
  if (type == "x509-fingerprint-sha256") {
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kCertSha256, value));
    return m;
  }
  if (type == "ja3-fingerprint-md5") {
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kJa3, value));
    return m;
  }
  if (type == "ja3s-fingerprint-md5") {
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kJa3s, value));
    return m;
  }
  if (type == "jarm-fingerprint") {
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kJarm, value));
    return m;
  }
  if (type == "email" || type == "email-src" || type == "email-dst" || type == "email-reply-to" ||
      type == "whois-registrant-email") {
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kEmail, value));
    return m;
  }
  if (type == "AS") {
    COTENANT_RETURN_IF_ERROR(one(IndicatorType::kAsn, value));
    return m;
  }
  if (type == "port") {
    m.port = std::string(Trim(value));
    return m;
  }
  return Unsupported("MISP type " + std::string(type) + " is not an indicator type");
}

class EventReader {
 public:
  EventReader(const std::string& path, const ReadOptions& options, IngestSink& sink,
              std::set<std::string>* sources)
      : path_(path), options_(options), sink_(sink), sources_(sources) {}

  void Read(json::element event, const std::string& jp);

 private:
  struct Defaults {
    std::vector<std::string> actors;
    Tlp tlp = Tlp::kUnmarked;
    std::optional<Timestamp> first, last;
    std::string description;
  };

  // Reads an attribute's labels and times over `base`; false after reporting a rejection.
  bool AttributeDefaults(json::element attr, const AttributeFields& f, const std::string& jp,
                         const Defaults& base, Defaults* out);
  void Emit(const Indicator& indicator, std::string_view original, const AttributeFields& f,
            const Defaults& d, const std::string& jp, std::string_view note);
  void Relate(const Indicator& from, const Indicator& to, const Defaults& d, const std::string& jp);
  void ReadObject(json::element object, const std::string& jp, const Defaults& event_defaults);
  void Reject(const std::string& jp, std::string reason, std::string_view text) {
    sink_.OnRejection(MakeRejection(JsonLocation(path_, jp), std::move(reason), text));
  }

  const std::string& path_;
  const ReadOptions& options_;
  IngestSink& sink_;
  std::set<std::string>* sources_;
  EventContext ctx_;
  Observation observation_;  // reused by Emit
  RoleGuesser guess_from_comment_, guess_from_description_;
};

bool EventReader::AttributeDefaults(json::element attr, const AttributeFields& f,
                                    const std::string& jp, const Defaults& base, Defaults* out) {
  *out = base;
  std::vector<std::string> actors;
  std::optional<Tlp> tlp;
  ReadLabels(f.tag, f.galaxy, &actors, &tlp);
  if (!actors.empty() && options_.actor.empty()) out->actors = std::move(actors);
  if (tlp) out->tlp = *tlp;
  auto first = json::AsTime(f.first_seen, "first_seen");
  auto last = json::AsTime(f.last_seen, "last_seen");
  if (!first.ok() || !last.ok()) {
    Reject(jp, (!first.ok() ? first.status() : last.status()).message(),
           json::Preview(!first.ok() ? *f.first_seen : *f.last_seen));
    return false;
  }
  if (*first || *last) {
    out->first = *first ? *first : *last;
    out->last = *last ? *last : *first;
  }
  if (out->first && out->last && *out->last < *out->first) {
    Reject(jp, "last_seen is before first_seen", json::Preview(attr));
    return false;
  }
  return true;
}

void EventReader::Emit(const Indicator& indicator, std::string_view original,
                       const AttributeFields& f, const Defaults& d, const std::string& jp,
                       std::string_view note) {
  std::string comment(Trim(json::AsStr(f.comment).value_or("")));
  std::string description = d.description;
  auto append = [&](std::string_view s) {
    if (s.empty()) return;
    if (!description.empty()) description += "; ";
    description += s;
  };
  append(note);
  append(comment);
  if (json::AsBool(f.to_ids) == false) append("context, not for detection (to_ids false)");
  Role stated = guess_from_comment_(comment);
  if (stated == Role::kUnknown) stated = guess_from_description_(d.description);
  if (stated == Role::kUnknown && json::AsStr(f.category).value_or("") == "Payload delivery" &&
      (indicator.type == IndicatorType::kUrl || indicator.type == IndicatorType::kDomain)) {
    stated = Role::kPayloadHost;
  }
  static const std::vector<std::string> kNoActor(1);
  // One Observation reused for every value: a sink that copies what it keeps (the store)
  // leaves the strings' buffers here. Every field is set on every use, since a sink may also
  // move from it.
  Observation& o = observation_;
  for (const auto& actor : d.actors.empty() ? kNoActor : d.actors) {
    o.indicator.type = indicator.type;
    o.indicator.value.assign(indicator.value);
    o.indicator.display.assign(indicator.display);
    o.actor.assign(actor);
    o.role = ChooseRole(stated, indicator.type, options_.role);
    o.source.assign(ctx_.source);
    o.references.assign(ctx_.references.begin(), ctx_.references.end());
    o.first_seen = d.first;
    o.last_seen = d.last;
    o.confidence = -1;
    o.tlp = d.tlp;
    o.original_text.assign(original);
    o.description.assign(description);
    o.basis.clear();
    if (!ctx_.basis.empty()) o.basis.push_back(ctx_.basis);
    o.exact = true;
    o.location.file.assign(path_);
    o.location.line = 0;
    o.location.json_path.assign(jp);
    sink_.OnObservation(std::move(o));
  }
}

void EventReader::Relate(const Indicator& from, const Indicator& to, const Defaults& d,
                         const std::string& jp) {
  Relationship r;
  r.from = from;
  r.kind = "resolves-to";
  r.to = to;
  r.first_seen = d.first;
  r.last_seen = d.last;
  r.source = ctx_.source;
  r.tlp = d.tlp;
  r.location = JsonLocation(path_, jp);
  sink_.OnRelationship(std::move(r));
}

void EventReader::ReadObject(json::element object, const std::string& jp,
                             const Defaults& event_defaults) {
  Defaults od;
  if (!AttributeDefaults(object, AttributeFields(object), jp, event_defaults, &od)) return;
  std::string name(json::Str(object, "name").value_or("object"));
  std::string object_comment(Trim(json::Str(object, "comment").value_or("")));
  auto attrs = json::Arr(object, "Attribute");
  if (!attrs) {
    if (auto f = json::Field(object, "Attribute"); f && !f->is_null()) {
      Reject(jp + ".Attribute", "Attribute is not an array", json::Preview(*f));
    }
    return;
  }

  struct Item {
    Indicator indicator;
    std::string original;
    AttributeFields fields;
    std::string jp;
    Defaults d;
    std::string relation;
  };
  std::vector<Item> items;
  std::vector<std::string> ports;  // dst-port first
  std::vector<std::string> notes;  // filename, subject... describe the object
  size_t i = 0;
  for (json::element attr : *attrs) {
    std::string ajp = jp + ".Attribute[" + std::to_string(i++) + "]";
    AttributeFields f(attr);
    if (json::AsBool(f.deleted) == true) continue;
    auto type = json::AsStr(f.type);
    auto value = json::AsStr(f.value);
    if (!type || !value) {
      Reject(ajp, "attribute without type or value", json::Preview(attr));
      continue;
    }
    std::string relation(json::AsStr(f.object_relation).value_or(""));
    Result<Mapped> m = MapAttribute(*type, *value);
    if (!m.ok()) {
      if (m.status().code() == StatusCode::kUnsupported) {
        // Properties of the object: keep the telling ones as description.
        if (relation == "filename" || relation == "subject" || relation == "issuer" ||
            relation == "signature" || relation == "text") {
          notes.push_back(relation + " " + Truncate(Trim(*value), 120));
        }
        continue;
      }
      Reject(ajp, m.status().message(), *value);
      continue;
    }
    if (m->reference) {
      AddUnique(ctx_.references, *value);
      continue;
    }
    if (!m->port.empty()) {
      if (relation == "dst-port" || relation == "port") {
        ports.insert(ports.begin(), m->port);
      } else {
        ports.push_back(m->port);
      }
      continue;
    }
    Defaults ad;
    if (!AttributeDefaults(attr, f, ajp, od, &ad)) continue;
    if (!m->note.empty()) ad.description = m->note;
    for (auto& ind : m->indicators) {
      items.push_back(Item{std::move(ind), std::string(*value), f, ajp, ad, relation});
    }
    if (m->resolves) Relate(m->resolves->first, m->resolves->second, ad, ajp);
  }
  // Compose: a single IP with a port is an endpoint ("ip-port", "domain-ip" with a port).
  size_t ip_count = 0;
  for (const auto& it : items) {
    ip_count +=
        it.indicator.type == IndicatorType::kIpv4 || it.indicator.type == IndicatorType::kIpv6;
  }
  if (!ports.empty() && ip_count == 1) {
    for (auto& it : items) {
      if (it.indicator.type != IndicatorType::kIpv4 && it.indicator.type != IndicatorType::kIpv6) {
        continue;
      }
      auto ep = ParseIndicatorAs(IndicatorType::kEndpoint, EndpointText(it.indicator, ports[0]));
      if (ep.ok()) {
        it.original = EndpointText(it.indicator, ports[0]);
        it.indicator = std::move(ep).value();
      } else {
        Reject(jp, "port `" + ports[0] + "`: " + ep.status().message(), ports[0]);
      }
    }
  }
  std::string object_note = name + " object";
  if (!object_comment.empty()) object_note += ": " + object_comment;
  for (const auto& n : notes) object_note += "; " + n;
  for (const auto& it : items) {
    Defaults d = it.d;
    if (d.description.empty()) {
      d.description = object_note;
    } else {
      d.description = object_note + "; " + d.description;
    }
    Emit(it.indicator, it.original, it.fields, d, it.jp, "");
  }
  // Domains and IPs of one object resolved to each other (domain-ip, ip-port with a domain).
  for (const auto& a : items) {
    if (a.indicator.type != IndicatorType::kDomain) continue;
    for (const auto& b : items) {
      IndicatorType t = b.indicator.type;
      if (t != IndicatorType::kIpv4 && t != IndicatorType::kIpv6 && t != IndicatorType::kEndpoint) {
        continue;
      }
      Indicator ip = b.indicator;
      if (t == IndicatorType::kEndpoint) {
        // The relationship is between names and addresses; take the address of the endpoint.
        std::string text = ip.value;
        size_t colon = text.rfind(':');
        std::string host = text.substr(0, colon);
        if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
        auto parsed = ClassifyIndicator(host);
        if (!parsed.ok()) continue;
        ip = std::move(parsed).value();
      }
      Relate(a.indicator, ip, od, a.jp);
    }
  }
}

void EventReader::Read(json::element event, const std::string& jp) {
  ctx_ = EventContext();
  ctx_.path = path_;
  std::string org;
  for (std::string_view key : {"Orgc", "Org"}) {
    if (auto o = json::Field(event, key)) {
      if (auto n = json::NonEmptyStr(*o, "name")) {
        org = std::string(Trim(*n));
        break;
      }
    }
  }
  ctx_.source = !options_.source.empty() ? options_.source : (org.empty() ? "misp" : org);
  if (sources_->insert(ctx_.source).second) {
    Source s;
    s.name = ctx_.source;
    sink_.OnSource(s);
  }
  if (auto uuid = json::NonEmptyStr(event, "uuid")) ctx_.basis = "misp-event:" + std::string(*uuid);
  Defaults ed;
  std::optional<Tlp> tlp;
  ReadLabels(json::Field(event, "Tag"), json::Field(event, "Galaxy"), &ed.actors, &tlp);
  if (!options_.actor.empty()) ed.actors = {options_.actor};
  ed.tlp = tlp ? *tlp : options_.tlp;
  auto date = json::Time(event, "date");
  if (!date.ok()) {
    Reject(jp + ".date", "event date: " + date.status().message(),
           json::Str(event, "date").value_or(""));
  } else if (*date) {
    ed.first = ed.last = *date;
  }
  for (std::string_view key : {"Attribute", "Object"}) {
    if (auto f = json::Field(event, key); f && !f->is_array() && !f->is_null()) {
      Reject(jp + "." + std::string(key), std::string(key) + " is not an array", json::Preview(*f));
    }
  }
  auto attrs = json::Arr(event, "Attribute");
  // Links first: they are references for every value of the event.
  if (attrs) {
    for (json::element attr : *attrs) {
      if (json::Str(attr, "type").value_or("") == "link") {
        if (auto v = json::NonEmptyStr(attr, "value")) AddUnique(ctx_.references, *v);
      }
    }
  }
  if (attrs) {
    size_t i = 0;
    std::string ajp;
    Defaults ad;  // both reused from attribute to attribute (events hold up to millions)
    for (json::element attr : *attrs) {
      ajp.assign(jp).append(".Attribute[").append(std::to_string(i++)).append("]");
      AttributeFields f(attr);
      if (json::AsBool(f.deleted) == true) continue;
      auto type = json::AsStr(f.type);
      auto value = json::AsStr(f.value);
      if (!type || !value) {
        Reject(ajp, "attribute without type or value", json::Preview(attr));
        continue;
      }
      Result<Mapped> m = MapAttribute(*type, *value);
      if (!m.ok()) {
        Reject(ajp, m.status().message(), *value);
        continue;
      }
      if (m->reference) continue;
      if (!m->port.empty()) {
        Reject(ajp, "a port alone is not an indicator", *value);
        continue;
      }
      if (!AttributeDefaults(attr, f, ajp, ed, &ad)) continue;
      for (const auto& ind : m->indicators) Emit(ind, *value, f, ad, ajp, m->note);
      if (m->resolves) Relate(m->resolves->first, m->resolves->second, ad, ajp);
    }
  }
  if (auto objects = json::Arr(event, "Object")) {
    size_t i = 0;
    for (json::element object : *objects) {
      std::string ojp = jp + ".Object[" + std::to_string(i++) + "]";
      if (!object.is_object()) {
        Reject(ojp, "object is not a JSON object", json::Preview(object));
        continue;
      }
      if (json::Bool(object, "deleted") == true) continue;
      ReadObject(object, ojp, ed);
    }
  }
}

// Finds the events in a document and reads each.
void ReadEvents(json::element doc, const std::string& jp, EventReader& reader, int depth) {
  if (depth > 3) return;
  if (doc.is_array()) {
    size_t i = 0;
    json::array items = doc.get_array().value_unsafe();
    for (json::element e : items) {
      ReadEvents(e, jp + "[" + std::to_string(i++) + "]", reader, depth + 1);
    }
    return;
  }
  if (!doc.is_object()) return;
  if (auto event = json::Field(doc, "Event")) {
    if (event->is_object()) reader.Read(*event, jp + ".Event");
    return;
  }
  if (auto response = json::Field(doc, "response")) {
    ReadEvents(*response, jp + ".response", reader, depth + 1);
    return;
  }
  if (json::Field(doc, "Attribute") || json::Field(doc, "Object") || json::Field(doc, "info")) {
    reader.Read(doc, jp);
  }
}

}  // namespace

Status ReadMispJson(std::string_view json_text, const std::string& path, const ReadOptions& options,
                    IngestSink& sink, bool padded) {
  simdjson::dom::parser parser;
  COTENANT_ASSIGN_OR_RETURN(json::element doc, json::Parse(parser, json_text, path, padded));
  if (!doc.is_object() && !doc.is_array()) {
    return InvalidArgument(path + ": not a MISP event (expected an object or an array)");
  }
  if (doc.is_object() && !json::Field(doc, "Event") && !json::Field(doc, "response") &&
      !json::Field(doc, "Attribute") && !json::Field(doc, "Object") && !json::Field(doc, "info")) {
    return InvalidArgument(path + ": not a MISP event (no Event, response, Attribute or Object)");
  }
  std::set<std::string> sources;
  EventReader reader(path, options, sink, &sources);
  ReadEvents(doc, "$", reader, 0);
  return Status::Ok();
}

Status ReadMispFeed(const std::string& dir, const ReadOptions& options, IngestSink& sink) {
  const std::string manifest_path = (std::filesystem::path(dir) / "manifest.json").string();
  COTENANT_ASSIGN_OR_RETURN(std::string manifest_text, ReadWholeFile(manifest_path, kMaxJsonBytes));
  simdjson::dom::parser parser;
  COTENANT_ASSIGN_OR_RETURN(json::element manifest,
                            json::Parse(parser, manifest_text, manifest_path));
  if (!manifest.is_object()) {
    return InvalidArgument(manifest_path + ": a MISP feed manifest maps event uuids to objects");
  }
  std::vector<std::string> uuids;
  json::object entries = manifest.get_object().value_unsafe();
  for (auto [key, value] : entries) {
    std::string uuid(key);
    if (uuid.empty() || uuid.find('/') != std::string::npos ||
        uuid.find("..") != std::string::npos) {
      sink.OnRejection(MakeRejection(JsonLocation(manifest_path, "$"),
                                     "manifest key is not an event uuid", uuid));
      continue;
    }
    uuids.push_back(std::move(uuid));
  }
  for (const auto& uuid : uuids) {
    std::string event_path = (std::filesystem::path(dir) / (uuid + ".json")).string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(event_path, ec)) {
      sink.OnRejection(MakeRejection(JsonLocation(manifest_path, "$[\"" + uuid + "\"]"),
                                     "event file " + uuid + ".json is missing from the feed",
                                     uuid));
      continue;
    }
    Result<std::string> text = ReadWholeFile(event_path, kMaxJsonBytes);
    Status s =
        text.ok() ? ReadMispJson(*text, event_path, options, sink, /*padded=*/true) : text.status();
    if (!s.ok()) {
      // One broken event file does not abort the feed.
      sink.OnRejection(MakeRejection(JsonLocation(event_path, "$"), s.message(), uuid));
    }
  }
  return Status::Ok();
}

}  // namespace cotenant::readers
