// The STIX 2.0 / 2.1 reader (private to src/readers; reached through ReadPath).
//
// Reads a bundle, a TAXII envelope ({"objects": [...]}), a JSON array of objects, or a single
// object. Two passes over the parsed document: the first indexes objects by id (duplicate ids
// with different content: the newest `modified` is kept, the other reported), identities,
// markings and the relationship graph; the second emits records. Each value of an indicator's
// pattern, of an observed-data object (STIX 2.0 `objects`, 2.1 `object_refs`), of a top-level
// 2.1 SCO, and of a MISP x-misp-attribute carrying a JA3/JARM fingerprint becomes one
// Observation per actor it is attributed to (or one without an actor).
//
// Attribution follows relationships from intrusion-sets and threat-actors: attributed-to,
// authored-by and indicates point at what a thing belongs to; uses, communicates-with,
// consists-of, beacons-to, exfiltrates-to, downloads, drops and based-on hand the actor down to
// their target; infrastructure that controls, hosts or delivers malware takes the malware's
// actors; a sighting hands its sighting_of_ref's actors to its observed data. A report or
// grouping that lists an actor attributes its other members (and what hangs off them) to that
// actor when the graph gives them none. The actor name is written as the source wrote it.
//
// Markings: an observation takes the most restrictive TLP of the object's object_marking_refs,
// the granular markings whose selectors cover the value's field (e.g. "pattern",
// "objects.0.value", "hashes"), and every object and relationship on its attribution path;
// an object without markings of its own takes those of the reports listing it (MISP-STIX puts
// the event's TLP on the report only). TLP 1.0 and 2.0 ids, `definition_type: tlp` and the TLP
// 2.0 extension are recognized. Anything unmarked takes ReadOptions::tlp.
//
// A broken object is reported through IngestSink::OnRejection with its JSON path
// ("$.objects[12].pattern") and the reader goes on; the returned Status is an error only when
// the file cannot be read or parsed as JSON, or is not STIX at all.
#pragma once

#include <string>
#include <string_view>

#include "cotenant/reader.h"
#include "cotenant/status.h"

namespace cotenant {

// Reads the STIX file at `path`. Location::file of every record is `path`.
Status ReadStix(const std::string& path, const ReadOptions& options, IngestSink& sink);

// Reads STIX JSON held in memory; `name` stands for the file in locations and the derived
// source name.
Status ReadStixText(std::string_view json, const std::string& name, const ReadOptions& options,
                    IngestSink& sink);

// True when the first bytes of a file look like STIX JSON: a bundle ("type": "bundle"),
// an object with "spec_version": "2.x", or objects with STIX ids ("indicator--<uuid>").
bool LooksLikeStix(std::string_view head);

}  // namespace cotenant
