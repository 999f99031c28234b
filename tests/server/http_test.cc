// The JSON API and the HTTP transport against the running server: routes, ingest, match,
// limits, timeouts and malformed input (always a 4xx with a reason, never a crash).
#include "server/http.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <set>
#include <thread>

#include "server_fixture.h"

namespace cotenant::testing {
namespace {

std::vector<std::pair<std::string, std::string>> Auth(Tlp clearance = Tlp::kRed) {
  return {{"Authorization", "Bearer " + ServerFixture::Get().Token(clearance)}};
}

TEST(HttpApiTest, WhoamiActorsPairsExplain) {
  ServerFixture& f = ServerFixture::Get();
  HttpResult who = Http(f.port(), "GET", "/api/whoami", Auth(Tlp::kAmber));
  EXPECT_EQ(who.body,
            "{\"name\":\"t-Amber\",\"organisation\":\"Test Org "
            "Amber\",\"clearance\":\"amber\",\"can_ingest\":true}");
  HttpResult actors = Http(f.port(), "GET", "/api/actors", Auth());
  EXPECT_NE(actors.body.find("\"name\":\"Canary Red Alpha\""), std::string::npos);
  HttpResult pairs = Http(f.port(), "GET", "/api/pairs?min_score=0", Auth());
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(pairs.body).get(doc), simdjson::SUCCESS);
  simdjson::dom::array list = doc["pairs"];
  // At least the pair of each level (the analysis also links levels through /24s and ports).
  ASSERT_GE(list.size(), 6u);
  auto level_of = [](std::string_view name) {
    for (Tlp level : kCanaryLevels) {
      if (name.find(" " + CanaryWord(level) + " ") != std::string_view::npos) return level;
    }
    return Tlp::kUnmarked;
  };
  std::set<Tlp> same_level_pairs;
  for (auto pair : list) {
    std::string_view x = pair["actors"].at(0)["name"], y = pair["actors"].at(1)["name"];
    if (level_of(x) == level_of(y)) same_level_pairs.insert(level_of(x));
  }
  EXPECT_EQ(same_level_pairs.size(), 6u);
  for (auto pair : list) {
    int64_t a = pair["actors"].at(0)["id"], b = pair["actors"].at(1)["id"];
    HttpResult explain =
        Http(f.port(), "GET", "/api/pairs/" + std::to_string(b) + "/" + std::to_string(a), Auth());
    EXPECT_EQ(explain.status, 200);
    simdjson::dom::parser pe;
    simdjson::dom::element e;
    ASSERT_EQ(pe.parse(explain.body).get(e), simdjson::SUCCESS);
    EXPECT_GT(e["evidence"].get_array().size(), 0u);
    EXPECT_GT(e["hypotheses"].get_array().size(), 0u);
    std::string_view likelihood = e["likelihood"];
    EXPECT_FALSE(likelihood.empty());
    // The pair's marking is the most restrictive of its evidence: of both actors' levels.
    std::string_view tlp = pair["tlp"];
    std::string_view x = pair["actors"].at(0)["name"], y = pair["actors"].at(1)["name"];
    EXPECT_EQ(tlp, TlpName(MostRestrictive(Handled(level_of(x)), Handled(level_of(y)))))
        << x << " / " << y;
  }
  HttpResult filtered = Http(f.port(), "GET", "/api/pairs?min_score=101", Auth());
  EXPECT_EQ(filtered.body, "{\"pairs\":[]}");
  EXPECT_EQ(Http(f.port(), "GET", "/api/pairs?min_score=abc", Auth()).status, 400);
  EXPECT_EQ(Http(f.port(), "GET", "/api/pairs/x/y", Auth()).status, 400);
}

TEST(HttpApiTest, LookupParsesAndCanonicalizes) {
  ServerFixture& f = ServerFixture::Get();
  // Defanged input is refanged before lookup.
  HttpResult r = Http(f.port(), "GET", "/api/lookup?value=203.0.113.15%5B.%5D", Auth());
  HttpResult defanged = Http(f.port(), "GET", "/api/lookup?value=203%5B.%5D0.113.15", Auth());
  EXPECT_EQ(defanged.status, 200) << defanged.body;
  EXPECT_NE(defanged.body.find("\"value\":\"203.0.113.15\""), std::string::npos);
  (void)r;
  EXPECT_EQ(Http(f.port(), "GET", "/api/lookup", Auth()).status, 400);
  HttpResult bad = Http(f.port(), "GET", "/api/lookup?value=not%20a%20value", Auth());
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"error\":"), std::string::npos);
  EXPECT_EQ(Http(f.port(), "GET", "/api/lookup?value=1.2.3.4&type=nosuchtype", Auth()).status, 400);
}

TEST(HttpApiTest, IngestUploadAndMatchLog) {
  ServerFixture& f = ServerFixture::Get();
  std::string list = "# uploaded\n192.0.2.199\nnot-a-value\n";
  HttpResult up = Http(f.port(), "POST",
                       "/api/ingest?name=upload.txt&format=plain&actor=Upload%20Group&tlp=green",
                       Auth(Tlp::kGreen), list);
  EXPECT_EQ(up.status, 200) << up.body;
  EXPECT_NE(up.body.find("\"records\":1"), std::string::npos) << up.body;
  EXPECT_NE(up.body.find("\"rejected\":1"), std::string::npos) << up.body;
  EXPECT_NE(up.body.find("upload.txt:3"), std::string::npos) << up.body;
  EXPECT_EQ(up.body.find("/tmp"), std::string::npos) << "no server paths in answers";
  // Uploading the same content again gives the same answer (nothing tells it was known).
  HttpResult again = Http(f.port(), "POST",
                          "/api/ingest?name=upload.txt&format=plain&actor=Upload%20Group&tlp=green",
                          Auth(Tlp::kGreen), list);
  EXPECT_EQ(again.body, up.body);
  HttpResult seen = Http(f.port(), "GET", "/api/lookup?value=192.0.2.199", Auth(Tlp::kGreen));
  EXPECT_EQ(seen.status, 200);
  EXPECT_NE(seen.body.find("Upload Group"), std::string::npos);

  EXPECT_EQ(Http(f.port(), "POST", "/api/ingest?format=nosuch", Auth(), "x").status, 400);
  EXPECT_EQ(Http(f.port(), "POST", "/api/ingest", Auth(), "").status, 400);
  EXPECT_EQ(Http(f.port(), "GET", "/api/ingest", Auth()).status, 405);
  // A read-only token reads everything its clearance allows but cannot add to the store.
  std::vector<std::pair<std::string, std::string>> ro = {
      {"Authorization", "Bearer " + f.ReadOnlyToken()}};
  HttpResult denied =
      Http(f.port(), "POST", "/api/ingest?name=ro.txt&format=plain&actor=RO", ro, "192.0.2.198\n");
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_NE(denied.body.find("--ingest"), std::string::npos) << denied.body;
  EXPECT_EQ(Http(f.port(), "GET", "/api/lookup?value=192.0.2.198", Auth()).status, 404);
  HttpResult who = Http(f.port(), "GET", "/api/whoami", ro);
  EXPECT_NE(who.body.find("\"can_ingest\":false"), std::string::npos) << who.body;
  EXPECT_NE(Http(f.port(), "GET", "/api/whoami", Auth()).body.find("\"can_ingest\":true"),
            std::string::npos);

  // The matcher: a Zeek-style plain list of observed values; only visible indicators alert.
  std::string log = Canaries(Tlp::kGreen)[3] + "\n" + Canaries(Tlp::kRed)[3] + "\n192.0.2.1\n";
  HttpResult green = Http(f.port(), "POST", "/api/match?format=plain", Auth(Tlp::kGreen), log);
  ASSERT_EQ(green.status, 200) << green.body;
  EXPECT_NE(green.body.find(Canaries(Tlp::kGreen)[0]), std::string::npos) << green.body;
  EXPECT_EQ(green.body.find("Canary Red"), std::string::npos) << green.body;
  EXPECT_NE(green.body.find("\"alerts\":1"), std::string::npos) << green.body;
  HttpResult red = Http(f.port(), "POST", "/api/match?format=plain", Auth(Tlp::kRed), log);
  EXPECT_NE(red.body.find("\"alerts\":2"), std::string::npos) << red.body;
  EXPECT_EQ(Http(f.port(), "POST", "/api/match?format=pcap", Auth(), log).status, 400);
}

TEST(HttpApiTest, ExportsHaveTheirMediaTypes) {
  ServerFixture& f = ServerFixture::Get();
  EXPECT_EQ(Http(f.port(), "GET", "/api/export?format=stix", Auth()).headers["content-type"],
            "application/stix+json;version=2.1");
  EXPECT_EQ(Http(f.port(), "GET", "/api/export?format=csv", Auth()).headers["content-type"],
            "text/csv; charset=utf-8");
  EXPECT_EQ(Http(f.port(), "GET", "/api/export?format=xml", Auth()).status, 400);
}

TEST(HttpTransportTest, MalformedRequestsGet4xxWithAReason) {
  ServerFixture& f = ServerFixture::Get();
  const std::string token = f.Token(Tlp::kRed);
  struct Case {
    std::string raw;
    std::string status;
  } cases[] = {
      {"GARBAGE\r\n\r\n", "400"},
      {"GET /api/whoami HTTP/9.9\r\n\r\n", "400"},
      {"GET api/whoami HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
      {"GET /api/lookup?value=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
           "\r\n\r\n",
       "400"},
      {"GET /api/lookup?value=a%00b HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
           "\r\n\r\n",
       "400"},
      {"POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n", "413"},
      {"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n", "431"},
      {"POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", "400"},
      {"POST /api/ingest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400"},
  };
  for (const Case& c : cases) {
    std::string answer = RawHttp(f.port(), c.raw);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 " + c.status)) << c.raw.substr(0, 60) << "\n"
                                                            << answer.substr(0, 200);
    EXPECT_NE(answer.find("\"error\":"), std::string::npos) << answer.substr(0, 300);
  }
  // Bad JSON bodies: POST to TAXII inbox with garbage is a 400, as tested in the conformance
  // suite; an unknown route is a 404 with the path.
  HttpResult unknown = Http(f.port(), "GET", "/api/nosuch", Auth());
  EXPECT_EQ(unknown.status, 404);
  // The server is still up after all of it.
  EXPECT_EQ(Http(f.port(), "GET", "/api/whoami", Auth()).status, 200);
}

TEST(HttpTransportTest, IdleAndSlowConnectionsTimeOut) {
  ServerFixture& f = ServerFixture::Get();  // --timeout 3
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(f.port())});
  boost::asio::write(socket, boost::asio::buffer(std::string("GET /api/whoami HTTP/1.1\r\nHo")));
  auto start = std::chrono::steady_clock::now();
  char buf[256];
  boost::system::error_code ec;
  socket.read_some(boost::asio::buffer(buf), ec);  // blocks until the server closes
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset)
      << ec.message();
  EXPECT_GE(waited, 2.0);
  EXPECT_LT(waited, 15.0);
  EXPECT_EQ(Http(f.port(), "GET", "/api/whoami", Auth()).status, 200);
}

TEST(HttpTransportTest, KeepAliveServesSeveralRequests) {
  ServerFixture& f = ServerFixture::Get();
  std::string req = "GET /api/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                    f.Token(Tlp::kGreen) + "\r\n\r\n";
  std::string answer =
      RawHttp(f.port(), req + req + req.substr(0, req.size() - 2) + "Connection: close\r\n\r\n");
  size_t count = 0;
  for (size_t at = 0; (at = answer.find("HTTP/1.1 200", at)) != std::string::npos; ++at) ++count;
  EXPECT_EQ(count, 3u);
}

TEST(ParseTargetTest, SplitsAndDecodes) {
  server::HttpRequest r;
  ASSERT_TRUE(server::ParseTarget("/a%20b/c?x=1&y=a+b&z=%41&flag&=v", &r).ok());
  EXPECT_EQ(r.path, "/a b/c");
  ASSERT_EQ(r.query.size(), 5u);
  EXPECT_EQ(*r.Query("y"), "a b");
  EXPECT_EQ(*r.Query("z"), "A");
  EXPECT_EQ(*r.Query("flag"), "");
  for (const char* bad : {"", "x", "/%", "/%4", "/%zz", "/?a=%00", "http://host/"}) {
    EXPECT_FALSE(server::ParseTarget(bad, &r).ok()) << bad;
  }
}

}  // namespace
}  // namespace cotenant::testing
