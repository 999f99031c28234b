// Fuzz target: one MISP warninglist document (list.json) loaded into Warninglists, then matched
// against a few values of every kind. Any input is loaded or refused with a message naming its
// origin; entries a list type cannot hold become warnings, never crashes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cotenant/enrichment.h"
#include "cotenant/ip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  cotenant::Warninglists lists;
  cotenant::Status s = lists.LoadMispList(json, "fuzz/list.json");
  if (!s.ok()) {
    if (s.message().find("fuzz/list.json") == std::string::npos) __builtin_trap();
    return 0;
  }
  if (lists.lists().size() != 1) __builtin_trap();
  for (const std::string& w : lists.warnings()) {
    if (w.find("fuzz/list.json") == std::string::npos) __builtin_trap();
  }
  for (std::string_view ip : {"192.0.2.1", "8.8.8.8", "2001:db8::1", "::ffff:1.2.3.4"}) {
    auto parsed = cotenant::IpAddress::Parse(ip);
    if (!parsed.ok()) __builtin_trap();
    for (const cotenant::ListHit& hit : lists.MatchIp(*parsed)) {
      if (hit.list >= lists.lists().size()) __builtin_trap();
    }
  }
  (void)lists.Match(cotenant::IndicatorType::kDomain, "a.b.example.com");
  (void)lists.Match(cotenant::IndicatorType::kCidr, "192.0.2.0/24");
  (void)lists.Match(cotenant::IndicatorType::kUrl, "http://a.example.com/x");
  (void)lists.MatchText(json.substr(0, 64));
  return 0;
}
