// The inverted index, levels, time, specificity and the pair cap.
#include <gtest/gtest.h>

#include "analysis_test_util.h"

namespace cotenant::testing {
namespace {

using T = IndicatorType;

TEST(Index, EndpointImpliesItsAddressRangeAndPort) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  b.Add(x, T::kEndpoint, "203.0.113.45:8443", "f1", "2025-03-03");
  b.Add(y, T::kEndpoint, "203.0.113.45:8443", "f2", "2025-03-04");
  auto r = Analyze(b.in, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->pairs.size(), 1u);
  const PairFinding& p = r->pairs[0];
  const Evidence* ep = FindEvidence(p, "203.0.113.45:8443");
  const Evidence* ip = FindEvidence(p, "203.0.113.45");
  const Evidence* net = FindEvidence(p, "203.0.113.0/24");
  const Evidence* port = FindEvidence(p, "port 8443");
  ASSERT_NE(ep, nullptr);
  ASSERT_NE(ip, nullptr);
  ASSERT_NE(net, nullptr);
  ASSERT_NE(port, nullptr);
  EXPECT_TRUE(ep->subsumed_by.empty());
  EXPECT_EQ(ip->subsumed_by, "203.0.113.45:8443");
  EXPECT_EQ(net->subsumed_by, "203.0.113.45:8443");
  EXPECT_EQ(port->subsumed_by, "203.0.113.45:8443");
  // The score counts the endpoint once: level 1 x specificity 1 x concurrent.
  EXPECT_NEAR(p.score, 99.0, 0.01);
}

TEST(Index, UrlGivesHostEndpointPathSchemeAndRegistrableDomain) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  b.Add(x, T::kUrl, "http://a.evil.co.uk/payload/1/22?x=1", "f1", "2025-03-03");
  b.Add(y, T::kDomain, "b.evil.co.uk", "f2", "2025-03-04");
  b.Add(y, T::kUrlPath, "/payload/7/12", "f2", "2025-03-04");
  auto r = Analyze(b.in, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->pairs.size(), 1u);
  const PairFinding& p = r->pairs[0];
  const Evidence* reg = FindEvidence(p, "evil.co.uk");
  ASSERT_NE(reg, nullptr) << Describe(p);
  EXPECT_EQ(reg->level, EvidenceLevel::kRegistrableDomain);
  const Evidence* scheme = FindEvidence(p, "/payload/N/N");
  ASSERT_NE(scheme, nullptr) << Describe(p);
  EXPECT_EQ(scheme->level, EvidenceLevel::kPathScheme);
  EXPECT_EQ(scheme->family, "http");
}

TEST(Index, TimeRelations) {
  struct Case {
    const char* a_first;
    const char* a_last;
    const char* b_first;
    const char* b_last;
    TimeRelation relation;
    int64_t gap;
  };
  const Case cases[] = {
      {"2025-01-01", "2025-01-31", "2025-01-15", "2025-02-15", TimeRelation::kConcurrent, 0},
      {"2025-01-01", "2025-01-31", "2025-02-10", "2025-02-15", TimeRelation::kConcurrent, 10},
      {"2025-01-01", "2025-01-31", "2025-05-01", "2025-05-15", TimeRelation::kSequential, 90},
      {"2025-05-01", "2025-05-15", "2025-01-01", "2025-01-31", TimeRelation::kSequential, 90},
      {"2022-01-01", "2022-01-31", "2025-05-01", "2025-05-15", TimeRelation::kFarApart, 1186},
  };
  for (const Case& c : cases) {
    InputBuilder b;
    uint32_t x = b.Actor(1, "X");
    uint32_t y = b.Actor(2, "Y");
    b.Add(x, T::kDomain, "shared.example", "f1", c.a_first, c.a_last);
    b.Add(y, T::kDomain, "shared.example", "f2", c.b_first, c.b_last);
    auto r = Analyze(b.in, {});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->pairs.size(), 1u);
    const Evidence* e = FindEvidence(r->pairs[0], "shared.example");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->time, c.relation) << c.a_first << " " << c.b_first;
    EXPECT_EQ(e->gap_days, c.gap) << c.a_first << " " << c.b_first;
  }
}

TEST(Index, EstimatedDatesAreNeverTakenAsObserved) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  b.Add(x, T::kDomain, "shared.example", "f1", "2025-01-01", "", {}, {}, true);
  b.Add(y, T::kDomain, "shared.example", "f2", "2025-01-01");
  auto r = Analyze(b.in, {});
  ASSERT_TRUE(r.ok());
  const Evidence* e = FindEvidence(r->pairs.at(0), "shared.example");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->time, TimeRelation::kUnknown);
  ASSERT_EQ(e->sides[0].intervals.size(), 1u);
  EXPECT_TRUE(e->sides[0].intervals[0].estimated);
}

TEST(Index, SpecificityFallsWithMoreActorsButNeverToZero) {
  double previous = 2;
  for (int k : {2, 3, 5, 10, 40}) {
    InputBuilder b;
    for (int i = 0; i < k; ++i) {
      uint32_t a = b.Actor(i + 1, "A" + std::to_string(i));
      b.Add(a, T::kDomain, "shared.example", "f" + std::to_string(i), "2025-01-01");
    }
    auto r = Analyze(b.in, {});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->pairs.size(), static_cast<size_t>(k * (k - 1) / 2));
    const Evidence* e = FindEvidence(r->pairs[0], "shared.example");
    ASSERT_NE(e, nullptr);
    EXPECT_LT(e->specificity, previous) << k;
    EXPECT_GT(e->specificity, 0.15) << k;
    previous = e->specificity;
  }
}

TEST(Index, ValuesAboveTheCapAreAggregatedNotEnumerated) {
  InputBuilder b;
  const int kActors = 120;
  for (int i = 0; i < kActors; ++i) {
    uint32_t a = b.Actor(i + 1, "A" + std::to_string(i));
    b.Add(a, T::kIpv4, "192.0.2.1", "f" + std::to_string(i), "2025-01-01");
    b.Add(a, T::kIpv4, "192.0.2.2", "f" + std::to_string(i), "2025-01-01");
  }
  // Only A0 and A1 share something specific.
  b.Add(0, T::kDomain, "only-two.example", "g0", "2025-01-01");
  b.Add(1, T::kDomain, "only-two.example", "g1", "2025-01-02");
  AnalysisOptions options;
  options.max_pair_actors = 50;
  auto r = Analyze(b.in, options);
  ASSERT_TRUE(r.ok());
  // 192.0.2.1, .2 and their /24 are above the cap.
  EXPECT_EQ(r->stats.widely_shared_keys, 3u);
  EXPECT_EQ(r->stats.pair_records, 1u);
  ASSERT_EQ(r->pairs.size(), 1u);
  const PairFinding& p = r->pairs[0];
  bool aggregated = false;
  for (const auto& e : p.evidence) {
    if (e.level == EvidenceLevel::kWidelyShared) {
      aggregated = true;
      EXPECT_EQ(e.value, "3 values each held by more than 50 actors");
      EXPECT_GT(e.weight, 0);
      EXPECT_LT(e.weight, 0.5);
    }
  }
  EXPECT_TRUE(aggregated) << Describe(p);
}

TEST(Index, PairBudgetLowersTheCap) {
  InputBuilder b;
  for (int i = 0; i < 30; ++i) {
    uint32_t a = b.Actor(i + 1, "A" + std::to_string(i));
    b.Add(a, T::kDomain, "popular.example", "f", "2025-01-01");
  }
  AnalysisOptions options;
  options.pair_budget = 100;  // 30 actors would give 435 records
  auto r = Analyze(b.in, options);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(r->stats.pair_cap, 30);
  EXPECT_EQ(r->stats.pair_records, 0u);
}

TEST(Index, TimeWindowAndActorFilters) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  uint32_t z = b.Actor(3, "Z");
  b.Add(x, T::kDomain, "old.example", "f1", "2020-01-01");
  b.Add(y, T::kDomain, "old.example", "f2", "2020-01-02");
  b.Add(x, T::kDomain, "new.example", "f1", "2025-01-01");
  b.Add(z, T::kDomain, "new.example", "f3", "2025-01-02");
  AnalysisOptions options;
  options.since = *Timestamp::Parse("2024-01-01");
  auto r = Analyze(b.in, options);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->pairs.size(), 1u);
  EXPECT_NE(FindPair(*r, "X", "Z"), nullptr);

  AnalysisOptions only_y;
  only_y.actors = {2};
  r = Analyze(b.in, only_y);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->pairs.size(), 1u);
  EXPECT_NE(FindPair(*r, "X", "Y"), nullptr);

  AnalysisOptions bad;
  bad.actors = {99};
  EXPECT_EQ(Analyze(b.in, bad).status().code(), StatusCode::kNotFound);
  bad = {};
  bad.since = *Timestamp::Parse("2025-01-01");
  bad.until = *Timestamp::Parse("2024-01-01");
  EXPECT_EQ(Analyze(b.in, bad).status().code(), StatusCode::kInvalidArgument);
}

TEST(Index, ObservationsWithoutActorCountAsSourcesOnly) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  b.Add(x, T::kDomain, "shared.example", "f1", "2025-01-01");
  b.Add(y, T::kDomain, "shared.example", "f2", "2025-01-01");
  auto alone = Analyze(b.in, {});
  for (int i = 0; i < 8; ++i) {
    b.Add(kNoActor, T::kDomain, "shared.example", "feed" + std::to_string(i), "2025-01-01");
  }
  auto listed_widely = Analyze(b.in, {});
  ASSERT_TRUE(alone.ok());
  ASSERT_TRUE(listed_widely.ok());
  const Evidence* e1 = FindEvidence(alone->pairs.at(0), "shared.example");
  const Evidence* e2 = FindEvidence(listed_widely->pairs.at(0), "shared.example");
  EXPECT_EQ(e2->actors_sharing, 2);
  EXPECT_EQ(e2->sources_sharing, 10);
  EXPECT_LT(e2->specificity, e1->specificity);
}

TEST(Index, SourcesCitingOneReportCountOnce) {
  InputBuilder b;
  uint32_t x = b.Actor(1, "X");
  uint32_t y = b.Actor(2, "Y");
  b.Add(x, T::kDomain, "shared.example", "vendor", "2025-01-01", "", {}, {"https://r.example/1"});
  b.Add(x, T::kDomain, "shared.example", "aggregator", "2025-01-02", "", {},
        {"https://r.example/1"});
  b.Add(x, T::kDomain, "shared.example", "own-sensor", "2025-01-03");
  b.Add(y, T::kDomain, "shared.example", "f2", "2025-01-01");
  auto r = Analyze(b.in, {});
  ASSERT_TRUE(r.ok());
  const Evidence* e = FindEvidence(r->pairs.at(0), "shared.example");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->sides[0].sources.size(), 3u);
  EXPECT_EQ(e->sides[0].independent_sources, 2);
}

TEST(Index, PathSchemes) {
  const std::pair<const char*, const char*> cases[] = {
      {"/payload/7/12", "/payload/N/N"},
      {"/payload/99/root", "/payload/N/root"},
      {"/api/service/makelog", "/api/service/makelog"},
      {"/gate/wren.php?id=7", "/gate/wren.php"},
      {"/d/0a1b2c3d4e5f6a7b/x.bin", "/d/H/x.bin"},
      {"/v1/Update", "/vN/update"},
      {"/", ""},
      {"/index.php", ""},
      {"/123", ""},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(PathScheme(in), out) << in;
}

TEST(Index, LikelihoodPhrasesFollowIcd203) {
  EXPECT_EQ(LikelihoodPhrase(0.02), "almost no chance");
  EXPECT_EQ(LikelihoodPhrase(0.10), "very unlikely");
  EXPECT_EQ(LikelihoodPhrase(0.30), "unlikely");
  EXPECT_EQ(LikelihoodPhrase(0.50), "roughly even chance");
  EXPECT_EQ(LikelihoodPhrase(0.70), "likely");
  EXPECT_EQ(LikelihoodPhrase(0.90), "very likely");
  EXPECT_EQ(LikelihoodPhrase(0.97), "almost certain");
}

}  // namespace
}  // namespace cotenant::testing
