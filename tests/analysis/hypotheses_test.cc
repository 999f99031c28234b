// One hand-built situation per hypothesis: the leading hypothesis must be the planted one.
#include <gtest/gtest.h>

#include "analysis_test_util.h"

namespace cotenant::testing {
namespace {

using T = IndicatorType;

AnalysisResult RunAnalysis(const AnalysisInput& in, const Warninglists* lists = nullptr,
                           const AsnDatabase* asn = nullptr) {
  AnalysisOptions options;
  options.lists = lists;
  options.asn = asn;
  auto r = Analyze(in, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : AnalysisResult{};
}

TEST(Hypotheses, ConcurrentDedicatedServerAcrossFamiliesIsCollaboration) {
  InputBuilder b;
  uint32_t a = b.Actor(1, "Copper");
  uint32_t v = b.Actor(2, "Velvet");
  b.Add(a, T::kEndpoint, "203.0.113.45:8443", "vendor-a", "2025-03-03", "2025-03-09");
  b.Add(a, T::kCertSha256, std::string(64, 'a'), "vendor-a", "2025-03-03", "2025-03-09");
  b.Add(a, T::kDomain, "lantern.example", "vendor-a", "2025-03-03", "2025-03-09");
  b.Add(v, T::kUrl, "http://203.0.113.45:8443/payload/7/12", "cert", "2025-03-05", "2025-03-12");
  b.Add(v, T::kCertSha256, std::string(64, 'a'), "cert", "2025-03-05", "2025-03-12");
  b.Add(v, T::kDomain, "hornet.example", "cert", "2025-03-05", "2025-03-12");
  b.Rel(T::kDomain, "hornet.example", "resolves-to", T::kIpv4, "203.0.113.45", "2025-03-05",
        "2025-03-12");
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "Copper", "Velvet");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kCollaboration) << Describe(*p);
  const Evidence* ep = FindEvidence(*p, "203.0.113.45:8443");
  ASSERT_NE(ep, nullptr) << Describe(*p);
  EXPECT_EQ(ep->level, EvidenceLevel::kIpPort);
  EXPECT_EQ(ep->time, TimeRelation::kConcurrent);
  const Evidence* link = FindEvidence(*p, "203.0.113.45");
  ASSERT_NE(link, nullptr) << Describe(*p);
  EXPECT_EQ(link->level, EvidenceLevel::kPdnsLink);
  EXPECT_GT(p->score, 90);
  EXPECT_NE(p->confidence, "low") << Describe(*p);
  // Proxy and the same actor stay in the running; provider and reallocation are refuted.
  EXPECT_EQ(p->hypotheses.back().rank, 8);
  for (const auto& h : p->hypotheses) {
    if (h.hypothesis == Hypothesis::kReallocation) {
      EXPECT_GT(h.inconsistent, 0);
    }
  }
}

TEST(Hypotheses, SameProviderAtDifferentTimesIsSharedProvider) {
  InputBuilder b;
  uint32_t s = b.Actor(1, "Slate");
  uint32_t q = b.Actor(2, "Quail");
  b.Add(s, T::kIpv4, "198.51.100.12", "isac", "2024-01-10", "2024-02-10");
  b.Add(q, T::kIpv4, "198.51.100.140", "isac2", "2024-06-01", "2024-09-15");
  AsnDatabase asn;
  ASSERT_TRUE(asn.AddCsv("198.51.100.0,198.51.100.255,64500,Example VPS Hosting\n", "t").ok());
  AnalysisResult r = RunAnalysis(b.in, nullptr, &asn);
  const PairFinding* p = FindPair(r, "Slate", "Quail");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kSharedProvider) << Describe(*p);
  EXPECT_NE(FindEvidence(*p, "198.51.100.0/24"), nullptr) << Describe(*p);
  EXPECT_NE(FindEvidence(*p, "AS64500 (Example VPS Hosting)"), nullptr) << Describe(*p);
  EXPECT_LT(p->score, 40);
}

TEST(Hypotheses, SameAddressOverAYearApartOnOtherPortIsReallocation) {
  InputBuilder b;
  uint32_t v = b.Actor(1, "Velvet");
  uint32_t q = b.Actor(2, "Quail");
  b.Add(v, T::kEndpoint, "198.51.100.77:443", "cert", "2023-02-01", "2023-02-20");
  b.Add(q, T::kEndpoint, "198.51.100.77:8080", "isac", "2024-04-02", "2024-04-30");
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "Velvet", "Quail");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kReallocation) << Describe(*p);
  const Evidence* ip = FindEvidence(*p, "198.51.100.77");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->time, TimeRelation::kFarApart);
  EXPECT_EQ(ip->gap_days, 407);
  EXPECT_EQ(ip->cells[static_cast<size_t>(Hypothesis::kReallocation)].mark, Mark::kCC);
  EXPECT_NE(ip->cells[static_cast<size_t>(Hypothesis::kReallocation)].reason.find("different port"),
            std::string::npos);
}

TEST(Hypotheses, DomainsResolvingToAListedSinkholeIsSinkhole) {
  InputBuilder b;
  uint32_t s = b.Actor(1, "Slate");
  uint32_t q = b.Actor(2, "Quail");
  b.Add(s, T::kDomain, "update-check.example", "trail", "2024-05-01", "", {}, {}, true);
  b.Add(q, T::kDomain, "quail-mail.example", "isac", "2024-07-01", "2024-12-01");
  b.Rel(T::kDomain, "update-check.example", "resolves-to", T::kIpv4, "192.0.2.66", "2024-06-02",
        "2024-12-31");
  b.Rel(T::kDomain, "quail-mail.example", "resolves-to", T::kIpv4, "192.0.2.66", "2024-07-01",
        "2024-12-01");
  Warninglists lists;
  ListInfo info;
  info.name = "Demo sinkholes";
  info.kind = ListKind::kSinkhole;
  info.match = ListMatch::kCidr;
  lists.AddList(info, {"192.0.2.66/32"});
  AnalysisResult r = RunAnalysis(b.in, &lists);
  const PairFinding* p = FindPair(r, "Slate", "Quail");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kSinkhole) << Describe(*p);
  const Evidence* ip = FindEvidence(*p, "192.0.2.66");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->level, EvidenceLevel::kPdnsSharedIp);
  EXPECT_FALSE(ip->listed.empty());
  EXPECT_LT(ip->weight, 0.1);
}

TEST(Hypotheses, ManyGroupsDomainsOnOneUnlistedAddressLooksLikeASinkhole) {
  InputBuilder b;
  std::vector<uint32_t> actors;
  for (int i = 0; i < 4; ++i) {
    actors.push_back(b.Actor(i + 1, "G" + std::to_string(i)));
    std::string domain = "d" + std::to_string(i) + ".example";
    b.Add(actors.back(), T::kDomain, domain, "feed" + std::to_string(i), "2024-01-01",
          "2024-03-01");
    // Each name first pointed at its own server, then all moved to one address.
    b.Rel(T::kDomain, domain, "resolves-to", T::kIpv4, "203.0.113." + std::to_string(10 + i),
          "2024-01-01", "2024-03-01");
    b.Rel(T::kDomain, domain, "resolves-to", T::kIpv4, "192.0.2.99", "2024-04-01", "2024-12-01");
  }
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "G0", "G1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kSinkhole) << Describe(*p);
}

TEST(Hypotheses, ManyGroupsDomainsHostedOnOneAddressFromTheStartIsSharedHosting) {
  InputBuilder b;
  for (int i = 0; i < 4; ++i) {
    uint32_t a = b.Actor(i + 1, "G" + std::to_string(i));
    std::string domain = "d" + std::to_string(i) + ".example";
    b.Add(a, T::kDomain, domain, "feed" + std::to_string(i), "2024-01-01", "2024-03-01");
    b.Rel(T::kDomain, domain, "resolves-to", T::kIpv4, "192.0.2.99", "2024-01-01", "2024-12-01");
  }
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "G0", "G1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kSharedProvider) << Describe(*p);
}

TEST(Hypotheses, AddressOnAVpnListIsProxy) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  b.Add(x, T::kIpv4, "203.0.113.200", "f1", "2024-01-01", "2024-01-20");
  b.Add(y, T::kIpv4, "203.0.113.200", "f2", "2024-01-05", "2024-01-25");
  Warninglists lists;
  ListInfo info;
  info.name = "Commercial VPN exits";
  info.kind = ListKind::kProxy;
  info.match = ListMatch::kCidr;
  lists.AddList(info, {"203.0.113.192/26"});
  AnalysisResult r = RunAnalysis(b.in, &lists);
  const PairFinding* p = FindPair(r, "X", "Y");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kProxy) << Describe(*p);
}

TEST(Hypotheses, AddressASourceMarksAsProxyIsProxy) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  b.Add(x, T::kIpv4, "203.0.113.201", "f1", "2024-01-01", "2024-01-20", {}, {}, false,
        Role::kProxy);
  b.Add(y, T::kIpv4, "203.0.113.201", "f2", "2024-01-05", "2024-01-25", {}, {}, false,
        Role::kProxy);
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "X", "Y");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kProxy) << Describe(*p);
}

TEST(Hypotheses, OneSampleTwoLabelsIsConflictingAttribution) {
  InputBuilder b;
  uint32_t c = b.Actor(1, "Copper");
  uint32_t h = b.Actor(2, "Heron");
  std::string sample(64, 'c');
  b.Add(c, T::kSha256, sample, "vendor-a", "2025-02-20", "2025-03-31",
        {"report--a", "sha256:" + sample});
  b.Add(c, T::kDomain, "cdn-sync.test", "vendor-a", "2025-02-20", "2025-03-31", {"report--a"});
  b.Add(h, T::kSha256, sample, "vendor-b", "2025-02-25", "", {"report--b", "sha256:" + sample});
  b.Add(h, T::kDomain, "cdn-sync.test", "vendor-b", "2025-02-25", "", {"report--b"});
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "Copper", "Heron");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kConflictingAttribution) << Describe(*p);
  const Evidence* d = FindEvidence(*p, "cdn-sync.test");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->independence, "with-disputed-sample");
  const Evidence* s = FindEvidence(*p, sample);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->independence, "same-basis");
}

TEST(Hypotheses, PathSchemeMonthsLaterOnOtherInfrastructureIsImitation) {
  InputBuilder b;
  uint32_t v = b.Actor(1, "Velvet");
  uint32_t h = b.Actor(2, "Heron");
  b.Add(v, T::kUrl, "http://203.0.113.45:8443/payload/7/12", "cert", "2025-03-05", "2025-03-12");
  b.Add(h, T::kUrl, "http://rustheron-files.test/payload/9/31", "vendor-b", "2025-06-10",
        "2025-07-01");
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "Velvet", "Heron");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kImitation) << Describe(*p);
  const Evidence* scheme = FindEvidence(*p, "/payload/N/N");
  ASSERT_NE(scheme, nullptr);
  EXPECT_EQ(scheme->time, TimeRelation::kSequential);
  EXPECT_LT(p->score, 30);
}

TEST(Hypotheses, AmbiguousNameClaimedByTheOtherGroupIsSameActor) {
  InputBuilder b;
  uint32_t c = b.Actor(1, "Copper Lantern");
  ActorInfo moth;
  moth.id = 2;
  moth.name = "Glass Moth";
  moth.kind = ActorKind::kAmbiguous;
  moth.candidates = {1, 3};
  uint32_t m = b.Actor(moth);
  b.Actor(3, "Glass Moth - G9001");
  b.Add(c, T::kDomain, "lantern-cdn.example", "vendor-a", "2025-02-20", "2025-03-31");
  b.Add(m, T::kDomain, "lantern-cdn.example", "vendor-c", "2025-04-01", "", {}, {}, true);
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "Copper Lantern", "Glass Moth");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kSameActor) << Describe(*p);
  const Evidence* d = FindEvidence(*p, "lantern-cdn.example");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->time, TimeRelation::kUnknown);  // one side has only an estimated date
}

TEST(Hypotheses, UmbrellaAndSubClusterIsSameActor) {
  InputBuilder b;
  ActorInfo sub;
  sub.id = 1;
  sub.name = "Velvet Hornet";
  sub.part_of = {2};
  ActorInfo umbrella;
  umbrella.id = 2;
  umbrella.name = "Iron Marten";
  umbrella.members = {1};
  uint32_t s = b.Actor(sub);
  uint32_t u = b.Actor(umbrella);
  b.Add(s, T::kDomain, "hornet-update.example", "cert", "2025-03-05", "2025-03-12");
  b.Add(u, T::kDomain, "hornet-update.example", "other", "2025-03-06", "2025-03-10");
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "Velvet Hornet", "Iron Marten");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kSameActor) << Describe(*p);
  EXPECT_EQ(p->actors[0].part_of, std::vector<std::string>{"Iron Marten"});
}

TEST(Hypotheses, PublicResolverIsServiceProviderAndWeak) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  b.Add(x, T::kIpv4, "8.8.8.8", "f1", "2024-01-01", "2024-01-20");
  b.Add(y, T::kIpv4, "8.8.8.8", "f2", "2024-01-05", "2024-01-25");
  Warninglists lists = Warninglists::BuiltIn();
  AnalysisResult r = RunAnalysis(b.in, &lists);
  const PairFinding* p = FindPair(r, "X", "Y");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kSharedProvider) << Describe(*p);
  EXPECT_LT(p->score, 10);
}

}  // namespace
}  // namespace cotenant::testing

namespace cotenant::testing {
namespace {

TEST(Hypotheses, GroupWhoseNameAnotherSourceListsAsASynonymIsSameActor) {
  InputBuilder b;
  ActorInfo copper;
  copper.id = 1;
  copper.name = "Copper Lantern";
  copper.aliases = {{"Copper Lantern", "misp-galaxy:threat-actor", std::nullopt},
                    {"Glass Moth", "misp-galaxy:threat-actor", std::nullopt}};
  ActorInfo moth;
  moth.id = 2;
  moth.name = "Glass Moth";
  moth.external_ids = {"G9001"};
  moth.aliases = {{"Glass Moth", "misp-galaxy:mitre-intrusion-set", std::nullopt}};
  uint32_t c = b.Actor(copper);
  uint32_t m = b.Actor(moth);
  b.Add(c, IndicatorType::kIpv4, "203.0.113.45", "vendor-a", "2025-03-03", "2025-03-09");
  b.Add(m, IndicatorType::kIpv4, "203.0.113.46", "maltrail", "2025-04-01", "", {}, {}, true);
  auto r = Analyze(b.in, {});
  ASSERT_TRUE(r.ok());
  const PairFinding* p = FindPair(*r, "Copper Lantern", "Glass Moth");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kSameActor) << Describe(*p);
  bool naming = false;
  for (const auto& e : p->evidence) {
    if (e.level == EvidenceLevel::kNaming) {
      naming = true;
      EXPECT_NE(e.value.find("misp-galaxy:threat-actor"), std::string::npos) << e.value;
    }
  }
  EXPECT_TRUE(naming);
}

}  // namespace
}  // namespace cotenant::testing

// Cases seen on the shared real data (docs/findings-shared-data.md).
namespace cotenant::testing {
namespace {

using T = IndicatorType;

ActorInfo Group(ActorId id, std::string name, std::string source,
                std::vector<std::string> aliases) {
  ActorInfo info;
  info.id = id;
  info.name = name;
  info.aliases.push_back({name, source, std::nullopt});
  for (auto& a : aliases) info.aliases.push_back({std::move(a), source, std::nullopt});
  return info;
}

const Evidence* FindLevel(const PairFinding& p, EvidenceLevel level) {
  for (const auto& e : p.evidence) {
    if (e.level == level) return &e;
  }
  return nullptr;
}

Mark CellOf(const Evidence& e, Hypothesis h) { return e.cells[static_cast<size_t>(h)].mark; }

// maltrail's undated trail and a dated report share names: that nothing is shown concurrent
// is no sign of tenants coming and going or of a hand-over.
TEST(RealDataCases, UndatedSideSaysNothingAboutTenantsComingAndGoing) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  for (std::string d : {"celticso.example", "pasamart.example", "heato.example"}) {
    b.Add(x, T::kDomain, d, "maltrail", "2026-11-28", "", {}, {}, /*estimated=*/true);
    b.Add(y, T::kDomain, d, "talos", "2022-09-14");
  }
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "X", "Y");
  ASSERT_NE(p, nullptr);
  for (const auto& e : p->evidence) {
    if (e.level != EvidenceLevel::kPairSummary) continue;
    EXPECT_NE(CellOf(e, Hypothesis::kReallocation), Mark::kC) << e.value << "\n" << Describe(*p);
    EXPECT_NE(CellOf(e, Hypothesis::kSharedProvider), Mark::kC) << e.value;
  }
  bool unknown_said = false;
  for (const auto& e : p->evidence) {
    unknown_said |=
        e.value.find("whether they were in use at the same time is unknown") != std::string::npos;
  }
  EXPECT_TRUE(unknown_said) << Describe(*p);
  EXPECT_NE(p->leading, Hypothesis::kSharedProvider) << Describe(*p);
  EXPECT_NE(p->leading, Hypothesis::kReallocation) << Describe(*p);
}

// "gamaredon" (maltrail's header) and MISP's "Gamaredon Group" are one group the naming
// sources did not join; their subdomains of a free host on a top-sites list are the group's own.
TEST(RealDataCases, RecordsSharingManyAliasesAndTenantNamesAreSameActor) {
  InputBuilder b;
  uint32_t m = b.Actor(Group(1, "gamaredon", "maltrail",
                             {"actinium", "shuckworm", "uac-0010", "primitive bear", "pterodo"}));
  uint32_t g = b.Actor(Group(2, "Gamaredon Group", "misp-galaxy:threat-actor",
                             {"ACTINIUM", "Actinium", "Shuckworm", "UAC-0010", "PRIMITIVE BEAR"}));
  std::vector<std::string> names = {"a0705076.xsph.example", "a0700462.xsph.example",
                                    "a0705880.xsph.example", "a0698649.xsph.example",
                                    "motoristo.example"};
  for (const auto& d : names) {
    b.Add(m, T::kDomain, d, "maltrail", "2026-11-28", "", {}, {}, /*estimated=*/true);
    b.Add(g, T::kDomain, d, "talos", "2022-09-14");
  }
  Warninglists lists;
  ListInfo info;
  info.name = "Top 10K most-used sites";
  info.kind = ListKind::kServiceProvider;
  info.match = ListMatch::kHostname;
  lists.AddList(info, {"xsph.example"});
  AnalysisResult r = RunAnalysis(b.in, &lists);
  const PairFinding* p = FindPair(r, "gamaredon", "Gamaredon Group");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->leading, Hypothesis::kSameActor) << Describe(*p);
  const Evidence* naming = FindLevel(*p, EvidenceLevel::kNaming);
  ASSERT_NE(naming, nullptr);
  EXPECT_NE(naming->value.find("4 common names"), std::string::npos) << naming->value;
  EXPECT_EQ(CellOf(*naming, Hypothesis::kSameActor), Mark::kCC);
  EXPECT_EQ(CellOf(*naming, Hypothesis::kCollaboration), Mark::kI);
  // A tenant's name under the listed host is not the shared service itself.
  const Evidence* tenant = FindEvidence(*p, "a0705076.xsph.example");
  ASSERT_NE(tenant, nullptr) << Describe(*p);
  EXPECT_TRUE(tenant->listed.empty()) << tenant->listed.front();
  EXPECT_NE(CellOf(*tenant, Hypothesis::kSharedProvider), Mark::kCC);
  bool noted = false;
  for (const auto& w : tenant->weight_reasons) {
    noted |= w.find("under xsph.example") != std::string::npos;
  }
  EXPECT_TRUE(noted);
}

// The listed host itself stays listed: only names under it are tenants' own.
TEST(RealDataCases, TheListedHostItselfStaysAService) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  b.Add(x, T::kDomain, "od.example", "f1", "2024-01-01", "2024-01-20");
  b.Add(y, T::kDomain, "od.example", "f2", "2024-01-05", "2024-01-25");
  Warninglists lists;
  ListInfo info;
  info.name = "Top sites";
  info.kind = ListKind::kServiceProvider;
  info.match = ListMatch::kHostname;
  lists.AddList(info, {"od.example"});
  AnalysisResult r = RunAnalysis(b.in, &lists);
  const PairFinding* p = FindPair(r, "X", "Y");
  ASSERT_NE(p, nullptr);
  const Evidence* e = FindEvidence(*p, "od.example");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->listed.size(), 1u);
  EXPECT_EQ(p->leading, Hypothesis::kSharedProvider) << Describe(*p);
}

// Talos and ESET file names become actor names; one that spells a group's name is about it.
TEST(RealDataCases, ReportNamedAfterAGroupPointsToThatGroup) {
  struct Case {
    std::string unknown;
    bool linked;
  };
  for (const Case& c : std::vector<Case>{{"lazarus-three-rats", true},
                                         {"iocs_lazarus_magicrat", true},
                                         {"Lazarus NukeSped", true},
                                         {"hidden-cobra-report", true},
                                         {"zinc-report", true},
                                         {"cobra-three-rats", false},
                                         {"laz-report", false}}) {
    InputBuilder b;
    uint32_t l = b.Actor(Group(1, "lazarus", "maltrail", {"hidden cobra", "zinc"}));
    uint32_t u = b.Actor(2, c.unknown, ActorKind::kUnregistered);
    b.Add(l, T::kDomain, "tecnojournals.example", "maltrail", "2026-11-28", "", {}, {}, true);
    b.Add(u, T::kDomain, "tecnojournals.example", "talos", "2022-09-08");
    AnalysisResult r = RunAnalysis(b.in);
    const PairFinding* p = FindPair(r, "lazarus", c.unknown);
    ASSERT_NE(p, nullptr) << c.unknown;
    const Evidence* naming = FindLevel(*p, EvidenceLevel::kNaming);
    ASSERT_NE(naming, nullptr);
    EXPECT_EQ(naming->value.find("contains") != std::string::npos, c.linked)
        << c.unknown << ": " << naming->value;
    EXPECT_EQ(CellOf(*naming, Hypothesis::kSameActor), c.linked ? Mark::kC : Mark::kN) << c.unknown;
  }
}

}  // namespace
}  // namespace cotenant::testing

namespace cotenant::testing {
namespace {

// maltrail files SideCopy's domains under SideWinder and Transparent Tribe: undated shared
// registered names are not explained by both renting free subdomains and VPS from one provider.
TEST(RealDataCases, SharedUndatedNamesAreNotExplainedByProviderParents) {
  InputBuilder b;
  uint32_t s = b.Actor(1, "Sidewinder");
  uint32_t t = b.Actor(2, "Transparent Tribe");
  for (std::string d : {"pafwa.example", "securedesk.example", "afghannews.example"}) {
    b.Add(s, IndicatorType::kDomain, d, "maltrail", "2026-11-28", "", {}, {}, true);
    b.Add(t, IndicatorType::kDomain, d, "maltrail", "2026-11-28", "", {}, {}, true);
  }
  for (std::string p : {"rf.example", "myddns.example", "webhost.example", "contabo.example"}) {
    b.Add(s, IndicatorType::kDomain, "a." + p, "maltrail", "2026-11-28", "", {}, {}, true);
    b.Add(t, IndicatorType::kDomain, "b." + p, "maltrail", "2026-11-28", "", {}, {}, true);
  }
  Warninglists lists;
  ListInfo info;
  info.name = "Free hosting and dynamic DNS";
  info.kind = ListKind::kServiceProvider;
  info.match = ListMatch::kHostname;
  lists.AddList(info, {"rf.example", "myddns.example", "webhost.example", "contabo.example"});
  AnalysisResult r = RunAnalysis(b.in, &lists);
  const PairFinding* p = FindPair(r, "Sidewinder", "Transparent Tribe");
  ASSERT_NE(p, nullptr);
  EXPECT_NE(p->leading, Hypothesis::kSharedProvider) << Describe(*p);
  const Evidence* e = FindEvidence(*p, "pafwa.example");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->cells[static_cast<size_t>(Hypothesis::kSharedProvider)].mark, Mark::kI);
}

}  // namespace
}  // namespace cotenant::testing

namespace cotenant::testing {
namespace {

// ESET's King TUT table gives defenderav.con-ip.com, its address and the resolution; maltrail's
// Blind Eagle trail lists the same name, undated. Blind Eagle reaches the address only through
// ESET's resolution of the shared name: that is the shared name again, not a concurrent DNS link.
TEST(RealDataCases, ResolutionOfASharedNameIsImpliedByIt) {
  InputBuilder b;
  uint32_t k = b.Actor(1, "king_tut", ActorKind::kUnregistered);
  uint32_t e = b.Actor(2, "APT-C-36");
  b.Add(k, IndicatorType::kDomain, "defenderav.con-ip.example", "eset", "2022-07-11");
  b.Add(k, IndicatorType::kIpv4, "190.28.131.156", "eset", "2022-07-11");
  b.Rel(IndicatorType::kDomain, "defenderav.con-ip.example", "resolves-to", IndicatorType::kIpv4,
        "190.28.131.156", "2022-07-11", "2022-07-11", "eset");
  b.Add(e, IndicatorType::kDomain, "defenderav.con-ip.example", "maltrail", "2026-11-28", "", {},
        {}, true);
  AnalysisResult r = RunAnalysis(b.in);
  const PairFinding* p = FindPair(r, "king_tut", "APT-C-36");
  ASSERT_NE(p, nullptr);
  const Evidence* link = FindEvidence(*p, "190.28.131.156");
  ASSERT_NE(link, nullptr) << Describe(*p);
  EXPECT_EQ(link->subsumed_by, "defenderav.con-ip.example") << Describe(*p);
  EXPECT_NE(p->leading, Hypothesis::kCollaboration) << Describe(*p);

  // The actor's own name resolving to the other's address stays a DNS link (the demo's story).
  InputBuilder own;
  uint32_t c = own.Actor(1, "Copper");
  uint32_t v = own.Actor(2, "Velvet");
  own.Add(c, IndicatorType::kIpv4, "203.0.113.45", "vendor-a", "2025-03-03", "2025-03-09");
  own.Add(v, IndicatorType::kDomain, "hornet.example", "cert", "2025-03-05", "2025-03-12");
  own.Rel(IndicatorType::kDomain, "hornet.example", "resolves-to", IndicatorType::kIpv4,
          "203.0.113.45", "2025-03-05", "2025-03-12");
  AnalysisResult r2 = RunAnalysis(own.in);
  const PairFinding* p2 = FindPair(r2, "Copper", "Velvet");
  ASSERT_NE(p2, nullptr);
  const Evidence* link2 = FindEvidence(*p2, "203.0.113.45");
  ASSERT_NE(link2, nullptr) << Describe(*p2);
  EXPECT_TRUE(link2->subsumed_by.empty()) << Describe(*p2);
}

}  // namespace
}  // namespace cotenant::testing
