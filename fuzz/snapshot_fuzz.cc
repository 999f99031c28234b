// Fuzz target: snapshot images (a hostile or corrupt .ctsnap file). Loading must refuse or
// accept without crashing; an accepted image must be safe to query, and its IPv4 filter must
// never change an answer: every lookup gives the same hits with the filter and without it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cotenant/match_snapshot.h"
#include "match/snapshot_format.h"

namespace {

using namespace cotenant;

std::string Dotted(uint32_t ip) {
  char text[20];
  std::snprintf(text, sizeof(text), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
                ip & 255);
  return text;
}

std::vector<std::string> Answers(const MatchSnapshot& snap, const std::vector<std::string>& values,
                                 ObservedKind kind) {
  std::vector<Probe> probes;
  for (const auto& v : values) probes.push_back(Probe{v, {}, 0, 0, kind});
  std::vector<Hit> hits;
  size_t suppressed = snap.Lookup(probes, hits);
  std::vector<std::string> out;
  for (const Hit& h : hits) {
    out.push_back(values[h.probe] + " " + std::to_string(h.indicator) + " " +
                  std::string(MatchHowName(h.how)));
  }
  out.push_back(std::to_string(suppressed));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string image(reinterpret_cast<const char*>(data), size);
  auto snap = MatchSnapshot::FromBytes(image);
  if (!snap.ok()) return 0;
  std::string plain_image = image;
  bool had_filter = match_format::RenameSection(plain_image, match_format::SectionId::kV4Filter,
                                                1000);  // an id no build knows
  auto plain = MatchSnapshot::FromBytes(plain_image);
  if (!plain.ok()) {
    std::fprintf(stderr, "image loads with its filter but not without: %s\n",
                 plain.status().ToString().c_str());
    std::abort();
  }
  // Every key of the table (as the loaded image holds it), every IPv4 indicator value, and
  // addresses taken from the input bytes.
  std::vector<std::string> values = {"203.0.113.5", "198.51.100.200", "192.0.2.1", "0.0.0.0",
                                     "255.255.255.255"};
  match_format::Header h;
  std::memcpy(&h, image.data(), sizeof(h));
  for (uint32_t i = 0; i < h.section_count; ++i) {
    match_format::SectionEntry e;
    std::memcpy(&e, image.data() + sizeof(h) + i * sizeof(e), sizeof(e));
    if (e.id != static_cast<uint32_t>(match_format::SectionId::kV4Table)) continue;
    for (uint64_t k = 0; k < e.count && k < 4096; ++k) {
      match_format::V4Slot slot;
      std::memcpy(&slot, image.data() + e.offset + k * sizeof(slot), sizeof(slot));
      if (slot.group_plus_one != 0) values.push_back(Dotted(slot.key));
    }
    break;
  }
  for (uint32_t g = 0; g < snap->indicator_count() && g < 4096; ++g) {
    if (snap->IndicatorTypeAt(g) == IndicatorType::kIpv4) {
      values.emplace_back(snap->IndicatorValueAt(g));
    }
  }
  for (size_t at = 64; at + 4 <= size && values.size() < 8192; at += 61) {
    uint32_t v;
    std::memcpy(&v, data + at, 4);
    values.push_back(Dotted(v));
  }
  if (Answers(*snap, values, ObservedKind::kIp) != Answers(*plain, values, ObservedKind::kIp)) {
    std::fprintf(stderr, "the IPv4 filter changed an answer (filter present: %d)\n", had_filter);
    std::abort();
  }
  // The other indexes must be safe to query too.
  Answers(*snap,
          {"a.higan.org", "2001:db8:1::1", "stage.example", "44d88612fea8a8f36de82e1278abb02f",
           "boss@phish.example", "http://stage.example/payload/a.php?id=7"},
          ObservedKind::kAny);
  return 0;
}
