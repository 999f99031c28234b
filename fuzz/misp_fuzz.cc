// libFuzzer target: the misp reader (Format::kMisp) on arbitrary bytes. Any input must be
// read or refused with a Status; every record must keep the promises CheckingSink checks; and
// the flat fast path (readers/misp.cc) must deliver exactly what the general path delivers.
#include <string>

#include "reader_fuzz_sink.h"

namespace {

// Every field of every record, in arrival order.
class TranscriptSink : public cotenant::fuzzing::CheckingSink {
 public:
  void OnSource(const cotenant::Source& s) override {
    out += "S" + s.name + "\n";
    CheckingSink::OnSource(s);
  }
  void OnObservation(cotenant::Observation&& o) override {
    out += "O" + std::to_string(static_cast<int>(o.indicator.type)) + "|" + o.indicator.value +
           "|" + o.indicator.display + "|" + o.actor + "|" +
           std::to_string(static_cast<int>(o.role)) + "|" + o.source + "|" + Time(o.first_seen) +
           "|" + Time(o.last_seen) + "|" + std::to_string(static_cast<int>(o.tlp)) + "|" +
           o.original_text + "|" + o.description + "|" + o.location.json_path + "|" +
           std::to_string(o.references.size()) + "|" + std::to_string(o.basis.size()) + "\n";
    CheckingSink::OnObservation(std::move(o));
  }
  void OnRelationship(cotenant::Relationship&& r) override {
    out += "R" + r.from.value + "|" + r.kind + "|" + r.to.value + "|" + Time(r.first_seen) + "|" +
           Time(r.last_seen) + "|" + std::to_string(static_cast<int>(r.tlp)) + "|" +
           r.location.json_path + "\n";
    CheckingSink::OnRelationship(std::move(r));
  }
  void OnRejection(cotenant::Rejection&& r) override {
    out += "X" + r.location.json_path + "|" + r.reason + "|" + r.text + "\n";
    CheckingSink::OnRejection(std::move(r));
  }
  std::string out;

 private:
  static std::string Time(const std::optional<cotenant::Timestamp>& t) {
    return t ? std::to_string(t->unix_seconds()) : "-";
  }
};

std::string Transcript(std::string_view content, bool flat_path) {
  cotenant::readers::SetMispFlatPathForTesting(flat_path);
  TranscriptSink sink;
  cotenant::Status status =
      cotenant::readers::ReadMispJson(content, "fuzz-input", cotenant::ReadOptions(), sink);
  cotenant::readers::SetMispFlatPathForTesting(true);
  return sink.out + status.ToString();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  if (Transcript(content, true) != Transcript(content, false)) std::abort();
  return 0;
}
