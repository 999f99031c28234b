// Competing hypotheses: the ACH cells of each evidence item, the pair-level items, and the
// ranking, likelihood and confidence of a pair (docs/analysis.md, "Hypotheses").
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "analysis/internal.h"

namespace cotenant {

namespace ai = analysis_internal;

namespace {

constexpr size_t Idx(Hypothesis h) { return static_cast<size_t>(h); }

// Temperature of the naive-Bayes reading of the matrix: p(h) ~ exp(kBeta * score(h)).
constexpr double kBeta = 1.5;

double MarkValue(Mark m) {
  switch (m) {
    case Mark::kCC:
      return 1.0;
    case Mark::kC:
      return 0.5;
    case Mark::kN:
      return 0;
    case Mark::kI:
      return -1.0;
    case Mark::kII:
      return -2.0;
  }
  return 0;
}

bool IsDedicated(EvidenceLevel l) {
  switch (l) {
    case EvidenceLevel::kIpPort:
    case EvidenceLevel::kUrl:
    case EvidenceLevel::kCertificate:
    case EvidenceLevel::kTelegram:
    case EvidenceLevel::kEmail:
    case EvidenceLevel::kDomain:
    case EvidenceLevel::kPdnsLink:
    case EvidenceLevel::kCertOnIps:
    case EvidenceLevel::kRelated:
    case EvidenceLevel::kIp:
    case EvidenceLevel::kPdnsSharedIp:
    case EvidenceLevel::kCidr:
    case EvidenceLevel::kOtherExact:
      return true;
    default:
      return false;
  }
}

bool IsTooling(EvidenceLevel l) {
  return l == EvidenceLevel::kPathScheme || l == EvidenceLevel::kPort ||
         l == EvidenceLevel::kUrlPath || l == EvidenceLevel::kTlsFingerprint;
}

bool IsWeakNetwork(EvidenceLevel l) {
  return l == EvidenceLevel::kSlash24 || l == EvidenceLevel::kSlash48 || l == EvidenceLevel::kAsn ||
         l == EvidenceLevel::kProvider;
}

bool IsNetwork(EvidenceLevel l) {
  return IsWeakNetwork(l) || l == EvidenceLevel::kIp || l == EvidenceLevel::kIpPort ||
         l == EvidenceLevel::kPdnsLink || l == EvidenceLevel::kPdnsSharedIp ||
         l == EvidenceLevel::kCidr || l == EvidenceLevel::kWidelyShared;
}

bool Dependent(ai::Independence i) {
  return i == ai::Independence::kSameBasis || i == ai::Independence::kSameReference ||
         i == ai::Independence::kWithDisputedSample;
}

std::string Days(int64_t d) { return std::to_string(d) + (d == 1 ? " day" : " days"); }

std::string Percent(double p) {
  return std::to_string(static_cast<int>(std::lround(p * 100))) + "%";
}

bool ContainsId(const std::vector<ActorId>& v, ActorId id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

// Shared aliases from which two naming records count as one group's.
constexpr size_t kManySharedNames = 3;

// The longest run of 1-3 words of `name` (split at anything but ASCII letters and digits)
// that, normalized, is one of `names` and has at least 4 characters with a letter; "" if none.
std::string NameInside(std::string_view name, const std::set<std::string>& names) {
  std::vector<std::string> words;
  std::string word;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::isalnum(u)) {
      word.push_back(static_cast<char>(std::tolower(u)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  std::string best;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string run;
    for (size_t n = 0; n < 3 && i + n < words.size(); ++n) {
      run += words[i + n];
      bool letter = std::any_of(run.begin(), run.end(),
                                [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
      if (run.size() >= 4 && letter && run.size() > best.size() && names.count(run)) best = run;
    }
  }
  return best;
}

}  // namespace

std::string_view HypothesisId(Hypothesis h) {
  switch (h) {
    case Hypothesis::kSameActor:
      return "same-actor";
    case Hypothesis::kCollaboration:
      return "collaboration";
    case Hypothesis::kSharedProvider:
      return "shared-provider";
    case Hypothesis::kReallocation:
      return "reallocation";
    case Hypothesis::kSinkhole:
      return "sinkhole";
    case Hypothesis::kProxy:
      return "proxy";
    case Hypothesis::kConflictingAttribution:
      return "conflicting-attribution";
    case Hypothesis::kImitation:
      return "imitation";
  }
  return "collaboration";
}

std::string_view HypothesisLabel(Hypothesis h) {
  switch (h) {
    case Hypothesis::kSameActor:
      return "same actor under two names";
    case Hypothesis::kCollaboration:
      return "collaboration or shared operator";
    case Hypothesis::kSharedProvider:
      return "shared service provider or coincidence";
    case Hypothesis::kReallocation:
      return "reallocation (the infrastructure changed hands)";
    case Hypothesis::kSinkhole:
      return "sinkhole or researcher infrastructure";
    case Hypothesis::kProxy:
      return "proxy, VPN or Tor exit";
    case Hypothesis::kConflictingAttribution:
      return "conflicting attribution (one sample or report, two labels)";
    case Hypothesis::kImitation:
      return "imitation (similar tooling, no concurrent shared infrastructure)";
  }
  return "";
}

std::optional<Hypothesis> HypothesisFromId(std::string_view id) {
  for (Hypothesis h : kAllHypotheses) {
    if (HypothesisId(h) == id) return h;
  }
  return std::nullopt;
}

std::string_view EvidenceLevelName(EvidenceLevel level) {
  switch (level) {
    case EvidenceLevel::kIpPort:
      return "ip-port";
    case EvidenceLevel::kUrl:
      return "url";
    case EvidenceLevel::kCertificate:
      return "certificate";
    case EvidenceLevel::kTelegram:
      return "telegram";
    case EvidenceLevel::kEmail:
      return "email";
    case EvidenceLevel::kDomain:
      return "domain";
    case EvidenceLevel::kFileHash:
      return "file-hash";
    case EvidenceLevel::kPdnsLink:
      return "pdns-link";
    case EvidenceLevel::kCertOnIps:
      return "cert-on-ips";
    case EvidenceLevel::kRelated:
      return "related";
    case EvidenceLevel::kIp:
      return "ip";
    case EvidenceLevel::kPdnsSharedIp:
      return "pdns-shared-ip";
    case EvidenceLevel::kTlsFingerprint:
      return "tls-fingerprint";
    case EvidenceLevel::kUrlPath:
      return "url-path";
    case EvidenceLevel::kCidr:
      return "cidr";
    case EvidenceLevel::kOtherExact:
      return "other";
    case EvidenceLevel::kRegistrableDomain:
      return "registrable-domain";
    case EvidenceLevel::kPathScheme:
      return "path-scheme";
    case EvidenceLevel::kSlash24:
      return "slash24";
    case EvidenceLevel::kSlash48:
      return "slash48";
    case EvidenceLevel::kProvider:
      return "provider";
    case EvidenceLevel::kAsn:
      return "asn";
    case EvidenceLevel::kPort:
      return "port";
    case EvidenceLevel::kWidelyShared:
      return "widely-shared";
    case EvidenceLevel::kNaming:
      return "naming";
    case EvidenceLevel::kPairSummary:
      return "pair";
  }
  return "other";
}

std::string_view TimeRelationName(TimeRelation t) {
  switch (t) {
    case TimeRelation::kConcurrent:
      return "concurrent";
    case TimeRelation::kSequential:
      return "sequential";
    case TimeRelation::kFarApart:
      return "far-apart";
    case TimeRelation::kUnknown:
      return "unknown";
    case TimeRelation::kNotApplicable:
      return "n/a";
  }
  return "n/a";
}

std::string_view MarkName(Mark m) {
  switch (m) {
    case Mark::kII:
      return "II";
    case Mark::kI:
      return "I";
    case Mark::kN:
      return "N";
    case Mark::kC:
      return "C";
    case Mark::kCC:
      return "CC";
  }
  return "N";
}

std::string_view LikelihoodPhrase(double p) {
  if (p < 0.05) return "almost no chance";
  if (p < 0.20) return "very unlikely";
  if (p < 0.45) return "unlikely";
  if (p <= 0.55) return "roughly even chance";
  if (p < 0.80) return "likely";
  if (p < 0.95) return "very likely";
  return "almost certain";
}

namespace analysis_internal {

std::string NormalizeActorKey(std::string_view name) {
  std::string out;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      out.push_back(c);
    } else if (std::isalnum(u)) {
      out.push_back(static_cast<char>(std::tolower(u)));
    }
  }
  return out;
}

void JudgeItem(const Item& it, const std::string& value, Evidence* ev) {
  (void)value;
  auto set = [&](Hypothesis h, Mark m, std::string reason) {
    ev->cells[Idx(h)] = {m, std::move(reason)};
  };
  using H = Hypothesis;
  const std::string level(EvidenceLevelName(it.level));
  const std::string time_text =
      it.time == TimeRelation::kConcurrent ? "in use by both at the same time"
      : it.time == TimeRelation::kSequential
          ? "used one after the other, " + Days(it.gap_days) + " apart"
      : it.time == TimeRelation::kFarApart ? "used " + Days(it.gap_days) + " apart"
                                           : "dates of at least one side are estimated";
  std::string realloc_sign;
  if (it.different_ports) realloc_sign = "a different port on each side";
  if (it.different_paths) {
    realloc_sign +=
        std::string(realloc_sign.empty() ? "" : " and ") + "a different path on each side";
  }

  if (it.listed >= 0) {
    ListKind kind = static_cast<ListKind>(it.listed);
    std::string where =
        ev->listed.empty() ? "on a list of shared services" : "on " + ev->listed.front();
    switch (kind) {
      case ListKind::kServiceProvider:
        set(H::kSharedProvider, Mark::kCC, where + ": a service many users share");
        set(H::kCollaboration, Mark::kI, "a shared service says nothing about a relation");
        break;
      case ListKind::kSinkhole:
        set(H::kSinkhole, Mark::kCC, where);
        set(H::kCollaboration, Mark::kI, "a sinkhole collects many groups' domains");
        break;
      case ListKind::kProxy:
        set(H::kProxy, Mark::kCC, where);
        set(H::kCollaboration, Mark::kI, "anyone can use an exit node");
        set(H::kSharedProvider, Mark::kC, "exit nodes are a shared service");
        break;
    }
    return;
  }
  if (it.independence == Independence::kSameBasis ||
      it.independence == Independence::kSameReference) {
    set(H::kConflictingAttribution, Mark::kCC,
        it.independence == Independence::kSameBasis
            ? "both attributions rest on the same sample or report"
            : "both attributions cite the same report");
    set(H::kCollaboration, Mark::kI, "one piece of evidence labelled twice is not shared use");
    set(H::kSameActor, Mark::kC, "two sources may name one group differently");
    set(H::kImitation, Mark::kI, "the same artefact, not a copy of its style");
    return;
  }
  if (it.level == EvidenceLevel::kFileHash) {
    set(H::kConflictingAttribution, Mark::kCC, "one sample carries two actor labels");
    set(H::kSameActor, Mark::kC, "one group's sample under two names");
    set(H::kCollaboration, Mark::kC, "shared tooling: one binary used by both");
    const std::string not_infra =
        "a file is not infrastructure that is rented, reallocated, "
        "sinkholed or proxied";
    set(H::kSharedProvider, Mark::kI, not_infra);
    set(H::kReallocation, Mark::kI, not_infra);
    set(H::kSinkhole, Mark::kI, not_infra);
    set(H::kProxy, Mark::kI, not_infra);
    return;
  }
  if (it.independence == Independence::kWithDisputedSample) {
    set(H::kConflictingAttribution, Mark::kC,
        "comes from the reports that put two labels on one sample");
    set(H::kCollaboration, Mark::kI,
        "rests on the disputed attribution, not on separate sightings");
    set(H::kImitation, Mark::kI, "the same artefact, not a copy of its style");
    return;
  }
  if (IsWeakNetwork(it.level)) {
    set(H::kSharedProvider, Mark::kC,
        "the same " + level + ": what renting from one provider looks like");
    set(H::kCollaboration, Mark::kN, "renting from the same provider is common");
    return;
  }
  if (IsTooling(it.level) && it.spec < 0.5) {
    set(H::kSharedProvider, Mark::kC,
        "a common " + level + " (" + std::to_string(it.actors) + " actors): shared by chance");
    return;
  }
  if (IsTooling(it.level)) {
    set(H::kImitation, Mark::kC, "similar tooling: the same " + level + " on each side");
    set(H::kSameActor, Mark::kC, "one group reuses its tooling");
    if (it.time == TimeRelation::kConcurrent) {
      set(H::kCollaboration, Mark::kC, "shared tooling in use at the same time");
    }
    return;
  }
  if (it.level == EvidenceLevel::kRegistrableDomain) {
    set(H::kSameActor, Mark::kC, "names under one registered domain");
    if (it.time == TimeRelation::kConcurrent) {
      set(H::kCollaboration, Mark::kC, "names under one registered domain, at the same time");
    }
    if (it.time == TimeRelation::kFarApart) {
      set(H::kReallocation, Mark::kC,
          "the registered domain may have changed hands (" + time_text + ")");
    }
    return;
  }
  if (it.level == EvidenceLevel::kWidelyShared) return;

  // A specific shared value (IP, IP:port, domain, URL, certificate, channel, pDNS link...).
  const bool address = it.level == EvidenceLevel::kIp || it.level == EvidenceLevel::kIpPort ||
                       it.level == EvidenceLevel::kCidr;
  const bool chosen_name = it.level == EvidenceLevel::kDomain || it.level == EvidenceLevel::kUrl ||
                           it.level == EvidenceLevel::kTelegram ||
                           it.level == EvidenceLevel::kEmail;
  const bool sinkhole_pattern = it.both_via && it.via_resolution && it.moved_here;
  const bool hosting_pattern = it.both_via && it.via_resolution && !it.moved_here;
  const bool very_specific =
      it.spec >= 0.5 && (it.level == EvidenceLevel::kIpPort || it.level == EvidenceLevel::kUrl ||
                         it.level == EvidenceLevel::kCertificate || chosen_name);
  switch (it.time) {
    case TimeRelation::kConcurrent:
    case TimeRelation::kNotApplicable: {
      set(H::kSameActor, Mark::kC, "one group would use its own " + level + " under both names");
      set(H::kCollaboration, it.spec >= 0.5 ? Mark::kCC : Mark::kC,
          "a specific " + level + " " + time_text +
              (it.spec >= 0.5 ? std::string()
                              : " (but held by " + std::to_string(it.actors) + " actors)"));
      set(H::kSharedProvider, very_specific ? Mark::kII : Mark::kI,
          "a dedicated " + level + " in use by both at once is unlikely to be coincidence");
      set(H::kReallocation, Mark::kII, "both used it at the same time: nothing changed hands");
      if (sinkhole_pattern) {
        set(H::kSinkhole, it.actors >= 3 ? Mark::kCC : Mark::kC,
            "only the actors' domains resolve here: the pattern of a sinkhole");
      } else {
        set(H::kSinkhole, Mark::kI, "used as infrastructure, not only resolved to");
      }
      if (address) {
        set(H::kProxy, Mark::kC, "a proxy or VPN exit is used by several parties at once");
      } else if (chosen_name || it.level == EvidenceLevel::kPdnsLink) {
        set(H::kProxy, Mark::kI, "a shared exit node does not explain a shared " + level);
      }
      if (it.independence == Independence::kIndependent) {
        set(H::kConflictingAttribution, Mark::kI, "independent sources saw each side");
      }
      set(H::kImitation, Mark::kII,
          "imitation does not need the same " + level + " at the same time");
      break;
    }
    case TimeRelation::kSequential:
      set(H::kSameActor, Mark::kC, "one group can return to its own " + level);
      set(H::kCollaboration, Mark::kN,
          time_text + ": a hand-over is possible, joint use is not shown");
      set(H::kReallocation, realloc_sign.empty() ? Mark::kC : Mark::kCC,
          time_text + (realloc_sign.empty() ? std::string() : ", with " + realloc_sign));
      if (sinkhole_pattern) {
        set(H::kSinkhole, Mark::kC,
            "only the actors' domains resolve here: the pattern of a sinkhole");
      }
      break;
    case TimeRelation::kFarApart:
      set(H::kCollaboration, Mark::kI, time_text + ": no sign of joint use");
      set(H::kSharedProvider, Mark::kC, "a provider re-rents addresses and names over the years");
      set(H::kReallocation, Mark::kCC,
          time_text + (realloc_sign.empty() ? std::string() : ", with " + realloc_sign));
      set(H::kProxy, Mark::kI, "not in use at the same time");
      if (sinkhole_pattern) {
        set(H::kSinkhole, Mark::kC,
            "only the actors' domains resolve here: the pattern of a sinkhole");
      }
      break;
    case TimeRelation::kUnknown:
      set(H::kSameActor, Mark::kC, "one group would use its own " + level + " under both names");
      set(H::kCollaboration, Mark::kC, "a specific " + level + " in common; " + time_text);
      if (address) set(H::kProxy, Mark::kC, "a proxy or VPN exit is shared by several parties");
      // Two tenants of one provider do not share one registered name; a name that changed
      // hands is reallocation, which the dates would have to show.
      if (chosen_name && it.spec >= 0.5) {
        set(H::kSharedProvider, Mark::kI,
            "renting from one provider does not give two groups the same " + level);
      }
      if (sinkhole_pattern) {
        set(H::kSinkhole, Mark::kC,
            "only the actors' domains resolve here: the pattern of a sinkhole");
      }
      set(H::kImitation, Mark::kI, "shares the " + level + " itself, not only its style");
      break;
  }
  if (hosting_pattern) {
    set(H::kSharedProvider, it.actors >= 3 ? Mark::kCC : Mark::kC,
        "the actors' domains resolve here from the start: shared hosting");
    set(H::kSinkhole, Mark::kN, "the domains did not move here from elsewhere");
    set(H::kCollaboration, it.actors >= 3 ? Mark::kN : Mark::kC,
        "names on one hosting address" +
            (it.actors >= 3 ? " shared with " + std::to_string(it.actors) + " actors"
                            : std::string()));
    set(H::kProxy, Mark::kN, "reached through DNS, not used as an exit");
  }
  if (it.role_proxy) {
    set(H::kProxy, Mark::kCC, "a source marks it as a proxy or VPN exit");
    if (ev->cells[Idx(H::kCollaboration)].mark == Mark::kCC) {
      set(H::kCollaboration, Mark::kC, "shared, but a source marks it as an exit node many use");
    }
  }
  if (it.role_compromised) {
    set(H::kSharedProvider, Mark::kC, "a compromised legitimate host several actors can abuse");
    set(H::kCollaboration, Mark::kN, "a compromised host can be abused independently");
  }
}

void AddPairItems(const PairContext& ctx, PairFinding* f) {
  const ActorInfo& a = *ctx.a;
  const ActorInfo& b = *ctx.b;
  using H = Hypothesis;
  auto add = [&](EvidenceLevel level, std::string text, double weight) -> Evidence& {
    Evidence& ev = f->evidence.emplace_back();
    ev.level = level;
    ev.family = level == EvidenceLevel::kNaming ? "naming" : "pair";
    ev.value = std::move(text);
    ev.ach_weight = weight;
    ev.time = TimeRelation::kNotApplicable;
    return ev;
  };
  auto set = [](Evidence& ev, Hypothesis h, Mark m, std::string reason) {
    ev.cells[Idx(h)] = {m, std::move(reason)};
  };

  // Naming data.
  {
    const ActorInfo* amb = nullptr;
    const ActorInfo* other = nullptr;
    if (a.kind == ActorKind::kAmbiguous && ContainsId(a.candidates, b.id)) {
      amb = &a;
      other = &b;
    } else if (b.kind == ActorKind::kAmbiguous && ContainsId(b.candidates, a.id)) {
      amb = &b;
      other = &a;
    }
    // A naming source that lists one group's own name as a synonym of the other says they are
    // one group ("Glass Moth" listed under Copper Lantern while another source tracks it
    // apart); an alias both merely share is weaker.
    std::set<std::string> a_names, b_names;
    std::map<std::string, std::string> shared_names;  // normalized -> as written
    std::string synonym_of;  // "<name>" listed by <source> for the other group
    for (const auto& alias : a.aliases) a_names.insert(NormalizeActorKey(alias.name));
    a_names.insert(NormalizeActorKey(a.name));
    for (const auto& alias : b.aliases) b_names.insert(NormalizeActorKey(alias.name));
    b_names.insert(NormalizeActorKey(b.name));
    for (const auto& alias : b.aliases) {
      std::string key = NormalizeActorKey(alias.name);
      if (!key.empty() && a_names.count(key)) shared_names.emplace(key, alias.name);
    }
    if (a_names.count(NormalizeActorKey(b.name))) {
      shared_names.emplace(NormalizeActorKey(b.name), b.name);
    }
    for (const auto& alias : a.aliases) {
      if (synonym_of.empty() && NormalizeActorKey(alias.name) == NormalizeActorKey(b.name) &&
          NormalizeActorKey(a.name) != NormalizeActorKey(b.name)) {
        synonym_of = "\"" + b.name + "\" is listed as a name of " + a.name + " by " + alias.source;
      }
    }
    for (const auto& alias : b.aliases) {
      if (synonym_of.empty() && NormalizeActorKey(alias.name) == NormalizeActorKey(a.name) &&
          NormalizeActorKey(a.name) != NormalizeActorKey(b.name)) {
        synonym_of = "\"" + a.name + "\" is listed as a name of " + b.name + " by " + alias.source;
      }
    }
    std::vector<ActorId> common_umbrellas;
    for (ActorId u : a.part_of) {
      if (ContainsId(b.part_of, u)) common_umbrellas.push_back(u);
    }
    if (amb != nullptr) {
      Evidence& ev = add(EvidenceLevel::kNaming,
                         "the name \"" + amb->name + "\" is claimed by several groups, " +
                             other->name + " among them",
                         1.0);
      set(ev, H::kSameActor, Mark::kCC,
          "naming data lists \"" + amb->name + "\" as a name of " + other->name);
      set(ev, H::kCollaboration, Mark::kI,
          "naming data suggests one group, not two working together");
      set(ev, H::kConflictingAttribution, Mark::kC, "naming sources disagree about this name");
    } else if (!synonym_of.empty()) {
      Evidence& ev =
          add(EvidenceLevel::kNaming, synonym_of + ", while another source tracks it apart", 0.9);
      set(ev, H::kSameActor, Mark::kCC, "a naming source treats the two names as one group");
      set(ev, H::kCollaboration, Mark::kI,
          "naming data suggests one group, not two working together");
      set(ev, H::kConflictingAttribution, Mark::kC, "naming sources disagree about this name");
    } else if (ContainsId(a.part_of, b.id) || ContainsId(b.part_of, a.id) ||
               ContainsId(a.members, b.id) || ContainsId(b.members, a.id)) {
      bool a_in_b = ContainsId(a.part_of, b.id) || ContainsId(b.members, a.id);
      const ActorInfo& sub = a_in_b ? a : b;
      const ActorInfo& umbrella = a_in_b ? b : a;
      Evidence& ev =
          add(EvidenceLevel::kNaming, sub.name + " is part of the umbrella " + umbrella.name, 0.8);
      set(ev, H::kSameActor, Mark::kCC, "an umbrella name covers its sub-cluster");
      set(ev, H::kCollaboration, Mark::kI,
          "an umbrella and its sub-cluster are one actor at two granularities, not two partners");
    } else if (!common_umbrellas.empty()) {
      Evidence& ev = add(EvidenceLevel::kNaming, "both are part of one umbrella group", 0.6);
      set(ev, H::kSameActor, Mark::kC, "sub-clusters of one umbrella are often lumped together");
      set(ev, H::kCollaboration, Mark::kC, "sub-clusters of one umbrella share resources");
    } else if (shared_names.size() >= kManySharedNames) {
      // Two naming records that agree on several of their aliases describe one group that
      // the sources failed to join ("gamaredon" in maltrail and MISP's "Gamaredon Group" both
      // list ACTINIUM, Shuckworm, UAC-0010, DEV-0157...), or an umbrella and its sub-cluster.
      std::string list;
      size_t shown = 0;
      for (const auto& [key, written] : shared_names) {
        if (shown++ == 4) {
          list += ", ...";
          break;
        }
        list += (list.empty() ? "" : ", ") + written;
      }
      Evidence& ev = add(EvidenceLevel::kNaming,
                         "both groups are listed under " + std::to_string(shared_names.size()) +
                             " common names (" + list + ")",
                         1.0);
      set(ev, H::kSameActor, Mark::kCC,
          "naming sources that share this many aliases describe one group (or an umbrella and "
          "its sub-cluster)");
      set(ev, H::kCollaboration, Mark::kI,
          "naming data suggests one group, not two working together");
    } else if (!shared_names.empty()) {
      Evidence& ev = add(
          EvidenceLevel::kNaming,
          "both groups are listed under the name \"" + shared_names.begin()->second + "\"", 0.5);
      set(ev, H::kSameActor, Mark::kC, "one alias for both: naming sources may have merged them");
    } else if (a.kind == ActorKind::kUnregistered || b.kind == ActorKind::kUnregistered) {
      const bool a_unknown = a.kind == ActorKind::kUnregistered;
      const ActorInfo& u = a_unknown ? a : b;
      const ActorInfo& known = a_unknown ? b : a;
      // Report and file names become actor names ("lazarus-three-rats", "iocs_gamaredon_remcos",
      // "okrum_ke3chang"): one that spells a name of the other group is about that group.
      std::string contained =
          known.kind == ActorKind::kGroup ? NameInside(u.name, a_unknown ? b_names : a_names) : "";
      if (!contained.empty()) {
        Evidence& ev = add(EvidenceLevel::kNaming,
                           "\"" + u.name + "\", a name no naming data knows, contains \"" +
                               contained + "\", a name of " + known.name,
                           0.6);
        set(ev, H::kSameActor, Mark::kC,
            "a report or file named after " + known.name + " is about that group");
      } else {
        Evidence& ev =
            add(EvidenceLevel::kNaming, "\"" + u.name + "\" is a name no naming data knows", 0.4);
        set(ev, H::kSameActor, Mark::kN, "an unknown name may be an alias the naming data lacks");
      }
    } else {
      Evidence& ev = add(EvidenceLevel::kNaming, "no naming source links the two names", 0.4);
      set(ev, H::kSameActor, Mark::kI, "the naming data keeps them apart");
    }
  }

  // What the value items show or lack.
  const std::vector<Item>& items = *ctx.items;
  bool dedicated_concurrent = false, concurrent_value = false, any_exact = false;
  bool any_value = false, any_dependent = false, any_dedicated = false, any_dated = false;
  bool any_tooling = false, any_network = false, any_sinkhole = false, any_proxy = false;
  double weight_keep = 1.0;
  std::set<std::string> families;
  for (const Item& it : items) {
    if (it.subsumed_by >= 0) continue;
    bool dedicated = IsDedicated(it.level);
    if (dedicated || it.level == EvidenceLevel::kFileHash) {
      any_value = true;
      if (it.listed < 0) any_exact = true;
    }
    if (dedicated && it.time == TimeRelation::kConcurrent) concurrent_value = true;
    if (dedicated) any_dedicated = true;
    if (dedicated && (it.time == TimeRelation::kConcurrent ||
                      it.time == TimeRelation::kSequential || it.time == TimeRelation::kFarApart)) {
      any_dated = true;
    }
    if (dedicated && it.listed < 0 && it.time == TimeRelation::kConcurrent &&
        !Dependent(it.independence) && !(it.both_via && it.via_resolution)) {
      dedicated_concurrent = true;
      families.insert(std::string(LevelFamily(it.level)));
      if (it.level == EvidenceLevel::kPdnsLink) families.insert("network");
    }
    if (it.level == EvidenceLevel::kFileHash || Dependent(it.independence)) any_dependent = true;
    if (IsTooling(it.level) && it.spec >= 0.5) any_tooling = true;
    weight_keep *= 1.0 - std::min(0.99, it.weight);
    if (IsNetwork(it.level)) any_network = true;
    if (it.listed == static_cast<int>(ListKind::kSinkhole) ||
        (it.both_via && it.via_resolution && it.moved_here)) {
      any_sinkhole = true;
    }
    if (it.listed == static_cast<int>(ListKind::kProxy) || it.role_proxy) any_proxy = true;
  }
  if (!dedicated_concurrent && any_dedicated && !any_dated) {
    // Every shared value lacks observed dates on one side (undated trails and lists): that
    // nothing is concurrent says nothing about tenants coming and going or a hand-over.
    Evidence& ev = add(EvidenceLevel::kPairSummary,
                       "no shared value has observed dates on both sides: whether they were in "
                       "use at the same time is unknown",
                       0.5);
    set(ev, H::kCollaboration, Mark::kI,
        "collaboration shows as concurrent use of dedicated infrastructure, which these dates "
        "cannot show");
  } else if (!dedicated_concurrent) {
    Evidence& ev =
        add(EvidenceLevel::kPairSummary,
            concurrent_value ? "no dedicated, independently reported value was in use by both at "
                               "the same time"
                             : "no specific value was in use by both at the same time",
            0.5);
    set(ev, H::kCollaboration, Mark::kI,
        "collaboration shows as concurrent use of dedicated infrastructure");
    set(ev, H::kImitation, Mark::kC, "imitation leaves no concurrent shared infrastructure");
    if (!concurrent_value) {
      set(ev, H::kProxy, Mark::kI, "a shared exit node is used at the same time");
      set(ev, H::kSharedProvider, Mark::kC, "tenants of one provider come and go");
      if (any_exact) set(ev, H::kReallocation, Mark::kC, "each side used it at a different time");
    }
  }
  if (!any_value) {
    Evidence& ev = add(EvidenceLevel::kPairSummary,
                       "nothing specific in common: only coarse levels or tooling", 0.5);
    set(ev, H::kReallocation, Mark::kI, "reallocation needs one address or name used by both");
    set(ev, H::kSinkhole, Mark::kI, "a sinkhole needs one address both resolve to");
    set(ev, H::kProxy, Mark::kI, "a shared exit needs one address used by both");
    set(ev, H::kConflictingAttribution, Mark::kI, "no value or sample is attributed to both");
  }
  if (!any_dependent) {
    Evidence& ev = add(EvidenceLevel::kPairSummary,
                       "each side rests on its own sources, reports and samples", 0.5);
    set(ev, H::kConflictingAttribution, Mark::kI, "no shared sample, report or basis");
  }
  if (families.size() >= 2) {
    std::string list;
    for (const auto& fam : families) list += (list.empty() ? "" : ", ") + fam;
    Evidence& ev = add(EvidenceLevel::kPairSummary,
                       std::to_string(families.size()) +
                           " evidence families agree at the same time (" + list + ")",
                       0.6);
    set(ev, H::kCollaboration, Mark::kCC, "independent families point to one shared operation");
    set(ev, H::kSameActor, Mark::kC, "one group's full set-up under two names would look the same");
    set(ev, H::kImitation, Mark::kII, "imitation copies style, not live infrastructure");
    set(ev, H::kSharedProvider, Mark::kII, "coincidence does not align several families at once");
    set(ev, H::kReallocation, Mark::kI, "the overlap is concurrent");
    bool beyond_network = families.size() > families.count("network");
    if (beyond_network)
      set(ev, H::kProxy, Mark::kI, "a proxy explains a network overlap, not TLS or DNS ones");
  }
  if (!any_tooling && !dedicated_concurrent) {
    Evidence& ev = add(EvidenceLevel::kPairSummary,
                       "no distinctive shared tooling, path scheme or port convention", 0.4);
    set(ev, H::kImitation, Mark::kI, "imitation shows as similar tooling");
  }
  const double link_score = 100.0 * (1.0 - weight_keep);
  if (link_score < 10) {
    char text[120];
    std::snprintf(text, sizeof text, "little in common: link score %.1f of 100", link_score);
    Evidence& ev = add(EvidenceLevel::kPairSummary, text, 0.6);
    set(ev, H::kSharedProvider, Mark::kC, "coincidence explains a small overlap");
    set(ev, H::kCollaboration, Mark::kI, "collaboration leaves more in common");
  }
  if (!any_network) {
    Evidence& ev = add(EvidenceLevel::kPairSummary, "no shared address, range or ASN", 0.3);
    set(ev, H::kSharedProvider, Mark::kI, "a shared provider shows as a shared range or ASN");
    set(ev, H::kProxy, Mark::kI, "a shared exit shows as a shared address");
  }
  if (!any_sinkhole) {
    Evidence& ev = add(EvidenceLevel::kPairSummary,
                       "no value on a sinkhole list, none reached only through passive DNS", 0.3);
    set(ev, H::kSinkhole, Mark::kI, "nothing points to a sinkhole");
  }
  if (!any_proxy) {
    Evidence& ev = add(EvidenceLevel::kPairSummary,
                       "no value on a proxy, VPN or Tor list, none marked as a proxy", 0.2);
    set(ev, H::kProxy, Mark::kI, "nothing points to an exit node");
  }
}

Tally::Tally() {
  for (size_t i = 0; i < kHypothesisCount; ++i) h_[i].hypothesis = kAllHypotheses[i];
}

void Tally::Add(Evidence& ev) {
  if (!ev.subsumed_by.empty()) return;  // implied by a stronger item: counted there
  double w = ev.ach_weight;
  double lo = 2, hi = -2;
  for (size_t i = 0; i < kHypothesisCount; ++i) {
    const Cell& c = ev.cells[i];
    double v = MarkValue(c.mark);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    if (c.mark == Mark::kN) {
      ++h_[i].neutral;
      continue;
    }
    if (v > 0) {
      ++h_[i].consistent;
    } else {
      ++h_[i].inconsistent;
      h_[i].inconsistency += w * -v;
    }
    h_[i].score += w * v;
    if (c.reason.empty()) continue;
    // Keep the four weightiest reasons per hypothesis.
    auto& r = reasons_[i];
    double strength = std::abs(w * v);
    if (r.size() < 4 || strength > r.back().strength) {
      Reason reason{strength, std::string(v > 0 ? "+ " : "- ") + c.reason + " [" + ev.value + "]"};
      auto at = std::upper_bound(r.begin(), r.end(), strength,
                                 [](double x, const Reason& y) { return x > y.strength; });
      r.insert(at, std::move(reason));
      if (r.size() > 4) r.pop_back();
    }
  }
  ev.diagnosticity = w * (hi - lo);
  if (ev.level == EvidenceLevel::kNaming || ev.level == EvidenceLevel::kPairSummary ||
      ev.level == EvidenceLevel::kWidelyShared) {
    return;
  }
  ++counted_;
  if (ev.weight >= 0.05 && ev.listed.empty()) families_.insert(ev.family);
  if (ev.time != TimeRelation::kUnknown) all_estimated_ = false;
}

void Tally::Finish(std::array<size_t, 2> sources_per_side, PairFinding* f) {
  auto& h = h_;
  double max_score = -1e300;
  for (const auto& x : h) max_score = std::max(max_score, x.score);
  double total = 0;
  for (auto& x : h) {
    x.probability = std::exp(kBeta * (x.score - max_score));
    total += x.probability;
  }
  for (size_t i = 0; i < kHypothesisCount; ++i) {
    h[i].probability /= total;
    for (const Reason& r : reasons_[i]) h[i].reasons.push_back(r.text);
  }
  std::vector<HypothesisAssessment> ranked(h.begin(), h.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const HypothesisAssessment& x, const HypothesisAssessment& y) {
                     if (x.score != y.score) return x.score > y.score;
                     return x.inconsistency < y.inconsistency;
                   });
  for (size_t i = 0; i < ranked.size(); ++i) ranked[i].rank = static_cast<int>(i + 1);
  f->hypotheses = ranked;
  f->leading = ranked[0].hypothesis;
  f->probability = ranked[0].probability;
  f->likelihood = std::string(LikelihoodPhrase(f->probability));
  double margin = ranked[0].probability - ranked[1].probability;

  // Confidence: how good the evidence base is, separate from the likelihood.
  const std::set<std::string>& families = families_;
  const size_t counted = counted_;
  const bool all_estimated = all_estimated_;
  size_t min_sources = std::min(sources_per_side[0], sources_per_side[1]);
  int points = 0;
  if (families.size() >= 2) ++points;
  if (families.size() >= 3) ++points;
  if (min_sources >= 2) ++points;
  if (margin >= 0.25) ++points;
  if (all_estimated) --points;
  if (counted <= 1) --points;
  int base, floor_points;
  if (points >= 4) {
    f->confidence = "high";
    base = 85;
    floor_points = 4;
  } else if (points >= 2) {
    f->confidence = "moderate";
    base = 50;
    floor_points = 2;
  } else {
    f->confidence = "low";
    base = 15;
    floor_points = 0;
  }
  f->stix_confidence = std::clamp(base + 5 * (points - floor_points), base - 10, base + 10);
  f->stix_confidence = std::clamp(f->stix_confidence, 0, 100);

  // One sentence.
  const Evidence* strongest = nullptr;
  for (const Evidence& ev : f->evidence) {
    if (ev.level != EvidenceLevel::kNaming && ev.level != EvidenceLevel::kPairSummary &&
        ev.subsumed_by.empty()) {
      strongest = &ev;
      break;
    }
  }
  std::string s = f->actors[0].name + " and " + f->actors[1].name + ": " + f->likelihood + " (" +
                  Percent(f->probability) + ") " + std::string(HypothesisLabel(f->leading)) + ", " +
                  f->confidence + " confidence";
  if (strongest != nullptr) {
    s += "; strongest shared value " + strongest->value + " (" +
         std::string(EvidenceLevelName(strongest->level)) + ", " +
         std::string(TimeRelationName(strongest->time));
    if (strongest->time == TimeRelation::kSequential ||
        strongest->time == TimeRelation::kFarApart) {
      s += ", " + Days(strongest->gap_days) + " apart";
    }
    s += ")";
  }
  f->summary = s + ".";
}

}  // namespace analysis_internal

}  // namespace cotenant
