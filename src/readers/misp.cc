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
//
// Memory stays flat in the input's size: the document is streamed (readers/json_stream.h) in
// two passes. The first builds the envelope (the document with the events' Attribute and Object
// arrays left empty: event fields, Orgc, Tag, Galaxy, which exports often write after the
// attributes) and collects the "link" attributes, references for every value of their event
// wherever they stand. The second hands out each attribute and object, one small JSON text at
// a time, read with its event's context. Events whose arrays no streamed path reaches (a
// "response" that is an object, arrays in arrays) are read from the envelope, which then holds
// them whole, as before. Records come in file order (MISP writes Attribute before Object).
// A document whose brackets or strings do not close fails in the first pass, before anything
// is read; an attribute or object that is not valid JSON fails the read in the second, after
// the elements before it were delivered. An attribute or object larger than 64 MiB is rejected
// (JsonStreamOptions::max_element_bytes). Of a key repeated in one object, the first counts.
// Most attributes are one flat object of plain strings: pass 2 reads those where they begin
// (json_stream's claim hook), from their text with a strict JSON subset (FlatFields) instead of
// simdjson; anything else, or anything that would be rejected, takes the general path, so the
// records are the same either way (tests/readers/misp_flat_path_test.cc, fuzz/misp_fuzz.cc).
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "readers/json_stream.h"
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

// The fields of an attribute (or object) the reader uses, by name: `V` is a simdjson element
// (AttributeFields) or a scalar read by the flat fast path (FlatFields).
template <class V>
struct FieldSlots {
  V type, value, deleted, comment, to_ids, category, object_relation, first_seen, last_seen, tag,
      galaxy;

  // `key` against the names by length, then with fixed-size compares the compiler inlines.
  V* Slot(std::string_view key) {
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

 private:
  // `key` has the name's length.
  template <size_t N>
  static bool Is(std::string_view key, const char (&name)[N]) {
    return std::memcmp(key.data(), name, N - 1) == 0;
  }
};

// The fields of an attribute (or object) the reader uses, found in one pass over its keys: an
// attribute has a dozen keys and most of the eleven asked for are absent, and a lookup by name
// walks all keys each time. As json::Field, the first of repeated keys counts; all are absent
// when `e` is not an object.
struct AttributeFields : FieldSlots<std::optional<json::element>> {
  explicit AttributeFields(json::element e) {
    if (!e.is_object()) return;
    json::object fields = e.get_object().value_unsafe();
    for (auto field : fields) {
      std::optional<json::element>* slot = Slot(field.key);
      if (slot != nullptr && !*slot) *slot = field.value;
    }
  }
};

// What Emit reads of an attribute's fields besides its value.
struct EmitFields {
  std::string_view comment;        // as written, not trimmed
  bool not_for_detection = false;  // to_ids false
  std::string_view category;

  EmitFields() = default;
  explicit EmitFields(const AttributeFields& f)
      : comment(json::AsStr(f.comment).value_or("")),
        not_for_detection(json::AsBool(f.to_ids) == false),
        category(json::AsStr(f.category).value_or("")) {}
};

// The flat fast path. Most attributes are one flat object of plain strings: no nested Tag or
// Galaxy, no escapes, no non-ASCII text, no numbers. Such an attribute is read here from its
// JSON text, without simdjson's parse and its DOM: FlatFields::Parse accepts only a strict
// subset of JSON (anything else declines, and the attribute takes the general path), so that
// what it accepts is valid JSON and every value reads as simdjson would read it.
struct FlatValue {
  enum class Kind : uint8_t { kAbsent, kString, kTrue, kFalse, kNull, kNumber };
  Kind kind = Kind::kAbsent;
  std::string_view text;  // a string's content (it has no escapes)

  std::optional<std::string_view> Str() const {
    if (kind != Kind::kString) return std::nullopt;
    return text;
  }
};

bool IsJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The closing quote of a string whose content starts at `p`, when the content is plain
// (printable ASCII, no backslash) and the quote is before `end`; nullptr otherwise. Reads up to
// 15 bytes past `end` (the streamed element's padding).
const char* PlainStringEnd(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);  // signed: below it are controls and bytes >= 0x80
  for (; p < end; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int stop = _mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmplt_epi8(v, space)));
    if (stop != 0) {
      const char* at = p + __builtin_ctz(static_cast<unsigned>(stop));
      return at < end && *at == '"' ? at : nullptr;
    }
  }
  return nullptr;
#else
  for (; p < end; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"') return p;
    if (c == '\\' || c < 0x20 || c >= 0x80) return nullptr;
  }
  return nullptr;
#endif
}

struct FlatFields : FieldSlots<FlatValue> {
  // Reads `json` (kJsonPadding readable bytes follow it) when it is one object whose values are
  // plain strings, true, false, null or integers (at most 17 characters), with plain keys; false
  // for anything else (the general path then reads it, and refuses what is not JSON).
  //
  // With `length`, `json` may go on after the object: its length is stored there, and it must be
  // followed, after white space, by the `,` or `]` that ends it as an element of an array.
  bool Parse(std::string_view json, size_t* length = nullptr) {
    const char* p = json.data();
    const char* const end = p + json.size();

    auto skip_space = [&] {
      while (p < end && IsJsonSpace(*p)) ++p;
    };
    // True when the next byte that is not white space is `c`, with `p` on it. The common
    // compact text costs one compare.
    auto at = [&](char c) {
      if (p < end && *p == c) return true;
      skip_space();
      return p < end && *p == c;
    };
    auto literal = [&](std::string_view word, FlatValue::Kind kind, FlatValue* v) {
      if (static_cast<size_t>(end - p) < word.size() ||
          std::memcmp(p, word.data(), word.size()) != 0) {
        return false;
      }
      p += word.size();
      v->kind = kind;
      return true;
    };
    // `p` is on the object's closing brace.
    auto closes = [&] {
      if (length == nullptr) return p + 1 == end;
      *length = static_cast<size_t>(p + 1 - json.data());
      ++p;
      return at(',') || (p < end && *p == ']');
    };
    if (p == end || *p != '{') return false;
    ++p;
    if (!at('"')) return p < end && *p == '}' && closes();
    while (true) {
      const char* key = ++p;  // past the key's opening quote
      p = PlainStringEnd(p, end);
      if (p == nullptr) return false;
      const std::string_view name(key, static_cast<size_t>(p - key));
      ++p;
      if (!at(':')) return false;
      ++p;
      if (p < end && IsJsonSpace(*p)) skip_space();
      if (p >= end) return false;
      FlatValue v;
      switch (*p) {
        case '"': {
          const char* text = ++p;
          p = PlainStringEnd(p, end);
          if (p == nullptr) return false;
          v.kind = FlatValue::Kind::kString;
          v.text = std::string_view(text, static_cast<size_t>(p - text));
          ++p;
          break;
        }
        case 't':
          if (!literal("true", FlatValue::Kind::kTrue, &v)) return false;
          break;
        case 'f':
          if (!literal("false", FlatValue::Kind::kFalse, &v)) return false;
          break;
        case 'n':
          if (!literal("null", FlatValue::Kind::kNull, &v)) return false;
          break;
        default: {
          // -?(0|[1-9][0-9]*): what follows must be a comma, a brace or white space, so a
          // fraction, an exponent or a leading zero declines below.
          const char* digits = p;
          if (*p == '-') ++p;
          if (p >= end || *p < '0' || *p > '9') return false;
          if (*p == '0') {
            ++p;
          } else {
            while (p < end && *p >= '0' && *p <= '9') ++p;
          }
          if (p - digits > 17) return false;
          v.kind = FlatValue::Kind::kNumber;
          v.text = std::string_view(digits, static_cast<size_t>(p - digits));
          break;
        }
      }
      if (FlatValue* slot = Slot(name); slot != nullptr && slot->kind == FlatValue::Kind::kAbsent) {
        *slot = v;
      }
      if (at(',')) {
        ++p;
        if (!at('"')) return false;
        continue;
      }
      return p < end && *p == '}' && closes();
    }
  }
};

// json::AsBool of a flat value; nullopt also for a number (the caller declines those).
std::optional<bool> FlatBool(const FlatValue& v) {
  switch (v.kind) {
    case FlatValue::Kind::kTrue:
      return true;
    case FlatValue::Kind::kFalse:
      return false;
    case FlatValue::Kind::kString:
      return json::BoolFromText(v.text);
    default:
      return std::nullopt;
  }
}

// What one attribute says.
// One per reader, cleared for each attribute so that its buffers are reused.
struct Mapped {
  std::vector<Indicator> indicators;
  std::optional<std::pair<Indicator, Indicator>> resolves;  // domain|ip
  std::string note;                                         // filename of filename|hash
  std::string port;                                         // a bare port attribute
  bool reference = false;                                   // link

  void Clear() {
    indicators.clear();
    resolves.reset();
    note.clear();
    port.clear();
    reference = false;
  }
};

// The MISP attribute types the reader maps, by kind.
enum class MispKind : uint8_t {
  kOther,  // not an indicator type
  kIp,
  kIpPort,
  kDomain,
  kDomainPort,
  kDomainIp,
  kUrl,
  kLink,
  kHash,  // md5, sha256... (IndicatorType in MispType::indicator)
  kFilenameHash,
  kTyped,  // one value of MispType::indicator (certificates, JA3, JARM, e-mail, AS)
  kPort,
};

struct MispType {
  MispKind kind = MispKind::kOther;
  IndicatorType indicator = IndicatorType::kDomain;  // kHash, kFilenameHash, kTyped
};

// `t` has the name's length.
template <size_t N>
bool IsName(std::string_view t, const char (&name)[N]) {
  return std::memcmp(t.data(), name, N - 1) == 0;
}

std::optional<IndicatorType> HashType(std::string_view t) {
  switch (t.size()) {
    case 3:
      if (IsName(t, "md5")) return IndicatorType::kMd5;
      break;
    case 4:
      if (IsName(t, "sha1")) return IndicatorType::kSha1;
      if (IsName(t, "tlsh")) return IndicatorType::kTlsh;
      break;
    case 6:
      if (IsName(t, "sha256")) return IndicatorType::kSha256;
      if (IsName(t, "sha512")) return IndicatorType::kSha512;
      if (IsName(t, "ssdeep")) return IndicatorType::kSsdeep;
      break;
    case 7:
      if (IsName(t, "imphash")) return IndicatorType::kImphash;
      break;
    default:
      break;
  }
  return std::nullopt;
}

// The kind of a MISP type, by its length first, then with fixed-size compares.
MispType MispTypeOf(std::string_view t) {
  using K = MispKind;
  using T = IndicatorType;
  if (auto h = HashType(t)) return {K::kHash, *h};
  if (t.size() > 9 && IsName(t.substr(0, 9), "filename|")) {
    if (auto h = HashType(t.substr(9))) return {K::kFilenameHash, *h};
    return {};
  }
  switch (t.size()) {
    case 2:
      if (IsName(t, "ip")) return {K::kIp};
      if (IsName(t, "AS")) return {K::kTyped, T::kAsn};
      break;
    case 3:
      if (IsName(t, "url") || IsName(t, "uri")) return {K::kUrl};
      break;
    case 4:
      if (IsName(t, "link")) return {K::kLink};
      if (IsName(t, "port")) return {K::kPort};
      break;
    case 5:
      if (IsName(t, "email")) return {K::kTyped, T::kEmail};
      break;
    case 6:
      if (IsName(t, "ip-dst") || IsName(t, "ip-src")) return {K::kIp};
      if (IsName(t, "domain")) return {K::kDomain};
      break;
    case 8:
      if (IsName(t, "hostname")) return {K::kDomain};
      break;
    case 9:
      if (IsName(t, "domain|ip")) return {K::kDomainIp};
      if (IsName(t, "email-src") || IsName(t, "email-dst")) return {K::kTyped, T::kEmail};
      break;
    case 11:
      if (IsName(t, "ip-dst|port") || IsName(t, "ip-src|port")) return {K::kIpPort};
      if (IsName(t, "hostname|ip")) return {K::kDomainIp};
      if (IsName(t, "domain|port")) return {K::kDomainPort};
      break;
    case 13:
      if (IsName(t, "hostname|port")) return {K::kDomainPort};
      break;
    case 14:
      if (IsName(t, "email-reply-to")) return {K::kTyped, T::kEmail};
      break;
    case 16:
      if (IsName(t, "jarm-fingerprint")) return {K::kTyped, T::kJarm};
      break;
    case 19:
      if (IsName(t, "ja3-fingerprint-md5")) return {K::kTyped, T::kJa3};
      break;
    case 20:
      if (IsName(t, "ja3s-fingerprint-md5")) return {K::kTyped, T::kJa3s};
      break;
    case 21:
      if (IsName(t, "x509-fingerprint-sha1")) return {K::kTyped, T::kCertSha1};
      break;
    case 22:
      if (IsName(t, "whois-registrant-email")) return {K::kTyped, T::kEmail};
      break;
    case 23:
      if (IsName(t, "x509-fingerprint-sha256")) return {K::kTyped, T::kCertSha256};
      break;
    default:
      break;
  }
  return {};
}

std::string EndpointText(const Indicator& ip, std::string_view port) {
  if (ip.type == IndicatorType::kIpv6) return "[" + ip.value + "]:" + std::string(port);
  return ip.value + ":" + std::string(port);
}

// Maps a MISP attribute type and value into `m`. Unknown types give kUnsupported.
Status MapAttribute(std::string_view type, std::string_view value, Mapped& m) {
  m.Clear();
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
  const MispType t = MispTypeOf(type);
  switch (t.kind) {
    case MispKind::kIp:
      return one(IndicatorType::kIpv4, value);
    case MispKind::kIpPort: {
      COTENANT_ASSIGN_OR_RETURN(auto parts, split(value));
      COTENANT_ASSIGN_OR_RETURN(Indicator ip, ParseFeedValue(parts.first, IndicatorType::kIpv4));
      if (ip.type != IndicatorType::kIpv4 && ip.type != IndicatorType::kIpv6) {
        return InvalidArgument("`" + std::string(parts.first) + "` is not an IP address");
      }
      COTENANT_ASSIGN_OR_RETURN(
          Indicator ep, ParseIndicatorAs(IndicatorType::kEndpoint, EndpointText(ip, parts.second)));
      m.indicators.push_back(std::move(ep));
      return Status::Ok();
    }
    case MispKind::kDomain:
      return one(IndicatorType::kDomain, value);
    case MispKind::kDomainPort: {
      COTENANT_ASSIGN_OR_RETURN(auto parts, split(value));
      COTENANT_RETURN_IF_ERROR(one(IndicatorType::kDomain, parts.first));
      m.note = "port " + std::string(parts.second);
      return Status::Ok();
    }
    case MispKind::kDomainIp: {
      COTENANT_ASSIGN_OR_RETURN(auto parts, split(value));
      COTENANT_ASSIGN_OR_RETURN(Indicator d, ParseFeedValue(parts.first, IndicatorType::kDomain));
      COTENANT_ASSIGN_OR_RETURN(Indicator ip, ParseFeedValue(parts.second, IndicatorType::kIpv4));
      m.indicators.push_back(d);
      m.indicators.push_back(ip);
      m.resolves = std::make_pair(d, ip);
      return Status::Ok();
    }
    case MispKind::kUrl:
      return one(IndicatorType::kUrl, value);
    case MispKind::kLink:
      m.reference = true;
      return Status::Ok();
    case MispKind::kHash:
    case MispKind::kTyped:
      return one(t.indicator, value);
    case MispKind::kFilenameHash: {
      COTENANT_ASSIGN_OR_RETURN(auto parts, split(value));
      COTENANT_RETURN_IF_ERROR(one(t.indicator, parts.second));
      m.note = "file " + std::string(parts.first);
      return Status::Ok();
    }
    case MispKind::kPort:
      m.port = std::string(Trim(value));
      return Status::Ok();
    case MispKind::kOther:
      break;
  }
  return Unsupported("MISP type " + std::string(type) + " is not an indicator type");
}

class EventReader {
 public:
  EventReader(const std::string& path, const ReadOptions& options, IngestSink& sink)
      : path_(path), options_(options), sink_(sink) {}

  // Starts an event: its context (source, labels, date, references) from `event` (the
  // envelope's copy, where the streamed arrays are empty) plus the "link" attributes the first
  // pass found in its streamed Attribute array, then reads what arrays `event` still holds.
  void Begin(json::element event, const std::string& jp,
             const std::vector<std::string>& streamed_links);
  // One element of the current event's Attribute or Object array.
  void ReadAttribute(json::element attr, const std::string& jp);
  // The same from the attribute's JSON text (kJsonPadding readable bytes follow it) when the
  // flat fast path takes it; false, with nothing delivered, when ReadAttribute must read it.
  bool ReadFlatAttribute(std::string_view text, const std::string& jp);
  // The same from its fields as FlatFields::Parse read them.
  bool ReadFlatAttribute(const FlatFields& f, const std::string& jp);
  void ReadObject(json::element object, const std::string& jp);

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
  void Emit(const Indicator& indicator, std::string_view original, const EmitFields& f,
            const Defaults& d, const std::string& jp, std::string_view note,
            const std::vector<std::string>& references);
  void Relate(const Indicator& from, const Indicator& to, const Defaults& d, const std::string& jp);
  void ReadObjectBody(json::element object, const std::string& jp);
  void Reject(const std::string& jp, std::string reason, std::string_view text) {
    sink_.OnRejection(MakeRejection(JsonLocation(path_, jp), std::move(reason), text));
  }

  const std::string& path_;
  const ReadOptions& options_;
  IngestSink& sink_;
  std::set<std::string> sources_;  // announced through OnSource
  EventContext ctx_;
  // References of the current event: its "link" attributes for its attributes; for its
  // objects also the links of the objects read so far (an object's own links included).
  std::vector<std::string> object_references_;
  Defaults event_defaults_;
  // Reused from value to value (events hold up to millions).
  Observation observation_;
  Mapped mapped_;
  Defaults attribute_defaults_;
  std::string description_;
  std::string item_jp_;
  RoleGuesser guess_from_comment_, guess_from_description_;
};

bool EventReader::AttributeDefaults(json::element attr, const AttributeFields& f,
                                    const std::string& jp, const Defaults& base, Defaults* out) {
  *out = base;
  if (f.tag || f.galaxy) {
    std::vector<std::string> actors;
    std::optional<Tlp> tlp;
    ReadLabels(f.tag, f.galaxy, &actors, &tlp);
    if (!actors.empty() && options_.actor.empty()) out->actors = std::move(actors);
    if (tlp) out->tlp = *tlp;
  }
  if (!f.first_seen && !f.last_seen) return true;
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

void EventReader::Emit(const Indicator& indicator, std::string_view original, const EmitFields& f,
                       const Defaults& d, const std::string& jp, std::string_view note,
                       const std::vector<std::string>& references) {
  std::string_view comment = Trim(f.comment);
  std::string& description = description_;
  description.assign(d.description);
  auto append = [&](std::string_view s) {
    if (s.empty()) return;
    if (!description.empty()) description += "; ";
    description += s;
  };
  append(note);
  append(comment);
  if (f.not_for_detection) append("context, not for detection (to_ids false)");
  Role stated = guess_from_comment_(comment);
  if (stated == Role::kUnknown) stated = guess_from_description_(d.description);
  if (stated == Role::kUnknown && f.category == "Payload delivery" &&
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
    o.references.assign(references.begin(), references.end());
    o.first_seen = d.first;
    o.last_seen = d.last;
    o.confidence = -1;
    o.tlp = d.tlp;
    o.original_text.assign(original);
    o.description.assign(description);
    if (ctx_.basis.empty()) {
      o.basis.clear();
    } else if (o.basis.size() == 1) {
      o.basis[0].assign(ctx_.basis);  // keeps the string's buffer
    } else {
      o.basis.assign(1, ctx_.basis);
    }
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

void EventReader::ReadObject(json::element object, const std::string& jp) {
  if (!object.is_object()) {
    Reject(jp, "object is not a JSON object", json::Preview(object));
    return;
  }
  if (json::Bool(object, "deleted") == true) return;
  ReadObjectBody(object, jp);
}

void EventReader::ReadObjectBody(json::element object, const std::string& jp) {
  Defaults od;
  if (!AttributeDefaults(object, AttributeFields(object), jp, event_defaults_, &od)) return;
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
    EmitFields fields;
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
    Mapped& m = mapped_;
    Status mapped = MapAttribute(*type, *value, m);
    if (!mapped.ok()) {
      if (mapped.code() == StatusCode::kUnsupported) {
        // Properties of the object: keep the telling ones as description.
        if (relation == "filename" || relation == "subject" || relation == "issuer" ||
            relation == "signature" || relation == "text") {
          notes.push_back(relation + " " + Truncate(Trim(*value), 120));
        }
        continue;
      }
      Reject(ajp, mapped.message(), *value);
      continue;
    }
    if (m.reference) {
      AddUnique(object_references_, *value);
      continue;
    }
    if (!m.port.empty()) {
      if (relation == "dst-port" || relation == "port") {
        ports.insert(ports.begin(), m.port);
      } else {
        ports.push_back(m.port);
      }
      continue;
    }
    Defaults ad;
    if (!AttributeDefaults(attr, f, ajp, od, &ad)) continue;
    if (!m.note.empty()) ad.description = m.note;
    for (auto& ind : m.indicators) {
      items.push_back(Item{std::move(ind), std::string(*value), EmitFields(f), ajp, ad, relation});
    }
    if (m.resolves) Relate(m.resolves->first, m.resolves->second, ad, ajp);
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
  for (auto& it : items) {
    if (it.d.description.empty()) {
      it.d.description = object_note;
    } else {
      it.d.description = object_note + "; " + it.d.description;
    }
    Emit(it.indicator, it.original, it.fields, it.d, it.jp, "", object_references_);
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

void EventReader::ReadAttribute(json::element attr, const std::string& jp) {
  AttributeFields f(attr);
  if (json::AsBool(f.deleted) == true) return;
  auto type = json::AsStr(f.type);
  auto value = json::AsStr(f.value);
  if (!type || !value) {
    Reject(jp, "attribute without type or value", json::Preview(attr));
    return;
  }
  Mapped& m = mapped_;
  if (Status mapped = MapAttribute(*type, *value, m); !mapped.ok()) {
    Reject(jp, mapped.message(), *value);
    return;
  }
  if (m.reference) return;  // read before the event's values (Begin)
  if (!m.port.empty()) {
    Reject(jp, "a port alone is not an indicator", *value);
    return;
  }
  Defaults& ad = attribute_defaults_;
  if (!AttributeDefaults(attr, f, jp, event_defaults_, &ad)) return;
  const EmitFields ef(f);
  for (const auto& ind : m.indicators) Emit(ind, *value, ef, ad, jp, m.note, ctx_.references);
  if (m.resolves) Relate(m.resolves->first, m.resolves->second, ad, jp);
}

bool EventReader::ReadFlatAttribute(std::string_view text, const std::string& jp) {
  FlatFields f;
  return f.Parse(text) && ReadFlatAttribute(f, jp);
}

bool EventReader::ReadFlatAttribute(const FlatFields& f, const std::string& jp) {
  using Kind = FlatValue::Kind;
  // A number where ReadAttribute reads a flag, or a time that is not a string or null: its
  // conversions and rejections of those are not repeated here.
  auto time_kind_ok = [](Kind k) {
    return k == Kind::kAbsent || k == Kind::kNull || k == Kind::kString;
  };
  if (f.deleted.kind == Kind::kNumber || f.to_ids.kind == Kind::kNumber ||
      !time_kind_ok(f.first_seen.kind) || !time_kind_ok(f.last_seen.kind)) {
    return false;
  }
  if (FlatBool(f.deleted) == true) return true;
  auto type = f.type.Str();
  auto value = f.value.Str();
  if (!type || !value) return false;
  Mapped& m = mapped_;
  if (!MapAttribute(*type, *value, m).ok()) return false;
  if (m.reference) return true;
  if (!m.port.empty()) return false;
  // As AttributeDefaults, where a Tag or Galaxy that is not an array adds nothing: the event's
  // labels, the attribute's own times.
  const Defaults* d = &event_defaults_;
  auto time = [](const FlatValue& v) -> Result<std::optional<Timestamp>> {
    if (v.kind != Kind::kString) return std::optional<Timestamp>();  // absent or null
    std::string_view t = Trim(v.text);
    if (t.empty()) return std::optional<Timestamp>();
    COTENANT_ASSIGN_OR_RETURN(Timestamp ts, Timestamp::Parse(t));
    return std::optional<Timestamp>(ts);
  };
  if (f.first_seen.kind == Kind::kString || f.last_seen.kind == Kind::kString) {
    auto first = time(f.first_seen);
    auto last = time(f.last_seen);
    if (!first.ok() || !last.ok()) return false;
    if (*first || *last) {
      Defaults& ad = attribute_defaults_;
      ad = event_defaults_;
      ad.first = *first ? *first : *last;
      ad.last = *last ? *last : *first;
      if (ad.first && ad.last && *ad.last < *ad.first) return false;
      d = &ad;
    }
  }
  EmitFields ef;
  ef.comment = f.comment.Str().value_or("");
  ef.not_for_detection = FlatBool(f.to_ids) == false;
  ef.category = f.category.Str().value_or("");
  for (const auto& ind : m.indicators) Emit(ind, *value, ef, *d, jp, m.note, ctx_.references);
  if (m.resolves) Relate(m.resolves->first, m.resolves->second, *d, jp);
  return true;
}

void EventReader::Begin(json::element event, const std::string& jp,
                        const std::vector<std::string>& streamed_links) {
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
  if (sources_.insert(ctx_.source).second) {
    Source s;
    s.name = ctx_.source;
    sink_.OnSource(s);
  }
  if (auto uuid = json::NonEmptyStr(event, "uuid")) ctx_.basis = "misp-event:" + std::string(*uuid);
  Defaults& ed = event_defaults_;
  ed = Defaults();
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
  for (const auto& link : streamed_links) AddUnique(ctx_.references, link);
  object_references_ = ctx_.references;
  // Arrays no streamed path reached are read here, whole.
  if (attrs) {
    size_t i = 0;
    for (json::element attr : *attrs) {
      item_jp_.assign(jp).append(".Attribute[").append(std::to_string(i++)).append("]");
      ReadAttribute(attr, item_jp_);
    }
  }
  if (auto objects = json::Arr(event, "Object")) {
    size_t i = 0;
    for (json::element object : *objects) {
      item_jp_.assign(jp).append(".Object[").append(std::to_string(i++)).append("]");
      ReadObject(object, item_jp_);
    }
  }
}

// An event of the document: where it is and its envelope copy.
struct FoundEvent {
  std::string jp;
  json::element event;
};

// Finds the events in a document (the envelope), in document order.
void FindEvents(json::element doc, const std::string& jp, int depth, std::vector<FoundEvent>* out) {
  if (depth > 3) return;
  if (doc.is_array()) {
    size_t i = 0;
    json::array items = doc.get_array().value_unsafe();
    for (json::element e : items)
      FindEvents(e, jp + "[" + std::to_string(i++) + "]", depth + 1, out);
    return;
  }
  if (!doc.is_object()) return;
  if (auto event = json::Field(doc, "Event")) {
    if (event->is_object()) out->push_back({jp + ".Event", *event});
    return;
  }
  if (auto response = json::Field(doc, "response")) {
    FindEvents(*response, jp + ".response", depth + 1, out);
    return;
  }
  if (json::Field(doc, "Attribute") || json::Field(doc, "Object") || json::Field(doc, "info")) {
    out->push_back({jp, doc});
  }
}

// Where events sit in the shapes MISP writes: one event, a {"response": [...]} list, a plain
// array of events, a bare event object, and lists of bare events. Each gives two streamed
// arrays, Attribute (even path index) and Object (odd).
const std::vector<std::vector<std::string>> kEventPrefixes = {
    {"Event"}, {"response", "*", "Event"}, {"*", "Event"}, {}, {"response", "*"}, {"*"}};

std::vector<std::vector<std::string>> StreamedArrays() {
  std::vector<std::vector<std::string>> out;
  for (const auto& prefix : kEventPrefixes) {
    for (const char* key : {"Attribute", "Object"}) {
      out.push_back(prefix);
      out.back().push_back(key);
    }
  }
  return out;
}

// The JSON path of the event an element belongs to ("$.response[3].Event"), as FindEvents
// writes it.
std::string EventPath(size_t path_index, std::span<const size_t> indices) {
  std::string out = "$";
  size_t k = 0;
  for (const auto& key : kEventPrefixes[path_index / 2]) {
    if (key == "*") {
      out.append("[").append(std::to_string(k < indices.size() ? indices[k] : 0)).append("]");
      ++k;
    } else {
      out.append(".").append(key);
    }
  }
  return out;
}

// Test hook: what the last streamed MISP read on this thread held at most.
thread_local JsonStreamStats last_stream_stats;
// Test hooks: whether streamed attributes may take the flat fast path; how many did.
thread_local bool misp_flat_path = true;
thread_local size_t misp_flat_path_reads = 0;
// Test hook: bytes per read of the streamer (0: its default).
thread_local size_t misp_read_chunk = 0;

// True when an attribute's JSON text may hold a "link" type: it contains "link", looked for by
// its 'k' (no key of a MISP attribute has one, so memchr seldom stops), or a backslash (an
// escaped type).
bool MayBeLink(std::string_view text) {
  if (text.find('\\') != std::string_view::npos) return true;
  for (size_t at = text.find('k', 3); at != std::string_view::npos; at = text.find('k', at + 1)) {
    if (text.substr(at - 3, 4) == "link") return true;
  }
  return false;
}

// Which event a streamed element belongs to (its JSON path, as FindEvents writes it), and
// whether the element's array is the first of its key there: a key repeated in one object
// ({"Attribute": [...], "Attribute": [...]}) streams two arrays on one path, and, as a lookup by
// key in the document, only the first counts.
class ElementEvents {
 public:
  // False for an element of a repeated array.
  bool Locate(const JsonStreamElement& e) {
    const size_t prefix = e.path_index / 2;
    const std::span<const size_t> outer = e.indices.first(e.indices.size() - 1);
    if (prefix != last_prefix_ ||
        !std::equal(outer.begin(), outer.end(), last_outer_.begin(), last_outer_.end())) {
      path_ = EventPath(e.path_index, e.indices);
      arrays_ = &seen_[path_];
      last_prefix_ = prefix;
      last_outer_.assign(outer.begin(), outer.end());
      changed_ = true;
    }
    uint8_t& state = (*arrays_)[e.path_index % 2];  // 0 none yet, 1 in the first, 2 past it
    if (e.indices.back() == 0) state = state == 0 ? 1 : 2;
    return state == 1;
  }
  const std::string& event_path() const { return path_; }
  // True once after the element's event differs from the previous element's.
  bool TakeChanged() { return std::exchange(changed_, false); }

 private:
  size_t last_prefix_ = SIZE_MAX;
  std::vector<size_t> last_outer_;
  std::string path_;
  std::unordered_map<std::string, std::array<uint8_t, 2>> seen_;  // Attribute, Object
  std::array<uint8_t, 2>* arrays_ = nullptr;
  bool changed_ = false;
};

using StreamFunction =
    std::function<Result<std::string>(const JsonStreamOptions&, const JsonElementCallback&)>;

// Reads a MISP document through `stream` (over a file or over text): see the top comment.
Status ReadMispStream(const std::string& path, const ReadOptions& options, IngestSink& sink,
                      const StreamFunction& stream) {
  JsonStreamOptions so;
  so.array_paths = StreamedArrays();
  so.max_envelope_bytes = kMaxJsonBytes;
  if (misp_read_chunk != 0) so.read_chunk_bytes = misp_read_chunk;
  JsonStreamStats stats;
  so.stats = &stats;
  simdjson::dom::parser parser;  // one element at a time, its memory reused

  // Pass 1: the envelope, and the "link" attributes of the streamed Attribute arrays.
  std::unordered_map<std::string, std::vector<std::string>> links;  // by event path
  ElementEvents first_pass_events;
  auto collect_link = [&](const JsonStreamElement& e) -> Status {
    if (e.path_index % 2 != 0) return Status::Ok();
    if (!first_pass_events.Locate(e) || e.too_large) return Status::Ok();
    if (!MayBeLink(e.json)) return Status::Ok();
    json::element attr;
    if (parser.parse(e.json.data(), e.json.size(), false).get(attr)) {
      return Status::Ok();  // the second pass reports it
    }
    if (json::Str(attr, "type").value_or("") == "link") {
      if (auto v = json::NonEmptyStr(attr, "value")) {
        AddUnique(links[first_pass_events.event_path()], *v);
      }
    }
    return Status::Ok();
  };
  COTENANT_ASSIGN_OR_RETURN(std::string envelope, stream(so, collect_link));

  simdjson::dom::parser envelope_parser;
  COTENANT_ASSIGN_OR_RETURN(json::element doc, json::Parse(envelope_parser, envelope, path));
  if (!doc.is_object() && !doc.is_array()) {
    return InvalidArgument(path + ": not a MISP event (expected an object or an array)");
  }
  if (doc.is_object() && !json::Field(doc, "Event") && !json::Field(doc, "response") &&
      !json::Field(doc, "Attribute") && !json::Field(doc, "Object") && !json::Field(doc, "info")) {
    return InvalidArgument(path + ": not a MISP event (no Event, response, Attribute or Object)");
  }
  std::vector<FoundEvent> events;
  FindEvents(doc, "$", 0, &events);
  std::unordered_map<std::string, size_t> event_at;
  for (size_t i = 0; i < events.size(); ++i) event_at.emplace(events[i].jp, i);

  // Pass 2: each attribute and object with its event's context. Events begin in document
  // order, each before its first element (those without streamed elements in their turn).
  EventReader reader(path, options, sink);
  const std::vector<std::string> no_links;
  size_t begun = 0;
  auto begin_through = [&](size_t last) {
    for (; begun <= last && begun < events.size(); ++begun) {
      auto it = links.find(events[begun].jp);
      reader.Begin(events[begun].event, events[begun].jp,
                   it == links.end() ? no_links : it->second);
    }
  };
  // Consecutive elements share their event: it is looked up when it changes.
  constexpr size_t kNotRead = SIZE_MAX;  // beside an "Event" key, or too deep: not an event
  ElementEvents element_events;
  size_t event = kNotRead;
  std::string jp;
  size_t jp_event = kNotRead, jp_prefix = 0;
  bool jp_object = false;
  // Whether an element is read (its event found, first array of its key); then its event has
  // begun and `jp` is its path. Once per element: the claim hook and the element callback may
  // both ask, and Locate counts arrays as it goes.
  int64_t located_offset = -1;
  bool located_first = false;
  auto locate = [&](const JsonStreamElement& e) -> bool {
    if (e.offset != located_offset) {
      located_offset = e.offset;
      located_first = element_events.Locate(e);
      if (element_events.TakeChanged()) {
        auto it = event_at.find(element_events.event_path());
        event = it == event_at.end() ? kNotRead : it->second;
      }
    }
    if (event == kNotRead || !located_first) return false;
    begin_through(event);
    const bool object = e.path_index % 2 != 0;
    // "$.Event.Attribute[" is kept while the event and the array stay; the index is rewritten.
    if (event != jp_event || object != jp_object) {
      jp.assign(events[event].jp).append(object ? ".Object[" : ".Attribute[");
      jp_prefix = jp.size();
      jp_event = event;
      jp_object = object;
    }
    jp.resize(jp_prefix);
    char digits[24];
    jp.append(digits, std::to_chars(digits, digits + sizeof(digits), e.indices.back()).ptr)
        .push_back(']');
    return true;
  };
  // A flat attribute is read where it begins, before the streamer looks for its end (the flat
  // parse finds it).
  auto claim_element = [&](const JsonStreamElement& e) -> Result<size_t> {
    if (!misp_flat_path || e.path_index % 2 != 0) return size_t{0};
    FlatFields f;
    size_t length = 0;
    if (!f.Parse(e.json, &length)) return size_t{0};
    if (!locate(e)) return length;  // not read, as read_element would
    if (!reader.ReadFlatAttribute(f, jp)) return size_t{0};
    ++misp_flat_path_reads;
    return length;
  };
  auto read_element = [&](const JsonStreamElement& e) -> Status {
    if (!locate(e)) return Status::Ok();
    const bool object = e.path_index % 2 != 0;
    if (e.too_large) {
      sink.OnRejection(MakeRejection(JsonLocation(path, jp),
                                     std::string(object ? "object" : "attribute") +
                                         " larger than " +
                                         std::to_string(so.max_element_bytes >> 20) + " MiB",
                                     e.json));
      return Status::Ok();
    }
    if (!object && misp_flat_path && reader.ReadFlatAttribute(e.json, jp)) {
      ++misp_flat_path_reads;
      return Status::Ok();
    }
    json::element element;
    if (auto error = parser.parse(e.json.data(), e.json.size(), false).get(element)) {
      return InvalidArgument(path + ": " + jp + ": " + simdjson::error_message(error) +
                             " (malformed JSON)");
    }
    if (object) {
      reader.ReadObject(element, jp);
    } else {
      reader.ReadAttribute(element, jp);
    }
    return Status::Ok();
  };
  so.claim = claim_element;
  COTENANT_RETURN_IF_ERROR(stream(so, read_element).status());
  if (!events.empty()) begin_through(events.size() - 1);
  last_stream_stats = stats;
  return Status::Ok();
}

}  // namespace

const JsonStreamStats& LastMispStreamStatsForTesting() { return last_stream_stats; }

void SetMispFlatPathForTesting(bool enabled) { misp_flat_path = enabled; }

size_t MispFlatPathReadsForTesting() { return misp_flat_path_reads; }

void SetMispReadChunkForTesting(size_t bytes) { misp_read_chunk = bytes; }

Status ReadMispJson(std::string_view json_text, const std::string& path, const ReadOptions& options,
                    IngestSink& sink) {
  auto stream = [&](const JsonStreamOptions& so, const JsonElementCallback& callback) {
    return StreamJsonText(json_text, path, so, callback);
  };
  return ReadMispStream(path, options, sink, stream);
}

Status ReadMispFile(const std::string& path, const ReadOptions& options, IngestSink& sink) {
  auto stream = [&](const JsonStreamOptions& so, const JsonElementCallback& callback) {
    return StreamJsonFile(path, so, callback);
  };
  return ReadMispStream(path, options, sink, stream);
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
    Status s = ReadMispFile(event_path, options, sink);
    if (!s.ok()) {
      // One broken event file does not abort the feed.
      sink.OnRejection(MakeRejection(JsonLocation(event_path, "$"), s.message(), uuid));
    }
  }
  return Status::Ok();
}

}  // namespace cotenant::readers
