// Keys: the levels at which a value can be shared (see keys.h).
#include "analysis/keys.h"

#include <algorithm>
#include <cctype>

#include "cotenant/cidr.h"
#include "cotenant/domain.h"
#include "cotenant/endpoint.h"
#include "cotenant/ip.h"
#include "cotenant/url.h"

namespace cotenant::analysis_internal {

uint32_t StringPool::Intern(std::string_view s) {
  auto it = index_.find(s);
  if (it != index_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  index_.emplace(strings_.back(), id);
  return id;
}

namespace {

// eTLD+1 of a canonical (A-label, lower-case) name, as DomainName::RegistrableDomain computes
// it, without re-parsing the name.
std::string Registrable(std::string_view name) {
  if (name.rfind("*.", 0) == 0) name.remove_prefix(2);
  for (size_t start = 0; start < name.size();) {
    if (IsPublicSuffix(name.substr(start))) {
      if (start == 0) return {};
      size_t end = start - 1;  // the dot before the suffix
      size_t dot = name.rfind('.', end - 1);
      return std::string(name.substr(dot == std::string_view::npos ? 0 : dot + 1));
    }
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return {};
}

std::string NormalizeOrganization(std::string_view org) {
  std::string out;
  for (char c : org) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out.push_back(static_cast<char>(std::tolower(u)));
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

struct Deriver {
  const AnalysisInput& input;
  const AsnDatabase* asn;
  KeyTable& table;
  std::vector<uint64_t>& out;

  void Ip(const IpAddress& ip) {
    if (ip.is_v4()) {
      out.push_back(MakeCode(KeyKind::kIp4, ip.v4()));
      out.push_back(MakeCode(KeyKind::kSlash24, ip.v4() >> 8));
    } else {
      out.push_back(MakeCode(KeyKind::kIp6, table.pool.Intern(ip.ToString())));
      out.push_back(
          MakeCode(KeyKind::kSlash48, table.pool.Intern(IpPrefix::Of(ip, 48).ToString())));
    }
    if (asn != nullptr) {
      if (auto info = asn->Lookup(ip)) {
        out.push_back(MakeCode(KeyKind::kAsn, info->asn));
        if (!info->organization.empty()) {
          table.asn_names.emplace(info->asn, info->organization);
          std::string org = NormalizeOrganization(info->organization);
          if (!org.empty()) out.push_back(MakeCode(KeyKind::kProvider, table.pool.Intern(org)));
        }
      }
    }
  }

  void Domain(std::string_view name) {
    out.push_back(MakeCode(KeyKind::kDomain, table.pool.Intern(name)));
    std::string reg = Registrable(name);
    if (!reg.empty()) out.push_back(MakeCode(KeyKind::kRegDomain, table.pool.Intern(reg)));
  }

  void Scheme(std::string_view path) {
    std::string scheme = PathScheme(path);
    if (!scheme.empty()) out.push_back(MakeCode(KeyKind::kPathScheme, table.pool.Intern(scheme)));
  }

  void Value(uint32_t v) {
    IndicatorType type = input.value_type(v);
    std::string_view text = input.value_text(v);
    auto other = [&](KeyKind kind) { out.push_back(MakeCode(kind, v)); };
    switch (type) {
      case IndicatorType::kIpv4:
      case IndicatorType::kIpv6: {
        auto ip = IpAddress::Parse(text);
        if (!ip.ok()) return other(KeyKind::kOther);
        return Ip(*ip);
      }
      case IndicatorType::kEndpoint: {
        auto ep = Endpoint::Parse(text);
        if (!ep.ok()) return other(KeyKind::kOther);
        if (ep->ip().is_v4()) {
          out.push_back(MakeCode(KeyKind::kEp4, (uint64_t{ep->ip().v4()} << 16) | ep->port()));
        } else {
          out.push_back(MakeCode(KeyKind::kEp6, table.pool.Intern(text)));
        }
        Ip(ep->ip());
        out.push_back(MakeCode(KeyKind::kPort, ep->port()));
        return;
      }
      case IndicatorType::kDomain:
        return Domain(text);
      case IndicatorType::kUrl: {
        other(KeyKind::kUrl);
        auto url = Url::Parse(text);
        if (!url.ok()) return;
        if (url->host_is_ip()) {
          auto ip = IpAddress::Parse(url->host());
          if (ip.ok()) {
            if (url->port()) {
              if (ip->is_v4()) {
                out.push_back(MakeCode(KeyKind::kEp4, (uint64_t{ip->v4()} << 16) | *url->port()));
              } else {
                out.push_back(MakeCode(KeyKind::kEp6,
                                       table.pool.Intern(Endpoint(*ip, *url->port()).ToString())));
              }
            }
            Ip(*ip);
          }
        } else if (!url->host().empty()) {
          Domain(url->host());
        }
        if (url->port()) out.push_back(MakeCode(KeyKind::kPort, *url->port()));
        return Scheme(url->path());
      }
      case IndicatorType::kUrlPath:
        other(KeyKind::kUrlPath);
        return Scheme(text);
      case IndicatorType::kMd5:
      case IndicatorType::kSha1:
      case IndicatorType::kSha256:
      case IndicatorType::kSha512:
      case IndicatorType::kSsdeep:
      case IndicatorType::kTlsh:
      case IndicatorType::kImphash:
        return other(KeyKind::kHash);
      case IndicatorType::kCertSha1:
      case IndicatorType::kCertSha256:
      case IndicatorType::kCertSerial:
        return other(KeyKind::kCert);
      case IndicatorType::kJa3:
      case IndicatorType::kJa3s:
      case IndicatorType::kJarm:
        return other(KeyKind::kTls);
      case IndicatorType::kEmail:
        return other(KeyKind::kEmail);
      case IndicatorType::kTelegramHandle:
      case IndicatorType::kTelegramBotToken:
        return other(KeyKind::kTelegram);
      case IndicatorType::kCidr:
        return other(KeyKind::kCidr);
      case IndicatorType::kAsn: {
        auto asn_value = Asn::Parse(text);
        if (!asn_value.ok()) return other(KeyKind::kOther);
        out.push_back(MakeCode(KeyKind::kAsn, asn_value->number()));
        return;
      }
    }
    other(KeyKind::kOther);
  }
};

}  // namespace

KeyTable BuildKeyTable(const AnalysisInput& input, const AsnDatabase* asn) {
  KeyTable table;
  const size_t n = input.value_count();
  std::vector<uint64_t> codes;
  codes.reserve(n * 3);
  std::vector<uint32_t> offsets;
  offsets.reserve(n + 1);
  offsets.push_back(0);
  Deriver d{input, asn, table, codes};
  for (uint32_t v = 0; v < n; ++v) {
    size_t begin = codes.size();
    d.Value(v);
    // Keep the exact key first; drop duplicates among the derived ones.
    std::sort(codes.begin() + static_cast<std::ptrdiff_t>(begin) + 1, codes.end());
    codes.erase(std::unique(codes.begin() + static_cast<std::ptrdiff_t>(begin) + 1, codes.end()),
                codes.end());
    offsets.push_back(static_cast<uint32_t>(codes.size()));
  }
  std::vector<uint64_t> unique = codes;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  table.codes = std::move(unique);
  table.value_offsets = std::move(offsets);
  table.value_keys.resize(codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    table.value_keys[i] = static_cast<uint32_t>(
        std::lower_bound(table.codes.begin(), table.codes.end(), codes[i]) - table.codes.begin());
  }
  table.key_value.assign(table.codes.size(), KeyTable::kNone);
  for (uint32_t v = 0; v < n; ++v) table.key_value[table.exact_key(v)] = v;
  return table;
}

std::string KeyText(const KeyTable& keys, const AnalysisInput& input, uint32_t key) {
  uint64_t code = keys.codes[key];
  uint64_t payload = CodePayload(code);
  switch (CodeKind(code)) {
    case KeyKind::kIp4:
      return IpAddress::FromV4(static_cast<uint32_t>(payload)).ToString();
    case KeyKind::kEp4:
      return Endpoint(IpAddress::FromV4(static_cast<uint32_t>(payload >> 16)),
                      static_cast<uint16_t>(payload & 0xffff))
          .ToString();
    case KeyKind::kSlash24:
      return IpPrefix::Of(IpAddress::FromV4(static_cast<uint32_t>(payload << 8)), 24).ToString();
    case KeyKind::kAsn: {
      std::string text = "AS" + std::to_string(payload);
      auto it = keys.asn_names.find(static_cast<uint32_t>(payload));
      if (it != keys.asn_names.end()) text += " (" + it->second + ")";
      return text;
    }
    case KeyKind::kPort:
      return "port " + std::to_string(payload);
    case KeyKind::kIp6:
    case KeyKind::kEp6:
    case KeyKind::kSlash48:
    case KeyKind::kDomain:
    case KeyKind::kProvider:
    case KeyKind::kRegDomain:
    case KeyKind::kPathScheme:
      return std::string(keys.pool.Get(static_cast<uint32_t>(payload)));
    case KeyKind::kUrl:
    case KeyKind::kUrlPath:
    case KeyKind::kHash:
    case KeyKind::kCert:
    case KeyKind::kTls:
    case KeyKind::kEmail:
    case KeyKind::kTelegram:
    case KeyKind::kCidr:
    case KeyKind::kOther:
      return std::string(input.value_text(static_cast<uint32_t>(payload)));
  }
  return {};
}

EvidenceLevel KeyLevel(KeyKind kind) {
  switch (kind) {
    case KeyKind::kIp4:
    case KeyKind::kIp6:
      return EvidenceLevel::kIp;
    case KeyKind::kEp4:
    case KeyKind::kEp6:
      return EvidenceLevel::kIpPort;
    case KeyKind::kDomain:
      return EvidenceLevel::kDomain;
    case KeyKind::kUrl:
      return EvidenceLevel::kUrl;
    case KeyKind::kUrlPath:
      return EvidenceLevel::kUrlPath;
    case KeyKind::kHash:
      return EvidenceLevel::kFileHash;
    case KeyKind::kCert:
      return EvidenceLevel::kCertificate;
    case KeyKind::kTls:
      return EvidenceLevel::kTlsFingerprint;
    case KeyKind::kEmail:
      return EvidenceLevel::kEmail;
    case KeyKind::kTelegram:
      return EvidenceLevel::kTelegram;
    case KeyKind::kCidr:
      return EvidenceLevel::kCidr;
    case KeyKind::kAsn:
      return EvidenceLevel::kAsn;
    case KeyKind::kOther:
      return EvidenceLevel::kOtherExact;
    case KeyKind::kSlash24:
      return EvidenceLevel::kSlash24;
    case KeyKind::kSlash48:
      return EvidenceLevel::kSlash48;
    case KeyKind::kProvider:
      return EvidenceLevel::kProvider;
    case KeyKind::kRegDomain:
      return EvidenceLevel::kRegistrableDomain;
    case KeyKind::kPathScheme:
      return EvidenceLevel::kPathScheme;
    case KeyKind::kPort:
      return EvidenceLevel::kPort;
  }
  return EvidenceLevel::kOtherExact;
}

std::string_view LevelFamily(EvidenceLevel level) {
  switch (level) {
    case EvidenceLevel::kIpPort:
    case EvidenceLevel::kIp:
    case EvidenceLevel::kCidr:
    case EvidenceLevel::kSlash24:
    case EvidenceLevel::kSlash48:
    case EvidenceLevel::kAsn:
    case EvidenceLevel::kProvider:
    case EvidenceLevel::kWidelyShared:
      return "network";
    case EvidenceLevel::kDomain:
    case EvidenceLevel::kRegistrableDomain:
    case EvidenceLevel::kPdnsLink:
    case EvidenceLevel::kPdnsSharedIp:
      return "dns";
    case EvidenceLevel::kUrl:
    case EvidenceLevel::kUrlPath:
    case EvidenceLevel::kPathScheme:
    case EvidenceLevel::kPort:
      return "http";
    case EvidenceLevel::kCertificate:
    case EvidenceLevel::kCertOnIps:
    case EvidenceLevel::kTlsFingerprint:
      return "tls";
    case EvidenceLevel::kTelegram:
      return "messaging";
    case EvidenceLevel::kEmail:
      return "email";
    case EvidenceLevel::kFileHash:
      return "code";
    case EvidenceLevel::kRelated:
    case EvidenceLevel::kOtherExact:
      return "other";
    case EvidenceLevel::kNaming:
      return "naming";
    case EvidenceLevel::kPairSummary:
      return "pair";
  }
  return "other";
}

// Level weights: how strong a shared value at this level is before specificity and time.
// A dedicated IP:port, URL or certificate is nearly unique to its operator; an IP is weaker
// (ports and tenants change); /24, ASN and provider are what renting from the same company
// looks like. docs/analysis.md has the table.
double LevelWeight(EvidenceLevel level) {
  switch (level) {
    case EvidenceLevel::kIpPort:
      return 1.0;
    case EvidenceLevel::kUrl:
      return 1.0;
    case EvidenceLevel::kCertificate:
      return 0.95;
    case EvidenceLevel::kTelegram:
      return 0.95;
    case EvidenceLevel::kEmail:
      return 0.9;
    case EvidenceLevel::kDomain:
      return 0.9;
    case EvidenceLevel::kFileHash:
      return 0.9;
    case EvidenceLevel::kCertOnIps:
      return 0.8;
    case EvidenceLevel::kPdnsLink:
      return 0.75;
    case EvidenceLevel::kIp:
      return 0.7;
    case EvidenceLevel::kPdnsSharedIp:
      return 0.6;
    case EvidenceLevel::kRelated:
      return 0.6;
    case EvidenceLevel::kCidr:
      return 0.5;
    case EvidenceLevel::kOtherExact:
      return 0.5;
    case EvidenceLevel::kRegistrableDomain:
      return 0.5;
    case EvidenceLevel::kUrlPath:
      return 0.45;
    case EvidenceLevel::kTlsFingerprint:
      return 0.35;
    case EvidenceLevel::kPathScheme:
      return 0.3;
    case EvidenceLevel::kSlash24:
    case EvidenceLevel::kSlash48:
      return 0.2;
    case EvidenceLevel::kProvider:
      return 0.06;
    case EvidenceLevel::kAsn:
      return 0.05;
    case EvidenceLevel::kPort:
      return 0.05;
    case EvidenceLevel::kWidelyShared:
      return 1.0;  // the aggregate carries its own weight
    case EvidenceLevel::kNaming:
    case EvidenceLevel::kPairSummary:
      return 0;
  }
  return 0;
}

ValueDetail DetailOf(IndicatorType type, std::string_view canonical) {
  ValueDetail d;
  if (type == IndicatorType::kEndpoint) {
    if (auto ep = Endpoint::Parse(canonical); ep.ok()) d.port = ep->port();
  } else if (type == IndicatorType::kUrl) {
    if (auto url = Url::Parse(canonical); url.ok()) {
      if (url->port()) {
        d.port = *url->port();
      } else if (url->scheme() == "https") {
        d.port = 443;
      } else if (url->scheme() == "http") {
        d.port = 80;
      }
      if (url->path() != "/") d.path = url->path();
    }
  }
  return d;
}

}  // namespace cotenant::analysis_internal

namespace cotenant {

std::string PathScheme(std::string_view path) {
  size_t q = path.find_first_of("?#");
  if (q != std::string_view::npos) path = path.substr(0, q);
  if (path.empty() || path == "/") return {};
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    char c = path[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      // A run of hex digits of 8+ with at least one digit is an identifier (H); a digit run N.
      size_t j = i;
      while (j < path.size() && std::isxdigit(static_cast<unsigned char>(path[j]))) ++j;
      if (j - i >= 8) {
        out += 'H';
        i = j;
        continue;
      }
      while (i < path.size() && std::isdigit(static_cast<unsigned char>(path[i]))) ++i;
      out += 'N';
      continue;
    }
    if (std::isxdigit(static_cast<unsigned char>(c)) && (out.empty() || out.back() == '/')) {
      size_t j = i;
      bool digit = false;
      while (j < path.size() && std::isxdigit(static_cast<unsigned char>(path[j]))) {
        digit |= std::isdigit(static_cast<unsigned char>(path[j])) != 0;
        ++j;
      }
      if (j - i >= 8 && digit && (j == path.size() || path[j] == '/' || path[j] == '.')) {
        out += 'H';
        i = j;
        continue;
      }
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ++i;
  }
  static constexpr std::string_view kGeneric[] = {
      "/",      "/index.html", "/index.htm", "/index.php",   "/favicon.ico", "/robots.txt",
      "/login", "/login.php",  "/admin",     "/admin/",      "/api",         "/wp-login.php",
      "/N",     "/N/",         "/H",         "/default.aspx"};
  for (std::string_view g : kGeneric) {
    if (out == g) return {};
  }
  return out;
}

}  // namespace cotenant
