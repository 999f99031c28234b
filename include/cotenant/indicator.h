// Indicator: one typed, canonical value, the unit every other part of cotenant agrees on.
//
// `value` is the canonical text produced by the type's parser (ip.h, cidr.h, domain.h, url.h,
// hash.h, contact.h); two indicators are the same iff type and value are equal. `display` is
// what to show people (the U-label of an IDN domain, otherwise equal to value).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cotenant/status.h"

namespace cotenant {

enum class IndicatorType {
  kIpv4,
  kIpv6,
  kCidr,      // IPv4 or IPv6 prefix
  kEndpoint,  // IP:port
  kAsn,
  kDomain,  // includes wildcard "*.example.ru"
  kUrl,
  kUrlPath,  // bare "/payload/7/12"
  kMd5,
  kSha1,
  kSha256,
  kSha512,
  kSsdeep,
  kTlsh,
  kImphash,
  kCertSha1,
  kCertSha256,
  kCertSerial,
  kJa3,
  kJa3s,
  kJarm,
  kEmail,
  kTelegramHandle,  // value "t.me/name"
  kTelegramBotToken,
};

// Stable lower-case names used in the store, JSON and the CLI: "ipv4", "ipv6", "cidr",
// "endpoint", "asn", "domain", "url", "url-path", "md5", "sha1", "sha256", "sha512", "ssdeep",
// "tlsh", "imphash", "cert-sha1", "cert-sha256", "cert-serial", "ja3", "ja3s", "jarm", "email",
// "telegram-handle", "telegram-bot-token".
std::string_view IndicatorTypeName(IndicatorType type);
std::optional<IndicatorType> IndicatorTypeFromName(std::string_view name);

// The evidence family a type belongs to (FIELD.md §3): "network", "dns", "http", "tls",
// "messaging", "code", "email".
std::string_view EvidenceFamily(IndicatorType type);

struct Indicator {
  IndicatorType type = IndicatorType::kIpv4;
  std::string value;
  std::string display;

  bool operator==(const Indicator& o) const { return type == o.type && value == o.value; }
  auto operator<=>(const Indicator& o) const {
    if (auto c = type <=> o.type; c != 0) return c;
    return value <=> o.value;
  }
};

// Parses `text` as exactly `type` (no refanging; call Refang first for feed text).
Result<Indicator> ParseIndicatorAs(IndicatorType type, std::string_view text);

struct ClassifyOptions {
  // "@name" and bare handles count as Telegram handles only when the context says Telegram.
  bool telegram_context = false;
  // Accept "host/path" without a scheme as a URL (vendor lists do this).
  bool lenient_urls = true;
};

// Refangs `text`, trims surrounding white space and table decoration, and finds its type:
// IPv4, IPv6, CIDR, IP:port, URL, Telegram (t.me URLs, bot tokens, api.telegram.org URLs),
// e-mail, hashes (32 hex = MD5), domain (must end in a public suffix), bare URL path.
// Errors name the text and why it is not an indicator.
Result<Indicator> ClassifyIndicator(std::string_view text, const ClassifyOptions& options = {});

}  // namespace cotenant

template <>
struct std::hash<cotenant::Indicator> {
  size_t operator()(const cotenant::Indicator& i) const noexcept {
    return std::hash<std::string>()(i.value) * 31 + static_cast<size_t>(i.type);
  }
};
