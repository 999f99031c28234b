#include "server/http.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

namespace cotenant::server {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return InvalidArgument("truncated percent escape in the request target");
      }
      int hi = HexDigit(in[i + 1]);
      int lo = HexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return InvalidArgument("bad percent escape in the request target");
      c = static_cast<char>(hi << 4 | lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return InvalidArgument("NUL byte in the request target");
    out += c;
  }
  return out;
}

std::string ReasonBody(std::string_view reason) {
  std::string out = "{\"error\":\"";
  for (char c : reason) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"}";
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const HttpServerOptions& options, const HttpHandler& handler)
      : stream_(std::move(socket)), options_(options), handler_(handler) {}

  void Start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    stream_.expires_after(options_.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      Close();
      return;
    }
    if (ec) {
      // The request is broken; answer with why and close (the stream is out of sync).
      int status = 400;
      std::string reason = "malformed HTTP request: " + ec.message();
      if (ec == http::error::body_limit) {
        status = 413;
        reason = "request body larger than " + std::to_string(options_.max_body_bytes) + " bytes";
      } else if (ec == http::error::header_limit) {
        status = 431;
        reason =
            "request header larger than " + std::to_string(options_.max_header_bytes) + " bytes";
      }
      HttpResponse r;
      r.status = status;
      r.body = ReasonBody(reason);
      Write(r, /*keep_alive=*/false, 11);
      return;
    }
    const auto& req = parser_->get();
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    request.body = std::move(parser_->get().body());
    bool keep_alive = req.keep_alive();
    unsigned version = req.version();
    HttpResponse response;
    Status target_ok = ParseTarget(request.target, &request);
    if (!target_ok.ok()) {
      response.status = 400;
      response.body = ReasonBody(target_ok.message());
    } else {
      try {
        response = handler_(request);
      } catch (const std::exception&) {
        response = HttpResponse{};
        response.status = 500;
        response.body = ReasonBody("internal error");
      }
    }
    Write(response, keep_alive, version);
  }

  void Write(const HttpResponse& r, bool keep_alive, unsigned version) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), version);
    res->set(http::field::server, "cotenant");
    res->set(http::field::content_type, r.content_type);
    res->set(http::field::cache_control, "no-store");
    res->set("X-Content-Type-Options", "nosniff");
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->keep_alive(keep_alive);
    res->body() = r.body;
    res->prepare_payload();
    stream_.expires_after(options_.read_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) {
                          self->Close();
                          return;
                        }
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServerOptions& options_;
  const HttpHandler& handler_;
};

}  // namespace

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

const std::string* HttpRequest::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::vector<std::string_view> PathSegments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    if (!seg.empty()) out.push_back(seg);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

Status ParseTarget(std::string_view target, HttpRequest* request) {
  if (target.empty() || target.front() != '/') {
    return InvalidArgument("request target must be a path starting with '/'");
  }
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  COTENANT_ASSIGN_OR_RETURN(request->path, PercentDecode(path, false));
  request->query.clear();
  if (q == std::string_view::npos) return Status::Ok();
  std::string_view rest = target.substr(q + 1);
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    COTENANT_ASSIGN_OR_RETURN(std::string key, PercentDecode(pair.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      COTENANT_ASSIGN_OR_RETURN(value, PercentDecode(pair.substr(eq + 1), true));
    }
    request->query.emplace_back(std::move(key), std::move(value));
  }
  return Status::Ok();
}

struct HttpServer::Impl {
  Impl(HttpServerOptions o, HttpHandler h)
      : options(std::move(o)), handler(std::move(h)), ioc(options.threads), acceptor(ioc) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) std::make_shared<Session>(std::move(socket), options, handler)->Start();
      if (acceptor.is_open()) Accept();
    });
  }

  HttpServerOptions options;
  HttpHandler handler;
  net::io_context ioc;
  tcp::acceptor acceptor;
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

Result<uint16_t> HttpServer::Start() {
  beast::error_code ec;
  net::ip::address address = net::ip::make_address(impl_->options.address, ec);
  if (ec) {
    return InvalidArgument("`" + impl_->options.address + "` is not an IP address to bind");
  }
  tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return IoError("cannot listen on " + impl_->options.address + ":" +
                   std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->Accept();
  return impl_->acceptor.local_endpoint().port();
}

void HttpServer::Run() {
  net::signal_set signals(impl_->ioc, SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code, int) { Stop(); });
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.threads; ++i) {
    threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void HttpServer::Stop() {
  net::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->ioc.stop();
}

}  // namespace cotenant::server
