// Unit tests for DomainName relations: subdomain-of on label boundaries and the registrable
// domain from the Public Suffix List (ICANN and private sections).
#include "cotenant/domain.h"

#include <gtest/gtest.h>

#include <string>

namespace cotenant {
namespace {

DomainName D(const std::string& text) {
  auto parsed = DomainName::Parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
  return parsed.ok() ? *parsed : *DomainName::Parse("invalid.test");
}

TEST(DomainName, IsSubdomainOf) {
  struct Case {
    const char* child;
    const char* parent;
    bool expected;
  };
  const Case cases[] = {
      {"higan.org", "higan.org", true},
      {"a.higan.org", "higan.org", true},
      {"a.b.higan.org", "higan.org", true},
      {"A.HIGAN.ORG.", "higan.org", true},
      {"michigan.org", "higan.org", false},
      {"xhigan.org", "higan.org", false},
      {"higan.org", "a.higan.org", false},
      {"higan.org.evil.com", "higan.org", false},
      {"www.пример.рф", "xn--e1afmkfd.xn--p1ai", true},
      {"www.xn--e1afmkfd.xn--p1ai", "пример.рф", true},
      {"*.higan.org", "higan.org", true},
      {"a.higan.org", "*.higan.org", true},
      {"ahigan.org", "*.higan.org", false},
  };
  for (const Case& c : cases) {
    auto parent = DomainName::Parse(c.parent);
    if (!parent.ok()) continue;  // single labels are not domains
    EXPECT_EQ(D(c.child).IsSubdomainOf(*parent), c.expected) << c.child << " under " << c.parent;
  }
  EXPECT_FALSE(DomainName::Parse("org").ok());
}

TEST(DomainName, RegistrableDomainIcann) {
  EXPECT_EQ(D("www.example.co.uk").PublicSuffix(), "co.uk");
  EXPECT_EQ(D("www.example.co.uk").RegistrableDomain(), "example.co.uk");
  EXPECT_EQ(D("example.co.uk").RegistrableDomain(), "example.co.uk");
  EXPECT_EQ(D("co.uk").PublicSuffix(), "co.uk");
  EXPECT_EQ(D("co.uk").RegistrableDomain(), "");
  EXPECT_EQ(D("a.b.c.example.com").RegistrableDomain(), "example.com");
  EXPECT_EQ(D("www.пример.рф").RegistrableDomain(), "xn--e1afmkfd.xn--p1ai");
  EXPECT_EQ(D("www.пример.рф").PublicSuffix(), "xn--p1ai");
  // Wildcard and exception rules: "*.kawasaki.jp" with "!city.kawasaki.jp".
  EXPECT_EQ(D("a.b.kawasaki.jp").PublicSuffix(), "b.kawasaki.jp");
  EXPECT_EQ(D("a.b.kawasaki.jp").RegistrableDomain(), "a.b.kawasaki.jp");
  EXPECT_EQ(D("www.city.kawasaki.jp").RegistrableDomain(), "city.kawasaki.jp");
  EXPECT_EQ(D("*.example.co.uk").RegistrableDomain(), "example.co.uk");
}

TEST(DomainName, RegistrableDomainPrivateSection) {
  // Private-section entries count: each customer of a hosting or DDNS parent is its own
  // registrant, so shared parents do not collapse unrelated actors into one domain.
  EXPECT_EQ(D("foo.duckdns.org").PublicSuffix(), "duckdns.org");
  EXPECT_EQ(D("foo.duckdns.org").RegistrableDomain(), "foo.duckdns.org");
  EXPECT_EQ(D("a.foo.duckdns.org").RegistrableDomain(), "foo.duckdns.org");
  EXPECT_EQ(D("duckdns.org").RegistrableDomain(), "");
  EXPECT_EQ(D("user.github.io").RegistrableDomain(), "user.github.io");
  EXPECT_EQ(D("github.io").RegistrableDomain(), "");
  EXPECT_EQ(D("www.github.com").RegistrableDomain(), "github.com");
}

TEST(DomainName, UnknownTopLevelHasNoSuffix) {
  EXPECT_EQ(D("host.notarealtld").PublicSuffix(), "");
  EXPECT_FALSE(D("host.notarealtld").HasPublicSuffix());
  EXPECT_EQ(D("www.host.notarealtld").RegistrableDomain(), "");
  EXPECT_TRUE(D("example.com").HasPublicSuffix());
}

TEST(DomainName, IsPublicSuffix) {
  const char* suffixes[] = {"com",         "co.uk",    "github.io",
                            "duckdns.org", "xn--p1ai", "b.kawasaki.jp"};
  for (const char* s : suffixes) EXPECT_TRUE(IsPublicSuffix(s)) << s;
  const char* not_suffixes[] = {"example.com", "notarealtld", "city.kawasaki.jp", "foo.github.io",
                                ""};
  for (const char* s : not_suffixes) EXPECT_FALSE(IsPublicSuffix(s)) << s;
}

TEST(DomainName, WildcardEqualityAndText) {
  EXPECT_EQ(D("*.Example.RU.").ToString(), "*.example.ru");
  EXPECT_EQ(D("*.example.ru").ascii(), "example.ru");
  EXPECT_TRUE(D("*.example.ru").wildcard());
  EXPECT_FALSE(D("*.example.ru") == D("example.ru"));
  EXPECT_TRUE(D("EXAMPLE.ru") == D("example.ru."));
}

}  // namespace
}  // namespace cotenant
