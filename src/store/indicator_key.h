// IndicatorKey: the stable 62-bit hash by which the SQLite store finds an indicator
// (`indicators.hash`; until schema version 3 it was the id).
//
// FNV-1a over "<type name>\0<canonical value>", finished with the splitmix64 mixer, masked to
// 62 bits and never 0. Defined here (not std::hash) because stored hashes must not change
// between builds, compilers or machines. A collision is resolved by probing the next slot
// (NextIndicatorSlot); rows are never deleted, so the probe sequence stays exact.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/mix.h"
#include "cotenant/indicator.h"

namespace cotenant::store {

inline uint64_t Fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Shared by the store's stable hashes (indicator ids here, observation key hashes in
// observation_key.h).
using core::SplitMix64;

inline uint64_t IndicatorKey(IndicatorType type, std::string_view value) {
  uint64_t h = Fnv1a(0xcbf29ce484222325ULL, IndicatorTypeName(type));
  h = Fnv1a(h, std::string_view("\0", 1));
  h = SplitMix64(Fnv1a(h, value));
  h &= (uint64_t{1} << 62) - 1;
  return h == 0 ? 1 : h;
}

inline int64_t NextIndicatorSlot(int64_t id) { return id + 1 >= (int64_t{1} << 62) ? 1 : id + 1; }

}  // namespace cotenant::store
