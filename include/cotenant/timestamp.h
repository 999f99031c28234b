// Timestamp (UTC, second precision) and Interval [first, last].
//
// Parse accepts RFC 3339 / ISO 8601 ("2024-05-01T10:00:00Z", "+02:00" offsets, fractional
// seconds dropped, "2024-05-01 10:00:00" taken as UTC, "20240501T100000Z"), bare dates
// ("2024-05-01" and "20240501" = midnight UTC), epoch seconds ("1714557600": 9 or 10 digits,
// optional fraction dropped) and epoch milliseconds (exactly 13 digits); other digit counts are
// rejected as ambiguous. Years 1970-9999 only. Calendar validity is checked (no 2023-02-29).
// No surrounding white space. The full list is at the top of src/core/timestamp.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cotenant/status.h"

namespace cotenant {

class Timestamp {
 public:
  static Result<Timestamp> Parse(std::string_view text);
  static Timestamp FromUnixSeconds(int64_t seconds) { return Timestamp(seconds); }
  static Timestamp Now();

  int64_t unix_seconds() const { return seconds_; }
  std::string ToString() const;      // "2024-05-01T10:00:00Z"
  std::string ToDateString() const;  // "2024-05-01"

  auto operator<=>(const Timestamp&) const = default;

 private:
  explicit Timestamp(int64_t s) : seconds_(s) {}
  int64_t seconds_ = 0;
};

// A closed interval of observed use. first <= last always holds for a valid interval.
struct Interval {
  Timestamp first;
  Timestamp last;

  static Result<Interval> Make(Timestamp first, Timestamp last);  // error if first > last
  bool Overlaps(const Interval& o) const { return first <= o.last && o.first <= last; }
  // Whole days (rounded down) between the end of the earlier and the start of the later; 0 when
  // they overlap.
  int64_t GapDays(const Interval& o) const;
  // The smallest interval covering both (also when they are disjoint).
  Interval Union(const Interval& o) const;
  bool operator==(const Interval&) const = default;
};

}  // namespace cotenant
