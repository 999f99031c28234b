// Scenario generator with planted truth (see scenario.h).
#include "analysis/scenario.h"

#include <random>

#include "cotenant/ip.h"

namespace cotenant::analysis_scenario {

namespace {

constexpr int64_t kBase = 1672531200;  // 2023-01-01
constexpr int64_t kDaySeconds = 86400;

class Generator {
 public:
  Generator(const ScenarioOptions& options, Scenario* s)
      : opt_(options), s_(*s), rng_(options.seed) {}

  void Run();

 private:
  using T = IndicatorType;
  ActorId NewActor(const std::string& name, ActorKind kind = ActorKind::kGroup,
                   std::vector<ActorId> candidates = {}, std::vector<ActorId> part_of = {}) {
    ActorInfo info;
    info.id = next_actor_++;
    info.name = name;
    info.kind = kind;
    info.candidates = std::move(candidates);
    info.part_of = std::move(part_of);
    info.aliases.push_back({name, "scenario", std::nullopt});
    index_[info.id] = s_.input.AddActor(info);
    return info.id;
  }
  void Obs(ActorId actor, T type, const std::string& value, const std::string& source,
           int64_t first_day, int64_t last_day, std::vector<std::string> basis = {},
           bool estimated = false, Role role = Role::kUnknown) {
    AnalysisInput::ObservationIn o;
    o.value = s_.input.AddValue(type, value);
    o.actor = actor == 0 ? kNoActor : index_[actor];
    o.source = s_.input.AddSource(source);
    o.name = actor == 0 ? 0 : s_.input.AddName(s_.input.actor(index_[actor]).name);
    o.first = kBase + first_day * kDaySeconds;
    o.last = kBase + last_day * kDaySeconds;
    o.estimated = estimated;
    o.basis = s_.input.AddItemList(basis);
    o.role = role;
    s_.input.AddObservation(o);
  }
  void Resolves(const std::string& domain, const std::string& ip, int64_t first_day,
                int64_t last_day) {
    AnalysisInput::RelationshipIn r;
    r.from = s_.input.AddValue(T::kDomain, domain);
    r.to = s_.input.AddValue(T::kIpv4, ip);
    r.kind = "resolves-to";
    r.first = kBase + first_day * kDaySeconds;
    r.last = kBase + last_day * kDaySeconds;
    r.has_time = true;
    r.source = s_.input.AddSource("pdns");
    s_.input.AddRelationship(r);
  }
  std::string Net() {
    uint32_t n = next_net_++;
    return "10." + std::to_string(n >> 8) + "." + std::to_string(n & 255) + ".";
  }
  std::string Hex(int n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < n; ++i) out.push_back(kHex[rng_() % 16]);
    return out;
  }
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  void Plant(ActorId a, ActorId b, Hypothesis truth, std::string note) {
    s_.planted.push_back({a, b, truth, std::move(note)});
  }
  // Each planted actor also has a little infrastructure of its own.
  void OwnStuff(ActorId actor, const std::string& tag, const std::string& source, int64_t day) {
    std::string net = Net();
    Obs(actor, T::kIpv4, net + "5", source, day, day + Uniform(5, 60));
    Obs(actor, T::kDomain, tag + "-own.example", source, day, day + Uniform(5, 60));
    Obs(actor, T::kSha256, Hex(64), source, day, day, {});
  }

  void Collaboration(int i);
  void SharedProvider(int i);
  void CdnFront(int i);
  void Reallocation(int i);
  void Sinkhole(int i);
  void Proxy(int i);
  void ConflictingAttribution(int i);
  void Imitation(int i);
  void SameActor(int i);
  void SharedHosting(int i);
  void Background();

  const ScenarioOptions& opt_;
  Scenario& s_;
  std::mt19937_64 rng_;
  ActorId next_actor_ = 1;
  uint32_t next_net_ = 1;
  std::unordered_map<ActorId, uint32_t> index_;
};

void Generator::Collaboration(int i) {
  std::string tag = "collab" + std::to_string(i);
  ActorId a = NewActor(tag + "-a");
  ActorId b = NewActor(tag + "-b");
  std::string ip = Net() + "10";
  std::string port = std::to_string(Uniform(1025, 65000));
  int64_t t = Uniform(0, 700);
  int64_t t2 = t + Uniform(-5, 5);
  std::string sa = "vendor-a" + std::to_string(i % 4), sb = "cert-b" + std::to_string(i % 3);
  Obs(a, T::kEndpoint, ip + ":" + port, sa, t, t + Uniform(3, 20));
  if (i % 4 == 3) {
    // A trail without dates: the analysis only knows when it was ingested.
    Obs(b, T::kEndpoint, ip + ":" + port, "trail-b", 1000, 1000, {}, /*estimated=*/true);
  } else if (i % 3 == 0) {
    Obs(b, T::kUrl, "http://" + ip + ":" + port + "/d/" + std::to_string(i) + "/1", sb, t2,
        t2 + Uniform(3, 20));
  } else {
    Obs(b, T::kEndpoint, ip + ":" + port, sb, t2, t2 + Uniform(3, 20));
  }
  switch (i % 3) {
    case 0: {
      std::string cert = Hex(64);
      Obs(a, T::kCertSha256, cert, sa, t, t + 10);
      Obs(b, T::kCertSha256, cert, sb, t2, t2 + 10);
      break;
    }
    case 1:
      Obs(a, T::kDomain, tag + "-a.example", sa, t, t + 15);
      Obs(b, T::kDomain, tag + "-b.example", sb, t2, t2 + 15);
      Resolves(tag + "-a.example", ip, t, t + 15);
      Resolves(tag + "-b.example", ip, t2, t2 + 15);
      break;
    default: {
      std::string channel = "t.me/" + tag + "relay";
      Obs(a, T::kTelegramHandle, channel, sa, t, t + 30);
      Obs(b, T::kTelegramHandle, channel, sb, t2, t2 + 30);
      break;
    }
  }
  OwnStuff(a, tag + "-a", sa, t);
  OwnStuff(b, tag + "-b", sb, t2);
  Plant(a, b, Hypothesis::kCollaboration, "concurrent dedicated server");
}

void Generator::SharedProvider(int i) {
  std::string tag = "provider" + std::to_string(i);
  ActorId a = NewActor(tag + "-a");
  ActorId b = NewActor(tag + "-b");
  std::string net = Net();
  int64_t t = Uniform(0, 500);
  int64_t t2 = t + Uniform(-200, 300);
  Obs(a, T::kIpv4, net + std::to_string(Uniform(10, 120)), "isac-a", t, t + Uniform(10, 90));
  Obs(b, T::kIpv4, net + std::to_string(Uniform(130, 250)), "isac-b", t2, t2 + Uniform(10, 90));
  OwnStuff(a, tag + "-a", "isac-a", t);
  OwnStuff(b, tag + "-b", "isac-b", t2);
  Plant(a, b, Hypothesis::kSharedProvider, "neighbouring addresses of one provider");
}

void Generator::CdnFront(int i) {
  std::string tag = "cdn" + std::to_string(i);
  ActorId a = NewActor(tag + "-a");
  ActorId b = NewActor(tag + "-b");
  std::string cdn_ip = "198.18.0." + std::to_string(1 + i % 5);
  int64_t t = Uniform(0, 600);
  int64_t t2 = t + Uniform(-10, 10);
  Obs(a, T::kDomain, tag + "-a.example", "vendor-c", t, t + 20);
  Obs(b, T::kDomain, tag + "-b.example", "vendor-d", t2, t2 + 20);
  Resolves(tag + "-a.example", cdn_ip, t, t + 20);
  Resolves(tag + "-b.example", cdn_ip, t2, t2 + 20);
  OwnStuff(a, tag + "-a", "vendor-c", t);
  OwnStuff(b, tag + "-b", "vendor-d", t2);
  Plant(a, b, Hypothesis::kSharedProvider, "both behind one CDN");
}

void Generator::Reallocation(int i) {
  std::string tag = "realloc" + std::to_string(i);
  ActorId a = NewActor(tag + "-a");
  ActorId b = NewActor(tag + "-b");
  std::string ip = Net() + "20";
  int64_t t = Uniform(0, 300);
  int64_t t2 = t + Uniform(150, 800);
  Obs(a, T::kEndpoint, ip + ":443", "cert-a", t, t + Uniform(5, 40));
  // A third of the re-rented servers keep the same port: only the gap tells.
  std::string port_b = i % 3 == 0 ? "443" : std::to_string(Uniform(8000, 9000));
  Obs(b, T::kEndpoint, ip + ":" + port_b, "isac-b", t2, t2 + Uniform(5, 40));
  OwnStuff(a, tag + "-a", "cert-a", t);
  OwnStuff(b, tag + "-b", "isac-b", t2);
  Plant(a, b, Hypothesis::kReallocation, "address re-rented months later");
}

void Generator::Sinkhole(int i) {
  std::string tag = "sink" + std::to_string(i);
  ActorId a = NewActor(tag + "-a");
  ActorId b = NewActor(tag + "-b");
  std::string sinkhole = "192.0.2." + std::to_string(1 + i % 100);
  int64_t t = Uniform(0, 400);
  int64_t t2 = t + Uniform(-100, 100);
  int64_t takedown = std::max(t, t2) + Uniform(30, 90);
  Obs(a, T::kDomain, tag + "-a.example", "vendor-e", t, t + 20);
  Obs(b, T::kDomain, tag + "-b.example", "vendor-f", t2, t2 + 20);
  Resolves(tag + "-a.example", Net() + "30", t, t + 20);
  Resolves(tag + "-a.example", sinkhole, takedown, takedown + 300);
  if (i % 2 == 0) Resolves(tag + "-b.example", Net() + "31", t2, t2 + 20);
  Resolves(tag + "-b.example", sinkhole, takedown + Uniform(0, 30), takedown + 300);
  OwnStuff(a, tag + "-a", "vendor-e", t);
  OwnStuff(b, tag + "-b", "vendor-f", t2);
  Plant(a, b, Hypothesis::kSinkhole, "domains pointed at a listed sinkhole after takedown");
}

void Generator::Proxy(int i) {
  std::string tag = "proxy" + std::to_string(i);
  ActorId a = NewActor(tag + "-a");
  ActorId b = NewActor(tag + "-b");
  int64_t t = Uniform(0, 600);
  int64_t t2 = t + Uniform(-5, 5);
  if (i % 2 == 0) {
    std::string exit = "198.51.100." + std::to_string(1 + i % 250);
    Obs(a, T::kIpv4, exit, "vendor-g", t, t + 10);
    Obs(b, T::kIpv4, exit, "vendor-h", t2, t2 + 10);
  } else {
    std::string exit = Net() + "40";
    Obs(a, T::kIpv4, exit, "vendor-g", t, t + 10, {}, false, Role::kProxy);
    Obs(b, T::kIpv4, exit, "vendor-h", t2, t2 + 10, {}, false, Role::kProxy);
  }
  OwnStuff(a, tag + "-a", "vendor-g", t);
  OwnStuff(b, tag + "-b", "vendor-h", t2);
  Plant(a, b, Hypothesis::kProxy, "one VPN or proxy exit");
}

void Generator::ConflictingAttribution(int i) {
  std::string tag = "conflict" + std::to_string(i);
  ActorId a = NewActor(tag + "-a");
  ActorId b = NewActor(tag + "-b");
  std::string sample = Hex(64);
  int64_t t = Uniform(0, 600);
  std::string rep_a = "report--x" + std::to_string(i), rep_b = "report--y" + std::to_string(i);
  if (i % 3 == 1) {
    // Vendor Y did not record the sample as its basis: only the shared hash itself tells.
    Obs(a, T::kSha256, sample, "vendor-x", t, t + 30, {rep_a});
    Obs(b, T::kSha256, sample, "vendor-y", t + 5, t + 5, {rep_b});
  } else {
    Obs(a, T::kSha256, sample, "vendor-x", t, t + 30, {rep_a, "sha256:" + sample});
    Obs(b, T::kSha256, sample, "vendor-y", t + 5, t + 5, {rep_b, "sha256:" + sample});
  }
  if (i % 2 == 0) {
    Obs(a, T::kDomain, tag + "-c2.example", "vendor-x", t, t + 30, {rep_a});
    Obs(b, T::kDomain, tag + "-c2.example", "vendor-y", t + 5, t + 5, {rep_b});
  }
  OwnStuff(a, tag + "-a", "vendor-x", t);
  OwnStuff(b, tag + "-b", "vendor-y", t);
  Plant(a, b, Hypothesis::kConflictingAttribution, "one sample labelled by two vendors");
}

void Generator::Imitation(int i) {
  std::string tag = "imit" + std::to_string(i);
  ActorId a = NewActor(tag + "-a");
  ActorId b = NewActor(tag + "-b");
  int64_t t = Uniform(0, 400);
  int64_t t2 = t + Uniform(60, 300);
  // A path scheme of its own per pair (letters: digits would be generalized away).
  std::string prefix = "/gate";
  prefix.push_back(static_cast<char>('a' + i % 26));
  prefix.push_back(static_cast<char>('a' + (i / 26) % 26));
  prefix += "/";
  Obs(a, T::kUrl,
      "http://" + tag + "-a.example" + prefix + std::to_string(Uniform(1, 99)) + "/" +
          std::to_string(Uniform(1, 99)),
      "vendor-i", t, t + 20);
  Obs(b, T::kUrl,
      "http://" + tag + "-b.example" + prefix + std::to_string(Uniform(1, 99)) + "/" +
          std::to_string(Uniform(1, 99)),
      "vendor-j", t2, t2 + 20);
  OwnStuff(a, tag + "-a", "vendor-i", t);
  OwnStuff(b, tag + "-b", "vendor-j", t2);
  Plant(a, b, Hypothesis::kImitation, "same path scheme, other infrastructure, months later");
}

void Generator::SameActor(int i) {
  std::string tag = "alias" + std::to_string(i);
  ActorId a, b;
  if (i % 2 == 0) {
    a = NewActor(tag + "-a");
    ActorId other = NewActor(tag + "-other");
    b = NewActor(tag + "-ambiguous", ActorKind::kAmbiguous, {a, other});
  } else {
    b = NewActor(tag + "-umbrella");
    a = NewActor(tag + "-sub", ActorKind::kGroup, {}, {b});
  }
  int64_t t = Uniform(0, 600);
  std::string ip = Net() + "50";
  bool estimated = i % 3 == 0;
  Obs(a, T::kDomain, tag + "-c2.example", "vendor-k", t, t + 30);
  Obs(b, T::kDomain, tag + "-c2.example", "trail-l", estimated ? 900 : t + 3,
      estimated ? 900 : t + 40, {}, estimated);
  Obs(a, T::kIpv4, ip, "vendor-k", t, t + 30);
  Obs(b, T::kIpv4, ip, "trail-l", estimated ? 900 : t + 3, estimated ? 900 : t + 40, {}, estimated);
  OwnStuff(a, tag + "-a", "vendor-k", t);
  OwnStuff(b, tag + "-b", "trail-l", t);
  Plant(a, b, Hypothesis::kSameActor, "two names for one group");
}

// Decoy: several unrelated actors' domains on one shared web-hosting address from the start.
void Generator::SharedHosting(int i) {
  std::string ip = Net() + "60";
  int64_t t = Uniform(0, 600);
  std::vector<ActorId> actors;
  for (int k = 0; k < 4; ++k) {
    std::string tag = "host" + std::to_string(i) + "-" + std::to_string(k);
    ActorId a = NewActor(tag);
    int64_t start = t + Uniform(-20, 20);
    Obs(a, T::kDomain, tag + ".example", "feed-h" + std::to_string(k), start, start + 40);
    Resolves(tag + ".example", ip, start - 10, start + 60);
    OwnStuff(a, tag, "feed-h" + std::to_string(k), start);
    for (ActorId prev : actors) Plant(prev, a, Hypothesis::kSharedProvider, "shared hosting");
    actors.push_back(a);
  }
}

void Generator::Background() {
  std::vector<ActorId> actors;
  for (int i = 0; i < opt_.background_actors; ++i) {
    actors.push_back(NewActor("bg" + std::to_string(i)));
  }
  for (size_t i = 0; i < actors.size(); ++i) {
    ActorId a = actors[i];
    std::string source = "feed" + std::to_string(i % 7);
    int n = static_cast<int>(Uniform(3, 8));
    for (int k = 0; k < n; ++k) {
      int64_t t = Uniform(0, 900);
      std::string ip = "172." + std::to_string(16 + Uniform(0, 9)) + "." +
                       std::to_string(Uniform(0, 255)) + "." + std::to_string(Uniform(1, 254));
      Obs(a, T::kIpv4, ip, source, t, t + Uniform(1, 60));
      Obs(a, T::kDomain, "bg" + std::to_string(i) + "-" + std::to_string(k) + ".example", source, t,
          t + Uniform(1, 60));
    }
    int64_t t = Uniform(0, 900);
    if (Uniform(0, 99) < 40) Obs(a, T::kIpv4, "8.8.8.8", source, t, t + 5);
    if (Uniform(0, 99) < 45) Obs(a, T::kDomain, "popular-cdn.example", source, t, t + 5);
  }
}

void Generator::Run() {
  s_.lists = Warninglists::BuiltIn();
  {
    ListInfo sink;
    sink.name = "Scenario sinkholes";
    sink.origin = "scenario";
    sink.kind = ListKind::kSinkhole;
    sink.match = ListMatch::kCidr;
    s_.lists.AddList(sink, {"192.0.2.0/25"});
    ListInfo cdn;
    cdn.name = "Scenario CDN ranges";
    cdn.origin = "scenario";
    cdn.kind = ListKind::kServiceProvider;
    cdn.match = ListMatch::kCidr;
    s_.lists.AddList(cdn, {"198.18.0.0/15"});
    ListInfo vpn;
    vpn.name = "Scenario VPN exits";
    vpn.origin = "scenario";
    vpn.kind = ListKind::kProxy;
    vpn.match = ListMatch::kCidr;
    s_.lists.AddList(vpn, {"198.51.100.0/24"});
  }
  std::string csv =
      "10.0.0.0,10.255.255.255,64999,Example Dedicated Servers\n"
      "192.0.2.0,192.0.2.255,64496,Example Research Sinkhole\n"
      "198.18.0.0,198.19.255.255,64497,Example CDN\n"
      "198.51.100.0,198.51.100.255,64498,Example VPN\n";
  for (int i = 0; i < 10; ++i) {
    csv += "172." + std::to_string(16 + i) + ".0.0,172." + std::to_string(16 + i) + ".255.255," +
           std::to_string(65001 + i) + ",Example Cloud " + std::to_string(i) + "\n";
  }
  Status st = s_.asn.AddCsv(csv, "scenario-asn.csv");
  (void)st;
  for (int i = 0; i < opt_.pairs_per_class; ++i) {
    Collaboration(i);
    SharedProvider(i);
    CdnFront(i);
    Reallocation(i);
    Sinkhole(i);
    Proxy(i);
    ConflictingAttribution(i);
    Imitation(i);
    SameActor(i);
    if (i % 4 == 0) SharedHosting(i);
  }
  Background();
}

}  // namespace

Scenario GenerateScenario(const ScenarioOptions& options) {
  Scenario s;
  Generator g(options, &s);
  g.Run();
  return s;
}

}  // namespace cotenant::analysis_scenario
