#include "store/hash_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace cotenant::store {
namespace {

// What SortByHash must produce: the pairs by hash, row order among equal hashes.
std::vector<HashAndRow> Expected(std::vector<HashAndRow> items) {
  std::stable_sort(items.begin(), items.end(),
                   [](const HashAndRow& a, const HashAndRow& b) { return a.hash < b.hash; });
  return items;
}

std::vector<HashAndRow> Sorted(std::vector<HashAndRow> items) {
  std::vector<HashAndRow> buffer;
  SortByHash(items, buffer);
  return items;
}

std::vector<HashAndRow> InRowOrder(const std::vector<uint64_t>& hashes) {
  std::vector<HashAndRow> items;
  for (size_t k = 0; k < hashes.size(); ++k) items.push_back({hashes[k], static_cast<uint32_t>(k)});
  return items;
}

TEST(SortByHash, SmallCases) {
  constexpr uint64_t kTop = uint64_t{1} << 63;
  constexpr uint64_t kLow = uint64_t{1} << 30;  // below the radix-sorted top 33 bits
  const std::vector<std::vector<uint64_t>> cases = {
      {},
      {42},
      {3, 2, 1},
      {5, 5, 5, 1, 5},                                // one value's rows keep their order
      {kTop | 3, 3, kTop | 1, 1, kTop},               // only the lowest bits differ
      {kLow | 7, 7, kLow | 7, 7, kLow, 0, kLow | 1},  // top bits tie: sorted by the rest
      {kTop | kLow, kTop, kTop | kLow, kTop | (kLow - 1)},
      {~uint64_t{0}, 0, ~uint64_t{0}, 0},
  };
  for (const auto& hashes : cases) {
    auto items = InRowOrder(hashes);
    EXPECT_EQ(Sorted(items), Expected(items)) << hashes.size() << " hashes";
  }
}

TEST(SortByHash, RandomChunksAgainstStableSort) {
  std::mt19937_64 rng(7);
  for (size_t n : {1000u, 70000u}) {
    std::vector<uint64_t> hashes(n);
    for (auto& h : hashes) h = rng() & ((uint64_t{1} << 62) - 1);  // indicator ids: 62 bits
    // Repeated values (equal hashes) and values whose top bits tie.
    for (size_t k = 0; k + 10 < n; k += 97) hashes[k + 10] = hashes[k];
    for (size_t k = 0; k + 5 < n; k += 89) hashes[k + 5] = hashes[k] ^ (rng() & 0xffff);
    auto items = InRowOrder(hashes);
    EXPECT_EQ(Sorted(items), Expected(items)) << n;
  }
}

// Values made to tie in the top bits must cost a comparison sort of their run, not more.
TEST(SortByHash, AllTopBitsEqual) {
  std::mt19937_64 rng(11);
  std::vector<uint64_t> hashes(5000);
  for (auto& h : hashes) h = (uint64_t{12345} << 31) | (rng() & 0x7fffffff);
  auto items = InRowOrder(hashes);
  EXPECT_EQ(Sorted(items), Expected(items));
}

}  // namespace
}  // namespace cotenant::store
