#include "match/observed.h"

#include <arpa/inet.h>

#include <cstring>

namespace cotenant::match_internal {

bool ParseIpv4(std::string_view text, uint32_t* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  uint32_t value = 0;
  for (int part = 0; part < 4; ++part) {
    if (p == end) return false;
    if (part > 0) {
      if (*p != '.') return false;
      if (++p == end) return false;
    }
    unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d > 9) return false;
    uint32_t octet = d;
    ++p;
    if (octet != 0) {  // no leading zeros: "0" alone is the only octet starting with 0
      for (int k = 0; k < 2 && p != end; ++k) {
        unsigned e = static_cast<unsigned char>(*p) - '0';
        if (e > 9) break;
        octet = octet * 10 + e;
        ++p;
      }
      if (octet > 255) return false;
    }
    value = (value << 8) | octet;
  }
  if (p != end) return false;
  *out = value;
  return true;
}

int ParseIp(std::string_view text, uint32_t* v4, match_format::Uint128* v6) {
  if (ParseIpv4(text, v4)) return 4;
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (size_t pct = text.find('%'); pct != std::string_view::npos) text = text.substr(0, pct);
  if (text.size() < 2 || text.size() > 45 || text.find(':') == std::string_view::npos) return 0;
  char buf[48];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, buf, bytes) != 1) return 0;
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes, kMapped, 12) == 0) {
    *v4 = (uint32_t{bytes[12]} << 24) | (uint32_t{bytes[13]} << 16) | (uint32_t{bytes[14]} << 8) |
          bytes[15];
    return 4;
  }
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = (hi << 8) | bytes[i];
  for (int i = 8; i < 16; ++i) lo = (lo << 8) | bytes[i];
  *v6 = {hi, lo};
  return 6;
}

size_t FormatIpv6(const match_format::Uint128& v6, char* out) {
  unsigned char bytes[16];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(v6.hi >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) bytes[8 + i] = static_cast<unsigned char>(v6.lo >> (56 - 8 * i));
  // RFC 5952 by hand: inet_ntop prints IPv4-compatible addresses in mixed notation.
  uint16_t words[8];
  for (int i = 0; i < 8; ++i)
    words[i] = static_cast<uint16_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best = -1;
  size_t n = 0;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out[n++] = ':';
      if (i == 0) out[n++] = ':';
      i += best_len - 1;
      continue;
    }
    uint16_t w = words[i];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned nib = (w >> shift) & 0xf;
      if (nib != 0 || started || shift == 0) {
        out[n++] = kHex[nib];
        started = true;
      }
    }
    if (i != 7) out[n++] = ':';
  }
  return n;
}

size_t FormatIpv4(uint32_t v4, char* out) {
  size_t n = 0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    unsigned octet = (v4 >> shift) & 0xff;
    if (octet >= 100) out[n++] = static_cast<char>('0' + octet / 100);
    if (octet >= 10) out[n++] = static_cast<char>('0' + (octet / 10) % 10);
    out[n++] = static_cast<char>('0' + octet % 10);
    if (shift != 0) out[n++] = '.';
  }
  return n;
}

HostShape CanonicalHost(std::string_view text, char* out, size_t* length) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > kMaxName) return HostShape::kInvalid;
  bool slow = false;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
    if (c >= 0x80 || c == '\\') slow = true;
    out[i] = static_cast<char>(c);
  }
  *length = text.size();
  return slow ? HostShape::kNeedsSlowPath : HostShape::kAscii;
}

std::string_view HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close != std::string_view::npos) return host.substr(1, close - 1);
    return host;
  }
  size_t colon = host.find(':');
  if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos) {
    return host.substr(0, colon);  // one colon: host:port; more: a bare IPv6 address
  }
  return host;
}

bool CanonicalHex(std::string_view text, char* out, size_t* length) {
  size_t n = 0;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == ':' || c == ' ') continue;
    if (c >= 'A' && c <= 'F') c = static_cast<unsigned char>(c + 32);
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!hex || n == 128) return false;
    out[n++] = static_cast<char>(c);
  }
  *length = n;
  return n > 0;
}

std::string_view UrlHostOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  return HostWithoutPort(authority);
}

std::string_view EmailAddressOf(std::string_view text) {
  size_t open = text.rfind('<');
  if (open != std::string_view::npos) {
    size_t close = text.find('>', open);
    if (close != std::string_view::npos) text = text.substr(open + 1, close - open - 1);
  }
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

size_t UnescapeZeek(std::string_view text, char* out, size_t cap) {
  size_t n = 0;
  auto hexval = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (n == cap) return SIZE_MAX;
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x') {
      int hi = hexval(text[i + 2]);
      int lo = hexval(text[i + 3]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = static_cast<char>(hi * 16 + lo);
        i += 3;
        continue;
      }
    }
    out[n++] = text[i];
  }
  return n;
}

}  // namespace cotenant::match_internal
