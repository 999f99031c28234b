// The on-disk (and in-memory) layout of a compiled MatchSnapshot, version 1. Documented for
// users in docs/match.md; this header is the source of truth. Little-endian, every section
// 64-byte aligned, all integers fixed width. The image is used in place (mmap), so every struct
// here is trivially copyable with explicit padding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "cotenant/match_snapshot.h"

namespace cotenant::match_format {

inline constexpr char kMagic[8] = {'C', 'T', 'N', 'T', 'S', 'N', 'A', 'P'};
inline constexpr uint32_t kVersion = 1;
inline constexpr uint32_t kEndianMark = 0x01020304;
inline constexpr uint32_t kNone = 0xFFFFFFFFu;
inline constexpr size_t kAlign = 64;

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t endian_mark;
  uint64_t file_size;
  int64_t built_at;
  uint32_t section_count;
  uint32_t header_size;  // sizeof(Header) + section table
  uint64_t reserved[3];
};
static_assert(sizeof(Header) == 64);

enum class SectionId : uint32_t {
  kStrings = 1,          // bytes: every string, referenced by (offset, length)
  kGroups = 2,           // Group[indicators]
  kEntries = 3,          // Entry[entries], grouped by indicator
  kProfiles = 4,         // Profile[profiles]: shared metadata (actors, sources, roles, ...)
  kStrRefs = 5,          // StrRef[]: actor and source lists of the profiles
  kV4Table = 6,          // V4Slot[capacity]: exact IPv4 membership, linear probing
  kStrTable = 7,         // StrSlot[capacity]: string-keyed membership (multimap), linear probing
  kV4Starts = 8,         // uint32_t[n]: sorted starts of elementary IPv4 ranges (CIDR index)
  kV4Nodes = 9,          // uint32_t[n]: innermost CidrNode of each range, or kNone
  kV4Buckets = 10,       // uint32_t[2^b + 1]: first range whose start >= (bucket << (32 - b))
  kV6Starts = 11,        // Uint128[n]
  kV6Nodes = 12,         // uint32_t[n]
  kV6Buckets = 13,       // uint32_t[2^b + 1], by the top b bits (1 <= b <= 16)
  kCidrNodes = 14,       // CidrNode[]: prefix indicator and its enclosing prefix
  kV4FilterOneBit = 15,  // retired (one-bit filter of at most 2 MiB): skipped by this reader
  kV4Filter = 16,  // FilterBlock[n]: blocked Bloom filter over the keys of kV4Table (optional)
};
// Readers ignore section ids they do not know, so an optional section (like kV4Filter) does
// not change the version: older readers skip it, and files without it still read. A section
// whose layout or meaning changes gets a new id; kVersion changes only when an older reader
// would misread a file.
struct SectionEntry {
  uint32_t id;
  uint32_t elem_size;
  uint64_t offset;
  uint64_t count;
};
static_assert(sizeof(SectionEntry) == 24);

inline constexpr uint8_t kGroupAllow = 1;  // the value is on the allowlist

// One distinct indicator (or allowlist value).
struct Group {
  uint32_t entry_begin;
  uint32_t entry_count;
  uint32_t value_offset;  // canonical text in kStrings
  uint16_t value_length;
  uint8_t type;   // IndicatorType
  uint8_t flags;  // kGroupAllow
};
static_assert(sizeof(Group) == 16);

// One record's validity and a reference to its (shared) metadata profile.
inline constexpr uint32_t kUnboundedFrom = 0;
inline constexpr uint32_t kUnboundedUntil = 0xFFFFFFFFu;
struct Entry {
  uint32_t profile;
  uint32_t valid_from;   // Unix seconds; kUnboundedFrom = no lower bound
  uint32_t valid_until;  // Unix seconds; kUnboundedUntil = no upper bound
};
static_assert(sizeof(Entry) == 12);

struct Profile {
  uint32_t actors_begin;  // into kStrRefs
  uint16_t actors_count;
  uint16_t sources_count;
  uint32_t sources_begin;
  uint32_t role_bits;
  int16_t confidence;  // -1 = not given
  int8_t tlp;          // Tlp value (-1 = unmarked)
  uint8_t reserved0;
  uint32_t reserved1;
};
static_assert(sizeof(Profile) == 24);

struct StrRef {
  uint32_t offset;
  uint32_t length;
};

struct V4Slot {
  uint32_t key;
  uint32_t group_plus_one;  // 0 = empty slot
};

struct StrSlot {
  uint32_t tag;             // high 32 bits of the key hash
  uint32_t group_plus_one;  // 0 = empty slot
};

struct CidrNode {
  uint32_t group;
  uint32_t parent;  // enclosing prefix node, or kNone
};

struct Uint128 {
  uint64_t hi;
  uint64_t lo;
};

// Namespaces of the string table: the same text in two namespaces is two keys.
enum class Ns : uint8_t {
  kDomain = 1,
  kUrl = 2,
  kUrlHost = 3,
  kFileHash = 4,
  kCertSha1 = 5,
  kCertSha256 = 6,
  kJa3 = 7,
  kJa3s = 8,
  kJarm = 9,
  kEmail = 10,
};

// FNV-1a over the bytes from last to first, seeded by the namespace. Hashing from the right
// lets a domain walk produce the hash of every label suffix in one pass.
inline constexpr uint64_t kFnvPrime = 0x100000001b3ull;
inline uint64_t HashSeed(Ns ns) {
  return (0xcbf29ce484222325ull ^ static_cast<uint8_t>(ns)) * kFnvPrime;
}
inline uint64_t HashStep(uint64_t h, unsigned char c) { return (h ^ c) * kFnvPrime; }
inline uint64_t HashString(Ns ns, std::string_view s) {
  uint64_t h = HashSeed(ns);
  for (size_t i = s.size(); i > 0; --i) h = HashStep(h, static_cast<unsigned char>(s[i - 1]));
  return h;
}
// Final mix so both halves (tag and slot) are well distributed.
inline uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}
inline uint32_t SlotOf(uint64_t mixed, uint64_t capacity) {
  return static_cast<uint32_t>(((mixed & 0xffffffffull) * capacity) >> 32);
}
inline uint32_t TagOf(uint64_t mixed) { return static_cast<uint32_t>(mixed >> 32); }
inline uint64_t HashV4(uint32_t key) { return Mix(key * 0x9E3779B97F4A7C15ull); }
// The IPv4 filter: a blocked Bloom filter, one 64-byte block (a cache line) per probe and
// kFilterProbes bits in it, about 16 bits per key (~0.3 % false positives). The block comes
// from the top 32 bits of HashV4 (the table slot uses the low 32), the bits from a remix of
// the whole hash. Any block count from 1 to 2^32 - 1 works (multiply-shift range reduction).
struct FilterBlock {
  uint64_t words[8];
};
static_assert(sizeof(FilterBlock) == 64);
inline constexpr int kFilterProbes = 4;
inline constexpr uint64_t kFilterBitsPerKey = 16;
inline uint64_t FilterBlockOf(uint64_t hash, uint64_t blocks) {
  return ((hash >> 32) * blocks) >> 32;
}
// Bit i (0 <= i < kFilterProbes) of the block: 9 bits of the remixed hash each.
inline uint32_t FilterBitInBlock(uint64_t hash, int i) {
  uint64_t g = hash * 0x9E3779B97F4A7C15ull;
  return static_cast<uint32_t>(g >> (55 - 9 * i)) & 511;
}
inline bool FilterHas(const FilterBlock* filter, uint64_t blocks, uint64_t hash) {
  const FilterBlock& b = filter[FilterBlockOf(hash, blocks)];
  uint64_t all = 1;
  for (int i = 0; i < kFilterProbes; ++i) {
    uint32_t bit = FilterBitInBlock(hash, i);
    all &= b.words[bit >> 6] >> (bit & 63);
  }
  return (all & 1) != 0;
}
inline void FilterAdd(FilterBlock* filter, uint64_t blocks, uint64_t hash) {
  FilterBlock& b = filter[FilterBlockOf(hash, blocks)];
  for (int i = 0; i < kFilterProbes; ++i) {
    uint32_t bit = FilterBitInBlock(hash, i);
    b.words[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
}

// Renames the first section `from` of an image to id `to` (for tests: an image as an older
// writer made it, without that section, or with a section this build does not know).
// Returns false when the image has no such section.
inline bool RenameSection(std::string& image, SectionId from, uint32_t to) {
  if (image.size() < sizeof(Header)) return false;
  Header h;
  std::memcpy(&h, image.data(), sizeof(h));
  for (uint64_t i = 0; i < h.section_count; ++i) {
    size_t at = sizeof(Header) + i * sizeof(SectionEntry);
    if (at + sizeof(SectionEntry) > image.size()) return false;
    SectionEntry e;
    std::memcpy(&e, image.data() + at, sizeof(e));
    if (e.id != static_cast<uint32_t>(from)) continue;
    e.id = to;
    std::memcpy(image.data() + at, &e, sizeof(e));
    return true;
  }
  return false;
}

// Whether a group of indicator `type` is keyed in string-table namespace `ns`.
inline bool InNamespace(uint8_t type, Ns ns) {
  switch (static_cast<IndicatorType>(type)) {
    case IndicatorType::kDomain:
      return ns == Ns::kDomain;
    case IndicatorType::kUrl:
      return ns == Ns::kUrl || ns == Ns::kUrlHost;
    case IndicatorType::kMd5:
    case IndicatorType::kSha1:
    case IndicatorType::kSha256:
    case IndicatorType::kSha512:
      return ns == Ns::kFileHash;
    case IndicatorType::kCertSha1:
      return ns == Ns::kCertSha1;
    case IndicatorType::kCertSha256:
      return ns == Ns::kCertSha256;
    case IndicatorType::kJa3:
      return ns == Ns::kJa3;
    case IndicatorType::kJa3s:
      return ns == Ns::kJa3s;
    case IndicatorType::kJarm:
      return ns == Ns::kJarm;
    case IndicatorType::kEmail:
      return ns == Ns::kEmail;
    default:
      return false;
  }
}

}  // namespace cotenant::match_format

namespace cotenant {

// The parsed section pointers of a loaded image. Owns the bytes (mmap or heap).
struct MatchSnapshot::Image {
  ~Image();
  Image() = default;
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;

  // Ownership of the bytes.
  void* mapping = nullptr;  // munmap on destruction when set
  size_t mapping_size = 0;
  std::unique_ptr<uint64_t[]> heap;  // 8-byte aligned copy when not mapped
  const uint8_t* base = nullptr;
  size_t size = 0;

  const match_format::Header* header = nullptr;
  std::string_view strings;
  const match_format::Group* groups = nullptr;
  uint32_t group_count = 0;
  const match_format::Entry* entries = nullptr;
  uint32_t entry_count = 0;
  const match_format::Profile* profiles = nullptr;
  uint32_t profile_count = 0;
  const match_format::StrRef* str_refs = nullptr;
  uint32_t str_ref_count = 0;
  const match_format::V4Slot* v4_table = nullptr;
  uint64_t v4_capacity = 0;
  const match_format::StrSlot* str_table = nullptr;
  uint64_t str_capacity = 0;
  const uint32_t* v4_starts = nullptr;
  const uint32_t* v4_nodes = nullptr;
  uint32_t v4_ranges = 0;
  const uint32_t* v4_buckets = nullptr;
  int v4_shift = 0;  // key >> shift = bucket
  const match_format::Uint128* v6_starts = nullptr;
  const uint32_t* v6_nodes = nullptr;
  uint32_t v6_ranges = 0;
  const uint32_t* v6_buckets = nullptr;
  int v6_shift = 0;  // high 64 bits >> shift = bucket
  const match_format::CidrNode* cidr_nodes = nullptr;
  const match_format::FilterBlock* v4_filter = nullptr;  // nullptr: no filter, probe the table
  uint64_t v4_filter_blocks = 0;
  // Derived at load from the IPv4 ranges: bit x set when some prefix indicator covers an
  // address of the /16 block x. An address in a clear block skips the prefix search.
  uint64_t v4_prefix_blocks[(1 << 16) / 64] = {};
  uint32_t cidr_node_count = 0;
  // Namespaces present, so a lookup skips tables that cannot hit.
  uint32_t ns_present = 0;  // bit per Ns

  std::string_view GroupValue(uint32_t g) const {
    const auto& gr = groups[g];
    return strings.substr(gr.value_offset, gr.value_length);
  }
};

// Checks and wires an image; `image.base/size` must be set. Errors name `what`.
Status WireImage(MatchSnapshot::Image& image, std::string_view what);

}  // namespace cotenant
