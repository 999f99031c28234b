// libFuzzer target: the telegram export reader (Format::kTelegram) on arbitrary bytes. Any input
// must be read or refused with a Status; every record must keep the promises CheckingSink checks.
#include "reader_fuzz_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return cotenant::fuzzing::FuzzReader(cotenant::Format::kTelegram, data, size);
}
