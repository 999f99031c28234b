// Shared by the reader fuzz targets: an IngestSink that checks what every reader promises
// (records name where they came from, rejections carry a reason and a bounded text, values are
// never empty) and aborts when a promise is broken, so libFuzzer reports it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cotenant/observation.h"
#include "cotenant/reader.h"
#include "readers/readers.h"

namespace cotenant::fuzzing {

class CheckingSink : public IngestSink {
 public:
  void OnSource(const Source& s) override {
    if (s.name.empty()) std::abort();
  }
  void OnObservation(Observation&& o) override {
    if (o.indicator.value.empty() || o.location.file.empty()) std::abort();
    if (o.first_seen && o.last_seen && *o.last_seen < *o.first_seen) std::abort();
  }
  void OnRelationship(Relationship&& r) override {
    if (r.from.value.empty() || r.to.value.empty() || r.kind.empty()) std::abort();
    if (r.first_seen && r.last_seen && *r.last_seen < *r.first_seen) std::abort();
  }
  void OnActor(ActorRecord&& a) override {
    if (a.name.empty()) std::abort();
  }
  void OnRejection(Rejection&& r) override {
    if (r.reason.empty() || r.location.file.empty() || r.text.size() > 200) std::abort();
  }
};

// Runs one reader over the fuzzer's bytes.
inline int FuzzReader(Format format, const uint8_t* data, size_t size) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  CheckingSink sink;
  ReadOptions options;
  Status status = readers::ReadBuffer(format, content, "fuzz-input", options, sink);
  (void)status;
  return 0;
}

}  // namespace cotenant::fuzzing
