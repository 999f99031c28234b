// libFuzzer target: the STIX bundle reader on arbitrary bytes. Any input must be read or
// refused with a Status; every record the reader delivers must name where it came from; and
// what it delivers must not depend on how the stream cuts the input into reads (the reader
// streams the objects array twice and reads some objects again at their offset).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "readers/stix.h"

namespace {

class CheckingSink : public cotenant::IngestSink {
 public:
  void OnSource(const cotenant::Source& s) override {
    if (s.name.empty()) std::abort();
    log += "S " + s.name + "\n";
  }
  void OnObservation(cotenant::Observation&& o) override {
    if (o.indicator.value.empty() || o.location.json_path.empty()) std::abort();
    log += "O " + o.indicator.value + " " + o.actor + " " + o.location.json_path + " " +
           std::to_string(static_cast<int>(o.tlp)) + " " + o.description + "\n";
  }
  void OnRelationship(cotenant::Relationship&& r) override {
    if (r.from.value.empty() || r.to.value.empty() || r.kind.empty()) std::abort();
    log += "R " + r.from.value + " " + r.kind + " " + r.to.value + "\n";
  }
  void OnActor(cotenant::ActorRecord&& a) override {
    if (a.name.empty()) std::abort();
    log += "A " + a.name + "\n";
  }
  void OnRejection(cotenant::Rejection&& r) override {
    if (r.reason.empty() || r.location.json_path.empty() || r.text.size() > 210) std::abort();
    log += "X " + r.location.json_path + " " + r.reason + "\n";
  }
  std::string log;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  CheckingSink sink;
  cotenant::Status status =
      cotenant::ReadStixText(json, "fuzz.json", cotenant::ReadOptions{}, sink);
  // The same input in reads of a few bytes.
  CheckingSink small;
  cotenant::StixReadTuning tuning;
  tuning.read_chunk_bytes = 1 + size % 13;
  cotenant::Status small_status =
      cotenant::ReadStixText(json, "fuzz.json", cotenant::ReadOptions{}, small, tuning);
  if (status.ok() != small_status.ok() || small.log != sink.log) std::abort();
  (void)cotenant::LooksLikeStix(json.substr(0, 4096));
  return 0;
}
