// HttpServer: the HTTP/1.1 transport of `cotenant serve` (Boost.Beast), separate from routing so
// that the API can be tested without sockets.
//
// Each connection is read with a header limit, a body limit and an idle/read timeout; a request
// that breaks them, or that Beast cannot parse, is answered with a 4xx and a reason, then the
// connection is closed. The handler runs on one of the I/O threads and must be thread-safe.
// Start binds (port 0 picks a free port) and returns the bound port; Run blocks until Stop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cotenant/status.h"

namespace cotenant::server {

struct HttpRequest {
  std::string method;                                      // "GET", "POST", ...
  std::string target;                                      // as sent: path and query
  std::string path;                                        // percent-decoded path
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // lower-case names
  std::string body;

  std::string Header(const std::string& lower_name) const;
  // The first value of a query parameter, if present.
  const std::string* Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  size_t max_body_bytes = 32 << 20;
  size_t max_header_bytes = 16 << 10;
  std::chrono::seconds read_timeout{30};  // per request, from its first byte (and idle time)
  int threads = 2;
};

// Splits a request target into path and query and percent-decodes both. Errors (bad escapes,
// NUL bytes, a target that is not origin-form) name the reason.
Status ParseTarget(std::string_view target, HttpRequest* request);
// The non-empty segments of a decoded path: "/taxii2//api/" -> {"taxii2", "api"}.
std::vector<std::string_view> PathSegments(std::string_view path);

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Result<uint16_t> Start();  // binds and listens; returns the port
  void Run();                // serves until Stop() or SIGINT/SIGTERM
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cotenant::server
