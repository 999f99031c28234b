// Endpoint: an IP address with a port ("192.0.2.1:443", "[2001:db8::1]:8443"), and Asn.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cotenant/ip.h"
#include "cotenant/status.h"

namespace cotenant {

class Endpoint {
 public:
  // IPv6 must be bracketed (and only IPv6 may be). Port 1-65535, decimal, no sign, no leading zero.
  static Result<Endpoint> Parse(std::string_view text);
  Endpoint(IpAddress ip, uint16_t port) : ip_(ip), port_(port) {}

  const IpAddress& ip() const { return ip_; }
  uint16_t port() const { return port_; }
  std::string ToString() const;

  auto operator<=>(const Endpoint&) const = default;
  bool operator==(const Endpoint&) const = default;

 private:
  IpAddress ip_;
  uint16_t port_ = 0;
};

// An autonomous system number. Accepts "AS12345", "as 12345", "ASN12345", "12345" and asdot
// "AS1.10" (RFC 5396); 32-bit. Rejects the placeholders feeds write for "unknown": AS0
// (RFC 7607), AS23456 (AS_TRANS) and AS4294967295 (RFC 7300).
class Asn {
 public:
  static Result<Asn> Parse(std::string_view text);
  explicit Asn(uint32_t number) : number_(number) {}
  uint32_t number() const { return number_; }
  std::string ToString() const;  // "AS12345"
  auto operator<=>(const Asn&) const = default;
  bool operator==(const Asn&) const = default;

 private:
  uint32_t number_ = 0;
};

}  // namespace cotenant
