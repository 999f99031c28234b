// Fuzz target: Suricata eve.json lines (and JSON arrays, and plain lists) through the matcher.
#include <cstddef>
#include <cstdint>

#include "match_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto format = data[0] % 3 == 0   ? cotenant::LogFormat::kEve
                : data[0] % 3 == 1 ? cotenant::LogFormat::kAuto
                                   : cotenant::LogFormat::kPlain;
  cotenant::fuzz::FuzzLogs(data + 1, size - 1, format);
  return 0;
}
