// Quoting input text inside error messages (private to src/).
//
// Error messages name the input ("`abc`: 3 hex digits is not a hash length"). The input may hold
// NUL bytes, control characters or invalid UTF-8, so QuoteInput escapes every byte outside
// printable ASCII as \xNN and cuts long input, keeping messages one printable line.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace cotenant {

inline std::string EscapeByte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return buf;
}

// "`text`" with non-printable and non-ASCII bytes as \xNN, cut after `max_bytes` input bytes.
inline std::string QuoteInput(std::string_view text, size_t max_bytes = 120) {
  std::string out = "`";
  size_t n = text.size() < max_bytes ? text.size() : max_bytes;
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f || c == '\\') {
      out += c == '\\' ? std::string("\\\\") : EscapeByte(c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (n < text.size()) out += "...";
  out += '`';
  return out;
}

// The single byte `c` shown for a message: `g`, or \x00 for a non-printable byte.
inline std::string QuoteByte(char c) { return QuoteInput(std::string_view(&c, 1)); }

}  // namespace cotenant
