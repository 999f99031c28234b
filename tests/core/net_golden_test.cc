// Golden files for the network value types: tests/golden/core/{ipv4,ipv6,cidr,cidr_mask,
// endpoint,asn}.txt. Each line is "input<TAB>ok <canonical>" or "input<TAB>error: <message>".
// Every accepted value must also parse back from its canonical text to the same value.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "cotenant/cidr.h"
#include "cotenant/endpoint.h"
#include "cotenant/ip.h"
#include "testing.h"

namespace cotenant {
namespace {

// Formats a parse result and checks the canonical text round-trips.
template <typename T, typename ParseFn>
std::string Golden(std::string_view input, ParseFn parse) {
  Result<T> result = parse(input);
  if (!result.ok()) return "error: " + result.status().message();
  const std::string canonical = result->ToString();
  Result<T> again = parse(canonical);
  if (!again.ok()) {
    ADD_FAILURE() << "canonical `" << canonical << "` of `" << testing::Escape(input)
                  << "` does not parse: " << again.status().message();
  } else if (!(*again == *result)) {
    ADD_FAILURE() << "canonical `" << canonical << "` of `" << testing::Escape(input)
                  << "` parses to a different value: " << again->ToString();
  }
  return "ok " + canonical;
}

void ExpectGolden(const std::string& name, const std::function<std::string(std::string_view)>& fn) {
  const std::string path = testing::SourcePath("tests/golden/core/" + name);
  for (const std::string& failure : testing::RunGoldenFile(path, fn)) ADD_FAILURE() << failure;
}

std::string Ip(std::string_view in) {
  return Golden<IpAddress>(in, [](std::string_view t) { return IpAddress::Parse(t); });
}

TEST(NetGolden, Ipv4) { ExpectGolden("ipv4.txt", Ip); }
TEST(NetGolden, Ipv6) { ExpectGolden("ipv6.txt", Ip); }

TEST(NetGolden, Cidr) {
  ExpectGolden("cidr.txt", [](std::string_view in) {
    return Golden<IpPrefix>(in, [](std::string_view t) { return IpPrefix::Parse(t); });
  });
}

TEST(NetGolden, CidrMaskHostBits) {
  ExpectGolden("cidr_mask.txt", [](std::string_view in) {
    return Golden<IpPrefix>(in,
                            [](std::string_view t) { return IpPrefix::Parse(t, HostBits::kMask); });
  });
}

TEST(NetGolden, Endpoint) {
  ExpectGolden("endpoint.txt", [](std::string_view in) {
    return Golden<Endpoint>(in, [](std::string_view t) { return Endpoint::Parse(t); });
  });
}

TEST(NetGolden, Asn) {
  ExpectGolden("asn.txt", [](std::string_view in) {
    return Golden<Asn>(in, [](std::string_view t) { return Asn::Parse(t); });
  });
}

// The files are the specification; keep them large enough to mean something.
TEST(NetGolden, EnoughCases) {
  size_t total = 0;
  for (const char* name :
       {"ipv4.txt", "ipv6.txt", "cidr.txt", "cidr_mask.txt", "endpoint.txt", "asn.txt"}) {
    const size_t n = testing::CountGoldenCases(testing::SourcePath("tests/golden/core/") + name);
    EXPECT_GE(n, 10u) << name;
    total += n;
  }
  EXPECT_GE(total, 200u);
}

}  // namespace
}  // namespace cotenant
