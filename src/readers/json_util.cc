#include "readers/json_util.h"

#include <charconv>

#include "readers/common.h"

namespace cotenant::readers::json {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

Result<element> Parse(simdjson::dom::parser& parser, std::string_view json, const std::string& name,
                      bool padded) {
  element doc;
  auto error = parser.parse(json.data(), json.size(), /*realloc_if_needed=*/!padded).get(doc);
  if (error) {
    std::string reason = simdjson::error_message(error);
    if (error == simdjson::TAPE_ERROR || error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT ||
        error == simdjson::UNCLOSED_STRING) {
      reason += " (truncated or malformed JSON)";
    } else if (error == simdjson::DEPTH_ERROR) {
      reason = "JSON nested deeper than " + std::to_string(parser.max_depth()) + " levels";
    }
    return InvalidArgument(name + ": " + reason);
  }
  return doc;
}

std::optional<element> Field(element e, std::string_view key) {
  if (!e.is_object()) return std::nullopt;
  element v;
  if (e.get_object().at_key(key).get(v)) return std::nullopt;
  return v;
}

std::optional<std::string_view> Str(element e, std::string_view key) {
  return AsStr(Field(e, key));
}

std::optional<std::string_view> NonEmptyStr(element e, std::string_view key) {
  auto s = Str(e, key);
  if (!s || Trim(*s).empty()) return std::nullopt;
  return s;
}

std::optional<int64_t> Int(element e, std::string_view key) { return AsInt(Field(e, key)); }

std::optional<int64_t> AsInt(std::optional<element> f) {
  if (!f) return std::nullopt;
  if (f->is_int64()) return f->get_int64().value_unsafe();
  if (f->is_uint64()) {
    uint64_t u = f->get_uint64().value_unsafe();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (f->is_string()) {
    std::string_view s = Trim(f->get_string().value_unsafe());
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) return v;
  }
  return std::nullopt;
}

std::optional<bool> Bool(element e, std::string_view key) { return AsBool(Field(e, key)); }

std::optional<bool> AsBool(std::optional<element> f) {
  if (!f) return std::nullopt;
  if (f->is_bool()) return f->get_bool().value_unsafe();
  if (f->is_int64()) return f->get_int64().value_unsafe() != 0;
  if (f->is_string()) return BoolFromText(f->get_string().value_unsafe());
  return std::nullopt;
}

std::optional<bool> BoolFromText(std::string_view text) {
  std::string s = Lower(Trim(text));
  if (s == "1" || s == "true") return true;
  if (s == "0" || s == "false") return false;
  return std::nullopt;
}

std::optional<array> Arr(element e, std::string_view key) { return AsArr(Field(e, key)); }

std::optional<array> AsArr(std::optional<element> f) {
  if (!f || !f->is_array()) return std::nullopt;
  return f->get_array().value_unsafe();
}

std::optional<object> Obj(element e, std::string_view key) {
  auto f = Field(e, key);
  if (!f || !f->is_object()) return std::nullopt;
  return f->get_object().value_unsafe();
}

Result<std::optional<Timestamp>> Time(element e, std::string_view key) {
  return AsTime(Field(e, key), key);
}

Result<std::optional<Timestamp>> AsTime(std::optional<element> f, std::string_view key) {
  if (!f || f->is_null()) return std::optional<Timestamp>();
  if (f->is_string()) {
    std::string_view s = Trim(f->get_string().value_unsafe());
    if (s.empty()) return std::optional<Timestamp>();
    COTENANT_ASSIGN_OR_RETURN(Timestamp t, Timestamp::Parse(s));
    return std::optional<Timestamp>(t);
  }
  if (f->is_int64() || f->is_uint64()) {
    auto v = AsInt(f);
    if (!v) return InvalidArgument(std::string(key) + ": number out of range");
    COTENANT_ASSIGN_OR_RETURN(Timestamp t, Timestamp::Parse(std::to_string(*v)));
    return std::optional<Timestamp>(t);
  }
  if (f->is_double()) {
    double d = f->get_double().value_unsafe();
    if (!(d >= 0 && d < 4e11)) return InvalidArgument(std::string(key) + ": number out of range");
    COTENANT_ASSIGN_OR_RETURN(Timestamp t,
                              Timestamp::Parse(std::to_string(static_cast<int64_t>(d))));
    return std::optional<Timestamp>(t);
  }
  return InvalidArgument(std::string(key) + ": expected a timestamp, got " + Preview(*f));
}

std::string Preview(element e, size_t max_bytes) {
  if (e.is_string()) return Truncate(e.get_string().value_unsafe(), max_bytes);
  return Truncate(simdjson::minify(e), max_bytes);
}

}  // namespace cotenant::readers::json
