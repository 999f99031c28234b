// Test support for the server: canary data at every TLP level, a running `cotenant serve` on
// an ephemeral loopback port, and a small HTTP client.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cotenant/access.h"
#include "cotenant/ingest.h"
#include "cotenant/marking.h"
#include "cotenant/reader.h"
#include "cotenant/store.h"

namespace cotenant::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One request over a fresh loopback connection. `headers` are "Name: value" pairs.
inline HttpResult Http(int port, const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {},
                       const std::string& body = "") {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)});
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(socket, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(512u << 20);
  http::read(socket, buffer, parser);
  HttpResult out;
  out.status = static_cast<int>(parser.get().result_int());
  for (const auto& f : parser.get()) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = parser.get().body();
  beast::error_code ec;
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

// Sends raw bytes and returns everything the server answers until it closes (for malformed
// requests).
inline std::string RawHttp(int port, const std::string& bytes) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)});
  boost::asio::write(socket, boost::asio::buffer(bytes));
  std::string out;
  boost::system::error_code ec;
  char buf[4096];
  while (true) {
    size_t n = socket.read_some(boost::asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

// The levels the canary data uses; kUnmarked is handled as amber by the server's default.
inline constexpr Tlp kCanaryLevels[] = {Tlp::kClear,       Tlp::kGreen, Tlp::kAmber,
                                        Tlp::kAmberStrict, Tlp::kRed,   Tlp::kUnmarked};
inline std::string CanaryWord(Tlp level) {
  switch (level) {
    case Tlp::kClear:
      return "Clear";
    case Tlp::kGreen:
      return "Green";
    case Tlp::kAmber:
      return "Amber";
    case Tlp::kAmberStrict:
      return "Strict";
    case Tlp::kRed:
      return "Red";
    case Tlp::kUnmarked:
      return "Unmarked";
  }
  return "";
}
inline int CanaryIndex(Tlp level) { return static_cast<int>(level) + 2; }  // 1..6
// Strings that appear in the data only through records marked `level`: actor names and values.
inline std::vector<std::string> Canaries(Tlp level) {
  int i = CanaryIndex(level);
  return {"Canary " + CanaryWord(level) + " Alpha", "Canary " + CanaryWord(level) + " Beta",
          "203.0.113.1" + std::to_string(i), "192.0.2.1" + std::to_string(i) + "1",
          "192.0.2.1" + std::to_string(i) + "2"};
}
// A MISP event list with, per level, two actors sharing one IP:port in the same week (so the
// analysis finds a pair at that level) and one value of their own each.
inline std::string CanaryMispJson() {
  std::string out = "{\"response\": [";
  bool first = true;
  for (Tlp level : kCanaryLevels) {
    std::vector<std::string> c = Canaries(level);
    for (int side = 0; side < 2; ++side) {
      if (!first) out += ",";
      first = false;
      std::string tags = "{\"name\": \"misp-galaxy:threat-actor=\\\"" + c[side] + "\\\"\"}";
      if (level != Tlp::kUnmarked) {
        tags += ", {\"name\": \"" + std::string(MispTlpTag(level)) + "\"}";
      }
      out +=
          "{\"Event\": {\"info\": \"" + c[side] +
          " servers\", \"date\": \"2025-03-14\", "
          "\"Orgc\": {\"name\": \"Canary CERT\"}, \"Tag\": [" +
          tags +
          "], "
          "\"Attribute\": ["
          "{\"type\": \"ip-dst|port\", \"category\": \"Network activity\", \"value\": \"" +
          c[2] + "|8443\", \"first_seen\": \"2025-03-0" + std::to_string(3 + side) +
          "T08:00:00Z\", \"last_seen\": \"2025-03-1" + std::to_string(side) +
          "T08:00:00Z\"}, "
          "{\"type\": \"ip-dst\", \"category\": \"Network activity\", \"value\": \"" +
          c[2] +
          "\", \"first_seen\": \"2025-03-03T08:00:00Z\", \"last_seen\": \"2025-03-12T08:00:00Z\"}, "
          "{\"type\": \"ip-dst\", \"category\": \"Network activity\", \"value\": \"" +
          c[3 + side] + "\", \"first_seen\": \"2025-03-03T08:00:00Z\"}]}}";
    }
  }
  return out + "]}";
}

// A store with the canary data, a token registry with one token per clearance, and a running
// `cotenant serve --port 0`; shared by the tests of one binary.
// Runs the cotenant binary with `args`; returns its exit code and standard output.
inline int RunCotenant(const std::vector<std::string>& args, std::string* out) {
  std::string cmd = COTENANT_BINARY;
  for (const std::string& a : args) {
    cmd += " '";
    for (char c : a) {
      if (c == '\'')
        cmd += "'\\''";
      else
        cmd += c;
    }
    cmd += "'";
  }
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class ServerFixture {
 public:
  static ServerFixture& Get() {  // starts on first use
    static ServerFixture* fixture = new ServerFixture();
    static bool registered = [] {
      std::atexit([] { delete fixture; });
      return true;
    }();
    (void)registered;
    return *fixture;
  }
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  const std::string& db() const { return db_; }
  const std::string& tokens() const { return tokens_path_; }
  // One token per clearance, each allowed to ingest.
  const std::string& Token(Tlp clearance) const { return tokens_.at(clearance); }
  // A RED token that may read everything but not add to the store.
  const std::string& ReadOnlyToken() const { return read_only_token_; }
  ~ServerFixture() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  ServerFixture() {
    dir_ = std::filesystem::temp_directory_path().string() + "/cotenant-server-test-" +
           std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = dir_ + "/store.db";
    tokens_path_ = dir_ + "/tokens";
    std::string misp = dir_ + "/canary.misp.json";
    std::ofstream(misp) << CanaryMispJson();
    {
      auto store = OpenSqliteStore(db_);
      if (!store.ok()) throw std::runtime_error(store.status().ToString());
      auto summary = IngestPaths(**store, {misp}, IngestOptions{}, ReadPath);
      if (!summary.ok() || summary->failed_inputs != 0) {
        throw std::runtime_error("canary ingest failed");
      }
    }
    auto registry = TokenRegistry::Open(tokens_path_);
    if (!registry.ok()) throw std::runtime_error(registry.status().ToString());
    for (Tlp t : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
      auto added = (*registry)->Add("t-" + CanaryWord(t), "Test Org " + CanaryWord(t), t, true);
      if (!added.ok()) throw std::runtime_error(added.status().ToString());
      tokens_[t] = added->token;
    }
    auto reader = (*registry)->Add("t-reader", "Test Org reader", Tlp::kRed, false);
    if (!reader.ok()) throw std::runtime_error(reader.status().ToString());
    read_only_token_ = reader->token;
    int out_pipe[2];
    if (pipe(out_pipe) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out_pipe[1], 1);
      close(out_pipe[0]);
      close(out_pipe[1]);
      int null = open("/dev/null", O_WRONLY);
      if (null >= 0) dup2(null, 2);
      execl(COTENANT_BINARY, COTENANT_BINARY, "--db", db_.c_str(), "serve", "--port", "0",
            "--tokens", tokens_path_.c_str(), "--max-body-mb", "1", "--timeout", "3",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out_pipe[1]);
    std::string line;
    char c;
    while (read(out_pipe[0], &c, 1) == 1 && c != '\n') line += c;
    close(out_pipe[0]);
    size_t colon = line.rfind("127.0.0.1:");
    if (colon == std::string::npos) throw std::runtime_error("serve did not start: " + line);
    port_ = std::atoi(line.c_str() + colon + 10);
  }
  std::string dir_, db_, tokens_path_;
  std::map<Tlp, std::string> tokens_;
  std::string read_only_token_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Level at which the fixture's server handles a canary level (unmarked -> amber).
inline Tlp Handled(Tlp level) { return level == Tlp::kUnmarked ? Tlp::kAmber : level; }

}  // namespace cotenant::testing
