// Enrichment for the analysis: lists of known shared or benign values (MISP warninglists and
// cotenant's small built-in list of facts) and IP-to-ASN data (ip-location-db CSV, MaxMind
// ASN databases).
//
// A list hit never drops a value: the analysis keeps the value as evidence, weakens it, and
// lets the list's kind speak for a hypothesis (service provider, sinkhole, proxy/VPN/Tor).
// Both classes are immutable after loading; const members are safe from any thread. Loading
// is not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cotenant/cidr.h"
#include "cotenant/indicator.h"
#include "cotenant/ip.h"
#include "cotenant/status.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace cotenant {

// What a list says about the values on it; decides which hypothesis a hit supports.
enum class ListKind {
  kServiceProvider,  // CDN, cloud, public resolver, DDNS parent, paste/webhook, messenger...
  kSinkhole,         // researcher / registrar sinkholes
  kProxy,            // Tor exits, VPN and proxy exits
};
std::string_view ListKindName(ListKind kind);  // "service-provider", "sinkhole", "proxy"

// MISP warninglist matching types.
enum class ListMatch { kCidr, kHostname, kString, kSubstring, kRegex };

struct ListInfo {
  std::string name;
  std::string origin;  // the list.json path, or "built-in"
  ListKind kind = ListKind::kServiceProvider;
  ListMatch match = ListMatch::kString;
  // Hostname lists only: match the listed name itself, not its subdomains (a dynamic-DNS
  // parent is shared by every customer; a customer's own subdomain is not).
  bool exact_hostname = false;
  std::string citation;  // where the facts come from (built-in lists)
  size_t entries = 0;
};

struct ListHit {
  uint32_t list = 0;   // index into Warninglists::lists()
  std::string entry;   // the list entry that matched
  std::string detail;  // e.g. "value inside 8.8.8.0/24", "value contains listed 1.2.3.4/32"
};

class Warninglists {
 public:
  Warninglists() = default;
  Warninglists(Warninglists&&) = default;
  Warninglists& operator=(Warninglists&&) = default;

  // cotenant's built-in facts with their sources (docs/analysis.md lists them): Telegram's
  // address ranges and service domains, major public DNS resolvers, dynamic-DNS parent
  // domains, paste, webhook and tunnel services.
  static Warninglists BuiltIn();

  // Loads every list.json under `dir` (a MISP warninglists checkout, its lists/ folder, or one
  // list's folder). Errors name the file and the reason; entries a list type cannot hold (a
  // bad CIDR, an invalid regex) are skipped and reported in warnings().
  Status LoadMispDirectory(const std::string& dir);
  // One list.json document; `origin` names it in messages.
  Status LoadMispList(std::string_view json, std::string_view origin);
  // Adds one list programmatically (tests, built-ins). Entries are parsed as for MISP.
  void AddList(ListInfo info, const std::vector<std::string>& entries);

  const std::vector<ListInfo>& lists() const { return lists_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  bool empty() const { return lists_.empty(); }

  // Matching. CIDR lists: an address inside a listed prefix; a prefix value matches in both
  // directions (listed prefix contains it, or it contains a listed prefix), `contained_only`
  // restricts to the first. Hostname lists: the name or (unless exact_hostname) a parent.
  // String lists compare case-insensitively; substring and regex lists test the text.
  std::vector<ListHit> MatchIp(const IpAddress& ip) const;
  std::vector<ListHit> MatchPrefix(const IpPrefix& prefix, bool contained_only) const;
  std::vector<ListHit> MatchDomain(std::string_view canonical_domain) const;
  std::vector<ListHit> MatchText(std::string_view text) const;
  // A canonical indicator value of `type`, dispatched to the matchers above (a URL is matched
  // as text only: a URL on a service host is the actor's own page, e.g. a paste).
  std::vector<ListHit> Match(IndicatorType type, std::string_view canonical) const;

 private:
  void AddEntry(uint32_t list, const ListInfo& info, const std::string& entry);

  std::vector<ListInfo> lists_;
  std::vector<std::string> warnings_;
  struct PrefixEntry {
    IpPrefix prefix;
    uint32_t list;
  };
  std::vector<PrefixEntry> prefixes_;
  // (family, length, masked network) -> indexes into prefixes_
  std::unordered_multimap<std::string, uint32_t> prefix_index_;
  std::vector<int> v4_lengths_, v6_lengths_;                  // prefix lengths present, for masking
  std::unordered_multimap<std::string, uint32_t> hostnames_;  // name -> list
  std::unordered_multimap<std::string, uint32_t> strings_;    // lower-case text -> list
  struct Pattern {
    std::string text;
    uint32_t list;
  };
  std::vector<Pattern> substrings_;
  struct Regex {
    std::string text;
    std::shared_ptr<const re2::RE2> re;  // linear-time matching (RE2)
    uint32_t list;
  };
  std::vector<Regex> regexes_;
};

struct AsnInfo {
  uint32_t asn = 0;
  std::string organization;
};

// IP-to-ASN data. Ranges from ip-location-db CSV files ("start,end,asn,organization", IPv4 or
// IPv6) and MaxMind-format ASN databases (GeoLite2-ASN.mmdb, read with libmaxminddb) can be
// loaded together; CSV ranges are consulted first.
class AsnDatabase {
 public:
  AsnDatabase();
  ~AsnDatabase();
  AsnDatabase(AsnDatabase&&) noexcept;
  AsnDatabase& operator=(AsnDatabase&&) noexcept;

  // Loads a file by its content: a MaxMind database (".mmdb") or a CSV.
  Status Load(const std::string& path);
  Status LoadCsv(const std::string& path);
  // CSV text; `origin` names it in messages. Rows that cannot be read are errors (with line).
  Status AddCsv(std::string_view text, std::string_view origin);
  Status LoadMaxMind(const std::string& path);

  std::optional<AsnInfo> Lookup(const IpAddress& ip) const;
  bool empty() const;
  size_t range_count() const { return ranges_.size(); }

 private:
  struct Range {
    std::array<uint8_t, 16> first;
    std::array<uint8_t, 16> last;
    uint32_t asn;
    uint32_t organization;  // index into organizations_
  };
  std::vector<Range> ranges_;  // sorted by first, non-overlapping after Load
  std::vector<std::string> organizations_;
  std::unordered_map<std::string, uint32_t> organization_index_;
  struct MaxMind;
  std::vector<std::unique_ptr<MaxMind>> mmdbs_;
};

}  // namespace cotenant
