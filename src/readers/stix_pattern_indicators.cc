// From STIX pattern terms to typed, canonical indicators (see stix_pattern.h for the contract).
#include <map>
#include <set>
#include <string>
#include <utility>

#include "cotenant/stix_pattern.h"
#include "readers/stix_pattern_simple.h"

namespace cotenant {
namespace {

// The type of an SCO whose `value` property is the indicator (ipv4-addr:value, url:value...).
std::optional<IndicatorType> ValueObjectType(std::string_view type) {
  if (type == "ipv4-addr") return IndicatorType::kIpv4;
  if (type == "ipv6-addr") return IndicatorType::kIpv6;
  if (type == "domain-name") return IndicatorType::kDomain;
  if (type == "url") return IndicatorType::kUrl;
  if (type == "email-addr") return IndicatorType::kEmail;
  return std::nullopt;
}

// "SHA-256", "sha256", "SHA_256" -> "SHA256".
std::string HashKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '-' || c == '_' || c == ' ') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

std::optional<IndicatorType> FileHashType(std::string_view key) {
  std::string k = HashKey(key);
  if (k == "MD5") return IndicatorType::kMd5;
  if (k == "SHA1") return IndicatorType::kSha1;
  if (k == "SHA256") return IndicatorType::kSha256;
  if (k == "SHA512") return IndicatorType::kSha512;
  if (k == "SSDEEP") return IndicatorType::kSsdeep;
  if (k == "TLSH") return IndicatorType::kTlsh;
  return std::nullopt;
}

std::optional<IndicatorType> CertHashType(std::string_view key) {
  std::string k = HashKey(key);
  if (k == "SHA1") return IndicatorType::kCertSha1;
  if (k == "SHA256") return IndicatorType::kCertSha256;
  return std::nullopt;
}

// Property names of a path, with list indexes written "[]" (any index is the same here).
std::string Shape(const ObjectPath& path) {
  std::string out;
  for (const auto& c : path.components) {
    if (c.kind == PathComponent::Kind::kProperty) {
      if (!out.empty()) out += '.';
      out += c.name;
    } else {
      out += "[]";
    }
  }
  return out;
}

bool IsProperty(const ObjectPath& path, size_t i) {
  return i < path.components.size() && path.components[i].kind == PathComponent::Kind::kProperty;
}

// "dst" for network-traffic:dst_ref.value / dst_ref.type / dst_port, else empty.
struct TrafficPart {
  std::string side;  // "src" or "dst"
  std::string what;  // "value", "type" or "port"
};
std::optional<TrafficPart> Traffic(const ObjectPath& path) {
  if (path.object_type != "network-traffic") return std::nullopt;
  std::string shape = Shape(path);
  for (const char* side : {"src", "dst"}) {
    std::string s = side;
    if (shape == s + "_ref.value") return TrafficPart{s, "value"};
    if (shape == s + "_ref.type") return TrafficPart{s, "type"};
    if (shape == s + "_port") return TrafficPart{s, "port"};
  }
  return std::nullopt;
}

bool IsResolvesTo(const ObjectPath& path) {
  return path.object_type == "domain-name" && Shape(path) == "resolves_to_refs[].value";
}

std::optional<IndicatorType> TypeFromStixType(std::string_view stix_type, std::string_view value) {
  bool prefix = value.find('/') != std::string_view::npos;
  if (stix_type == "ipv4-addr" || stix_type == "ipv6-addr") {
    if (prefix) return IndicatorType::kCidr;
    return stix_type == "ipv4-addr" ? IndicatorType::kIpv4 : IndicatorType::kIpv6;
  }
  if (stix_type == "domain-name") return IndicatorType::kDomain;
  if (stix_type == "url") return IndicatorType::kUrl;
  return std::nullopt;
}

// A value whose STIX type is not stated (a _ref without a `.type` comparison): an address,
// a prefix or a domain, in that order.
Result<Indicator> ParseAddressLike(std::string_view text) {
  for (IndicatorType t :
       {IndicatorType::kIpv4, IndicatorType::kIpv6, IndicatorType::kCidr, IndicatorType::kDomain}) {
    auto r = ParseIndicatorAs(t, text);
    if (r.ok()) return r;
  }
  return InvalidArgument("'" + std::string(text) + "' is neither an IP address nor a domain");
}

bool HasLikeWildcard(std::string_view s) {
  return s.find('%') != std::string_view::npos || s.find('_') != std::string_view::npos;
}

// '^a\.example$' -> "a.example"; nullopt when the expression is not an anchored literal.
std::optional<std::string> RegexLiteral(std::string_view re) {
  if (re.size() < 2 || re.front() != '^' || re.back() != '$') return std::nullopt;
  re = re.substr(1, re.size() - 2);
  std::string out;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      if (i + 1 >= re.size()) return std::nullopt;
      char n = re[++i];
      // Only escaped punctuation is a literal; \d, \w, \b... are classes or assertions.
      if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || (n >= '0' && n <= '9')) {
        return std::nullopt;
      }
      out += n;
      continue;
    }
    if (std::string_view(".^$*+?()[]{}|").find(c) != std::string_view::npos) return std::nullopt;
    out += c;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string TermText(const PatternTerm& t) {
  return t.path.ToString() + " " + std::string(PatternOpName(t.op)) + " " + t.value.ToString();
}

class Mapper {
 public:
  Mapper(const PatternTerms& terms, PatternExtraction& out) : terms_(terms), out_(out) {}

  void Run() {
    out_.issues = terms_.issues;
    Index();
    for (size_t i = 0; i < terms_.terms.size(); ++i) Term(i);
    for (const auto& [id, c] : conj_) {
      for (const auto& d : c.domains) {
        for (const auto& ip : c.resolved) out_.links.push_back({d, "resolves-to", ip});
      }
    }
  }

 private:
  struct Conjunction {
    std::map<std::string, std::string> ref_types;      // side -> STIX type named by _ref.type
    std::map<std::string, std::vector<size_t>> ports;  // side -> port terms
    std::set<std::string> sides_with_value;
    std::vector<Indicator> domains;   // domain-name:value indicators (for resolves-to links)
    std::vector<Indicator> resolved;  // domain-name:resolves_to_refs[*].value indicators
  };

  void Index() {
    for (const auto& t : terms_.terms) {
      Conjunction& c = conj_[t.conjunction];
      if (auto part = Traffic(t.path)) {
        if (part->what == "type" && t.value.kind == PatternLiteralKind::kString) {
          c.ref_types[part->side] = t.value.text;
        } else if (part->what == "port") {
          c.ports[part->side].push_back(&t - terms_.terms.data());
        } else if (part->what == "value") {
          c.sides_with_value.insert(part->side);
        }
      }
    }
  }

  void Issue(const PatternTerm& t, std::string reason, std::string detail = "") {
    std::string text = TermText(t);
    if (!detail.empty()) text += ": " + detail;
    out_.issues.push_back({t.offset, std::move(reason), std::move(text)});
  }

  void Emit(const PatternTerm& t, Indicator indicator, std::string note = "") {
    PatternIndicator pi;
    pi.indicator = std::move(indicator);
    pi.exact = t.exact;
    pi.path = t.path.ToString();
    pi.original = t.value.text;
    pi.offset = t.offset;
    pi.start = t.start;
    pi.stop = t.stop;
    pi.note = std::move(note);
    out_.indicators.push_back(std::move(pi));
  }

  // The value text a term stands for, or nullopt (with an issue) when a LIKE or MATCHES
  // expression does not reduce to one value. `type` may turn a '%.' LIKE into a wildcard.
  std::optional<std::string> ValueText(const PatternTerm& t, std::optional<IndicatorType> type) {
    const std::string& v = t.value.text;
    if (t.op == PatternOp::kLike) {
      if (!HasLikeWildcard(v)) return v;
      if (type == IndicatorType::kDomain && v.rfind("%.", 0) == 0 &&
          !HasLikeWildcard(std::string_view(v).substr(2))) {
        return "*." + v.substr(2);
      }
      Issue(t, "LIKE pattern is not a value");
      return std::nullopt;
    }
    if (t.op == PatternOp::kMatches) {
      if (auto literal = RegexLiteral(v)) return literal;
      Issue(t, "MATCHES expression is not a value");
      return std::nullopt;
    }
    if (t.value.kind != PatternLiteralKind::kString && t.value.kind != PatternLiteralKind::kInt) {
      Issue(t, "literal is not an indicator value");
      return std::nullopt;
    }
    return v;
  }

  void Term(size_t index) {
    const PatternTerm& t = terms_.terms[index];
    Conjunction& c = conj_[t.conjunction];
    if (auto part = Traffic(t.path)) {
      if (part->what == "type") {
        if (!c.sides_with_value.count(part->side)) Issue(t, "no indicator type for object path");
        return;
      }
      if (part->what == "port") {
        if (!c.sides_with_value.count(part->side)) {
          Issue(t, "port without an address in the same comparison");
        }
        return;  // otherwise consumed by the address (Endpoint)
      }
      TrafficValue(t, c, part->side);
      return;
    }
    if (IsResolvesTo(t.path)) {
      auto text = ValueText(t, std::nullopt);
      if (!text) return;
      auto ip = ParseAddressLike(*text);
      if (!ip.ok()) {
        Issue(t, "value is not valid for its path", ip.status().message());
        return;
      }
      c.resolved.push_back(*ip);
      Emit(t, std::move(ip).value());
      return;
    }
    std::optional<IndicatorType> type = IndicatorTypeForPath(t.path);
    if (t.op == PatternOp::kIsSubset) {
      if (type == IndicatorType::kIpv4 || type == IndicatorType::kIpv6) {
        type = IndicatorType::kCidr;
      } else {
        Issue(t, "ISSUBSET on a path that is not an address");
        return;
      }
    }
    if (!type) {
      Issue(t, "no indicator type for object path");
      return;
    }
    auto text = ValueText(t, type);
    if (!text) return;
    if ((type == IndicatorType::kIpv4 || type == IndicatorType::kIpv6) &&
        text->find('/') != std::string::npos) {
      type = IndicatorType::kCidr;  // ipv4-addr:value may hold a CIDR block (STIX 2.x)
    }
    std::string note;
    auto parsed = ParseStixValue(*type, *text, &note);
    if (parsed.ok()) {
      if (parsed->type == IndicatorType::kDomain) c.domains.push_back(*parsed);
      Emit(t, std::move(parsed).value(), std::move(note));
      return;
    }
    Issue(t, "value is not valid for its path", parsed.status().message());
  }

  void TrafficValue(const PatternTerm& t, Conjunction& c, const std::string& side) {
    auto text = ValueText(t, std::nullopt);
    if (!text) return;
    Result<Indicator> value = InvalidArgument("unset");
    auto hint = c.ref_types.find(side);
    if (hint != c.ref_types.end()) {
      auto type = TypeFromStixType(hint->second, *text);
      if (!type) {
        Issue(t, "no indicator type for object path", side + "_ref.type is " + hint->second);
        return;
      }
      value = ParseIndicatorAs(*type, *text);
    } else {
      value = ParseAddressLike(*text);
    }
    if (!value.ok()) {
      Issue(t, "value is not valid for its path", value.status().message());
      return;
    }
    Indicator ip = *value;
    Emit(t, std::move(value).value());
    if (ip.type != IndicatorType::kIpv4 && ip.type != IndicatorType::kIpv6) return;
    auto ports = c.ports.find(side);
    if (ports == c.ports.end()) return;
    for (size_t port_index : ports->second) {
      const PatternTerm& p = terms_.terms[port_index];
      if (p.value.kind != PatternLiteralKind::kInt || p.op == PatternOp::kLike ||
          p.op == PatternOp::kMatches || p.op == PatternOp::kIsSubset) {
        Issue(p, "port is not an integer");
        continue;
      }
      std::string endpoint_text = ip.type == IndicatorType::kIpv6
                                      ? "[" + ip.value + "]:" + p.value.text
                                      : ip.value + ":" + p.value.text;
      auto endpoint = ParseIndicatorAs(IndicatorType::kEndpoint, endpoint_text);
      if (!endpoint.ok()) {
        Issue(p, "value is not valid for its path", endpoint.status().message());
        continue;
      }
      PatternIndicator pi;
      pi.indicator = std::move(endpoint).value();
      pi.exact = t.exact;
      pi.path = t.path.ToString() + " + " + p.path.ToString();
      pi.original = t.value.text + " + " + p.value.text;
      pi.offset = t.offset;
      pi.start = t.start;
      pi.stop = t.stop;
      out_.indicators.push_back(std::move(pi));
    }
  }

  const PatternTerms& terms_;
  PatternExtraction& out_;
  std::map<int, Conjunction> conj_;
};

// The indicator type of a one-property path as IndicatorTypeForPath gives it; nullopt also for
// network-traffic, whose paths depend on other comparisons (Mapper::Term).
std::optional<IndicatorType> SimplePathType(std::string_view type, std::string_view property) {
  if (property == "value") return ValueObjectType(type);
  if (type == "x509-certificate" && property == "serial_number") return IndicatorType::kCertSerial;
  if (type == "autonomous-system" && property == "number") return IndicatorType::kAsn;
  return std::nullopt;
}

// Four decimal octets 0-255 without leading zeros: an IPv4 address whose canonical text
// (IpAddress::ToString) is itself.
bool IsCanonicalDottedQuad(std::string_view s) {
  size_t i = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
    const size_t begin = i;
    unsigned value = 0;
    while (i < s.size() && i - begin < 4 && s[i] >= '0' && s[i] <= '9') {
      value = value * 10 + static_cast<unsigned>(s[i] - '0');
      ++i;
    }
    const size_t digits = i - begin;
    if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s[begin] == '0')) return false;
  }
  return i == s.size();
}

// The one-comparison shape `[type:property = 'text']` with a valid value, mapped as Mapper
// would map its single term, without building the term: fills out.indicators with the one
// indicator (reusing its strings) and returns true. Anything else (another shape, a path
// without a type, a value that does not parse) returns false and goes the general way, which
// gives the same result for these and reports the rest.
bool SimpleIndicator(std::string_view text, PatternExtraction& out) {
  thread_local pattern_internal::SimpleComparison simple;
  if (!pattern_internal::ScanSimpleComparison(text, simple)) return false;
  std::optional<IndicatorType> type = SimplePathType(simple.object_type, simple.property);
  if (!type) return false;
  if ((type == IndicatorType::kIpv4 || type == IndicatorType::kIpv6) &&
      simple.value.find('/') != std::string::npos) {
    type = IndicatorType::kCidr;  // ipv4-addr:value may hold a CIDR block (STIX 2.x)
  }
  out.indicators.resize(1);
  PatternIndicator& pi = out.indicators.front();
  pi.note.clear();
  if (type == IndicatorType::kIpv4 && IsCanonicalDottedQuad(simple.value)) {
    // What ParseIndicatorAs gives for it (the address written back is the same text), without
    // the round trip through IpAddress.
    pi.indicator.type = IndicatorType::kIpv4;
    pi.indicator.value.assign(simple.value);
    pi.indicator.display.assign(simple.value);
  } else {
    auto parsed = ParseStixValue(*type, simple.value, &pi.note);
    if (!parsed.ok()) return false;
    pi.indicator = std::move(parsed).value();
  }
  pi.exact = true;
  // A plain identifier property renders unquoted (ObjectPath::ToString).
  pi.path.assign(simple.object_type);
  pi.path += ':';
  pi.path += simple.property;
  pi.original.swap(simple.value);  // its buffer is reused by the next scan
  pi.offset = simple.offset;
  pi.start.clear();
  pi.stop.clear();
  return true;
}

}  // namespace

Result<Indicator> ParseStixValue(IndicatorType type, std::string_view text, std::string* note) {
  auto classify = [&](const char* how) -> std::optional<Indicator> {
    auto c = ClassifyIndicator(text);
    if (!c.ok()) return std::nullopt;
    if (note != nullptr) {
      *note = c->type == IndicatorType::kUrl
                  ? std::string("url:value ") + how
                  : "url:value holds a value of type " + std::string(IndicatorTypeName(c->type));
    }
    return *c;
  };
  if (type == IndicatorType::kUrl && text.find("://") == std::string_view::npos) {
    if (auto c = classify("without a scheme read as http")) return *c;
  }
  auto parsed = ParseIndicatorAs(type, text);
  if (!parsed.ok() && type == IndicatorType::kUrl) {
    if (auto c = classify("read leniently")) return *c;
  }
  return parsed;
}

std::optional<IndicatorType> IndicatorTypeForPath(const ObjectPath& path) {
  const std::string& type = path.object_type;
  const auto& c = path.components;
  std::string shape = Shape(path);
  if (shape == "value") return ValueObjectType(type);
  if (type == "email-message" && (shape == "from_ref.value" || shape == "sender_ref.value")) {
    return IndicatorType::kEmail;
  }
  if (c.size() == 2 && IsProperty(path, 0) && IsProperty(path, 1) && c[0].name == "hashes") {
    if (type == "file" || type == "artifact") return FileHashType(c[1].name);
    if (type == "x509-certificate") return CertHashType(c[1].name);
    return std::nullopt;
  }
  if (type == "file" && shape == "extensions.windows-pebinary-ext.imphash") {
    return IndicatorType::kImphash;
  }
  if (type == "x509-certificate" && shape == "serial_number") return IndicatorType::kCertSerial;
  if (type == "autonomous-system" && shape == "number") return IndicatorType::kAsn;
  return std::nullopt;
}

PatternExtraction ExtractPatternIndicators(const Pattern& pattern) {
  PatternExtraction out;
  PatternTerms terms = ExtractPatternTerms(pattern);
  Mapper(terms, out).Run();
  return out;
}

Result<PatternExtraction> ParsePatternIndicators(std::string_view text) {
  PatternExtraction out;
  COTENANT_RETURN_IF_ERROR(ParsePatternIndicators(text, out));
  return out;
}

Status ParsePatternIndicators(std::string_view text, PatternExtraction& out) {
  out.links.clear();
  out.issues.clear();
  if (SimpleIndicator(text, out)) return Status::Ok();
  out.indicators.clear();
  COTENANT_ASSIGN_OR_RETURN(PatternTerms terms, ParsePatternTerms(text));
  Mapper(terms, out).Run();
  return Status::Ok();
}

}  // namespace cotenant
