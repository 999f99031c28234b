// The records readers produce and the store keeps: observations, relationships, actor naming
// data and rejections, with their provenance.
//
// An Observation is "source S says actor A used value V in role R during [t0, t1]", plus where
// it was read. Readers fill these and hand them to an IngestSink; they never resolve actor
// names (the store's alias registry does that, so that changing overrides re-resolves).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/indicator.h"
#include "cotenant/marking.h"
#include "cotenant/timestamp.h"

namespace cotenant {

enum class Role {
  kUnknown,
  kC2,
  kPayloadHost,  // payload host / stager / download server
  kPhishing,     // phishing or lure domain / sender
  kExfiltration,
  kDeadDrop,  // "C2 published via dead drop": Telegram/Telegraph/paste page
  kScanner,
  kProxy,        // proxy / VPN exit / relay
  kSample,       // a file hash: the actor's malware sample
  kCompromised,  // a compromised legitimate host used as infrastructure
};
std::string_view RoleName(Role role);  // "unknown", "c2", "payload-host", "phishing", ...
std::optional<Role> RoleFromName(std::string_view name);
// Best-effort role from free text a source wrote ("C&C server", "Telegram account", "stager").
Role GuessRole(std::string_view description);

// Where a record came from: file plus line (1-based) or JSON path ("$.objects[12].pattern").
struct Location {
  std::string file;
  int64_t line = 0;              // 0 when not line-based
  std::string json_path;         // empty when not JSON
  std::string ToString() const;  // "file:17" or "file:$.objects[12]"
};

// A feed or report. `name` is the stable key ("maltrail", "eset-malware-ioc", a STIX identity).
struct Source {
  std::string name;
  std::string url;
  char reliability = 'F';  // Admiralty A-F; F = cannot be judged
};

struct Observation {
  Indicator indicator;
  std::string actor;  // the name as the source wrote it; empty = no actor
  Role role = Role::kUnknown;
  std::string source;                   // Source::name
  std::vector<std::string> references;  // report URLs the source cites
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  int confidence = -1;  // STIX 0-100; -1 = not given
  Tlp tlp = Tlp::kUnmarked;
  std::string original_text;  // the text as read, before refanging
  std::string description;    // what the source says about it (comment, column)
  // Identifiers of what this attribution rests on (a sample hash, a report id); used to tell
  // conflicting attribution from shared infrastructure.
  std::vector<std::string> basis;
  bool exact = true;  // false for STIX LIKE/MATCHES and lossy conversions
  Location location;
};

// A time-bounded link between two values: "resolves-to", "communicates-with", "publishes"
// (a Telegram channel posting an address), "hosts", "downloads".
struct Relationship {
  Indicator from;
  std::string kind;
  Indicator to;
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  int64_t count = 0;  // pDNS count when known
  std::string source;
  Tlp tlp = Tlp::kUnmarked;
  Location location;
};

// Naming data: one group as one naming source describes it.
struct ActorRecord {
  std::string name;                  // the source's preferred name
  std::vector<std::string> aliases;  // synonyms it lists
  std::string external_id;           // "G0047", a galaxy uuid, a STIX id
  std::string source;                // "misp-galaxy:threat-actor", "mitre-attack", ...
  std::string country;
  std::string description;
  // Groups this one is part of (umbrella) by their names as the source gives them.
  std::vector<std::string> part_of;
  std::vector<std::string> references;
  std::optional<Timestamp> dated;  // when the source said so (file or object date)
};

// A record that could not be read. Nothing valid around it is lost.
struct Rejection {
  Location location;
  std::string reason;
  std::string text;  // the offending text, truncated to 200 bytes
};

// Receives what a reader produces, in file order. Called from the reader's thread only.
class IngestSink {
 public:
  virtual ~IngestSink() = default;
  virtual void OnSource(const Source& source) = 0;
  virtual void OnObservation(Observation&& observation) = 0;
  virtual void OnRelationship(Relationship&& relationship) = 0;
  virtual void OnActor(ActorRecord&& actor) = 0;
  virtual void OnRejection(Rejection&& rejection) = 0;
};

}  // namespace cotenant
