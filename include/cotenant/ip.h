// IpAddress: an IPv4 or IPv6 address in canonical form.
//
// IPv4-mapped IPv6 (::ffff:192.0.2.1) is the IPv4 address: Parse returns a v4 value, so one
// address has one representation everywhere (store, matcher, exports). IPv6 text is RFC 5952
// (lower case, longest zero run compressed, no leading zeros). A value type: copy freely.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "cotenant/status.h"

namespace cotenant {

class IpAddress {
 public:
  // Accepts dotted-quad IPv4 (no leading zeros, no shorthand like "10.1") and any RFC 4291
  // IPv6 text form (including embedded IPv4 and zone-free). Rejects surrounding spaces.
  static Result<IpAddress> Parse(std::string_view text);
  static IpAddress FromV4(uint32_t host_order);
  static IpAddress FromV6(const std::array<uint8_t, 16>& bytes);  // maps ::ffff:a.b.c.d to v4

  bool is_v4() const { return v4_; }
  int bit_length() const { return v4_ ? 32 : 128; }
  // Host-order IPv4 value; only meaningful when is_v4().
  uint32_t v4() const;
  // 16 network-order bytes; an IPv4 address is returned IPv4-mapped (::ffff:a.b.c.d).
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  std::string ToString() const;

  // Clears every bit after the first `prefix_len` bits.
  IpAddress Masked(int prefix_len) const;

  auto operator<=>(const IpAddress&) const = default;
  bool operator==(const IpAddress&) const = default;

 private:
  std::array<uint8_t, 16> bytes_{};
  bool v4_ = false;
};

}  // namespace cotenant

template <>
struct std::hash<cotenant::IpAddress> {
  size_t operator()(const cotenant::IpAddress& a) const noexcept;
};
