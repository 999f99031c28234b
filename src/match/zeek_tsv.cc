// Zeek TSV logs: the header names the columns (#fields) in any order; the hot loop walks each
// line only up to the last column it needs, then jumps to the newline. Both walks visit
// separators only: a 64-byte block at a time is turned into bit masks with SSE2 (baseline on
// x86-64), and the walk takes the next set bit.
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <string>

#include "match/log_fields.h"
#include "match/log_scan.h"
#include "match/observed.h"

namespace cotenant::match_internal {

namespace {

std::vector<std::string> SplitOn(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    out.emplace_back(
        s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

// "\x09" -> "\t"; other text as is.
std::string UnescapeHeaderValue(std::string_view v) {
  std::string out(v.size() + 4, '\0');
  size_t n = UnescapeZeek(v, out.data(), out.size());
  out.resize(n == SIZE_MAX ? 0 : n);
  return out;
}

}  // namespace

void ZeekTsvPlan::ApplyHeader(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // "#separator \x09" uses a space; every other directive uses the separator itself.
  if (line.starts_with("#separator")) {
    std::string_view rest = line.substr(10);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    std::string sep = UnescapeHeaderValue(rest);
    if (sep.size() == 1) separator = sep[0];
    return;
  }
  size_t cut = line.find(separator);
  if (cut == std::string_view::npos) return;
  std::string_view key = line.substr(0, cut);
  std::string_view value = line.substr(cut + 1);
  if (key == "#set_separator") {
    set_separator = UnescapeHeaderValue(value);
  } else if (key == "#empty_field") {
    empty_field = std::string(value);
  } else if (key == "#unset_field") {
    unset_field = std::string(value);
  } else if (key == "#path") {
    path = std::string(value);
  } else if (key == "#fields") {
    fields = SplitOn(value, separator);
    types.clear();
    has_fields = true;
    Compile();
  } else if (key == "#types") {
    types = SplitOn(value, separator);
    Compile();
  }
}

void ZeekTsvPlan::Compile() {
  columns.clear();
  ts_column = uid_column = host_column = uri_column = -1;
  last_needed = 0;
  int fuid_column = -1;
  for (uint32_t i = 0; i < fields.size(); ++i) {
    const std::string& name = fields[i];
    if (name == "ts") ts_column = static_cast<int>(i);
    if (name == "uid") uid_column = static_cast<int>(i);
    if (name == "fuid") fuid_column = static_cast<int>(i);
    if (name == "uri") {
      uri_column = static_cast<int>(i);
      last_needed = std::max(last_needed, i);
    }
    const ZeekFieldSpec* spec = FindZeekField(name);
    if (spec == nullptr) continue;
    bool container = spec->container;
    if (i < types.size()) {
      container = types[i].starts_with("set[") || types[i].starts_with("vector[");
    }
    if (name == "host") host_column = static_cast<int>(i);
    columns.push_back(ZeekColumn{i, spec->field, spec->kind, container, spec->also_cert});
    last_needed = std::max(last_needed, i);
  }
  if (uid_column < 0) uid_column = fuid_column;
}

namespace {

// Where the separator and '\n' are in [begin, end), found 64 bytes at a time. Never reads
// outside [begin, end).
class SeparatorIndex {
 public:
  SeparatorIndex(const char* begin, const char* end, char sep)
      : end_(end), block_(begin), block_end_(begin), sep_(sep) {}

  // The first separator or newline at or after `p`, or the end.
  const char* NextField(const char* p) {
    for (;;) {
      if (p >= block_end_ || p < block_) {
        if (p >= end_) return end_;
        Index(p);
      }
      uint64_t m = any_ & (~uint64_t{0} << (p - block_));
      if (m != 0) return block_ + __builtin_ctzll(m);
      p = block_end_;
    }
  }
  // The first newline at or after `p`, or the end.
  const char* NextLine(const char* p) {
    for (;;) {
      if (p >= block_end_ || p < block_) {
        if (p >= end_) return end_;
        Index(p);
      }
      uint64_t m = newlines_ & (~uint64_t{0} << (p - block_));
      if (m != 0) return block_ + __builtin_ctzll(m);
      p = block_end_;
    }
  }

 private:
  void Index(const char* p) {
    block_ = p;
    size_t n = std::min<size_t>(64, static_cast<size_t>(end_ - p));
    block_end_ = p + n;
    uint64_t any = 0, nl = 0;
#if defined(__SSE2__)
    if (n == 64) {
      const __m128i sep = _mm_set1_epi8(sep_), newline = _mm_set1_epi8('\n');
      for (int i = 0; i < 4; ++i) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
        auto n_bits = static_cast<uint64_t>(
            static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, newline))));
        auto s_bits =
            static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, sep))));
        nl |= n_bits << (16 * i);
        any |= (n_bits | s_bits) << (16 * i);
      }
      any_ = any;
      newlines_ = nl;
      return;
    }
#endif
    for (size_t i = 0; i < n; ++i) {
      uint64_t bit = uint64_t{1} << i;
      if (p[i] == '\n') nl |= bit;
      if (p[i] == '\n' || p[i] == sep_) any |= bit;
    }
    any_ = any;
    newlines_ = nl;
  }

  const char* end_;
  const char* block_;      // start of the indexed block
  const char* block_end_;  // block_ + 64, or the end
  uint64_t any_ = 0;       // bit i: block_[i] is the separator or '\n'
  uint64_t newlines_ = 0;  // bit i: block_[i] is '\n'
  char sep_;
};

inline void Emit(ScanBatch& batch, const ZeekTsvPlan& plan, const ZeekColumn& col,
                 std::string_view value, uint32_t rec) {
  if (value.empty() || value == plan.unset_field || value == plan.empty_field) return;
  auto push = [&](std::string_view v) {
    if (v.empty()) return;
    batch.probes.push_back(Probe{v, {}, rec, col.field, col.kind});
    if (col.also_cert)
      batch.probes.push_back(Probe{v, {}, rec, col.field, ObservedKind::kCertHash});
  };
  if (!col.container || plan.set_separator.size() != 1) {
    push(value);
    return;
  }
  char sep = plan.set_separator[0];
  size_t start = 0;
  for (;;) {
    size_t pos = value.find(sep, start);
    if (pos == std::string_view::npos) {
      push(value.substr(start));
      return;
    }
    push(value.substr(start, pos - start));
    start = pos + 1;
  }
}

}  // namespace

void ScanZeekTsv(const ZeekTsvPlan& plan, std::string_view data, ScanBatch& batch) {
  const char* p = data.data();
  const char* const end = p + data.size();
  const char sep = plan.separator;
  const size_t ncols = plan.columns.size();
  SeparatorIndex index(p, end, sep);
  uint64_t line_no = 0;
  while (p < end) {
    ++line_no;
    if (*p == '#' || *p == '\n' || *p == '\r') {  // header (handled by the caller) or blank
      const char* nl = index.NextLine(p);
      p = nl < end ? nl + 1 : end;
      continue;
    }
    const char* line_start = p;
    uint32_t rec = static_cast<uint32_t>(batch.records.size());
    size_t probes_before = batch.probes.size();
    uint32_t col = 0;
    size_t ci = 0;
    std::string_view host, uri;
    const char* f = p;
    bool line_done = false;
    // Walk fields up to the last one needed.
    for (;;) {
      const char* q = index.NextField(f);
      std::string_view value(f, static_cast<size_t>(q - f));
      if (ci < ncols && plan.columns[ci].index == col) {
        if (!value.empty() && value.back() == '\r') value.remove_suffix(1);
        Emit(batch, plan, plan.columns[ci], value, rec);
        ++ci;
      }
      if (static_cast<int>(col) == plan.host_column) host = value;
      if (static_cast<int>(col) == plan.uri_column) uri = value;
      if (q >= end || *q == '\n') {
        p = q < end ? q + 1 : end;
        line_done = true;
        break;
      }
      if (col >= plan.last_needed) {
        f = q + 1;
        break;
      }
      f = q + 1;
      ++col;
    }
    if (!line_done) {
      const char* nl = index.NextLine(f);
      p = nl < end ? nl + 1 : end;
    }
    size_t line_len = static_cast<size_t>(p - line_start);
    if (line_len > 0 && line_start[line_len - 1] == '\n') --line_len;
    batch.records.push_back({std::string_view(line_start, line_len), line_no});
    if (ci < ncols || (plan.uri_column >= 0 && static_cast<int>(col) < plan.uri_column)) {
      batch.probes.resize(probes_before);  // a broken record raises nothing
      batch.Error(line_no, "fewer columns than #fields names (" + std::to_string(col + 1) + " of " +
                               std::to_string(plan.fields.size()) + ")");
      continue;
    }
    if (!host.empty() && !uri.empty() && host != plan.unset_field && uri != plan.unset_field &&
        host != plan.empty_field) {
      batch.probes.push_back(Probe{host, uri, rec, kZeekUrl, ObservedKind::kUrl});
    }
  }
  batch.lines += line_no;
}

RecordContext ZeekTsvContext(const ZeekTsvPlan& plan, std::string_view line) {
  RecordContext ctx;
  ctx.log = plan.path.empty() ? "zeek" : plan.path;
  int want = std::max(plan.ts_column, plan.uid_column);
  int col = 0;
  size_t start = 0;
  while (col <= want) {
    size_t pos = line.find(plan.separator, start);
    std::string_view value =
        line.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
    if (col == plan.ts_column) ctx.time_us = ParseEventTime(value);
    if (col == plan.uid_column && value != plan.unset_field) ctx.uid = std::string(value);
    if (pos == std::string_view::npos) break;
    start = pos + 1;
    ++col;
  }
  return ctx;
}

}  // namespace cotenant::match_internal
