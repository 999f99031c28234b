#include "cotenant/marking.h"

#include <string>

namespace cotenant {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

struct StixTlpId {
  std::string_view id;
  Tlp tlp;
};

// FIRST TLP 1.0 ids from the STIX 2.x specification, the TLP 2.0 ids of the OASIS extension
// extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d, and OpenCTI's own AMBER+STRICT
// id (OpenCTI exports that one instead of the TLP 2.0 extension's).
constexpr StixTlpId kStixTlpIds[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::kClear},  // 1.0 WHITE
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::kGreen},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::kAmber},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::kRed},
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp::kClear},  // 2.0
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp::kGreen},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp::kAmber},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp::kAmberStrict},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp::kRed},
    {"marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", Tlp::kAmberStrict},  // OpenCTI
};

}  // namespace

std::string_view TlpName(Tlp tlp) {
  switch (tlp) {
    case Tlp::kUnmarked:
      return "unmarked";
    case Tlp::kClear:
      return "clear";
    case Tlp::kGreen:
      return "green";
    case Tlp::kAmber:
      return "amber";
    case Tlp::kAmberStrict:
      return "amber+strict";
    case Tlp::kRed:
      return "red";
  }
  return "unmarked";
}

std::string_view MispTlpTag(Tlp tlp) {
  switch (tlp) {
    case Tlp::kUnmarked:
      return "";
    case Tlp::kClear:
      return "tlp:clear";
    case Tlp::kGreen:
      return "tlp:green";
    case Tlp::kAmber:
      return "tlp:amber";
    case Tlp::kAmberStrict:
      return "tlp:amber+strict";
    case Tlp::kRed:
      return "tlp:red";
  }
  return "";
}

std::optional<Tlp> TlpFromName(std::string_view name) {
  std::string n = Lower(Trim(name));
  if (n == "unmarked") return Tlp::kUnmarked;  // TlpName's own output, for round trips
  std::string_view level = n;
  if (level.substr(0, 4) == "tlp:") level = Trim(level.substr(4));
  if (level == "clear" || level == "white") return Tlp::kClear;
  if (level == "green") return Tlp::kGreen;
  if (level == "amber") return Tlp::kAmber;
  if (level == "amber+strict") return Tlp::kAmberStrict;
  if (level == "red") return Tlp::kRed;
  return std::nullopt;
}

std::optional<Tlp> TlpFromStixMarkingId(std::string_view id) {
  std::string lower = Lower(id);  // UUIDs compare case-insensitively (RFC 4122)
  for (const StixTlpId& entry : kStixTlpIds) {
    if (entry.id == lower) return entry.tlp;
  }
  return std::nullopt;
}

std::string_view StixTlp2MarkingId(Tlp tlp) {
  switch (tlp) {
    case Tlp::kUnmarked:
      return "";
    case Tlp::kClear:
      return kStixTlpIds[4].id;
    case Tlp::kGreen:
      return kStixTlpIds[5].id;
    case Tlp::kAmber:
      return kStixTlpIds[6].id;
    case Tlp::kAmberStrict:
      return kStixTlpIds[7].id;
    case Tlp::kRed:
      return kStixTlpIds[8].id;
  }
  return "";
}

}  // namespace cotenant
