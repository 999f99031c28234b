// STIX 2.0 / 2.1 reader: see stix.h for the contract.
#include "readers/stix.h"

#include <simdjson.h>

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <charconv>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cotenant/indicator.h"
#include "cotenant/marking.h"
#include "cotenant/observation.h"
#include "cotenant/stix_pattern.h"
#include "cotenant/timestamp.h"

namespace cotenant {
namespace {

namespace dom = simdjson::dom;

constexpr size_t kMaxRejectionText = 200;
constexpr size_t kMaxDescription = 300;
// Longest chain of relationships followed from an actor to a value (actor -> campaign ->
// malware -> infrastructure -> SCO -> ... ); longer chains say little about attribution.
constexpr int kMaxAttributionHops = 5;

std::optional<std::string_view> Str(dom::object o, std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

bool Has(dom::object o, std::string_view key) {
  dom::element e;
  return o[key].get(e) == simdjson::SUCCESS;
}

std::optional<dom::array> Arr(dom::object o, std::string_view key) {
  dom::array a;
  if (o[key].get_array().get(a) != simdjson::SUCCESS) return std::nullopt;
  return a;
}

std::optional<dom::object> Obj(dom::object o, std::string_view key) {
  dom::object v;
  if (o[key].get_object().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

std::vector<std::string_view> StrList(dom::object o, std::string_view key) {
  std::vector<std::string_view> out;
  if (auto a = Arr(o, key)) {
    for (dom::element e : *a) {
      std::string_view s;
      if (e.get_string().get(s) == simdjson::SUCCESS) out.push_back(s);
    }
  }
  return out;
}

std::string Truncate(std::string_view s, size_t n = kMaxRejectionText) {
  if (s.size() <= n) return std::string(s);
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return std::string(s.substr(0, cut)) + "...";
}

// One line: runs of white space become one space; long text is cut.
std::string OneLine(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return Truncate(out, kMaxDescription);
}

bool IsActorType(std::string_view t) { return t == "intrusion-set" || t == "threat-actor"; }

bool IsScoType(std::string_view t) {
  static const std::set<std::string_view> kScos = {"artifact",
                                                   "autonomous-system",
                                                   "directory",
                                                   "domain-name",
                                                   "email-addr",
                                                   "email-message",
                                                   "file",
                                                   "ipv4-addr",
                                                   "ipv6-addr",
                                                   "mac-addr",
                                                   "mutex",
                                                   "network-traffic",
                                                   "process",
                                                   "software",
                                                   "url",
                                                   "user-account",
                                                   "windows-registry-key",
                                                   "x509-certificate"};
  return kScos.count(t) > 0;
}

std::optional<IndicatorType> FileHashKind(std::string_view key, bool certificate) {
  std::string k;
  for (char c : key) {
    if (c == '-' || c == '_' || c == ' ') continue;
    k += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (certificate) {
    if (k == "SHA1") return IndicatorType::kCertSha1;
    if (k == "SHA256") return IndicatorType::kCertSha256;
    return std::nullopt;
  }
  if (k == "MD5") return IndicatorType::kMd5;
  if (k == "SHA1") return IndicatorType::kSha1;
  if (k == "SHA256") return IndicatorType::kSha256;
  if (k == "SHA512") return IndicatorType::kSha512;
  if (k == "SSDEEP") return IndicatorType::kSsdeep;
  if (k == "TLSH") return IndicatorType::kTlsh;
  return std::nullopt;
}

bool IsHashType(IndicatorType t) {
  switch (t) {
    case IndicatorType::kMd5:
    case IndicatorType::kSha1:
    case IndicatorType::kSha256:
    case IndicatorType::kSha512:
    case IndicatorType::kSsdeep:
    case IndicatorType::kTlsh:
    case IndicatorType::kImphash:
      return true;
    default:
      return false;
  }
}

Role RoleFromInfrastructureTypes(const std::vector<std::string_view>& types) {
  for (std::string_view t : types) {
    if (t == "command-and-control" || t == "botnet") return Role::kC2;
    if (t == "hosting-malware" || t == "staging") return Role::kPayloadHost;
    if (t == "phishing") return Role::kPhishing;
    if (t == "exfiltration") return Role::kExfiltration;
    if (t == "anonymization") return Role::kProxy;
  }
  return Role::kUnknown;
}

// Where the document keeps its objects, for JSON paths.
enum class Layout : uint8_t {
  kBundle,  // {"type": "bundle", "objects": [...]}: "$.objects[12]"
  kArray,   // a bare array of objects: "$[12]"
  kSingle,  // one object: "$"
};

std::string ObjectPath(Layout layout, size_t index) {
  switch (layout) {
    case Layout::kBundle:
      return "$.objects[" + std::to_string(index) + "]";
    case Layout::kArray:
      return "$[" + std::to_string(index) + "]";
    case Layout::kSingle:
      break;
  }
  return "$";
}

// A stored object of the document. Kept small (one per object of a bundle of millions): the
// JSON path is built when a record needs it.
struct StixObject {
  std::string_view type, id;
  dom::object object;
  uint64_t keys = 0;  // KeyBit of every key the object has: a lookup of another key is skipped
  uint32_t index = 0;
  Layout layout = Layout::kBundle;
  bool kept = true;  // false for a superseded duplicate
  std::string Path() const { return ObjectPath(layout, index); }
  // Path() into `out`, reusing its buffer.
  void PathInto(std::string& out) const {
    switch (layout) {
      case Layout::kBundle:
        out.assign("$.objects[");
        break;
      case Layout::kArray:
        out.assign("$[");
        break;
      case Layout::kSingle:
        out.assign("$");
        return;
    }
    char digits[16];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
    out.append(digits, end);
    out += ']';
  }
};

// What an object's attribution to one actor rests on.
struct Attribution {
  std::string actor;
  Tlp tlp = Tlp::kUnmarked;  // most restrictive marking along the path (not the object's own)
  std::vector<std::string> reports;  // report ids the attribution came through
  std::string_view infrastructure;   // the infrastructure passed on the way, if any
};

// A bit per key (a one-word Bloom filter): most lookups of an object are of keys it does not
// have ("valid_until", "confidence", "labels"...), and a miss otherwise walks all its keys.
uint64_t KeyBit(std::string_view key) {
  size_t h = key.size() * 0x9E37u;
  if (!key.empty()) {
    h += static_cast<unsigned char>(key.front()) * 31u + static_cast<unsigned char>(key.back());
  }
  return uint64_t{1} << (h % 64);
}

bool MayHave(const StixObject& o, std::string_view key) { return (o.keys & KeyBit(key)) != 0; }

std::optional<std::string_view> Str(const StixObject& o, std::string_view key) {
  if (!MayHave(o, key)) return std::nullopt;
  return Str(o.object, key);
}

bool Has(const StixObject& o, std::string_view key) {
  return MayHave(o, key) && Has(o.object, key);
}

std::optional<dom::array> Arr(const StixObject& o, std::string_view key) {
  if (!MayHave(o, key)) return std::nullopt;
  return Arr(o.object, key);
}

std::optional<dom::object> Obj(const StixObject& o, std::string_view key) {
  if (!MayHave(o, key)) return std::nullopt;
  return Obj(o.object, key);
}

std::vector<std::string_view> StrList(const StixObject& o, std::string_view key) {
  if (!MayHave(o, key)) return {};
  return StrList(o.object, key);
}

// What makes an emitted observation a repeat of one already emitted from the same place.
struct EmittedKey {
  IndicatorType type = IndicatorType::kIpv4;
  std::string value;
  std::string actor;
  std::string json_path;
  int64_t first = -1;  // unix seconds, -1 = none
  int64_t last = -1;
  bool operator==(const EmittedKey&) const = default;
};
struct EmittedKeyHash {
  size_t operator()(const EmittedKey& k) const {
    std::hash<std::string_view> text;
    size_t h = text(k.value);
    h = h * 0x9e3779b97f4a7c15ULL + text(k.json_path);
    h = h * 0x9e3779b97f4a7c15ULL + text(k.actor);
    h = h * 0x9e3779b97f4a7c15ULL + static_cast<size_t>(k.type);
    h = h * 0x9e3779b97f4a7c15ULL + static_cast<size_t>(k.first);
    h = h * 0x9e3779b97f4a7c15ULL + static_cast<size_t>(k.last);
    return h;
  }
};

struct Edge {
  std::string_view child;
  Tlp tlp = Tlp::kUnmarked;  // the relationship's marking
};

// One value read from an SCO or a pattern, with what the observation needs.
struct Value {
  Indicator indicator;
  std::string original;
  std::string json_path;
  bool exact = true;
  std::string note;
  Tlp granular = Tlp::kUnmarked;
  std::optional<Timestamp> first, last;
};

class StixReader {
 public:
  StixReader(std::string file, const ReadOptions& options, IngestSink& sink)
      : file_(std::move(file)), options_(options), sink_(sink) {
    std::filesystem::path p(file_);
    file_source_ = p.stem().string();
    if (file_source_.empty()) file_source_ = file_;
  }

  Status Read(dom::element root) {
    COTENANT_RETURN_IF_ERROR(CollectObjects(root));
    IndexObjects();
    BuildGraph();
    Attribute();
    EmitActors();
    for (auto& o : objects_) {
      if (!o.kept) continue;
      ForgetLocalEmissions();
      if (o.type == "indicator") {
        EmitIndicator(o);
      } else if (o.type == "observed-data") {
        EmitObservedData(o);
      } else if (o.type == "sighting") {
        EmitSighting(o);
      } else if (o.type == "relationship") {
        EmitValueRelationship(o);
      } else if (o.type == "x-misp-attribute") {
        EmitMispAttribute(o);
      } else if (IsScoType(o.type) && !in_observed_data_.count(o.id)) {
        EmitTopLevelSco(o);
      }
    }
    return Status::Ok();
  }

 private:
  // ---- helpers -------------------------------------------------------------------------

  void Reject(const std::string& json_path, std::string reason, std::string_view text = {}) {
    Rejection r;
    r.location.file = file_;
    r.location.json_path = json_path;
    r.reason = std::move(reason);
    r.text = Truncate(text);
    sink_.OnRejection(std::move(r));
    ++rejected_;
  }

  // Parses an optional timestamp field; a present but invalid one is reported and ignored.
  std::optional<Timestamp> Time(const StixObject& o, std::string_view key) {
    auto s = Str(o, key);
    if (!s) {
      if (Has(o, key)) Reject(o.Path() + "." + std::string(key), "timestamp is not a string");
      return std::nullopt;
    }
    auto t = Timestamp::Parse(*s);
    if (!t.ok()) {
      Reject(o.Path() + "." + std::string(key), "invalid timestamp: " + t.status().message(), *s);
      return std::nullopt;
    }
    return *t;
  }

  // A timestamp field of an object read for context (reported where the object is read).
  static std::optional<Timestamp> QuietTime(const StixObject& o, std::string_view key) {
    auto s = Str(o, key);
    if (!s) return std::nullopt;
    auto t = Timestamp::Parse(*s);
    if (!t.ok()) return std::nullopt;
    return *t;
  }

  // first <= last, or the last is dropped (and reported).
  void CheckInterval(const StixObject& o, std::string_view last_key,
                     const std::optional<Timestamp>& first, std::optional<Timestamp>& last) {
    if (first && last && *last < *first) {
      Reject(o.Path() + "." + std::string(last_key), std::string(last_key) + " is before the start",
             last->ToString());
      last.reset();
    }
  }

  const StixObject* Find(std::string_view id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }

  Tlp MarkingTlp(std::string_view ref) const {
    if (auto it = marking_tlp_.find(ref); it != marking_tlp_.end()) return it->second;
    if (auto t = TlpFromStixMarkingId(ref)) return *t;
    return Tlp::kUnmarked;
  }

  Tlp ObjectTlp(std::string_view id) const {
    auto it = object_tlp_.find(id);
    return it == object_tlp_.end() ? Tlp::kUnmarked : it->second;
  }

  // Granular markings of `o` whose selectors cover `field` ("pattern", "objects.0.value").
  Tlp GranularTlp(const StixObject& o, std::string_view field) const {
    Tlp tlp = Tlp::kUnmarked;
    auto list = Arr(o, "granular_markings");
    if (!list) return tlp;
    for (dom::element e : *list) {
      dom::object g;
      if (e.get_object().get(g) != simdjson::SUCCESS) continue;
      auto ref = Str(g, "marking_ref");
      if (!ref) continue;
      for (std::string_view sel : StrList(g, "selectors")) {
        bool covers =
            sel == field || (field.size() > sel.size() && field.substr(0, sel.size()) == sel &&
                             field[sel.size()] == '.');
        if (covers) tlp = MostRestrictive(tlp, MarkingTlp(*ref));
      }
    }
    return tlp;
  }

  // The source name for records of `o`; a name seen for the first time is announced. The
  // reference is valid until the next call.
  const std::string& SourceOf(const StixObject& o) {
    std::string_view name = options_.source;
    if (name.empty()) {
      if (auto ref = Str(o, "created_by_ref")) {
        if (auto it = identity_name_.find(*ref); it != identity_name_.end()) name = it->second;
      }
    }
    if (name.empty()) name = file_source_;
    if (source_set_ && name == source_) return source_;  // the common case: as the last object
    source_set_ = true;
    source_.assign(name);
    if (emitted_sources_.insert(source_).second) {
      Source s;
      s.name = source_;
      sink_.OnSource(s);
    }
    return source_;
  }

  std::vector<std::string> ExternalUrls(const StixObject& o) const {
    std::vector<std::string> out;
    if (auto refs = Arr(o, "external_references")) {
      for (dom::element e : *refs) {
        dom::object r;
        if (e.get_object().get(r) != simdjson::SUCCESS) continue;
        if (auto url = Str(r, "url")) out.emplace_back(*url);
      }
    }
    return out;
  }

  static void AddUnique(std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
  }

  // ---- pass 1: objects, duplicates, index --------------------------------------------------

  void AddObject(dom::element e, size_t index, Layout layout) {
    dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) {
      Reject(ObjectPath(layout, index), "not a JSON object", simdjson::minify(e));
      return;
    }
    // "type", "id" and the key filter in one walk over the keys (the first of a repeated key
    // counts, as with a lookup).
    std::optional<std::string_view> type, id;
    bool type_seen = false, id_seen = false;
    uint64_t keys = 0;
    for (dom::key_value_pair field : o) {
      keys |= KeyBit(field.key);
      if (!type_seen && field.key == "type") {
        type_seen = true;
        std::string_view v;
        if (field.value.get_string().get(v) == simdjson::SUCCESS) type = v;
      } else if (!id_seen && field.key == "id") {
        id_seen = true;
        std::string_view v;
        if (field.value.get_string().get(v) == simdjson::SUCCESS) id = v;
      }
    }
    if (!type || type->empty()) {
      Reject(ObjectPath(layout, index), "object without a type", simdjson::minify(e));
      return;
    }
    if (!id || id->empty()) {
      // STIX 2.0 embedded observables aside, every object has an id.
      Reject(ObjectPath(layout, index), "object without an id", simdjson::minify(e));
      return;
    }
    if (id->size() < type->size() + 2 || id->substr(0, type->size()) != *type ||
        id->substr(type->size(), 2) != "--") {
      Reject(ObjectPath(layout, index) + ".id",
             "id does not start with its type '" + std::string(*type) + "--'", *id);
      return;
    }
    StixObject& so = objects_.emplace_back();
    so.type = *type;
    so.id = *id;
    so.object = o;
    so.keys = keys;
    so.index = static_cast<uint32_t>(index);
    so.layout = layout;
  }

  Status CollectObjects(dom::element root) {
    dom::array list;
    dom::object top;
    if (root.get_array().get(list) == simdjson::SUCCESS) {
      objects_.reserve(list.size());
      size_t i = 0;
      for (dom::element e : list) AddObject(e, i++, Layout::kArray);
      return Status::Ok();
    }
    if (root.get_object().get(top) != simdjson::SUCCESS) {
      return InvalidArgument(file_ + ": not STIX: the document is neither an object nor an array");
    }
    auto type = Str(top, "type");
    bool envelope = !type && Has(top, "objects");  // TAXII 2.1 envelope
    if ((type && *type == "bundle") || envelope) {
      if (!Has(top, "objects")) return Status::Ok();  // an empty bundle
      auto objects = Arr(top, "objects");
      if (!objects) return InvalidArgument(file_ + ": bundle 'objects' is not an array");
      objects_.reserve(objects->size());
      size_t i = 0;
      for (dom::element e : *objects) AddObject(e, i++, Layout::kBundle);
      return Status::Ok();
    }
    if (type && Has(top, "id")) {
      AddObject(root, 0, Layout::kSingle);
      return Status::Ok();
    }
    return InvalidArgument(file_ + ": not STIX: no bundle, no objects and no typed object");
  }

  void IndexObjects() {
    by_id_.reserve(objects_.size());
    for (auto& o : objects_) {
      auto [it, inserted] = by_id_.emplace(o.id, &o);
      if (inserted) continue;
      StixObject* prev = it->second;
      std::string a = simdjson::minify(prev->object);
      std::string b = simdjson::minify(o.object);
      if (a == b) {
        o.kept = false;  // the same object twice: nothing to report
        continue;
      }
      auto prev_modified = Str(*prev, "modified").value_or("");
      auto this_modified = Str(o, "modified").value_or("");
      auto tp = Timestamp::Parse(prev_modified);
      auto tt = Timestamp::Parse(this_modified);
      bool this_newer = tp.ok() && tt.ok() ? *tp < *tt : prev_modified < this_modified;
      StixObject* loser = this_newer ? prev : &o;
      StixObject* winner = this_newer ? &o : prev;
      loser->kept = false;
      it->second = winner;
      Reject(
          loser->Path(),
          "duplicate id with different content: kept the newest modified (" + winner->Path() + ")",
          o.id);
    }
  }

  // ---- pass 2: identities, markings, actors, relationships, reports ----------------------

  void BuildGraph() {
    for (auto& o : objects_) {
      if (!o.kept) continue;
      if (o.type == "identity") {
        if (auto name = Str(o, "name")) identity_name_[o.id] = std::string(*name);
      } else if (o.type == "marking-definition") {
        ReadMarking(o);
      }
    }
    for (auto& o : objects_) {
      if (!o.kept) continue;
      Tlp tlp = Tlp::kUnmarked;
      for (std::string_view ref : StrList(o, "object_marking_refs")) {
        tlp = MostRestrictive(tlp, MarkingTlp(ref));
      }
      if (tlp != Tlp::kUnmarked) object_tlp_[o.id] = tlp;
      if (IsActorType(o.type)) {
        auto name = Str(o, "name");
        if (!name || name->empty()) {
          Reject(o.Path() + ".name", std::string(o.type) + " without a name");
        } else {
          actor_name_[o.id] = std::string(*name);
        }
      } else if (o.type == "x-misp-attribute") {
        // MISP-STIX exports the event's threat-actor attribute this way.
        if (Str(o, "x_misp_type").value_or("") == "threat-actor") {
          if (auto v = Str(o, "x_misp_value"); v && !v->empty()) {
            actor_name_[o.id] = std::string(*v);
          }
        }
      } else if (o.type == "relationship") {
        ReadRelationship(o);
      } else if (o.type == "sighting") {
        ReadSighting(o);
      } else if (o.type == "report" || o.type == "grouping") {
        ReadReport(o);
      } else if (o.type == "observed-data") {
        for (std::string_view ref : StrList(o, "object_refs")) in_observed_data_.insert(ref);
      }
    }
  }

  void ReadMarking(const StixObject& o) {
    std::optional<Tlp> tlp = TlpFromStixMarkingId(o.id);
    if (!tlp && Str(o, "definition_type").value_or("") == "tlp") {
      if (auto def = Obj(o, "definition")) {
        if (auto name = Str(*def, "tlp")) tlp = TlpFromName(*name);
      }
    }
    if (!tlp) {
      if (auto ext = Obj(o, "extensions")) {
        for (auto field : *ext) {
          dom::object body;
          if (field.value.get_object().get(body) != simdjson::SUCCESS) continue;
          if (auto name = Str(body, "tlp_2_0")) tlp = TlpFromName(*name);
        }
      }
    }
    if (!tlp) {
      if (auto name = Str(o, "name"); name && name->substr(0, 4) == "TLP:") {
        tlp = TlpFromName(*name);
      }
    }
    if (tlp) marking_tlp_[o.id] = *tlp;
  }

  std::string_view TypeOfId(std::string_view id) const {
    size_t dash = id.find("--");
    return dash == std::string_view::npos ? std::string_view() : id.substr(0, dash);
  }

  void AddEdge(std::string_view parent, std::string_view child, Tlp tlp) {
    children_[parent].push_back({child, tlp});
  }

  void ReadRelationship(const StixObject& o) {
    auto type = Str(o, "relationship_type");
    auto source = Str(o, "source_ref");
    auto target = Str(o, "target_ref");
    if (!type || !source || !target) {
      Reject(o.Path(), "relationship without relationship_type, source_ref or target_ref",
             simdjson::minify(o.object));
      return;
    }
    Tlp tlp = ObjectTlp(o.id);
    std::string_view st = TypeOfId(*source), tt = TypeOfId(*target);
    std::string_view rel = *type;
    if (st == "infrastructure" && (rel == "consists-of" || rel == "communicates-with")) {
      infrastructure_of_.emplace(*target, *source);  // role and time even without an actor
    }
    if (rel == "revoked-by") {
      revoked_by_[*source] = *target;
    } else if (rel == "attributed-to" || rel == "authored-by") {
      if (IsActorType(st) && IsActorType(tt)) {
        part_of_[*source].push_back(*target);
      } else {
        AddEdge(*target, *source, tlp);
      }
    } else if (rel == "indicates") {
      AddEdge(*target, *source, tlp);
    } else if (rel == "uses") {
      if (!IsActorType(tt)) AddEdge(*source, *target, tlp);
    } else if (rel == "controls" || rel == "hosts" || rel == "delivers") {
      if (st == "infrastructure" && (tt == "malware" || tt == "tool")) {
        AddEdge(*target, *source, tlp);
      } else {
        AddEdge(*source, *target, tlp);
      }
    } else if (rel == "communicates-with" || rel == "consists-of" || rel == "beacons-to" ||
               rel == "exfiltrates-to" || rel == "downloads" || rel == "drops" ||
               rel == "based-on") {
      AddEdge(*source, *target, tlp);
    }
    // related-to, resolves-to, belongs-to, targets, mitigates...: no attribution.
  }

  void ReadSighting(const StixObject& o) {
    auto of = Str(o, "sighting_of_ref");
    if (!of) {
      Reject(o.Path() + ".sighting_of_ref", "sighting without sighting_of_ref");
      return;
    }
    for (std::string_view od : StrList(o, "observed_data_refs")) {
      AddEdge(*of, od, ObjectTlp(o.id));
    }
  }

  void ReadReport(const StixObject& o) {
    auto refs = Arr(o, "object_refs");
    if (!refs) {
      Reject(o.Path() + ".object_refs", std::string(o.type) + " without object_refs");
      return;
    }
    for (std::string_view ref : StrList(o, "object_refs")) {
      report_members_[o.id].push_back(ref);
      reports_of_[ref].push_back(o.id);
    }
  }

  // ---- attribution ---------------------------------------------------------------------

  struct Step {
    std::string_view node;
    int hops;
    Tlp tlp;
    std::string_view infrastructure;
  };

  // Walks from `start` (an actor, or a report member for report-based attribution) and
  // records `actor` on every object reached that `accept` allows.
  template <typename Accept>
  void Walk(const std::string& actor, Step start, const std::string& report, Accept accept) {
    std::deque<Step> queue{start};
    std::unordered_set<std::string_view> seen{start.node};
    while (!queue.empty()) {
      Step s = queue.front();
      queue.pop_front();
      if (s.hops > 0 || !report.empty()) {
        if (accept(s.node)) Record(s.node, actor, s.tlp, report, s.infrastructure);
      }
      if (s.hops >= kMaxAttributionHops) continue;
      auto it = children_.find(s.node);
      if (it == children_.end()) continue;
      Tlp here = MostRestrictive(s.tlp, ObjectTlp(s.node));
      for (const Edge& e : it->second) {
        if (IsActorType(TypeOfId(e.child)) || !seen.insert(e.child).second) continue;
        std::string_view infra = TypeOfId(e.child) == "infrastructure" ? e.child : s.infrastructure;
        queue.push_back({e.child, s.hops + 1, MostRestrictive(here, e.tlp), infra});
      }
    }
  }

  void Record(std::string_view node, const std::string& actor, Tlp tlp, const std::string& report,
              std::string_view infrastructure) {
    auto& list = attributions_[node];
    for (auto& a : list) {
      if (a.actor == actor) return;  // first (shortest) path wins
    }
    Attribution a;
    a.actor = actor;
    a.tlp = tlp;
    if (!report.empty()) a.reports.push_back(report);
    a.infrastructure = infrastructure;
    list.push_back(std::move(a));
  }

  void Attribute() {
    // From each actor along the relationship graph.
    for (const auto& o : objects_) {
      if (!o.kept) continue;
      auto name = actor_name_.find(o.id);
      if (name == actor_name_.end()) continue;
      Walk(name->second, {o.id, 0, ObjectTlp(o.id), {}}, "", [](std::string_view) { return true; });
    }
    // Reports that list an actor: their other members, and what hangs off them, when the
    // graph gave those no actor.
    std::unordered_set<std::string_view> attributed;
    for (const auto& [node, list] : attributions_) attributed.insert(node);
    for (const auto& o : objects_) {
      if (!o.kept) continue;
      auto members = report_members_.find(o.id);
      if (members == report_members_.end()) continue;
      // STIX actor objects name the report's actors; MISP's x-misp-attribute threat-actor
      // names count only when there is none (they usually repeat it in another spelling).
      std::vector<std::string> actors, misp_actors;
      Tlp report_tlp = ObjectTlp(o.id);
      for (std::string_view m : members->second) {
        if (auto it = actor_name_.find(m); it != actor_name_.end()) {
          (IsActorType(TypeOfId(m)) ? actors : misp_actors).push_back(it->second);
          report_tlp = MostRestrictive(report_tlp, ObjectTlp(m));
        }
      }
      if (actors.empty()) actors = std::move(misp_actors);
      for (const auto& actor : actors) {
        for (std::string_view m : members->second) {
          if (actor_name_.count(m)) continue;
          std::string_view infra = TypeOfId(m) == "infrastructure" ? m : std::string_view();
          Walk(actor, {m, 0, report_tlp, infra}, std::string(o.id),
               [&](std::string_view node) { return !attributed.count(node); });
        }
      }
    }
  }

  // ---- emission --------------------------------------------------------------------------

  void EmitActors() {
    std::map<std::string_view, std::vector<std::string>> revoked_aliases;
    for (const auto& [from, to] : revoked_by_) {
      if (auto it = actor_name_.find(from);
          it != actor_name_.end() && IsActorType(TypeOfId(from))) {
        revoked_aliases[to].push_back(it->second);
      }
    }
    for (const auto& o : objects_) {
      if (!o.kept || !IsActorType(o.type) || !actor_name_.count(o.id)) continue;
      bool revoked = false;
      if (o.object["revoked"].get_bool().get(revoked) == simdjson::SUCCESS && revoked) {
        if (!revoked_by_.count(o.id)) {
          Reject(o.Path() + ".revoked", "revoked actor without revoked-by: not emitted",
                 actor_name_[o.id]);
        }
        continue;  // its name lives on as an alias of the one that replaced it
      }
      ActorRecord a;
      a.name = actor_name_[o.id];
      for (std::string_view alias : StrList(o, "aliases")) {
        if (alias != a.name) AddUnique(a.aliases, std::string(alias));
      }
      for (const auto& alias : revoked_aliases[o.id]) {
        if (alias != a.name) AddUnique(a.aliases, alias);
      }
      std::string mitre_id;
      if (auto refs = Arr(o, "external_references")) {
        for (dom::element e : *refs) {
          dom::object r;
          if (e.get_object().get(r) != simdjson::SUCCESS) continue;
          auto src = Str(r, "source_name");
          auto ext = Str(r, "external_id");
          if (src && ext && *src == "mitre-attack") mitre_id = std::string(*ext);
        }
      }
      a.external_id = mitre_id.empty() ? std::string(o.id) : mitre_id;
      if (!options_.source.empty()) {
        a.source = options_.source;
      } else if (!mitre_id.empty()) {
        a.source = "mitre-attack";
      } else {
        a.source = SourceOf(o);
      }
      if (auto d = Str(o, "description")) a.description = OneLine(*d);
      for (std::string_view parent : part_of_[o.id]) {
        if (auto it = actor_name_.find(parent); it != actor_name_.end()) {
          AddUnique(a.part_of, it->second);
        }
      }
      a.references = ExternalUrls(o);
      auto dated = Str(o, "modified");
      if (!dated) dated = Str(o, "created");
      if (dated) {
        if (auto t = Timestamp::Parse(*dated); t.ok()) a.dated = *t;
      }
      sink_.OnActor(std::move(a));
    }
  }

  // The markings an object carries, or (when it has none) those of the reports listing it.
  Tlp OwnTlp(std::string_view id) const {
    Tlp tlp = ObjectTlp(id);
    if (tlp != Tlp::kUnmarked) return tlp;
    if (auto it = reports_of_.find(id); it != reports_of_.end()) {
      for (std::string_view r : it->second) tlp = MostRestrictive(tlp, ObjectTlp(r));
    }
    return tlp;
  }

  // References and basis from the reports listing `id`: their external references and, for
  // MISP-STIX reports, the "External analysis" links of their observed-data.
  void ReportContext(std::string_view id, std::vector<std::string>& refs,
                     std::vector<std::string>& basis) {
    auto it = reports_of_.find(id);
    if (it == reports_of_.end()) return;
    for (std::string_view r : it->second) {
      AddUnique(basis, std::string(r));
      const StixObject* report = Find(r);
      if (report == nullptr) continue;
      for (const auto& url : ExternalUrls(*report)) AddUnique(refs, url);
      for (const auto& url : report_links_[r]) AddUnique(refs, url);
    }
  }

  struct Context {
    const StixObject* object = nullptr;  // the object the values come from
    std::string_view attribution_id;     // whose attributions apply (may differ for SCOs)
    std::optional<Timestamp> first, last;
    int confidence = -1;
    std::string description;
    Role role = Role::kUnknown;
    std::vector<std::string> references;
    std::vector<std::string> extra_basis;
    // The values' JSON paths are those of SCOs other objects may list too (observed-data
    // object_refs), not paths inside `object`.
    bool shared_paths = false;
  };

  // Dedup of emitted observations. A value's JSON path lies inside the object being emitted,
  // except for the SCOs an observed-data lists by reference (several may list one SCO): their
  // keys are kept for the whole document, the others only while their object is emitted, so
  // this memory does not grow with the number of objects.
  bool FirstEmission(const Observation& o, bool shared) {
    auto fill = [&](EmittedKey& k) {
      k.type = o.indicator.type;
      k.value.assign(o.indicator.value);
      k.actor.assign(o.actor);
      k.json_path.assign(o.location.json_path);
      k.first = o.first_seen ? o.first_seen->unix_seconds() : -1;
      k.last = o.last_seen ? o.last_seen->unix_seconds() : -1;
    };
    auto matches = [&](const EmittedKey& k) {
      return k.type == o.indicator.type && k.value == o.indicator.value && k.actor == o.actor &&
             k.json_path == o.location.json_path &&
             k.first == (o.first_seen ? o.first_seen->unix_seconds() : -1) &&
             k.last == (o.last_seen ? o.last_seen->unix_seconds() : -1);
    };
    if (shared) {
      EmittedKey key;
      fill(key);
      return emitted_shared_.insert(std::move(key)).second;
    }
    if (!emitted_many_.empty()) {
      EmittedKey key;
      fill(key);
      return emitted_many_.insert(std::move(key)).second;
    }
    for (size_t i = 0; i < emitted_count_; ++i) {
      if (matches(emitted_local_[i])) return false;
    }
    if (emitted_count_ == kLinearEmitted) {
      // Many values in one object (a long IN list): a hash set from here on.
      for (size_t i = 0; i < emitted_count_; ++i) emitted_many_.insert(emitted_local_[i]);
      emitted_count_ = 0;
      EmittedKey key;
      fill(key);
      return emitted_many_.insert(std::move(key)).second;
    }
    // Reuses the strings of keys from earlier objects, so this allocates nothing in steady state.
    if (emitted_count_ == emitted_local_.size()) emitted_local_.emplace_back();
    fill(emitted_local_[emitted_count_++]);
    return true;
  }

  // Starts a new object for FirstEmission.
  void ForgetLocalEmissions() {
    emitted_count_ = 0;
    if (!emitted_many_.empty()) emitted_many_.clear();
  }

  void EmitValues(const Context& ctx, std::vector<Value>& values) {
    const std::string& source = SourceOf(*ctx.object);
    Tlp own = OwnTlp(ctx.object->id);
    std::vector<std::string>& refs = refs_;
    std::vector<std::string>& basis = basis_;
    refs.assign(ctx.references.begin(), ctx.references.end());
    basis.assign(ctx.extra_basis.begin(), ctx.extra_basis.end());
    if (MayHave(*ctx.object, "external_references")) {
      for (const auto& url : ExternalUrls(*ctx.object)) AddUnique(refs, url);
    }
    ReportContext(ctx.object->id, refs, basis);
    if (ctx.attribution_id != ctx.object->id) ReportContext(ctx.attribution_id, refs, basis);

    const std::vector<Attribution>* attributions = &no_attribution_;
    if (auto it = attributions_.find(ctx.attribution_id); it != attributions_.end()) {
      attributions = &it->second;
    }
    if (ctx.attribution_id != ctx.object->id && attributions == &no_attribution_) {
      if (auto it = attributions_.find(ctx.object->id); it != attributions_.end()) {
        attributions = &it->second;
      }
    }
    // One Observation reused for every value: a sink that copies what it keeps (the store)
    // leaves the strings' buffers here. Every field is set on every use, since a sink may also
    // move from it.
    Observation& o = observation_;
    for (auto& v : values) {
      for (const Attribution& a : *attributions) {
        o.indicator.type = v.indicator.type;
        o.indicator.value.assign(v.indicator.value);
        o.indicator.display.assign(v.indicator.display);
        o.actor.assign(a.actor);
        o.source.assign(source);
        o.references.assign(refs.begin(), refs.end());
        o.first_seen = v.first ? v.first : ctx.first;
        o.last_seen = v.last ? v.last : ctx.last;
        o.confidence = ctx.confidence;
        Tlp tlp = MostRestrictive(MostRestrictive(own, v.granular), a.tlp);
        o.tlp = tlp == Tlp::kUnmarked ? options_.tlp : tlp;
        o.original_text.assign(v.original);
        o.description.assign(ctx.description);
        if (!v.note.empty()) {
          if (!o.description.empty()) o.description += ' ';
          o.description += '(';
          o.description += v.note;
          o.description += ')';
        }
        o.basis.assign(basis.begin(), basis.end());
        for (const auto& r : a.reports) AddUnique(o.basis, r);
        if (IsHashType(v.indicator.type)) {
          AddUnique(o.basis,
                    std::string(IndicatorTypeName(v.indicator.type)) + ":" + v.indicator.value);
        }
        o.exact = v.exact;
        o.role = ctx.role;
        if (IsHashType(v.indicator.type)) {
          o.role = Role::kSample;
        } else if (o.role == Role::kSample) {
          o.role = Role::kUnknown;  // "sample" in the text describes the file, not this value
        }
        std::string_view infra_id = a.infrastructure;
        if (infra_id.empty()) {
          if (auto it = infrastructure_of_.find(ctx.attribution_id);
              it != infrastructure_of_.end()) {
            infra_id = it->second;
          } else if (auto it2 = infrastructure_of_.find(ctx.object->id);
                     it2 != infrastructure_of_.end()) {
            infra_id = it2->second;
          }
        }
        if (const StixObject* infra = infra_id.empty() ? nullptr : Find(infra_id)) {
          // Attributed through an infrastructure object: its types give the role and its
          // first/last seen the time, when the value has none of its own.
          if (o.role == Role::kUnknown) {
            o.role = RoleFromInfrastructureTypes(StrList(*infra, "infrastructure_types"));
          }
          if (!o.first_seen) o.first_seen = QuietTime(*infra, "first_seen");
          if (!o.last_seen) o.last_seen = QuietTime(*infra, "last_seen");
          if (o.description.empty()) {
            o.description = "infrastructure: " + OneLine(Str(*infra, "name").value_or(""));
          }
        }
        if (o.role == Role::kUnknown) o.role = options_.role;
        o.location.file.assign(file_);
        o.location.line = 0;
        o.location.json_path.assign(v.json_path);
        if (!FirstEmission(o, ctx.shared_paths)) continue;
        sink_.OnObservation(std::move(o));
      }
    }
  }

  int Confidence(const StixObject& o) {
    dom::element e;
    if (!MayHave(o, "confidence") || o.object["confidence"].get(e) != simdjson::SUCCESS) return -1;
    int64_t c = 0;
    if (e.get_int64().get(c) != simdjson::SUCCESS || c < 0 || c > 100) {
      Reject(o.Path() + ".confidence", "confidence is not an integer 0-100", simdjson::minify(e));
      return -1;
    }
    return static_cast<int>(c);
  }

  Role RoleFromText(const StixObject& o, const std::string& description) {
    for (std::string_view t : StrList(o, "indicator_types")) {
      if (t == "compromised") return Role::kCompromised;
    }
    for (std::string_view t : StrList(o, "labels")) {
      if (t == "compromised") return Role::kCompromised;
    }
    std::string text = std::string(Str(o, "name").value_or("")) + " " + description;
    return GuessRole(text);
  }

  std::string Describe(const StixObject& o) {
    auto d = Str(o, "description");
    if (!d || d->empty()) d = Str(o, "name");
    return d ? OneLine(*d) : std::string();
  }

  void EmitIndicator(const StixObject& o) {
    std::string& pattern_path = pattern_path_;
    o.PathInto(pattern_path);
    pattern_path += ".pattern";
    if (auto pt = Str(o, "pattern_type"); pt && *pt != "stix") {
      Reject(o.Path() + ".pattern_type", "unsupported pattern_type " + std::string(*pt),
             Str(o, "pattern").value_or(""));
      return;
    }
    auto text = Str(o, "pattern");
    if (!text) {
      Reject(pattern_path, "indicator without a pattern");
      return;
    }
    PatternExtraction& extraction = extraction_;
    if (Status parsed = ParsePatternIndicators(*text, extraction); !parsed.ok()) {
      Reject(pattern_path, "pattern syntax error: " + parsed.message(), *text);
      return;
    }
    for (const auto& issue : extraction.issues) {
      Reject(pattern_path, "pattern: " + issue.reason,
             issue.text + " (character " + std::to_string(issue.offset) + ")");
    }
    Context ctx;
    ctx.object = &o;
    ctx.attribution_id = o.id;
    ctx.first = Time(o, "valid_from");
    ctx.last = Time(o, "valid_until");
    CheckInterval(o, "valid_until", ctx.first, ctx.last);
    ctx.confidence = Confidence(o);
    ctx.description = Describe(o);
    ctx.role = RoleFromText(o, ctx.description);
    Tlp granular = GranularTlp(o, "pattern");
    // Reused with their strings: one indicator after another allocates little.
    std::vector<Value>& values = indicator_values_;
    values.resize(extraction.indicators.size());
    for (size_t i = 0; i < values.size(); ++i) {
      PatternIndicator& pi = extraction.indicators[i];
      Value& v = values[i];
      v.indicator.type = pi.indicator.type;
      v.indicator.value.swap(pi.indicator.value);
      v.indicator.display.swap(pi.indicator.display);
      v.original.swap(pi.original);
      v.json_path.assign(pattern_path);
      v.exact = pi.exact;
      v.note.swap(pi.note);
      v.granular = granular;
      v.first.reset();
      v.last.reset();
      if (!pi.start.empty()) {
        if (auto t = Timestamp::Parse(pi.start); t.ok()) v.first = *t;
        if (auto t = Timestamp::Parse(pi.stop); t.ok()) v.last = *t;
      }
    }
    EmitValues(ctx, values);
    if (extraction.links.empty()) return;
    std::string source = SourceOf(o);
    for (const auto& link : extraction.links) {
      Relationship r;
      r.from = link.from;
      r.kind = link.kind;
      r.to = link.to;
      r.first_seen = ctx.first;
      r.last_seen = ctx.last;
      r.source = source;
      Tlp tlp = MostRestrictive(OwnTlp(o.id), granular);
      r.tlp = tlp == Tlp::kUnmarked ? options_.tlp : tlp;
      r.location = {file_, 0, pattern_path};
      sink_.OnRelationship(std::move(r));
    }
  }

  // Resolves an SCO reference: a key of a STIX 2.0 `objects` dictionary, or a 2.1 id.
  struct ScoScope {
    std::optional<dom::object> dict;  // 2.0 observed-data objects
    std::string dict_path;            // "$.objects[3].objects"
  };

  std::optional<std::pair<dom::object, std::string>> ResolveRef(const ScoScope& scope,
                                                                std::string_view ref) const {
    if (scope.dict) {
      dom::object target;
      if ((*scope.dict)[ref].get_object().get(target) == simdjson::SUCCESS) {
        return std::make_pair(target, scope.dict_path + "." + std::string(ref));
      }
      return std::nullopt;
    }
    if (const StixObject* o = Find(ref)) return std::make_pair(o->object, o->Path());
    return std::nullopt;
  }

  void AddValue(std::vector<Value>& out, IndicatorType type, std::string_view text,
                const std::string& path, Tlp granular) {
    Value v;
    auto parsed = ParseStixValue(type, text, &v.note);
    if (!parsed.ok()) {
      Reject(path,
             "invalid " + std::string(IndicatorTypeName(type)) + ": " + parsed.status().message(),
             text);
      return;
    }
    v.indicator = std::move(parsed).value();
    v.original = std::string(text);
    v.json_path = path;
    v.granular = granular;
    out.push_back(std::move(v));
  }

  struct RefIndicator {
    Indicator indicator;
    Tlp tlp = Tlp::kUnmarked;  // markings of the referenced value
  };

  // The indicator a referenced SCO stands for (an address or a domain), for endpoints and
  // resolutions; `owner` holds the granular markings of a STIX 2.0 `objects` dictionary.
  std::optional<RefIndicator> RefValue(const ScoScope& scope, const StixObject& owner,
                                       std::string_view ref) const {
    auto target = ResolveRef(scope, ref);
    if (!target) return std::nullopt;
    auto type = Str(target->first, "type").value_or("");
    auto value = Str(target->first, "value");
    if (!value) return std::nullopt;
    std::optional<IndicatorType> t;
    bool prefix = value->find('/') != std::string_view::npos;
    if (type == "ipv4-addr") t = prefix ? IndicatorType::kCidr : IndicatorType::kIpv4;
    if (type == "ipv6-addr") t = prefix ? IndicatorType::kCidr : IndicatorType::kIpv6;
    if (type == "domain-name") t = IndicatorType::kDomain;
    if (!t) return std::nullopt;
    auto parsed = ParseIndicatorAs(*t, *value);
    if (!parsed.ok()) return std::nullopt;
    RefIndicator out{std::move(parsed).value(), Tlp::kUnmarked};
    if (scope.dict) {
      out.tlp = GranularTlp(owner, "objects." + std::string(ref) + ".value");
    } else if (const StixObject* o = Find(ref)) {
      out.tlp = MostRestrictive(OwnTlp(o->id), GranularTlp(*o, "value"));
    }
    return out;
  }

  // Values of one SCO. `path` is its JSON path; `field_prefix` the granular-marking selector
  // prefix of its fields ("objects.0." in 2.0 observed-data, "" for a top-level SCO).
  std::vector<Value> ScoValues(dom::object sco, const std::string& path, const ScoScope& scope,
                               const StixObject& owner, const std::string& field_prefix,
                               std::vector<Relationship>& links) {
    std::vector<Value> out;
    const size_t rejected_before = rejected_;
    std::string_view type = Str(sco, "type").value_or("");
    auto granular = [&](const std::string& field) {
      return GranularTlp(owner, field_prefix + field);
    };
    auto value_field = [&](IndicatorType t) {
      auto v = Str(sco, "value");
      if (!v) {
        Reject(path + ".value", std::string(type) + " without a string value");
        return;
      }
      if ((t == IndicatorType::kIpv4 || t == IndicatorType::kIpv6) &&
          v->find('/') != std::string_view::npos) {
        t = IndicatorType::kCidr;
      }
      AddValue(out, t, *v, path + ".value", granular("value"));
    };
    auto hashes = [&](bool certificate) {
      auto h = Obj(sco, "hashes");
      if (!h) return;
      for (auto field : *h) {
        std::string_view value;
        std::string hpath = path + ".hashes." + std::string(field.key);
        if (field.value.get_string().get(value) != simdjson::SUCCESS) {
          Reject(hpath, "hash is not a string");
          continue;
        }
        auto kind = FileHashKind(field.key, certificate);
        if (!kind) {
          Reject(hpath, "hash algorithm has no indicator type", field.key);
          continue;
        }
        AddValue(out, *kind, value, hpath, granular("hashes." + std::string(field.key)));
      }
    };
    if (type == "ipv4-addr") {
      value_field(IndicatorType::kIpv4);
    } else if (type == "ipv6-addr") {
      value_field(IndicatorType::kIpv6);
    } else if (type == "domain-name") {
      value_field(IndicatorType::kDomain);
      if (!out.empty()) {
        for (std::string_view ref : StrList(sco, "resolves_to_refs")) {
          if (auto ip = RefValue(scope, owner, ref)) {
            Relationship r;
            r.from = out.front().indicator;
            r.kind = "resolves-to";
            r.to = ip->indicator;
            r.tlp = MostRestrictive(out.front().granular, ip->tlp);
            r.location = {file_, 0, path + ".resolves_to_refs"};
            links.push_back(std::move(r));
          }
        }
      }
    } else if (type == "url") {
      value_field(IndicatorType::kUrl);
    } else if (type == "email-addr") {
      value_field(IndicatorType::kEmail);
    } else if (type == "file" || type == "artifact") {
      hashes(false);
      if (auto ext = Obj(sco, "extensions")) {
        if (auto pe = Obj(*ext, "windows-pebinary-ext")) {
          if (auto imphash = Str(*pe, "imphash")) {
            AddValue(out, IndicatorType::kImphash, *imphash,
                     path + ".extensions.windows-pebinary-ext.imphash",
                     granular("extensions.windows-pebinary-ext.imphash"));
          }
        }
      }
    } else if (type == "x509-certificate") {
      hashes(true);
      if (auto serial = Str(sco, "serial_number")) {
        AddValue(out, IndicatorType::kCertSerial, *serial, path + ".serial_number",
                 granular("serial_number"));
      }
    } else if (type == "autonomous-system") {
      int64_t number = 0;
      if (sco["number"].get_int64().get(number) != simdjson::SUCCESS || number < 0) {
        Reject(path + ".number", "autonomous-system without an integer number");
      } else {
        AddValue(out, IndicatorType::kAsn, std::to_string(number), path + ".number",
                 granular("number"));
      }
    } else if (type == "email-message") {
      for (const char* key : {"from_ref", "sender_ref"}) {
        auto ref = Str(sco, key);
        if (!ref) continue;
        auto target = ResolveRef(scope, *ref);
        if (!target) continue;
        if (auto v = Str(target->first, "value")) {
          AddValue(out, IndicatorType::kEmail, *v, target->second + ".value", granular(key));
        }
      }
    } else if (type == "network-traffic") {
      for (const char* side : {"dst", "src"}) {
        auto ref = Str(sco, std::string(side) + "_ref");
        if (!ref) continue;
        auto ref_value = RefValue(scope, owner, *ref);
        if (!ref_value) continue;
        const Indicator& ip = ref_value->indicator;
        int64_t port = 0;
        if (ip.type != IndicatorType::kIpv4 && ip.type != IndicatorType::kIpv6) continue;
        if (sco[std::string(side) + "_port"].get_int64().get(port) != simdjson::SUCCESS) continue;
        std::string text = ip.type == IndicatorType::kIpv6 ? "[" + ip.value + "]" : ip.value;
        text += ":" + std::to_string(port);
        // The endpoint is derived from the address: it takes the address's markings too.
        AddValue(out, IndicatorType::kEndpoint, text, path + "." + side + "_port",
                 MostRestrictive(granular(std::string(side) + "_port"), ref_value->tlp));
      }
      // The addresses themselves are SCOs of their own and are read there.
      return out;
    } else {
      Reject(path, "SCO type has no indicator type", type);
      return out;
    }
    if (out.empty() && type != "email-message" && rejected_ == rejected_before) {
      Reject(path, std::string(type) + " without an indicator value");
    }
    return out;
  }

  void EmitLinks(const StixObject& owner, std::vector<Relationship>& links,
                 const std::optional<Timestamp>& first, const std::optional<Timestamp>& last) {
    std::string source = SourceOf(owner);
    Tlp tlp = OwnTlp(owner.id);
    for (auto& r : links) {
      r.source = source;
      r.first_seen = first;
      r.last_seen = last;
      Tlp marked = MostRestrictive(tlp, r.tlp);
      r.tlp = marked == Tlp::kUnmarked ? options_.tlp : marked;
      sink_.OnRelationship(std::move(r));
    }
  }

  bool IsMispExternalAnalysis(const StixObject& o) {
    for (std::string_view label : StrList(o, "labels")) {
      if (label == "misp:category=\"External analysis\"" ||
          label == "misp:category=\"Internal reference\"" || label == "misp:type=\"link\"") {
        return true;
      }
    }
    return false;
  }

  void EmitObservedData(const StixObject& o) {
    Context ctx;
    ctx.object = &o;
    ctx.attribution_id = o.id;
    ctx.first = Time(o, "first_observed");
    ctx.last = Time(o, "last_observed");
    CheckInterval(o, "last_observed", ctx.first, ctx.last);
    ctx.confidence = Confidence(o);
    ctx.description = Describe(o);
    ctx.role = options_.role;
    bool reference_only = IsMispExternalAnalysis(o);
    std::vector<Relationship> links;
    if (auto dict = Obj(o, "objects")) {
      // STIX 2.0: the observables are embedded, keyed "0", "1", ...
      ScoScope scope{dict, o.Path() + ".objects"};
      for (auto field : *dict) {
        dom::object sco;
        std::string path = o.Path() + ".objects." + std::string(field.key);
        if (field.value.get_object().get(sco) != simdjson::SUCCESS) {
          Reject(path, "observable is not a JSON object");
          continue;
        }
        if (reference_only) {
          if (auto url = Str(sco, "value")) {
            for (std::string_view r : reports_of_[o.id])
              report_links_[r].push_back(std::string(*url));
          }
          continue;
        }
        std::vector<Value> values =
            ScoValues(sco, path, scope, o, "objects." + std::string(field.key) + ".", links);
        EmitValues(ctx, values);
      }
    } else if (Has(o, "object_refs")) {
      // STIX 2.1: references to top-level SCOs.
      ScoScope scope;
      for (std::string_view ref : StrList(o, "object_refs")) {
        const StixObject* sco = Find(ref);
        if (sco == nullptr || !IsScoType(sco->type)) continue;
        if (reference_only) {
          if (auto url = Str(*sco, "value")) {
            for (std::string_view r : reports_of_[o.id])
              report_links_[r].push_back(std::string(*url));
          }
          continue;
        }
        std::vector<Value> values = ScoValues(sco->object, sco->Path(), scope, *sco, "", links);
        for (auto& v : values) v.granular = MostRestrictive(v.granular, OwnTlp(sco->id));
        Context sco_ctx = ctx;
        sco_ctx.shared_paths = true;
        // The SCO's own attributions (e.g. infrastructure consists-of) when it has some.
        sco_ctx.attribution_id = attributions_.count(sco->id) ? sco->id : o.id;
        EmitValues(sco_ctx, values);
      }
    } else {
      Reject(o.Path(), "observed-data without objects or object_refs");
    }
    EmitLinks(o, links, ctx.first, ctx.last);
  }

  void EmitTopLevelSco(const StixObject& o) {
    std::vector<Relationship> links;
    std::vector<Value> values = ScoValues(o.object, o.Path(), ScoScope{}, o, "", links);
    Context ctx;
    ctx.object = &o;
    ctx.attribution_id = o.id;
    ctx.role = options_.role;
    EmitValues(ctx, values);
    EmitLinks(o, links, std::nullopt, std::nullopt);
  }

  void EmitSighting(const StixObject& o) {
    auto of = Str(o, "sighting_of_ref");
    if (!of) return;  // reported in BuildGraph
    const StixObject* target = Find(*of);
    if (target == nullptr || target->type != "indicator") return;
    // A sighting of an indicator: its values were seen during the sighting's window.
    auto text = Str(*target, "pattern");
    if (!text) return;
    auto parsed = ParsePatternIndicators(*text);
    if (!parsed.ok()) return;  // reported with the indicator
    PatternExtraction& extraction = *parsed;
    Context ctx;
    ctx.object = &o;
    ctx.attribution_id = target->id;
    ctx.first = Time(o, "first_seen");
    ctx.last = Time(o, "last_seen");
    CheckInterval(o, "last_seen", ctx.first, ctx.last);
    ctx.confidence = Confidence(o);
    ctx.description = "sighting of " + std::string(target->id);
    ctx.role = options_.role;
    ctx.extra_basis.push_back(std::string(o.id));
    std::vector<Value> values;
    for (auto& pi : extraction.indicators) {
      Value v;
      v.indicator = std::move(pi.indicator);
      v.original = pi.original;
      v.json_path = o.Path() + ".sighting_of_ref";
      v.exact = pi.exact;
      v.granular = MostRestrictive(OwnTlp(target->id), GranularTlp(*target, "pattern"));
      values.push_back(std::move(v));
    }
    EmitValues(ctx, values);
  }

  // A relationship between two SCO values (2.1): domain resolves-to address, belongs-to...
  void EmitValueRelationship(const StixObject& o) {
    auto type = Str(o, "relationship_type");
    auto source = Str(o, "source_ref");
    auto target = Str(o, "target_ref");
    if (!type || !source || !target) return;
    if (!IsScoType(TypeOfId(*source)) || !IsScoType(TypeOfId(*target))) return;
    auto from = RefValue(ScoScope{}, o, *source);
    auto to = RefValue(ScoScope{}, o, *target);
    if (!from || !to) {
      Reject(o.Path(), "relationship between observables without an address or domain value",
             std::string(*source) + " " + std::string(*type) + " " + std::string(*target));
      return;
    }
    Relationship r;
    r.from = from->indicator;
    r.kind = std::string(*type);
    r.to = to->indicator;
    r.first_seen = Time(o, "start_time");
    r.last_seen = Time(o, "stop_time");
    CheckInterval(o, "stop_time", r.first_seen, r.last_seen);
    r.source = SourceOf(o);
    Tlp tlp = MostRestrictive(OwnTlp(o.id), MostRestrictive(from->tlp, to->tlp));
    r.tlp = tlp == Tlp::kUnmarked ? options_.tlp : tlp;
    r.location = {file_, 0, o.Path()};
    sink_.OnRelationship(std::move(r));
  }

  // MISP-STIX exports attribute types STIX has no observable for as x-misp-attribute; JA3
  // and JARM fingerprints are values analysts correlate on.
  void EmitMispAttribute(const StixObject& o) {
    auto type = Str(o, "x_misp_type").value_or("");
    std::optional<IndicatorType> t;
    if (type == "ja3-fingerprint-md5") t = IndicatorType::kJa3;
    if (type == "jarm-fingerprint") t = IndicatorType::kJarm;
    if (!t) return;
    auto value = Str(o, "x_misp_value");
    if (!value) {
      Reject(o.Path() + ".x_misp_value", "x-misp-attribute without a value");
      return;
    }
    std::vector<Value> values;
    AddValue(values, *t, *value, o.Path() + ".x_misp_value", GranularTlp(o, "x_misp_value"));
    Context ctx;
    ctx.object = &o;
    ctx.attribution_id = o.id;
    ctx.description = OneLine(Str(o, "x_misp_comment").value_or(""));
    ctx.role = options_.role;
    EmitValues(ctx, values);
  }

  std::string file_;
  std::string file_source_;
  size_t rejected_ = 0;
  const ReadOptions& options_;
  IngestSink& sink_;

  // Filled once by CollectObjects and never grown after: the maps below point into it.
  std::vector<StixObject> objects_;
  // Every object by id (duplicates are found here): a flat table, one slot per object and no
  // node allocation, since bundles hold millions of objects.
  boost::unordered_flat_map<std::string_view, StixObject*> by_id_;
  std::unordered_map<std::string_view, std::string> identity_name_;
  std::unordered_map<std::string_view, Tlp> marking_tlp_;
  std::unordered_map<std::string_view, Tlp> object_tlp_;
  std::unordered_map<std::string_view, std::string> actor_name_;
  std::unordered_map<std::string_view, std::vector<Edge>> children_;
  std::unordered_map<std::string_view, std::vector<std::string_view>> part_of_;
  std::map<std::string_view, std::string_view> revoked_by_;
  std::unordered_map<std::string_view, std::vector<std::string_view>> report_members_;
  std::unordered_map<std::string_view, std::vector<std::string_view>> reports_of_;
  std::unordered_map<std::string_view, std::vector<std::string>> report_links_;
  std::unordered_set<std::string_view> in_observed_data_;
  std::unordered_map<std::string_view, std::string_view> infrastructure_of_;
  std::unordered_map<std::string_view, std::vector<Attribution>> attributions_;
  std::set<std::string> emitted_sources_;
  // FirstEmission's keys: the current object's (a few, searched in order, or a hash set when
  // there are more than kLinearEmitted) and those of shared SCO paths.
  static constexpr size_t kLinearEmitted = 16;
  std::vector<EmittedKey> emitted_local_;
  size_t emitted_count_ = 0;
  std::unordered_set<EmittedKey, EmittedKeyHash> emitted_many_;
  std::unordered_set<EmittedKey, EmittedKeyHash> emitted_shared_;
  const std::vector<Attribution> no_attribution_ = std::vector<Attribution>(1);
  Observation observation_;
  // Scratch reused from one object to the next (EmitIndicator, EmitValues, SourceOf).
  std::string pattern_path_;
  PatternExtraction extraction_;
  std::vector<Value> indicator_values_;
  std::vector<std::string> refs_, basis_;
  std::string source_;
  bool source_set_ = false;
};

}  // namespace

Status ReadStixText(std::string_view json, const std::string& name, const ReadOptions& options,
                    IngestSink& sink) {
  dom::parser parser;
  simdjson::padded_string padded(json);
  dom::element root;
  if (auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return InvalidArgument(name + ": not valid JSON: " + simdjson::error_message(error));
  }
  StixReader reader(name, options, sink);
  return reader.Read(root);
}

Status ReadStix(const std::string& path, const ReadOptions& options, IngestSink& sink) {
  simdjson::padded_string json;
  if (auto error = simdjson::padded_string::load(path).get(json); error != simdjson::SUCCESS) {
    return IoError(path + ": cannot read: " + simdjson::error_message(error));
  }
  dom::parser parser;
  dom::element root;
  if (auto error = parser.parse(json).get(root); error != simdjson::SUCCESS) {
    return InvalidArgument(path + ": not valid JSON: " + simdjson::error_message(error));
  }
  StixReader reader(path, options, sink);
  return reader.Read(root);
}

bool LooksLikeStix(std::string_view head) {
  // Compare without white space so both "type": "bundle" and "type":"bundle" match.
  std::string compact;
  compact.reserve(head.size());
  bool in_string = false;
  for (size_t i = 0; i < head.size(); ++i) {
    char c = head[i];
    if (c == '"' && (i == 0 || head[i - 1] != '\\')) in_string = !in_string;
    if (!in_string && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) continue;
    compact += c;
  }
  size_t start = compact.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  if (start >= compact.size() || (compact[start] != '{' && compact[start] != '[')) return false;
  if (compact.find("\"type\":\"bundle\"") != std::string::npos) return true;
  if (compact.find("\"spec_version\":\"2.") != std::string::npos) return true;
  // An object with a STIX id whose prefix is its own type: "type":"T" and "id":"T--<uuid>".
  size_t at = compact.find("\"id\":\"");
  while (at != std::string::npos) {
    size_t begin = at + 6;
    size_t dash = compact.find("--", begin);
    size_t quote = compact.find('"', begin);
    if (dash != std::string::npos && quote != std::string::npos && dash < quote && dash > begin &&
        quote - dash - 2 == 36) {
      std::string type_field = "\"type\":\"" + compact.substr(begin, dash - begin) + "\"";
      if (compact.find(type_field) != std::string::npos) return true;
    }
    at = compact.find("\"id\":\"", begin);
  }
  return false;
}

}  // namespace cotenant
