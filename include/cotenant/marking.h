// Tlp: the one Traffic Light Protocol lattice every marking maps onto.
//
// CLEAR < GREEN < AMBER < AMBER+STRICT < RED. TLP 1.0 WHITE is CLEAR. STIX TLP 1.0 and TLP 2.0
// marking-definition ids and MISP "tlp:*" tags all map here; anything derived from several
// inputs takes the most restrictive (MostRestrictive). kUnmarked means the source gave no
// marking; how it is shown to readers is a policy of the sharing layer, never guessed here.
#pragma once

#include <optional>
#include <string_view>

namespace cotenant {

enum class Tlp { kUnmarked = -1, kClear = 0, kGreen = 1, kAmber = 2, kAmberStrict = 3, kRed = 4 };

std::string_view TlpName(Tlp tlp);  // "unmarked", "clear", "green", "amber", "amber+strict", "red"
// Accepts "clear", "white", "green", "amber", "amber+strict", "red", any case, with or without
// a "tlp:" prefix, and "unmarked" (TlpName's own output).
std::optional<Tlp> TlpFromName(std::string_view name);
// A STIX marking-definition id (TLP 1.0, TLP 2.0, or OpenCTI's AMBER+STRICT id) to its level;
// nullopt if not a TLP id.
std::optional<Tlp> TlpFromStixMarkingId(std::string_view id);
// The TLP 2.0 marking-definition id for a level (kUnmarked has none: returns empty).
std::string_view StixTlp2MarkingId(Tlp tlp);

inline Tlp MostRestrictive(Tlp a, Tlp b) { return a > b ? a : b; }

}  // namespace cotenant
