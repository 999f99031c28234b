// Shape tests shared by ClassifyIndicator (indicator.cc) and the extractor (extract.cc): cheap
// checks on ASCII text that decide which value parser is worth calling. Private to src/core.
//
// File names vs domains: a name whose last label is a common file extension looks like a file
// name. Two kinds of extension are kept apart:
//  - extensions that are not top-level domains (exe, dll, pdf, docx, js, ps1, ...): such a name
//    is never a domain, whatever the context;
//  - extensions that ARE delegated TLDs (zip, mov, one, sh, py, md, ...). Attackers register
//    them precisely because they look like files ("footballtv.zip" is in maltrail), so a value
//    handed to ClassifyIndicator as an indicator is taken as a domain. In free text the
//    extractor reads a two-label "name.zip" as a file name unless the author defanged it.
#pragma once

#include <cstddef>
#include <string_view>

namespace cotenant::shape {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
inline bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

inline bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}
inline bool IsHexString(std::string_view s) { return AllOf(s, IsHex); }
inline bool IsDigits(std::string_view s) { return AllOf(s, IsDigit); }

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}
inline bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// The text after the last '.', or empty.
inline std::string_view LastLabel(std::string_view name) {
  size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
}

// File extensions that are not TLDs: a name ending in one is a file name.
bool IsNonTldFileExtension(std::string_view label);
// File extensions that are also delegated TLDs (zip, mov, one, sh, ...).
bool IsTldFileExtension(std::string_view label);

// A hash kind by the length of a whole hex string; kNone for other lengths.
enum class HexShape { kNone, kMd5, kSha1, kSha256, kSha512, kJarm, kTlsh };
HexShape HexShapeOf(std::string_view s);

// "<bot id digits>:<35 of [A-Za-z0-9_-]>".
bool IsBotTokenShape(std::string_view s);
// "<block size digits>:<base64>:<base64>" (ssdeep).
bool IsSsdeepShape(std::string_view s);
// "AB:CD:..." colon-separated hex pairs (certificate fingerprints).
bool IsColonHexPairs(std::string_view s, size_t* pairs);

// Telegram hosts whose paths name channels and users: t.me, telegram.me, telegram.dog
// (optionally with "www."). `host` is compared case-insensitively.
bool IsTelegramLinkHost(std::string_view host);
bool IsTelegramApiHost(std::string_view host);

// Maps a (possibly defanged) URL scheme to its real name: "hxxps" -> "https", "fxp" -> "ftp".
// Returns empty when the scheme is not one cotenant accepts as an indicator URL.
std::string_view CanonicalScheme(std::string_view scheme);

}  // namespace cotenant::shape
