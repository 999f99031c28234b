// IpPrefix: a CIDR block (IPv4 or IPv6) and prefix containment.
//
// Host bits: "10.0.0.1/8" is rejected by default ("host bits set in 10.0.0.1/8") because a feed
// that writes it usually means the host, not the /8; callers that ingest feeds may pass
// HostBits::kMask to accept it as 10.0.0.0/8 (the caller reports that it did). An IPv4-mapped
// IPv6 prefix (::ffff:0:0/96 and longer) is the IPv4 prefix.
//
// Containment never crosses families: an IPv6 prefix, even ::/0, contains no IPv4 address,
// so p.Contains(a) holds exactly for the prefixes p in CoveringPrefixes(a).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cotenant/ip.h"
#include "cotenant/status.h"

namespace cotenant {

enum class HostBits { kReject, kMask };

class IpPrefix {
 public:
  // "192.0.2.0/24", "2001:db8::/32". A bare address is not a prefix (use IpAddress).
  static Result<IpPrefix> Parse(std::string_view text, HostBits host_bits = HostBits::kReject);
  // Requires 0 <= length <= address.bit_length(); masks host bits.
  static IpPrefix Of(const IpAddress& address, int length);

  const IpAddress& network() const { return network_; }
  int length() const { return length_; }
  bool is_v4() const { return network_.is_v4(); }

  bool Contains(const IpAddress& address) const;
  // True when `other` lies entirely inside this prefix (a prefix contains itself).
  bool Contains(const IpPrefix& other) const;
  bool Overlaps(const IpPrefix& other) const { return Contains(other) || other.Contains(*this); }

  std::string ToString() const;  // "192.0.2.0/24"

  auto operator<=>(const IpPrefix&) const = default;
  bool operator==(const IpPrefix&) const = default;

 private:
  IpAddress network_;
  int length_ = 0;
};

// Every prefix that covers `address`, most specific first: /32 .. /0 (or /128 .. /0).
std::vector<IpPrefix> CoveringPrefixes(const IpAddress& address);

}  // namespace cotenant
