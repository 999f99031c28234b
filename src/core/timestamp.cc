// Timestamp parsing without timegm, locales or the TZ environment: calendar arithmetic with
// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian, exact for all years we
// accept).
//
// Accepted forms (anything else is an error naming the input):
//   2024-05-01T10:00:00Z        RFC 3339; 't'/'z' lower case too; ' ' instead of 'T'
//   2024-05-01T10:00:00.123456Z fractional seconds ('.' or ','), any number of digits, dropped
//   2024-05-01T10:00Z           seconds omitted
//   2024-05-01T10:00:00+02:00   offsets +hh:mm, +hhmm, +hh (-00:00 is UTC)
//   2024-05-01T10:00:00         no zone: taken as UTC; also " UTC" / "UTC" suffix
//   20240501T100000Z            ISO 8601 basic format (also 20240501T1000Z, +0200 offsets)
//   2024-05-01, 20240501        bare dates: midnight UTC (8 digits are a date, not epoch)
//   1714557600, 1714557600.5    epoch seconds: 9 or 10 digits (1973-03-03 to 2286-11-20),
//                               optional fraction (Zeek logs), dropped
//   1714557600123               epoch milliseconds: exactly 13 digits
// Other digit counts are rejected as ambiguous (11-12 or 14+ digits could be seconds,
// milliseconds or microseconds; 1-7 digits are almost never real timestamps). Leap second
// 23:59:60 is accepted and counts as the next second. Years 1970-9999 only, after applying the
// offset.
#include "cotenant/timestamp.h"

#include <chrono>
#include <cstdio>

#include "core/quote.h"

namespace cotenant {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
// 9999-12-31T23:59:59Z
constexpr int64_t kMaxSeconds = 253402300799;

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant, "chrono-Compatible Low-Level
// Date Algorithms").
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

constexpr const char* kMonthNames[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A cursor over the input with small matching helpers.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool AtEnd() const { return pos_ == text_.size(); }
  size_t pos() const { return pos_; }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  std::string_view Rest() const { return text_.substr(pos_); }
  bool Consume(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool Consume(std::string_view s) {
    if (Rest().substr(0, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }
  // Exactly `n` digits as a number.
  bool Digits(int n, int64_t* out) {
    if (text_.size() - pos_ < static_cast<size_t>(n)) return false;
    int64_t v = 0;
    for (int i = 0; i < n; ++i) {
      char c = text_[pos_ + i];
      if (!IsDigit(c)) return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    *out = v;
    return true;
  }
  size_t CountDigits() const {
    size_t n = 0;
    while (pos_ + n < text_.size() && IsDigit(text_[pos_ + n])) ++n;
    return n;
  }
  void Skip(size_t n) { pos_ += n; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Status Bad(std::string_view text, const std::string& why) {
  return InvalidArgument(QuoteInput(text) + ": " + why);
}

Status NotATimestamp(std::string_view text) {
  return Bad(text,
             "not a timestamp (expected ISO 8601 / RFC 3339 date-time, a date, or epoch seconds)");
}

Result<Timestamp> FromEpochDigits(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && IsDigit(text[digits])) ++digits;
  std::string_view whole = text.substr(0, digits);
  std::string_view rest = text.substr(digits);
  if (!rest.empty()) {
    // Only seconds may carry a fraction ("1714557600.123456", as Zeek writes).
    bool fraction = rest.size() >= 2 && rest[0] == '.';
    for (size_t i = 1; fraction && i < rest.size(); ++i) fraction = IsDigit(rest[i]);
    if (!fraction) return NotATimestamp(text);
    if (digits != 9 && digits != 10) {
      return Bad(text, "epoch seconds with a fraction must have 9 or 10 integer digits");
    }
  }
  if (digits == 9 || digits == 10 || digits == 13) {
    int64_t v = 0;  // at most 13 digits: no overflow
    for (char c : whole) v = v * 10 + (c - '0');
    return Timestamp::FromUnixSeconds(digits == 13 ? v / 1000 : v);
  }
  return Bad(text, std::to_string(digits) + (digits == 1 ? " digit is " : " digits is ") +
                       (digits < 9 ? "too short" : "ambiguous") +
                       " for an epoch time (9-10 digits = seconds, 13 = milliseconds)");
}

}  // namespace

Result<Timestamp> Timestamp::Parse(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty timestamp");
  if (text.front() == ' ' || text.back() == ' ' || text.front() == '\t' || text.back() == '\t') {
    return Bad(text, "surrounding white space");
  }
  Scanner s(text);
  size_t lead = s.CountDigits();
  // All digits (optionally with a fraction) and not 8 of them: epoch time. 8 digits followed
  // by nothing or 'T' is an ISO 8601 basic date.
  bool basic = lead == 8 && (lead == text.size() || text[8] == 'T' || text[8] == 't');
  if (lead != 4 && !basic) {
    if (lead == 0) return NotATimestamp(text);
    return FromEpochDigits(text);
  }

  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!s.Digits(4, &year)) return NotATimestamp(text);
  if (basic) {
    if (!s.Digits(2, &month) || !s.Digits(2, &day)) return NotATimestamp(text);
  } else {
    if (!s.Consume('-') || !s.Digits(2, &month) || !s.Consume('-') || !s.Digits(2, &day)) {
      return NotATimestamp(text);
    }
  }
  if (year < 1970) return Bad(text, "year " + std::to_string(year) + " is before 1970");
  if (month < 1 || month > 12) return Bad(text, "month " + std::to_string(month) + " is not 1-12");
  if (day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month))) {
    return Bad(text, "day " + std::to_string(day) + " does not exist in " + kMonthNames[month - 1] +
                         " " + std::to_string(year));
  }

  int64_t offset_seconds = 0;
  if (!s.AtEnd()) {
    bool separator = s.Consume('T') || s.Consume('t') || (!basic && s.Consume(' '));
    if (!separator) return Bad(text, "unexpected " + QuoteByte(s.Peek()) + " after the date");
    if (!s.Digits(2, &hour)) return Bad(text, "expected a two-digit hour after the date");
    bool colons = !basic;
    if (colons ? !s.Consume(':') : false) return Bad(text, "expected `:` after the hour");
    if (!s.Digits(2, &minute)) return Bad(text, "expected two-digit minutes");
    bool has_seconds = colons ? s.Consume(':') : IsDigit(s.Peek());
    if (has_seconds) {
      if (!s.Digits(2, &second)) return Bad(text, "expected two-digit seconds");
      if (s.Peek() == '.' || s.Peek() == ',') {
        s.Skip(1);
        size_t frac = s.CountDigits();
        if (frac == 0) return Bad(text, "expected digits after the decimal point");
        s.Skip(frac);
      }
    }
    if (hour > 23) return Bad(text, "hour " + std::to_string(hour) + " is not 0-23");
    if (minute > 59) return Bad(text, "minute " + std::to_string(minute) + " is not 0-59");
    if (second > 60 || (second == 60 && (hour != 23 || minute != 59))) {
      return Bad(text, "second " + std::to_string(second) + " is not 0-59");
    }
    // Zone: Z, UTC, +hh:mm / +hhmm / +hh, or nothing (UTC).
    if (s.Consume('Z') || s.Consume('z') || s.Consume(" UTC") || s.Consume("UTC")) {
      // UTC.
    } else if (s.Peek() == '+' || s.Peek() == '-') {
      int64_t sign = s.Peek() == '-' ? -1 : 1;
      s.Skip(1);
      int64_t oh = 0, om = 0;
      if (!s.Digits(2, &oh)) return Bad(text, "expected a two-digit offset hour");
      if (s.Consume(':')) {
        if (!s.Digits(2, &om)) return Bad(text, "expected two-digit offset minutes");
      } else if (!s.AtEnd() && !s.Digits(2, &om)) {
        return Bad(text, "expected two-digit offset minutes");
      }
      if (oh > 23 || om > 59) return Bad(text, "offset out of range");
      offset_seconds = sign * (oh * 3600 + om * 60);
    }
    if (!s.AtEnd()) return Bad(text, "unexpected " + QuoteInput(s.Rest()) + " at the end");
  }

  int64_t seconds = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
                        kSecondsPerDay +
                    hour * 3600 + minute * 60 + second - offset_seconds;
  if (seconds < 0) return Bad(text, "before 1970-01-01T00:00:00Z");
  if (seconds > kMaxSeconds) return Bad(text, "after 9999-12-31T23:59:59Z");
  return Timestamp::FromUnixSeconds(seconds);
}

Timestamp Timestamp::Now() {
  auto now = std::chrono::system_clock::now();
  return Timestamp(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

std::string Timestamp::ToString() const {
  int64_t days = seconds_ / kSecondsPerDay;
  int64_t rem = seconds_ % kSecondsPerDay;
  if (rem < 0) {
    rem += kSecondsPerDay;
    --days;
  }
  Civil c = CivilFromDays(days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(c.year), c.month, c.day, static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  return buf;
}

std::string Timestamp::ToDateString() const {
  std::string s = ToString();
  return s.substr(0, s.find('T'));
}

Result<Interval> Interval::Make(Timestamp first, Timestamp last) {
  if (last < first) {
    return InvalidArgument("interval ends (" + last.ToString() + ") before it starts (" +
                           first.ToString() + ")");
  }
  return Interval{first, last};
}

int64_t Interval::GapDays(const Interval& o) const {
  if (Overlaps(o)) return 0;
  // Whole days, rounded down: a gap of 23 hours is 0 days.
  int64_t gap = last < o.first ? o.first.unix_seconds() - last.unix_seconds()
                               : first.unix_seconds() - o.last.unix_seconds();
  return gap / kSecondsPerDay;
}

Interval Interval::Union(const Interval& o) const {
  return Interval{first < o.first ? first : o.first, last < o.last ? o.last : last};
}

}  // namespace cotenant
