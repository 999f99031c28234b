#include "cotenant/url.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string>

#include "core/plain_name.h"
#include "core/text.h"
#include "cotenant/domain.h"
#include "cotenant/ip.h"

namespace cotenant {
namespace {

Status UrlError(std::string_view text, std::string_view reason) {
  return InvalidArgument("invalid URL " + core::Quoted(text) + ": " + std::string(reason));
}

struct SchemeInfo {
  std::string_view name;
  uint16_t default_port;  // 0: none
};

// Schemes seen in indicator feeds. An unknown scheme is refused rather than guessed at, so
// a defanged "hxxp://" that escaped refanging is reported instead of stored as a new scheme.
constexpr std::array<SchemeInfo, 20> kSchemes = {{
    {"http", 80}, {"https", 443}, {"ftp", 21},   {"ws", 80},    {"wss", 443},
    {"ftps", 0},  {"sftp", 0},    {"ssh", 0},    {"telnet", 0}, {"smb", 0},
    {"irc", 0},   {"ircs", 0},    {"ldap", 0},   {"ldaps", 0},  {"rtsp", 0},
    {"tcp", 0},   {"udp", 0},     {"socks4", 0}, {"socks5", 0}, {"git", 0},
}};

const SchemeInfo* FindScheme(std::string_view lower) {
  for (const SchemeInfo& s : kSchemes) {
    if (s.name == lower) return &s;
  }
  return nullptr;
}

bool IsUnreserved(char c) {
  return core::IsAsciiAlpha(c) || core::IsAsciiDigit(c) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return core::AsciiToLower(c) - 'a' + 10;
}

void AppendPercent(std::string* out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  *out += '%';
  *out += kHex[byte >> 4];
  *out += kHex[byte & 0xf];
}

// RFC 3986 6.2.2 normalization of a path, query or userinfo: "%xx" upper-cased, escapes of
// unreserved characters decoded, non-ASCII bytes (IRIs) percent-encoded; nothing else is
// decoded or encoded. A "%" not followed by two hex digits becomes "%25" (browsers keep it
// bare, but then "%%3741" would turn into "%741" and, parsed again, "t1": the canonical form
// must be a fixed point). Spaces and control bytes are refused: in an indicator they mean a
// broken extraction.
// Errors carry the reason only; the caller names the whole input.
Result<std::string> NormalizeComponent(std::string_view part, std::string_view what) {
  std::string out;
  out.reserve(part.size());
  for (size_t i = 0; i < part.size(); ++i) {
    const char c = part[i];
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return InvalidArgument("invalid character " + core::Quoted(std::string_view(&c, 1)) + " in " +
                             std::string(what));
    }
    if (u >= 0x80) {
      AppendPercent(&out, u);
    } else if (c == '%' && i + 2 < part.size() && core::IsAsciiHexDigit(part[i + 1]) &&
               core::IsAsciiHexDigit(part[i + 2])) {
      const auto decoded =
          static_cast<unsigned char>(HexValue(part[i + 1]) * 16 + HexValue(part[i + 2]));
      if (IsUnreserved(static_cast<char>(decoded))) {
        out += static_cast<char>(decoded);
      } else {
        AppendPercent(&out, decoded);
      }
      i += 2;
    } else if (c == '%') {
      out += "%25";
    } else {
      out += c;
    }
  }
  return out;
}

// Splits path / query, drops the fragment, normalizes both. `rest` starts with '/', '?', '#'
// or is empty. Errors carry the reason only.
Status ParsePathAndQuery(std::string_view rest, std::string* path, std::string* query,
                         bool* has_query) {
  rest = rest.substr(0, rest.find('#'));
  size_t q = rest.find('?');
  std::string_view raw_path = rest.substr(0, q);
  COTENANT_ASSIGN_OR_RETURN(*path, NormalizeComponent(raw_path, "path"));
  if (path->empty()) *path = "/";
  *has_query = q != std::string_view::npos;
  if (*has_query) {
    COTENANT_ASSIGN_OR_RETURN(*query, NormalizeComponent(rest.substr(q + 1), "query"));
  }
  return Status::Ok();
}

}  // namespace

Result<Url> Url::Parse(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty URL");
  if (size_t bad = core::FindInvalidUtf8(text); bad != std::string_view::npos) {
    return UrlError(text, "invalid UTF-8 at byte " + std::to_string(bad));
  }
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return UrlError(text, "no scheme (`http://`)");
  std::string_view raw_scheme = text.substr(0, sep);
  if (raw_scheme.empty()) return UrlError(text, "empty scheme");
  for (size_t i = 0; i < raw_scheme.size(); ++i) {
    char c = raw_scheme[i];
    bool ok = core::IsAsciiAlpha(c) ||
              (i > 0 && (core::IsAsciiDigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) return UrlError(text, "invalid scheme " + core::Quoted(raw_scheme));
  }
  Url out;
  out.scheme_ = core::AsciiLower(raw_scheme);
  const SchemeInfo* scheme = FindScheme(out.scheme_);
  if (scheme == nullptr) {
    std::string reason = "unsupported scheme " + core::Quoted(raw_scheme);
    if (out.scheme_.find("xx") != std::string::npos) reason += " (refang `hxxp` first)";
    return UrlError(text, reason);
  }

  std::string_view after = text.substr(sep + 3);
  size_t authority_end = core::FindAuthorityEnd(after);
  std::string_view authority = after.substr(0, authority_end);
  std::string_view rest =
      authority_end == std::string_view::npos ? std::string_view() : after.substr(authority_end);

  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    auto userinfo = NormalizeComponent(authority.substr(0, at), "userinfo");
    if (!userinfo.ok()) return UrlError(text, userinfo.status().message());
    out.userinfo_ = std::move(userinfo).value();
    authority.remove_prefix(at + 1);
  }

  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return UrlError(text, "`[` without `]` in the host");
    host = authority.substr(1, close - 1);
    std::string_view tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') return UrlError(text, "unexpected text after `]`");
      has_port = true;
      port_text = tail.substr(1);
    }
    auto ip = IpAddress::Parse(host);
    if (!ip.ok() || host.find(':') == std::string_view::npos) {  // "[192.0.2.1]" is not a form
      return UrlError(text, "invalid IPv6 address " + core::Quoted(host) + " in brackets");
    }
    out.host_ = ip->ToString();
    out.host_is_ip_ = true;
  } else {
    size_t colon = authority.find(':');
    if (colon != std::string_view::npos &&
        authority.find(':', colon + 1) != std::string_view::npos) {
      return UrlError(text, "an IPv6 host must be in brackets (`http://[2001:db8::1]/`)");
    }
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (host.empty()) return UrlError(text, "empty host");
    // Without brackets and a colon only a dotted quad is an address: a host with another byte
    // is a name, which spares building IpAddress::Parse's error for every named host.
    std::optional<IpAddress> ip;
    if (std::all_of(host.begin(), host.end(),
                    [](char c) { return core::IsAsciiDigit(c) || c == '.'; })) {
      if (auto parsed = IpAddress::Parse(host); parsed.ok()) ip = *parsed;
    }
    if (ip) {
      out.host_ = ip->ToString();
      out.host_is_ip_ = true;
    } else if (core::IsPlainAsciiName(host)) {
      out.host_ = core::AsciiLower(host);  // DomainName::Parse's ascii() for such a name
    } else {
      auto domain = DomainName::Parse(host);
      if (!domain.ok()) return UrlError(text, domain.status().message());
      if (domain->wildcard()) return UrlError(text, "a wildcard is not a URL host");
      out.host_ = domain->ascii();
    }
  }

  // An empty port ("http://example.com:/") is allowed by RFC 3986 and means the default.
  if (has_port && !port_text.empty()) {
    uint32_t port = 0;
    for (char c : port_text) {
      if (!core::IsAsciiDigit(c)) {
        return UrlError(text, "port " + core::Quoted(port_text) + " is not a number");
      }
      port = port * 10 + static_cast<uint32_t>(c - '0');
      if (port > 65535) return UrlError(text, "port " + core::Quoted(port_text) + " out of range");
    }
    if (port == 0) return UrlError(text, "port 0");
    if (port != scheme->default_port) out.port_ = static_cast<uint16_t>(port);
  }

  Status status = ParsePathAndQuery(rest, &out.path_, &out.query_, &out.has_query_);
  if (!status.ok()) return UrlError(text, status.message());
  return out;
}

Result<Url> Url::ParseLenient(std::string_view text) {
  if (text.find("://") != std::string_view::npos) return Parse(text);
  if (text.empty()) return InvalidArgument("empty URL");
  std::string with_scheme = "http://";
  // "//example.com/a" is a scheme-relative reference; take it as http too.
  with_scheme += text.substr(0, 2) == "//" ? text.substr(2) : text;
  auto parsed = Parse(with_scheme);
  if (!parsed.ok()) {
    // Name the caller's text, not the one we built.
    std::string message = parsed.status().message();
    std::string built = core::Quoted(with_scheme);
    if (size_t pos = message.find(built); pos != std::string::npos) {
      message.replace(pos, built.size(), core::Quoted(text));
    }
    return InvalidArgument(message);
  }
  return parsed;
}

std::string Url::ToString() const {
  std::string out;
  out.reserve(scheme_.size() + userinfo_.size() + host_.size() + path_.size() + query_.size() + 16);
  out.append(scheme_).append("://");
  if (!userinfo_.empty()) out.append(userinfo_).append("@");
  if (host_is_ip_ && host_.find(':') != std::string::npos) {
    out.append("[").append(host_).append("]");
  } else {
    out.append(host_);
  }
  if (port_) out.append(":").append(std::to_string(*port_));
  out.append(path_);
  if (has_query_) out.append("?").append(query_);
  return out;
}

Result<UrlPath> UrlPath::Parse(std::string_view text) {
  auto error = [&](std::string_view reason) {
    return InvalidArgument("invalid URL path " + core::Quoted(text) + ": " + std::string(reason));
  };
  if (text.empty()) return InvalidArgument("empty URL path");
  if (size_t bad = core::FindInvalidUtf8(text); bad != std::string_view::npos) {
    return error("invalid UTF-8 at byte " + std::to_string(bad));
  }
  if (text.front() != '/') return error("does not start with `/`");
  if (text.substr(0, 2) == "//") return error("`//` starts a host (a URL), not a path");
  std::string path, query;
  bool has_query = false;
  Status status = ParsePathAndQuery(text, &path, &query, &has_query);
  if (!status.ok()) return error(status.message());
  if (path.find_first_not_of('/') == std::string::npos && query.empty()) {
    return error("neither a path segment nor a query after `/`");
  }
  UrlPath out;
  out.path_ = has_query ? path + "?" + query : path;
  return out;
}

}  // namespace cotenant
