// SortByHash: the order in which the SQLite store writes a chunk of buffered observations.
//
// Sorts (hash, row) pairs by hash, and by row among equal hashes, so that a chunk's B-tree
// inserts land on neighbouring pages and, of two equal observations, the first read is the one
// stored. A stable LSD radix sort on the hash's top 33 bits (three passes of 11 bits; the pairs
// arrive in row order, which equal digits keep), then a comparison sort of each run of pairs
// whose top bits tie: rare for indicator hashes, which are uniform, and a run of one value's
// rows (equal hashes) is already in row order. Linear in practice; std::sort of the pairs was
// about 3 % of a store-only ingest. Not thread-safe; `buffer` is scratch space reused by the
// caller between chunks.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace cotenant::store {

struct HashAndRow {
  uint64_t hash;
  uint32_t row;

  bool operator==(const HashAndRow&) const = default;
};

// Requires `items` to be in ascending row order (as buffered).
inline void SortByHash(std::vector<HashAndRow>& items, std::vector<HashAndRow>& buffer) {
  const size_t n = items.size();
  constexpr int kDigitBits = 11;
  constexpr size_t kBuckets = size_t{1} << kDigitBits;
  constexpr int kPasses = 3;
  constexpr int kLowestBit = 64 - kPasses * kDigitBits;  // 31: the top 33 bits are radix sorted
  buffer.resize(n);
  std::vector<uint32_t> counts(kPasses * kBuckets, 0);
  auto digit = [](uint64_t hash, int pass) {
    return static_cast<size_t>(hash >> (kLowestBit + pass * kDigitBits)) & (kBuckets - 1);
  };
  for (const HashAndRow& item : items) {
    for (int pass = 0; pass < kPasses; ++pass) ++counts[pass * kBuckets + digit(item.hash, pass)];
  }
  HashAndRow* src = items.data();
  HashAndRow* dst = buffer.data();
  for (int pass = 0; pass < kPasses; ++pass) {
    uint32_t* count = &counts[pass * kBuckets];
    uint32_t sum = 0;
    for (size_t b = 0; b < kBuckets; ++b) sum += std::exchange(count[b], sum);
    for (size_t k = 0; k < n; ++k) dst[count[digit(src[k].hash, pass)]++] = src[k];
    std::swap(src, dst);
  }
  items.swap(buffer);  // an odd number of passes: the sorted pairs are in `buffer`
  auto by_hash_then_row = [](const HashAndRow& a, const HashAndRow& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.row < b.row;
  };
  for (size_t start = 0; start < n;) {
    size_t end = start + 1;
    while (end < n && (items[end].hash >> kLowestBit) == (items[start].hash >> kLowestBit)) ++end;
    if (end - start > 1 &&
        !std::is_sorted(items.begin() + start, items.begin() + end, by_hash_then_row)) {
      std::sort(items.begin() + start, items.begin() + end, by_hash_then_row);
    }
    start = end;
  }
}

}  // namespace cotenant::store
