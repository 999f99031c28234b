// JsonWriter: a small streaming JSON writer for the server's responses, exports and the report.
// Produces compact UTF-8 JSON; invalid UTF-8 in strings is replaced by U+FFFD so that every
// document written is valid JSON whatever a feed contained. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cotenant::server {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);  // non-finite values are written as null
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // An already serialized JSON value, inserted as it is.
  JsonWriter& Raw(std::string_view json);
  // Shorthands for one member.
  JsonWriter& Member(std::string_view key, std::string_view value) {
    return Key(key).String(value);
  }
  JsonWriter& Member(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Member(std::string_view key, int64_t value) { return Key(key).Int(value); }
  JsonWriter& Member(std::string_view key, int value) { return Key(key).Int(value); }
  JsonWriter& Member(std::string_view key, size_t value) {
    return Key(key).Int(static_cast<int64_t>(value));
  }
  JsonWriter& Member(std::string_view key, double value) { return Key(key).Double(value); }
  JsonWriter& Member(std::string_view key, bool value) { return Key(key).Bool(value); }
  // null when absent.
  JsonWriter& MemberOrNull(std::string_view key, const std::optional<std::string>& value) {
    Key(key);
    return value ? String(*value) : Null();
  }
  JsonWriter& StringArray(std::string_view key, const std::vector<std::string>& values);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no member written yet
  bool after_key_ = false;
};

// Appends `text` as a JSON string literal (with quotes) to `out`.
void AppendJsonString(std::string& out, std::string_view text);
std::string JsonQuote(std::string_view text);

}  // namespace cotenant::server
