// Url and UrlPath: canonical URLs and bare URL-path indicators.
//
// Canonical URL: scheme lower case; host canonical (DomainName A-labels, or an IP address,
// IPv6 bracketed); the scheme's default port removed (http/ws 80, https/wss 443, ftp 21); an
// empty path becomes "/"; percent-encoding normalized (hex upper case, unreserved characters
// decoded, nothing else decoded, non-ASCII bytes and a stray "%" encoded so the canonical text
// is a fixed point); the fragment dropped. Userinfo is kept. Schemes come from a fixed list
// (an undefanged "hxxp" is an error); spaces, control bytes and invalid UTF-8 are refused.
// A URL without a scheme ("example.com/a.php") is accepted as http only via ParseLenient.
// Details: docs/naming.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cotenant/status.h"

namespace cotenant {

class Url {
 public:
  static Result<Url> Parse(std::string_view text);
  // Also accepts scheme-less "host/path" (taken as http) as vendor lists write them.
  static Result<Url> ParseLenient(std::string_view text);

  const std::string& scheme() const { return scheme_; }
  // Canonical host text: a domain's A-label form, an IPv4, or an IPv6 without brackets.
  const std::string& host() const { return host_; }
  bool host_is_ip() const { return host_is_ip_; }
  std::optional<uint16_t> port() const { return port_; }  // only when not the default
  const std::string& path() const { return path_; }       // starts with "/"
  const std::string& query() const { return query_; }     // without "?"; may be empty
  std::string ToString() const;

  bool operator==(const Url& o) const { return ToString() == o.ToString(); }

 private:
  std::string scheme_, userinfo_, host_, path_, query_;
  bool has_query_ = false;
  bool host_is_ip_ = false;
  std::optional<uint16_t> port_;
};

// A bare path indicator as maltrail and vendor lists write them: "/payload/7/12",
// "/ingenious_/28.01/ivan.php". Must start with "/" and have at least one non-slash char.
// Percent-encoding normalized as for Url; query kept.
class UrlPath {
 public:
  static Result<UrlPath> Parse(std::string_view text);
  const std::string& ToString() const { return path_; }
  bool operator==(const UrlPath&) const = default;

 private:
  std::string path_;
};

}  // namespace cotenant
