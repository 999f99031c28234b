// splitmix64's finalizer: spreads every input bit over the whole 64-bit word. One definition for
// the in-memory hashes (IpAddress) and the store's stable hashes (indicator ids, observation
// keys), whose values are stored: never change the constants.
#pragma once

#include <cstdint>

namespace cotenant::core {

inline uint64_t SplitMix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace cotenant::core
