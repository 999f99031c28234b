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

// The MISP tag of a level: "tlp:clear", "tlp:green", "tlp:amber", "tlp:amber+strict",
// "tlp:red"; empty for kUnmarked.
std::string_view MispTlpTag(Tlp tlp);

// ---- sharing policy (the server, reports and exports) ---------------------------------------
// An unmarked object is handled at `unmarked_as`, a deployment setting (the server and the CLI
// default to amber, so that nothing unmarked leaves the organisation by accident).
inline Tlp HandlingTlp(Tlp marking, Tlp unmarked_as) {
  return marking == Tlp::kUnmarked ? unmarked_as : marking;
}
// True when a reader cleared up to `clearance` may see an object marked `marking`. A clearance
// of kUnmarked sees nothing (a clearance is always a level).
inline bool ClearedFor(Tlp clearance, Tlp marking, Tlp unmarked_as) {
  Tlp level = HandlingTlp(marking, unmarked_as);
  return clearance != Tlp::kUnmarked && level != Tlp::kUnmarked && level <= clearance;
}

}  // namespace cotenant
