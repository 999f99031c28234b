// The MISP reader's flat fast path (readers/misp.cc: a flat attribute of plain strings read from
// its JSON text without simdjson) must deliver exactly what the general path delivers: the same
// records in the same order, field for field, the same rejections and the same read errors.
// Randomized events mix attributes the fast path takes with every kind it must decline
// (escapes, non-ASCII, numbers, nested tags, white space, odd literals, broken JSON, rejected
// values), and each event is read with the fast path on and off.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "cotenant/reader.h"
#include "readers/readers.h"

namespace cotenant {
namespace {

// Every field of every record, in arrival order.
class TranscriptSink : public IngestSink {
 public:
  void OnSource(const Source& s) override {
    out += "source " + s.name + "|" + s.url + "|" + std::string(1, s.reliability) + "\n";
  }
  void OnObservation(Observation&& o) override {
    out += "obs " + std::string(IndicatorTypeName(o.indicator.type)) + "|" + o.indicator.value +
           "|" + o.indicator.display + "|" + o.actor + "|" + std::string(RoleName(o.role)) + "|" +
           o.source + "|" + Time(o.first_seen) + "|" + Time(o.last_seen) + "|" +
           std::to_string(o.confidence) + "|" + std::string(TlpName(o.tlp)) + "|" +
           o.original_text + "|" + o.description + "|" + (o.exact ? "exact" : "inexact") + "|" +
           Where(o.location) + "|refs";
    for (const auto& r : o.references) out += " " + r;
    out += "|basis";
    for (const auto& b : o.basis) out += " " + b;
    out += "\n";
  }
  void OnRelationship(Relationship&& r) override {
    out += "rel " + std::string(IndicatorTypeName(r.from.type)) + "|" + r.from.value + "|" +
           r.kind + "|" + std::string(IndicatorTypeName(r.to.type)) + "|" + r.to.value + "|" +
           Time(r.first_seen) + "|" + Time(r.last_seen) + "|" + std::to_string(r.count) + "|" +
           r.source + "|" + std::string(TlpName(r.tlp)) + "|" + Where(r.location) + "\n";
  }
  void OnActor(ActorRecord&& a) override { out += "actor " + a.name + "\n"; }
  void OnRejection(Rejection&& r) override {
    out += "reject " + Where(r.location) + "|" + r.reason + "|" + r.text + "\n";
  }
  std::string out;

 private:
  static std::string Time(const std::optional<Timestamp>& t) {
    return t ? std::to_string(t->unix_seconds()) : "-";
  }
  static std::string Where(const Location& l) {
    return l.file + ":" + std::to_string(l.line) + ":" + l.json_path;
  }
};

// `chunk`: bytes per read (0: the reader's default), so that attributes break across reads.
std::string Read(const std::string& text, bool flat_path, const ReadOptions& options = {},
                 size_t chunk = 0) {
  readers::SetMispFlatPathForTesting(flat_path);
  readers::SetMispReadChunkForTesting(chunk);
  TranscriptSink sink;
  Status s = readers::ReadMispJson(text, "event.json", options, sink);
  readers::SetMispFlatPathForTesting(true);
  readers::SetMispReadChunkForTesting(0);
  return sink.out + "status " + s.ToString() + "\n";
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class EventGenerator {
 public:
  explicit EventGenerator(uint32_t seed) : rng_(seed) {}

  std::string Event(int attributes) {
    std::string out = R"({"Event": {"uuid": "5e2c4a52-0000-4000-8000-000000000001", )";
    if (Chance(80)) out += R"("date": "2024-01-01", )";
    out += R"("Orgc": {"name": "org"}, "Attribute": [)";
    for (int i = 0; i < attributes; ++i) {
      if (i > 0) out += Pick({",", ", ", ",\n  "});
      out += Attribute();
    }
    out += "]";
    if (Chance(50)) out += R"(, "Tag": [{"name": "tlp:green"}])";
    if (Chance(30)) {
      out += R"(, "Galaxy": [{"type": "threat-actor", "GalaxyCluster": [{"value": "Group A"}]}])";
    }
    if (Chance(20)) {
      out += R"(, "Object": [{"name": "domain-ip", "Attribute": [)" + Attribute() + ", " +
             Attribute() + "]}]";
    }
    return out + "}}";
  }

 private:
  bool Chance(int percent) { return std::uniform_int_distribution<int>(0, 99)(rng_) < percent; }
  std::string Pick(std::initializer_list<const char*> options) {
    auto it = options.begin();
    std::advance(it, std::uniform_int_distribution<size_t>(0, options.size() - 1)(rng_));
    return *it;
  }
  std::string Space() { return Chance(85) ? "" : Pick({" ", "\n", "\t", "\r\n  "}); }
  std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

  // A JSON value for a key the reader does not read (it must still be valid JSON).
  std::string OtherValue() {
    if (Chance(70)) return Quoted(Pick({"1", "5e2c4a52-0000-4000-8000-0000000000aa", "", "x y"}));
    return Pick({"1",
                 "0",
                 "-3",
                 "170406720",
                 "12345678901234567",
                 "123456789012345678",
                 "123456789012345678901234",
                 "1.5",
                 "-0",
                 "0.0",
                 "1e3",
                 "true",
                 "false",
                 "null",
                 "[]",
                 "{}",
                 "[1, 2]",
                 "{\"a\": \"b\"}",
                 "\"\\u0041\"",
                 "\"caf\xc3\xa9\""});
  }

  std::string TypeAndValue(std::string* value) {
    struct Case {
      const char* type;
      std::vector<const char*> values;
    };
    static const std::vector<Case> kCases = {
        {"ip-dst", {"203.0.113.5", "2001:db8::1", "1.2.3", "203.0.113[.]9", " 198.51.100.7 "}},
        {"ip-src", {"192.0.2.1"}},
        {"domain",
         {"evil.example.com", "EVIL.Example.COM", "xn--bcher-kva.example", "-bad-.com",
          "b\xc3\xbc"
          "cher.example",
          "evil[.]example.net"}},
        {"hostname", {"c2.example.org"}},
        {"url",
         {"http://evil.example.com/gate.php?id=1", "hxxp://evil[.]example.com/a",
          "https://EXAMPLE.com/Path", "not a url", "http://evil.example.com/a\\/b"}},
        {"sha256",
         {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "abc"}},
        {"md5", {"d41d8cd98f00b204e9800998ecf8427e"}},
        {"ip-dst|port", {"203.0.113.5|443", "203.0.113.5|99999", "nope"}},
        {"domain|ip", {"a.example.com|203.0.113.5", "a.example.com|x"}},
        {"filename|sha256",
         {"invoice.exe|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
        {"hostname|port", {"a.example.com|8080"}},
        {"email-src", {"bad@example.com"}},
        {"AS", {"AS64500", "64500"}},
        {"jarm-fingerprint", {"27d40d40d29d40d1dc42d43d00041d4689ee210389f4f6b4b5b1b93f92252d"}},
        {"port", {"443"}},
        {"link", {"https://report.example/a"}},
        {"mutex", {"Global\\\\x"}},
        {"text", {"free text"}},
    };
    const Case& c = kCases[std::uniform_int_distribution<size_t>(0, kCases.size() - 1)(rng_)];
    *value = c.values[std::uniform_int_distribution<size_t>(0, c.values.size() - 1)(rng_)];
    return c.type;
  }

  std::string Attribute() {
    std::string value;
    std::string type = TypeAndValue(&value);
    std::vector<std::string> members;
    auto member = [&](const std::string& key, const std::string& json) {
      members.push_back(Quoted(key) + Space() + ":" + Space() + json);
    };
    if (!Chance(3)) {
      member(Chance(2) ? "typ\\u0065" : "type", Chance(3) ? "7" : Quoted(type));
    }
    if (!Chance(3)) {
      std::string v = value;
      if (Chance(3)) v = v + "\\/";           // an escape
      if (Chance(2)) v = "\xe2\x80\x8b" + v;  // non-ASCII
      member("value", Chance(2) ? "42" : Quoted(v));
    }
    if (Chance(60)) member("category", Quoted(Pick({"Network activity", "Payload delivery", ""})));
    if (Chance(70)) {
      member("to_ids", Pick({"true", "false", "true", "false", "\"0\"", "\" TRUE \"", "\"x\"", "0",
                             "1", "null", "1.0"}));
    }
    if (Chance(50)) {
      member("comment", Chance(90) ? Quoted(Pick({"C2 server", "", " payload host ", "stager"}))
                                   : Pick({"null", "3", "\"tab\\there\""}));
    }
    if (Chance(50)) {
      member("deleted",
             Pick({"false", "false", "false", "true", "\"1\"", "\"false\"", "0", "1", "null"}));
    }
    for (const char* key : {"first_seen", "last_seen"}) {
      if (Chance(25)) {
        member(key, Pick({"null", "\"\"", "\"2023-05-01\"", "\"2023-05-01T10:00:00Z\"",
                          "\"2025-01-01T00:00:00.000000+00:00\"", "\"bogus\"", "\" 2022-01-01 \"",
                          "1700000000", "true", "\"1700000000\""}));
      }
    }
    if (Chance(5)) member("object_relation", Quoted("ip"));
    if (Chance(8)) {
      member("Tag", Pick({R"([{"name": "tlp:red"}])",
                          R"([{"name": "misp-galaxy:threat-actor=\"Group B\""}])", "[]", "null",
                          "\"tlp:red\""}));
    }
    if (Chance(4)) member("Galaxy", Pick({"[]", "null", "{}"}));
    // Keys the reader does not read, and repeated keys (the first counts).
    const int others = std::uniform_int_distribution<int>(0, 4)(rng_);
    for (int k = 0; k < others; ++k) {
      member(Pick({"id", "uuid", "event_id", "timestamp", "distribution", "sharing_group_id",
                   "disable_correlation", ""}),
             OtherValue());
    }
    if (Chance(4)) member("type", Quoted("domain"));
    if (Chance(4)) member("value", Quoted("second.example.com"));
    std::shuffle(members.begin(), members.end(), rng_);
    std::string out = "{" + Space();
    for (size_t k = 0; k < members.size(); ++k) {
      if (k > 0) out += "," + Space();
      out += members[k];
    }
    out += Space() + "}";
    // Rarely not JSON at all (the read stops there, on both paths alike).
    if (Chance(1)) {
      out = Pick({R"({"type": "domain", "value": "a.example.com",})",
                  R"({"type": "domain" "value": "a.example.com"})",
                  R"({"type": "domain", "value": "a.example.com"} x)",
                  R"({"type": "domain", "value": tru})",
                  R"({"type": "domain", "value": "a.example.com", "n": 01})",
                  "{\"type\": \"domain\", \"value\": \"a\x01.example.com\"}",
                  "{\"type\": \"domain\", \"value\": \"\xff.example.com\"}",
                  R"({"type": "domain", "value": "a.example.com", "n": -})"});
    }
    return out;
  }

  std::mt19937 rng_;
};

TEST(MispFlatPathTest, RandomEventsReadAlikeOnBothPaths) {
  int differing = 0;
  size_t observations = 0, rejections = 0;
  const size_t fast_before = readers::MispFlatPathReadsForTesting();
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    EventGenerator g(seed);
    const std::string text = g.Event(1 + static_cast<int>(seed % 40));
    const std::string general = Read(text, false);
    // The whole text in one read, and reads that end inside attributes.
    for (size_t chunk : {size_t{0}, size_t{1} + seed % 97, size_t{200} + seed % 300}) {
      const std::string fast = Read(text, true, {}, chunk);
      if (chunk == 0) {
        observations += Count(fast, "\nobs ");
        rejections += Count(fast, "\nreject ");
      }
      if (general != fast && ++differing <= 3) {
        ADD_FAILURE() << "seed " << seed << ", reads of " << chunk << " bytes\n"
                      << text << "\ngeneral path:\n"
                      << general << "fast path:\n"
                      << fast;
      }
    }
  }
  EXPECT_EQ(differing, 0);
  // Not a comparison of empty transcripts: both paths had work.
  EXPECT_GT(observations, 1000u);
  EXPECT_GT(rejections, 500u);
  EXPECT_GT(readers::MispFlatPathReadsForTesting() - fast_before, 1000u);
}

TEST(MispFlatPathTest, OptionsApplyAlikeOnBothPaths) {
  ReadOptions options;
  options.actor = "Given Actor";
  options.source = "given-source";
  options.role = Role::kC2;
  options.tlp = Tlp::kAmber;
  for (uint32_t seed = 1000; seed < 1050; ++seed) {
    EventGenerator g(seed);
    const std::string text = g.Event(20);
    EXPECT_EQ(Read(text, false, options), Read(text, true, options)) << text;
  }
}

// The cases the generator leans on, one at a time: each is read alike on both paths, and the
// plain ones are delivered (so the comparison above is not between two empty transcripts).
TEST(MispFlatPathTest, EdgeCasesReadAlike) {
  const std::vector<std::pair<std::string, size_t>> cases = {
      {R"({"type":"ip-dst","value":"203.0.113.5"})", 1},
      {R"({ "type" : "domain" , "value" : "a.example.com" , "to_ids" : false })", 1},
      {R"({"value":"a.example.com","type":"domain","type":"url"})", 1},
      {R"({"type":"domain","value":"a.example.com","deleted":true})", 0},
      {R"({"type":"domain","value":"a.example.com","deleted":"1"})", 0},
      {R"({"type":"domain","value":"a.example.com","deleted":1})", 0},
      {R"({"type":"domain","value":"a.example.com","first_seen":"2023-01-01",)"
       R"("last_seen":"2022-01-01"})",
       0},
      {R"({"type":"domain","value":"a.example.com","first_seen":"2023-01-01"})", 1},
      {R"({"type":"domain","value":"a.example.com","first_seen":true})", 0},
      {R"({"type":"domain","value":"a.example.com","first_seen":1700000000})", 1},
      {R"({"type":"domain","value":"a.example.com","first_seen":"nope"})", 0},
      {R"({"type":"domain","value":"a.example.com","Tag":[{"name":"tlp:red"}]})", 1},
      {R"({"type":"domain","value":"a.example.com","Tag":"tlp:red"})", 1},
      // simdjson refuses integers past 64 bits: the read stops there.
      {R"({"type":"domain","value":"a.example.com","id":12345678901234567890123})", 0},
      {R"({"type":"domain","value":"a.example.com","id":-0})", 1},
      {R"({"type":"domain","value":"a.example.com","id":1.5e3})", 1},
      {R"({"type":"domain","value":"a\u002eexample.com"})", 1},
      {R"({"type":"port","value":"443"})", 0},
      {R"({"type":"mutex","value":"x"})", 0},
      {R"({"type":"link","value":"https://r.example/x"})", 0},
      {R"({"type":"domain|ip","value":"a.example.com|203.0.113.5"})", 2},
      {R"({"type":"domain"})", 0},
      {R"({})", 0},
      {R"("just a string")", 0},
      {R"({"type":"domain","value":"a.example.com","comment":7,"category":null})", 1},
  };
  for (const auto& [attribute, delivered] : cases) {
    const std::string text =
        R"({"Event": {"date": "2024-01-01", "Attribute": [)" + attribute + "]}}";
    const std::string fast = Read(text, true);
    EXPECT_EQ(Read(text, false), fast) << attribute;
    // The source comes first: each observation starts a line.
    EXPECT_EQ(Count(fast, "\nobs "), delivered) << attribute << "\n" << fast;
  }
}

}  // namespace
}  // namespace cotenant
