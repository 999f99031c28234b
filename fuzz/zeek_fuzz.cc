// Fuzz target: Zeek logs (TSV with arbitrary headers, and Zeek JSON) through the matcher.
#include <cstddef>
#include <cstdint>

#include "match_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first byte picks the reader, so one corpus covers TSV and JSON.
  if (size == 0) return 0;
  auto format = data[0] % 2 == 0 ? cotenant::LogFormat::kZeekTsv : cotenant::LogFormat::kZeekJson;
  cotenant::fuzz::FuzzLogs(data + 1, size - 1, format);
  return 0;
}
