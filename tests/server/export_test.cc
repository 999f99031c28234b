#include "cotenant/export.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "server/misp_csv_export.h"
#include "server/stix_export.h"

namespace cotenant {
namespace {

SharedView SampleView() {
  SharedView v;
  v.policy.clearance = Tlp::kAmber;
  v.as_of = Timestamp::FromUnixSeconds(1741000000);
  auto actor = [&](ActorId id, std::string name, Tlp tlp) {
    SharedActor a;
    a.id = id;
    a.name = std::move(name);
    a.tlp = tlp;
    a.kind = ActorKind::kGroup;
    a.aliases.push_back({a.name + " alias", "misp-galaxy:threat-actor", std::nullopt});
    a.added = v.as_of;
    v.actor_index[id] = v.actors.size();
    v.actors.push_back(std::move(a));
  };
  actor(1, "Copper Lantern", Tlp::kGreen);
  actor(2, "Velvet Hornet", Tlp::kAmber);
  auto indicator = [&](IndicatorType type, std::string value, ActorId actor_id, Tlp tlp) {
    SharedIndicator si;
    si.indicator = {type, value, value};
    si.tlp = tlp;
    si.actors = {actor_id};
    si.added = v.as_of;
    si.first_seen = Timestamp::FromUnixSeconds(1740900000);
    SharedObservation o;
    o.id = static_cast<int64_t>(v.indicators.size() + 1);
    o.actor_id = actor_id;
    o.role = Role::kC2;
    o.source = "vendor-a";
    o.tlp = tlp;
    o.added = v.as_of;
    o.first_seen = si.first_seen;
    o.references = {"https://reports.example/1"};
    si.observations.push_back(o);
    v.indicators.push_back(std::move(si));
  };
  indicator(IndicatorType::kEndpoint, "203.0.113.45:8443", 1, Tlp::kGreen);
  indicator(IndicatorType::kDomain, "evil=cmd.example", 2, Tlp::kAmber);
  SharedFinding f;
  f.actors = {1, 2};
  f.hypothesis = "collaboration";
  f.hypothesis_label = "collaboration or a shared operator";
  f.likelihood = "likely";
  f.probability = 0.62;
  f.confidence = "moderate";
  f.stix_confidence = 50;
  f.score = 71.5;
  f.summary = "Both groups used 203.0.113.45:8443 in the same week";
  f.tlp = Tlp::kAmber;
  f.added = v.as_of;
  v.findings.push_back(f);
  return v;
}

TEST(StixExportTest, PatternsForEveryShape) {
  const struct {
    IndicatorType type;
    const char* value;
    const char* pattern;
  } cases[] = {
      {IndicatorType::kIpv4, "192.0.2.1", "[ipv4-addr:value = '192.0.2.1']"},
      {IndicatorType::kCidr, "2001:db8::/32", "[ipv6-addr:value = '2001:db8::/32']"},
      {IndicatorType::kEndpoint, "[2001:db8::1]:443",
       "[network-traffic:dst_ref.type = 'ipv6-addr' AND network-traffic:dst_ref.value = "
       "'2001:db8::1' AND network-traffic:dst_port = 443]"},
      {IndicatorType::kAsn, "AS64500", "[autonomous-system:number = 64500]"},
      {IndicatorType::kDomain, "*.evil.example", "[domain-name:value LIKE '%.evil.example']"},
      {IndicatorType::kUrl, "http://x.example/a'b", "[url:value = 'http://x.example/a\\'b']"},
      {IndicatorType::kSha256, "ab", "[file:hashes.'SHA-256' = 'ab']"},
      {IndicatorType::kCertSha1, "cd", "[x509-certificate:hashes.'SHA-1' = 'cd']"},
      {IndicatorType::kTelegramHandle, "t.me/relay", "[url:value = 'https://t.me/relay']"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(server::StixPattern(Indicator{c.type, c.value, c.value}), c.pattern) << c.value;
  }
}

TEST(StixExportTest, BundleCarriesMarkingsAndFindings) {
  SharedView v = SampleView();
  std::string bundle = ExportDocument(ExportFormat::kStix, v);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(bundle).get(doc), simdjson::SUCCESS) << bundle;
  EXPECT_EQ(std::string_view(doc["type"]), "bundle");
  std::map<std::string, int> types;
  bool saw_finding = false;
  for (simdjson::dom::element o : doc["objects"].get_array()) {
    std::string type{std::string_view(o["type"])};
    ++types[type];
    if (type == "marking-definition") continue;
    // Every object but the marking definitions carries a TLP 2.0 marking.
    simdjson::dom::array refs;
    ASSERT_EQ(o["object_marking_refs"].get(refs), simdjson::SUCCESS) << type;
    std::string_view ref = refs.at(0);
    ASSERT_TRUE(TlpFromStixMarkingId(ref).has_value());
    EXPECT_LE(*TlpFromStixMarkingId(ref), Tlp::kAmber);
    std::string_view created = o["created"];
    EXPECT_TRUE(created.ends_with(".000Z")) << created;
    if (type == "relationship" && std::string_view(o["relationship_type"]) == "related-to") {
      saw_finding = true;
      EXPECT_EQ(int64_t(o["confidence"]), 50);
      EXPECT_EQ(*TlpFromStixMarkingId(ref), Tlp::kAmber);
      std::string_view d = o["description"];
      EXPECT_NE(d.find("likely"), std::string_view::npos);
    }
  }
  EXPECT_TRUE(saw_finding);
  EXPECT_EQ(types["indicator"], 2);
  EXPECT_EQ(types["intrusion-set"], 2);
  EXPECT_EQ(types["sighting"], 2);
  EXPECT_EQ(types["marking-definition"], 3);  // clear (the identity), green, amber: those in use
  // Ids are stable across exports.
  EXPECT_EQ(bundle, ExportDocument(ExportFormat::kStix, v));
}

TEST(MispExportTest, TagsAndAttributeForms) {
  SharedView v = SampleView();
  std::string event = ExportDocument(ExportFormat::kMisp, v);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(event).get(doc), simdjson::SUCCESS) << event;
  simdjson::dom::element e = doc["Event"];
  EXPECT_EQ(std::string_view(e["Tag"].at(0)["name"]), "tlp:amber");  // most restrictive
  simdjson::dom::array attrs = e["Attribute"];
  ASSERT_EQ(attrs.size(), 2u);
  EXPECT_EQ(std::string_view(attrs.at(0)["type"]), "ip-dst|port");
  EXPECT_EQ(std::string_view(attrs.at(0)["value"]), "203.0.113.45|8443");
  EXPECT_EQ(std::string_view(attrs.at(0)["Tag"].at(0)["name"]), "tlp:green");
  simdjson::dom::array clusters = e["Galaxy"].at(0)["GalaxyCluster"];
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters.at(0)["related"].get_array().size(), 1u);
}

TEST(CsvExportTest, RowsAndQuoting) {
  SharedView v = SampleView();
  std::string csv = ExportDocument(ExportFormat::kCsv, v);
  EXPECT_TRUE(csv.starts_with("kind,type,value,actors,"));
  EXPECT_NE(csv.find("indicator,endpoint,203.0.113.45:8443,Copper Lantern,c2,vendor-a,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("finding,actor-pair,Copper Lantern | Velvet Hornet"), std::string::npos);
  EXPECT_EQ(server::CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(server::CsvField("say \"x\""), "\"say \"\"x\"\"\"");
  EXPECT_EQ(server::CsvField("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  ExportOptions only_findings;
  only_findings.indicators = false;
  std::string f = ExportDocument(ExportFormat::kCsv, v, only_findings);
  EXPECT_EQ(f.find("indicator,"), std::string::npos);
}

}  // namespace
}  // namespace cotenant
