// Warninglists: MISP warninglist loading and matching (see enrichment.h).
#include <re2/re2.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cotenant/domain.h"
#include "cotenant/endpoint.h"
#include "cotenant/enrichment.h"
#include "cotenant/url.h"

namespace cotenant {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The list's kind from its name, description and category: MISP has no field for it.
ListKind GuessKind(std::string_view name, std::string_view description) {
  std::string text = Lower(name) + " " + Lower(description);
  if (text.find("sinkhole") != std::string::npos) return ListKind::kSinkhole;
  // MISP's vpn-ipv4/-ipv6 lists cover "VPN providers and datacenters": whole hosting ranges
  // (Vultr, Azure, AWS...) where a rented server is not an exit node. Such a mixed list says
  // "shared provider", not "proxy".
  if (text.find("datacenter") != std::string::npos ||
      text.find("data center") != std::string::npos) {
    return ListKind::kServiceProvider;
  }
  if (text.find("tor ") != std::string::npos || text.find("tor exit") != std::string::npos ||
      text.find(" tor") != std::string::npos || text.find("vpn") != std::string::npos ||
      text.find("proxy") != std::string::npos || text.find("proxies") != std::string::npos ||
      text.find("anonymi") != std::string::npos) {
    return ListKind::kProxy;
  }
  return ListKind::kServiceProvider;
}

std::optional<ListMatch> MatchFromName(std::string_view type) {
  if (type == "cidr") return ListMatch::kCidr;
  if (type == "hostname") return ListMatch::kHostname;
  if (type == "string") return ListMatch::kString;
  if (type == "substring") return ListMatch::kSubstring;
  if (type == "regex") return ListMatch::kRegex;
  return std::nullopt;
}

std::string PrefixKey(const IpAddress& network, int length) {
  std::string key;
  key.push_back(static_cast<char>(network.is_v4() ? 0 : 1));
  key.push_back(static_cast<char>(length));
  if (network.is_v4()) {
    uint32_t v = network.v4();
    for (int i = 3; i >= 0; --i) key.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  } else {
    for (uint8_t b : network.bytes()) key.push_back(static_cast<char>(b));
  }
  return key;
}

// "/regex/flags" as PHP writes MISP regexes, or a bare pattern. RE2 runs in time linear in the
// text whatever the pattern, so a hostile or careless list (`(a+)+$`) cannot stall an analysis;
// the price is that back-references and look-around are refused (reported as warnings).
Result<std::shared_ptr<const re2::RE2>> CompileRegex(std::string_view text) {
  std::string pattern(text);
  re2::RE2::Options options;
  options.set_log_errors(false);
  if (pattern.size() >= 2 && pattern.front() == '/') {
    size_t end = pattern.rfind('/');
    if (end > 0) {
      std::string mods = pattern.substr(end + 1);
      pattern = pattern.substr(1, end - 1);
      if (mods.find('i') != std::string::npos) options.set_case_sensitive(false);
    }
  }
  auto re = std::make_shared<const re2::RE2>(pattern, options);
  if (!re->ok()) {
    return InvalidArgument("invalid or unsupported regex `" + std::string(text) +
                           "`: " + re->error());
  }
  return re;
}

}  // namespace

std::string_view ListKindName(ListKind kind) {
  switch (kind) {
    case ListKind::kServiceProvider:
      return "service-provider";
    case ListKind::kSinkhole:
      return "sinkhole";
    case ListKind::kProxy:
      return "proxy";
  }
  return "service-provider";
}

void Warninglists::AddEntry(uint32_t list, const ListInfo& info, const std::string& raw) {
  std::string entry(raw);
  while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.back()))) entry.pop_back();
  size_t start = 0;
  while (start < entry.size() && std::isspace(static_cast<unsigned char>(entry[start]))) ++start;
  entry = entry.substr(start);
  if (entry.empty()) return;
  auto warn = [&](std::string_view reason) {
    warnings_.push_back(info.origin + ": list \"" + info.name + "\": entry `" + entry +
                        "` skipped: " + std::string(reason));
  };
  switch (info.match) {
    case ListMatch::kCidr: {
      std::optional<IpPrefix> prefix;
      if (entry.find('/') != std::string::npos) {
        auto p = IpPrefix::Parse(entry, HostBits::kMask);
        if (!p.ok()) return warn(p.status().message());
        prefix = *p;
      } else {
        auto ip = IpAddress::Parse(entry);
        if (!ip.ok()) return warn(ip.status().message());
        prefix = IpPrefix::Of(*ip, ip->bit_length());
      }
      auto& lengths = prefix->is_v4() ? v4_lengths_ : v6_lengths_;
      if (std::find(lengths.begin(), lengths.end(), prefix->length()) == lengths.end()) {
        lengths.push_back(prefix->length());
        std::sort(lengths.begin(), lengths.end());
      }
      prefix_index_.emplace(PrefixKey(prefix->network(), prefix->length()),
                            static_cast<uint32_t>(prefixes_.size()));
      prefixes_.push_back({*prefix, list});
      return;
    }
    case ListMatch::kHostname: {
      std::string name = Lower(entry);
      while (!name.empty() && (name.front() == '.' || name.front() == '*')) name.erase(0, 1);
      while (!name.empty() && name.back() == '.') name.pop_back();
      if (name.empty()) return warn("empty host name");
      // IDN entries: canonicalize to A-labels as the values are.
      if (auto d = DomainName::Parse(name); d.ok()) name = d->ascii();
      hostnames_.emplace(name, list);
      return;
    }
    case ListMatch::kString:
      strings_.emplace(Lower(entry), list);
      return;
    case ListMatch::kSubstring:
      substrings_.push_back({Lower(entry), list});
      return;
    case ListMatch::kRegex: {
      auto re = CompileRegex(entry);
      if (!re.ok()) return warn(re.status().message());
      regexes_.push_back({entry, std::move(*re), list});
      return;
    }
  }
}

void Warninglists::AddList(ListInfo info, const std::vector<std::string>& entries) {
  uint32_t index = static_cast<uint32_t>(lists_.size());
  info.entries = entries.size();
  lists_.push_back(info);
  for (const auto& e : entries) AddEntry(index, lists_.back(), e);
}

Status Warninglists::LoadMispList(std::string_view json, std::string_view origin) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc); err) {
    return InvalidArgument(std::string(origin) + ": not JSON: " + simdjson::error_message(err));
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    return InvalidArgument(std::string(origin) + ": a warninglist must be a JSON object");
  }
  std::string_view name, type, description;
  if (obj["name"].get_string().get(name)) {
    return InvalidArgument(std::string(origin) + ": warninglist without a \"name\"");
  }
  if (obj["type"].get_string().get(type)) type = "string";  // MISP's default
  if (obj["description"].get_string().get(description)) description = "";
  auto match = MatchFromName(type);
  if (!match) {
    return Unsupported(std::string(origin) + ": warninglist type \"" + std::string(type) +
                       "\" is not one of cidr, hostname, string, substring, regex");
  }
  simdjson::dom::array list;
  if (obj["list"].get_array().get(list)) {
    return InvalidArgument(std::string(origin) + ": warninglist without a \"list\" array");
  }
  std::vector<std::string> entries;
  for (simdjson::dom::element e : list) {
    std::string_view s;
    if (e.get_string().get(s)) {
      warnings_.push_back(std::string(origin) + ": a non-string entry was skipped");
      continue;
    }
    entries.emplace_back(s);
  }
  ListInfo info;
  info.name = std::string(name);
  info.origin = std::string(origin);
  info.kind = GuessKind(name, description);
  info.match = *match;
  AddList(std::move(info), entries);
  return Status::Ok();
}

Status Warninglists::LoadMispDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return NotFound(dir + ": not a directory (expected a MISP warninglists folder)");
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().filename() == "list.json") files.push_back(it->path());
  }
  if (ec) return IoError(dir + ": " + ec.message());
  if (files.empty()) return NotFound(dir + ": no list.json found");
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return IoError(f.string() + ": cannot read");
    std::stringstream buffer;
    buffer << in.rdbuf();
    COTENANT_RETURN_IF_ERROR(LoadMispList(buffer.str(), f.string()));
  }
  return Status::Ok();
}

std::vector<ListHit> Warninglists::MatchIp(const IpAddress& ip) const {
  std::vector<ListHit> hits;
  const auto& lengths = ip.is_v4() ? v4_lengths_ : v6_lengths_;
  for (int len : lengths) {
    auto range = prefix_index_.equal_range(PrefixKey(ip.Masked(len), len));
    for (auto it = range.first; it != range.second; ++it) {
      const PrefixEntry& e = prefixes_[it->second];
      hits.push_back(
          {e.list, e.prefix.ToString(),
           len == ip.bit_length() ? "listed address" : "address inside " + e.prefix.ToString()});
    }
  }
  return hits;
}

std::vector<ListHit> Warninglists::MatchPrefix(const IpPrefix& prefix, bool contained_only) const {
  std::vector<ListHit> hits;
  const auto& lengths = prefix.is_v4() ? v4_lengths_ : v6_lengths_;
  for (int len : lengths) {
    if (len > prefix.length()) break;
    auto range = prefix_index_.equal_range(PrefixKey(prefix.network().Masked(len), len));
    for (auto it = range.first; it != range.second; ++it) {
      const PrefixEntry& e = prefixes_[it->second];
      hits.push_back(
          {e.list, e.prefix.ToString(),
           len == prefix.length() ? "listed prefix" : "prefix inside " + e.prefix.ToString()});
    }
  }
  if (contained_only) return hits;
  for (const PrefixEntry& e : prefixes_) {
    if (e.prefix.length() > prefix.length() && prefix.Contains(e.prefix)) {
      hits.push_back(
          {e.list, e.prefix.ToString(), "prefix contains listed " + e.prefix.ToString()});
    }
  }
  return hits;
}

std::vector<ListHit> Warninglists::MatchDomain(std::string_view canonical_domain) const {
  std::vector<ListHit> hits;
  std::string name = Lower(canonical_domain);
  if (name.rfind("*.", 0) == 0) name.erase(0, 2);
  for (size_t start = 0; start < name.size();) {
    std::string suffix = name.substr(start);
    auto range = hostnames_.equal_range(suffix);
    for (auto it = range.first; it != range.second; ++it) {
      const ListInfo& info = lists_[it->second];
      if (start != 0 && info.exact_hostname) continue;
      hits.push_back({it->second, suffix, start == 0 ? "listed name" : "under " + suffix});
    }
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::vector<ListHit> text = MatchText(name);
  hits.insert(hits.end(), text.begin(), text.end());
  return hits;
}

std::vector<ListHit> Warninglists::MatchText(std::string_view text) const {
  std::vector<ListHit> hits;
  if (strings_.empty() && substrings_.empty() && regexes_.empty()) return hits;
  std::string lower = Lower(text);
  auto range = strings_.equal_range(lower);
  for (auto it = range.first; it != range.second; ++it) {
    hits.push_back({it->second, it->first, "listed value"});
  }
  for (const Pattern& p : substrings_) {
    if (lower.find(p.text) != std::string::npos) {
      hits.push_back({p.list, p.text, "contains " + p.text});
    }
  }
  for (const Regex& r : regexes_) {
    if (re2::RE2::PartialMatch(text, *r.re)) {
      hits.push_back({r.list, r.text, "matches " + r.text});
    }
  }
  return hits;
}

std::vector<ListHit> Warninglists::Match(IndicatorType type, std::string_view canonical) const {
  switch (type) {
    case IndicatorType::kIpv4:
    case IndicatorType::kIpv6: {
      auto ip = IpAddress::Parse(canonical);
      if (!ip.ok()) return {};
      std::vector<ListHit> hits = MatchIp(*ip);
      std::vector<ListHit> text = MatchText(canonical);
      hits.insert(hits.end(), text.begin(), text.end());
      return hits;
    }
    case IndicatorType::kEndpoint: {
      auto ep = Endpoint::Parse(canonical);
      if (!ep.ok()) return {};
      std::vector<ListHit> hits = MatchIp(ep->ip());
      std::vector<ListHit> text = MatchText(canonical);
      hits.insert(hits.end(), text.begin(), text.end());
      return hits;
    }
    case IndicatorType::kCidr: {
      auto p = IpPrefix::Parse(canonical, HostBits::kMask);
      if (!p.ok()) return {};
      return MatchPrefix(*p, /*contained_only=*/false);
    }
    case IndicatorType::kDomain:
      return MatchDomain(canonical);
    default:
      return MatchText(canonical);
  }
}

}  // namespace cotenant
