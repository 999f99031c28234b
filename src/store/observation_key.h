// ObservationKeyHash: the stable 63-bit hash that, with the indicator id, is an observation's
// natural key in the SQLite store (schema version 2, column `observations.key_hash`).
//
// An observation's natural key is (indicator, source, actor name as written, role, first seen,
// last seen, references, basis), in store ids. The store keeps it as two integers under one
// UNIQUE index: `indicator_id` and a hash of the rest. Two different natural keys of the same
// indicator with the same hash (a collision) are resolved exactly, as indicator ids are: the
// later one probes upwards (NextObservationKeySlot) to the first free slot, comparing the
// stored fields at each occupied slot. Observations are never deleted, so probing stays exact.
// Defined here, not with std::hash, because stored hashes must not change between builds.
#pragma once

#include <cstdint>

#include "store/indicator_key.h"  // SplitMix64

namespace cotenant::store {

struct ObservationKeyFields {
  int64_t source_id = 0;
  int64_t name_id = 0;  // 0: no actor
  int64_t role = 0;     // the role's stored code (RoleCode)
  bool has_first_seen = false;
  int64_t first_seen = 0;
  bool has_last_seen = false;
  int64_t last_seen = 0;
  int64_t references_id = 0;  // 0: none
  int64_t basis_id = 0;       // 0: none

  bool operator==(const ObservationKeyFields&) const = default;
};

constexpr int64_t kObservationKeyMask = INT64_MAX;  // 63 bits: stored as a non-negative INTEGER

inline int64_t ObservationKeyHash(const ObservationKeyFields& k) {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  auto add = [&h](int64_t v) { h = SplitMix64(h ^ static_cast<uint64_t>(v)); };
  add(k.source_id);
  add(k.name_id);
  add(k.role);
  add((k.has_first_seen ? 1 : 0) | (k.has_last_seen ? 2 : 0));
  add(k.has_first_seen ? k.first_seen : 0);
  add(k.has_last_seen ? k.last_seen : 0);
  add(k.references_id);
  add(k.basis_id);
  return static_cast<int64_t>(h) & kObservationKeyMask;
}

inline int64_t NextObservationKeySlot(int64_t key) { return (key + 1) & kObservationKeyMask; }

}  // namespace cotenant::store
