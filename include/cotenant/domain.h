// DomainName: a DNS name in canonical form, and registrable-domain (eTLD+1) lookup.
//
// Canonical form: lower case, no trailing dot, IDN labels as A-labels (xn--) via libidn2's
// UTS #46 processing; the U-label form is kept for display. Labels are 1-63 bytes of
// LDH (underscore also accepted, as real DNS names carry it), names at most 253 bytes.
// A leading "*." makes a wildcard: the name and every subdomain. A name needs at least two
// labels and a non-numeric top-level label (so "1.2.3.4" is not a domain). Input is UTF-8;
// invalid UTF-8, control bytes and spaces are rejected. An A-label that is well-formed Punycode
// but whose Unicode form IDNA2008 disallows (emoji names registered under IDNA2003, e.g.
// "xn--ls8h.la") is accepted, since it exists in DNS, and is displayed as the A-label; the
// same name typed as Unicode ("💩.la") is rejected by UTS #46.
// Public-suffix data comes from libpsl with Debian's publicsuffix file, loaded once, thread-safe.
// The whole list is used, ICANN and private sections alike: "github.io" and "duckdns.org" are
// public suffixes, so the registrable domain of "foo.duckdns.org" is "foo.duckdns.org" (each
// dynamic-DNS or hosting customer is a separate registrant, which is what correlation needs).
// Unknown top-level domains have no public suffix (libpsl's implicit "*" rule is not applied).
// All members are const and safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <tuple>

#include "cotenant/status.h"

namespace cotenant {

class DomainName {
 public:
  static Result<DomainName> Parse(std::string_view text);

  // "xn--80ak6aa92e.com" (A-labels), never with "*." even for a wildcard.
  const std::string& ascii() const { return ascii_; }
  // "пример.com" for display; equal to ascii() when there is no IDN label.
  const std::string& unicode() const { return unicode_; }
  bool wildcard() const { return wildcard_; }
  // ascii() with "*." in front for a wildcard: the canonical text of the indicator.
  std::string ToString() const;

  // True when this name equals `parent` or ends with "." + parent (label boundary only:
  // "a.higan.org" is under "higan.org", "michigan.org" is not).
  bool IsSubdomainOf(const DomainName& parent) const;
  // The public suffix ("co.uk"), or empty when the name does not end in a known suffix.
  // The special-use TLDs "test", "example" (RFC 6761) and "onion" (RFC 7686) count as suffixes.
  std::string PublicSuffix() const;
  bool HasPublicSuffix() const { return !PublicSuffix().empty(); }
  // eTLD+1 ("example.co.uk"); empty when the name is itself a public suffix or has none.
  std::string RegistrableDomain() const;

  bool operator==(const DomainName& o) const {
    return ascii_ == o.ascii_ && wildcard_ == o.wildcard_;
  }
  auto operator<=>(const DomainName& o) const {
    return std::tie(ascii_, wildcard_) <=> std::tie(o.ascii_, o.wildcard_);
  }

 private:
  std::string ascii_;
  std::string unicode_;
  bool wildcard_ = false;
};

// True when `suffix` (already lower case A-labels) is a public suffix per the PSL.
bool IsPublicSuffix(std::string_view suffix);
// True when `suffix` is a public suffix of the PSL's ICANN section ("com", "co.uk", "*.jm"
// names). Names of the private section ("ddns.net", "blogspot.com") are registered domains
// run by a company and are indicators in their own right.
bool IsIcannPublicSuffix(std::string_view suffix);

}  // namespace cotenant
