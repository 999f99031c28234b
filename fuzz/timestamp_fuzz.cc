// Fuzzes Timestamp::Parse. Properties: no crash or sanitizer report; accepted values lie in
// 1970..9999 and their canonical text parses back to the same instant.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cotenant/timestamp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cotenant;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = Timestamp::Parse(text);
  if (!t.ok()) {
    if (t.status().message().empty()) std::abort();
    return 0;
  }
  if (t->unix_seconds() < 0 || t->unix_seconds() > 253402300799) std::abort();
  auto again = Timestamp::Parse(t->ToString());
  if (!again.ok() || *again != *t) std::abort();
  auto date = Timestamp::Parse(t->ToDateString());
  if (!date.ok() || *t < *date || t->unix_seconds() - date->unix_seconds() >= 86400) std::abort();
  return 0;
}
