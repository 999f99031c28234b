// Status and Result<T>: expected failures as values.
//
// Every fallible operation in cotenant returns a Status (no value) or a Result<T> (a value or
// the Status that explains why there is none). Messages name the input and the reason, e.g.
// "host bits set in 10.0.0.1/8". Both types are cheap to move, [[nodiscard]], and thread-
// compatible (no shared state). Propagate with COTENANT_RETURN_IF_ERROR and
// COTENANT_ASSIGN_OR_RETURN rather than nested ifs.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cotenant {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the input is malformed (a bad indicator, a broken record)
  kNotFound,         // a named thing does not exist (file, actor, value)
  kUnsupported,      // well-formed, but a feature cotenant does not handle
  kIoError,          // the operating system or the store failed
  kCorruption,       // stored data is inconsistent
  kAlreadyExists,
  kPermissionDenied,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: host bits set in 10.0.0.1/8"
  std::string ToString() const;
  // Returns a copy whose message is prefixed with `context: ` (e.g. a file and line).
  Status WithContext(std::string_view context) const;

  bool operator==(const Status&) const = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string message) {
  return {StatusCode::kInvalidArgument, std::move(message)};
}
inline Status NotFound(std::string message) { return {StatusCode::kNotFound, std::move(message)}; }
inline Status Unsupported(std::string message) {
  return {StatusCode::kUnsupported, std::move(message)};
}
inline Status IoError(std::string message) { return {StatusCode::kIoError, std::move(message)}; }
inline Status Corruption(std::string message) {
  return {StatusCode::kCorruption, std::move(message)};
}
inline Status Internal(std::string message) { return {StatusCode::kInternal, std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; an OK status when the result holds a value.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace cotenant

#define COTENANT_CONCAT_INNER_(a, b) a##b
#define COTENANT_CONCAT_(a, b) COTENANT_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define COTENANT_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::cotenant::Status cotenant_status_ = (expr);        \
    if (!cotenant_status_.ok()) return cotenant_status_; \
  } while (false)

// `COTENANT_ASSIGN_OR_RETURN(auto ip, Ipv4::Parse(text));`
#define COTENANT_ASSIGN_OR_RETURN(lhs, expr) \
  COTENANT_ASSIGN_OR_RETURN_IMPL_(COTENANT_CONCAT_(cotenant_result_, __LINE__), lhs, expr)
#define COTENANT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()
