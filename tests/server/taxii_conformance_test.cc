// TAXII 2.1 conformance, written from the OASIS TAXII 2.1 specification's requirements
// (sections cited), against the running server.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

#include "server_fixture.h"

namespace cotenant::testing {
namespace {

const std::string kTaxii = "application/taxii+json;version=2.1";
const std::string kRoot = "/taxii2/api/";
const std::string kColl = "/taxii2/api/collections/2c4d3f6a-7b8e-4c1d-9e0f-a1b2c3d4e5f6/";
const std::string kInbox = "/taxii2/api/collections/8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d/";

std::vector<std::pair<std::string, std::string>> H(Tlp clearance = Tlp::kRed) {
  return {{"Authorization", "Bearer " + ServerFixture::Get().Token(clearance)}, {"Accept", kTaxii}};
}

simdjson::dom::element Parse(simdjson::dom::parser& p, const std::string& body) {
  simdjson::dom::element e;
  EXPECT_EQ(p.parse(body).get(e), simdjson::SUCCESS) << body;
  return e;
}

HttpResult Get(const std::string& target, Tlp clearance = Tlp::kRed) {
  return Http(ServerFixture::Get().port(), "GET", target, H(clearance));
}

// §1.6.8 / §3.4: every response uses the TAXII media type; a request whose Accept does not
// allow it gets 406.
TEST(TaxiiConformanceTest, MediaTypeAndNotAcceptable) {
  for (const std::string& t : {std::string("/taxii2/"), kRoot, kRoot + "collections/", kColl,
                               kColl + "objects/", kColl + "manifest/"}) {
    HttpResult ok = Get(t);
    EXPECT_EQ(ok.status, 200) << t;
    EXPECT_EQ(ok.headers["content-type"], kTaxii) << t;
    for (std::string accept :
         {"application/json", "*/*", "application/taxii+json;version=2.0", "text/html", ""}) {
      auto h = H();
      h.back().second = accept;
      HttpResult r = Http(ServerFixture::Get().port(), "GET", t, h);
      EXPECT_EQ(r.status, 406) << t << " Accept: " << accept;
      EXPECT_EQ(r.headers["content-type"], kTaxii);
    }
  }
  // Media-range lists and the unversioned type (the latest version) are acceptable.
  auto h = H();
  h.back().second = "text/html, application/taxii+json ; version=2.1;q=0.9";
  EXPECT_EQ(Http(ServerFixture::Get().port(), "GET", "/taxii2/", h).status, 200);
}

// §4.1 discovery, §4.2 API root, §5.1 collections, §5.2 collection.
TEST(TaxiiConformanceTest, DiscoveryApiRootCollections) {
  simdjson::dom::parser p;
  auto d = Parse(p, Get("/taxii2/").body);
  std::string_view title = d["title"];
  EXPECT_FALSE(title.empty());
  simdjson::dom::array roots = d["api_roots"];
  ASSERT_EQ(roots.size(), 1u);
  EXPECT_TRUE(std::string_view(roots.at(0)).ends_with(kRoot));
  EXPECT_EQ(std::string_view(d["default"]), std::string_view(roots.at(0)));

  simdjson::dom::parser p2;
  auto root = Parse(p2, Get(kRoot).body);
  EXPECT_EQ(std::string_view(root["versions"].at(0)), kTaxii);
  EXPECT_EQ(int64_t(root["max_content_length"]), 1 << 20);  // the fixture's --max-body-mb 1

  simdjson::dom::parser p3;
  auto colls = Parse(p3, Get(kRoot + "collections/").body);
  simdjson::dom::array list = colls["collections"];
  ASSERT_EQ(list.size(), 2u);
  for (auto c : list) {
    std::string_view id = c["id"];
    EXPECT_EQ(id.size(), 36u);  // a UUID
    bool read = c["can_read"], write = c["can_write"];
    EXPECT_NE(read, write);
    EXPECT_EQ(std::string_view(c["media_types"].at(0)), "application/stix+json;version=2.1");
    simdjson::dom::parser p4;
    auto one = Parse(p4, Get(kRoot + "collections/" + std::string(id) + "/").body);
    EXPECT_EQ(std::string_view(one["id"]), id);
  }
  EXPECT_EQ(Get(kRoot + "collections/00000000-0000-4000-8000-000000000000/").status, 404);
  EXPECT_EQ(Get("/taxii2/nosuchroot/").status, 404);
}

// §5.3 get objects: envelope, limit/next pagination, X-TAXII-Date-Added headers, filters.
TEST(TaxiiConformanceTest, ObjectsEnvelopePaginationAndFilters) {
  simdjson::dom::parser p;
  HttpResult all = Get(kColl + "objects/?limit=1000");
  auto env = Parse(p, all.body);
  EXPECT_FALSE(bool(env["more"]));
  simdjson::dom::array objects = env["objects"];
  size_t total = objects.size();
  ASSERT_GT(total, 10u);
  std::set<std::string> types, ids;
  std::string first_added = all.headers["x-taxii-date-added-first"];
  std::string last_added = all.headers["x-taxii-date-added-last"];
  EXPECT_FALSE(first_added.empty());
  EXPECT_LE(first_added, last_added);
  for (auto o : objects) {
    types.insert(std::string(std::string_view(o["type"])));
    ids.insert(std::string(std::string_view(o["id"])));
    EXPECT_EQ(std::string_view(o["spec_version"]), "2.1");
  }
  EXPECT_EQ(ids.size(), total) << "one version per object";
  for (const char* t : {"indicator", "intrusion-set", "relationship", "sighting", "identity",
                        "marking-definition"}) {
    EXPECT_EQ(types.count(t), 1u) << t;
  }

  // Paging with limit=3 visits every object exactly once, in the same order.
  std::vector<std::string> paged;
  std::string next;
  for (int guard = 0; guard < 1000; ++guard) {
    HttpResult page = Get(kColl + "objects/?limit=3" + (next.empty() ? "" : "&next=" + next));
    ASSERT_EQ(page.status, 200);
    simdjson::dom::parser pp;
    auto e = Parse(pp, page.body);
    simdjson::dom::array arr;
    if (e["objects"].get(arr) == simdjson::SUCCESS) {
      EXPECT_LE(arr.size(), 3u);
      for (auto o : arr) paged.push_back(std::string(std::string_view(o["id"])));
    }
    if (!bool(e["more"])) break;
    std::string_view n = e["next"];
    next = std::string(n);
  }
  EXPECT_EQ(paged.size(), total);
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()), ids);

  // match[type] with a list.
  simdjson::dom::parser p2;
  auto typed = Parse(p2, Get(kColl + "objects/?limit=1000&match[type]=indicator,sighting").body);
  for (auto o : typed["objects"].get_array()) {
    std::string_view t = o["type"];
    EXPECT_TRUE(t == "indicator" || t == "sighting") << t;
  }
  // match[id]: exactly that object.
  std::string some_id = *ids.begin();
  simdjson::dom::parser p3;
  auto by_id = Parse(p3, Get(kColl + "objects/?match[id]=" + some_id).body);
  ASSERT_EQ(by_id["objects"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(by_id["objects"].at(0)["id"]), some_id);
  // match[spec_version]=2.0: nothing (everything here is 2.1); 2.1: everything.
  EXPECT_EQ(Get(kColl + "objects/?match[spec_version]=2.0").body, "{\"more\":false}");
  simdjson::dom::parser p4;
  EXPECT_EQ(Parse(p4, Get(kColl + "objects/?limit=1000&match[spec_version]=2.1").body)["objects"]
                .get_array()
                .size(),
            total);
  // added_after: strictly later than the given time.
  HttpResult after = Get(kColl + "objects/?added_after=" + last_added);
  EXPECT_EQ(after.body, "{\"more\":false}");
  HttpResult before = Get(kColl + "objects/?limit=1000&added_after=2000-01-01T00:00:00.000Z");
  simdjson::dom::parser p5;
  EXPECT_EQ(Parse(p5, before.body)["objects"].get_array().size(), total);
  // Bad filters are 400 with a reason, never ignored.
  for (std::string bad : {"limit=0", "limit=-1", "limit=x", "next=abc", "added_after=yesterday",
                          "match[version]=newest", "bogus=1"}) {
    HttpResult r = Get(kColl + "objects/?" + bad);
    EXPECT_EQ(r.status, 400) << bad;
    simdjson::dom::parser pe;
    auto err = Parse(pe, r.body);
    std::string_view title = err["title"], description = err["description"];
    EXPECT_FALSE(title.empty());
    EXPECT_FALSE(description.empty());
  }
}

// §5.4 manifest, §5.5 get an object, §5.7 versions, match[version].
TEST(TaxiiConformanceTest, ManifestObjectAndVersions) {
  simdjson::dom::parser p;
  HttpResult m = Get(kColl + "manifest/?limit=1000&match[type]=indicator");
  auto man = Parse(p, m.body);
  simdjson::dom::array records = man["objects"];
  ASSERT_GT(records.size(), 0u);
  for (auto r : records) {
    std::string_view id = r["id"], added = r["date_added"], version = r["version"];
    EXPECT_TRUE(id.starts_with("indicator--"));
    EXPECT_TRUE(added.ends_with("Z"));
    EXPECT_EQ(std::string_view(r["media_type"]), "application/stix+json;version=2.1");
    // The object endpoint returns that object in an envelope, at that version.
    simdjson::dom::parser po;
    HttpResult obj = Get(kColl + "objects/" + std::string(id) + "/");
    ASSERT_EQ(obj.status, 200);
    auto env = Parse(po, obj.body);
    ASSERT_EQ(env["objects"].get_array().size(), 1u);
    EXPECT_EQ(std::string_view(env["objects"].at(0)["modified"]), version);
    // versions lists it.
    simdjson::dom::parser pv;
    auto versions = Parse(pv, Get(kColl + "objects/" + std::string(id) + "/versions/").body);
    ASSERT_EQ(versions["versions"].get_array().size(), 1u);
    EXPECT_EQ(std::string_view(versions["versions"].at(0)), version);
    // match[version]: first, last, all and the exact timestamp find it; another time does not.
    for (std::string v :
         {std::string("first"), std::string("last"), std::string("all"), std::string(version)}) {
      simdjson::dom::parser pm;
      auto e = Parse(pm, Get(kColl + "objects/" + std::string(id) + "/?match[version]=" + v).body);
      EXPECT_EQ(e["objects"].get_array().size(), 1u) << v;
    }
    EXPECT_EQ(
        Get(kColl + "objects/" + std::string(id) + "/?match[version]=1999-01-01T00:00:00.000Z")
            .body,
        "{\"more\":false}");
    break;  // one is enough for the per-object checks
  }
  EXPECT_EQ(Get(kColl + "objects/indicator--00000000-0000-4000-8000-000000000000/").status, 404);
}

// §5.6 add objects: only to a writable collection, with the TAXII content type; answers 202
// with a status resource (§4.3) that GET status returns to the same client only.
TEST(TaxiiConformanceTest, PostObjectsAndStatus) {
  ServerFixture& f = ServerFixture::Get();
  const std::string good_id = "indicator--6a2b0c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  const std::string envelope =
      "{\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" + good_id +
      "\",\"created\":\"2025-04-01T00:00:00.000Z\",\"modified\":\"2025-04-02T00:00:00.000Z\","
      "\"pattern\":\"[ipv4-addr:value = '198.51.100.201']\",\"pattern_type\":\"stix\","
      "\"valid_from\":\"2025-04-01T00:00:00Z\",\"object_marking_refs\":[\"marking-definition--"
      "bab4a63c-aed9-4cf5-a766-dfca5abac2bb\"]},"
      "{\"type\":\"indicator\",\"id\":\"malware--1\"}, 17]}";
  auto post = [&](const std::string& target, const std::string& content_type,
                  const std::string& body, Tlp who) {
    auto h = H(who);
    h.emplace_back("Content-Type", content_type);
    return Http(f.port(), "POST", target, h, body);
  };
  EXPECT_EQ(post(kColl + "objects/", kTaxii, envelope, Tlp::kGreen).status, 403);
  EXPECT_EQ(post(kInbox + "objects/", "application/json", envelope, Tlp::kGreen).status, 415);
  EXPECT_EQ(post(kInbox + "objects/", kTaxii, "{not json", Tlp::kGreen).status, 400);
  EXPECT_EQ(post(kInbox + "objects/", kTaxii, "[1,2]", Tlp::kGreen).status, 400);
  EXPECT_EQ(Get(kInbox + "objects/").status, 403);  // write-only collection
  {
    // A token without the upload permission may not post, and is told the inbox is not
    // writable for it.
    std::vector<std::pair<std::string, std::string>> ro = {
        {"Authorization", "Bearer " + f.ReadOnlyToken()},
        {"Accept", kTaxii},
        {"Content-Type", kTaxii}};
    HttpResult denied = Http(f.port(), "POST", kInbox + "objects/", ro, envelope);
    EXPECT_EQ(denied.status, 403) << denied.body;
    EXPECT_NE(denied.body.find("--ingest"), std::string::npos) << denied.body;
    simdjson::dom::parser pc;
    auto inbox = Parse(pc, Http(f.port(), "GET", kInbox, ro).body);
    EXPECT_FALSE(bool(inbox["can_write"]));
    simdjson::dom::parser pw;
    EXPECT_TRUE(bool(Parse(pw, Get(kInbox, Tlp::kGreen).body)["can_write"]));
  }

  HttpResult r = post(kInbox + "objects/", kTaxii, envelope, Tlp::kGreen);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.headers["content-type"], kTaxii);
  simdjson::dom::parser p;
  auto status = Parse(p, r.body);
  std::string id{std::string_view(status["id"])};
  EXPECT_EQ(std::string_view(status["status"]), "complete");
  EXPECT_EQ(int64_t(status["total_count"]), 3);
  EXPECT_EQ(int64_t(status["success_count"]) + int64_t(status["failure_count"]) +
                int64_t(status["pending_count"]),
            3);
  EXPECT_EQ(int64_t(status["failure_count"]), 2);
  EXPECT_EQ(std::string_view(status["successes"].at(0)["id"]), good_id);
  EXPECT_EQ(std::string_view(status["successes"].at(0)["version"]), "2025-04-02T00:00:00.000Z");

  HttpResult again = Get(kRoot + "status/" + id + "/", Tlp::kGreen);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, r.body);
  EXPECT_EQ(Get(kRoot + "status/" + id + "/", Tlp::kRed).status, 404);  // not the poster
  EXPECT_EQ(Get(kRoot + "status/00000000-0000-4000-8000-000000000000/", Tlp::kGreen).status, 404);

  // The posted value is now in the store, visible at its marking (green) and not below it.
  HttpResult green = Http(f.port(), "GET", "/api/lookup?value=198.51.100.201",
                          {{"Authorization", "Bearer " + f.Token(Tlp::kGreen)}});
  EXPECT_EQ(green.status, 200) << green.body;
  HttpResult clear = Http(f.port(), "GET", "/api/lookup?value=198.51.100.201",
                          {{"Authorization", "Bearer " + f.Token(Tlp::kClear)}});
  EXPECT_EQ(clear.status, 404);
}

TEST(TaxiiConformanceTest, MethodsNotAllowed) {
  ServerFixture& f = ServerFixture::Get();
  for (const std::string& t :
       {std::string("/taxii2/"), kRoot, kRoot + "collections/", kColl, kColl + "manifest/"}) {
    for (const char* m : {"POST", "PUT", "DELETE", "PATCH"}) {
      EXPECT_EQ(Http(f.port(), m, t, H()).status, 405) << m << " " << t;
    }
  }
}

}  // namespace
}  // namespace cotenant::testing
