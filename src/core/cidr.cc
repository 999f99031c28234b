#include "cotenant/cidr.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

#include "core/net_text.h"

namespace cotenant {
namespace {

// Clears every bit of `bytes` after the first `keep` bits (0-128).
std::array<uint8_t, 16> MaskBytes(std::array<uint8_t, 16> bytes, int keep) {
  for (int byte = 0; byte < 16; ++byte) {
    const int bits_kept = std::clamp(keep - byte * 8, 0, 8);
    bytes[byte] &= static_cast<uint8_t>(bits_kept == 0 ? 0 : 0xff << (8 - bits_kept));
  }
  return bytes;
}

}  // namespace

Result<IpPrefix> IpPrefix::Parse(std::string_view text, HostBits host_bits) {
  using net_internal::InvalidInput;
  // Longest prefix text: 45 bytes of IPv6 with an embedded IPv4, then "/128".
  constexpr size_t kMaxText = 64;
  if (text.empty()) return InvalidArgument("empty text is not an IP prefix");
  if (net_internal::HasOuterSpace(text)) {
    return InvalidInput(text, "leading or trailing whitespace");
  }
  if (text.size() > kMaxText) return InvalidInput(text, "too long for an IP prefix");
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return InvalidInput(text, "missing `/length` (a bare address is not a prefix)");
  }
  const std::string_view address_text = text.substr(0, slash);
  const std::string_view length_text = text.substr(slash + 1);
  if (address_text.empty()) return InvalidInput(text, "missing address before `/`");
  bool text_is_v6 = false;
  auto address = net_internal::ParseIpReason(address_text, &text_is_v6);
  if (!address.ok()) return InvalidInput(text, address.status().message());
  auto length = net_internal::ParseDecimal(length_text, 0, text_is_v6 ? 128 : 32, "prefix length");
  if (!length.ok()) return InvalidInput(text, length.status().message());

  // Work in 128-bit terms so that "::ffff:10.0.0.0/104" and "10.0.0.0/8" are the same prefix.
  const int keep = static_cast<int>(*length) + (text_is_v6 ? 0 : 96);
  const std::array<uint8_t, 16> masked = MaskBytes(address->bytes(), keep);
  IpPrefix prefix;
  prefix.network_ = IpAddress::FromV6(masked);
  // Masking below /96 clears part of the ffff marker, so only keep >= 96 can stay IPv4.
  prefix.length_ = prefix.network_.is_v4() ? keep - 96 : keep;
  if (masked != address->bytes() && host_bits == HostBits::kReject) {
    return InvalidArgument(
        fmt::format("host bits set in {} (its network is {})", text, prefix.ToString()));
  }
  return prefix;
}

IpPrefix IpPrefix::Of(const IpAddress& address, int length) {
  assert(length >= 0 && length <= address.bit_length());
  IpPrefix prefix;
  prefix.length_ = std::clamp(length, 0, address.bit_length());
  prefix.network_ = address.Masked(prefix.length_);
  return prefix;
}

bool IpPrefix::Contains(const IpAddress& address) const {
  return address.is_v4() == is_v4() && address.Masked(length_) == network_;
}

bool IpPrefix::Contains(const IpPrefix& other) const {
  return other.is_v4() == is_v4() && other.length_ >= length_ &&
         other.network_.Masked(length_) == network_;
}

std::string IpPrefix::ToString() const {
  return fmt::format("{}/{}", network_.ToString(), length_);
}

std::vector<IpPrefix> CoveringPrefixes(const IpAddress& address) {
  std::vector<IpPrefix> out;
  out.reserve(static_cast<size_t>(address.bit_length()) + 1);
  for (int length = address.bit_length(); length >= 0; --length) {
    out.push_back(IpPrefix::Of(address, length));
  }
  return out;
}

}  // namespace cotenant
