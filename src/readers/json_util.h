// Small accessors over simdjson's DOM for the JSON readers: lenient about the number-as-string
// habit of MISP ("timestamp": "1681482769"), strict about types otherwise (a missing or
// wrongly typed field is nullopt, never a default value).
//
// Private to src/readers. Elements borrow the parser's memory: valid until the parser parses
// again or is destroyed.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cotenant/status.h"
#include "cotenant/timestamp.h"

namespace cotenant::readers::json {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Parses one document; the error names `name` and simdjson's reason (truncated, too deep...).
// `padded`: readable kJsonPadding bytes follow `json` (ReadWholeFile's result), which spares the
// parser a copy of the document.
Result<element> Parse(simdjson::dom::parser& parser, std::string_view json, const std::string& name,
                      bool padded = false);

std::optional<element> Field(element e, std::string_view key);
std::optional<std::string_view> Str(element e, std::string_view key);
// A string that is present and not empty.
std::optional<std::string_view> NonEmptyStr(element e, std::string_view key);
// Integers, also written as decimal strings.
std::optional<int64_t> Int(element e, std::string_view key);
// true/false, also 1/0 and "1"/"0"/"true"/"false".
std::optional<bool> Bool(element e, std::string_view key);
std::optional<array> Arr(element e, std::string_view key);
std::optional<object> Obj(element e, std::string_view key);

// A timestamp field: RFC 3339 text or epoch seconds (number or digit string). Absent, null or
// empty gives nullopt with an OK status; a present but unreadable value gives the error.
Result<std::optional<Timestamp>> Time(element e, std::string_view key);

// The same conversions of a field already found (Field's result, nullopt when absent), for a
// reader that finds several fields in one pass over an object's keys. `key` names the field in
// AsTime's errors.
// Inline: readers call it for several fields of every record.
inline std::optional<std::string_view> AsStr(std::optional<element> field) {
  if (!field || !field->is_string()) return std::nullopt;
  return std::string_view(field->get_string().value_unsafe());
}
std::optional<int64_t> AsInt(std::optional<element> field);
std::optional<bool> AsBool(std::optional<element> field);
// AsBool of a string's text: "1"/"0"/"true"/"false", any case, white space around.
std::optional<bool> BoolFromText(std::string_view text);
std::optional<array> AsArr(std::optional<element> field);
Result<std::optional<Timestamp>> AsTime(std::optional<element> field, std::string_view key);

// Text of a scalar element (strings as is, numbers formatted), for error messages.
std::string Preview(element e, size_t max_bytes = 200);

}  // namespace cotenant::readers::json
