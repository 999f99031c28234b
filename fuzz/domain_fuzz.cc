// Fuzz target for DomainName::Parse. Properties: no crash or sanitizer report on any input;
// an accepted name is canonical (ToString() parses back to the same value, ascii() is
// lower-case ASCII within the length limits); the display form parses back to the same name
// when it differs from ascii(); PSL lookups never return a suffix that is not a suffix.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cotenant/domain.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = cotenant::DomainName::Parse(text);
  if (!parsed.ok()) {
    Check(!parsed.status().message().empty());
    return 0;
  }
  const cotenant::DomainName& d = *parsed;
  Check(!d.ascii().empty() && d.ascii().size() <= 253);
  for (char c : d.ascii()) {
    Check(static_cast<unsigned char>(c) < 0x80 && !(c >= 'A' && c <= 'Z'));
  }
  auto again = cotenant::DomainName::Parse(d.ToString());
  Check(again.ok() && *again == d && again->unicode() == d.unicode());
  if (d.unicode() != d.ascii()) {
    auto from_display = cotenant::DomainName::Parse(d.unicode());
    Check(from_display.ok() && from_display->ascii() == d.ascii());
  }
  Check(d.IsSubdomainOf(d));
  std::string suffix = d.PublicSuffix();
  std::string registrable = d.RegistrableDomain();
  if (!suffix.empty()) {
    Check(d.ascii().size() >= suffix.size() &&
          d.ascii().compare(d.ascii().size() - suffix.size(), suffix.size(), suffix) == 0);
  }
  if (!registrable.empty()) {
    auto parent = cotenant::DomainName::Parse(registrable);
    Check(parent.ok() && d.IsSubdomainOf(*parent));
  }
  return 0;
}
