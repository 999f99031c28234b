// MatchSnapshot: builder checks, save/load round trip, corrupt images, the IPv4 filter, memory
// per indicator.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "cotenant/match_snapshot.h"
#include "match/snapshot_format.h"
#include "match_testing.h"
#include "testing.h"

namespace cotenant {
namespace {

MatchRecord Record(IndicatorType type, std::string value, std::string actor = "APT-A") {
  MatchRecord r;
  r.indicator = Indicator{type, value, value};
  r.actors = {std::move(actor)};
  r.roles = {Role::kC2};
  r.sources = {"feed"};
  return r;
}

std::vector<std::string> Hits(const MatchSnapshot& snap, ObservedKind kind,
                              std::string_view value) {
  Probe p;
  p.kind = kind;
  p.value = value;
  std::vector<Hit> hits;
  snap.Lookup({&p, 1}, hits);
  std::vector<std::string> out;
  for (const Hit& h : hits) out.emplace_back(snap.IndicatorValueAt(h.indicator));
  return out;
}

TEST(MatchSnapshotBuilder, AcceptsCanonicalValues) {
  const std::pair<IndicatorType, std::string> accepted[] = {
      {IndicatorType::kIpv4, "0.0.0.0"},
      {IndicatorType::kIpv4, "255.255.255.255"},
      {IndicatorType::kIpv6, "2001:db8::1"},
      {IndicatorType::kCidr, "0.0.0.0/0"},
      {IndicatorType::kCidr, "10.0.0.0/8"},
      {IndicatorType::kCidr, "2001:db8::/32"},
      {IndicatorType::kDomain, "example.org"},
      {IndicatorType::kDomain, "*.example.org"},
      {IndicatorType::kDomain, "_dmarc.example.org"},
      {IndicatorType::kUrl, "http://example.org/a"},
      {IndicatorType::kSha1, std::string(40, 'a')},
      {IndicatorType::kJarm, std::string(62, '0')},
      {IndicatorType::kEmail, "Boss@example.org"},
  };
  for (const auto& [type, value] : accepted) {
    MatchSnapshotBuilder b;
    EXPECT_TRUE(b.Add(Record(type, value)).ok()) << value;
  }
}

TEST(MatchSnapshotBuilder, RejectsNonCanonicalOrUnmatchable) {
  const std::pair<IndicatorType, std::string> rejected[] = {
      {IndicatorType::kIpv4, "1.2.3.04"},
      {IndicatorType::kIpv4, "1.2.3"},
      {IndicatorType::kIpv4, " 1.2.3.4"},
      {IndicatorType::kIpv6, "2001:DB8::1"},
      {IndicatorType::kIpv6, "2001:db8:0::1"},
      {IndicatorType::kIpv6, "::ffff:1.2.3.4"},
      {IndicatorType::kCidr, "10.0.0.1/8"},
      {IndicatorType::kCidr, "10.0.0.0/33"},
      {IndicatorType::kCidr, "10.0.0.0"},
      {IndicatorType::kDomain, "Example.org"},
      {IndicatorType::kDomain, "example.org."},
      {IndicatorType::kDomain, ""},
      {IndicatorType::kUrl, "example.org/a"},
      {IndicatorType::kMd5, std::string(32, 'A')},
      {IndicatorType::kSha256, std::string(63, 'a')},
      {IndicatorType::kEmail, "boss@Example.org"},
      {IndicatorType::kAsn, "AS64500"},
      {IndicatorType::kSsdeep, "3:abc:def"},
      {IndicatorType::kTelegramHandle, "t.me/someone"},
  };
  for (const auto& [type, value] : rejected) {
    MatchSnapshotBuilder b;
    EXPECT_FALSE(b.Add(Record(type, value)).ok()) << value;
  }
  MatchSnapshotBuilder b;
  MatchRecord r = Record(IndicatorType::kIpv4, "192.0.2.1");
  r.valid_from = Timestamp::FromUnixSeconds(2000);
  r.valid_until = Timestamp::FromUnixSeconds(1000);
  EXPECT_FALSE(b.Add(r).ok());
}

TEST(MatchSnapshot, MergesRecordsAndKeepsValidityPerRecord) {
  MatchSnapshotBuilder b;
  MatchRecord a = Record(IndicatorType::kIpv4, "192.0.2.1", "APT-A");
  a.valid_until = Timestamp::FromUnixSeconds(1000);
  MatchRecord c = Record(IndicatorType::kIpv4, "192.0.2.1", "APT-B");
  c.valid_from = Timestamp::FromUnixSeconds(5000);
  ASSERT_TRUE(b.Add(a).ok());
  ASSERT_TRUE(b.Add(a).ok());  // exact duplicate: merged
  ASSERT_TRUE(b.Add(c).ok());
  auto snap = b.Build(Timestamp::FromUnixSeconds(1));
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  ASSERT_EQ(snap->indicator_count(), 1u);
  ASSERT_EQ(snap->EntryCount(0), 2u);
  EXPECT_TRUE(snap->EntryValidAt(0, 0, 500));
  EXPECT_FALSE(snap->EntryValidAt(0, 0, 1001));
  EXPECT_FALSE(snap->EntryValidAt(0, 1, 4999));
  EXPECT_TRUE(snap->EntryValidAt(0, 1, 5000));
  EXPECT_EQ(snap->EntryAt(0, 0).actors, std::vector<std::string_view>{"APT-A"});
  EXPECT_EQ(snap->EntryAt(0, 1).actors, std::vector<std::string_view>{"APT-B"});
}

TEST(MatchSnapshot, NestedAndOverlappingPrefixesReportEveryCover) {
  MatchSnapshotBuilder b;
  for (const char* p :
       {"0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "10.2.0.0/16",
        "255.255.255.255/32", "::/0", "2001:db8::/32", "2001:db8:ffff::/48"}) {
    ASSERT_TRUE(b.Add(Record(IndicatorType::kCidr, p)).ok()) << p;
  }
  auto snap = b.Build();
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  using V = std::vector<std::string>;
  EXPECT_EQ(Hits(*snap, ObservedKind::kIp, "10.1.2.3"),
            (V{"10.1.2.3/32", "10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8", "0.0.0.0/0"}));
  EXPECT_EQ(Hits(*snap, ObservedKind::kIp, "10.1.2.4"),
            (V{"10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8", "0.0.0.0/0"}));
  EXPECT_EQ(Hits(*snap, ObservedKind::kIp, "10.1.3.0"),
            (V{"10.1.0.0/16", "10.0.0.0/8", "0.0.0.0/0"}));
  EXPECT_EQ(Hits(*snap, ObservedKind::kIp, "10.2.255.255"),
            (V{"10.2.0.0/16", "10.0.0.0/8", "0.0.0.0/0"}));
  EXPECT_EQ(Hits(*snap, ObservedKind::kIp, "11.0.0.0"), (V{"0.0.0.0/0"}));
  EXPECT_EQ(Hits(*snap, ObservedKind::kIp, "255.255.255.255"),
            (V{"255.255.255.255/32", "0.0.0.0/0"}));
  EXPECT_EQ(Hits(*snap, ObservedKind::kIp, "2001:db8:ffff:1::1"),
            (V{"2001:db8:ffff::/48", "2001:db8::/32", "::/0"}));
  EXPECT_EQ(Hits(*snap, ObservedKind::kIp, "2001:db9::1"), (V{"::/0"}));
  EXPECT_EQ(Hits(*snap, ObservedKind::kIp, "not an address"), V{});
}

// Every address against a brute-force Contains over random nested prefixes.
TEST(MatchSnapshot, CidrIndexAgreesWithBruteForce) {
  std::mt19937 rng(7);
  std::vector<std::pair<uint32_t, int>> prefixes;
  MatchSnapshotBuilder b;
  for (int i = 0; i < 300; ++i) {
    int len = static_cast<int>(rng() % 33);
    uint32_t base = (rng() % 4) << 30 | (rng() & 0x3fffffff);
    uint32_t mask = len == 0 ? 0 : ~uint32_t{0} << (32 - len);
    base &= mask;
    char text[32];
    std::snprintf(text, sizeof(text), "%u.%u.%u.%u/%d", base >> 24, (base >> 16) & 255,
                  (base >> 8) & 255, base & 255, len);
    if (b.Add(Record(IndicatorType::kCidr, text)).ok()) prefixes.push_back({base, len});
  }
  auto snap = b.Build();
  ASSERT_TRUE(snap.ok());
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  for (int i = 0; i < 3000; ++i) {
    uint32_t ip = rng();
    if (i % 3 == 0) ip = prefixes[rng() % prefixes.size()].first + (rng() % 4);
    size_t expected = 0;
    for (auto [base, len] : prefixes) {
      uint32_t mask = len == 0 ? 0 : ~uint32_t{0} << (32 - len);
      if ((ip & mask) == base) ++expected;
    }
    char text[20];
    std::snprintf(text, sizeof(text), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
                  ip & 255);
    EXPECT_EQ(Hits(*snap, ObservedKind::kIp, text).size(), expected) << text;
  }
}

TEST(MatchSnapshot, SaveLoadRoundTripAndCorruption) {
  auto built = testing::SnapshotFromTsv(testing::SourcePath("tests/golden/match/indicators.tsv"));
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  auto dir = std::filesystem::temp_directory_path() / ("cotenant_snap_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "s.ctsnap").string();
  ASSERT_TRUE(built->Save(path).ok());
  auto loaded = MatchSnapshot::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->image(), built->image());
  EXPECT_EQ(loaded->built_at(), 1700000000);
  EXPECT_EQ(Hits(*loaded, ObservedKind::kHost, "a.higan.org"),
            std::vector<std::string>{"higan.org"});
  EXPECT_EQ(loaded->stats().indicators, built->stats().indicators);

  EXPECT_EQ(MatchSnapshot::Load((dir / "missing").string()).status().code(), StatusCode::kNotFound);
  std::string image(built->image());
  // Truncated, wrong magic, wrong version, and an out-of-range index: errors, never crashes.
  EXPECT_FALSE(MatchSnapshot::FromBytes(image.substr(0, image.size() / 2)).ok());
  std::string bad = image;
  bad[0] = 'X';
  EXPECT_FALSE(MatchSnapshot::FromBytes(bad).ok());
  bad = image;
  bad[8] = 9;
  EXPECT_EQ(MatchSnapshot::FromBytes(bad).status().code(), StatusCode::kUnsupported);
  std::mt19937 rng(1);
  int rejected = 0;
  for (int i = 0; i < 100; ++i) {
    bad = image;
    size_t pos = 64 + rng() % (image.size() - 64);
    bad[pos] = static_cast<char>(bad[pos] ^ (1 << (rng() % 8)));
    auto s = MatchSnapshot::FromBytes(bad);
    if (!s.ok()) {
      ++rejected;
      continue;
    }
    // Accepted images must still be safe to query.
    for (const char* v : {"a.higan.org", "198.51.100.200", "2001:db8:1::1", "stage.example"}) {
      Hits(*s, ObservedKind::kHost, v);
    }
  }
  EXPECT_GT(rejected, 0);
  std::filesystem::remove_all(dir);
}

std::string Dotted(uint32_t ip) {
  char text[20];
  std::snprintf(text, sizeof(text), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
                ip & 255);
  return text;
}

// Every hit of a batch of address probes as "probe indicator how" lines, plus the number of
// allowlist suppressions: equal outputs mean equal answers.
std::vector<std::string> BatchHits(const MatchSnapshot& snap,
                                   const std::vector<std::string>& values) {
  std::vector<Probe> probes;
  for (const auto& v : values) probes.push_back(Probe{v, {}, 0, 0, ObservedKind::kIp});
  std::vector<Hit> hits;
  size_t suppressed = snap.Lookup(probes, hits);
  std::vector<std::string> out;
  for (const Hit& h : hits) {
    out.push_back(values[h.probe] + " " + std::string(snap.IndicatorValueAt(h.indicator)) + " " +
                  std::string(MatchHowName(h.how)));
  }
  out.push_back("suppressed " + std::to_string(suppressed));
  return out;
}

// The image as a writer without the filter made it: the section is renamed to an id this
// build does not know, which a reader must skip.
std::string WithoutFilter(std::string image) {
  EXPECT_TRUE(match_format::RenameSection(image, match_format::SectionId::kV4Filter, 1000));
  return image;
}

// Byte range [offset, offset + count * elem_size) of a section, from the section table.
std::pair<size_t, size_t> SectionBytes(const std::string& image, match_format::SectionId id) {
  match_format::Header h;
  std::memcpy(&h, image.data(), sizeof(h));
  for (uint32_t i = 0; i < h.section_count; ++i) {
    match_format::SectionEntry e;
    std::memcpy(&e, image.data() + sizeof(h) + i * sizeof(e), sizeof(e));
    if (e.id == static_cast<uint32_t>(id)) return {e.offset, e.count * e.elem_size};
  }
  return {0, 0};
}

// The keys of an image's IPv4 table as addresses (what a lookup can find there).
std::vector<std::string> TableKeys(const std::string& image) {
  auto [offset, size] = SectionBytes(image, match_format::SectionId::kV4Table);
  std::vector<std::string> out;
  for (size_t at = offset; at + sizeof(match_format::V4Slot) <= offset + size;
       at += sizeof(match_format::V4Slot)) {
    match_format::V4Slot slot;
    std::memcpy(&slot, image.data() + at, sizeof(slot));
    if (slot.group_plus_one != 0) out.push_back(Dotted(slot.key));
  }
  return out;
}

MatchSnapshotBuilder Ipv4Builder(int n, uint32_t seed, std::vector<std::string>* values) {
  MatchSnapshotBuilder b;
  std::mt19937 rng(seed);
  for (int i = 0; i < n; ++i) {
    std::string v = Dotted(rng());
    if (b.Add(Record(IndicatorType::kIpv4, v, i % 2 ? "APT-A" : "APT-B")).ok())
      values->push_back(v);
  }
  EXPECT_TRUE(b.Add(Record(IndicatorType::kCidr, "198.51.100.0/24")).ok());
  EXPECT_TRUE(b.AddAllow(Indicator{IndicatorType::kIpv4, "192.0.2.7", "192.0.2.7"}).ok());
  values->push_back("198.51.100.9");
  values->push_back("192.0.2.7");
  return b;
}

// Prefixes clustered in a few /16 blocks (the lookup skips the search in blocks no prefix
// touches): at the first and last address of every block around them, and inside.
TEST(MatchSnapshot, CidrBlocksWithoutPrefixesAreSkippedExactly) {
  std::mt19937 rng(11);
  std::vector<std::pair<uint32_t, int>> prefixes = {
      {0x0A01FF00u, 24}, {0x0A020000u, 15}, {0x0A04FFFFu, 32}, {0x0A060000u, 16},
      {0x0A080000u, 13}, {0xFFFF0000u, 16}, {0x00000000u, 31}};
  for (int i = 0; i < 200; ++i) {
    int len = 18 + static_cast<int>(rng() % 15);
    uint32_t base = (0xAC10u + rng() % 4) << 16 | (rng() & 0xffff);
    prefixes.push_back({base & (~uint32_t{0} << (32 - len)), len});
  }
  MatchSnapshotBuilder b;
  for (auto [base, len] : prefixes) {
    char text[32];
    std::snprintf(text, sizeof(text), "%s/%d", Dotted(base).c_str(), len);
    ASSERT_TRUE(b.Add(Record(IndicatorType::kCidr, text)).ok()) << text;
  }
  auto snap = b.Build();
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  std::vector<uint32_t> probes;
  for (uint32_t block : {0x0000u, 0x0001u, 0x0A00u, 0x0A01u, 0x0A02u, 0x0A03u, 0x0A04u,
                         0x0A05u, 0x0A06u, 0x0A07u, 0x0A08u, 0x0A0Fu, 0x0A10u, 0xAC0Fu,
                         0xAC10u, 0xAC11u, 0xAC12u, 0xAC13u, 0xAC14u, 0xFFFEu, 0xFFFFu}) {
    probes.push_back(block << 16);
    probes.push_back(block << 16 | 0xffff);
    for (int k = 0; k < 50; ++k) probes.push_back(block << 16 | (rng() & 0xffff));
  }
  for (auto [base, len] : prefixes) {
    uint32_t host = len == 32 ? 0 : ~uint32_t{0} >> len;
    probes.push_back(base);
    probes.push_back(base | host);
    probes.push_back(base - 1);
    probes.push_back((base | host) + 1);
  }
  for (uint32_t ip : probes) {
    size_t expected = 0;
    for (auto [base, len] : prefixes) {
      uint32_t mask = len == 0 ? 0 : ~uint32_t{0} << (32 - len);
      if ((ip & mask) == base) ++expected;
    }
    EXPECT_EQ(Hits(*snap, ObservedKind::kIp, Dotted(ip)).size(), expected) << Dotted(ip);
  }
}

// The filter only ever skips addresses the table does not hold: with and without it, every
// probe gets the same hits, and every indicator finds itself.
TEST(MatchSnapshot, Ipv4FilterNeverCausesAMiss) {
  for (int n : {1, 40, 5000, 30000}) {
    std::vector<std::string> values;
    auto snap = Ipv4Builder(n, static_cast<uint32_t>(n), &values).Build();
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    // One 64-byte block per 32 keys (16 bits per key), at least one block.
    EXPECT_EQ(snap->stats().ipv4_filter_bytes, 64 * ((static_cast<uint64_t>(n) + 1 + 31) / 32))
        << n << " indicators";
    auto plain = MatchSnapshot::FromBytes(WithoutFilter(std::string(snap->image())));
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    EXPECT_EQ(plain->stats().ipv4_filter_bytes, 0u);

    std::vector<std::string> probes = values;
    std::mt19937 rng(99);
    for (int i = 0; i < 20000; ++i) probes.push_back(Dotted(rng()));
    for (size_t i = 0; i + 2 < values.size(); ++i) {  // neighbours share most hash input bits
      uint32_t v = 0;
      ASSERT_EQ(std::sscanf(values[i].c_str(), "%*u.%*u.%*u.%u", &v), 1);
      probes.push_back(values[i].substr(0, values[i].rfind('.') + 1) +
                       std::to_string((v + 1) % 256));
    }
    std::vector<std::string> with = BatchHits(*snap, probes);
    EXPECT_EQ(with, BatchHits(*plain, probes)) << n << " indicators";
    // Every IPv4 indicator (and the allowlisted address) is found.
    for (size_t i = 0; i + 2 < values.size(); i += 1 + values.size() / 2000) {
      EXPECT_EQ(Hits(*snap, ObservedKind::kIp, values[i]), std::vector<std::string>{values[i]});
    }
    EXPECT_EQ(BatchHits(*snap, {"192.0.2.7"}), std::vector<std::string>{"suppressed 1"});
  }
}

// Fuzzed images: an image whose filter would hide a table key is refused at load; any image
// that loads answers exactly as it does without its filter.
TEST(MatchSnapshot, Ipv4FilterOfCorruptImagesIsCheckedAtLoad) {
  std::vector<std::string> values;
  auto built = Ipv4Builder(1000, 5, &values).Build();
  ASSERT_TRUE(built.ok());
  const std::string image(built->image());
  auto [filter_at, filter_size] = SectionBytes(image, match_format::SectionId::kV4Filter);
  auto [table_at, table_size] = SectionBytes(image, match_format::SectionId::kV4Table);
  ASSERT_GT(filter_size, 0u);
  ASSERT_GT(table_size, 0u);

  // Clearing the bit of one indicator: refused, naming the reason.
  {
    std::string bad = image;
    uint32_t a, b, c, d;
    ASSERT_EQ(std::sscanf(values[0].c_str(), "%u.%u.%u.%u", &a, &b, &c, &d), 4);
    uint32_t key = a << 24 | b << 16 | c << 8 | d;
    uint64_t hash = match_format::HashV4(key);
    size_t at = filter_at + 64 * match_format::FilterBlockOf(hash, filter_size / 64) +
                match_format::FilterBitInBlock(hash, 2) / 8;
    bad[at] = static_cast<char>(bad[at] & ~(1 << (match_format::FilterBitInBlock(hash, 2) % 8)));
    auto s = MatchSnapshot::FromBytes(bad);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.status().message().find("IPv4 filter disagrees"), std::string::npos)
        << s.status().ToString();
    // The same image without the filter is fine: only the filter was wrong.
    EXPECT_TRUE(MatchSnapshot::FromBytes(WithoutFilter(bad)).ok());
  }
  // Bad sizes: no block, more blocks than 32 hash bits can address, beyond the end of the file.
  for (uint64_t blocks : {uint64_t{0}, uint64_t{1} << 32, filter_size / 64 + image.size() / 64}) {
    std::string bad = image;
    match_format::Header h;
    std::memcpy(&h, bad.data(), sizeof(h));
    for (uint32_t i = 0; i < h.section_count; ++i) {
      size_t at = sizeof(h) + i * sizeof(match_format::SectionEntry);
      match_format::SectionEntry e;
      std::memcpy(&e, bad.data() + at, sizeof(e));
      if (e.id != static_cast<uint32_t>(match_format::SectionId::kV4Filter)) continue;
      e.count = blocks;
      std::memcpy(bad.data() + at, &e, sizeof(e));
    }
    EXPECT_FALSE(MatchSnapshot::FromBytes(bad).ok()) << blocks << " blocks";
  }

  std::mt19937 rng(17);
  int loaded = 0, rejected = 0;
  for (int i = 0; i < 300; ++i) {
    std::string bad = image;
    // Bit flips aimed at the filter, the table, or anywhere after the header.
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      size_t pos;
      switch (rng() % 3) {
        case 0:
          pos = filter_at + rng() % filter_size;
          break;
        case 1:
          pos = table_at + rng() % table_size;
          break;
        default:
          pos = 64 + rng() % (image.size() - 64);
          break;
      }
      bad[pos] = static_cast<char>(bad[pos] ^ (1 << (rng() % 8)));
    }
    auto s = MatchSnapshot::FromBytes(bad);
    if (!s.ok()) {
      ++rejected;
      continue;
    }
    ++loaded;
    auto plain = MatchSnapshot::FromBytes(WithoutFilter(bad));
    ASSERT_TRUE(plain.ok()) << "loads with its filter, not without: " << plain.status().ToString();
    std::vector<std::string> probes = TableKeys(bad);
    probes.insert(probes.end(), values.begin(), values.end());
    for (int k = 0; k < 300; ++k) probes.push_back(Dotted(rng()));
    ASSERT_EQ(BatchHits(*s, probes), BatchHits(*plain, probes)) << "flip set " << i;
  }
  EXPECT_GT(loaded, 50);
  EXPECT_GT(rejected, 50);
}

// A table of 2^16 slots or more is checked on a second thread at load: the same refusals, and
// an error of the other checks still wins (it comes first, as when everything ran in line).
TEST(MatchSnapshot, LargeIpv4TableIsCheckedBesideTheRest) {
  std::vector<std::string> values;
  auto built = Ipv4Builder(50000, 21, &values).Build();
  ASSERT_TRUE(built.ok());
  const std::string image(built->image());
  auto [table_at, table_size] = SectionBytes(image, match_format::SectionId::kV4Table);
  ASSERT_GE(table_size / sizeof(match_format::V4Slot), size_t{1} << 16);
  ASSERT_TRUE(MatchSnapshot::FromBytes(image).ok());

  // A table slot pointing past the indicators.
  std::string bad = image;
  size_t slot_at = table_at;
  match_format::V4Slot slot{};
  for (;; slot_at += sizeof(slot)) {
    std::memcpy(&slot, bad.data() + slot_at, sizeof(slot));
    if (slot.group_plus_one != 0) break;
  }
  slot.group_plus_one = 0x7fffffff;
  std::memcpy(bad.data() + slot_at, &slot, sizeof(slot));
  auto s = MatchSnapshot::FromBytes(bad);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("IPv4 table refers to a missing indicator"),
            std::string::npos)
      << s.status().ToString();

  // One key's filter bit cleared.
  std::string cleared = image;
  auto [filter_at, filter_size] = SectionBytes(image, match_format::SectionId::kV4Filter);
  uint32_t a, b, c, d;
  ASSERT_EQ(std::sscanf(values[7].c_str(), "%u.%u.%u.%u", &a, &b, &c, &d), 4);
  uint64_t hash = match_format::HashV4(a << 24 | b << 16 | c << 8 | d);
  uint32_t bit = match_format::FilterBitInBlock(hash, 0);
  size_t at = filter_at + 64 * match_format::FilterBlockOf(hash, filter_size / 64) + bit / 8;
  cleared[at] = static_cast<char>(cleared[at] & ~(1 << (bit % 8)));
  s = MatchSnapshot::FromBytes(cleared);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("IPv4 filter disagrees"), std::string::npos)
      << s.status().ToString();

  // Both that and a broken entry: the entry is reported.
  auto [entries_at, entries_size] = SectionBytes(image, match_format::SectionId::kEntries);
  ASSERT_GT(entries_size, 0u);
  match_format::Entry entry;
  std::memcpy(&entry, cleared.data() + entries_at, sizeof(entry));
  entry.profile = 0x7fffffff;
  std::memcpy(cleared.data() + entries_at, &entry, sizeof(entry));
  s = MatchSnapshot::FromBytes(cleared);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("entry 0 refers to a missing profile"), std::string::npos)
      << s.status().ToString();
}

// A file without the filter (as cotenant wrote before it existed) and a file with a section
// this build does not know both load and answer the same.
TEST(MatchSnapshot, ReadsImagesWithoutTheFilterAndSkipsUnknownSections) {
  std::vector<std::string> values;
  auto built = Ipv4Builder(500, 8, &values).Build();
  ASSERT_TRUE(built.ok());
  std::string old_image = WithoutFilter(std::string(built->image()));
  auto old = MatchSnapshot::FromBytes(old_image);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->stats().ipv4_filter_bytes, 0u);
  EXPECT_EQ(BatchHits(*old, values), BatchHits(*built, values));
  // A file with the retired one-bit filter (section 15, written before the blocked filter):
  // this build skips that section and reads the table directly.
  std::string retired(built->image());
  ASSERT_TRUE(
      match_format::RenameSection(retired, match_format::SectionId::kV4Filter,
                                  static_cast<uint32_t>(match_format::SectionId::kV4FilterOneBit)));
  auto older = MatchSnapshot::FromBytes(retired);
  ASSERT_TRUE(older.ok()) << older.status().ToString();
  EXPECT_EQ(older->stats().ipv4_filter_bytes, 0u);
  EXPECT_EQ(BatchHits(*older, values), BatchHits(*built, values));
}

// The documented budget: at most 64 bytes per IPv4 indicator, metadata for a hit included.
TEST(MatchSnapshot, MemoryPerIpv4Indicator) {
  MatchSnapshotBuilder b;
  std::mt19937 rng(3);
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    uint32_t ip = rng();
    char text[20];
    std::snprintf(text, sizeof(text), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
                  ip & 255);
    MatchRecord r = Record(IndicatorType::kIpv4, text, i % 2 ? "APT-A" : "APT-B");
    ASSERT_TRUE(b.Add(r).ok());
  }
  auto snap = b.Build();
  ASSERT_TRUE(snap.ok());
  double per = static_cast<double>(snap->stats().bytes) / snap->stats().indicators;
  EXPECT_LE(per, 64.0) << "bytes per IPv4 indicator";
}

}  // namespace
}  // namespace cotenant
