// libFuzzer target: the STIX patterning-language parser and the term extraction.
// Any input must either parse or return an error; the rendering of a parsed pattern must be
// deterministic.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cotenant/stix_pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pattern = cotenant::ParsePattern(text);
  if (!pattern.ok()) return 0;
  std::string rendered = pattern->ToString();
  cotenant::PatternTerms terms = cotenant::ExtractPatternTerms(*pattern);
  for (const auto& t : terms.terms) {
    if (t.path.object_type.empty()) std::abort();
  }
  if (cotenant::ParsePattern(text)->ToString() != rendered) std::abort();
  return 0;
}
