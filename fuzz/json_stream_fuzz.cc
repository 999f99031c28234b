// libFuzzer target: the bounded-memory JSON streamer (src/readers/json_stream.h) on arbitrary
// bytes, checked against simdjson. Whatever the input, the stream ends with a Status, and the
// output does not depend on the read size. When simdjson accepts the whole document, the stream
// must accept it too; its envelope must parse; and the handed-out elements must be exactly the
// streamed arrays' elements, in order, each parseable on its own.
#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "readers/json_stream.h"

namespace {

using cotenant::readers::JsonStreamElement;
using cotenant::readers::JsonStreamOptions;

struct Run {
  bool ok = false;
  std::string envelope;
  std::vector<std::string> elements;  // minified, or "<bad>" when simdjson refuses one
};

bool TopIsArray(std::string_view json) {
  if (json.starts_with("\xEF\xBB\xBF")) json.remove_prefix(3);
  size_t first = json.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && json[first] == '[';
}

Run Stream(std::string_view json, size_t chunk) {
  static simdjson::dom::parser parser;
  JsonStreamOptions options;
  options.array_paths = {{"objects"}, {"Event", "Attribute"}, {"response", "*", "Event", "Object"}};
  if (TopIsArray(json)) options.array_paths = {{}};
  options.read_chunk_bytes = chunk;
  options.max_depth = 256;
  Run run;
  auto envelope = cotenant::readers::StreamJsonText(
      json, "fuzz.json", options, [&](const JsonStreamElement& e) {
        if (e.json.empty() || e.indices.empty()) std::abort();
        simdjson::dom::element el;
        if (parser.parse(e.json.data(), e.json.size(), false).get(el) == simdjson::SUCCESS) {
          run.elements.push_back(simdjson::minify(el));
        } else {
          run.elements.push_back("<bad>");
        }
        return cotenant::Status::Ok();
      });
  run.ok = envelope.ok();
  if (run.ok) run.envelope = *envelope;
  return run;
}

void Collect(simdjson::dom::element doc, const std::vector<std::string>& path, size_t depth,
             std::vector<std::string>& out) {
  if (depth == path.size()) {
    simdjson::dom::array array;
    if (doc.get(array) != simdjson::SUCCESS) return;
    for (auto el : array) out.push_back(simdjson::minify(el));
    return;
  }
  if (path[depth] == "*") {
    simdjson::dom::array array;
    if (doc.get(array) != simdjson::SUCCESS) return;
    for (auto el : array) Collect(el, path, depth + 1, out);
    return;
  }
  simdjson::dom::object object;
  if (doc.get(object) != simdjson::SUCCESS) return;
  // The streamer follows every member with the key (duplicates included); so does this.
  for (auto field : object) {
    if (field.key == path[depth]) Collect(field.value, path, depth + 1, out);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  Run big = Stream(json, 1 << 20);
  Run small = Stream(json, 3);
  if (big.ok != small.ok || big.envelope != small.envelope || big.elements != small.elements) {
    std::abort();
  }
  simdjson::dom::parser whole;
  simdjson::dom::element doc;
  if (size > 1 << 16 || whole.parse(json).get(doc) != simdjson::SUCCESS) return 0;
  int depth = 0, max_depth = 0;
  bool in_string = false, escape = false;
  for (char c : json) {
    if (in_string) {
      if (escape)
        escape = false;
      else if (c == '\\')
        escape = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  if (max_depth >= 256) return 0;
  if (!big.ok) std::abort();
  simdjson::dom::parser env_parser;
  simdjson::dom::element env;
  if (env_parser.parse(big.envelope).get(env) != simdjson::SUCCESS) std::abort();
  std::vector<std::string> want;
  std::vector<std::vector<std::string>> paths = {
      {"objects"}, {"Event", "Attribute"}, {"response", "*", "Event", "Object"}};
  if (TopIsArray(json)) paths = {{}};
  // Elements come in document order; with several paths this order is not path by path, so
  // compare as multisets.
  for (const auto& p : paths) Collect(doc, p, 0, want);
  std::vector<std::string> got = big.elements;
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  if (got != want) std::abort();
  return 0;
}
