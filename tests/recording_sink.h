// RecordingSink: an IngestSink for tests that keeps every record and prints them as stable
// text, one record per line, for golden files of the readers.
#pragma once

#include <string>
#include <vector>

#include "cotenant/observation.h"

namespace cotenant::testing {

class RecordingSink : public IngestSink {
 public:
  void OnSource(const Source& source) override { sources.push_back(source); }
  void OnObservation(Observation&& o) override { observations.push_back(std::move(o)); }
  void OnRelationship(Relationship&& r) override { relationships.push_back(std::move(r)); }
  void OnActor(ActorRecord&& a) override { actors.push_back(std::move(a)); }
  void OnRejection(Rejection&& r) override { rejections.push_back(std::move(r)); }

  // One line per record, grouped by kind (file order within a kind), prefixed "source", "obs",
  // "rel", "actor", "reject". Fields are "key=value" separated by " | "; empty and default fields
  // are omitted.
  std::string Dump() const;

  std::vector<Source> sources;
  std::vector<Observation> observations;
  std::vector<Relationship> relationships;
  std::vector<ActorRecord> actors;
  std::vector<Rejection> rejections;
};

std::string DumpObservation(const Observation& o);
std::string DumpRelationship(const Relationship& r);
std::string DumpActor(const ActorRecord& a);
std::string DumpRejection(const Rejection& r);

}  // namespace cotenant::testing
