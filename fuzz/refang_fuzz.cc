// Fuzzes Refang and LooksDefanged. Properties: no crash or sanitizer report; the result is
// never longer than the input (refanging only removes or shortens markers, "hxxp" -> "http"
// keeps the length); input without any marker or wrapping comes back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cotenant/refang.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cotenant;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string out = Refang(text);
  if (out.size() > text.size()) std::abort();
  bool defanged = LooksDefanged(text);
  if (!defanged && out.size() == text.size() && out != text) std::abort();
  return 0;
}
