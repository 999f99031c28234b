// Fuzz target for Url::Parse, Url::ParseLenient and UrlPath::Parse. Properties: no crash or
// sanitizer report; the canonical text of an accepted value is a fixed point (parsing it again
// gives the same text and the same parts); the host is canonical as a DomainName or an
// IpAddress; the path starts with "/".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cotenant/domain.h"
#include "cotenant/ip.h"
#include "cotenant/url.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckUrl(const cotenant::Url& url) {
  Check(!url.path().empty() && url.path()[0] == '/');
  if (url.host_is_ip()) {
    auto ip = cotenant::IpAddress::Parse(url.host());
    Check(ip.ok() && ip->ToString() == url.host());
  } else {
    auto domain = cotenant::DomainName::Parse(url.host());
    Check(domain.ok() && domain->ToString() == url.host());
  }
  auto again = cotenant::Url::Parse(url.ToString());
  Check(again.ok() && again->ToString() == url.ToString() && again->host() == url.host() &&
        again->port() == url.port() && again->path() == url.path() &&
        again->query() == url.query());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto url = cotenant::Url::Parse(text); url.ok()) CheckUrl(*url);
  if (auto url = cotenant::Url::ParseLenient(text); url.ok()) CheckUrl(*url);
  if (auto path = cotenant::UrlPath::Parse(text); path.ok()) {
    Check(path->ToString()[0] == '/');
    auto again = cotenant::UrlPath::Parse(path->ToString());
    Check(again.ok() && *again == *path);
  }
  return 0;
}
