// Fuzz target: the alias overrides parser and the registry built from its result. Any input
// either parses (and then builds and resolves without crashing) or is rejected with a message
// naming a line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/alias_registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = cotenant::store::AliasOverrides::Parse(text, "fuzz");
  if (!parsed.ok()) {
    if (parsed.status().message().find("fuzz:") != 0) __builtin_trap();
    return 0;
  }
  std::vector<cotenant::store::NamingRecord> records(2);
  records[0].id = 1;
  records[0].source = "a";
  records[0].name = "APT28";
  records[0].aliases = {"Fancy Bear", "Grizzly Steppe"};
  records[1].id = 2;
  records[1].source = "a";
  records[1].name = "APT29";
  records[1].aliases = {"Grizzly Steppe"};
  records[1].part_of = {"APT28"};
  auto reg = cotenant::store::AliasRegistry::Build(records, *parsed);
  for (const auto& a : parsed->aliases) {
    auto r = reg.Resolve(a.name);
    if (r.key.empty()) __builtin_trap();
  }
  for (const auto& s : parsed->splits) (void)reg.Resolve(s.name);
  (void)reg.Resolve(text.substr(0, 64));
  return 0;
}
