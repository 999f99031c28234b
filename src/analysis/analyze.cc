// Analyze: the inverted index, pair enumeration and per-pair evidence (see analysis.h and
// docs/analysis.md).
//
// Pipeline: (1) every value's keys (keys.cc); (2) postings (actor, observation, via) grouped
// by key with a counting sort, each group sorted by actor; (3) one sweep over the groups
// counts actors and sources per key, picks the pair cap, and enumerates (pair, key) records
// for keys held by 2..cap actors; (4) the records sorted by pair give each pair's shared keys,
// which are weighed (specificity, time, lists, independence) into a score; (5) the reported
// pairs get their full evidence and the hypothesis matrix (hypotheses.cc).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "analysis/internal.h"
#include "analysis/keys.h"
#include "cotenant/cidr.h"
#include "cotenant/endpoint.h"

namespace cotenant {

namespace ai = analysis_internal;

namespace {

constexpr int64_t kDay = 86400;

struct Posting {
  uint32_t actor;
  uint32_t obs;
  uint32_t via;  // 0: the actor's own observation of the value; r + 1: through relationship r
};

struct PairRecord {
  uint64_t pair;  // (low actor << 32) | high actor
  uint32_t key;
  uint16_t side_a;  // the actors' positions among the key's sides (< the cap)
  uint16_t side_b;
};

std::string DateText(int64_t seconds) { return Timestamp::FromUnixSeconds(seconds).ToDateString(); }

double Specificity(int actors, int sources) {
  double holders = actors + 0.25 * std::max(0, sources - actors);
  return 1.0 / (1.0 + std::log(std::max(1.0, holders - 1.0)));
}

double TimeFactor(TimeRelation t, int64_t gap_days) {
  switch (t) {
    case TimeRelation::kConcurrent:
      return 1.0;
    case TimeRelation::kSequential:
      return 0.3 + 0.7 * std::exp(-static_cast<double>(gap_days) / 90.0);
    case TimeRelation::kFarApart:
      return 0.15;
    case TimeRelation::kUnknown:
      return 0.6;
    case TimeRelation::kNotApplicable:
      return 1.0;
  }
  return 1.0;
}

bool IntersectSorted(std::span<const uint32_t> a, std::span<const uint32_t> b,
                     uint32_t* first = nullptr) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      if (first != nullptr) *first = a[i];
      return true;
    }
    if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

void SortUnique(std::vector<uint32_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

struct Interval64 {
  int64_t first, last;
};

void Merge(std::vector<Interval64>& v) {
  std::sort(v.begin(), v.end(),
            [](const Interval64& a, const Interval64& b) { return a.first < b.first; });
  size_t out = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (out > 0 && v[i].first <= v[out - 1].last) {
      v[out - 1].last = std::max(v[out - 1].last, v[i].last);
    } else {
      v[out++] = v[i];
    }
  }
  v.resize(out);
}

// Smallest gap in seconds between an interval of `a` and one of `b` (0 when they overlap).
int64_t MinGap(std::span<const Interval64> a, std::span<const Interval64> b) {
  int64_t best = std::numeric_limits<int64_t>::max();
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].last < b[j].first) {
      best = std::min(best, b[j].first - a[i].last);
      ++i;
    } else if (b[j].last < a[i].first) {
      best = std::min(best, a[i].first - b[j].last);
      ++j;
    } else {
      return 0;
    }
  }
  return best;
}

// Per-side scratch, reused across items to avoid allocating per pair.
struct SideScratch {
  std::vector<Interval64> observed, estimated;
  std::vector<uint32_t> sources, basis, references;
  bool any_direct = false;
  bool any_via = false;
  bool via_resolution = false;
  bool all_moved = true;  // every resolution reaching the key came after one elsewhere
  // The one value every relationship reaching the key starts from; kNone when there is none
  // or several.
  uint32_t via_from = ai::KeyTable::kNone;
  bool via_many = false;
  bool role_proxy = false;
  bool role_compromised = false;
  Tlp tlp = Tlp::kUnmarked;
  void Clear() {
    observed.clear();
    estimated.clear();
    sources.clear();
    basis.clear();
    references.clear();
    any_direct = any_via = via_resolution = role_proxy = role_compromised = false;
    all_moved = true;
    via_from = ai::KeyTable::kNone;
    via_many = false;
    tlp = Tlp::kUnmarked;
  }
};

// One actor's side of one key, summarized once when the key is swept (keys held by 2..cap
// actors only), so evaluating a pair never rescans postings.
struct SideSummary {
  uint32_t actor;
  uint32_t intervals_begin, intervals_count;  // merged observed intervals
  uint32_t sources_begin, sources_count;      // sorted unique ids in side_items_
  uint32_t basis_begin, basis_count;
  uint32_t references_begin, references_count;
  uint8_t flags;
  Tlp tlp;            // most restrictive marking of the side's observations and relationships
  uint32_t via_from;  // the single value all relationships reaching the key start from, or kNone
};
constexpr uint8_t kSideDirect = 1, kSideVia = 2, kSideViaResolution = 4, kSideAllMoved = 8,
                  kSideProxy = 16, kSideCompromised = 32;

class Engine {
 public:
  Engine(const AnalysisInput& in, const AnalysisOptions& opt) : in_(in), opt_(opt) {}

  Result<AnalysisResult> Run();

 private:
  void BuildPostings();
  void SweepKeys();
  std::span<const Posting> Side(uint32_t key, uint32_t actor) const;
  void ScanSide(uint32_t key, uint32_t actor, SideScratch& s) const;
  std::span<const Interval64> Intervals(const SideSummary& s) const {
    return {side_intervals_.data() + s.intervals_begin, s.intervals_count};
  }
  std::span<const uint32_t> Items(uint32_t begin, uint32_t count) const {
    return {side_items_.data() + begin, count};
  }
  int Listed(uint32_t key);
  std::vector<ListHit> ListHits(uint32_t key) const;
  // A full host name found only under a listed service's name ("a0705076.xsph.ru" under a
  // top-sites entry "xsph.ru", "x.duckdns.org" under a dynamic-DNS parent): one tenant's own
  // name on a shared service, not the service itself. It does not weaken the name; the
  // registrable-domain level carries the listing.
  bool IsTenantHit(uint32_t key, const ListHit& hit) const;
  // Numeric features of one shared key; with `ev`, also the text for the report.
  // `names` (two vectors) collects the names as written, with `ev` only.
  ai::Item Evaluate(uint32_t a, uint32_t b, uint32_t key, uint32_t side_a, uint32_t side_b,
                    const std::array<std::vector<uint32_t>, 2>* disputed, Evidence* ev,
                    std::vector<uint32_t>* names = nullptr);
  void FillSideText(uint32_t key, uint32_t actor, const SideScratch& s, EvidenceSide* out,
                    std::vector<uint32_t>* names);
  // Evaluates every key of a pair; returns the score.
  double EvaluatePair(uint32_t a, uint32_t b, std::span<const PairRecord> records,
                      std::vector<ai::Item>* items, std::array<std::vector<uint32_t>, 2>* disputed);
  PairFinding Report(uint32_t a, uint32_t b, std::span<const PairRecord> records);
  ActorSummary Summarize(uint32_t actor, const std::vector<uint32_t>& names) const;

  const AnalysisInput& in_;
  const AnalysisOptions& opt_;
  ai::KeyTable keys_;
  std::vector<uint64_t> key_offsets_;
  std::vector<Posting> postings_;
  std::vector<uint32_t> key_actors_, key_sources_;
  std::vector<float> key_spec_;  // specificity of keys held by two or more actors
  std::vector<int8_t> key_listed_;
  std::vector<uint8_t> keep_;       // observation passes the time filter
  std::vector<uint8_t> rel_moved_;  // resolution that came after one to another address
  std::vector<PairRecord> records_;
  std::vector<SideSummary> sides_;
  std::vector<uint32_t> key_side_begin_;  // first side of each enumerated key
  std::vector<Interval64> side_intervals_;
  std::vector<uint32_t> side_items_;
  std::vector<std::pair<uint32_t, uint32_t>> wide_;  // (actor, key) for keys above the cap
  std::vector<uint8_t> actor_filter_;
  int cap_ = 0;
  AnalysisStats stats_;
  SideScratch scratch_[2];
};

void Engine::BuildPostings() {
  const size_t n = in_.observation_count();
  const auto& obs_value = in_.obs_value();
  const auto& obs_actor = in_.obs_actor();
  keep_.assign(n, 1);
  if (opt_.since || opt_.until) {
    int64_t since = opt_.since ? opt_.since->unix_seconds() : std::numeric_limits<int64_t>::min();
    int64_t until = opt_.until ? opt_.until->unix_seconds() : std::numeric_limits<int64_t>::max();
    for (size_t o = 0; o < n; ++o) {
      keep_[o] = in_.obs_last()[o] >= since && in_.obs_first()[o] <= until;
    }
  }
  const size_t nkeys = keys_.size();
  // Observations by value, for relationship propagation.
  std::vector<uint32_t> value_obs_offsets(in_.value_count() + 1, 0);
  const auto& rels = in_.relationships();
  std::vector<uint8_t> is_from(in_.value_count(), 0);
  for (const auto& r : rels) is_from[r.from] = 1;
  for (size_t o = 0; o < n; ++o) {
    if (keep_[o] && obs_actor[o] != kNoActor && is_from[obs_value[o]]) {
      ++value_obs_offsets[obs_value[o] + 1];
    }
  }
  std::partial_sum(value_obs_offsets.begin(), value_obs_offsets.end(), value_obs_offsets.begin());
  std::vector<uint32_t> value_obs(value_obs_offsets.back());
  {
    std::vector<uint32_t> fill(value_obs_offsets.begin(), value_obs_offsets.end() - 1);
    for (size_t o = 0; o < n; ++o) {
      if (keep_[o] && obs_actor[o] != kNoActor && is_from[obs_value[o]]) {
        value_obs[fill[obs_value[o]]++] = static_cast<uint32_t>(o);
      }
    }
  }
  // A resolution is a move when the same name resolved to another address before it began.
  rel_moved_.assign(rels.size(), 0);
  {
    std::vector<uint32_t> order(rels.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](uint32_t x, uint32_t y) { return rels[x].from < rels[y].from; });
    for (size_t i = 0; i < order.size();) {
      size_t j = i;
      while (j < order.size() && rels[order[j]].from == rels[order[i]].from) ++j;
      // Earliest end overall (and its target), and earliest end among other targets.
      int64_t min1 = std::numeric_limits<int64_t>::max(), min2 = min1;
      uint32_t target1 = 0xffffffffu;
      for (size_t k = i; k < j; ++k) {
        const auto& r = rels[order[k]];
        if (!r.has_time || in_.relationship_kind(r.kind) != "resolves-to") continue;
        if (r.last < min1) {
          if (r.to != target1) min2 = min1;
          min1 = r.last;
          target1 = r.to;
        } else if (r.to != target1 && r.last < min2) {
          min2 = r.last;
        }
      }
      for (size_t k = i; k < j; ++k) {
        const auto& r = rels[order[k]];
        if (!r.has_time || in_.relationship_kind(r.kind) != "resolves-to") continue;
        int64_t before = r.to != target1 ? min1 : min2;
        rel_moved_[order[k]] = before <= r.first;
      }
      i = j;
    }
  }
  // Count postings per key.
  key_offsets_.assign(nkeys + 1, 0);
  auto value_keys = [&](uint32_t v) {
    return std::span<const uint32_t>(keys_.value_keys.data() + keys_.value_offsets[v],
                                     keys_.value_offsets[v + 1] - keys_.value_offsets[v]);
  };
  for (size_t o = 0; o < n; ++o) {
    if (!keep_[o]) continue;
    ++stats_.observations_used;
    for (uint32_t k : value_keys(obs_value[o])) ++key_offsets_[k + 1];
  }
  for (const auto& r : rels) {
    if (r.from == r.to) continue;
    uint32_t k = keys_.exact_key(r.to);
    key_offsets_[k + 1] += value_obs_offsets[r.from + 1] - value_obs_offsets[r.from];
  }
  std::partial_sum(key_offsets_.begin(), key_offsets_.end(), key_offsets_.begin());
  postings_.resize(key_offsets_.back());
  std::vector<uint64_t> fill(key_offsets_.begin(), key_offsets_.end() - 1);
  for (size_t o = 0; o < n; ++o) {
    if (!keep_[o]) continue;
    for (uint32_t k : value_keys(obs_value[o])) {
      postings_[fill[k]++] = {obs_actor[o], static_cast<uint32_t>(o), 0};
    }
  }
  for (size_t ri = 0; ri < rels.size(); ++ri) {
    const auto& r = rels[ri];
    if (r.from == r.to) continue;
    uint32_t k = keys_.exact_key(r.to);
    for (uint32_t i = value_obs_offsets[r.from]; i < value_obs_offsets[r.from + 1]; ++i) {
      uint32_t o = value_obs[i];
      postings_[fill[k]++] = {obs_actor[o], o, static_cast<uint32_t>(ri + 1)};
    }
  }
  // Each key's postings by actor (no-actor postings last: kNoActor is the largest id).
  for (size_t k = 0; k < nkeys; ++k) {
    auto begin = postings_.begin() + static_cast<std::ptrdiff_t>(key_offsets_[k]);
    auto end = postings_.begin() + static_cast<std::ptrdiff_t>(key_offsets_[k + 1]);
    if (end - begin < 2) continue;
    std::sort(begin, end, [](const Posting& x, const Posting& y) {
      return x.actor != y.actor ? x.actor < y.actor : x.obs < y.obs;
    });
  }
  stats_.postings = postings_.size();
}

void Engine::SweepKeys() {
  const size_t nkeys = keys_.size();
  key_actors_.assign(nkeys, 0);
  key_sources_.assign(nkeys, 0);
  key_spec_.assign(nkeys, 0);
  std::vector<uint32_t> source_stamp(in_.source_count(), 0xffffffffu);
  std::vector<uint64_t> histogram(static_cast<size_t>(opt_.max_pair_actors) + 2, 0);
  for (size_t k = 0; k < nkeys; ++k) {
    uint32_t actors = 0, sources = 0;
    uint32_t last_actor = kNoActor;
    for (uint64_t i = key_offsets_[k]; i < key_offsets_[k + 1]; ++i) {
      const Posting& p = postings_[i];
      if (p.actor != kNoActor && p.actor != last_actor) {
        ++actors;
        last_actor = p.actor;
      }
      uint32_t s = in_.obs_source()[p.obs];
      if (source_stamp[s] != k) {
        source_stamp[s] = static_cast<uint32_t>(k);
        ++sources;
      }
    }
    key_actors_[k] = actors;
    key_sources_[k] = sources;
    if (actors >= 2)
      key_spec_[k] =
          static_cast<float>(Specificity(static_cast<int>(actors), static_cast<int>(sources)));
    if (actors >= 2) {
      ++stats_.shared_keys;
      histogram[std::min<size_t>(actors, histogram.size() - 1)]++;
    }
  }
  // The cap: the largest k <= max_pair_actors whose enumeration fits the budget.
  cap_ = std::max(2, opt_.max_pair_actors);
  auto cost = [&](int cap) {
    uint64_t total = 0;
    for (int k = 2; k <= cap && k < static_cast<int>(histogram.size()); ++k) {
      total += histogram[k] * static_cast<uint64_t>(k) * (k - 1) / 2;
    }
    return total;
  };
  while (cap_ > 2 && cost(cap_) > opt_.pair_budget) --cap_;
  stats_.pair_cap = cap_;

  // Enumerate (pair, key) records and summarize each side of the enumerated keys.
  key_side_begin_.assign(nkeys, 0);
  std::vector<uint32_t> actors;
  for (size_t k = 0; k < nkeys; ++k) {
    uint32_t count = key_actors_[k];
    if (count < 2) continue;
    actors.clear();
    for (uint64_t i = key_offsets_[k]; i < key_offsets_[k + 1]; ++i) {
      uint32_t a = postings_[i].actor;
      if (a == kNoActor) break;
      if (actors.empty() || actors.back() != a) actors.push_back(a);
    }
    if (static_cast<int>(count) > cap_) {
      ++stats_.widely_shared_keys;
      for (uint32_t a : actors) wide_.emplace_back(a, static_cast<uint32_t>(k));
      continue;
    }
    key_side_begin_[k] = static_cast<uint32_t>(sides_.size());
    for (uint32_t a : actors) {
      SideScratch& sc = scratch_[0];
      ScanSide(static_cast<uint32_t>(k), a, sc);
      SideSummary sum{};
      sum.actor = a;
      sum.intervals_begin = static_cast<uint32_t>(side_intervals_.size());
      sum.intervals_count = static_cast<uint32_t>(sc.observed.size());
      side_intervals_.insert(side_intervals_.end(), sc.observed.begin(), sc.observed.end());
      auto put = [&](const std::vector<uint32_t>& v, uint32_t* begin, uint32_t* count) {
        *begin = static_cast<uint32_t>(side_items_.size());
        *count = static_cast<uint32_t>(v.size());
        side_items_.insert(side_items_.end(), v.begin(), v.end());
      };
      put(sc.sources, &sum.sources_begin, &sum.sources_count);
      put(sc.basis, &sum.basis_begin, &sum.basis_count);
      put(sc.references, &sum.references_begin, &sum.references_count);
      sum.flags = (sc.any_direct ? kSideDirect : 0) | (sc.any_via ? kSideVia : 0) |
                  (sc.via_resolution ? kSideViaResolution : 0) |
                  (sc.all_moved ? kSideAllMoved : 0) | (sc.role_proxy ? kSideProxy : 0) |
                  (sc.role_compromised ? kSideCompromised : 0);
      sum.tlp = sc.tlp;
      sum.via_from = sc.via_many ? ai::KeyTable::kNone : sc.via_from;
      sides_.push_back(sum);
    }
    for (size_t i = 0; i < actors.size(); ++i) {
      for (size_t j = i + 1; j < actors.size(); ++j) {
        if (!actor_filter_.empty()) {
          bool ok = opt_.actors.size() == 2
                        ? (actor_filter_[actors[i]] && actor_filter_[actors[j]])
                        : (actor_filter_[actors[i]] || actor_filter_[actors[j]]);
          if (!ok) continue;
        }
        records_.push_back({(uint64_t{actors[i]} << 32) | actors[j], static_cast<uint32_t>(k),
                            static_cast<uint16_t>(i), static_cast<uint16_t>(j)});
      }
    }
  }
  std::sort(wide_.begin(), wide_.end());
  stats_.pair_records = records_.size();
}

std::span<const Posting> Engine::Side(uint32_t key, uint32_t actor) const {
  const Posting* begin = postings_.data() + key_offsets_[key];
  const Posting* end = postings_.data() + key_offsets_[key + 1];
  auto lo =
      std::lower_bound(begin, end, actor, [](const Posting& p, uint32_t a) { return p.actor < a; });
  auto hi =
      std::upper_bound(lo, end, actor, [](uint32_t a, const Posting& p) { return a < p.actor; });
  return {lo, static_cast<size_t>(hi - lo)};
}

void Engine::ScanSide(uint32_t key, uint32_t actor, SideScratch& s) const {
  s.Clear();
  const auto& rels = in_.relationships();
  for (const Posting& p : Side(key, actor)) {
    uint32_t o = p.obs;
    int64_t first = in_.obs_first()[o], last = in_.obs_last()[o];
    bool estimated = in_.obs_estimated()[o] != 0;
    if (p.via != 0) {
      const auto& r = rels[p.via - 1];
      s.any_via = true;
      if (s.via_from == ai::KeyTable::kNone) {
        s.via_from = r.from;
      } else if (s.via_from != r.from) {
        s.via_many = true;
      }
      if (in_.relationship_kind(r.kind) == "resolves-to") {
        s.via_resolution = true;
        if (!rel_moved_[p.via - 1]) s.all_moved = false;
      }
      if (r.has_time) {
        first = r.first;
        last = r.last;
        estimated = false;
      }
    } else {
      s.any_direct = true;
    }
    (estimated ? s.estimated : s.observed).push_back({first, last});
    s.sources.push_back(in_.obs_source()[o]);
    for (uint32_t item : in_.item_list(in_.obs_basis()[o])) s.basis.push_back(item);
    for (uint32_t item : in_.item_list(in_.obs_references()[o])) s.references.push_back(item);
    s.tlp = MostRestrictive(s.tlp, in_.obs_tlp()[o]);
    if (p.via != 0) s.tlp = MostRestrictive(s.tlp, rels[p.via - 1].tlp);
    Role role = in_.obs_role()[o];
    if (role == Role::kProxy) s.role_proxy = true;
    if (role == Role::kCompromised) s.role_compromised = true;
  }
  Merge(s.observed);
  Merge(s.estimated);
  SortUnique(s.sources);
  SortUnique(s.basis);
  SortUnique(s.references);
}

std::vector<ListHit> Engine::ListHits(uint32_t key) const {
  if (opt_.lists == nullptr || opt_.lists->empty()) return {};
  const Warninglists& lists = *opt_.lists;
  uint64_t code = keys_.codes[key];
  uint64_t payload = ai::CodePayload(code);
  switch (ai::CodeKind(code)) {
    case ai::KeyKind::kIp4:
      return lists.MatchIp(IpAddress::FromV4(static_cast<uint32_t>(payload)));
    case ai::KeyKind::kEp4:
      return lists.MatchIp(IpAddress::FromV4(static_cast<uint32_t>(payload >> 16)));
    case ai::KeyKind::kIp6:
    case ai::KeyKind::kEp6: {
      std::string text(keys_.pool.Get(static_cast<uint32_t>(payload)));
      if (auto ep = Endpoint::Parse(text); ep.ok()) return lists.MatchIp(ep->ip());
      if (auto ip = IpAddress::Parse(text); ip.ok()) return lists.MatchIp(*ip);
      return {};
    }
    case ai::KeyKind::kSlash24:
      return lists.MatchPrefix(
          IpPrefix::Of(IpAddress::FromV4(static_cast<uint32_t>(payload << 8)), 24), true);
    case ai::KeyKind::kSlash48: {
      auto p = IpPrefix::Parse(keys_.pool.Get(static_cast<uint32_t>(payload)));
      return p.ok() ? lists.MatchPrefix(*p, true) : std::vector<ListHit>{};
    }
    case ai::KeyKind::kDomain:
    case ai::KeyKind::kRegDomain:
      return lists.MatchDomain(keys_.pool.Get(static_cast<uint32_t>(payload)));
    case ai::KeyKind::kCidr:
    case ai::KeyKind::kUrl:
    case ai::KeyKind::kUrlPath:
    case ai::KeyKind::kHash:
    case ai::KeyKind::kCert:
    case ai::KeyKind::kTls:
    case ai::KeyKind::kEmail:
    case ai::KeyKind::kTelegram:
    case ai::KeyKind::kOther: {
      uint32_t v = static_cast<uint32_t>(payload);
      return lists.Match(in_.value_type(v), in_.value_text(v));
    }
    case ai::KeyKind::kAsn:
    case ai::KeyKind::kProvider:
    case ai::KeyKind::kPathScheme:
    case ai::KeyKind::kPort:
      return {};
  }
  return {};
}

bool Engine::IsTenantHit(uint32_t key, const ListHit& hit) const {
  const ListInfo& info = opt_.lists->lists()[hit.list];
  return ai::CodeKind(keys_.codes[key]) == ai::KeyKind::kDomain &&
         info.match == ListMatch::kHostname && info.kind == ListKind::kServiceProvider &&
         hit.detail.rfind("under ", 0) == 0;
}

int Engine::Listed(uint32_t key) {
  if (key_listed_[key] != -2) return key_listed_[key];
  int kind = -1;
  for (const ListHit& hit : ListHits(key)) {
    if (IsTenantHit(key, hit)) continue;
    ListKind k = opt_.lists->lists()[hit.list].kind;
    // Sinkhole and proxy lists say more than a generic provider list.
    int rank = k == ListKind::kSinkhole ? 3 : k == ListKind::kProxy ? 2 : 1;
    int current = kind == -1                                      ? 0
                  : kind == static_cast<int>(ListKind::kSinkhole) ? 3
                  : kind == static_cast<int>(ListKind::kProxy)    ? 2
                                                                  : 1;
    if (rank > current) kind = static_cast<int>(k);
  }
  key_listed_[key] = static_cast<int8_t>(kind);
  return kind;
}

ai::Item Engine::Evaluate(uint32_t a, uint32_t b, uint32_t key, uint32_t side_a, uint32_t side_b,
                          const std::array<std::vector<uint32_t>, 2>* disputed, Evidence* ev,
                          std::vector<uint32_t>* names) {
  ai::Item item;
  item.key = key;
  item.kind = ai::CodeKind(keys_.codes[key]);
  item.actors = static_cast<int>(key_actors_[key]);
  item.sources = static_cast<int>(key_sources_[key]);
  item.spec = key_spec_[key];
  item.side_a = side_a;
  item.side_b = side_b;
  const SideSummary& sa = sides_[side_a];
  const SideSummary& sb = sides_[side_b];
  auto has = [](const SideSummary& s, uint8_t flag) { return (s.flags & flag) != 0; };

  // Level: how each side reached the key.
  item.level = ai::KeyLevel(item.kind);
  bool a_via_only = has(sa, kSideVia) && !has(sa, kSideDirect);
  bool b_via_only = has(sb, kSideVia) && !has(sb, kSideDirect);
  item.via_resolution = has(sa, kSideViaResolution) || has(sb, kSideViaResolution);
  item.both_via = a_via_only && b_via_only;
  item.moved_here = item.both_via && has(sa, kSideAllMoved) && has(sb, kSideAllMoved);
  const bool ip = item.kind == ai::KeyKind::kIp4 || item.kind == ai::KeyKind::kIp6;
  if (ip && ((has(sa, kSideViaResolution) && has(sb, kSideDirect)) ||
             (has(sb, kSideViaResolution) && has(sa, kSideDirect)))) {
    // One actor's domain resolved to an address the other used: the DNS family agrees.
    item.level = EvidenceLevel::kPdnsLink;
  } else if (a_via_only || b_via_only) {
    if (item.kind == ai::KeyKind::kCert) {
      item.level = EvidenceLevel::kCertOnIps;
    } else if (ip && item.via_resolution) {
      item.level = item.both_via ? EvidenceLevel::kPdnsSharedIp : EvidenceLevel::kPdnsLink;
    } else {
      item.level = EvidenceLevel::kRelated;
    }
  }

  // Time.
  if (sa.intervals_count == 0 || sb.intervals_count == 0) {
    item.time = TimeRelation::kUnknown;
  } else {
    int64_t gap = MinGap(Intervals(sa), Intervals(sb));
    item.gap_days = gap / kDay;
    item.time = item.gap_days <= opt_.concurrent_days  ? TimeRelation::kConcurrent
                : item.gap_days <= opt_.far_apart_days ? TimeRelation::kSequential
                                                       : TimeRelation::kFarApart;
  }

  // Independence.
  uint32_t shared_item = 0;
  auto basis_a = Items(sa.basis_begin, sa.basis_count);
  auto basis_b = Items(sb.basis_begin, sb.basis_count);
  if (IntersectSorted(basis_a, basis_b, &shared_item)) {
    item.independence = ai::Independence::kSameBasis;
  } else if (IntersectSorted(Items(sa.references_begin, sa.references_count),
                             Items(sb.references_begin, sb.references_count), &shared_item)) {
    item.independence = ai::Independence::kSameReference;
  } else if (disputed != nullptr && IntersectSorted(basis_a, (*disputed)[0]) &&
             IntersectSorted(basis_b, (*disputed)[1])) {
    item.independence = ai::Independence::kWithDisputedSample;
  } else if (sa.sources_count == 1 && sb.sources_count == 1 &&
             side_items_[sa.sources_begin] == side_items_[sb.sources_begin]) {
    item.independence = ai::Independence::kSameSource;
  }
  item.role_proxy = has(sa, kSideProxy) || has(sb, kSideProxy);
  item.role_compromised = has(sa, kSideCompromised) || has(sb, kSideCompromised);
  item.listed = Listed(key);

  // Weight.
  double level_weight = ai::LevelWeight(item.level);
  double time_factor = TimeFactor(item.time, item.gap_days);
  double list_factor = item.listed >= 0 ? 0.1 : 1.0;
  bool dependent = item.independence == ai::Independence::kSameBasis ||
                   item.independence == ai::Independence::kSameReference ||
                   item.independence == ai::Independence::kWithDisputedSample;
  double independence_factor = dependent ? 0.3 : 1.0;
  item.weight = level_weight * item.spec * time_factor * list_factor * independence_factor;
  item.ach = level_weight * (0.5 + 0.5 * item.spec);

  if (ev == nullptr) return item;

  // ---- text for the report
  ev->value = ai::KeyText(keys_, in_, key);
  ev->level = item.level;
  ev->family = std::string(ai::LevelFamily(item.level));
  ev->time = item.time;
  ev->gap_days = item.gap_days;
  ev->actors_sharing = item.actors;
  ev->sources_sharing = item.sources;
  ev->specificity = item.spec;
  ev->weight = item.weight;
  ev->ach_weight = item.ach;
  ev->independence = std::string(ai::IndependenceName(item.independence));
  auto fmt2 = [](double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", x);
    return std::string(buf);
  };
  ev->weight_reasons.push_back("level " + std::string(EvidenceLevelName(item.level)) + ": " +
                               fmt2(level_weight));
  ev->weight_reasons.push_back("specificity " + fmt2(item.spec) + ": held by " +
                               std::to_string(item.actors) + " actors, named by " +
                               std::to_string(item.sources) + " sources");
  switch (item.time) {
    case TimeRelation::kConcurrent:
      ev->weight_reasons.push_back("time 1.00: in use by both at the same time" +
                                   (item.gap_days > 0
                                        ? " (within " + std::to_string(item.gap_days) + " days)"
                                        : std::string()));
      break;
    case TimeRelation::kSequential:
      ev->weight_reasons.push_back("time " + fmt2(time_factor) + ": sequential, gap of " +
                                   std::to_string(item.gap_days) + " days");
      break;
    case TimeRelation::kFarApart:
      ev->weight_reasons.push_back("time " + fmt2(time_factor) + ": far apart, gap of " +
                                   std::to_string(item.gap_days) + " days");
      break;
    case TimeRelation::kUnknown:
      ev->weight_reasons.push_back("time " + fmt2(time_factor) +
                                   ": at least one side has only estimated dates");
      break;
    case TimeRelation::kNotApplicable:
      break;
  }
  for (const ListHit& hit : ListHits(key)) {
    const ListInfo& info = opt_.lists->lists()[hit.list];
    if (IsTenantHit(key, hit)) {
      ev->weight_reasons.push_back("not weakened: a name " + hit.detail + " (" + info.name +
                                   ") is one tenant's own name on a shared service");
      continue;
    }
    ev->listed.push_back(info.name + " [" + std::string(ListKindName(info.kind)) +
                         "]: " + hit.detail);
  }
  if (item.listed >= 0) ev->weight_reasons.push_back("listed 0.10: " + ev->listed.front());
  if (dependent) {
    std::string what = item.independence == ai::Independence::kWithDisputedSample
                           ? "comes from the reports that label one sample twice"
                           : "both sides rest on " + std::string(in_.item(shared_item));
    ev->weight_reasons.push_back("independence 0.30: " + what);
  } else if (item.independence == ai::Independence::kSameSource) {
    ev->weight_reasons.push_back("one source names both actors");
  }
  ScanSide(key, a, scratch_[0]);
  FillSideText(key, a, scratch_[0], &ev->sides[0], names);
  ScanSide(key, b, scratch_[1]);
  FillSideText(key, b, scratch_[1], &ev->sides[1], names + 1);
  // Reallocation signs: a different port or path on each side of one address or name.
  auto disjoint = [](const std::vector<std::string>& x, const std::vector<std::string>& y,
                     std::string_view prefix) {
    bool any_x = false, any_y = false;
    for (const auto& s : x) any_x |= s.rfind(prefix, 0) == 0;
    for (const auto& s : y) any_y |= s.rfind(prefix, 0) == 0;
    if (!any_x || !any_y) return false;
    for (const auto& s : x) {
      if (s.rfind(prefix, 0) == 0 && std::find(y.begin(), y.end(), s) != y.end()) return false;
    }
    return true;
  };
  item.different_ports = disjoint(ev->sides[0].details, ev->sides[1].details, "port ");
  item.different_paths = disjoint(ev->sides[0].details, ev->sides[1].details, "path ");
  for (int side = 0; side < 2; ++side) ev->tlp = MostRestrictive(ev->tlp, ev->sides[side].tlp);
  return item;
}

void Engine::FillSideText(uint32_t key, uint32_t actor, const SideScratch& s, EvidenceSide* out,
                          std::vector<uint32_t>* names) {
  for (const auto& iv : s.observed) out->intervals.push_back({iv.first, iv.last, false});
  for (const auto& iv : s.estimated) out->intervals.push_back({iv.first, iv.last, true});
  std::sort(out->intervals.begin(), out->intervals.end(),
            [](const TimedInterval& x, const TimedInterval& y) { return x.first < y.first; });
  for (uint32_t src : s.sources) out->sources.emplace_back(in_.source(src));
  for (uint32_t r : s.references) out->references.emplace_back(in_.item(r));
  for (uint32_t bi : s.basis) out->basis.emplace_back(in_.item(bi));
  std::vector<uint32_t> values, vias;
  std::vector<std::string> details;
  std::vector<Role> roles;
  // Independent sources: sources citing a common reference count once.
  std::vector<std::pair<uint32_t, uint32_t>> source_refs;
  const auto& rels = in_.relationships();
  for (const Posting& p : Side(key, actor)) {
    uint32_t o = p.obs;
    ++out->observations;
    out->tlp = MostRestrictive(out->tlp, in_.obs_tlp()[o]);
    uint32_t v = in_.obs_value()[o];
    if (p.via != 0) {
      vias.push_back(p.via - 1);
      out->tlp = MostRestrictive(out->tlp, rels[p.via - 1].tlp);
    } else {
      values.push_back(v);
      ai::ValueDetail d = ai::DetailOf(in_.value_type(v), in_.value_text(v));
      if (d.port != 0) details.push_back("port " + std::to_string(d.port));
      if (!d.path.empty()) details.push_back("path " + d.path);
    }
    roles.push_back(in_.obs_role()[o]);
    if (in_.obs_name()[o] != 0) names->push_back(in_.obs_name()[o]);
    for (uint32_t r : in_.item_list(in_.obs_references()[o])) {
      source_refs.emplace_back(in_.obs_source()[o], r);
    }
  }
  SortUnique(values);
  SortUnique(vias);
  for (uint32_t v : values) out->values.emplace_back(in_.value_text(v));
  for (uint32_t r : vias) {
    const auto& rel = rels[r];
    std::string text = std::string(in_.relationship_kind(rel.kind)) + " from " +
                       std::string(in_.value_text(rel.from));
    if (rel.has_time) text += " (" + DateText(rel.first) + ".." + DateText(rel.last) + ")";
    out->via.push_back(std::move(text));
  }
  std::sort(details.begin(), details.end());
  details.erase(std::unique(details.begin(), details.end()), details.end());
  out->details = std::move(details);
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  for (Role r : roles) {
    if (r != Role::kUnknown) out->roles.emplace_back(RoleName(r));
  }
  // Union-find over sources joined by a shared reference.
  std::vector<uint32_t> parent(s.sources.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  auto index_of = [&](uint32_t src) {
    return static_cast<uint32_t>(std::lower_bound(s.sources.begin(), s.sources.end(), src) -
                                 s.sources.begin());
  };
  std::sort(source_refs.begin(), source_refs.end(),
            [](const auto& x, const auto& y) { return x.second < y.second; });
  for (size_t i = 1; i < source_refs.size(); ++i) {
    if (source_refs[i].second == source_refs[i - 1].second) {
      parent[find(index_of(source_refs[i].first))] = find(index_of(source_refs[i - 1].first));
    }
  }
  int groups = 0;
  for (uint32_t i = 0; i < parent.size(); ++i) groups += find(i) == i;
  out->independent_sources = groups;
}

double Engine::EvaluatePair(uint32_t a, uint32_t b, std::span<const PairRecord> records,
                            std::vector<ai::Item>* items,
                            std::array<std::vector<uint32_t>, 2>* disputed) {
  items->clear();
  for (auto& d : *disputed) d.clear();
  bool any_sample = false;
  for (const PairRecord& r : records) {
    if (ai::CodeKind(keys_.codes[r.key]) != ai::KeyKind::kHash) continue;
    any_sample = true;
    for (int side = 0; side < 2; ++side) {
      const SideSummary& sum = sides_[key_side_begin_[r.key] + (side == 0 ? r.side_a : r.side_b)];
      auto basis = Items(sum.basis_begin, sum.basis_count);
      (*disputed)[side].insert((*disputed)[side].end(), basis.begin(), basis.end());
    }
  }
  for (auto& d : *disputed) SortUnique(d);
  for (const PairRecord& r : records) {
    items->push_back(Evaluate(a, b, r.key, key_side_begin_[r.key] + r.side_a,
                              key_side_begin_[r.key] + r.side_b, any_sample ? disputed : nullptr,
                              nullptr));
  }
  // Subsumption: a value's coarser keys are implied by its exact key when both are shared.
  auto key_less = [](const PairRecord& r, uint32_t k) { return r.key < k; };
  for (size_t i = 0; i < items->size(); ++i) {
    uint32_t v = keys_.key_value[(*items)[i].key];
    if (v == ai::KeyTable::kNone) continue;
    for (uint32_t d = keys_.value_offsets[v] + 1; d < keys_.value_offsets[v + 1]; ++d) {
      uint32_t derived = keys_.value_keys[d];
      auto it = std::lower_bound(records.begin(), records.end(), derived, key_less);
      if (it == records.end() || it->key != derived) continue;
      size_t j = static_cast<size_t>(it - records.begin());
      // A passive-DNS link adds the DNS family: it is never only implied.
      if ((*items)[j].level == EvidenceLevel::kPdnsLink) continue;
      if (j != i && (*items)[j].subsumed_by < 0) (*items)[j].subsumed_by = static_cast<int>(i);
    }
  }
  // A passive-DNS link is implied by a shared name when the side that reaches the address
  // only through resolutions does so from a name both actors hold: one resolution of one
  // shared domain is not a second, DNS-family piece of evidence.
  for (auto& item : *items) {
    if (item.subsumed_by >= 0 ||
        (item.level != EvidenceLevel::kPdnsLink && item.level != EvidenceLevel::kPdnsSharedIp)) {
      continue;
    }
    int implied = -1;
    bool every_via_side_shared = true;
    for (uint32_t side : {item.side_a, item.side_b}) {
      const SideSummary& sum = sides_[side];
      if ((sum.flags & kSideDirect) != 0 || (sum.flags & kSideVia) == 0) continue;
      if (sum.via_from == ai::KeyTable::kNone) {
        every_via_side_shared = false;
        break;
      }
      uint32_t from_key = keys_.exact_key(sum.via_from);
      auto it = std::lower_bound(records.begin(), records.end(), from_key, key_less);
      if (it == records.end() || it->key != from_key) {
        every_via_side_shared = false;
        break;
      }
      if (implied < 0) implied = static_cast<int>(it - records.begin());
    }
    if (every_via_side_shared && implied >= 0) item.subsumed_by = implied;
  }
  double keep = 1.0;
  for (const auto& item : *items) {
    if (item.subsumed_by < 0) keep *= 1.0 - std::min(0.99, item.weight);
  }
  return 100.0 * (1.0 - keep);
}

ActorSummary Engine::Summarize(uint32_t actor, const std::vector<uint32_t>& names) const {
  const ActorInfo& info = in_.actor(actor);
  ActorSummary s;
  s.id = info.id;
  s.name = info.name;
  s.kind = info.kind;
  s.external_ids = info.external_ids;
  for (uint32_t n : names) s.names_used.emplace_back(in_.name(n));
  for (ActorId umbrella : info.part_of) {
    if (auto idx = in_.FindActor(umbrella)) s.part_of.push_back(in_.actor(*idx).name);
  }
  return s;
}

PairFinding Engine::Report(uint32_t a, uint32_t b, std::span<const PairRecord> records) {
  PairFinding f;
  std::vector<ai::Item> items;
  std::array<std::vector<uint32_t>, 2> disputed;
  f.score = EvaluatePair(a, b, records, &items, &disputed);
  const bool any_sample = !disputed[0].empty() || !disputed[1].empty();

  // Counted items by weight, then implied ones. The strongest get their full text and are
  // kept; the rest are judged and tallied one at a time and not stored.
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    bool sx = items[x].subsumed_by >= 0, sy = items[y].subsumed_by >= 0;
    if (sx != sy) return !sx;
    return items[x].weight > items[y].weight;
  });
  ai::Tally tally;
  std::vector<uint32_t> names[2];
  std::array<std::vector<uint32_t>, 2> side_sources;
  std::vector<Evidence> shown;
  Evidence light;
  std::unordered_map<uint64_t, std::array<Mark, kHypothesisCount>> mark_cache;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const size_t i = order[rank];
    ai::Item& it = items[i];
    const SideSummary& sa = sides_[it.side_a];
    const SideSummary& sb = sides_[it.side_b];
    f.tlp = MostRestrictive(f.tlp, MostRestrictive(sa.tlp, sb.tlp));
    if (it.subsumed_by < 0) {
      for (int side = 0; side < 2; ++side) {
        const SideSummary& sum = side == 0 ? sa : sb;
        auto src = Items(sum.sources_begin, sum.sources_count);
        side_sources[side].insert(side_sources[side].end(), src.begin(), src.end());
      }
    }
    std::string implied;
    if (it.subsumed_by >= 0) {
      implied = ai::KeyText(keys_, in_, items[static_cast<size_t>(it.subsumed_by)].key);
    }
    Evidence* ev;
    if (rank < opt_.max_evidence) {
      ev = &shown.emplace_back();
      int subsumed_by = it.subsumed_by;
      it =
          Evaluate(a, b, it.key, it.side_a, it.side_b, any_sample ? &disputed : nullptr, ev, names);
      it.subsumed_by = subsumed_by;
    } else {
      // Not shown: only the marks count, and they depend on a few features; judge each
      // combination once.
      light.level = it.level;
      light.family = std::string(ai::LevelFamily(it.level));
      light.time = it.time;
      light.gap_days = it.gap_days;
      light.weight = it.weight;
      light.ach_weight = it.ach;
      light.listed.clear();
      if (it.listed >= 0) light.listed.emplace_back("listed");
      light.subsumed_by = implied;
      uint64_t signature = static_cast<uint64_t>(it.level) | static_cast<uint64_t>(it.time) << 8 |
                           static_cast<uint64_t>(it.listed + 1) << 12 |
                           static_cast<uint64_t>(it.independence) << 16 |
                           uint64_t{it.both_via} << 20 | uint64_t{it.via_resolution} << 21 |
                           uint64_t{it.moved_here} << 22 | uint64_t{it.role_proxy} << 23 |
                           uint64_t{it.role_compromised} << 24 | uint64_t{it.spec >= 0.5} << 25 |
                           uint64_t{it.actors >= 3} << 26;
      auto cached = mark_cache.find(signature);
      if (cached == mark_cache.end()) {
        Evidence judged;
        ai::JudgeItem(it, "", &judged);
        std::array<Mark, kHypothesisCount> marks;
        for (size_t h = 0; h < kHypothesisCount; ++h) marks[h] = judged.cells[h].mark;
        cached = mark_cache.emplace(signature, marks).first;
      }
      for (size_t h = 0; h < kHypothesisCount; ++h) light.cells[h] = {cached->second[h], {}};
      tally.Add(light);
      continue;
    }
    if (!implied.empty()) {
      ev->subsumed_by = implied;
      ev->weight_reasons.push_back("implied by the shared " + implied + ": not counted again");
    }
    ai::JudgeItem(it, ev->value, ev);
  }
  for (auto& n : names) SortUnique(n);
  for (auto& src : side_sources) SortUnique(src);
  f.actors[0] = Summarize(a, names[0]);
  f.actors[1] = Summarize(b, names[1]);
  f.evidence_total = items.size();

  // Values shared by more actors than the cap: one aggregate item.
  ai::PairContext context;
  context.a = &in_.actor(a);
  context.b = &in_.actor(b);
  context.items = &items;
  auto range = [&](uint32_t actor) {
    auto lo = std::lower_bound(wide_.begin(), wide_.end(), std::make_pair(actor, 0u));
    auto hi = std::lower_bound(wide_.begin(), wide_.end(), std::make_pair(actor + 1, 0u));
    return std::make_pair(lo, hi);
  };
  auto [alo, ahi] = range(a);
  auto [blo, bhi] = range(b);
  std::vector<uint32_t> common;
  for (auto i = alo, j = blo; i != ahi && j != bhi;) {
    if (i->second == j->second) {
      common.push_back(i->second);
      ++i;
      ++j;
    } else if (i->second < j->second) {
      ++i;
    } else {
      ++j;
    }
  }
  if (!common.empty()) {
    double wide_keep = 1.0;
    std::vector<std::pair<double, uint32_t>> weighted;
    for (uint32_t k : common) {
      EvidenceLevel level = ai::KeyLevel(ai::CodeKind(keys_.codes[k]));
      double w = ai::LevelWeight(level) *
                 Specificity(static_cast<int>(key_actors_[k]), static_cast<int>(key_sources_[k])) *
                 (Listed(k) >= 0 ? 0.1 : 1.0);
      weighted.emplace_back(w, k);
      wide_keep *= 1.0 - std::min(0.99, w);
    }
    std::sort(weighted.rbegin(), weighted.rend());
    Evidence& ev = shown.emplace_back();
    ev.level = EvidenceLevel::kWidelyShared;
    ev.family = "network";
    ev.value = std::to_string(common.size()) + " values each held by more than " +
               std::to_string(cap_) + " actors";
    ev.weight = 1.0 - wide_keep;
    ev.ach_weight = std::min(0.5, ev.weight);
    ev.time = TimeRelation::kNotApplicable;
    std::string examples;
    for (size_t i = 0; i < weighted.size() && i < 5; ++i) {
      uint32_t k = weighted[i].second;
      if (!examples.empty()) examples += ", ";
      examples += ai::KeyText(keys_, in_, k) + " (" + std::to_string(key_actors_[k]) + " actors)";
    }
    ev.weight_reasons.push_back("widely shared values, aggregated rather than enumerated: " +
                                examples);
    ev.cells[static_cast<size_t>(Hypothesis::kSharedProvider)] = {
        Mark::kC, "values that many unrelated actors hold point to shared services"};
    ai::Item wide;
    wide.level = EvidenceLevel::kWidelyShared;
    wide.weight = ev.weight;
    wide.ach = ev.ach_weight;
    wide.listed = static_cast<int>(ListKind::kServiceProvider);
    items.push_back(wide);
    context.widely_shared = true;
    f.score = 100.0 - (100.0 - f.score) * wide_keep;
    ++f.evidence_total;
  }
  for (const auto& e : shown) f.tlp = MostRestrictive(f.tlp, e.tlp);
  std::stable_sort(shown.begin(), shown.end(), [](const Evidence& x, const Evidence& y) {
    bool sx = !x.subsumed_by.empty(), sy = !y.subsumed_by.empty();
    if (sx != sy) return !sx;
    return x.weight > y.weight;
  });
  f.evidence = std::move(shown);
  ai::AddPairItems(context, &f);
  for (Evidence& ev : f.evidence) tally.Add(ev);
  tally.Finish({side_sources[0].size(), side_sources[1].size()}, &f);
  // At most max_evidence value items (the aggregate may have pushed one out); every pair item.
  size_t value_items = 0;
  for (const Evidence& e : f.evidence) {
    value_items += e.level != EvidenceLevel::kNaming && e.level != EvidenceLevel::kPairSummary;
  }
  if (value_items > opt_.max_evidence) {
    auto first_pair_item = f.evidence.begin() + static_cast<std::ptrdiff_t>(value_items);
    f.evidence.erase(first_pair_item - static_cast<std::ptrdiff_t>(value_items - opt_.max_evidence),
                     first_pair_item);
  }
  return f;
}

Result<AnalysisResult> Engine::Run() {
  auto start = std::chrono::steady_clock::now();
  stats_.observations = in_.observation_count();
  stats_.values = in_.value_count();
  if (!opt_.actors.empty()) {
    actor_filter_.assign(in_.actor_count(), 0);
    for (ActorId id : opt_.actors) {
      auto idx = in_.FindActor(id);
      if (!idx) return NotFound("actor id " + std::to_string(id) + " is not in the input");
      actor_filter_[*idx] = 1;
    }
  }
  auto phase_start = std::chrono::steady_clock::now();
  auto phase = [&](const char* name) {
    auto now = std::chrono::steady_clock::now();
    stats_.phases.emplace_back(name, std::chrono::duration<double>(now - phase_start).count());
    phase_start = now;
  };
  keys_ = ai::BuildKeyTable(in_, opt_.asn);
  phase("keys");
  stats_.keys = keys_.size();
  key_listed_.assign(keys_.size(), -2);
  BuildPostings();
  phase("postings");
  SweepKeys();
  phase("sweep");
  std::sort(records_.begin(), records_.end(), [](const PairRecord& x, const PairRecord& y) {
    return x.pair != y.pair ? x.pair < y.pair : x.key < y.key;
  });
  phase("sort-pairs");

  struct Candidate {
    uint64_t pair;
    size_t begin, end;
    double score;
  };
  std::vector<Candidate> candidates;
  std::vector<ai::Item> items;
  std::array<std::vector<uint32_t>, 2> disputed;
  for (size_t i = 0; i < records_.size();) {
    size_t j = i;
    while (j < records_.size() && records_[j].pair == records_[i].pair) ++j;
    uint32_t a = static_cast<uint32_t>(records_[i].pair >> 32);
    uint32_t b = static_cast<uint32_t>(records_[i].pair & 0xffffffffu);
    double score = EvaluatePair(a, b, std::span<const PairRecord>(records_.data() + i, j - i),
                                &items, &disputed);
    candidates.push_back({records_[i].pair, i, j, score});
    i = j;
  }
  stats_.candidate_pairs = candidates.size();
  phase("weigh-pairs");
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    return x.score != y.score ? x.score > y.score : x.pair < y.pair;
  });
  AnalysisResult result;
  for (const Candidate& c : candidates) {
    if (opt_.max_pairs != 0 && result.pairs.size() >= opt_.max_pairs) break;
    // The aggregate of widely shared values can only raise a score; check after reporting.
    uint32_t a = static_cast<uint32_t>(c.pair >> 32);
    uint32_t b = static_cast<uint32_t>(c.pair & 0xffffffffu);
    if (c.score < opt_.min_score && wide_.empty()) break;
    PairFinding f =
        Report(a, b, std::span<const PairRecord>(records_.data() + c.begin, c.end - c.begin));
    if (f.score < opt_.min_score) continue;
    result.pairs.push_back(std::move(f));
  }
  std::stable_sort(result.pairs.begin(), result.pairs.end(),
                   [](const PairFinding& x, const PairFinding& y) { return x.score > y.score; });
  stats_.reported_pairs = result.pairs.size();
  phase("report");
  stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.stats = stats_;
  return result;
}

}  // namespace

namespace analysis_internal {

std::string_view IndependenceName(Independence i) {
  switch (i) {
    case Independence::kIndependent:
      return "independent";
    case Independence::kSameSource:
      return "same-source";
    case Independence::kSameReference:
      return "same-reference";
    case Independence::kSameBasis:
      return "same-basis";
    case Independence::kWithDisputedSample:
      return "with-disputed-sample";
  }
  return "independent";
}

}  // namespace analysis_internal

Result<AnalysisResult> Analyze(const AnalysisInput& input, const AnalysisOptions& options) {
  if (options.max_pair_actors < 2) {
    return InvalidArgument("max_pair_actors must be at least 2, got " +
                           std::to_string(options.max_pair_actors));
  }
  if (options.since && options.until && *options.until < *options.since) {
    return InvalidArgument("--until " + options.until->ToString() + " is before --since " +
                           options.since->ToString());
  }
  Engine engine(input, options);
  return engine.Run();
}

}  // namespace cotenant
