// libFuzzer target: the STIX patterning-language parser and the term extraction.
// Any input must either parse or return an error; the rendering of a parsed pattern must be
// deterministic; ParsePatternTerms (the one-pass reading of the common shape) must give what
// ParsePattern + ExtractPatternTerms give, error message included; ParsePatternIndicators (with
// its one-pass path for that shape, into a reused extraction) what ExtractPatternIndicators gives.
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

std::string Render(const cotenant::PatternExtraction& x) {
  std::string out;
  for (const auto& i : x.indicators) {
    out += std::to_string(static_cast<int>(i.indicator.type)) + " " + i.indicator.value + " " +
           i.indicator.display + (i.exact ? " = " : " ~ ") + i.path + " " + i.original + " " +
           std::to_string(i.offset) + " " + i.start + " " + i.stop + " " + i.note + ";";
  }
  for (const auto& l : x.links) out += l.from.value + " " + l.kind + " " + l.to.value + ";";
  for (const auto& i : x.issues) {
    out += i.reason + " " + i.text + " " + std::to_string(i.offset) + ";";
  }
  return out;
}

// Reused across inputs, as the STIX reader reuses it across indicators.
cotenant::PatternExtraction reused;

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
  std::string expected = Render(cotenant::ExtractPatternIndicators(*pattern));
  auto indicators = cotenant::ParsePatternIndicators(text);
  if (!indicators.ok() || Render(*indicators) != expected) std::abort();
  if (!cotenant::ParsePatternIndicators(text, reused).ok() || Render(reused) != expected) {
    std::abort();
  }
  std::string rendered = pattern->ToString();
  cotenant::PatternTerms terms = cotenant::ExtractPatternTerms(*pattern);
  for (const auto& t : terms.terms) {
    if (t.path.object_type.empty()) std::abort();
  }
  if (cotenant::ParsePattern(text)->ToString() != rendered) std::abort();
  return 0;
}
