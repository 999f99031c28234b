// libFuzzer target: the STIX patterning-language parser and the term extraction.
// Any input must either parse or return an error; the rendering of a parsed pattern must be
// deterministic; ParsePatternTerms (the one-pass reading of the common shape) must give what
// ParsePattern + ExtractPatternTerms give, error message included.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cotenant/stix_pattern.h"

namespace {

std::string Render(const cotenant::PatternTerms& terms) {
  std::string out;
  for (const auto& t : terms.terms) {
    out += t.path.ToString() + " " + std::string(cotenant::PatternOpName(t.op)) + " " +
           std::to_string(static_cast<int>(t.value.kind)) + t.value.ToString() +
           (t.exact ? " = " : " ~ ") + std::to_string(t.offset) + " " +
           std::to_string(t.observation) + " " + std::to_string(t.conjunction) + " " + t.start +
           " " + t.stop + ";";
  }
  for (const auto& i : terms.issues) {
    out += i.reason + " " + i.text + " " + std::to_string(i.offset) + ";";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pattern = cotenant::ParsePattern(text);
  auto fast = cotenant::ParsePatternTerms(text);
  if (fast.ok() != pattern.ok()) std::abort();
  if (!pattern.ok()) {
    if (fast.status().message() != pattern.status().message()) std::abort();
    return 0;
  }
  if (Render(*fast) != Render(cotenant::ExtractPatternTerms(*pattern))) std::abort();
  std::string rendered = pattern->ToString();
  cotenant::PatternTerms terms = cotenant::ExtractPatternTerms(*pattern);
  for (const auto& t : terms.terms) {
    if (t.path.object_type.empty()) std::abort();
  }
  if (cotenant::ParsePattern(text)->ToString() != rendered) std::abort();
  return 0;
}
