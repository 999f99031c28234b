// Small text helpers shared by the core parsers (private to src/core).
//
// Quoted() renders untrusted input for an error message: back-ticked, control bytes and
// invalid UTF-8 as \xNN, cut after a bounded length so a megabyte of garbage does not become a
// megabyte of message. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cotenant::core {

// "`text`" with bytes < 0x20, 0x7f and invalid UTF-8 escaped as \xNN; at most ~120 bytes shown.
std::string Quoted(std::string_view text);

// Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), or std::string_view::npos when `text` is valid.
size_t FindInvalidUtf8(std::string_view text);

inline bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiHexDigit(char c) {
  return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline char AsciiToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline char AsciiToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
std::string AsciiLower(std::string_view text);

// Offset of the first '/', '?' or '#' (where a URL's authority ends), npos when none. A plain
// loop: string_view::find_first_of calls memchr once per byte.
inline size_t FindAuthorityEnd(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '/' || c == '?' || c == '#') return i;
  }
  return std::string_view::npos;
}
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreAsciiCase(std::string_view text, std::string_view prefix);

}  // namespace cotenant::core
