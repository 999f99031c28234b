// Indicator types, per-type parsing and classification of a single value.
#include "cotenant/indicator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "core/classify_token.h"
#include "core/indicator_shape.h"
#include "core/plain_name.h"
#include "core/text.h"
#include "cotenant/cidr.h"
#include "cotenant/contact.h"
#include "cotenant/domain.h"
#include "cotenant/endpoint.h"
#include "cotenant/hash.h"
#include "cotenant/ip.h"
#include "cotenant/refang.h"
#include "cotenant/url.h"

namespace cotenant {
namespace {

using shape::EqualsIgnoreCase;
using shape::IsDigit;
using shape::IsDigits;
using shape::StartsWithIgnoreCase;

struct TypeInfo {
  IndicatorType type;
  std::string_view name;
  std::string_view family;
};

// Indexed by the enum value.
constexpr std::array<TypeInfo, 24> kTypes = {{
    {IndicatorType::kIpv4, "ipv4", "network"},
    {IndicatorType::kIpv6, "ipv6", "network"},
    {IndicatorType::kCidr, "cidr", "network"},
    {IndicatorType::kEndpoint, "endpoint", "network"},
    {IndicatorType::kAsn, "asn", "network"},
    {IndicatorType::kDomain, "domain", "dns"},
    {IndicatorType::kUrl, "url", "http"},
    {IndicatorType::kUrlPath, "url-path", "http"},
    {IndicatorType::kMd5, "md5", "code"},
    {IndicatorType::kSha1, "sha1", "code"},
    {IndicatorType::kSha256, "sha256", "code"},
    {IndicatorType::kSha512, "sha512", "code"},
    {IndicatorType::kSsdeep, "ssdeep", "code"},
    {IndicatorType::kTlsh, "tlsh", "code"},
    {IndicatorType::kImphash, "imphash", "code"},
    {IndicatorType::kCertSha1, "cert-sha1", "tls"},
    {IndicatorType::kCertSha256, "cert-sha256", "tls"},
    {IndicatorType::kCertSerial, "cert-serial", "tls"},
    {IndicatorType::kJa3, "ja3", "tls"},
    {IndicatorType::kJa3s, "ja3s", "tls"},
    {IndicatorType::kJarm, "jarm", "tls"},
    {IndicatorType::kEmail, "email", "email"},
    {IndicatorType::kTelegramHandle, "telegram-handle", "messaging"},
    {IndicatorType::kTelegramBotToken, "telegram-bot-token", "messaging"},
}};

constexpr bool TableMatchesEnum() {
  for (size_t i = 0; i < kTypes.size(); ++i) {
    if (static_cast<size_t>(kTypes[i].type) != i) return false;
  }
  return true;
}
static_assert(TableMatchesEnum(), "kTypes must be indexed by IndicatorType");

using core::Quoted;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

Indicator Make(IndicatorType type, std::string value) {
  Indicator out;
  out.type = type;
  out.display = value;
  out.value = std::move(value);
  return out;
}

Indicator Make(IndicatorType type, std::string value, std::string display) {
  Indicator out;
  out.type = type;
  out.value = std::move(value);
  out.display = std::move(display);
  return out;
}

// The U-label form of an A-label host for display; `host` itself when it has no IDN label.
std::string DisplayHost(const std::string& host) {
  if (host.find("xn--") == std::string::npos) return host;
  auto domain = DomainName::Parse(host);
  return domain.ok() ? domain->unicode() : host;
}

Indicator UrlIndicator(const Url& url) {
  std::string value = url.ToString();
  std::string display = value;
  if (!url.host_is_ip() && url.host().find("xn--") != std::string::npos) {
    std::string unicode = DisplayHost(url.host());
    if (unicode != url.host()) {
      size_t start = value.find("://");
      size_t at = value.find(url.host(), start == std::string::npos ? 0 : start + 3);
      if (at != std::string::npos) display.replace(at, url.host().size(), unicode);
    }
  }
  return Make(IndicatorType::kUrl, std::move(value), std::move(display));
}

Indicator DomainIndicator(const DomainName& domain) {
  std::string display = domain.wildcard() ? "*." + domain.unicode() : domain.unicode();
  return Make(IndicatorType::kDomain, domain.ToString(), std::move(display));
}

Indicator EmailIndicator(const EmailAddress& email) {
  return Make(IndicatorType::kEmail, email.ToString(),
              email.local() + "@" + DisplayHost(email.domain()));
}

Result<Indicator> ParseIp(IndicatorType type, std::string_view text) {
  COTENANT_ASSIGN_OR_RETURN(IpAddress ip, IpAddress::Parse(text));
  if (type == IndicatorType::kIpv4 && !ip.is_v4()) {
    return InvalidArgument(fmt::format("{} is an IPv6 address, not IPv4", Quoted(text)));
  }
  if (type == IndicatorType::kIpv6 && text.find(':') == std::string_view::npos) {
    return InvalidArgument(fmt::format("{} is an IPv4 address, not IPv6", Quoted(text)));
  }
  // An IPv4-mapped IPv6 address is the IPv4 address (ip.h): its type follows the value.
  return Make(ip.is_v4() ? IndicatorType::kIpv4 : IndicatorType::kIpv6, ip.ToString());
}

Result<Indicator> ParseHash(IndicatorType type, HashKind kind, std::string_view text) {
  COTENANT_ASSIGN_OR_RETURN(Hash hash, Hash::Parse(text, kind));
  return Make(type, hash.ToString());
}

Result<Indicator> ParseCert(IndicatorType type, std::string_view text) {
  COTENANT_ASSIGN_OR_RETURN(CertFingerprint fp, CertFingerprint::Parse(text));
  IndicatorType actual =
      fp.kind() == CertHashKind::kSha1 ? IndicatorType::kCertSha1 : IndicatorType::kCertSha256;
  if (actual != type) {
    return InvalidArgument(fmt::format("{} is a {} fingerprint, not {}", Quoted(text),
                                       IndicatorTypeName(actual), IndicatorTypeName(type)));
  }
  return Make(type, fp.ToString());
}

Result<Indicator> ParseTls(IndicatorType type, TlsFingerprintKind kind, std::string_view text) {
  COTENANT_ASSIGN_OR_RETURN(TlsFingerprint fp, TlsFingerprint::Parse(text, kind));
  return Make(type, fp.ToString());
}

// Host part of "host[:port][/path...]" or of the text after "scheme://": without userinfo,
// port or brackets.
std::string_view HostOf(std::string_view authority_and_more) {
  std::string_view s = authority_and_more;
  size_t end = core::FindAuthorityEnd(s);
  if (end != std::string_view::npos) s = s.substr(0, end);
  if (size_t at = s.rfind('@'); at != std::string_view::npos) s.remove_prefix(at + 1);
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    return close == std::string_view::npos ? s.substr(1) : s.substr(1, close - 1);
  }
  if (size_t colon = s.find(':'); colon != std::string_view::npos) s = s.substr(0, colon);
  return s;
}

bool PathHasBotToken(std::string_view s) {
  for (size_t at = s.find("/bot"); at != std::string_view::npos; at = s.find("/bot", at + 1)) {
    std::string_view rest = s.substr(at + 4);
    size_t end = core::FindAuthorityEnd(rest);
    if (shape::IsBotTokenShape(rest.substr(0, end))) return true;
  }
  return false;
}

// "http(s)://host/path?query" in the shape nearly every feed writes: a lower-case scheme, a
// plain ASCII host name (core::IsPlainAsciiName: no user, port, address or IDN label), and a
// path and query of unreserved characters and "/?=&". Url::Parse would lower-case the host and
// keep the rest as it is (nothing to decode, encode or drop), so the canonical text is built
// here without a Url; nullopt for every other URL.
// `host` (when set) receives the host as written.
std::optional<Indicator> PlainHttpUrl(std::string_view text, std::string_view* host_out = nullptr) {
  size_t host_start = 0;
  if (text.starts_with("http://")) {
    host_start = 7;
  } else if (text.starts_with("https://")) {
    host_start = 8;
  } else {
    return std::nullopt;
  }
  const std::string_view after = text.substr(host_start);
  const size_t end = core::FindAuthorityEnd(after);
  if (end == std::string_view::npos || after[end] != '/') return std::nullopt;  // Url adds "/"
  const std::string_view host = after.substr(0, end);
  if (!core::IsPlainAsciiName(host)) return std::nullopt;
  const std::string_view rest = after.substr(end);
  static constexpr auto kPlain = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) {
      t[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             std::string_view("-._~/?=&").find(static_cast<char>(c)) != std::string_view::npos;
    }
    return t;
  }();
  bool plain = true;  // no early exit: the loop vectorizes
  for (char c : rest) plain &= kPlain[static_cast<unsigned char>(c)];
  if (!plain) return std::nullopt;
  std::string value(text);
  for (size_t i = host_start; i < host_start + host.size(); ++i) {
    value[i] = core::AsciiToLower(value[i]);
  }
  if (host_out != nullptr) *host_out = host;
  return Make(IndicatorType::kUrl, std::move(value));
}

// A URL given with a scheme ("https://", or a defanged "hxxps://" already refanged).
Result<Indicator> ClassifyUrl(std::string_view text) {
  // The plain shape first: its host is HostOf's, so only the Telegram hosts below differ.
  std::string_view plain_host;
  std::optional<Indicator> plain = PlainHttpUrl(text, &plain_host);
  if (plain && !shape::IsTelegramApiHost(plain_host) && !shape::IsTelegramLinkHost(plain_host)) {
    return std::move(*plain);
  }
  size_t sep = text.find("://");
  std::string_view after = text.substr(sep + 3);
  std::string_view host = HostOf(after);
  if (shape::IsTelegramApiHost(host) && PathHasBotToken(after)) {
    auto token = TelegramBotToken::Parse(text);
    if (token.ok()) return Make(IndicatorType::kTelegramBotToken, token->ToString());
  }
  if (shape::IsTelegramLinkHost(host)) {
    auto handle = TelegramHandle::Parse(text);
    if (handle.ok()) return Make(IndicatorType::kTelegramHandle, handle->ToString());
    // "t.me/joinchat/...", "t.me/+...": invite links stay URLs.
  }
  if (plain) return std::move(*plain);
  COTENANT_ASSIGN_OR_RETURN(Url url, Url::Parse(text));
  return UrlIndicator(url);
}

bool IsIpCharacters(std::string_view s) {
  for (char c : s) {
    if (!shape::IsHex(c) && c != '.' && c != ':') return false;
  }
  return !s.empty();
}

// A name that may be a domain: ends in a public suffix, has a registrable part, and is not a
// file name. Used for bare names and for the host of scheme-less URLs.
Result<DomainName> ParseIndicatorDomain(std::string_view text) {
  std::string_view tld = shape::LastLabel(text);
  if (shape::IsNonTldFileExtension(tld)) {
    return InvalidArgument(
        fmt::format("{} looks like a file name (.{}), not a domain", Quoted(text), tld));
  }
  COTENANT_ASSIGN_OR_RETURN(DomainName domain, DomainName::Parse(text));
  const std::string suffix = domain.PublicSuffix();  // one PSL walk for both checks
  if (suffix.empty()) {
    return InvalidArgument(
        fmt::format("{} does not end in a public suffix, so it is not a domain", Quoted(text)));
  }
  // A name that is itself a suffix of the PSL's private section ("ddns.net", "ngrok.io") is a
  // company's registered domain and an indicator; an ICANN suffix ("co.uk") is not.
  if (suffix.size() == domain.ascii().size() && IsIcannPublicSuffix(domain.ascii())) {
    return InvalidArgument(
        fmt::format("{} is a public suffix itself, not a registrable domain", Quoted(text)));
  }
  return domain;
}

// "host[:port]" of a scheme-less URL or "domain:port": an IP, an IP:port or a domain.
bool IsPlausibleHost(std::string_view host_and_port) {
  std::string_view host = HostOf(host_and_port);
  if (host.empty()) return false;
  if (IpAddress::Parse(host).ok()) return true;
  return ParseIndicatorDomain(host).ok();
}

bool IsAsnShape(std::string_view s) {
  if (StartsWithIgnoreCase(s, "asn")) {
    s.remove_prefix(3);
  } else if (StartsWithIgnoreCase(s, "as")) {
    s.remove_prefix(2);
  } else {
    return false;
  }
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return IsDigits(s);
}

Result<Indicator> ClassifyHex(std::string_view t) {
  switch (shape::HexShapeOf(t)) {
    case shape::HexShape::kMd5:
      return ParseHash(IndicatorType::kMd5, HashKind::kMd5, t);
    case shape::HexShape::kSha1:
      return ParseHash(IndicatorType::kSha1, HashKind::kSha1, t);
    case shape::HexShape::kSha256:
      return ParseHash(IndicatorType::kSha256, HashKind::kSha256, t);
    case shape::HexShape::kSha512:
      return ParseHash(IndicatorType::kSha512, HashKind::kSha512, t);
    case shape::HexShape::kTlsh:
      return ParseHash(IndicatorType::kTlsh, HashKind::kTlsh, t);
    case shape::HexShape::kJarm:
      return ParseTls(IndicatorType::kJarm, TlsFingerprintKind::kJarm, t);
    case shape::HexShape::kNone:
      break;
  }
  return InvalidArgument(fmt::format(
      "{} is a hex string of {} characters, which is no known hash length (32, 40, 62, 64, 70, "
      "128)",
      Quoted(t), t.size()));
}

}  // namespace

Result<Indicator> ClassifyRefangedToken(std::string_view t, const ClassifyOptions& options) {
  // 1. URLs with a scheme, including Telegram bot-API and t.me links.
  if (size_t sep = t.find("://"); sep != std::string_view::npos && sep > 0) {
    std::string_view scheme = t.substr(0, sep);
    if (shape::AllOf(scheme, shape::IsAlpha)) {
      std::string_view canonical = shape::CanonicalScheme(scheme);
      if (canonical.empty()) {
        return InvalidArgument(fmt::format(
            "{}: URL scheme `{}` is not one of cotenant's indicator schemes", Quoted(t), scheme));
      }
      if (canonical == scheme) return ClassifyUrl(t);
      std::string url;
      url.reserve(canonical.size() + t.size() - sep);
      url.append(canonical).append(t.substr(sep));
      return ClassifyUrl(url);
    }
  }
  // 2. Telegram bot tokens and scheme-less Telegram links.
  if (shape::IsBotTokenShape(t)) {
    COTENANT_ASSIGN_OR_RETURN(TelegramBotToken token, TelegramBotToken::Parse(t));
    return Make(IndicatorType::kTelegramBotToken, token.ToString());
  }
  const bool has_slash = t.find('/') != std::string_view::npos;
  if (has_slash && t.front() != '/') {
    std::string_view host = HostOf(t);
    if (shape::IsTelegramApiHost(host) && PathHasBotToken(t)) {
      COTENANT_ASSIGN_OR_RETURN(TelegramBotToken token, TelegramBotToken::Parse(t));
      return Make(IndicatorType::kTelegramBotToken, token.ToString());
    }
    if (shape::IsTelegramLinkHost(host)) {
      auto handle = TelegramHandle::Parse(t);
      if (handle.ok()) return Make(IndicatorType::kTelegramHandle, handle->ToString());
    }
  }
  // 3. Addresses: [v6]:port, IP:port (also MISP's "ip-dst|port" form), CIDR, IPv4, IPv6.
  if (size_t pipe = t.find('|');
      pipe != std::string_view::npos && pipe > 0 && IsDigits(t.substr(pipe + 1))) {
    std::string joined = std::string(t.substr(0, pipe)) + ":" + std::string(t.substr(pipe + 1));
    if (joined.find('.') != std::string::npos) {
      COTENANT_ASSIGN_OR_RETURN(Endpoint endpoint, Endpoint::Parse(joined));
      return Make(IndicatorType::kEndpoint, endpoint.ToString());
    }
  }
  if (t.front() == '[') {
    if (t.back() == ']') return ParseIp(IndicatorType::kIpv6, t.substr(1, t.size() - 2));
    COTENANT_ASSIGN_OR_RETURN(Endpoint endpoint, Endpoint::Parse(t));
    return Make(IndicatorType::kEndpoint, endpoint.ToString());
  }
  if (size_t slash = t.find('/'); slash != std::string_view::npos && slash > 0 &&
                                  IsIpCharacters(t.substr(0, slash)) &&
                                  IsDigits(t.substr(slash + 1))) {
    COTENANT_ASSIGN_OR_RETURN(IpPrefix prefix, IpPrefix::Parse(t));
    return Make(IndicatorType::kCidr, prefix.ToString());
  }
  if (IsIpCharacters(t) && (IsDigit(t.front()) || t.front() == ':')) {
    auto ip = IpAddress::Parse(t);
    if (ip.ok()) {
      return Make(ip->is_v4() ? IndicatorType::kIpv4 : IndicatorType::kIpv6, ip->ToString());
    }
    size_t colons = 0;
    for (char c : t) colons += c == ':' ? 1 : 0;
    if (colons == 1 && t.find('.') != std::string_view::npos) {
      COTENANT_ASSIGN_OR_RETURN(Endpoint endpoint, Endpoint::Parse(t));
      return Make(IndicatorType::kEndpoint, endpoint.ToString());
    }
    bool dotted_decimal = t.find_first_of(".:") != std::string_view::npos;
    for (char c : t) dotted_decimal = dotted_decimal && (IsDigit(c) || c == '.' || c == ':');
    if (colons >= 2 && dotted_decimal && IpAddress::Parse(t.substr(0, t.find(':'))).ok()) {
      return InvalidArgument(
          fmt::format("{}: an IPv4 address with more than one port is not an endpoint", Quoted(t)));
    }
    // Digits and dots (and colons) never make a domain: report why it is not an address.
    if (dotted_decimal) return ip.status();
  }
  // 4. E-mail and "@handle".
  if (t.front() == '@') {
    if (!options.telegram_context) {
      return InvalidArgument(
          fmt::format("{} is a Telegram handle only where the context says Telegram", Quoted(t)));
    }
    COTENANT_ASSIGN_OR_RETURN(TelegramHandle handle, TelegramHandle::Parse(t));
    return Make(IndicatorType::kTelegramHandle, handle.ToString());
  }
  if (options.telegram_context && shape::IsAlpha(t.front()) &&
      shape::AllOf(t, [](char c) { return shape::IsAlnum(c) || c == '_'; })) {
    COTENANT_ASSIGN_OR_RETURN(TelegramHandle handle, TelegramHandle::Parse(t));
    return Make(IndicatorType::kTelegramHandle, handle.ToString());
  }
  if (t.find('@') != std::string_view::npos && !has_slash) {
    COTENANT_ASSIGN_OR_RETURN(EmailAddress email, EmailAddress::Parse(t));
    return EmailIndicator(email);
  }
  // 5. ASNs ("AS12345", "ASN 12345").
  if (IsAsnShape(t)) {
    COTENANT_ASSIGN_OR_RETURN(Asn asn, Asn::Parse(t));
    return Make(IndicatorType::kAsn, asn.ToString());
  }
  // 6. Hashes by length and shape; certificate fingerprints written as hex pairs.
  if (shape::IsHexString(t) || shape::HexShapeOf(t) == shape::HexShape::kTlsh) {
    if (t.size() >= 16 || shape::HexShapeOf(t) != shape::HexShape::kNone) return ClassifyHex(t);
  }
  if (shape::IsSsdeepShape(t)) {
    COTENANT_ASSIGN_OR_RETURN(Hash hash, Hash::Parse(t, HashKind::kSsdeep));
    return Make(IndicatorType::kSsdeep, hash.ToString());
  }
  if (size_t pairs = 0; shape::IsColonHexPairs(t, &pairs) && (pairs == 20 || pairs == 32)) {
    return ParseCert(pairs == 20 ? IndicatorType::kCertSha1 : IndicatorType::kCertSha256, t);
  }
  // Several colons and no slash: an IPv6 address or nothing ("2001:db8::1::2", "fe80::1%eth0").
  if (size_t colons = static_cast<size_t>(std::count(t.begin(), t.end(), ':'));
      colons >= 2 && !has_slash && t.find('@') == std::string_view::npos) {
    COTENANT_ASSIGN_OR_RETURN(IpAddress ip, IpAddress::Parse(t));
    return Make(ip.is_v4() ? IndicatorType::kIpv4 : IndicatorType::kIpv6, ip.ToString());
  }
  // "<digits>:<secret>" that is not a valid token: say so rather than blame a host.
  if (size_t colon = t.find(':'); colon != std::string_view::npos && colon >= 5 &&
                                  IsDigits(t.substr(0, colon)) && !has_slash &&
                                  t.find('.') == std::string_view::npos) {
    COTENANT_ASSIGN_OR_RETURN(TelegramBotToken token, TelegramBotToken::Parse(t));
    return Make(IndicatorType::kTelegramBotToken, token.ToString());
  }
  // 7. Bare URL paths.
  if (t.front() == '/') {
    COTENANT_ASSIGN_OR_RETURN(UrlPath path, UrlPath::Parse(t));
    return Make(IndicatorType::kUrlPath, path.ToString());
  }
  // 8. Scheme-less URLs ("host/path", "host:port/path") and "domain:port".
  const bool has_colon = t.find(':') != std::string_view::npos;
  if (has_slash || t.find('?') != std::string_view::npos || has_colon) {
    if (!IsPlausibleHost(t)) {
      std::string_view host = HostOf(t);
      auto domain = ParseIndicatorDomain(host);
      if (!domain.ok()) {
        return InvalidArgument(
            fmt::format("{} is not an indicator: its host is not an IP or a "
                        "domain ({})",
                        Quoted(t), domain.status().message()));
      }
    }
    if (!options.lenient_urls) {
      return InvalidArgument(
          fmt::format("{} has no URL scheme and lenient URLs are off", Quoted(t)));
    }
    COTENANT_ASSIGN_OR_RETURN(Url url, Url::ParseLenient(t));
    return UrlIndicator(url);
  }
  // 9. Domains, including wildcards ("*.example.ru", and ".example.ru" as warning lists write
  // them: the name and every subdomain).
  if (t.size() > 1 && t.front() == '.' && t[1] != '.') {
    std::string wildcard = "*" + std::string(t);
    COTENANT_ASSIGN_OR_RETURN(DomainName domain, ParseIndicatorDomain(wildcard));
    return DomainIndicator(domain);
  }
  COTENANT_ASSIGN_OR_RETURN(DomainName domain, ParseIndicatorDomain(t));
  return DomainIndicator(domain);
}

std::string_view IndicatorTypeName(IndicatorType type) {
  return kTypes[static_cast<size_t>(type)].name;
}

std::optional<IndicatorType> IndicatorTypeFromName(std::string_view name) {
  for (const TypeInfo& info : kTypes) {
    if (info.name == name) return info.type;
  }
  return std::nullopt;
}

std::string_view EvidenceFamily(IndicatorType type) {
  return kTypes[static_cast<size_t>(type)].family;
}

Result<Indicator> ParseIndicatorAs(IndicatorType type, std::string_view text) {
  switch (type) {
    case IndicatorType::kIpv4:
    case IndicatorType::kIpv6:
      return ParseIp(type, text);
    case IndicatorType::kCidr: {
      COTENANT_ASSIGN_OR_RETURN(IpPrefix prefix, IpPrefix::Parse(text));
      return Make(type, prefix.ToString());
    }
    case IndicatorType::kEndpoint: {
      COTENANT_ASSIGN_OR_RETURN(Endpoint endpoint, Endpoint::Parse(text));
      return Make(type, endpoint.ToString());
    }
    case IndicatorType::kAsn: {
      COTENANT_ASSIGN_OR_RETURN(Asn asn, Asn::Parse(text));
      return Make(type, asn.ToString());
    }
    case IndicatorType::kDomain: {
      // DomainName::Parse's shortcut, without building a DomainName: lower case, shown as is.
      if (core::IsPlainAsciiName(text)) return Make(type, core::AsciiLower(text));
      COTENANT_ASSIGN_OR_RETURN(DomainName domain, DomainName::Parse(text));
      return DomainIndicator(domain);
    }
    case IndicatorType::kUrl: {
      COTENANT_ASSIGN_OR_RETURN(Url url, Url::ParseLenient(text));
      return UrlIndicator(url);
    }
    case IndicatorType::kUrlPath: {
      COTENANT_ASSIGN_OR_RETURN(UrlPath path, UrlPath::Parse(text));
      return Make(type, path.ToString());
    }
    case IndicatorType::kMd5:
      return ParseHash(type, HashKind::kMd5, text);
    case IndicatorType::kSha1:
      return ParseHash(type, HashKind::kSha1, text);
    case IndicatorType::kSha256:
      return ParseHash(type, HashKind::kSha256, text);
    case IndicatorType::kSha512:
      return ParseHash(type, HashKind::kSha512, text);
    case IndicatorType::kSsdeep:
      return ParseHash(type, HashKind::kSsdeep, text);
    case IndicatorType::kTlsh:
      return ParseHash(type, HashKind::kTlsh, text);
    case IndicatorType::kImphash:
      return ParseHash(type, HashKind::kImphash, text);
    case IndicatorType::kCertSha1:
    case IndicatorType::kCertSha256:
      return ParseCert(type, text);
    case IndicatorType::kCertSerial: {
      COTENANT_ASSIGN_OR_RETURN(CertSerial serial, CertSerial::Parse(text));
      return Make(type, serial.ToString());
    }
    case IndicatorType::kJa3:
      return ParseTls(type, TlsFingerprintKind::kJa3, text);
    case IndicatorType::kJa3s:
      return ParseTls(type, TlsFingerprintKind::kJa3s, text);
    case IndicatorType::kJarm:
      return ParseTls(type, TlsFingerprintKind::kJarm, text);
    case IndicatorType::kEmail: {
      COTENANT_ASSIGN_OR_RETURN(EmailAddress email, EmailAddress::Parse(text));
      return EmailIndicator(email);
    }
    case IndicatorType::kTelegramHandle: {
      COTENANT_ASSIGN_OR_RETURN(TelegramHandle handle, TelegramHandle::Parse(text));
      return Make(type, handle.ToString());
    }
    case IndicatorType::kTelegramBotToken: {
      COTENANT_ASSIGN_OR_RETURN(TelegramBotToken token, TelegramBotToken::Parse(text));
      return Make(type, token.ToString());
    }
  }
  return Internal(fmt::format("unknown indicator type {}", static_cast<int>(type)));
}

namespace {

// True when Refang would return `text` unchanged and it holds no white space or control byte,
// so ClassifyIndicator may skip both: printable ASCII without the bytes that start a wrapper
// ('"', '\'', '`', '+', '<') or a marker ('[', '(', '{', '\\', "hx", "fX", "h*"...) and without
// the space of a spelled-out " dot ". Nearly every value a feed declares passes.
bool RefangsToItself(std::string_view text) {
  // 0: never in such text; 1: fine; 2: fine unless an 'x' or 'X' follows (h, H, f, F).
  static constexpr auto kClass = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0x21; c < 0x7f; ++c) t[c] = 1;
    for (char c : std::string_view("\"'`+<[({\\*")) t[static_cast<unsigned char>(c)] = 0;
    for (char c : std::string_view("hHfF")) t[static_cast<unsigned char>(c)] = 2;
    return t;
  }();
  if (text.empty()) return false;
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    const uint8_t k = kClass[static_cast<unsigned char>(text[i])];
    if (k == 1) continue;
    if (k == 0) return false;
    if (i + 1 < n && (text[i + 1] == 'x' || text[i + 1] == 'X')) return false;
  }
  return true;
}

}  // namespace

Result<Indicator> ClassifyIndicator(std::string_view text, const ClassifyOptions& options) {
  if (RefangsToItself(text)) return ClassifyRefangedToken(text, options);
  std::string refanged = Refang(text);
  std::string_view t = Trim(refanged);
  if (t.empty()) {
    return InvalidArgument(
        fmt::format("{} is empty after refanging, not an indicator", Quoted(text)));
  }
  for (char c : t) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      if (IsSpace(c) && IsAsnShape(t)) break;
      return InvalidArgument(
          fmt::format("{} contains white space or control characters; an indicator is one token",
                      Quoted(text)));
    }
    if (c == ' ' && !IsAsnShape(t)) {
      return InvalidArgument(
          fmt::format("{} contains white space; an indicator is one token", Quoted(text)));
    }
  }
  return ClassifyRefangedToken(t, options);
}

}  // namespace cotenant
