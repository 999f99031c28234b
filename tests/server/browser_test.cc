// The report and the live UI in headless Chromium (Debian's `chromium`): the graph lists the
// expected nodes, the chosen pair's panel shows its evidence, and a screenshot is saved
// (<build dir>/browser/*.png). Skips with a message when chromium is not installed.
#include <gtest/gtest.h>
#include <poll.h>
#include <simdjson.h>

#include <boost/beast/websocket.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "server_fixture.h"

namespace cotenant::testing {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

std::string Chromium(const std::string& mode, const std::string& url, const std::string& profile) {
  std::string cmd = std::string(kChromium) +
                    " --headless --no-sandbox --disable-gpu --disable-background-networking"
                    " --disable-component-update --disable-sync --no-first-run --disable-quic"
                    " --user-data-dir=" +
                    profile + " --window-size=1400,1000 --virtual-time-budget=10000 " + mode +
                    " '" + url + "' 2>/dev/null";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

struct Expected {
  std::string pair_id;
  std::vector<std::string> actors;    // actor names of every pair
  std::vector<std::string> evidence;  // values of the chosen pair's evidence
};

// What the page must show, read from the report data itself.
Expected FromReportJson(const std::string& json, const std::string& actor_in_pair) {
  Expected e;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  EXPECT_EQ(p.parse(json).get(doc), simdjson::SUCCESS);
  for (auto pair : doc["pairs"].get_array()) {
    std::string a(std::string_view(pair["actors"].at(0)["name"]));
    std::string b(std::string_view(pair["actors"].at(1)["name"]));
    e.actors.push_back(a);
    e.actors.push_back(b);
    if (e.pair_id.empty() && (a == actor_in_pair || b == actor_in_pair)) {
      e.pair_id = std::string(std::string_view(pair["id"]));
      for (auto ev : pair["evidence"].get_array()) {
        e.evidence.push_back(std::string(std::string_view(ev["value"])));
      }
    }
  }
  return e;
}

std::string Escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

std::string Attribute(const std::string& text) {
  std::string out;
  for (char c : Escaped(text)) {
    if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

void CheckDom(const std::string& dom, const Expected& e, const std::string& what) {
  ASSERT_NE(dom.find("data-ready=\"1\""), std::string::npos) << what << ": the page did not render";
  for (const std::string& actor : e.actors) {
    EXPECT_NE(dom.find("data-kind=\"actor\">" + Escaped(actor) + "</li>"), std::string::npos)
        << what << ": graph lacks actor node " << actor;
  }
  // The chosen pair's panel is the active one and lists every evidence value.
  std::string marker = "class=\"pair active\" id=\"pair-" + e.pair_id + "\"";
  size_t panel = dom.find(marker);
  ASSERT_NE(panel, std::string::npos) << what << ": pair " << e.pair_id << " not shown";
  size_t end = dom.find("<section class=\"pair", panel + marker.size());
  std::string body = dom.substr(panel, end == std::string::npos ? std::string::npos : end - panel);
  EXPECT_NE(body.find("Assessment:"), std::string::npos);
  EXPECT_NE(body.find("Evidence x hypothesis matrix"), std::string::npos);
  for (const std::string& v : e.evidence) {
    EXPECT_NE(body.find("data-evidence=\"" + Attribute(v) + "\""), std::string::npos)
        << what << ": evidence " << v << " missing";
  }
  // Exactly one panel is active.
  EXPECT_EQ(dom.find("class=\"pair active\"", panel + 1), std::string::npos);
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Base64Decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

// Headless Chromium driven over the DevTools protocol (a WebSocket), for what --dump-dom cannot
// do: choose a file in a file input and submit a form.
class DevTools {
 public:
  DevTools(const std::string& profile) {
    int err[2];
    if (pipe(err) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(err[1], 2);
      close(err[0]);
      close(err[1]);
      int null = open("/dev/null", O_WRONLY);
      if (null >= 0) dup2(null, 1);
      std::string dir = "--user-data-dir=" + profile;
      execl(kChromium, kChromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic", "--window-size=1400,1000",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", dir.c_str(),
            "about:blank", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(err[1]);
    // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr.
    std::string text;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::smatch m;
    static const std::regex kListening(R"(ws://127\.0\.0\.1:(\d+)/)");
    while (std::chrono::steady_clock::now() < deadline && !std::regex_search(text, m, kListening)) {
      pollfd pfd{err[0], POLLIN, 0};
      if (poll(&pfd, 1, 1000) <= 0) continue;
      char buf[4096];
      ssize_t n = read(err[0], buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<size_t>(n));
    }
    close(err[0]);  // chromium's later stderr goes nowhere (it ignores SIGPIPE)
    if (m.empty()) {
      error_ = "chromium did not open a DevTools port: " + text;
      return;
    }
    int port = std::stoi(m[1]);
    // The page target chromium opened (about:blank).
    std::string list = Http(port, "GET", "/json/list").body;
    simdjson::dom::parser p;
    simdjson::dom::element doc;
    if (p.parse(list).get(doc) != simdjson::SUCCESS) {
      error_ = "bad /json/list: " + list;
      return;
    }
    std::string ws_url;
    for (auto t : doc.get_array()) {
      if (std::string_view(t["type"]) == "page") {
        ws_url = std::string(std::string_view(t["webSocketDebuggerUrl"]));
        break;
      }
    }
    size_t path = ws_url.find('/', std::string("ws://").size());
    if (path == std::string::npos) {
      error_ = "no page target in " + list;
      return;
    }
    ws_.next_layer().connect(
        {boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)});
    timeval tv{60, 0};  // no call waits forever
    setsockopt(ws_.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ws_.read_message_max(64u << 20);
    ws_.handshake("127.0.0.1:" + std::to_string(port), ws_url.substr(path));
    ready_ = true;
  }
  ~DevTools() {
    if (ready_) {
      boost::beast::error_code ec;
      ws_.close(boost::beast::websocket::close_code::normal, ec);
    }
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  bool ready() const { return ready_; }
  const std::string& error() const { return error_; }

  // Sends one command and returns the raw JSON of its "result" (or of its "error").
  std::string Call(const std::string& method, const std::string& params = "{}") {
    int id = ++next_id_;
    ws_.write(boost::asio::buffer("{\"id\":" + std::to_string(id) + ",\"method\":\"" + method +
                                  "\",\"params\":" + params + "}"));
    while (true) {
      boost::beast::flat_buffer buffer;
      boost::beast::error_code ec;
      ws_.read(buffer, ec);
      if (ec) return "{\"error\":\"read: " + ec.message() + "\"}";
      std::string msg = boost::beast::buffers_to_string(buffer.data());
      simdjson::dom::element doc;
      if (parser_.parse(msg).get(doc) != simdjson::SUCCESS) continue;
      int64_t got = 0;
      if (doc["id"].get(got) != simdjson::SUCCESS || got != id) continue;  // an event
      simdjson::dom::element r;
      if (doc["result"].get(r) == simdjson::SUCCESS) return simdjson::to_string(r);
      return simdjson::to_string(doc["error"]);
    }
  }
  // Evaluates a JavaScript expression in the page; its value as a string.
  std::string Eval(const std::string& expression) {
    std::string r =
        Call("Runtime.evaluate", "{\"expression\":" + JsonString("String(" + expression + ")") +
                                     ",\"returnByValue\":true}");
    simdjson::dom::element doc;
    std::string_view v;
    if (parser_.parse(r).get(doc) != simdjson::SUCCESS ||
        doc["result"]["value"].get(v) != simdjson::SUCCESS) {
      return "<no value: " + r + ">";
    }
    return std::string(v);
  }
  // Polls `expression` until it is "true" (or a minute passes).
  bool WaitFor(const std::string& expression) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Eval(expression) == "true") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  void Navigate(const std::string& url) {
    Call("Page.navigate", "{\"url\":" + JsonString(url) + "}");
  }
  // Chooses `file` in the file input `selector`, as a user picking it in the dialog.
  std::string ChooseFile(const std::string& selector, const std::string& file) {
    std::string root = Call("DOM.getDocument", "{\"depth\":0}");
    simdjson::dom::element doc;
    int64_t node = 0;
    if (parser_.parse(root).get(doc) != simdjson::SUCCESS ||
        doc["root"]["nodeId"].get(node) != simdjson::SUCCESS) {
      return root;
    }
    std::string q = Call("DOM.querySelector", "{\"nodeId\":" + std::to_string(node) +
                                                  ",\"selector\":" + JsonString(selector) + "}");
    if (parser_.parse(q).get(doc) != simdjson::SUCCESS ||
        doc["nodeId"].get(node) != simdjson::SUCCESS || node == 0) {
      return q;
    }
    return Call("DOM.setFileInputFiles",
                "{\"nodeId\":" + std::to_string(node) + ",\"files\":[" + JsonString(file) + "]}");
  }
  bool Screenshot(const std::string& png) {
    std::string r = Call("Page.captureScreenshot", "{\"format\":\"png\"}");
    simdjson::dom::element doc;
    std::string_view data;
    if (parser_.parse(r).get(doc) != simdjson::SUCCESS ||
        doc["data"].get(data) != simdjson::SUCCESS) {
      return false;
    }
    std::ofstream(png, std::ios::binary) << Base64Decode(data);
    return true;
  }

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_{ioc_};
  simdjson::dom::parser parser_;
  pid_t pid_ = -1;
  int next_id_ = 0;
  bool ready_ = false;
  std::string error_;
};

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kChromium)) {
      GTEST_SKIP() << "chromium is not installed (bash scripts/setup-deps.sh --test installs it); "
                      "skipping the browser test of the report and the live UI";
    }
    // Next to the binary under test (the build directory), never in the source tree (tests run
    // with the source directory as their working directory).
    out_dir_ = std::filesystem::path(COTENANT_BINARY).parent_path().string() + "/browser";
    std::filesystem::create_directories(out_dir_);
  }
  std::string out_dir_;
};

TEST_F(BrowserTest, ReportShowsGraphAndChosenPairEvidence) {
  ServerFixture& f = ServerFixture::Get();
  std::string html = f.dir() + "/browser-report.html";
  std::string out;
  ASSERT_EQ(RunCotenant({"--db", f.db(), "-q", "report", "-o", html, "--tlp", "red"}, &out), 0);
  std::string json =
      Http(f.port(), "GET", "/api/report", {{"Authorization", "Bearer " + f.Token(Tlp::kRed)}})
          .body;
  // The page must render the pair we choose, not just the first one.
  Expected e = FromReportJson(json, "Canary Green Alpha");
  ASSERT_FALSE(e.pair_id.empty());
  ASSERT_FALSE(e.evidence.empty());
  std::string url = "file://" + html + "#pair=" + e.pair_id;
  CheckDom(Chromium("--dump-dom", url, f.dir() + "/chrome-a"), e, "report");
  std::string png = out_dir_ + "/report.png";
  std::filesystem::remove(png);
  Chromium("--screenshot=" + png, url, f.dir() + "/chrome-b");
  EXPECT_GT(std::filesystem::exists(png) ? std::filesystem::file_size(png) : 0, 20000u) << png;
}

TEST_F(BrowserTest, LiveUiLoadsWithATokenAndShowsOnlyTheView) {
  ServerFixture& f = ServerFixture::Get();
  std::string json =
      Http(f.port(), "GET", "/api/report", {{"Authorization", "Bearer " + f.Token(Tlp::kGreen)}})
          .body;
  Expected e = FromReportJson(json, "Canary Green Beta");
  ASSERT_FALSE(e.pair_id.empty());
  std::string url = "http://127.0.0.1:" + std::to_string(f.port()) +
                    "/#token=" + f.Token(Tlp::kGreen) + "&pair=" + e.pair_id;
  std::string dom = Chromium("--dump-dom", url, f.dir() + "/chrome-c");
  CheckDom(dom, e, "live UI");
  EXPECT_EQ(dom.find("Canary Red"), std::string::npos) << "the green view shows red data";
  EXPECT_EQ(dom.find(f.Token(Tlp::kGreen)), std::string::npos) << "the token stays out of the page";
  std::string png = out_dir_ + "/live-ui.png";
  std::filesystem::remove(png);
  Chromium("--screenshot=" + png, url, f.dir() + "/chrome-d");
  EXPECT_TRUE(std::filesystem::exists(png));
  // Without a token the page asks for one and shows no data.
  std::string anon = Chromium("--dump-dom", "http://127.0.0.1:" + std::to_string(f.port()) + "/",
                              f.dir() + "/chrome-e");
  EXPECT_EQ(anon.find("data-ready=\"1\""), std::string::npos);
  EXPECT_NE(anon.find("needs an API token"), std::string::npos);
}

// A report with hundreds of pairs and about a thousand graph nodes: the big-graph settings apply,
// pair pages are built when chosen (not all up front), and a chosen pair deep in the list still
// shows its evidence.
TEST_F(BrowserTest, LargeReportBuildsPairPagesOnDemand) {
  const int kPairs = 320;
  std::string dir = std::filesystem::path(COTENANT_BINARY).parent_path().string() +
                    "/browser-large-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // Two groups per pair sharing one address in the same week, one own address each.
  std::string misp = "{\"response\": [";
  for (int i = 0; i < kPairs; ++i) {
    for (int side = 0; side < 2; ++side) {
      if (i + side > 0) misp += ",";
      std::string net = std::to_string(10 + i / 200) + "." + std::to_string(i % 200) + ".";
      misp +=
          "{\"Event\": {\"info\": \"servers\", \"date\": \"2025-03-14\", "
          "\"Orgc\": {\"name\": \"Feed " +
          std::to_string(side) +
          "\"}, \"Tag\": [{\"name\": \"misp-galaxy:threat-actor=\\\"Big Group " +
          std::to_string(i) + (side ? " B" : " A") +
          "\\\"\"}, {\"name\": \"tlp:green\"}], \"Attribute\": ["
          "{\"type\": \"ip-dst\", \"category\": \"Network activity\", \"value\": \"" +
          net + "1.1\", \"first_seen\": \"2025-03-0" + std::to_string(3 + side) +
          "T08:00:00Z\"}, {\"type\": \"ip-dst\", \"category\": \"Network activity\", "
          "\"value\": \"" +
          net + std::to_string(2 + side) + ".1\", \"first_seen\": \"2025-03-03T08:00:00Z\"}]}}";
    }
  }
  misp += "]}";
  std::ofstream(dir + "/big.misp.json") << misp;
  std::string db = dir + "/store.db", html = dir + "/report.html", out;
  ASSERT_EQ(RunCotenant({"--db", db, "-q", "ingest", dir + "/big.misp.json"}, &out), 0) << out;
  ASSERT_EQ(RunCotenant({"--db", db, "-q", "report", "-o", html, "--tlp", "green"}, &out), 0);
  // Choose a pair far down the list.
  std::ifstream in(html);
  std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t data = page.find("<script id=\"cotenant-data\" type=\"application/json\">");
  ASSERT_NE(data, std::string::npos);
  data = page.find('>', data) + 1;
  std::string json = page.substr(data, page.find("</script>", data) - data);
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(json).get(doc), simdjson::SUCCESS);
  size_t pairs = simdjson::dom::array(doc["pairs"]).size();
  ASSERT_GT(pairs, 300u) << "the store should give more pairs than are built up front";
  std::string deep =
      std::string(std::string_view(doc["pairs"].at(pairs - 5)["actors"].at(0)["name"]));
  Expected e = FromReportJson(json, deep);
  ASSERT_FALSE(e.evidence.empty());
  std::string dom =
      Chromium("--dump-dom", "file://" + html + "#pair=" + e.pair_id, dir + "/chrome");
  CheckDom(dom, e, "large report");
  size_t built = 0;
  for (size_t at = dom.find("<section class=\"pair"); at != std::string::npos;
       at = dom.find("<section class=\"pair", at + 1)) {
    ++built;
  }
  EXPECT_GE(built, 1u);
  EXPECT_LT(built, 10u) << "every pair page was built up front";
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex("data-nodes=\"(\\d+)\"")));
  EXPECT_GT(std::stoi(m[1]), 600) << "not a big graph";
  std::filesystem::remove_all(dir);
}

// The live UI's upload panel: a file chosen in the ingest form reaches the store (summary and
// rejections shown, the new actor joins the graph), and a Zeek conn.log chosen in the match form
// gives one alert row per visible hit, none for values above the token's clearance.
TEST_F(BrowserTest, LiveUiIngestsAFileAndMatchesAnUploadedZeekLog) {
  ServerFixture& f = ServerFixture::Get();
  DevTools chrome(f.dir() + "/chrome-f");
  ASSERT_TRUE(chrome.ready()) << chrome.error();
  chrome.Navigate("http://127.0.0.1:" + std::to_string(f.port()) +
                  "/#token=" + f.Token(Tlp::kGreen));
  ASSERT_TRUE(chrome.WaitFor("document.body.dataset.ready === '1'")) << "the live UI did not load";
  ASSERT_EQ(chrome.Eval("!document.getElementById('upload-card').classList.contains('hidden')"),
            "true")
      << "no upload panel in the live UI";

  // Ingest: one new value for a new actor, one line that is not an indicator.
  std::string list = f.dir() + "/browser-upload.txt";
  std::ofstream(list) << "198.51.100.77\nnot-a-value\n";
  chrome.Eval("document.getElementById('ingest-format').value = 'plain'");
  chrome.Eval("document.getElementById('ingest-actor').value = 'Browser Upload Group'");
  chrome.Eval("document.getElementById('ingest-tlp').value = 'green'");
  EXPECT_EQ(chrome.ChooseFile("#ingest-file", list), "{}");
  chrome.Eval("document.querySelector('#ingest-form button').click()");
  ASSERT_TRUE(
      chrome.WaitFor("['done', 'error'].includes(document.getElementById('upload-result')"
                     ".dataset.state)"));
  std::string result = chrome.Eval("document.getElementById('upload-result').innerHTML");
  EXPECT_NE(result.find("browser-upload.txt: </b>1 records read, 1 rejected"), std::string::npos)
      << result;
  EXPECT_NE(result.find("browser-upload.txt:2"), std::string::npos) << result;
  EXPECT_EQ(chrome.Eval("document.querySelectorAll('#upload-result tr.rejection-row').length"),
            "1");
  // The view is reloaded: the uploaded actor is a node of the graph now.
  EXPECT_TRUE(
      chrome.WaitFor("[...document.querySelectorAll('#node-list li[data-kind=actor]')]"
                     ".some((li) => li.textContent === 'Browser Upload Group')"))
      << "the graph did not pick up the ingested file";

  // Match: a Zeek conn.log naming the uploaded value, a GREEN canary value, a RED canary value
  // (above the token's clearance) and an unknown address.
  std::string green_value = Canaries(Tlp::kGreen)[3], red_value = Canaries(Tlp::kRed)[3];
  std::string log = f.dir() + "/conn.log";
  std::ofstream(log) << "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
                        "#unset_field\t-\n#path\tconn\n"
                        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n"
                        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\n"
                        "1741939200.000000\tCgreen\t10.0.0.5\t50000\t"
                     << green_value
                     << "\t443\ttcp\n"
                        "1741939201.000000\tCred\t10.0.0.6\t50001\t"
                     << red_value
                     << "\t443\ttcp\n"
                        "1741939202.000000\tCup\t10.0.0.7\t50002\t198.51.100.77\t80\ttcp\n"
                        "1741939203.000000\tCnone\t10.0.0.8\t50003\t192.0.2.250\t80\ttcp\n";
  chrome.Eval("document.getElementById('match-format').value = 'zeek'");
  EXPECT_EQ(chrome.ChooseFile("#match-file", log), "{}");
  chrome.Eval("document.querySelector('#match-form button').click()");
  ASSERT_TRUE(
      chrome.WaitFor("document.querySelector('#match-summary') !== null || "
                     "document.getElementById('upload-result').dataset.state === 'error'"));
  result = chrome.Eval("document.getElementById('upload-result').innerHTML");
  EXPECT_NE(result.find("11 lines, 4 records, 2 alerts, 0 malformed"), std::string::npos) << result;
  EXPECT_EQ(chrome.Eval("[...document.querySelectorAll('#upload-result tr.alert-row')]"
                        ".map((tr) => tr.dataset.value).join(' ')"),
            green_value + " 198.51.100.77");
  std::string green_row =
      chrome.Eval("document.querySelector('#upload-result tr.alert-row[data-value=\"" +
                  green_value + "\"]').textContent");
  EXPECT_NE(green_row.find("Canary Green Alpha"), std::string::npos) << green_row;
  EXPECT_NE(green_row.find("TLP:GREEN"), std::string::npos) << green_row;
  std::string up_row = chrome.Eval(
      "document.querySelector('#upload-result tr.alert-row[data-value=\"198.51.100.77\"]')"
      ".textContent");
  EXPECT_NE(up_row.find("Browser Upload Group"), std::string::npos) << up_row;
  EXPECT_EQ(result.find(red_value), std::string::npos) << "a RED indicator alerted for GREEN";
  EXPECT_EQ(result.find("Canary Red"), std::string::npos) << result;
  chrome.Eval("document.getElementById('upload-card').scrollIntoView()");
  std::string png = out_dir_ + "/live-upload.png";
  std::filesystem::remove(png);
  EXPECT_TRUE(chrome.Screenshot(png));
  EXPECT_GT(std::filesystem::exists(png) ? std::filesystem::file_size(png) : 0, 20000u) << png;
}

}  // namespace
}  // namespace cotenant::testing
