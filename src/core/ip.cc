#include "cotenant/ip.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/mix.h"
#include "core/net_text.h"

namespace cotenant {
namespace net_internal {

std::string QuoteInput(std::string_view text) {
  constexpr size_t kMaxShown = 64;
  const size_t shown = std::min(text.size(), kMaxShown);
  std::string out = "`";
  for (size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '`';
  if (text.size() > kMaxShown) out += fmt::format("... ({} bytes)", text.size());
  return out;
}

Status InvalidInput(std::string_view text, std::string_view reason) {
  if (text.empty()) return InvalidArgument(std::string(reason));
  return InvalidArgument(QuoteInput(text) + ": " + std::string(reason));
}

Result<uint32_t> ParseDecimal(std::string_view digits, uint32_t min, uint32_t max,
                              std::string_view what) {
  if (digits.empty()) return InvalidArgument(fmt::format("empty {}", what));
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return InvalidArgument(
          fmt::format("{} {} is not a decimal number", what, QuoteInput(digits)));
    }
  }
  if (digits.size() > 1 && digits[0] == '0') {
    return InvalidArgument(fmt::format("{} {} has a leading zero", what, QuoteInput(digits)));
  }
  uint64_t value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > max) break;
  }
  if (value < min || value > max) {
    return InvalidArgument(
        fmt::format("{} {} out of range ({}-{})", what, QuoteInput(digits), min, max));
  }
  return static_cast<uint32_t>(value);
}

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

bool HasOuterSpace(std::string_view text) {
  return !text.empty() && (IsSpace(text.front()) || IsSpace(text.back()));
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "character `g`", "a space", "byte \x00": what an unexpected byte is, readably.
std::string DescribeByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (c == ' ') return "space";
  if (u < 0x20 || u >= 0x7f) return fmt::format("byte \\x{:02x}", u);
  return fmt::format("character `{}`", c);
}

// Strict dotted quad: exactly four decimal octets 0-255, no leading zeros (inet_aton would
// read "010" as octal 8, a browser as decimal 10: neither guess belongs in an indicator store).
Result<uint32_t> ParseV4(std::string_view s) {
  int dots = 0;
  for (char c : s) {
    if (c == '.') {
      ++dots;
    } else if (!IsDigit(c)) {
      return InvalidArgument(fmt::format("unexpected {} in IPv4 address", DescribeByte(c)));
    }
  }
  if (s.empty() || s.front() == '.') return InvalidArgument("IPv4 address starts with a dot");
  if (s.back() == '.') return InvalidArgument("IPv4 address ends with a dot");
  if (s.find("..") != std::string_view::npos) {
    return InvalidArgument("empty octet between two dots");
  }
  if (dots < 3) {
    return InvalidArgument(fmt::format(
        "expected 4 octets, found {} (shorthand like `10.1` is not accepted)", dots + 1));
  }
  if (dots > 3) return InvalidArgument(fmt::format("expected 4 octets, found {}", dots + 1));
  uint32_t value = 0;
  size_t start = 0;
  for (int k = 0; k < 4; ++k) {
    const size_t end = k == 3 ? s.size() : s.find('.', start);
    const std::string_view octet = s.substr(start, end - start);
    if (octet.size() > 1 && octet[0] == '0') {
      return InvalidArgument(fmt::format("octet `{}` has a leading zero", octet));
    }
    if (octet.size() > 3) return InvalidArgument(fmt::format("octet {} out of range", octet));
    uint32_t v = 0;
    for (char c : octet) v = v * 10 + static_cast<uint32_t>(c - '0');
    if (v > 255) return InvalidArgument(fmt::format("octet {} out of range", v));
    value = (value << 8) | v;
    start = end + 1;
  }
  return value;
}

// RFC 4291 section 2.2 text: eight 1-4 digit hex groups, at most one "::" standing for one or
// more zero groups, and optionally the last 32 bits as a dotted quad.
Result<std::array<uint8_t, 16>> ParseV6(std::string_view s) {
  std::array<uint16_t, 8> groups{};
  int n = 0;
  int gap = -1;  // index in `groups` where "::" stands
  size_t i = 0;
  if (s.substr(0, 2) == "::") {
    gap = 0;
    i = 2;
    if (i < s.size() && s[i] == ':') return InvalidArgument("`:::` is not valid");
  } else if (!s.empty() && s[0] == ':') {
    return InvalidArgument("starts with a single `:`");
  }
  while (i < s.size()) {
    size_t j = i;
    bool has_dot = false;
    while (j < s.size() && s[j] != ':') {
      if (s[j] == '.') has_dot = true;
      ++j;
    }
    const std::string_view token = s.substr(i, j - i);
    if (token.empty()) return InvalidArgument("empty group");
    if (has_dot) {
      if (j != s.size()) {
        return InvalidArgument("an embedded IPv4 address must be the last 32 bits");
      }
      if (n + 2 > 8 || (gap >= 0 && n + 2 > 7)) {
        return InvalidArgument("too many groups before the embedded IPv4 address");
      }
      auto v4 = ParseV4(token);
      if (!v4.ok()) {
        return InvalidArgument(fmt::format("embedded IPv4 `{}`: {}", token, v4.status().message()));
      }
      groups[n++] = static_cast<uint16_t>(*v4 >> 16);
      groups[n++] = static_cast<uint16_t>(*v4 & 0xffff);
      break;
    }
    for (char c : token) {
      if (HexValue(c) < 0) {
        return InvalidArgument(fmt::format("unexpected {} in IPv6 address", DescribeByte(c)));
      }
    }
    if (token.size() > 4) {
      return InvalidArgument(fmt::format("group `{}` has more than 4 hex digits", token));
    }
    if (n == 8) return InvalidArgument("more than 8 groups");
    uint16_t g = 0;
    for (char c : token) g = static_cast<uint16_t>((g << 4) | HexValue(c));
    groups[n++] = g;
    if (j == s.size()) break;
    // s[j] == ':'
    if (j + 1 < s.size() && s[j + 1] == ':') {
      if (gap >= 0) return InvalidArgument("`::` appears more than once");
      gap = n;
      i = j + 2;
      if (i < s.size() && s[i] == ':') return InvalidArgument("`:::` is not valid");
    } else {
      i = j + 1;
      if (i == s.size()) return InvalidArgument("ends with a single `:`");
    }
  }
  if (gap < 0 && n != 8) {
    return InvalidArgument(fmt::format("expected 8 groups, found {}", n));
  }
  if (gap >= 0 && n == 8) {
    return InvalidArgument("`::` stands for no group: all 8 groups are present");
  }
  std::array<uint16_t, 8> full{};
  if (gap < 0) {
    full = groups;
  } else {
    const int tail = n - gap;
    for (int k = 0; k < gap; ++k) full[k] = groups[k];
    for (int k = 0; k < tail; ++k) full[8 - tail + k] = groups[gap + k];
  }
  std::array<uint8_t, 16> bytes{};
  for (int k = 0; k < 8; ++k) {
    bytes[2 * k] = static_cast<uint8_t>(full[k] >> 8);
    bytes[2 * k + 1] = static_cast<uint8_t>(full[k] & 0xff);
  }
  return bytes;
}

}  // namespace

Result<IpAddress> ParseIpReason(std::string_view text, bool* text_is_v6) {
  // The longest IPv6 text without a zone is 45 bytes; refuse long input before scanning it.
  constexpr size_t kMaxText = 64;
  if (text.empty()) return InvalidArgument("empty text is not an IP address");
  if (HasOuterSpace(text)) return InvalidArgument("leading or trailing whitespace");
  if (text.size() > kMaxText) return InvalidArgument("too long for an IP address");
  const bool is_v6 = text.find(':') != std::string_view::npos;
  if (text_is_v6 != nullptr) *text_is_v6 = is_v6;
  if (text.front() == '[' || text.back() == ']') {
    return InvalidArgument("brackets are not part of an IP address");
  }
  if (const size_t colon = text.find(':');
      is_v6 && text.find(':', colon + 1) == std::string_view::npos &&
      text.substr(0, colon).find('.') != std::string_view::npos) {
    return InvalidArgument("an IP address has no port (`address:port` is an endpoint)");
  }
  if (is_v6) {
    if (size_t pct = text.find('%'); pct != std::string_view::npos) {
      return InvalidArgument(
          fmt::format("zone index {} is not supported (an indicator names "
                      "an address, not an interface)",
                      QuoteInput(text.substr(pct))));
    }
    COTENANT_ASSIGN_OR_RETURN(auto bytes, ParseV6(text));
    return IpAddress::FromV6(bytes);
  }
  COTENANT_ASSIGN_OR_RETURN(uint32_t v4, ParseV4(text));
  return IpAddress::FromV4(v4);
}

}  // namespace net_internal

Result<IpAddress> IpAddress::Parse(std::string_view text) {
  auto ip = net_internal::ParseIpReason(text);
  if (!ip.ok()) return net_internal::InvalidInput(text, ip.status().message());
  return ip;
}

IpAddress IpAddress::FromV4(uint32_t host_order) {
  IpAddress a;
  a.bytes_[10] = 0xff;
  a.bytes_[11] = 0xff;
  a.bytes_[12] = static_cast<uint8_t>(host_order >> 24);
  a.bytes_[13] = static_cast<uint8_t>(host_order >> 16);
  a.bytes_[14] = static_cast<uint8_t>(host_order >> 8);
  a.bytes_[15] = static_cast<uint8_t>(host_order);
  a.v4_ = true;
  return a;
}

IpAddress IpAddress::FromV6(const std::array<uint8_t, 16>& bytes) {
  IpAddress a;
  a.bytes_ = bytes;
  static constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0,    0,
                                                            0, 0, 0, 0, 0xff, 0xff};
  a.v4_ = std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin());
  return a;
}

uint32_t IpAddress::v4() const {
  return (static_cast<uint32_t>(bytes_[12]) << 24) | (static_cast<uint32_t>(bytes_[13]) << 16) |
         (static_cast<uint32_t>(bytes_[14]) << 8) | static_cast<uint32_t>(bytes_[15]);
}

std::string IpAddress::ToString() const {
  if (v4_) {
    // By hand: this runs once per address a feed holds.
    char buf[16];
    size_t n = 0;
    for (int k = 12; k < 16; ++k) {
      unsigned v = bytes_[k];
      if (k > 12) buf[n++] = '.';
      if (v >= 100) buf[n++] = static_cast<char>('0' + v / 100);
      if (v >= 10) buf[n++] = static_cast<char>('0' + v / 10 % 10);
      buf[n++] = static_cast<char>('0' + v % 10);
    }
    return std::string(buf, n);
  }
  std::array<uint16_t, 8> g{};
  for (int k = 0; k < 8; ++k)
    g[k] = static_cast<uint16_t>((bytes_[2 * k] << 8) | bytes_[2 * k + 1]);
  // RFC 5952 4.2: compress the longest run of two or more zero groups, the first on a tie.
  int best_start = -1, best_len = 0;
  for (int k = 0; k < 8;) {
    if (g[k] != 0) {
      ++k;
      continue;
    }
    int run = k;
    while (run < 8 && g[run] == 0) ++run;
    if (run - k > best_len && run - k >= 2) {
      best_start = k;
      best_len = run - k;
    }
    k = run;
  }
  std::string out;
  out.reserve(39);
  for (int k = 0; k < 8; ++k) {
    if (k == best_start) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", g[k]);
  }
  return out;
}

IpAddress IpAddress::Masked(int prefix_len) const {
  assert(prefix_len >= 0 && prefix_len <= bit_length());
  prefix_len = std::clamp(prefix_len, 0, bit_length());
  const int keep = v4_ ? prefix_len + 96 : prefix_len;
  IpAddress out = *this;
  for (int byte = 0; byte < 16; ++byte) {
    const int bits_kept = std::clamp(keep - byte * 8, 0, 8);
    const auto mask = static_cast<uint8_t>(bits_kept == 0 ? 0 : 0xff << (8 - bits_kept));
    out.bytes_[byte] &= mask;
  }
  return out;
}

}  // namespace cotenant

size_t std::hash<cotenant::IpAddress>::operator()(const cotenant::IpAddress& a) const noexcept {
  // splitmix64's finalizer over both halves: IPv4 addresses differ only in the low half, so
  // the mix must spread those bits over the whole word.
  using cotenant::core::SplitMix64;
  uint64_t hi = 0, lo = 0;
  std::memcpy(&hi, a.bytes().data(), 8);
  std::memcpy(&lo, a.bytes().data() + 8, 8);
  return static_cast<size_t>(SplitMix64(lo ^ SplitMix64(hi)));
}
