// Fuzz target for ClassifyIndicator. Properties: no crash or sanitizer report on any input; an
// accepted value's canonical text is a fixed point (ParseIndicatorAs of the value with the
// reported type gives the same indicator); display is never empty when value is not.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cotenant/indicator.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckOne(std::string_view text, bool telegram) {
  cotenant::ClassifyOptions options;
  options.telegram_context = telegram;
  auto result = cotenant::ClassifyIndicator(text, options);
  if (!result.ok()) {
    Check(!result.status().message().empty());
    return;
  }
  Check(!result->value.empty() && !result->display.empty());
  auto again = cotenant::ParseIndicatorAs(result->type, result->value);
  Check(again.ok() && *again == *result);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckOne(text, false);
  CheckOne(text, true);
  return 0;
}
