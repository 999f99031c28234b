#include "cotenant/timestamp.h"

#include <gtest/gtest.h>

#include <string>

namespace cotenant {
namespace {

Timestamp T(const char* text) {
  auto r = Timestamp::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : Timestamp::FromUnixSeconds(-1);
}

Interval I(const char* first, const char* last) {
  auto r = Interval::Make(T(first), T(last));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Interval{T(first), T(last)};
}

TEST(IntervalTest, MakeRejectsReversedBounds) {
  EXPECT_TRUE(Interval::Make(T("2024-05-01"), T("2024-05-01")).ok());
  EXPECT_TRUE(Interval::Make(T("2024-05-01"), T("2024-05-02")).ok());
  auto bad = Interval::Make(T("2024-05-02"), T("2024-05-01"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "interval ends (2024-05-01T00:00:00Z) before it starts (2024-05-02T00:00:00Z)");
}

struct PairCase {
  const char* a_first;
  const char* a_last;
  const char* b_first;
  const char* b_last;
  bool overlaps;
  int64_t gap_days;
  const char* union_first;
  const char* union_last;
};

TEST(IntervalTest, OverlapGapAndUnion) {
  const PairCase cases[] = {
      // Identical, nested, partial overlap, touching at one instant.
      {"2024-01-01", "2024-01-31", "2024-01-01", "2024-01-31", true, 0, "2024-01-01", "2024-01-31"},
      {"2024-01-01", "2024-12-31", "2024-03-01", "2024-03-02", true, 0, "2024-01-01", "2024-12-31"},
      {"2024-01-01", "2024-02-15", "2024-02-01", "2024-03-01", true, 0, "2024-01-01", "2024-03-01"},
      {"2024-01-01", "2024-02-01", "2024-02-01", "2024-03-01", true, 0, "2024-01-01", "2024-03-01"},
      // Disjoint: whole days between the end of one and the start of the other, rounded down.
      {"2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02", false, 1, "2024-01-01",
       "2024-01-02"},
      {"2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2024-01-01T23:00:00Z",
       "2024-01-02T00:00:00Z", false, 0, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"},
      {"2022-01-01", "2022-06-30", "2024-06-30", "2024-07-01", false, 731, "2022-01-01",
       "2024-07-01"},
      // Leap day counted: 2024-02-28 .. 2024-03-01 is 2 days.
      {"2024-01-01", "2024-02-28", "2024-03-01", "2024-03-05", false, 2, "2024-01-01",
       "2024-03-05"},
      // Instants.
      {"2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z",
       "2024-05-01T10:00:00Z", true, 0, "2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z"},
  };
  for (const PairCase& c : cases) {
    Interval a = I(c.a_first, c.a_last);
    Interval b = I(c.b_first, c.b_last);
    SCOPED_TRACE(std::string(c.a_first) + ".." + c.a_last + " vs " + c.b_first + ".." + c.b_last);
    // Every relation is symmetric.
    EXPECT_EQ(a.Overlaps(b), c.overlaps);
    EXPECT_EQ(b.Overlaps(a), c.overlaps);
    EXPECT_EQ(a.GapDays(b), c.gap_days);
    EXPECT_EQ(b.GapDays(a), c.gap_days);
    Interval u = I(c.union_first, c.union_last);
    EXPECT_EQ(a.Union(b), u);
    EXPECT_EQ(b.Union(a), u);
  }
}

TEST(TimestampTest, EveryDayRoundTripsThroughText) {
  // 1970-01-01 .. 2200-12-31: the canonical text parses back to the same instant, days are
  // consecutive, and the date string is the text's prefix.
  int64_t seconds = 0;
  const int64_t end = 7289654400;  // 2201-01-01T00:00:00Z
  std::string previous;
  for (; seconds < end; seconds += 86400) {
    Timestamp t = Timestamp::FromUnixSeconds(seconds + 3723);  // 01:02:03 each day
    std::string text = t.ToString();
    auto back = Timestamp::Parse(text);
    ASSERT_TRUE(back.ok()) << text;
    ASSERT_EQ(back->unix_seconds(), seconds + 3723) << text;
    ASSERT_EQ(text.substr(10), "T01:02:03Z");
    ASSERT_EQ(t.ToDateString(), text.substr(0, 10));
    auto date = Timestamp::Parse(t.ToDateString());
    ASSERT_TRUE(date.ok());
    ASSERT_EQ(date->unix_seconds(), seconds);
    ASSERT_LT(previous, text);
    previous = text;
  }
  EXPECT_EQ(previous, "2200-12-31T01:02:03Z");
}

TEST(TimestampTest, NowIsAfter2024AndParsesBack) {
  Timestamp now = Timestamp::Now();
  EXPECT_GT(now, T("2024-01-01"));
  auto back = Timestamp::Parse(now.ToString());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, now);
}

}  // namespace
}  // namespace cotenant
