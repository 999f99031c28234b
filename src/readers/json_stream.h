// Streams a large JSON document in bounded memory: the elements of chosen arrays are handed out
// one at a time, each as its own small JSON text ready for simdjson, and the rest of the document
// (the "envelope": the document with those arrays left empty) is returned at the end.
//
// A path names an array by the object keys leading to it from the root; "*" stands for every
// element of an array on the way. {"objects"} is a STIX bundle's objects; {"Event", "Attribute"}
// a MISP event's attributes; {"response", "*", "Event", "Attribute"} those of each event of a
// MISP list; {} (no key) a top-level array. Keys are compared as written (escapes not decoded).
//
// The scanner follows strings, brackets and nesting; it does not check the grammar between them
// (each element is parsed by its consumer, and the envelope by the caller). A document whose
// brackets or strings do not close is an error naming the byte offset. Memory: one read buffer,
// which grows to the largest element (at most max_element_bytes; a larger element is handed out
// with `too_large` set and only its first bytes), and the envelope (at most max_envelope_bytes).
//
// Private to src/readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/status.h"

namespace cotenant::readers {

// What a stream used, for tests and benchmarks that prove memory stays flat.
struct JsonStreamStats {
  size_t peak_buffer_bytes = 0;  // largest read buffer held (the envelope aside)
  size_t elements = 0;           // elements handed out
};

struct JsonStreamElement {
  size_t path_index = 0;  // which of JsonStreamOptions::array_paths
  // The element's text, without surrounding white space. kJsonPadding (common.h) readable bytes
  // follow it, so simdjson can parse it in place. Valid during the callback only.
  std::string_view json;
  // Index of each array on the path that a "*" stood for, then the element's own index.
  std::span<const size_t> indices;
  int64_t offset = 0;      // byte offset of the element in the input
  bool too_large = false;  // longer than max_element_bytes: `json` is its first 200 bytes
};

// JSON path of an element for messages: ({"response","*","Event","Attribute"}, {3, 17}) ->
// "$.response[3].Event.Attribute[17]".
std::string JsonElementPath(const std::vector<std::string>& array_path,
                            std::span<const size_t> indices);

using JsonElementCallback = std::function<Status(const JsonStreamElement&)>;

// Optional, called at the first byte of each element before the scanner looks for its end:
// `json` holds every byte read so far from there on (the element, maybe cut, then what follows
// it; kJsonPadding readable bytes after). A consumer that can read the element from that text
// alone returns its length, having done with it whatever the element callback would do, and the
// element callback is not called for it; it must then be followed, after white space, by the
// `,` or `]` that ends it within `json`. 0 leaves the element to the scanner and the element
// callback, as without the hook.
using JsonClaimCallback = std::function<Result<size_t>(const JsonStreamElement&)>;

struct JsonStreamOptions {
  std::vector<std::vector<std::string>> array_paths;
  // false: hand out nothing, only build the envelope (a first pass that needs the document's
  // other fields before reading its elements, as MISP event tags written after the attributes).
  bool emit = true;
  size_t max_element_bytes = size_t{64} << 20;
  size_t max_envelope_bytes = size_t{256} << 20;
  size_t max_depth = 1024;
  size_t read_chunk_bytes = size_t{1} << 20;  // bytes per read (tests make it small)
  JsonStreamStats* stats = nullptr;           // filled in when set
  JsonClaimCallback claim;                    // see JsonClaimCallback; none when empty
};

// Streams the file at `path`. A callback's error stops the stream and is returned. The error
// for a broken document names `path` and the byte offset.
Result<std::string> StreamJsonFile(const std::string& path, const JsonStreamOptions& options,
                                   const JsonElementCallback& on_element);

// The same over text held in memory; `name` stands for the input in errors.
Result<std::string> StreamJsonText(std::string_view json, const std::string& name,
                                   const JsonStreamOptions& options,
                                   const JsonElementCallback& on_element);

}  // namespace cotenant::readers
