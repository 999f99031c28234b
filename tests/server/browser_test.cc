// The report and the live UI in headless Chromium (Debian's `chromium`): the graph lists the
// expected nodes, the chosen pair's panel shows its evidence, and a screenshot is saved
// (build/dev/browser/*.png). Skips with a message when chromium is not installed.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <regex>

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

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kChromium)) {
      GTEST_SKIP() << "chromium is not installed (bash scripts/setup-deps.sh --test installs it); "
                      "skipping the browser test of the report and the live UI";
    }
    out_dir_ = std::filesystem::current_path().string() + "/browser";
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

}  // namespace
}  // namespace cotenant::testing
