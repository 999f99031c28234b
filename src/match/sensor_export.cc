// Zeek intel and Suricata dataset exports of a MatchSnapshot (docs/match.md lists the losses).
#include "cotenant/sensor_export.h"

#include <algorithm>
#include <set>
#include <string>

#include "match/observed.h"

namespace cotenant {

namespace {

// What all records of one indicator say, merged.
struct Merged {
  std::set<std::string> actors, sources, roles;
  int confidence = -1;
  Tlp tlp = Tlp::kUnmarked;
  std::optional<int64_t> valid_from, valid_until;
  bool unbounded_from = false, unbounded_until = false;
};

Merged Merge(const MatchSnapshot& snap, uint32_t g) {
  Merged m;
  for (uint32_t e = 0; e < snap.EntryCount(g); ++e) {
    MatchEntry entry = snap.EntryAt(g, e);
    for (auto a : entry.actors) m.actors.emplace(a);
    for (auto s : entry.sources) m.sources.emplace(s);
    for (int r = 0; r < 32; ++r) {
      if (entry.role_bits & (1u << r)) m.roles.emplace(RoleName(static_cast<Role>(r)));
    }
    m.confidence = std::max(m.confidence, entry.confidence);
    m.tlp = MostRestrictive(m.tlp, entry.tlp);
    if (!entry.valid_from) m.unbounded_from = true;
    if (!entry.valid_until) m.unbounded_until = true;
    if (entry.valid_from && (!m.valid_from || *entry.valid_from < *m.valid_from))
      m.valid_from = entry.valid_from;
    if (entry.valid_until && (!m.valid_until || *entry.valid_until > *m.valid_until))
      m.valid_until = entry.valid_until;
  }
  if (m.unbounded_from) m.valid_from.reset();
  if (m.unbounded_until) m.valid_until.reset();
  return m;
}

std::string Join(const std::set<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

// Field text for TSV and rule strings: no tabs, newlines, quotes or semicolons.
std::string Clean(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r' || c == '"' || c == ';' || c == '\\') c = ' ';
  }
  return s;
}

std::string Describe(const Merged& m) {
  std::string d = "actors=" + (m.actors.empty() ? std::string("-") : Join(m.actors, ","));
  if (!m.roles.empty()) d += " roles=" + Join(m.roles, ",");
  if (m.confidence >= 0) d += " confidence=" + std::to_string(m.confidence);
  d += " tlp=" + std::string(TlpName(m.tlp));
  if (m.valid_from) d += " valid_from=" + Timestamp::FromUnixSeconds(*m.valid_from).ToString();
  if (m.valid_until) d += " valid_until=" + Timestamp::FromUnixSeconds(*m.valid_until).ToString();
  return Clean(d);
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint32_t{static_cast<uint8_t>(in[i])} << 16) |
                 (uint32_t{static_cast<uint8_t>(in[i + 1])} << 8) | static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint32_t{static_cast<uint8_t>(in[i])} << 16) |
                 (uint32_t{static_cast<uint8_t>(in[i + 1])} << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

void Skip(ExportReport* report, const std::string& reason) { ++report->skipped[reason]; }

void Loss(ExportReport* report, const std::string& loss) {
  if (std::find(report->losses.begin(), report->losses.end(), loss) == report->losses.end()) {
    report->losses.push_back(loss);
  }
}

// Common losses of both exports.
void CommonLosses(const Merged& m, ExportReport* report) {
  if (m.valid_from || m.valid_until) {
    Loss(report, "validity intervals: written as text only, the sensor matches at any time");
  }
  if (m.actors.size() > 1)
    Loss(report, "shared-infrastructure flag: only visible in the description text");
}

}  // namespace

Result<std::string> ZeekIntelFile(const MatchSnapshot& snap, ExportReport* report) {
  ExportReport local;
  if (report == nullptr) report = &local;
  std::string out = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n";
  for (uint32_t g = 0; g < snap.indicator_count(); ++g) {
    if (snap.EntryCount(g) == 0) continue;  // allowlist-only value
    if (snap.IsAllowlisted(g)) {
      Skip(report, "allowlisted: the allowlist suppresses it");
      continue;
    }
    std::string value(snap.IndicatorValueAt(g));
    const char* type = nullptr;
    switch (snap.IndicatorTypeAt(g)) {
      case IndicatorType::kIpv4:
      case IndicatorType::kIpv6:
        type = "Intel::ADDR";
        break;
      case IndicatorType::kCidr:
        type = "Intel::SUBNET";
        break;
      case IndicatorType::kDomain:
        type = "Intel::DOMAIN";
        if (value.starts_with("*.")) value = value.substr(2);
        Loss(report, "domain: Zeek matches the exact name only, not its subdomains");
        break;
      case IndicatorType::kUrl: {
        type = "Intel::URL";
        size_t scheme = value.find("://");
        if (value.compare(0, scheme, "http") != 0) {
          Loss(report,
               "url: non-http URLs are written without their scheme; Zeek sees only plain HTTP");
        }
        value = value.substr(scheme + 3);
        Loss(report, "url: matched as host+path without the scheme; no url-host matches");
        break;
      }
      case IndicatorType::kMd5:
      case IndicatorType::kSha1:
      case IndicatorType::kSha256:
        type = "Intel::FILE_HASH";
        break;
      case IndicatorType::kCertSha1:
        type = "Intel::CERT_HASH";
        break;
      case IndicatorType::kEmail:
        type = "Intel::EMAIL";
        break;
      case IndicatorType::kSha512:
        Skip(report, "sha512: Zeek's files framework computes md5, sha1 and sha256 only");
        continue;
      case IndicatorType::kCertSha256:
        Skip(report, "cert-sha256: Intel::CERT_HASH is the SHA-1 fingerprint");
        continue;
      case IndicatorType::kJa3:
      case IndicatorType::kJa3s:
      case IndicatorType::kJarm:
        Skip(report,
             std::string(IndicatorTypeName(snap.IndicatorTypeAt(g))) + ": no Zeek intel type");
        continue;
      default:
        Skip(report, std::string(IndicatorTypeName(snap.IndicatorTypeAt(g))) + ": not exportable");
        continue;
    }
    Merged m = Merge(snap, g);
    CommonLosses(m, report);
    std::string source = m.sources.empty() ? "cotenant" : Clean(Join(m.sources, ","));
    out += value + "\t" + type + "\t" + source + "\t" + Describe(m) + "\t-\n";
    ++report->exported;
  }
  Loss(report,
       "allowlist: Zeek intel has no exceptions; exactly allowlisted values are left out, but "
       "an indicator inside an allowlisted prefix or domain is still exported");
  Loss(report, "TLP marking and confidence: carried in meta.desc only");
  return out;
}

Result<SuricataExport> SuricataDatasets(const MatchSnapshot& snap, const SuricataOptions& options,
                                        ExportReport* report) {
  ExportReport local;
  if (report == nullptr) report = &local;
  SuricataExport out;
  const std::string& p = options.prefix;
  std::map<std::string, std::string> lists;  // dataset name -> lines
  std::string rules;
  uint32_t sid = options.first_sid;
  std::vector<std::string> v4_cidrs, v6_cidrs;
  for (uint32_t g = 0; g < snap.indicator_count(); ++g) {
    if (snap.EntryCount(g) == 0) continue;
    if (snap.IsAllowlisted(g)) {
      Skip(report, "allowlisted: the allowlist suppresses it");
      continue;
    }
    std::string value(snap.IndicatorValueAt(g));
    IndicatorType type = snap.IndicatorTypeAt(g);
    Merged m = Merge(snap, g);
    CommonLosses(m, report);
    switch (type) {
      case IndicatorType::kIpv4:
        lists[p + "-ipv4"] += value + "\n";
        break;
      case IndicatorType::kIpv6:
        lists[p + "-ipv6"] += value + "\n";
        break;
      case IndicatorType::kCidr:
        (value.find(':') == std::string::npos ? v4_cidrs : v6_cidrs).push_back(value);
        Loss(report,
             "cidr: written as rule address lists (no dataset type for prefixes); an alert says "
             "the address is in one of the rule's prefixes, not which, and not every covering one");
        break;
      case IndicatorType::kDomain:
        if (value.starts_with("*.")) value = value.substr(2);
        lists[p + "-domains"] += Base64(value) + "\n";
        Loss(report, "domain: a string dataset matches the exact name only, not its subdomains");
        break;
      case IndicatorType::kUrl: {
        std::string_view host = match_internal::UrlHostOf(value);
        size_t scheme = value.find("://");
        size_t path = value.find('/', scheme + 3);
        std::string target = path == std::string::npos ? "/" : value.substr(path);
        if (value.compare(0, scheme, "http") != 0) {
          Skip(report, "url: only http:// URLs are visible to Suricata's HTTP parser");
          continue;
        }
        rules += "alert http any any -> any any (msg:\"" + p + " url " + Clean(value) + " " +
                 Describe(m) + "\"; flow:established,to_server; http.host; content:\"" +
                 Clean(std::string(host)) + "\"; bsize:" + std::to_string(host.size()) +
                 "; http.uri; content:\"" + Clean(target) +
                 "\"; bsize:" + std::to_string(target.size()) + "; sid:" + std::to_string(sid++) +
                 "; rev:1;)\n";
        Loss(report,
             "url: http.uri is Suricata's normalized URI, not cotenant's canonical form; no "
             "url-host matches");
        break;
      }
      case IndicatorType::kMd5:
        lists[p + "-md5"] += value + "\n";
        break;
      case IndicatorType::kSha256:
        lists[p + "-sha256"] += value + "\n";
        break;
      case IndicatorType::kSha1:
        lists[p + "-sha1"] += value + "\n";
        break;
      case IndicatorType::kCertSha1: {
        std::string colons;
        for (size_t i = 0; i < value.size(); i += 2) {
          if (i > 0) colons += ':';
          colons += value.substr(i, 2);
        }
        lists[p + "-cert-sha1"] += Base64(colons) + "\n";
        break;
      }
      case IndicatorType::kJa3:
        lists[p + "-ja3"] += value + "\n";
        break;
      case IndicatorType::kJa3s:
        lists[p + "-ja3s"] += value + "\n";
        break;
      case IndicatorType::kSha512:
      case IndicatorType::kCertSha256:
      case IndicatorType::kJarm:
      case IndicatorType::kEmail:
        Skip(report,
             std::string(IndicatorTypeName(type)) + ": no Suricata dataset or keyword used here");
        continue;
      default:
        Skip(report, std::string(IndicatorTypeName(type)) + ": not exportable");
        continue;
    }
    ++report->exported;
  }
  auto dataset_rule = [&](const std::string& proto, const std::string& buffer,
                          const std::string& name, const std::string& type,
                          const std::string& what) {
    if (!lists.count(name)) return;
    rules += "alert " + proto + " any any -> any any (msg:\"" + p + " " + what + "\"; " + buffer +
             "; dataset:isset," + name + ",type " + type + ",load " + name +
             ".lst; sid:" + std::to_string(sid++) + "; rev:1;)\n";
  };
  dataset_rule("ip", "ip.src", p + "-ipv4", "ipv4", "IPv4 indicator as source");
  dataset_rule("ip", "ip.dst", p + "-ipv4", "ipv4", "IPv4 indicator as destination");
  dataset_rule("ip", "ip.src", p + "-ipv6", "ip", "IPv6 indicator as source");
  dataset_rule("ip", "ip.dst", p + "-ipv6", "ip", "IPv6 indicator as destination");
  dataset_rule("dns", "dns.query", p + "-domains", "string", "domain indicator in a DNS query");
  dataset_rule("http", "http.host", p + "-domains", "string", "domain indicator as HTTP host");
  dataset_rule("tls", "tls.sni", p + "-domains", "string", "domain indicator as TLS SNI");
  dataset_rule("tls", "tls.cert_fingerprint", p + "-cert-sha1", "string",
               "certificate SHA-1 indicator");
  dataset_rule("tls", "ja3.hash", p + "-ja3", "md5", "JA3 indicator");
  dataset_rule("tls", "ja3s.hash", p + "-ja3s", "md5", "JA3S indicator");
  // File hashes use the file keywords, whose list files are plain hex; one rule per
  // file-carrying protocol.
  for (const char* kind : {"md5", "sha1", "sha256"}) {
    std::string name = p + "-" + kind;
    if (!lists.count(name)) continue;
    for (const char* proto : {"http", "smtp", "ftp-data", "smb"}) {
      rules += "alert " + std::string(proto) + " any any -> any any (msg:\"" + p + " file " + kind +
               " indicator\"; file" + kind + ":" + name + ".lst; sid:" + std::to_string(sid++) +
               "; rev:1;)\n";
    }
  }
  // Prefixes as address lists, 500 per rule, both directions.
  for (auto* cidrs : {&v4_cidrs, &v6_cidrs}) {
    for (size_t i = 0; i < cidrs->size(); i += 500) {
      std::string group;
      for (size_t k = i; k < std::min(cidrs->size(), i + 500); ++k)
        group += (k > i ? "," : "") + (*cidrs)[k];
      for (bool to : {true, false}) {
        rules += "alert ip " + std::string(to ? "any" : "[" + group + "]") + " any -> " +
                 (to ? "[" + group + "]" : "any") + " any (msg:\"" + p + " CIDR indicator " +
                 (to ? "as destination" : "as source") + "\"; sid:" + std::to_string(sid++) +
                 "; rev:1;)\n";
      }
    }
  }
  Loss(report,
       "actors, roles, sources, confidence and TLP: only per-rule text for URLs; dataset hits "
       "carry no per-value metadata (look the value up with cotenant)");
  Loss(report,
       "allowlist: not exported; exactly allowlisted values are left out, but an indicator "
       "inside an allowlisted prefix or domain is still exported");
  for (auto& [name, body] : lists) out.files[name + ".lst"] = std::move(body);
  out.files[p + ".rules"] = std::move(rules);
  return out;
}

}  // namespace cotenant
