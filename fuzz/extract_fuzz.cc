// Fuzz target for ExtractIndicators. Properties: no crash or sanitizer report on any input;
// every hit lies inside the input (offset + length <= size, length > 0) and hits come in
// input order; every hit has a non-empty canonical value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cotenant/extract.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckOne(std::string_view text, bool telegram) {
  cotenant::ExtractOptions options;
  options.telegram_context = telegram;
  size_t previous = 0;
  for (const cotenant::ExtractedIndicator& hit : cotenant::ExtractIndicators(text, options)) {
    Check(hit.length > 0);
    Check(hit.offset <= text.size() && hit.length <= text.size() - hit.offset);
    Check(hit.offset >= previous);
    previous = hit.offset;
    Check(!hit.indicator.value.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckOne(text, false);
  CheckOne(text, true);
  return 0;
}
