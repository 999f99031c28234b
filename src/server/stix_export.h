// STIX 2.1 objects for a SharedView: the identity of cotenant, the TLP 2.0 marking
// definitions in use, one intrusion-set per visible actor, one indicator (with a STIX pattern)
// per visible value, "indicates" relationships from indicators to intrusion sets, one sighting
// per visible observation, and (findings.h) the relationships between intrusion sets that the
// analysis found. Ids are name-based UUIDs (v5) so that repeated exports and TAXII polls give
// the same ids; every object carries the TLP 2.0 marking of what it was derived from.
#pragma once

#include <string>
#include <vector>

#include "cotenant/indicator.h"
#include "cotenant/marking.h"
#include "cotenant/sharing.h"
#include "cotenant/timestamp.h"

namespace cotenant::server {

struct StixObject {
  std::string id;
  std::string type;
  std::string modified;  // STIX timestamp, the TAXII "version"; empty for marking definitions
  Timestamp added = Timestamp::FromUnixSeconds(0);  // TAXII date_added
  Tlp tlp = Tlp::kClear;
  std::string json;  // the serialized object
};

// "2025-03-03T00:00:00.000Z": STIX wants millisecond precision on created/modified.
std::string StixTime(Timestamp t);
// Parses a STIX/TAXII timestamp ("2025-03-03T00:00:00.123Z", fractions of any length).
Result<Timestamp> ParseStixTime(std::string_view text);
// A STIX id "type--uuid" for a name-based key.
std::string StixId(std::string_view type, std::string_view key);
// The STIX pattern for a value; every IndicatorType has one.
std::string StixPattern(const Indicator& indicator);
std::string IntrusionSetId(const SharedActor& actor);
std::string IndicatorId(const Indicator& indicator);
// The id of cotenant's own identity (created_by_ref of every object it writes).
std::string CotenantIdentityId();

// Objects for the view, sorted by (added, id). Findings are appended by AppendFindingObjects.
std::vector<StixObject> BuildStixObjects(const SharedView& view);
// Serializes a STIX 2.1 bundle of `objects`.
std::string StixBundle(const std::vector<StixObject>& objects);
// Adds the marking-definition objects the objects refer to (idempotent), keeping the order.
void AddMarkingDefinitions(std::vector<StixObject>& objects);

}  // namespace cotenant::server
