// Fuzz target for the network value types: IpAddress, IpPrefix (both host-bit policies),
// Endpoint and Asn. Properties, each checked with abort():
// - every accepted value round-trips: Parse(ToString(x)) == x, and ToString is a fixed point;
// - IpAddress::Parse accepts exactly what glibc's inet_pton accepts (AF_INET or AF_INET6; both
//   are strict: no leading zeros, no shorthand, no zones) and yields the same address;
// - an accepted prefix is masked, contains its network, appears in CoveringPrefixes of its
//   network, and kReject accepts a subset of kMask with the same result;
// - the first 4 / 16 input bytes as a raw address print to text that parses back to it.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "cotenant/cidr.h"
#include "cotenant/endpoint.h"
#include "cotenant/ip.h"

namespace {

using cotenant::Asn;
using cotenant::Endpoint;
using cotenant::HostBits;
using cotenant::IpAddress;
using cotenant::IpPrefix;

void Check(bool condition) {
  if (!condition) std::abort();
}

template <typename T, typename ParseFn>
void CheckRoundTrip(const T& value, ParseFn parse) {
  const std::string text = value.ToString();
  auto again = parse(text);
  Check(again.ok() && *again == value && again->ToString() == text);
}

// inet_pton's answer as an IpAddress; false when it rejects the text.
bool PtonParse(const std::string& text, IpAddress* out) {
  if (text.find('\0') != std::string::npos) return false;
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
    *out = IpAddress::FromV4((uint32_t{buf[0]} << 24) | (uint32_t{buf[1]} << 16) |
                             (uint32_t{buf[2]} << 8) | uint32_t{buf[3]});
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) {
    std::array<uint8_t, 16> bytes;
    std::memcpy(bytes.data(), buf, 16);
    *out = IpAddress::FromV6(bytes);
    return true;
  }
  return false;
}

void CheckAddress(const IpAddress& ip) {
  CheckRoundTrip(ip, [](std::string_view t) { return IpAddress::Parse(t); });
  IpAddress from_pton;
  Check(PtonParse(ip.ToString(), &from_pton) && from_pton == ip);
  Check(ip.is_v4() == (ip.bit_length() == 32));
  const auto covering = cotenant::CoveringPrefixes(ip);
  Check(covering.size() == static_cast<size_t>(ip.bit_length()) + 1);
  for (const IpPrefix& p : covering) Check(p.Contains(ip) && p.network() == ip.Masked(p.length()));
  CheckRoundTrip(covering[covering.size() / 2],
                 [](std::string_view t) { return IpPrefix::Parse(t); });
  CheckRoundTrip(Endpoint(ip, 443), [](std::string_view t) { return Endpoint::Parse(t); });
}

void CheckPrefix(const IpPrefix& p) {
  CheckRoundTrip(p, [](std::string_view t) { return IpPrefix::Parse(t); });
  Check(p.length() >= 0 && p.length() <= p.network().bit_length());
  Check(p.network().Masked(p.length()) == p.network());
  Check(p.Contains(p.network()) && p.Contains(p));
  const auto covering = cotenant::CoveringPrefixes(p.network());
  Check(covering[static_cast<size_t>(p.network().bit_length() - p.length())] == p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto ip = IpAddress::Parse(text);
  IpAddress from_pton;
  const bool pton_ok = PtonParse(std::string(text), &from_pton);
  Check(ip.ok() == pton_ok);
  if (ip.ok()) {
    Check(*ip == from_pton);
    CheckAddress(*ip);
  } else {
    Check(!ip.status().message().empty());
  }

  auto strict = IpPrefix::Parse(text, HostBits::kReject);
  auto masked = IpPrefix::Parse(text, HostBits::kMask);
  if (strict.ok()) {
    Check(masked.ok() && *masked == *strict);
    CheckPrefix(*strict);
  }
  if (masked.ok()) {
    CheckPrefix(*masked);
    if (!strict.ok()) {
      Check(strict.status().message().find("host bits set") != std::string::npos);
    }
  }

  auto endpoint = Endpoint::Parse(text);
  if (endpoint.ok()) {
    Check(endpoint->port() != 0);
    CheckRoundTrip(*endpoint, [](std::string_view t) { return Endpoint::Parse(t); });
  }

  auto asn = Asn::Parse(text);
  if (asn.ok()) CheckRoundTrip(*asn, [](std::string_view t) { return Asn::Parse(t); });

  // The raw bytes as addresses: exercises ToString on arbitrary values.
  if (size >= 4) {
    uint32_t v4 = 0;
    std::memcpy(&v4, data, 4);
    CheckAddress(IpAddress::FromV4(v4));
  }
  if (size >= 16) {
    std::array<uint8_t, 16> bytes;
    std::memcpy(bytes.data(), data, 16);
    const IpAddress v6 = IpAddress::FromV6(bytes);
    Check(v6.bytes() == bytes);
    CheckAddress(v6);
  }
  return 0;
}
