// IndicatorKey: the stable 62-bit hash by which the SQLite store finds an indicator
// (`indicators.hash`, schema version 3).
//
// The type name and then the value are absorbed 8 bytes at a time (little-endian words, the
// last word of a string overlapping the one before; each string's length absorbed after it),
// each word with a multiply and an xor-shift, then finished with the splitmix64 mixer, masked to
// 62 bits and never 0. Defined here (not std::hash) because stored hashes must not change
// between builds, compilers or machines. A collision is resolved by probing the next slot
// (NextIndicatorSlot); rows are never deleted, so the probe sequence stays exact. (Versions 1
// and 2 used FNV-1a, one byte at a time, three to four times slower: 2 % of a MISP ingest.)
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/mix.h"
#include "cotenant/indicator.h"

namespace cotenant::store {

// Shared by the store's stable hashes (indicator hashes here, observation key hashes in
// observation_key.h).
using core::SplitMix64;

inline uint64_t AbsorbWord(uint64_t h, uint64_t word) {
  h = (h ^ word) * 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 29);
}

inline uint64_t LoadLittleEndian64(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return word;
}

inline uint64_t AbsorbString(uint64_t h, std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  if (n >= 8) {
    const char* last = p + n - 8;
    for (; p < last; p += 8) h = AbsorbWord(h, LoadLittleEndian64(p));
    h = AbsorbWord(h, LoadLittleEndian64(last));
  } else {
    uint64_t word = 0;
    for (size_t i = 0; i < n; ++i) word |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    h = AbsorbWord(h, word);
  }
  return AbsorbWord(h, n);
}

// The hash of a value whose type is given by its stored name (IndicatorTypeName).
inline uint64_t IndicatorKeyOfTypeName(std::string_view type_name, std::string_view value) {
  uint64_t h = SplitMix64(AbsorbString(AbsorbString(0x6a09e667f3bcc908ULL, type_name), value));
  h &= (uint64_t{1} << 62) - 1;
  return h == 0 ? 1 : h;
}

inline uint64_t IndicatorKey(IndicatorType type, std::string_view value) {
  return IndicatorKeyOfTypeName(IndicatorTypeName(type), value);
}

inline int64_t NextIndicatorSlot(int64_t id) { return id + 1 >= (int64_t{1} << 62) ? 1 : id + 1; }

}  // namespace cotenant::store
