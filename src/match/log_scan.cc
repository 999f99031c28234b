// Shared pieces of the log scanners: the field table, the arena, event times, plain lists.
#include "match/log_scan.h"

#include <cstring>
#include <string>

#include "match/log_fields.h"

namespace cotenant::match_internal {

std::string_view FieldName(uint16_t field) {
  if (field < kFieldCount) return kFieldNames[field];
  return "?";
}

std::string_view Arena::Copy(std::string_view s) {
  if (s.size() > kBlock / 4) {
    big_.push_back(std::make_unique<char[]>(s.size()));
    std::memcpy(big_.back().get(), s.data(), s.size());
    return {big_.back().get(), s.size()};
  }
  if (blocks_.empty() || used_ + s.size() > kBlock) {
    if (!blocks_.empty()) ++block_;
    if (block_ >= blocks_.size()) blocks_.push_back(std::make_unique<char[]>(kBlock));
    used_ = 0;
  }
  char* p = blocks_[block_].get() + used_;
  std::memcpy(p, s.data(), s.size());
  used_ += s.size();
  return {p, s.size()};
}

void Arena::Reset() {
  block_ = 0;
  used_ = 0;
  big_.clear();
}

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::optional<int64_t> ParseEventTime(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.empty()) return std::nullopt;
  // Epoch seconds with an optional fraction.
  if (s.size() < 20 && s.find('-') == std::string_view::npos) {
    int64_t secs = 0, frac = 0;
    size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') secs = secs * 10 + (s[i++] - '0');
    if (i == 0) return std::nullopt;
    int digits = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (digits < 6) {
          frac = frac * 10 + (s[i] - '0');
          ++digits;
        }
        ++i;
      }
    }
    if (i != s.size()) return std::nullopt;
    while (digits++ < 6) frac *= 10;
    return secs * 1000000 + frac;
  }
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|+HHMM)
  int64_t y, mo, d, h, mi, se;
  if (!Digits(s, 0, 4, &y) || s[4] != '-' || !Digits(s, 5, 2, &mo) || s.size() < 19 ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  size_t i = 19;
  int64_t frac = 0;
  int digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 6) {
        frac = frac * 10 + (s[i] - '0');
        ++digits;
      }
      ++i;
    }
  }
  while (digits++ < 6) frac *= 10;
  int64_t offset = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i] == '-' ? -1 : 1;
      int64_t oh, om;
      if (!Digits(s, i + 1, 2, &oh)) return std::nullopt;
      size_t j = i + 3;
      if (j < s.size() && s[j] == ':') ++j;
      if (!Digits(s, j, 2, &om)) return std::nullopt;
      offset = sign * (oh * 3600 + om * 60);
      i = j + 2;
    }
  }
  if (i != s.size()) return std::nullopt;
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset;
  return secs * 1000000 + frac;
}

std::string FormatEventTime(int64_t us) {
  int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
  int64_t frac = us - secs * 1000000;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  // civil_from_days
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                static_cast<long long>((rem / 60) % 60), static_cast<long long>(rem % 60),
                static_cast<long long>(frac));
  return buf;
}

void ScanPlain(std::string_view data, ScanBatch& batch) {
  const char* p = data.data();
  const char* end = p + data.size();
  uint64_t line_no = 0;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl != nullptr ? nl : end;
    ++line_no;
    std::string_view line(p, static_cast<size_t>(line_end - p));
    p = line_end + 1;
    size_t b = 0;
    while (b < line.size() && (line[b] == ' ' || line[b] == '\t')) ++b;
    line.remove_prefix(b);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') continue;
    uint32_t rec = static_cast<uint32_t>(batch.records.size());
    batch.records.push_back({line, line_no});
    batch.probes.push_back(Probe{line, {}, rec, kFieldValue, ObservedKind::kAny});
  }
  batch.lines += line_no;
}

}  // namespace cotenant::match_internal
