// Export: indicators and findings of a SharedView (sharing.h) as a STIX 2.1 bundle, a MISP
// event or CSV, every item with its TLP marking. Because the view holds only what the reader
// is cleared for, so does every export. Zeek intel and Suricata dataset exports are the
// matcher's (match_snapshot.h).
//
// STIX: identity, TLP 2.0 marking definitions, intrusion sets, indicators with patterns,
// "indicates" relationships, sightings, and "related-to" relationships between intrusion sets
// with the analysis' confidence (0-100) and its wording as description.
// MISP: one event; attributes with tlp tags (the event's tag is the most restrictive), the
// actors as threat-actor galaxy clusters whose `related` entries carry the findings.
// CSV: one row per indicator ("indicator") and per finding ("finding"), header first.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cotenant/sharing.h"

namespace cotenant {

enum class ExportFormat { kStix, kMisp, kCsv };
std::optional<ExportFormat> ExportFormatFromName(std::string_view name);  // "stix", "misp", "csv"

struct ExportOptions {
  bool indicators = true;
  bool findings = true;
};

std::string ExportDocument(ExportFormat format, const SharedView& view,
                           const ExportOptions& options = {});

}  // namespace cotenant
