#include "core/indicator_shape.h"

#include <algorithm>
#include <array>

namespace cotenant::shape {
namespace {

// Lower-cases `label` into `buf`; false when it does not fit (no extension is that long).
bool LowerInto(std::string_view label, std::array<char, 8>& buf, std::string_view* out) {
  if (label.empty() || label.size() > buf.size()) return false;
  for (size_t i = 0; i < label.size(); ++i) buf[i] = Lower(label[i]);
  *out = std::string_view(buf.data(), label.size());
  return true;
}

template <size_t N>
bool Contains(const std::array<std::string_view, N>& sorted, std::string_view s) {
  return std::binary_search(sorted.begin(), sorted.end(), s);
}

// Sorted. Executables, scripts, documents, archives, images, media and data files seen as
// attachment or payload names in reports. None of them is a public suffix (checked against
// Debian's publicsuffix list; see the TLD list below for the ones that are).
constexpr std::array<std::string_view, 95> kNonTldExtensions = {
    "7z",  "ace",  "apk",   "arj",  "asp",  "aspx", "bak",  "bat",  "bin",  "bmp", "bz2",  "cer",
    "cfg", "chm",  "class", "cmd",  "conf", "cpl",  "crt",  "csv",  "dat",  "db",  "deb",  "dll",
    "dmg", "doc",  "docm",  "docx", "dotm", "drv",  "elf",  "eml",  "exe",  "gif", "gz",   "hta",
    "htm", "html", "ico",   "img",  "ini",  "iso",  "jar",  "jpeg", "jpg",  "js",  "jse",  "json",
    "jsp", "key",  "ko",    "lnk",  "log",  "lzh",  "msg",  "msi",  "msp",  "ocx", "odt",  "pdb",
    "pdf", "pem",  "php",   "pif",  "png",  "pps",  "ppt",  "pptm", "pptx", "ps1", "psd1", "psm1",
    "rar", "reg",  "rpm",   "rtf",  "scr",  "svg",  "sys",  "tar",  "tgz",  "tmp", "txt",  "vbe",
    "vbs", "vhd",  "vhdx",  "wsf",  "xls",  "xlsb", "xlsm", "xlsx", "xml",  "xps", "xz"};

// Sorted. File extensions that are also delegated TLDs.
// Not "pl", "cc", "ai", "sh" or "ps": busy TLDs whose two-label names in reports are domains
// (transfer.sh, xboxlive.ps) far more often than Perl, C++, Illustrator, shell or PostScript
// files.
constexpr std::array<std::string_view, 10> kTldExtensions = {"cab", "dot", "md", "mov", "one",
                                                             "py",  "rs",  "so", "ws",  "zip"};

static_assert(std::is_sorted(kNonTldExtensions.begin(), kNonTldExtensions.end()));
static_assert(std::is_sorted(kTldExtensions.begin(), kTldExtensions.end()));

}  // namespace

bool IsNonTldFileExtension(std::string_view label) {
  std::array<char, 8> buf;
  std::string_view lower;
  return LowerInto(label, buf, &lower) && Contains(kNonTldExtensions, lower);
}

bool IsTldFileExtension(std::string_view label) {
  std::array<char, 8> buf;
  std::string_view lower;
  return LowerInto(label, buf, &lower) && Contains(kTldExtensions, lower);
}

HexShape HexShapeOf(std::string_view s) {
  if (s.size() == 72 && (s[0] == 'T' || s[0] == 't') && s[1] == '1' && IsHexString(s.substr(2))) {
    return HexShape::kTlsh;
  }
  switch (s.size()) {
    case 32:
    case 40:
    case 62:
    case 64:
    case 70:
    case 128:
      break;
    default:
      return HexShape::kNone;
  }
  if (!IsHexString(s)) return HexShape::kNone;
  switch (s.size()) {
    case 32:
      return HexShape::kMd5;
    case 40:
      return HexShape::kSha1;
    case 62:
      return HexShape::kJarm;
    case 64:
      return HexShape::kSha256;
    case 70:
      return HexShape::kTlsh;
    default:
      return HexShape::kSha512;
  }
}

bool IsBotTokenShape(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon < 1 || colon > 20) return false;
  if (!IsDigits(s.substr(0, colon))) return false;
  std::string_view secret = s.substr(colon + 1);
  if (secret.size() != 35) return false;
  return std::all_of(secret.begin(), secret.end(),
                     [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

bool IsSsdeepShape(std::string_view s) {
  size_t c1 = s.find(':');
  if (c1 == std::string_view::npos || c1 == 0 || c1 > 10 || !IsDigits(s.substr(0, c1))) {
    return false;
  }
  size_t c2 = s.find(':', c1 + 1);
  if (c2 == std::string_view::npos || c2 == c1 + 1 || c2 + 1 >= s.size()) return false;
  auto b64 = [](char c) { return IsAlnum(c) || c == '+' || c == '/'; };
  for (size_t i = c1 + 1; i < s.size(); ++i) {
    if (i == c2) continue;
    if (!b64(s[i])) return false;
  }
  return true;
}

bool IsColonHexPairs(std::string_view s, size_t* pairs) {
  if (s.size() < 5 || (s.size() + 1) % 3 != 0) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i % 3 == 2) {
      if (s[i] != ':') return false;
    } else if (!IsHex(s[i])) {
      return false;
    }
  }
  *pairs = (s.size() + 1) / 3;
  return true;
}

bool IsTelegramLinkHost(std::string_view host) {
  if (StartsWithIgnoreCase(host, "www.")) host.remove_prefix(4);
  return EqualsIgnoreCase(host, "t.me") || EqualsIgnoreCase(host, "telegram.me") ||
         EqualsIgnoreCase(host, "telegram.dog");
}

bool IsTelegramApiHost(std::string_view host) { return EqualsIgnoreCase(host, "api.telegram.org"); }

std::string_view CanonicalScheme(std::string_view scheme) {
  // Defanged http(s): h, two of x/t/*, p, optional s ("hxxp", "hXXps", "h**p", "hxtp").
  if ((scheme.size() == 4 || scheme.size() == 5) && Lower(scheme[0]) == 'h' &&
      Lower(scheme[3]) == 'p') {
    auto mid = [](char c) {
      c = Lower(c);
      return c == 'x' || c == 't' || c == '*';
    };
    if (mid(scheme[1]) && mid(scheme[2])) {
      if (scheme.size() == 4) return "http";
      if (Lower(scheme[4]) == 's') return "https";
      return {};
    }
  }
  // Defanged ftp: "fxp", "fxps".
  if (EqualsIgnoreCase(scheme, "fxp")) return "ftp";
  if (EqualsIgnoreCase(scheme, "fxps")) return "ftps";
  static constexpr std::array<std::string_view, 12> kSchemes = {
      "ftp", "ftps", "http", "https", "ldap", "rtsp", "sftp", "smb", "ssh", "tcp", "ws", "wss"};
  for (std::string_view known : kSchemes) {
    if (EqualsIgnoreCase(scheme, known)) return known;
  }
  return {};
}

}  // namespace cotenant::shape
