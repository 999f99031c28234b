// libFuzzer target: the STIX bundle reader on arbitrary bytes. Any input must be read or
// refused with a Status; every record the reader delivers must name where it came from.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "readers/stix.h"

namespace {

class CheckingSink : public cotenant::IngestSink {
 public:
  void OnSource(const cotenant::Source& s) override {
    if (s.name.empty()) std::abort();
  }
  void OnObservation(cotenant::Observation&& o) override {
    if (o.indicator.value.empty() || o.location.json_path.empty()) std::abort();
  }
  void OnRelationship(cotenant::Relationship&& r) override {
    if (r.from.value.empty() || r.to.value.empty() || r.kind.empty()) std::abort();
  }
  void OnActor(cotenant::ActorRecord&& a) override {
    if (a.name.empty()) std::abort();
  }
  void OnRejection(cotenant::Rejection&& r) override {
    if (r.reason.empty() || r.location.json_path.empty() || r.text.size() > 210) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  CheckingSink sink;
  cotenant::Status status =
      cotenant::ReadStixText(json, "fuzz.json", cotenant::ReadOptions{}, sink);
  (void)status;
  (void)cotenant::LooksLikeStix(json.substr(0, 4096));
  return 0;
}
