// MatchSnapshot: an immutable, compiled index of indicators for matching network telemetry.
//
// Built once (MatchSnapshotBuilder) from indicator records, saved as one versioned binary file
// (format in docs/match.md) and loaded again with mmap: loading maps the file and checks its
// structure, it does not rebuild anything. Membership is kept compact on the hot path (a flat
// open-addressing table of IPv4 keys, a flat table of string hashes, sorted range arrays for
// CIDRs); what an analyst needs on a hit (actors, roles, sources, confidence, marking, validity)
// lives in side tables reached by index, and is read only when something matched.
//
// Semantics of a lookup (Lookup):
//   - IPv4/IPv6 exact; an IPv4-mapped IPv6 observation is the IPv4 address.
//   - CIDR: every indicator prefix that covers the address is reported (nested prefixes too).
//   - Domains match themselves and every subdomain on a label boundary ("a.higan.org" is under
//     "higan.org", "michigan.org" is not); "*.example.org" means the same as "example.org".
//   - URLs match on their canonical text; an observed host that is the host of a URL indicator
//     is reported as a "url-host" match.
//   - File hashes, certificate SHA-1/SHA-256, JA3/JA3S/JARM and e-mail addresses match exactly
//     (hex case-insensitively).
//   - Allowlist: an observed value that matches an allowlist entry (exactly, by CIDR, or as a
//     subdomain) raises no hit at all, whatever indicators it also matches.
// Validity intervals are not applied by Lookup (it does not know the event time); the caller
// filters a hit's entries with EntryValidAt.
//
// Thread safety: a MatchSnapshot is immutable; any number of threads may call its const methods
// concurrently. Copies share the same underlying image (cheap). Views it returns (string_view)
// stay valid as long as any copy of the snapshot lives.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/indicator.h"
#include "cotenant/marking.h"
#include "cotenant/observation.h"
#include "cotenant/status.h"
#include "cotenant/timestamp.h"

namespace cotenant {

// What one source says about one indicator, as the matcher needs it on a hit.
struct MatchRecord {
  Indicator indicator;
  std::vector<std::string> actors;  // canonical actor names; empty = no actor named
  std::vector<Role> roles;
  std::vector<std::string> sources;
  int confidence = -1;  // STIX 0-100; -1 = not given
  Tlp tlp = Tlp::kUnmarked;
  // The record fires only for events inside [valid_from, valid_until]; nullopt = unbounded.
  // Stored with second precision as unsigned 32-bit Unix time: a bound after 2106 is unbounded.
  std::optional<Timestamp> valid_from;
  std::optional<Timestamp> valid_until;
};

// True when the matcher can observe indicators of this type in logs.
bool IsMatchableType(IndicatorType type);

// What kind of value a log field holds; decides which indexes a probe consults.
enum class ObservedKind : uint8_t {
  kIp,        // an address: exact IPv4/IPv6 and CIDR
  kHost,      // a DNS name or an address (DNS query, HTTP Host, TLS SNI, certificate SAN)
  kUrl,       // `value` is the host, `extra` the request target ("/a.php?x" or an absolute URL)
  kFileHash,  // MD5 / SHA-1 / SHA-256 / SHA-512 of a file
  kCertHash,  // certificate fingerprint, SHA-1 or SHA-256 by length, colons allowed
  kJa3,
  kJa3s,
  kJarm,
  kEmail,  // "user@example.org" or "Name <user@example.org>"; its domain is also a host
  kAny,    // an untyped value (plain lists): classified, then looked up as the above
};

// One observed value to look up. `value` and `extra` are borrowed for the call only.
struct Probe {
  std::string_view value;
  std::string_view extra;  // kUrl only
  uint32_t record = 0;     // caller's record index, copied into hits
  uint16_t field = 0;      // caller's field index, copied into hits
  ObservedKind kind = ObservedKind::kIp;
};

enum class MatchHow : uint8_t {
  kExact,      // same value
  kSubdomain,  // the observed name is a subdomain of the indicator domain
  kCidr,       // the observed address is inside the indicator prefix
  kUrlHost,    // the observed host is the host of the indicator URL
};
std::string_view MatchHowName(MatchHow how);  // "exact", "subdomain", "cidr", "url-host"

struct Hit {
  uint32_t probe = 0;      // index into the probe span given to Lookup
  uint32_t indicator = 0;  // indicator index in the snapshot (IndicatorAt, entries)
  MatchHow how = MatchHow::kExact;
};

// One record's metadata for an indicator: who, in which role, from which source, how sure,
// which marking, and when it is valid.
struct MatchEntry {
  std::vector<std::string_view> actors;
  std::vector<std::string_view> sources;
  uint32_t role_bits = 0;  // bit (1 << static_cast<int>(Role))
  int confidence = -1;
  Tlp tlp = Tlp::kUnmarked;
  std::optional<int64_t> valid_from;  // Unix seconds
  std::optional<int64_t> valid_until;
};

struct SnapshotStats {
  uint64_t indicators = 0;   // distinct indicators (allowlist-only values not counted)
  uint64_t allowlisted = 0;  // distinct allowlist values
  uint64_t entries = 0;      // metadata records after merging duplicates
  uint64_t ipv4 = 0, ipv6 = 0, cidr = 0, domains = 0, urls = 0, hashes = 0, certs = 0,
           tls_fingerprints = 0, emails = 0;
  uint64_t bytes = 0;              // size of the compiled image (the file size)
  uint64_t ipv4_table_bytes = 0;   // hot IPv4 membership table
  uint64_t ipv4_filter_bytes = 0;  // filter in front of it (0: none, as older files have)
};

class MatchSnapshot {
 public:
  // Maps `path` read-only and checks its structure (magic, version, section bounds, every
  // index in range). Errors name the file and what is wrong.
  static Result<MatchSnapshot> Load(const std::string& path);
  // Same checks on an in-memory image (copied).
  static Result<MatchSnapshot> FromBytes(std::string_view image);

  // Writes the image to `path` atomically (temporary file + rename).
  Status Save(const std::string& path) const;
  std::string_view image() const;

  // Looks up every probe and appends its hits to `hits` (hits of one probe are contiguous, in
  // probe order). Allocation-free once `hits` has grown to its working size. The batch call is
  // the primary API: IPv4 lookups are hashed and prefetched a window ahead. Returns the number
  // of probes whose hits the allowlist suppressed.
  size_t Lookup(std::span<const Probe> probes, std::vector<Hit>& hits) const;

  uint32_t indicator_count() const;  // indices run 0 .. indicator_count()-1 (incl. allow-only)
  IndicatorType IndicatorTypeAt(uint32_t indicator) const;
  std::string_view IndicatorValueAt(uint32_t indicator) const;  // canonical text
  bool IsAllowlisted(uint32_t indicator) const;
  uint32_t EntryCount(uint32_t indicator) const;
  MatchEntry EntryAt(uint32_t indicator, uint32_t entry) const;
  // Whether entry `entry` of `indicator` is valid at `unix_seconds`.
  bool EntryValidAt(uint32_t indicator, uint32_t entry, int64_t unix_seconds) const;

  int64_t built_at() const;  // Unix seconds
  SnapshotStats stats() const;

  struct Image;  // private, defined in src/match

 private:
  explicit MatchSnapshot(std::shared_ptr<const Image> image) : image_(std::move(image)) {}
  friend class MatchSnapshotBuilder;
  std::shared_ptr<const Image> image_;
};

class MatchSnapshotBuilder {
 public:
  MatchSnapshotBuilder();
  ~MatchSnapshotBuilder();
  MatchSnapshotBuilder(MatchSnapshotBuilder&&) noexcept;
  MatchSnapshotBuilder& operator=(MatchSnapshotBuilder&&) noexcept;

  // Adds an indicator record. The value must be canonical (as ParseIndicatorAs produces it).
  // Records for the same indicator are kept as separate entries (each with its own validity);
  // exact duplicates are merged. Errors: kUnsupported for a type logs cannot show (asn, ssdeep,
  // telegram, ...), kInvalidArgument for a value that is not canonical or an empty interval.
  Status Add(const MatchRecord& record);
  // Adds an allowlist value (ipv4, ipv6, cidr, domain, url, hashes, ...).
  Status AddAllow(const Indicator& indicator);
  size_t pending() const;

  // Compiles the snapshot. The builder is left empty.
  Result<MatchSnapshot> Build(Timestamp built_at = Timestamp::Now());

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cotenant
