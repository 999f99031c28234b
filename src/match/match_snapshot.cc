// MatchSnapshot: loading (mmap + structural checks) and the lookup hot path.
#include "cotenant/match_snapshot.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <future>
#include <string>
#include <system_error>
#include <thread>

#include "cotenant/domain.h"
#include "cotenant/url.h"
#include "match/observed.h"
#include "match/snapshot_format.h"

namespace cotenant {

using namespace match_format;
using match_internal::CanonicalHex;
using match_internal::CanonicalHost;
using match_internal::HostShape;
using match_internal::ParseIp;
using match_internal::ParseIpv4;

bool IsMatchableType(IndicatorType type) {
  switch (type) {
    case IndicatorType::kIpv4:
    case IndicatorType::kIpv6:
    case IndicatorType::kCidr:
    case IndicatorType::kDomain:
    case IndicatorType::kUrl:
    case IndicatorType::kMd5:
    case IndicatorType::kSha1:
    case IndicatorType::kSha256:
    case IndicatorType::kSha512:
    case IndicatorType::kCertSha1:
    case IndicatorType::kCertSha256:
    case IndicatorType::kJa3:
    case IndicatorType::kJa3s:
    case IndicatorType::kJarm:
    case IndicatorType::kEmail:
      return true;
    default:
      return false;
  }
}

std::string_view MatchHowName(MatchHow how) {
  switch (how) {
    case MatchHow::kExact:
      return "exact";
    case MatchHow::kSubdomain:
      return "subdomain";
    case MatchHow::kCidr:
      return "cidr";
    case MatchHow::kUrlHost:
      return "url-host";
  }
  return "exact";
}

MatchSnapshot::Image::~Image() {
  if (mapping != nullptr) munmap(mapping, mapping_size);
}

namespace {

constexpr uint32_t kLastType = static_cast<uint32_t>(IndicatorType::kTelegramBotToken);

std::string_view KeyIn(std::string_view value, Ns ns) {
  if (ns == Ns::kDomain && value.starts_with("*.")) return value.substr(2);
  if (ns == Ns::kUrlHost) return match_internal::UrlHostOf(value);
  return value;
}

bool Less(const Uint128& a, const Uint128& b) {
  return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

template <typename T>
Status Section(MatchSnapshot::Image& im, const SectionEntry* table, uint32_t n, SectionId id,
               const T** out, uint64_t* count, std::string_view what) {
  *out = nullptr;
  *count = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (table[i].id != static_cast<uint32_t>(id)) continue;
    if (table[i].elem_size != sizeof(T)) {
      return Corruption(std::string(what) + ": section " + std::to_string(table[i].id) +
                        " has element size " + std::to_string(table[i].elem_size) + ", expected " +
                        std::to_string(sizeof(T)));
    }
    uint64_t off = table[i].offset, cnt = table[i].count;
    if (off % alignof(T) != 0 || off > im.size || cnt > (im.size - off) / sizeof(T)) {
      return Corruption(std::string(what) + ": section " + std::to_string(table[i].id) +
                        " lies outside the file");
    }
    *out = reinterpret_cast<const T*>(im.base + off);
    *count = cnt;
    return Status::Ok();
  }
  return Status::Ok();
}

Status Bad(std::string_view what, const std::string& why) {
  return Corruption(std::string(what) + ": " + why);
}

// Checks a sorted range index and its bucket table; sets *shift for the lookup.
template <typename K, typename Start>
Status CheckRanges(const Start* starts, const uint32_t* nodes, uint64_t n, const uint32_t* buckets,
                   uint64_t bucket_count, uint32_t node_count, K (*key_of)(const Start&),
                   int key_bits, int* shift, std::string_view what, const char* name) {
  if (n == 0) return Status::Ok();
  int bits = 0;
  while (bits <= 16 && (uint64_t{1} << bits) + 1 != bucket_count) ++bits;
  if (bits < 1 || bits > 16) return Bad(what, std::string(name) + " bucket index has wrong size");
  const uint64_t count = uint64_t{1} << bits;
  *shift = key_bits - bits;
  if (key_of(starts[0]) != 0) return Bad(what, std::string(name) + " ranges do not start at 0");
  for (uint64_t i = 0; i < n; ++i) {
    if (i > 0 && !(key_of(starts[i - 1]) < key_of(starts[i]))) {
      return Bad(what, std::string(name) + " ranges are not sorted");
    }
    if (nodes[i] != kNone && nodes[i] >= node_count) {
      return Bad(what, std::string(name) + " range refers to a missing prefix");
    }
  }
  for (uint64_t b = 0; b <= count; ++b) {
    if (buckets[b] > n || (b > 0 && buckets[b] < buckets[b - 1])) {
      return Bad(what, std::string(name) + " bucket index is inconsistent");
    }
  }
  if (buckets[count] != n) return Bad(what, std::string(name) + " bucket index is inconsistent");
  for (uint64_t b = 0; b < count; ++b) {
    K lower = static_cast<K>(K(b) << *shift);
    if (buckets[b] < n && key_of(starts[buckets[b]]) < lower) {
      return Bad(what, std::string(name) + " bucket index is inconsistent");
    }
    if (buckets[b] > 0 && !(key_of(starts[buckets[b] - 1]) < lower)) {
      return Bad(what, std::string(name) + " bucket index is inconsistent");
    }
  }
  return Status::Ok();
}

// Every slot of an open-addressing table refers to an indicator, and one slot is empty (so a
// probe ends).
template <typename Slot>
Status CheckSlots(const MatchSnapshot::Image& im, const Slot* slots, uint64_t capacity,
                  const char* name, std::string_view what) {
  if (capacity == 0) return Status::Ok();
  if (capacity >= (uint64_t{1} << 32)) return Bad(what, std::string(name) + " is too large");
  bool has_empty = false;
  for (uint64_t i = 0; i < capacity; ++i) {
    uint32_t g = slots[i].group_plus_one;
    if (g == 0) {
      has_empty = true;
    } else if (g - 1 >= im.group_count) {
      return Bad(what, std::string(name) + " refers to a missing indicator");
    }
  }
  if (!has_empty) return Bad(what, std::string(name) + " has no empty slot");
  return Status::Ok();
}

// The IPv4 table, and the filter in front of it: the filter may answer "no" only for addresses
// the table does not hold (a key whose bits are clear would be a silent miss). Reads only the
// table, the filter and group_count of `im`.
Status CheckV4(const MatchSnapshot::Image& im, std::string_view what) {
  COTENANT_RETURN_IF_ERROR(CheckSlots(im, im.v4_table, im.v4_capacity, "IPv4 table", what));
  if (im.v4_filter == nullptr) return Status::Ok();
  // Batched: the blocks of 32 keys are prefetched before they are tested (a filter larger than
  // the caches would otherwise cost one memory latency per key).
  constexpr size_t kBatch = 32;
  uint64_t hashes[kBatch];
  for (uint64_t i = 0; i < im.v4_capacity;) {
    size_t m = 0;
    for (; m < kBatch && i < im.v4_capacity; ++i) {
      const V4Slot& s = im.v4_table[i];
      if (s.group_plus_one == 0) continue;
      hashes[m] = HashV4(s.key);
      __builtin_prefetch(&im.v4_filter[FilterBlockOf(hashes[m], im.v4_filter_blocks)]);
      ++m;
    }
    for (size_t k = 0; k < m; ++k) {
      if (!FilterHas(im.v4_filter, im.v4_filter_blocks, hashes[k])) {
        return Bad(what, "IPv4 filter disagrees with the IPv4 table");
      }
    }
  }
  return Status::Ok();
}

uint32_t V4Key(const uint32_t& v) { return v; }
unsigned __int128 V6Key(const Uint128& v) {
  return (static_cast<unsigned __int128>(v.hi) << 64) | v.lo;
}

}  // namespace

Status WireImage(MatchSnapshot::Image& im, std::string_view what) {
  if (im.size < sizeof(Header)) return Bad(what, "too short to be a match snapshot");
  const auto* h = reinterpret_cast<const Header*>(im.base);
  if (std::memcmp(h->magic, kMagic, sizeof(kMagic)) != 0) {
    return Bad(what, "not a cotenant match snapshot (bad magic)");
  }
  if (h->endian_mark != kEndianMark) {
    return Unsupported(std::string(what) +
                       ": snapshot was written on a machine of other byte order");
  }
  if (h->version != kVersion) {
    return Unsupported(std::string(what) + ": snapshot format version " +
                       std::to_string(h->version) + ", this build reads version " +
                       std::to_string(kVersion) + " (rebuild it with `cotenant snapshot build`)");
  }
  if (h->file_size != im.size) {
    return Bad(what, "file is " + std::to_string(im.size) + " bytes, header says " +
                         std::to_string(h->file_size) + " (truncated?)");
  }
  if (h->section_count > 64 ||
      h->header_size != sizeof(Header) + h->section_count * sizeof(SectionEntry) ||
      h->header_size > im.size) {
    return Bad(what, "bad section table");
  }
  im.header = h;
  const auto* table = reinterpret_cast<const SectionEntry*>(im.base + sizeof(Header));
  uint32_t n = h->section_count;
  uint64_t count = 0;
  const char* strings = nullptr;
  COTENANT_RETURN_IF_ERROR(Section(im, table, n, SectionId::kStrings, &strings, &count, what));
  im.strings = std::string_view(strings == nullptr ? "" : strings, count);
  COTENANT_RETURN_IF_ERROR(Section(im, table, n, SectionId::kGroups, &im.groups, &count, what));
  if (count >= kNone) return Bad(what, "too many indicators");
  im.group_count = static_cast<uint32_t>(count);
  COTENANT_RETURN_IF_ERROR(Section(im, table, n, SectionId::kEntries, &im.entries, &count, what));
  if (count >= kNone) return Bad(what, "too many entries");
  im.entry_count = static_cast<uint32_t>(count);
  COTENANT_RETURN_IF_ERROR(Section(im, table, n, SectionId::kProfiles, &im.profiles, &count, what));
  im.profile_count = static_cast<uint32_t>(count);
  COTENANT_RETURN_IF_ERROR(Section(im, table, n, SectionId::kStrRefs, &im.str_refs, &count, what));
  im.str_ref_count = static_cast<uint32_t>(count);
  COTENANT_RETURN_IF_ERROR(
      Section(im, table, n, SectionId::kV4Table, &im.v4_table, &im.v4_capacity, what));
  COTENANT_RETURN_IF_ERROR(
      Section(im, table, n, SectionId::kStrTable, &im.str_table, &im.str_capacity, what));
  COTENANT_RETURN_IF_ERROR(
      Section(im, table, n, SectionId::kV4Starts, &im.v4_starts, &count, what));
  im.v4_ranges = static_cast<uint32_t>(count);
  uint64_t c2 = 0;
  COTENANT_RETURN_IF_ERROR(Section(im, table, n, SectionId::kV4Nodes, &im.v4_nodes, &c2, what));
  if (c2 != count) return Bad(what, "IPv4 range sections disagree in length");
  uint64_t v4_buckets = 0, v6_buckets = 0;
  COTENANT_RETURN_IF_ERROR(
      Section(im, table, n, SectionId::kV4Buckets, &im.v4_buckets, &v4_buckets, what));
  COTENANT_RETURN_IF_ERROR(
      Section(im, table, n, SectionId::kV6Starts, &im.v6_starts, &count, what));
  im.v6_ranges = static_cast<uint32_t>(count);
  COTENANT_RETURN_IF_ERROR(Section(im, table, n, SectionId::kV6Nodes, &im.v6_nodes, &c2, what));
  if (c2 != count) return Bad(what, "IPv6 range sections disagree in length");
  COTENANT_RETURN_IF_ERROR(
      Section(im, table, n, SectionId::kV6Buckets, &im.v6_buckets, &v6_buckets, what));
  COTENANT_RETURN_IF_ERROR(
      Section(im, table, n, SectionId::kCidrNodes, &im.cidr_nodes, &count, what));
  COTENANT_RETURN_IF_ERROR(
      Section(im, table, n, SectionId::kV4Filter, &im.v4_filter, &im.v4_filter_blocks, what));
  if (im.v4_filter != nullptr) {
    // 1 to 2^32 - 1 blocks (FilterBlockOf reduces 32 hash bits), beside an IPv4 table.
    if (im.v4_filter_blocks == 0 || im.v4_filter_blocks >= (uint64_t{1} << 32) ||
        im.v4_capacity == 0) {
      return Bad(what, "IPv4 filter has a bad size");
    }
  }
  im.cidr_node_count = static_cast<uint32_t>(count);

  // The IPv4 table and its filter are the largest part of a big snapshot (106 MB and 16 MB for
  // 8 M addresses): checked on a second thread while this one checks the rest. The errors and
  // their order are the same as when checked in line.
  constexpr uint64_t kParallelCheckSlots = uint64_t{1} << 16;
  std::future<Status> v4_check;
  if (im.v4_capacity >= kParallelCheckSlots && std::thread::hardware_concurrency() > 1) {
    try {
      v4_check = std::async(std::launch::async, [&im, what] { return CheckV4(im, what); });
    } catch (const std::system_error&) {
      // No thread: checked in line below.
    }
  }

  // Every index in range, so lookups need no bounds checks.
  for (uint32_t r = 0; r < im.str_ref_count; ++r) {
    const StrRef& s = im.str_refs[r];
    if (s.offset > im.strings.size() || s.length > im.strings.size() - s.offset) {
      return Bad(what, "string reference out of range");
    }
  }
  for (uint32_t p = 0; p < im.profile_count; ++p) {
    const Profile& pr = im.profiles[p];
    if (uint64_t{pr.actors_begin} + pr.actors_count > im.str_ref_count ||
        uint64_t{pr.sources_begin} + pr.sources_count > im.str_ref_count) {
      return Bad(what, "profile " + std::to_string(p) + " refers to missing names");
    }
    if (pr.tlp < -1 || pr.tlp > 4)
      return Bad(what, "profile " + std::to_string(p) + " has a bad marking");
  }
  for (uint32_t e = 0; e < im.entry_count; ++e) {
    if (im.entries[e].profile >= im.profile_count) {
      return Bad(what, "entry " + std::to_string(e) + " refers to a missing profile");
    }
  }
  static_assert(kLastType < 64);
  uint64_t types_seen = 0;  // bit per IndicatorType
  for (uint32_t g = 0; g < im.group_count; ++g) {
    const Group& gr = im.groups[g];
    if (uint64_t{gr.entry_begin} + gr.entry_count > im.entry_count) {
      return Bad(what, "indicator " + std::to_string(g) + " refers to missing entries");
    }
    if (gr.value_offset > im.strings.size() ||
        gr.value_length > im.strings.size() - gr.value_offset) {
      return Bad(what, "indicator " + std::to_string(g) + " has its value out of range");
    }
    if (gr.type > kLastType) return Bad(what, "indicator " + std::to_string(g) + " has a bad type");
    types_seen |= uint64_t{1} << gr.type;
  }
  for (uint32_t type = 0; type <= kLastType; ++type) {
    if (!((types_seen >> type) & 1)) continue;
    for (uint8_t ns = 1; ns <= static_cast<uint8_t>(Ns::kEmail); ++ns) {
      if (InNamespace(static_cast<uint8_t>(type), static_cast<Ns>(ns))) im.ns_present |= 1u << ns;
    }
  }
  for (uint32_t c = 0; c < im.cidr_node_count; ++c) {
    const CidrNode& node = im.cidr_nodes[c];
    if (node.group >= im.group_count || (node.parent != kNone && node.parent >= c)) {
      return Bad(what, "prefix node " + std::to_string(c) + " is inconsistent");
    }
  }
  auto check_table = [&](auto* slots, uint64_t capacity, const char* name) -> Status {
    return CheckSlots(im, slots, capacity, name, what);
  };
  COTENANT_RETURN_IF_ERROR(v4_check.valid() ? v4_check.get() : CheckV4(im, what));
  COTENANT_RETURN_IF_ERROR(check_table(im.str_table, im.str_capacity, "string table"));
  COTENANT_RETURN_IF_ERROR(CheckRanges<uint32_t>(im.v4_starts, im.v4_nodes, im.v4_ranges,
                                                 im.v4_buckets, v4_buckets, im.cidr_node_count,
                                                 &V4Key, 32, &im.v4_shift, what, "IPv4 prefix"));
  COTENANT_RETURN_IF_ERROR(CheckRanges<unsigned __int128>(
      im.v6_starts, im.v6_nodes, im.v6_ranges, im.v6_buckets, v6_buckets, im.cidr_node_count,
      &V6Key, 128, &im.v6_shift, what, "IPv6 prefix"));
  im.v6_shift -= 64;  // applied to the high 64 bits
  // The /16 blocks that some IPv4 prefix touches (range i spans starts[i] .. starts[i+1] - 1).
  for (uint32_t i = 0; i < im.v4_ranges; ++i) {
    if (im.v4_nodes[i] == kNone) continue;
    uint32_t first = im.v4_starts[i] >> 16;
    uint32_t last = i + 1 < im.v4_ranges ? (im.v4_starts[i + 1] - 1) >> 16 : 0xFFFF;
    for (uint32_t x = first; x <= last; ++x) im.v4_prefix_blocks[x >> 6] |= uint64_t{1} << (x & 63);
  }
  return Status::Ok();
}

Result<MatchSnapshot> MatchSnapshot::Load(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = path + ": cannot open snapshot: " + std::strerror(err);
    return err == ENOENT ? NotFound(msg) : IoError(msg);
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return IoError(path + ": " + std::strerror(err));
  }
  auto image = std::make_shared<Image>();
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    close(fd);
    return Corruption(path + ": empty file is not a match snapshot");
  }
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int err = errno;
  close(fd);
  if (map == MAP_FAILED) return IoError(path + ": mmap failed: " + std::strerror(err));
  image->mapping = map;
  image->mapping_size = size;
  image->base = static_cast<const uint8_t*>(map);
  image->size = size;
  COTENANT_RETURN_IF_ERROR(WireImage(*image, path));
  return MatchSnapshot(std::move(image));
}

Result<MatchSnapshot> MatchSnapshot::FromBytes(std::string_view bytes) {
  auto image = std::make_shared<Image>();
  image->heap.reset(new uint64_t[(bytes.size() + 7) / 8 + 1]);
  std::memcpy(image->heap.get(), bytes.data(), bytes.size());
  image->base = reinterpret_cast<const uint8_t*>(image->heap.get());
  image->size = bytes.size();
  COTENANT_RETURN_IF_ERROR(WireImage(*image, "snapshot image"));
  return MatchSnapshot(std::move(image));
}

std::string_view MatchSnapshot::image() const {
  return {reinterpret_cast<const char*>(image_->base), image_->size};
}

Status MatchSnapshot::Save(const std::string& path) const {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return IoError(tmp + ": cannot create: " + std::strerror(errno));
  std::string_view bytes = image();
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = (std::fflush(f) == 0) && ok;
  ok = (fsync(fileno(f)) == 0) && ok;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    return IoError(tmp + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    return IoError(path + ": cannot rename snapshot into place: " + std::strerror(err));
  }
  return Status::Ok();
}

uint32_t MatchSnapshot::indicator_count() const { return image_->group_count; }
IndicatorType MatchSnapshot::IndicatorTypeAt(uint32_t g) const {
  return static_cast<IndicatorType>(image_->groups[g].type);
}
std::string_view MatchSnapshot::IndicatorValueAt(uint32_t g) const { return image_->GroupValue(g); }
bool MatchSnapshot::IsAllowlisted(uint32_t g) const {
  return (image_->groups[g].flags & kGroupAllow) != 0;
}
uint32_t MatchSnapshot::EntryCount(uint32_t g) const { return image_->groups[g].entry_count; }
int64_t MatchSnapshot::built_at() const { return image_->header->built_at; }

MatchEntry MatchSnapshot::EntryAt(uint32_t g, uint32_t e) const {
  const Image& im = *image_;
  const Entry& en = im.entries[im.groups[g].entry_begin + e];
  const Profile& pr = im.profiles[en.profile];
  MatchEntry out;
  auto str = [&](uint32_t r) {
    return im.strings.substr(im.str_refs[r].offset, im.str_refs[r].length);
  };
  for (uint32_t i = 0; i < pr.actors_count; ++i) out.actors.push_back(str(pr.actors_begin + i));
  for (uint32_t i = 0; i < pr.sources_count; ++i) out.sources.push_back(str(pr.sources_begin + i));
  out.role_bits = pr.role_bits;
  out.confidence = pr.confidence;
  out.tlp = static_cast<Tlp>(pr.tlp);
  if (en.valid_from != kUnboundedFrom) out.valid_from = en.valid_from;
  if (en.valid_until != kUnboundedUntil) out.valid_until = en.valid_until;
  return out;
}

bool MatchSnapshot::EntryValidAt(uint32_t g, uint32_t e, int64_t t) const {
  const Entry& en = image_->entries[image_->groups[g].entry_begin + e];
  if (en.valid_from != kUnboundedFrom && t < int64_t{en.valid_from}) return false;
  if (en.valid_until != kUnboundedUntil && t > int64_t{en.valid_until}) return false;
  return true;
}

SnapshotStats MatchSnapshot::stats() const {
  const Image& im = *image_;
  SnapshotStats s;
  s.entries = im.entry_count;
  s.bytes = im.size;
  s.ipv4_table_bytes = im.v4_capacity * sizeof(V4Slot);
  s.ipv4_filter_bytes = im.v4_filter == nullptr ? 0 : im.v4_filter_blocks * sizeof(FilterBlock);
  for (uint32_t g = 0; g < im.group_count; ++g) {
    const Group& gr = im.groups[g];
    if (gr.flags & kGroupAllow) ++s.allowlisted;
    if (gr.entry_count == 0) continue;
    ++s.indicators;
    switch (static_cast<IndicatorType>(gr.type)) {
      case IndicatorType::kIpv4:
        ++s.ipv4;
        break;
      case IndicatorType::kIpv6:
        ++s.ipv6;
        break;
      case IndicatorType::kCidr:
        ++s.cidr;
        break;
      case IndicatorType::kDomain:
        ++s.domains;
        break;
      case IndicatorType::kUrl:
        ++s.urls;
        break;
      case IndicatorType::kMd5:
      case IndicatorType::kSha1:
      case IndicatorType::kSha256:
      case IndicatorType::kSha512:
        ++s.hashes;
        break;
      case IndicatorType::kCertSha1:
      case IndicatorType::kCertSha256:
        ++s.certs;
        break;
      case IndicatorType::kJa3:
      case IndicatorType::kJa3s:
      case IndicatorType::kJarm:
        ++s.tls_fingerprints;
        break;
      case IndicatorType::kEmail:
        ++s.emails;
        break;
      default:
        break;
    }
  }
  return s;
}

// ---- lookup ---------------------------------------------------------------------------------

namespace {

// Collects the hits of one probe; remembers whether an allowlist value matched.
struct ProbeHits {
  std::vector<Hit>& hits;
  const MatchSnapshot::Image& im;
  uint32_t probe;
  bool allowed = false;

  void Add(uint32_t group, MatchHow how) {
    const Group& g = im.groups[group];
    // An allowlisted URL vouches for that URL, not for every path on its host.
    if ((g.flags & kGroupAllow) && how != MatchHow::kUrlHost) allowed = true;
    if (g.entry_count == 0) return;
    hits.push_back(Hit{probe, group, how});
  }
};

void LookupV4Exact(const MatchSnapshot::Image& im, uint32_t ip, uint32_t slot, ProbeHits& out) {
  const V4Slot* t = im.v4_table;
  for (;;) {
    const V4Slot& s = t[slot];
    if (s.group_plus_one == 0) return;
    if (s.key == ip) {
      out.Add(s.group_plus_one - 1, MatchHow::kExact);
      return;
    }
    if (++slot == im.v4_capacity) slot = 0;
  }
}

void WalkCidr(const MatchSnapshot::Image& im, uint32_t node, ProbeHits& out) {
  while (node != kNone) {
    const CidrNode& c = im.cidr_nodes[node];
    // A /128 IPv6 "prefix" is an exact IPv6 indicator.
    MatchHow how = im.groups[c.group].type == static_cast<uint8_t>(IndicatorType::kIpv6)
                       ? MatchHow::kExact
                       : MatchHow::kCidr;
    out.Add(c.group, how);
    node = c.parent;
  }
}

bool MayHavePrefix(const MatchSnapshot::Image& im, uint32_t ip) {
  uint32_t x = ip >> 16;
  return (im.v4_prefix_blocks[x >> 6] >> (x & 63)) & 1;
}

void LookupV4Cidr(const MatchSnapshot::Image& im, uint32_t ip, ProbeHits& out) {
  if (!MayHavePrefix(im, ip)) return;  // also when there are no ranges at all
  uint32_t b = ip >> im.v4_shift;
  const uint32_t* first = im.v4_starts + im.v4_buckets[b];
  const uint32_t* last = im.v4_starts + im.v4_buckets[b + 1];
  const uint32_t* it = std::upper_bound(first, last, ip);
  size_t idx = static_cast<size_t>(it - im.v4_starts) - 1;
  WalkCidr(im, im.v4_nodes[idx], out);
}

void LookupV6(const MatchSnapshot::Image& im, const Uint128& ip, ProbeHits& out) {
  if (im.v6_ranges == 0) return;
  uint32_t b = static_cast<uint32_t>(ip.hi >> im.v6_shift);
  const Uint128* first = im.v6_starts + im.v6_buckets[b];
  const Uint128* last = im.v6_starts + im.v6_buckets[b + 1];
  const Uint128* it = std::upper_bound(
      first, last, ip, [](const Uint128& a, const Uint128& s) { return Less(a, s); });
  size_t idx = static_cast<size_t>(it - im.v6_starts) - 1;
  WalkCidr(im, im.v6_nodes[idx], out);
}

// Every group keyed `key` in namespace `ns` (the table is a multimap).
void LookupString(const MatchSnapshot::Image& im, Ns ns, uint64_t raw_hash, std::string_view key,
                  MatchHow how, ProbeHits& out) {
  if (im.str_capacity == 0) return;
  uint64_t h = Mix(raw_hash);
  uint32_t tag = TagOf(h);
  uint32_t slot = SlotOf(h, im.str_capacity);
  for (;;) {
    const StrSlot& s = im.str_table[slot];
    if (s.group_plus_one == 0) return;
    if (s.tag == tag) {
      uint32_t g = s.group_plus_one - 1;
      if (InNamespace(im.groups[g].type, ns) && KeyIn(im.GroupValue(g), ns) == key) {
        out.Add(g, how);
      }
    }
    if (++slot == im.str_capacity) slot = 0;
  }
}

bool Has(const MatchSnapshot::Image& im, Ns ns) {
  return (im.ns_present & (1u << static_cast<uint8_t>(ns))) != 0;
}

// The name and every label suffix, most specific first. The hashes of all suffixes come from
// one right-to-left pass (see HashString).
void LookupName(const MatchSnapshot::Image& im, std::string_view name, ProbeHits& out) {
  if (Has(im, Ns::kDomain)) {
    constexpr size_t kMaxLabels = 128;
    size_t starts[kMaxLabels];
    uint64_t hashes[kMaxLabels];
    size_t n = 0;
    uint64_t h = HashSeed(Ns::kDomain);
    for (size_t i = name.size(); i > 0; --i) {
      char c = name[i - 1];
      if (c == '.' && i < name.size() && n < kMaxLabels) {
        starts[n] = i;
        hashes[n++] = h;
      }
      h = HashStep(h, static_cast<unsigned char>(c));
    }
    LookupString(im, Ns::kDomain, h, name, MatchHow::kExact, out);
    for (size_t k = n; k > 0; --k) {
      LookupString(im, Ns::kDomain, hashes[k - 1], name.substr(starts[k - 1]), MatchHow::kSubdomain,
                   out);
    }
  }
  if (Has(im, Ns::kUrlHost)) {
    LookupString(im, Ns::kUrlHost, HashString(Ns::kUrlHost, name), name, MatchHow::kUrlHost, out);
  }
}

void LookupIpValue(const MatchSnapshot::Image& im, int family, uint32_t v4, const Uint128& v6,
                   ProbeHits& out) {
  if (family == 4) {
    uint64_t h = HashV4(v4);
    if (im.v4_capacity != 0 &&
        (im.v4_filter == nullptr || FilterHas(im.v4_filter, im.v4_filter_blocks, h))) {
      LookupV4Exact(im, v4, SlotOf(h, im.v4_capacity), out);
    }
    LookupV4Cidr(im, v4, out);
  } else {
    LookupV6(im, v6, out);
  }
}

// A host: an address, or a DNS name (IDN and Zeek-escaped names through the slow path).
void LookupHost(const MatchSnapshot::Image& im, std::string_view text, ProbeHits& out) {
  if (text.find(':') != std::string_view::npos) {  // "host:port" as HTTP Host headers carry it
    text = match_internal::HostWithoutPort(text);
  }
  uint32_t v4 = 0;
  Uint128 v6{};
  int family = ParseIp(text, &v4, &v6);
  if (family != 0) {
    LookupIpValue(im, family, v4, v6, out);
    if (Has(im, Ns::kUrlHost)) {
      char buf[48];
      size_t n =
          family == 4 ? match_internal::FormatIpv4(v4, buf) : match_internal::FormatIpv6(v6, buf);
      std::string_view key(buf, n);
      LookupString(im, Ns::kUrlHost, HashString(Ns::kUrlHost, key), key, MatchHow::kUrlHost, out);
    }
    return;
  }
  if (!Has(im, Ns::kDomain) && !Has(im, Ns::kUrlHost)) return;
  char buf[match_internal::kMaxName];
  size_t n = 0;
  switch (CanonicalHost(text, buf, &n)) {
    case HostShape::kAscii:
      LookupName(im, std::string_view(buf, n), out);
      return;
    case HostShape::kInvalid:
      return;
    case HostShape::kNeedsSlowPath: {
      char raw[match_internal::kMaxName * 4];
      size_t m = match_internal::UnescapeZeek(text, raw, sizeof(raw));
      if (m == SIZE_MAX) return;
      auto domain = DomainName::Parse(std::string_view(raw, m));
      if (!domain.ok()) return;
      LookupName(im, domain->ascii(), out);
      return;
    }
  }
}

void LookupHex(const MatchSnapshot::Image& im, Ns ns, std::string_view text, ProbeHits& out) {
  if (!Has(im, ns)) return;
  char buf[128];
  size_t n = 0;
  if (!CanonicalHex(text, buf, &n)) return;
  std::string_view key(buf, n);
  LookupString(im, ns, HashString(ns, key), key, MatchHow::kExact, out);
}

void LookupCert(const MatchSnapshot::Image& im, std::string_view text, ProbeHits& out) {
  char buf[128];
  size_t n = 0;
  if (!CanonicalHex(text, buf, &n)) return;
  std::string_view key(buf, n);
  Ns ns = n == 40 ? Ns::kCertSha1 : n == 64 ? Ns::kCertSha256 : Ns::kDomain;
  if (ns == Ns::kDomain || !Has(im, ns)) return;
  LookupString(im, ns, HashString(ns, key), key, MatchHow::kExact, out);
}

void LookupUrl(const MatchSnapshot::Image& im, std::string_view host, std::string_view target,
               ProbeHits& out) {
  if (!Has(im, Ns::kUrl)) return;
  std::string_view bare = match_internal::HostWithoutPort(host);
  if (target.starts_with("http://") || target.starts_with("https://")) {
    bare = match_internal::UrlHostOf(target);
  }
  // Prefilter: only a host that some URL indicator has is worth canonicalizing the URL for.
  char buf[match_internal::kMaxName];
  size_t n = 0;
  std::string_view key_host;
  uint32_t v4 = 0;
  Uint128 v6{};
  char ipbuf[48];
  if (int family = ParseIp(bare, &v4, &v6); family != 0) {
    size_t m =
        family == 4 ? match_internal::FormatIpv4(v4, ipbuf) : match_internal::FormatIpv6(v6, ipbuf);
    key_host = std::string_view(ipbuf, m);
  } else if (CanonicalHost(bare, buf, &n) == HostShape::kAscii) {
    key_host = std::string_view(buf, n);
  } else {
    return;  // IDN hosts: the url-host match of the host probe still reports them
  }
  ProbeHits scratch{out.hits, im, out.probe};
  size_t before = out.hits.size();
  LookupString(im, Ns::kUrlHost, HashString(Ns::kUrlHost, key_host), key_host, MatchHow::kUrlHost,
               scratch);
  bool any = out.hits.size() > before || scratch.allowed;
  out.hits.resize(before);
  if (!any) return;
  std::string text;
  if (target.starts_with("http://") || target.starts_with("https://")) {
    text.assign(target);
  } else {
    text.reserve(7 + host.size() + target.size());
    text.append("http://").append(host);
    if (target.empty() || target.front() != '/') text.push_back('/');
    text.append(target);
  }
  auto url = Url::Parse(text);
  if (!url.ok()) return;
  std::string canonical = url->ToString();
  LookupString(im, Ns::kUrl, HashString(Ns::kUrl, canonical), canonical, MatchHow::kExact, out);
}

void LookupEmail(const MatchSnapshot::Image& im, std::string_view text, ProbeHits& out) {
  std::string_view addr = match_internal::EmailAddressOf(text);
  size_t at = addr.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= addr.size()) return;
  std::string_view domain = addr.substr(at + 1);
  if (Has(im, Ns::kEmail)) {
    char buf[match_internal::kMaxName];
    size_t n = 0;
    if (addr.size() <= 320 && CanonicalHost(domain, buf, &n) == HostShape::kAscii) {
      std::string key;
      key.reserve(at + 1 + n);
      key.append(addr.substr(0, at)).push_back('@');
      key.append(buf, n);
      LookupString(im, Ns::kEmail, HashString(Ns::kEmail, key), key, MatchHow::kExact, out);
    }
  }
  LookupHost(im, domain, out);
}

bool AllHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

void LookupAny(const MatchSnapshot::Image& im, std::string_view text, ProbeHits& out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.empty()) return;
  uint32_t v4 = 0;
  Uint128 v6{};
  if (int family = ParseIp(text, &v4, &v6); family != 0) {
    LookupHost(im, text, out);
    return;
  }
  if (AllHex(text) && (text.size() == 32 || text.size() == 40 || text.size() == 62 ||
                       text.size() == 64 || text.size() == 128)) {
    LookupHex(im, Ns::kFileHash, text, out);
    if (text.size() == 40 || text.size() == 64) LookupCert(im, text, out);
    if (text.size() == 32) {
      LookupHex(im, Ns::kJa3, text, out);
      LookupHex(im, Ns::kJa3s, text, out);
    }
    if (text.size() == 62) LookupHex(im, Ns::kJarm, text, out);
    return;
  }
  if (size_t scheme = text.find("://"); scheme != std::string_view::npos) {
    std::string_view host = text.substr(scheme + 3);
    host = host.substr(0, host.find_first_of("/?#"));
    if (size_t at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
    if (Has(im, Ns::kUrl)) {
      auto url = Url::Parse(text);
      if (url.ok()) {
        std::string canonical = url->ToString();
        LookupString(im, Ns::kUrl, HashString(Ns::kUrl, canonical), canonical, MatchHow::kExact,
                     out);
      }
    }
    LookupHost(im, match_internal::HostWithoutPort(host), out);
    return;
  }
  if (text.find('@') != std::string_view::npos) {
    LookupEmail(im, text, out);
    return;
  }
  LookupHost(im, text, out);
}

void LookupOne(const MatchSnapshot::Image& im, const Probe& p, ProbeHits& out) {
  switch (p.kind) {
    case ObservedKind::kIp: {
      uint32_t v4 = 0;
      Uint128 v6{};
      int family = ParseIp(p.value, &v4, &v6);
      if (family != 0) LookupIpValue(im, family, v4, v6, out);
      return;
    }
    case ObservedKind::kHost:
      LookupHost(im, p.value, out);
      return;
    case ObservedKind::kUrl:
      LookupUrl(im, p.value, p.extra, out);
      return;
    case ObservedKind::kFileHash:
      LookupHex(im, Ns::kFileHash, p.value, out);
      return;
    case ObservedKind::kCertHash:
      LookupCert(im, p.value, out);
      return;
    case ObservedKind::kJa3:
      LookupHex(im, Ns::kJa3, p.value, out);
      return;
    case ObservedKind::kJa3s:
      LookupHex(im, Ns::kJa3s, p.value, out);
      return;
    case ObservedKind::kJarm:
      LookupHex(im, Ns::kJarm, p.value, out);
      return;
    case ObservedKind::kEmail:
      LookupEmail(im, p.value, out);
      return;
    case ObservedKind::kAny:
      LookupAny(im, p.value, out);
      return;
  }
}

}  // namespace

size_t MatchSnapshot::Lookup(std::span<const Probe> probes, std::vector<Hit>& hits) const {
  const Image& im = *image_;
  size_t suppressed = 0;
  constexpr size_t kBatch = 32;
  uint32_t keys[kBatch];
  uint64_t hashes[kBatch];
  uint32_t slots[kBatch];
  bool is_v4[kBatch];
  bool maybe[kBatch];  // may be in the IPv4 table: probe it
  const bool has_v4_table = im.v4_capacity != 0;
  const FilterBlock* filter = im.v4_filter;
  for (size_t base = 0; base < probes.size(); base += kBatch) {
    size_t m = std::min(kBatch, probes.size() - base);
    // Pass 1: parse addresses, hash them and prefetch their filter words, so the cache misses
    // of a batch overlap.
    for (size_t i = 0; i < m; ++i) {
      const Probe& p = probes[base + i];
      // Addresses, and hosts written as addresses (DNS answers): both take the batched path.
      is_v4[i] = (p.kind == ObservedKind::kIp || p.kind == ObservedKind::kHost) &&
                 ParseIpv4(p.value, &keys[i]);
      maybe[i] = is_v4[i] && has_v4_table;
      if (maybe[i]) {
        hashes[i] = HashV4(keys[i]);
        if (filter != nullptr) {
          __builtin_prefetch(&filter[FilterBlockOf(hashes[i], im.v4_filter_blocks)]);
        }
      }
    }
    // Pass 2: most addresses are not indicators, and the filter says so without touching the
    // table; prefetch the table slots of the others.
    for (size_t i = 0; i < m; ++i) {
      if (!maybe[i]) continue;
      if (filter != nullptr && !FilterHas(filter, im.v4_filter_blocks, hashes[i])) {
        maybe[i] = false;
        continue;
      }
      slots[i] = SlotOf(hashes[i], im.v4_capacity);
      __builtin_prefetch(&im.v4_table[slots[i]]);
    }
    // Pass 3: probe.
    for (size_t i = 0; i < m; ++i) {
      size_t before = hits.size();
      ProbeHits out{hits, im, static_cast<uint32_t>(base + i)};
      if (is_v4[i]) {
        if (maybe[i]) LookupV4Exact(im, keys[i], slots[i], out);
        LookupV4Cidr(im, keys[i], out);
        // As LookupHost: a host is also the host of URL indicators (the text is canonical,
        // ParseIpv4 takes no leading zeros).
        const Probe& p = probes[base + i];
        if (p.kind == ObservedKind::kHost && Has(im, Ns::kUrlHost)) {
          LookupString(im, Ns::kUrlHost, HashString(Ns::kUrlHost, p.value), p.value,
                       MatchHow::kUrlHost, out);
        }
      } else {
        LookupOne(im, probes[base + i], out);
      }
      if (out.allowed) {
        hits.resize(before);
        ++suppressed;
      }
    }
  }
  return suppressed;
}

}  // namespace cotenant
