// The STIX 2.0 / 2.1 reader (private to src/readers; reached through ReadPath).
//
// Reads a bundle, a TAXII envelope ({"objects": [...]}), a JSON array of objects, or a single
// object. The objects array is streamed (readers/json_stream.h), twice, so memory does not grow
// with the text of the objects:
//   pass 1 reads each object once. "Carriers" (indicators, SCOs and observed-data, the objects
//     a bundle has millions of) keep a 32-byte entry (id hash, byte offset and length, index,
//     marking, kept flag), 16 bytes in an index sorted by id hash, and 16 bytes per object_refs
//     member of an observed-data; a carrier's header (type, id, object_marking_refs,
//     object_refs) is read without a parse when it has no escapes. Every other object
//     (relationships, actors, campaigns, malware, infrastructure, reports, identities, markings,
//     sightings...: the graph, few in real bundles) keeps its text; they are parsed together as
//     one array at the end of the pass. Then duplicate ids (with different content the newest
//     `modified` is kept, the other reported), identities, markings and the relationship graph.
//   pass 2 reads the kept carriers again in runs of consecutive elements (at most 128 KiB,
//     parsed as one array) and emits records in document order. A carrier another object
//     refers to (an observed-data's object_refs, a sighting's indicator, a resolves-to address)
//     is read again at its offset while that object is emitted.
// The reader holds the graph objects' text and parse, 48 bytes per carrier, the stream's read
// buffer (1 MiB, or the largest object: at most 64 MiB, a larger object is reported and
// skipped), one run and its parse, and the objects one object refers to. A document that is
// one object is read whole. A carrier is found by the 64-bit hash of its id for its markings
// (another id with the same hash would be taken for it); records are built from objects whose
// id was compared.
//
// Each value of an indicator's pattern, of an observed-data object (STIX 2.0 `objects`, 2.1
// `object_refs`), of a top-level 2.1 SCO, and of a MISP x-misp-attribute carrying a JA3/JARM
// fingerprint becomes one Observation per actor it is attributed to (or one without an actor).
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
// the file cannot be read or parsed as JSON, or is not STIX at all. Since the document is
// streamed, such an error may come after records were delivered: a truncated bundle or an
// object that is not JSON stops the read there, with the records of the objects before it
// (rejections of pass 1, or records of pass 2) delivered. The ingest transaction rolls them
// back unless the caller keeps partial input (`cotenant ingest --partial`).
#pragma once

#include <cstddef>
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

// What one read held, for tests that prove memory stays flat.
struct StixReadStats {
  size_t peak_buffer_bytes = 0;    // largest stream read buffer
  size_t carriers = 0;             // objects kept as an entry
  size_t graph_objects = 0;        // objects whose text was kept
  size_t graph_text_bytes = 0;     // that text
  size_t peak_loaded_objects = 0;  // carriers read again at once for one object
};

// Knobs for tests and benchmarks.
struct StixReadTuning {
  size_t read_chunk_bytes = size_t{1} << 20;  // bytes per read of the stream
  StixReadStats* stats = nullptr;             // filled in when set
};

Status ReadStix(const std::string& path, const ReadOptions& options, IngestSink& sink,
                const StixReadTuning& tuning);
Status ReadStixText(std::string_view json, const std::string& name, const ReadOptions& options,
                    IngestSink& sink, const StixReadTuning& tuning);

// True when the first bytes of a file look like STIX JSON: a bundle ("type": "bundle"),
// an object with "spec_version": "2.x", or objects with STIX ids ("indicator--<uuid>").
bool LooksLikeStix(std::string_view head);

}  // namespace cotenant
