#include "cotenant/marking.h"

#include <gtest/gtest.h>

namespace cotenant {
namespace {

constexpr Tlp kAll[] = {Tlp::kUnmarked, Tlp::kClear,       Tlp::kGreen,
                        Tlp::kAmber,    Tlp::kAmberStrict, Tlp::kRed};

TEST(TlpTest, MostRestrictive) {
  const struct {
    Tlp a, b, want;
  } cases[] = {
      {Tlp::kClear, Tlp::kClear, Tlp::kClear},
      {Tlp::kClear, Tlp::kGreen, Tlp::kGreen},
      {Tlp::kGreen, Tlp::kAmber, Tlp::kAmber},
      {Tlp::kAmber, Tlp::kAmberStrict, Tlp::kAmberStrict},
      {Tlp::kAmberStrict, Tlp::kRed, Tlp::kRed},
      {Tlp::kRed, Tlp::kClear, Tlp::kRed},
      // An unmarked input never lowers a marked one; two unmarked stay unmarked.
      {Tlp::kUnmarked, Tlp::kClear, Tlp::kClear},
      {Tlp::kUnmarked, Tlp::kRed, Tlp::kRed},
      {Tlp::kUnmarked, Tlp::kUnmarked, Tlp::kUnmarked},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MostRestrictive(c.a, c.b), c.want) << TlpName(c.a) << " " << TlpName(c.b);
    EXPECT_EQ(MostRestrictive(c.b, c.a), c.want) << TlpName(c.b) << " " << TlpName(c.a);
  }
  // Associative over the whole lattice, so folding a list does not depend on order.
  for (Tlp a : kAll) {
    for (Tlp b : kAll) {
      for (Tlp c : kAll) {
        EXPECT_EQ(MostRestrictive(MostRestrictive(a, b), c),
                  MostRestrictive(a, MostRestrictive(b, c)));
      }
    }
  }
}

TEST(TlpTest, NamesAndStixIdsRoundTrip) {
  for (Tlp t : kAll) {
    auto by_name = TlpFromName(TlpName(t));
    ASSERT_TRUE(by_name.has_value()) << TlpName(t);
    EXPECT_EQ(*by_name, t);
    std::string_view id = StixTlp2MarkingId(t);
    if (t == Tlp::kUnmarked) {
      EXPECT_TRUE(id.empty());
      continue;
    }
    EXPECT_TRUE(id.starts_with("marking-definition--")) << id;
    auto by_id = TlpFromStixMarkingId(id);
    ASSERT_TRUE(by_id.has_value()) << id;
    EXPECT_EQ(*by_id, t);
  }
  EXPECT_EQ(StixTlp2MarkingId(Tlp::kAmberStrict),
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
}

TEST(TlpTest, MispTagsRoundTrip) {
  EXPECT_EQ(MispTlpTag(Tlp::kUnmarked), "");
  EXPECT_EQ(MispTlpTag(Tlp::kAmberStrict), "tlp:amber+strict");
  for (Tlp t : kAll) {
    if (t == Tlp::kUnmarked) continue;
    auto back = TlpFromName(MispTlpTag(t));
    ASSERT_TRUE(back.has_value()) << MispTlpTag(t);
    EXPECT_EQ(*back, t);
  }
}

TEST(TlpTest, ClearedFor) {
  const struct {
    Tlp clearance, marking, unmarked_as;
    bool want;
  } cases[] = {
      {Tlp::kGreen, Tlp::kClear, Tlp::kAmber, true},
      {Tlp::kGreen, Tlp::kGreen, Tlp::kAmber, true},
      {Tlp::kGreen, Tlp::kAmber, Tlp::kAmber, false},
      {Tlp::kAmber, Tlp::kAmberStrict, Tlp::kAmber, false},
      {Tlp::kAmberStrict, Tlp::kAmberStrict, Tlp::kAmber, true},
      {Tlp::kRed, Tlp::kRed, Tlp::kAmber, true},
      // Unmarked objects are handled at the deployment's level.
      {Tlp::kGreen, Tlp::kUnmarked, Tlp::kAmber, false},
      {Tlp::kAmber, Tlp::kUnmarked, Tlp::kAmber, true},
      {Tlp::kClear, Tlp::kUnmarked, Tlp::kClear, true},
      // A clearance is a level: "unmarked" sees nothing, even unmarked objects.
      {Tlp::kUnmarked, Tlp::kClear, Tlp::kClear, false},
      {Tlp::kUnmarked, Tlp::kUnmarked, Tlp::kUnmarked, false},
      {Tlp::kRed, Tlp::kUnmarked, Tlp::kUnmarked, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ClearedFor(c.clearance, c.marking, c.unmarked_as), c.want)
        << TlpName(c.clearance) << " " << TlpName(c.marking) << " " << TlpName(c.unmarked_as);
  }
}

}  // namespace
}  // namespace cotenant
