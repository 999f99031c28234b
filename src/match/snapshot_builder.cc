// MatchSnapshotBuilder: merges indicator records and compiles the flat image.
#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "cotenant/match_snapshot.h"
#include "match/observed.h"
#include "match/snapshot_format.h"

namespace cotenant {

using namespace match_format;

namespace {

constexpr double kMaxLoad = 0.6;  // linear probing: a miss scans ~3.6 slots, one cache line

struct Pending {
  std::string value;
  IndicatorType type;
  bool allow;
  uint32_t profile;  // kNone for allowlist values
  uint32_t valid_from;
  uint32_t valid_until;

  auto Key() const { return std::tie(type, value, allow, profile, valid_from, valid_until); }
};

struct ProfileData {
  std::vector<std::string> actors;
  std::vector<std::string> sources;
  uint32_t role_bits = 0;
  int confidence = -1;
  Tlp tlp = Tlp::kUnmarked;
};

bool IsLowerHex(std::string_view s, size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsCanonicalName(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.back() == '.' || s.front() == '.') return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return s.find("..") == std::string_view::npos;
}

struct ParsedPrefix {
  int family = 0;
  uint32_t v4 = 0;
  Uint128 v6{};
  int length = 0;
};

bool ParsePrefix(std::string_view text, ParsedPrefix* out) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view addr = text.substr(0, slash), len = text.substr(slash + 1);
  if (len.empty() || len.size() > 3 || (len.size() > 1 && len[0] == '0')) return false;
  int n = 0;
  for (char c : len) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  ParsedPrefix p;
  if (match_internal::ParseIpv4(addr, &p.v4)) {
    p.family = 4;
    if (n > 32) return false;
    uint32_t mask = n == 0 ? 0 : ~uint32_t{0} << (32 - n);
    if ((p.v4 & ~mask) != 0) return false;
  } else {
    uint32_t v4 = 0;
    if (match_internal::ParseIp(addr, &v4, &p.v6) != 6) return false;
    char buf[48];
    if (std::string_view(buf, match_internal::FormatIpv6(p.v6, buf)) != addr) return false;
    p.family = 6;
    if (n > 128) return false;
    unsigned __int128 v = (static_cast<unsigned __int128>(p.v6.hi) << 64) | p.v6.lo;
    unsigned __int128 mask = n == 0 ? 0 : ~static_cast<unsigned __int128>(0) << (128 - n);
    if ((v & ~mask) != 0) return false;
  }
  p.length = n;
  *out = p;
  return true;
}

// Checks that `value` is the canonical text of `type` the matcher relies on.
Status CheckCanonical(IndicatorType type, std::string_view value) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("`" + std::string(value) + "` is not a canonical " +
                           std::string(IndicatorTypeName(type)) + " value (" + std::string(why) +
                           ")");
  };
  uint32_t v4 = 0;
  Uint128 v6{};
  switch (type) {
    case IndicatorType::kIpv4:
      if (!match_internal::ParseIpv4(value, &v4)) return bad("expected a dotted quad");
      return Status::Ok();
    case IndicatorType::kIpv6: {
      if (match_internal::ParseIp(value, &v4, &v6) != 6) return bad("expected an IPv6 address");
      char buf[48];
      if (std::string_view(buf, match_internal::FormatIpv6(v6, buf)) != value) {
        return bad("expected RFC 5952 text");
      }
      return Status::Ok();
    }
    case IndicatorType::kCidr: {
      ParsedPrefix p;
      if (!ParsePrefix(value, &p)) return bad("expected address/length without host bits");
      return Status::Ok();
    }
    case IndicatorType::kDomain: {
      std::string_view name = value.starts_with("*.") ? value.substr(2) : value;
      if (!IsCanonicalName(name)) return bad("expected lower-case A-labels");
      return Status::Ok();
    }
    case IndicatorType::kUrl:
      if (value.find("://") == std::string_view::npos || match_internal::UrlHostOf(value).empty()) {
        return bad("expected scheme://host/...");
      }
      if (value.size() > 65535) return bad("longer than 65535 bytes");
      return Status::Ok();
    case IndicatorType::kMd5:
    case IndicatorType::kJa3:
    case IndicatorType::kJa3s:
      return IsLowerHex(value, 32) ? Status::Ok() : bad("expected 32 lower-case hex digits");
    case IndicatorType::kSha1:
    case IndicatorType::kCertSha1:
      return IsLowerHex(value, 40) ? Status::Ok() : bad("expected 40 lower-case hex digits");
    case IndicatorType::kSha256:
    case IndicatorType::kCertSha256:
      return IsLowerHex(value, 64) ? Status::Ok() : bad("expected 64 lower-case hex digits");
    case IndicatorType::kSha512:
      return IsLowerHex(value, 128) ? Status::Ok() : bad("expected 128 lower-case hex digits");
    case IndicatorType::kJarm:
      return IsLowerHex(value, 62) ? Status::Ok() : bad("expected 62 lower-case hex digits");
    case IndicatorType::kEmail: {
      size_t at = value.rfind('@');
      if (at == std::string_view::npos || at == 0 || !IsCanonicalName(value.substr(at + 1))) {
        return bad("expected local@domain with a canonical domain");
      }
      return Status::Ok();
    }
    default:
      return Unsupported("indicators of type " + std::string(IndicatorTypeName(type)) +
                         " cannot be observed in logs; not added to the match snapshot");
  }
}

uint32_t FromBound(const std::optional<Timestamp>& t) {
  if (!t || t->unix_seconds() <= 0) return kUnboundedFrom;
  return static_cast<uint32_t>(std::min<int64_t>(t->unix_seconds(), 0xFFFFFFFEll));
}
uint32_t UntilBound(const std::optional<Timestamp>& t) {
  if (!t || t->unix_seconds() >= 0xFFFFFFFFll) return kUnboundedUntil;
  return static_cast<uint32_t>(std::max<int64_t>(t->unix_seconds(), 0));
}

// Byte image under construction: sections appended 64-byte aligned.
class ImageWriter {
 public:
  template <typename T>
  void Add(SectionId id, const std::vector<T>& items) {
    AddRaw(id, sizeof(T), items.data(), items.size());
  }
  void AddRaw(SectionId id, uint32_t elem_size, const void* data, uint64_t count) {
    Pad();
    sections_.push_back({static_cast<uint32_t>(id), elem_size, body_.size(), count});
    const auto* p = static_cast<const uint8_t*>(data);
    body_.insert(body_.end(), p, p + elem_size * count);
  }
  std::vector<uint8_t> Finish(int64_t built_at) {
    size_t header_size = sizeof(Header) + sections_.size() * sizeof(SectionEntry);
    size_t body_start = (header_size + kAlign - 1) / kAlign * kAlign;
    Pad();
    std::vector<uint8_t> out(body_start + body_.size(), 0);
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof(kMagic));
    h.version = kVersion;
    h.endian_mark = kEndianMark;
    h.file_size = out.size();
    h.built_at = built_at;
    h.section_count = static_cast<uint32_t>(sections_.size());
    h.header_size = static_cast<uint32_t>(header_size);
    std::memcpy(out.data(), &h, sizeof(h));
    for (size_t i = 0; i < sections_.size(); ++i) {
      SectionEntry e = sections_[i];
      e.offset += body_start;
      std::memcpy(out.data() + sizeof(Header) + i * sizeof(SectionEntry), &e, sizeof(e));
    }
    std::memcpy(out.data() + body_start, body_.data(), body_.size());
    return out;
  }

 private:
  void Pad() { body_.resize((body_.size() + kAlign - 1) / kAlign * kAlign, 0); }
  std::vector<uint8_t> body_;
  std::vector<SectionEntry> sections_;
};

template <typename K>
struct PrefixItem {
  K start;
  K end;  // inclusive
  int length;
  uint32_t group;
};

// Flattens nested/disjoint prefixes into a partition of the address space: each elementary
// range points at its innermost prefix, and each prefix at its enclosing one.
template <typename K>
void Flatten(std::vector<PrefixItem<K>>& items, std::vector<CidrNode>& nodes,
             std::vector<K>& starts, std::vector<uint32_t>& range_nodes) {
  std::sort(items.begin(), items.end(), [](const PrefixItem<K>& a, const PrefixItem<K>& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.length != b.length) return a.length < b.length;
    return a.group < b.group;
  });
  const K kMax = static_cast<K>(~K(0));
  starts.assign(1, K(0));
  range_nodes.assign(1, kNone);
  auto emit = [&](K start, uint32_t node) {
    if (starts.back() == start) {
      range_nodes.back() = node;
    } else {
      starts.push_back(start);
      range_nodes.push_back(node);
    }
  };
  struct Open {
    K end;
    uint32_t node;
  };
  std::vector<Open> stack;
  auto close_until = [&](bool all, K next_start) {
    while (!stack.empty() && (all || stack.back().end < next_start)) {
      Open top = stack.back();
      stack.pop_back();
      if (top.end == kMax) continue;
      emit(static_cast<K>(top.end + 1), stack.empty() ? kNone : stack.back().node);
    }
  };
  for (const auto& item : items) {
    close_until(false, item.start);
    uint32_t id = static_cast<uint32_t>(nodes.size());
    nodes.push_back({item.group, stack.empty() ? kNone : stack.back().node});
    emit(item.start, id);
    stack.push_back({item.end, id});
  }
  close_until(true, K(0));
}

template <typename K>
std::vector<uint32_t> Buckets(const std::vector<K>& starts, int key_bits) {
  // About one range per bucket, at most 2^16 buckets (256 KiB).
  int bits = 1;
  while (bits < 16 && (size_t{1} << bits) < starts.size()) ++bits;
  const uint64_t count = uint64_t{1} << bits;
  const int shift = key_bits - bits;
  std::vector<uint32_t> buckets(count + 1);
  size_t r = 0;
  for (uint64_t b = 0; b < count; ++b) {
    K lower = static_cast<K>(K(b) << shift);
    while (r < starts.size() && starts[r] < lower) ++r;
    buckets[b] = static_cast<uint32_t>(r);
  }
  buckets[count] = static_cast<uint32_t>(starts.size());
  return buckets;
}

uint64_t Capacity(size_t n) {
  if (n == 0) return 0;
  return static_cast<uint64_t>(static_cast<double>(n) / kMaxLoad) + 2;
}

}  // namespace

struct MatchSnapshotBuilder::State {
  std::vector<Pending> pending;
  std::map<std::string, uint32_t> profile_ids;
  std::vector<ProfileData> profiles;
};

MatchSnapshotBuilder::MatchSnapshotBuilder() : state_(std::make_unique<State>()) {}
MatchSnapshotBuilder::~MatchSnapshotBuilder() = default;
MatchSnapshotBuilder::MatchSnapshotBuilder(MatchSnapshotBuilder&&) noexcept = default;
MatchSnapshotBuilder& MatchSnapshotBuilder::operator=(MatchSnapshotBuilder&&) noexcept = default;

size_t MatchSnapshotBuilder::pending() const { return state_->pending.size(); }

Status MatchSnapshotBuilder::Add(const MatchRecord& record) {
  COTENANT_RETURN_IF_ERROR(CheckCanonical(record.indicator.type, record.indicator.value));
  if (record.valid_from && record.valid_until && *record.valid_from > *record.valid_until) {
    return InvalidArgument("`" + record.indicator.value + "`: validity interval starts " +
                           record.valid_from->ToString() + " after it ends " +
                           record.valid_until->ToString());
  }
  ProfileData p;
  p.actors = record.actors;
  p.sources = record.sources;
  for (auto* list : {&p.actors, &p.sources}) {
    std::erase_if(*list, [](const std::string& s) { return s.empty(); });
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
    if (list->size() > 65535)
      return InvalidArgument("`" + record.indicator.value + "`: too many names");
  }
  for (Role r : record.roles) p.role_bits |= 1u << static_cast<int>(r);
  p.confidence = std::clamp(record.confidence, -1, 100);
  p.tlp = record.tlp;
  std::string key;
  for (const auto& a : p.actors) key.append(a).push_back('\x1f');
  key.push_back('\x1e');
  for (const auto& s : p.sources) key.append(s).push_back('\x1f');
  key.append("\x1e" + std::to_string(p.role_bits) + "," + std::to_string(p.confidence) + "," +
             std::to_string(static_cast<int>(p.tlp)));
  auto [it, inserted] = state_->profile_ids.try_emplace(
      std::move(key), static_cast<uint32_t>(state_->profiles.size()));
  if (inserted) state_->profiles.push_back(std::move(p));
  state_->pending.push_back(Pending{record.indicator.value, record.indicator.type, false,
                                    it->second, FromBound(record.valid_from),
                                    UntilBound(record.valid_until)});
  return Status::Ok();
}

Status MatchSnapshotBuilder::AddAllow(const Indicator& indicator) {
  COTENANT_RETURN_IF_ERROR(CheckCanonical(indicator.type, indicator.value));
  state_->pending.push_back(
      Pending{indicator.value, indicator.type, true, kNone, kUnboundedFrom, kUnboundedUntil});
  return Status::Ok();
}

Result<MatchSnapshot> MatchSnapshotBuilder::Build(Timestamp built_at) {
  std::unique_ptr<State> st = std::move(state_);
  state_ = std::make_unique<State>();
  auto& pending = st->pending;
  std::sort(pending.begin(), pending.end(),
            [](const Pending& a, const Pending& b) { return a.Key() < b.Key(); });
  pending.erase(std::unique(pending.begin(), pending.end(),
                            [](const Pending& a, const Pending& b) { return a.Key() == b.Key(); }),
                pending.end());

  std::string strings;
  std::unordered_map<std::string, StrRef> interned;
  auto intern = [&](const std::string& s) -> StrRef {
    auto [it, inserted] = interned.try_emplace(s, StrRef{});
    if (inserted) {
      it->second = StrRef{static_cast<uint32_t>(strings.size()), static_cast<uint32_t>(s.size())};
      strings.append(s);
    }
    return it->second;
  };

  std::vector<Profile> profiles;
  std::vector<StrRef> refs;
  profiles.reserve(st->profiles.size());
  for (const auto& p : st->profiles) {
    Profile out{};
    out.actors_begin = static_cast<uint32_t>(refs.size());
    out.actors_count = static_cast<uint16_t>(p.actors.size());
    for (const auto& a : p.actors) refs.push_back(intern(a));
    out.sources_begin = static_cast<uint32_t>(refs.size());
    out.sources_count = static_cast<uint16_t>(p.sources.size());
    for (const auto& s : p.sources) refs.push_back(intern(s));
    out.role_bits = p.role_bits;
    out.confidence = static_cast<int16_t>(p.confidence);
    out.tlp = static_cast<int8_t>(p.tlp);
    profiles.push_back(out);
  }
  interned.clear();

  std::vector<Group> groups;
  std::vector<Entry> entries;
  for (size_t i = 0; i < pending.size();) {
    size_t j = i;
    Group g{};
    g.entry_begin = static_cast<uint32_t>(entries.size());
    g.type = static_cast<uint8_t>(pending[i].type);
    while (j < pending.size() && pending[j].type == pending[i].type &&
           pending[j].value == pending[i].value) {
      if (pending[j].allow) {
        g.flags |= kGroupAllow;
      } else {
        entries.push_back(Entry{pending[j].profile, pending[j].valid_from, pending[j].valid_until});
      }
      ++j;
    }
    g.entry_count = static_cast<uint32_t>(entries.size()) - g.entry_begin;
    if (strings.size() + pending[i].value.size() > 0xFFFFFFFFull) {
      return Unsupported("match snapshot strings exceed 4 GiB");
    }
    g.value_offset = static_cast<uint32_t>(strings.size());
    g.value_length = static_cast<uint16_t>(pending[i].value.size());
    strings.append(pending[i].value);
    groups.push_back(g);
    i = j;
  }
  if (groups.size() >= kNone) return Unsupported("too many indicators for one match snapshot");
  auto value_of = [&](const Group& g) {
    return std::string_view(strings).substr(g.value_offset, g.value_length);
  };

  // Exact IPv4 membership.
  std::vector<uint32_t> v4_groups;
  std::vector<PrefixItem<uint32_t>> v4_prefixes;
  std::vector<PrefixItem<unsigned __int128>> v6_prefixes;
  struct StrKey {
    Ns ns;
    uint32_t group;
  };
  std::vector<StrKey> str_keys;
  for (uint32_t gi = 0; gi < groups.size(); ++gi) {
    const Group& g = groups[gi];
    std::string_view value = value_of(g);
    auto type = static_cast<IndicatorType>(g.type);
    uint32_t v4 = 0;
    Uint128 v6{};
    switch (type) {
      case IndicatorType::kIpv4:
        v4_groups.push_back(gi);
        break;
      case IndicatorType::kIpv6: {
        match_internal::ParseIp(value, &v4, &v6);
        unsigned __int128 v = (static_cast<unsigned __int128>(v6.hi) << 64) | v6.lo;
        v6_prefixes.push_back({v, v, 128, gi});
        break;
      }
      case IndicatorType::kCidr: {
        ParsedPrefix p;
        ParsePrefix(value, &p);
        if (p.family == 4) {
          uint32_t host = p.length == 32 ? 0 : (~uint32_t{0} >> p.length);
          v4_prefixes.push_back({p.v4, p.v4 | host, p.length, gi});
        } else {
          unsigned __int128 v = (static_cast<unsigned __int128>(p.v6.hi) << 64) | p.v6.lo;
          unsigned __int128 host =
              p.length == 128 ? 0 : (~static_cast<unsigned __int128>(0) >> p.length);
          v6_prefixes.push_back({v, v | host, p.length, gi});
        }
        break;
      }
      default:
        for (uint8_t ns = 1; ns <= static_cast<uint8_t>(Ns::kEmail); ++ns) {
          if (InNamespace(g.type, static_cast<Ns>(ns)))
            str_keys.push_back({static_cast<Ns>(ns), gi});
        }
        break;
    }
  }

  std::vector<V4Slot> v4_table(Capacity(v4_groups.size()), V4Slot{0, 0});
  for (uint32_t gi : v4_groups) {
    uint32_t key = 0;
    match_internal::ParseIpv4(value_of(groups[gi]), &key);
    uint32_t slot = SlotOf(HashV4(key), v4_table.size());
    while (v4_table[slot].group_plus_one != 0) {
      if (++slot == v4_table.size()) slot = 0;
    }
    v4_table[slot] = V4Slot{key, gi + 1};
  }

  std::vector<StrSlot> str_table(Capacity(str_keys.size()), StrSlot{0, 0});
  for (const StrKey& k : str_keys) {
    std::string_view value = value_of(groups[k.group]);
    std::string_view key = value;
    if (k.ns == Ns::kDomain && key.starts_with("*.")) key = key.substr(2);
    if (k.ns == Ns::kUrlHost) key = match_internal::UrlHostOf(value);
    uint64_t h = Mix(HashString(k.ns, key));
    uint32_t slot = SlotOf(h, str_table.size());
    while (str_table[slot].group_plus_one != 0) {
      if (++slot == str_table.size()) slot = 0;
    }
    str_table[slot] = StrSlot{TagOf(h), k.group + 1};
  }

  std::vector<CidrNode> nodes;
  std::vector<uint32_t> v4_starts, v4_nodes, v6_nodes;
  std::vector<unsigned __int128> v6_keys;
  if (!v4_prefixes.empty()) Flatten(v4_prefixes, nodes, v4_starts, v4_nodes);
  if (!v6_prefixes.empty()) Flatten(v6_prefixes, nodes, v6_keys, v6_nodes);
  std::vector<Uint128> v6_starts;
  v6_starts.reserve(v6_keys.size());
  for (auto k : v6_keys) {
    v6_starts.push_back({static_cast<uint64_t>(k >> 64), static_cast<uint64_t>(k)});
  }

  ImageWriter w;
  w.AddRaw(SectionId::kStrings, 1, strings.data(), strings.size());
  w.Add(SectionId::kGroups, groups);
  w.Add(SectionId::kEntries, entries);
  w.Add(SectionId::kProfiles, profiles);
  w.Add(SectionId::kStrRefs, refs);
  w.Add(SectionId::kV4Table, v4_table);
  w.Add(SectionId::kStrTable, str_table);
  if (!v4_starts.empty()) {
    w.Add(SectionId::kV4Starts, v4_starts);
    w.Add(SectionId::kV4Nodes, v4_nodes);
    w.Add(SectionId::kV4Buckets, Buckets(v4_starts, 32));
  }
  if (!v6_keys.empty()) {
    w.Add(SectionId::kV6Starts, v6_starts);
    w.Add(SectionId::kV6Nodes, v6_nodes);
    w.Add(SectionId::kV6Buckets, Buckets(v6_keys, 128));
  }
  w.Add(SectionId::kCidrNodes, nodes);
  if (!v4_table.empty()) {
    // About 16 bits per key (~0.3 % false positives): most observed addresses are not
    // indicators, and the filter answers those from one cache line without touching the
    // table. Built from the table itself; the loader checks that they agree.
    uint64_t blocks = (v4_groups.size() * kFilterBitsPerKey + 511) / 512;
    std::vector<FilterBlock> filter(std::max<uint64_t>(blocks, 1), FilterBlock{});
    for (const V4Slot& s : v4_table) {
      if (s.group_plus_one != 0) FilterAdd(filter.data(), filter.size(), HashV4(s.key));
    }
    w.Add(SectionId::kV4Filter, filter);
  }
  std::vector<uint8_t> bytes = w.Finish(built_at.unix_seconds());

  auto image = std::make_shared<MatchSnapshot::Image>();
  image->heap.reset(new uint64_t[(bytes.size() + 7) / 8 + 1]);
  std::memcpy(image->heap.get(), bytes.data(), bytes.size());
  image->base = reinterpret_cast<const uint8_t*>(image->heap.get());
  image->size = bytes.size();
  COTENANT_RETURN_IF_ERROR(WireImage(*image, "built snapshot"));
  return MatchSnapshot(std::move(image));
}

}  // namespace cotenant
