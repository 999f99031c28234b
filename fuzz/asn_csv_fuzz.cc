// Fuzz target: an IP-to-ASN CSV table ("start,end,asn,organization", IPv4 or IPv6 ranges) read
// by AsnDatabase::AddCsv, then looked up. Any input is loaded or refused with a message naming
// its origin; a loaded table answers lookups with one of its own rows.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cotenant/enrichment.h"
#include "cotenant/ip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  cotenant::AsnDatabase db;
  cotenant::Status s = db.AddCsv(text, "fuzz/asn.csv");
  if (!s.ok()) {
    if (s.message().find("fuzz/asn.csv") == std::string::npos) __builtin_trap();
    return 0;
  }
  for (std::string_view ip : {"0.0.0.0", "192.0.2.1", "255.255.255.255", "2001:db8::1", "::"}) {
    auto parsed = cotenant::IpAddress::Parse(ip);
    if (!parsed.ok()) __builtin_trap();
    (void)db.Lookup(*parsed);
  }
  if (db.range_count() == 0 && db.Lookup(*cotenant::IpAddress::Parse("192.0.2.1"))) {
    __builtin_trap();
  }
  return 0;
}
