// Access control of every endpoint: nothing above the caller's clearance appears in any
// response, count, error message, report or export. The data (server_fixture.h) has two
// actors sharing an IP:port at each TLP level; every actor name and value is a canary that
// may only appear to callers cleared for its level.
#include <gtest/gtest.h>

#include "server_fixture.h"

namespace cotenant::testing {
namespace {

constexpr Tlp kClearances[] = {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed};

std::vector<std::pair<std::string, std::string>> Auth(Tlp clearance) {
  return {{"Authorization", "Bearer " + ServerFixture::Get().Token(clearance)}};
}

std::vector<std::pair<std::string, std::string>> TaxiiAuth(Tlp clearance) {
  auto h = Auth(clearance);
  h.emplace_back("Accept", "application/taxii+json;version=2.1");
  return h;
}

// Fails for every canary of a level above `clearance` found in `text`; returns how many
// canaries of levels within it were found.
int CheckCanaries(const std::string& text, Tlp clearance, const std::string& what) {
  int visible = 0;
  for (Tlp level : kCanaryLevels) {
    for (const std::string& c : Canaries(level)) {
      bool found = text.find(c) != std::string::npos;
      if (Handled(level) > clearance) {
        EXPECT_FALSE(found) << what << " for clearance " << TlpName(clearance) << " leaks `" << c
                            << "` (marked " << TlpName(level) << ")";
      } else if (found) {
        ++visible;
      }
    }
  }
  return visible;
}

// Every GET route of the JSON API and TAXII, with the canaries each must show when visible.
struct Route {
  std::string target;
  bool taxii;
  bool shows_data;  // must show the visible canaries
};

std::vector<Route> Routes() {
  const std::string coll = "/taxii2/api/collections/2c4d3f6a-7b8e-4c1d-9e0f-a1b2c3d4e5f6/";
  return {
      {"/api/whoami", false, false},
      {"/api/stats", false, false},
      {"/api/actors", false, true},
      {"/api/pairs", false, true},
      {"/api/report", false, true},
      {"/api/export?format=stix", false, true},
      {"/api/export?format=misp", false, true},
      {"/api/export?format=csv", false, true},
      {"/taxii2/", true, false},
      {"/taxii2/api/", true, false},
      {"/taxii2/api/collections/", true, false},
      {coll, true, false},
      {coll + "objects/?limit=1000", true, true},
      {coll + "manifest/?limit=1000", true, false},
  };
}

TEST(AccessControlTest, EveryGetRouteShowsOnlyWhatTheClearanceAllows) {
  ServerFixture& f = ServerFixture::Get();
  for (Tlp clearance : kClearances) {
    for (const Route& r : Routes()) {
      HttpResult res =
          Http(f.port(), "GET", r.target, r.taxii ? TaxiiAuth(clearance) : Auth(clearance));
      ASSERT_EQ(res.status, 200) << r.target << " " << res.body;
      int visible = CheckCanaries(res.body, clearance, r.target);
      if (r.shows_data) {
        // Clear data is visible to everyone: the route must show it (so this test can fail).
        EXPECT_GT(visible, 0) << r.target << " shows nothing to " << TlpName(clearance);
      }
    }
  }
}

TEST(AccessControlTest, CountsAreCountsOfVisibleRecords) {
  ServerFixture& f = ServerFixture::Get();
  for (Tlp clearance : kClearances) {
    int levels = 0;
    for (Tlp level : kCanaryLevels) levels += Handled(level) <= clearance ? 1 : 0;
    HttpResult res = Http(f.port(), "GET", "/api/stats", Auth(clearance));
    ASSERT_EQ(res.status, 200);
    // Per level: one shared IP:port, one shared IP, one own IP per actor; two actors.
    EXPECT_NE(res.body.find("\"indicators\":" + std::to_string(levels * 4) + ","),
              std::string::npos)
        << TlpName(clearance) << ": " << res.body;
    EXPECT_NE(res.body.find("\"actors\":" + std::to_string(levels * 2) + ","), std::string::npos)
        << res.body;
    HttpResult pairs = Http(f.port(), "GET", "/api/pairs", Auth(clearance));
    for (Tlp level : kCanaryLevels) {
      std::string alpha = Canaries(level)[0];
      bool shown = pairs.body.find(alpha) != std::string::npos;
      EXPECT_EQ(shown, Handled(level) <= clearance) << TlpName(clearance) << " " << alpha;
    }
  }
}

// POST /api/match: the matcher runs against the caller's visible indicators only, so a log
// naming every canary value alerts on exactly the values of the levels within the clearance,
// and the alerts name only visible actors.
TEST(AccessControlTest, MatcherAlertsOnlyOnVisibleIndicators) {
  ServerFixture& f = ServerFixture::Get();
  std::string log;
  for (Tlp level : kCanaryLevels) {
    for (int i = 2; i <= 4; ++i) log += Canaries(level)[i] + "\n";
  }
  for (Tlp clearance : kClearances) {
    int levels = 0;
    for (Tlp level : kCanaryLevels) levels += Handled(level) <= clearance ? 1 : 0;
    HttpResult res = Http(f.port(), "POST", "/api/match?format=plain", Auth(clearance), log);
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_NE(res.body.find("\"alerts\":" + std::to_string(levels * 3) + ","), std::string::npos)
        << TlpName(clearance) << ": " << res.body;
    EXPECT_GT(CheckCanaries(res.body, clearance, "/api/match"), 0);
  }
}

TEST(AccessControlTest, LookupAboveClearanceIsIndistinguishableFromUnknown) {
  ServerFixture& f = ServerFixture::Get();
  const std::string red_value = Canaries(Tlp::kRed)[3];
  const std::string unknown = "192.0.2.250";
  for (Tlp clearance : kClearances) {
    HttpResult hidden = Http(f.port(), "GET", "/api/lookup?value=" + red_value, Auth(clearance));
    HttpResult absent = Http(f.port(), "GET", "/api/lookup?value=" + unknown, Auth(clearance));
    if (clearance == Tlp::kRed) {
      EXPECT_EQ(hidden.status, 200);
      EXPECT_NE(hidden.body.find("Canary Red Alpha"), std::string::npos) << hidden.body;
      continue;
    }
    EXPECT_EQ(hidden.status, 404);
    EXPECT_EQ(absent.status, 404);
    std::string normalized = hidden.body;
    normalized.replace(normalized.find(red_value), red_value.size(), unknown);
    EXPECT_EQ(normalized, absent.body);
    CheckCanaries(normalized, clearance, "lookup error");
  }
  // A value shared at several levels shows only the visible observations.
  HttpResult green =
      Http(f.port(), "GET", "/api/lookup?value=" + Canaries(Tlp::kGreen)[2], Auth(Tlp::kGreen));
  EXPECT_EQ(green.status, 200);
  CheckCanaries(green.body, Tlp::kGreen, "lookup");
}

TEST(AccessControlTest, PairAndActorDetailsAboveClearanceAre404) {
  ServerFixture& f = ServerFixture::Get();
  // The red pair's ids, as the red caller sees them.
  HttpResult red = Http(f.port(), "GET", "/api/pairs", Auth(Tlp::kRed));
  size_t at = red.body.find("Canary Red Alpha");
  ASSERT_NE(at, std::string::npos);
  size_t id_at = red.body.rfind("{\"id\":\"", at);
  ASSERT_NE(id_at, std::string::npos);
  std::string id = red.body.substr(id_at + 7, red.body.find('"', id_at + 7) - id_at - 7);
  std::string a = id.substr(0, id.find('-')), b = id.substr(id.find('-') + 1);
  HttpResult detail = Http(f.port(), "GET", "/api/pairs/" + a + "/" + b, Auth(Tlp::kRed));
  EXPECT_EQ(detail.status, 200);
  EXPECT_NE(detail.body.find("\"evidence\""), std::string::npos);
  for (Tlp clearance : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict}) {
    HttpResult p = Http(f.port(), "GET", "/api/pairs/" + a + "/" + b, Auth(clearance));
    HttpResult none = Http(f.port(), "GET", "/api/pairs/999998/999999", Auth(clearance));
    EXPECT_EQ(p.status, 404);
    EXPECT_EQ(none.status, 404);
    CheckCanaries(p.body, clearance, "pair error");
    HttpResult actor = Http(f.port(), "GET", "/api/actors/" + a, Auth(clearance));
    EXPECT_EQ(actor.status, 404);
    EXPECT_EQ(actor.body, "{\"error\":\"no actor " + a + "\"}");
  }
}

TEST(AccessControlTest, TaxiiObjectsAboveClearanceAre404AndFiltersCannotReachThem) {
  ServerFixture& f = ServerFixture::Get();
  const std::string coll = "/taxii2/api/collections/2c4d3f6a-7b8e-4c1d-9e0f-a1b2c3d4e5f6/";
  HttpResult red =
      Http(f.port(), "GET", coll + "objects/?match[type]=intrusion-set", TaxiiAuth(Tlp::kRed));
  size_t at = red.body.find("Canary Red Alpha");
  ASSERT_NE(at, std::string::npos) << red.body;
  size_t id_at = red.body.rfind("\"id\":\"intrusion-set--", at);
  std::string id = red.body.substr(id_at + 6, red.body.find('"', id_at + 6) - id_at - 6);
  for (Tlp clearance : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict}) {
    for (std::string suffix : {"objects/" + id + "/", "objects/" + id + "/versions/"}) {
      HttpResult r = Http(f.port(), "GET", coll + suffix, TaxiiAuth(clearance));
      EXPECT_EQ(r.status, 404) << suffix;
      CheckCanaries(r.body, clearance, suffix);
    }
    HttpResult by_id =
        Http(f.port(), "GET", coll + "objects/?match[id]=" + id, TaxiiAuth(clearance));
    EXPECT_EQ(by_id.status, 200);
    EXPECT_EQ(by_id.body, "{\"more\":false}");
    HttpResult manifest =
        Http(f.port(), "GET", coll + "manifest/?match[id]=" + id, TaxiiAuth(clearance));
    EXPECT_EQ(manifest.body, "{\"more\":false}");
  }
}

TEST(AccessControlTest, EveryRouteNeedsAValidToken) {
  ServerFixture& f = ServerFixture::Get();
  std::vector<std::string> targets;
  for (const Route& r : Routes()) targets.push_back(r.target);
  targets.push_back("/api/lookup?value=192.0.2.1");
  targets.push_back("/api/pairs/1/2");
  targets.push_back("/api/actors/1");
  targets.push_back("/taxii2/api/status/00000000-0000-4000-8000-000000000000/");
  const std::vector<std::vector<std::pair<std::string, std::string>>> bad = {
      {},
      {{"Authorization", "Bearer ctk_" + std::string(64, '0')}},
      {{"Authorization", "Bearer " + f.Token(Tlp::kRed) + "x"}},
      {{"Authorization", "Basic dXNlcjpwYXNz"}},
      {{"Authorization", f.Token(Tlp::kRed)}},  // no scheme
  };
  for (const std::string& t : targets) {
    for (const auto& headers : bad) {
      auto h = headers;
      h.emplace_back("Accept", "application/taxii+json;version=2.1");
      HttpResult r = Http(f.port(), "GET", t, h);
      EXPECT_EQ(r.status, 401) << t;
      EXPECT_EQ(r.headers.count("www-authenticate"), 1u) << t;
      CheckCanaries(r.body, Tlp::kUnmarked, t);
    }
    for (const char* method : {"POST", "PUT", "DELETE"}) {
      EXPECT_EQ(Http(f.port(), method, t).status, 401) << method << " " << t;
    }
  }
  // The UI page needs no token and holds no data.
  HttpResult ui = Http(f.port(), "GET", "/");
  EXPECT_EQ(ui.status, 200);
  EXPECT_NE(ui.body.find("cytoscape"), std::string::npos);
  CheckCanaries(ui.body, Tlp::kUnmarked, "UI page");
  // HTTP Basic with the token as the password works (TAXII clients).
  HttpResult basic = Http(
      f.port(), "GET", "/api/whoami",
      {{"Authorization", "Basic " + [&] {
          std::string plain = "x:" + f.Token(Tlp::kGreen), out;
          static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
          for (size_t i = 0; i < plain.size(); i += 3) {
            uint32_t n = static_cast<uint8_t>(plain[i]) << 16;
            if (i + 1 < plain.size()) n |= static_cast<uint8_t>(plain[i + 1]) << 8;
            if (i + 2 < plain.size()) n |= static_cast<uint8_t>(plain[i + 2]);
            out += k[n >> 18 & 63];
            out += k[n >> 12 & 63];
            out += i + 1 < plain.size() ? k[n >> 6 & 63] : '=';
            out += i + 2 < plain.size() ? k[n & 63] : '=';
          }
          return out;
        }()}});
  EXPECT_EQ(basic.status, 200);
  EXPECT_NE(basic.body.find("\"clearance\":\"green\""), std::string::npos);
}

TEST(AccessControlTest, CliExportsAndReportRespectTlp) {
  ServerFixture& f = ServerFixture::Get();
  for (Tlp clearance : kClearances) {
    for (std::string format : {"stix", "misp", "csv"}) {
      std::string out;
      ASSERT_EQ(RunCotenant({"--db", f.db(), "-q", "export", "--format", format, "--tlp",
                             std::string(TlpName(clearance))},
                            &out),
                0);
      EXPECT_GT(CheckCanaries(out, clearance, "export " + format), 0);
    }
    std::string html = f.dir() + "/report-" + CanaryWord(clearance) + ".html";
    std::string out;
    ASSERT_EQ(RunCotenant({"--db", f.db(), "-q", "report", "-o", html, "--tlp",
                           std::string(TlpName(clearance))},
                          &out),
              0);
    std::ifstream in(html);
    std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_GT(CheckCanaries(doc, clearance, "report"), 0);
  }
  // --tlp is required: no export without saying who it is for.
  std::string out;
  EXPECT_EQ(RunCotenant({"--db", f.db(), "export", "--format", "stix"}, &out), 2);
  EXPECT_EQ(RunCotenant({"--db", f.db(), "export", "--format", "stix", "--tlp", "purple"}, &out),
            2);
}

}  // namespace
}  // namespace cotenant::testing
