#include "store/alias_registry.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <string>

namespace cotenant {

std::string NormalizeActorName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      out += c;
    } else if (u >= 'A' && u <= 'Z') {
      out += static_cast<char>(u - 'A' + 'a');
    } else if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')) {
      out += c;
    }
  }
  return out;
}

std::string_view ActorKindName(ActorKind kind) {
  switch (kind) {
    case ActorKind::kGroup:
      return "group";
    case ActorKind::kAmbiguous:
      return "ambiguous";
    case ActorKind::kUnregistered:
      return "unregistered";
  }
  return "unregistered";
}

}  // namespace cotenant

namespace cotenant::store {
namespace {

bool IsAttackId(std::string_view s) {
  if (s.size() != 5 || s[0] != 'G') return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Lower is preferred for the canonical name of a merged group.
int SourcePriority(std::string_view source) {
  if (source.find("intrusion-set") != std::string_view::npos) return 1;
  if (source.find("mitre") != std::string_view::npos ||
      source.find("attack") != std::string_view::npos) {
    return 0;
  }
  if (source.find("threat-actor") != std::string_view::npos) return 2;
  return 3;
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n), sources_(n) {
    std::iota(parent_.begin(), parent_.end(), size_t{0});
  }
  size_t Find(size_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void AddSource(size_t x, const std::string& source) { sources_[x].insert(source); }
  // Merges unless `guarded` and both sides already hold a record of the same source.
  bool Union(size_t a, size_t b, bool guarded) {
    a = Find(a);
    b = Find(b);
    if (a == b) return true;
    if (guarded) {
      for (const auto& s : sources_[a]) {
        if (sources_[b].count(s) != 0) return false;
      }
    }
    if (a > b) std::swap(a, b);
    parent_[b] = a;
    sources_[a].insert(sources_[b].begin(), sources_[b].end());
    sources_[b].clear();
    return true;
  }

 private:
  std::vector<size_t> parent_;
  std::vector<std::set<std::string>> sources_;
};

}  // namespace

std::string_view StripAttackSuffix(std::string_view name) {
  // "Ajax Security Team - G0130"
  if (name.size() > 8 && name.substr(name.size() - 8, 3) == " - " &&
      IsAttackId(name.substr(name.size() - 5))) {
    return name.substr(0, name.size() - 8);
  }
  return name;
}

std::string AttackGroupId(std::string_view name, std::string_view external_id) {
  if (IsAttackId(external_id)) return std::string(external_id);
  if (StripAttackSuffix(name).size() != name.size()) {
    return std::string(name.substr(name.size() - 5));
  }
  return "";
}

Result<AliasOverrides> AliasOverrides::Parse(std::string_view text, std::string_view origin) {
  AliasOverrides out;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    auto where = [&] { return std::string(origin) + ":" + std::to_string(line_no) + ": "; };
    if (line.substr(0, 6) == "split:") {
      std::string_view name = Trim(line.substr(6));
      if (NormalizeActorName(name).empty()) {
        return InvalidArgument(where() + "`split:` needs a name");
      }
      out.splits.push_back({std::string(name), line_no});
    } else if (line.substr(0, 8) == "part-of:") {
      std::string_view rest = line.substr(8);
      size_t arrow = rest.find("->");
      if (arrow == std::string_view::npos) {
        return InvalidArgument(where() + "expected `part-of: MEMBER -> UMBRELLA`, got `" +
                               std::string(line) + "`");
      }
      std::string_view member = Trim(rest.substr(0, arrow));
      std::string_view umbrella = Trim(rest.substr(arrow + 2));
      if (NormalizeActorName(member).empty() || NormalizeActorName(umbrella).empty()) {
        return InvalidArgument(where() + "`part-of:` needs two names");
      }
      out.part_of.push_back({std::string(member), std::string(umbrella), line_no});
    } else {
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) {
        return InvalidArgument(where() +
                               "expected `NAME = CANONICAL`, `split: NAME` or "
                               "`part-of: MEMBER -> UMBRELLA`, got `" +
                               std::string(line) + "`");
      }
      std::string_view name = Trim(line.substr(0, eq));
      std::string_view canonical = Trim(line.substr(eq + 1));
      if (NormalizeActorName(name).empty() || NormalizeActorName(canonical).empty()) {
        return InvalidArgument(where() + "`NAME = CANONICAL` needs two names");
      }
      if (NormalizeActorName(name) == NormalizeActorName(canonical)) {
        return InvalidArgument(where() + "`" + std::string(name) + "` is set equal to itself");
      }
      out.aliases.push_back({std::string(name), std::string(canonical), line_no});
    }
    if (end == text.size()) break;
  }
  return out;
}

AliasRegistry AliasRegistry::Build(std::vector<NamingRecord> records,
                                   const AliasOverrides& overrides) {
  AliasRegistry reg;
  // Deterministic regardless of input order.
  std::sort(records.begin(), records.end(), [](const NamingRecord& a, const NamingRecord& b) {
    return std::tie(a.source, a.name, a.external_id, a.id) <
           std::tie(b.source, b.name, b.external_id, b.id);
  });
  const size_t n = records.size();
  UnionFind uf(n);
  std::vector<std::string> preferred(n);
  std::vector<std::string> attack(n);
  for (size_t i = 0; i < n; ++i) {
    uf.AddSource(i, records[i].source);
    preferred[i] = NormalizeActorName(StripAttackSuffix(records[i].name));
    attack[i] = AttackGroupId(records[i].name, records[i].external_id);
    // MISP threat-actor clusters list the ATT&CK id among their synonyms ("G0045").
    for (const auto& a : records[i].aliases) {
      if (attack[i].empty() && IsAttackId(Trim(a))) attack[i] = std::string(Trim(a));
    }
  }
  // 1. Same ATT&CK id (guarded too: MISP lists G0013 under both APT30 and Naikon).
  std::map<std::string, size_t> first_by_attack;
  for (size_t i = 0; i < n; ++i) {
    if (attack[i].empty()) continue;
    auto [it, inserted] = first_by_attack.emplace(attack[i], i);
    if (!inserted) uf.Union(it->second, i, /*guarded=*/true);
  }
  // 2. Same preferred name (across sources).
  std::map<std::string, size_t> first_by_name;
  for (size_t i = 0; i < n; ++i) {
    if (preferred[i].empty()) continue;
    auto [it, inserted] = first_by_name.emplace(preferred[i], i);
    if (!inserted) uf.Union(it->second, i, /*guarded=*/true);
  }
  // 3. Mutual naming: source T lists record A's preferred name for exactly one of its records
  // B, and A lists B's preferred name. One-way listings are not enough: umbrella clusters list
  // their sub-clusters' names (MISP's "Lazarus Group" lists "APT38").
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> by_source_name;
  std::vector<std::set<std::string>> names_of(n);
  for (size_t i = 0; i < n; ++i) {
    std::set<std::string>& names = names_of[i];
    names.insert(preferred[i]);
    for (const auto& a : records[i].aliases) names.insert(NormalizeActorName(a));
    for (const auto& nm : names) {
      if (!nm.empty()) by_source_name[{records[i].source, nm}].push_back(i);
    }
  }
  std::set<std::string> sources;
  for (const auto& r : records) sources.insert(r.source);
  for (size_t i = 0; i < n; ++i) {
    if (preferred[i].empty()) continue;
    for (const auto& t : sources) {
      if (t == records[i].source) continue;
      auto it = by_source_name.find({t, preferred[i]});
      if (it == by_source_name.end() || it->second.size() != 1) continue;
      size_t b = it->second.front();
      if (names_of[i].count(preferred[b]) != 0) uf.Union(i, b, /*guarded=*/true);
    }
  }

  // Groups from components, in order of their first record.
  std::map<size_t, size_t> group_of_root;
  std::vector<size_t> group_of(n);
  std::vector<std::vector<size_t>> members;
  for (size_t i = 0; i < n; ++i) {
    size_t root = uf.Find(i);
    auto [it, inserted] = group_of_root.emplace(root, members.size());
    if (inserted) members.emplace_back();
    members[it->second].push_back(i);
    group_of[i] = it->second;
  }
  std::set<std::string> used_keys;
  for (const auto& m : members) {
    size_t best = *std::min_element(m.begin(), m.end(), [&](size_t a, size_t b) {
      return std::make_pair(SourcePriority(records[a].source), a) <
             std::make_pair(SourcePriority(records[b].source), b);
    });
    RegistryActor g;
    g.kind = ActorKind::kGroup;
    g.name = std::string(StripAttackSuffix(records[best].name));
    std::string attack_id;
    std::set<std::string> ids;
    std::set<std::pair<std::string, std::string>> seen_alias;
    for (size_t i : m) {
      const auto& r = records[i];
      if (!attack[i].empty() && attack_id.empty()) attack_id = attack[i];
      if (!attack[i].empty()) ids.insert(attack[i]);
      if (!r.external_id.empty()) ids.insert(r.external_id);
      if (g.country.empty()) g.country = r.country;
      auto add = [&](std::string_view nm) {
        std::string name(StripAttackSuffix(Trim(nm)));
        if (name.empty() || !seen_alias.insert({name, r.source}).second) return;
        g.aliases.push_back({name, r.source, r.dated});
      };
      add(r.name);
      for (const auto& a : r.aliases) add(a);
    }
    g.external_ids.assign(ids.begin(), ids.end());
    g.key = !attack_id.empty() ? "attack:" + attack_id
                               : "group:" + preferred[best] + "@" + records[best].source;
    if (!used_keys.insert(g.key).second) {
      g.key += "#" + records[best].external_id + "#" + std::to_string(records[best].id);
    }
    used_keys.insert(g.key);
    reg.groups_.push_back(std::move(g));
  }

  // Name claims.
  for (size_t i = 0; i < n; ++i) {
    const auto& r = records[i];
    std::set<std::string> done;
    auto claim = [&](std::string_view nm, bool pref) {
      std::string key = NormalizeActorName(StripAttackSuffix(nm));
      if (key.empty() || !done.insert(key).second) return;
      auto& list = reg.claims_[key];
      for (auto& c : list) {
        if (c.group == group_of[i] && c.source == r.source) {
          c.preferred = c.preferred || pref;
          return;
        }
      }
      list.push_back({std::string(StripAttackSuffix(Trim(nm))), group_of[i], pref, r.source});
    };
    claim(r.name, true);
    for (const auto& a : r.aliases) claim(a, false);
  }

  for (const auto& a : overrides.aliases) {
    reg.alias_overrides_.emplace(NormalizeActorName(a.name), a);
  }
  for (const auto& s : overrides.splits) reg.splits_.emplace(NormalizeActorName(s.name), s);

  // Relations: from the records, then from overrides.
  reg.umbrellas_.assign(reg.groups_.size(), {});
  std::set<std::pair<size_t, size_t>> seen_rel;
  auto add_relation = [&](size_t member, size_t umbrella, const std::string& source) {
    if (member == umbrella || !seen_rel.insert({member, umbrella}).second) return;
    reg.relations_.push_back({member, umbrella, source});
    reg.umbrellas_[member].push_back(umbrella);
  };
  for (size_t i = 0; i < n; ++i) {
    for (const auto& parent : records[i].part_of) {
      RegistryResolution r =
          reg.ResolveNormalized(parent, NormalizeActorName(parent), 0, /*use_relations=*/false);
      if (r.group) {
        add_relation(group_of[i], *r.group, records[i].source);
      } else {
        reg.warnings_.push_back(records[i].source + ": " + Quote(records[i].name) + " is part of " +
                                Quote(parent) + ", which is " + std::string(ActorKindName(r.kind)) +
                                "; relation not kept");
      }
    }
  }
  for (const auto& p : overrides.part_of) {
    RegistryResolution m = reg.ResolveNormalized(p.member, NormalizeActorName(p.member), 0, false);
    RegistryResolution u =
        reg.ResolveNormalized(p.umbrella, NormalizeActorName(p.umbrella), 0, false);
    if (m.group && u.group) {
      add_relation(*m.group, *u.group, "override");
    } else {
      reg.warnings_.push_back("override line " + std::to_string(p.line) + ": " +
                              Quote(m.group ? p.umbrella : p.member) +
                              " does not resolve to one group; relation not kept");
    }
  }
  // Names given by alias overrides show up among the group's aliases.
  for (const auto& a : overrides.aliases) {
    RegistryResolution r = reg.Resolve(a.name);
    if (r.group) {
      reg.groups_[*r.group].aliases.push_back({a.name, "override", std::nullopt});
    } else {
      reg.warnings_.push_back("override line " + std::to_string(a.line) + ": " +
                              Quote(a.canonical) + " is " + std::string(ActorKindName(r.kind)) +
                              ", not a group from the naming data");
    }
  }
  return reg;
}

std::vector<std::string> AliasRegistry::AmbiguousNames() const {
  std::vector<std::string> out;
  for (const auto& [normalized, claims] : claims_) {
    if (claims.size() < 2) continue;
    RegistryResolution r = ResolveNormalized(claims.front().name, normalized, 0, true);
    if (r.kind == ActorKind::kAmbiguous) out.push_back(claims.front().name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool AliasRegistry::IsUmbrellaOf(size_t umbrella, size_t member) const {
  std::vector<size_t> stack{member};
  std::set<size_t> seen;
  while (!stack.empty()) {
    size_t g = stack.back();
    stack.pop_back();
    if (!seen.insert(g).second) continue;
    for (size_t u : umbrellas_[g]) {
      if (u == umbrella) return true;
      stack.push_back(u);
    }
  }
  return false;
}

RegistryResolution AliasRegistry::Resolve(std::string_view name) const {
  return ResolveNormalized(name, NormalizeActorName(name), 0, /*use_relations=*/true);
}

RegistryResolution AliasRegistry::ResolveNormalized(std::string_view name,
                                                    const std::string& normalized, int depth,
                                                    bool use_relations) const {
  RegistryResolution out;
  if (auto it = splits_.find(normalized); it != splits_.end()) {
    out.kind = ActorKind::kGroup;
    out.key = "split:" + normalized;
    out.actor_name = it->second.name;
    out.reason = "override line " + std::to_string(it->second.line) + ": split: " + it->second.name;
    return out;
  }
  if (auto it = alias_overrides_.find(normalized); it != alias_overrides_.end() && depth < 8) {
    const auto& a = it->second;
    out = ResolveNormalized(a.canonical, NormalizeActorName(a.canonical), depth + 1, use_relations);
    out.reason = "override line " + std::to_string(a.line) + ": " + a.name + " = " + a.canonical +
                 "; " + out.reason;
    return out;
  }
  auto it = claims_.find(normalized);
  if (it == claims_.end()) {
    out.kind = ActorKind::kUnregistered;
    out.key = "name:" + normalized;
    out.actor_name = std::string(Trim(name));
    out.reason = "no naming source lists " + Quote(name);
    return out;
  }
  // Claims grouped by group, in group order.
  std::map<size_t, std::vector<const Claim*>> by_group;
  for (const auto& c : it->second) by_group[c.group].push_back(&c);
  for (const auto& [g, _] : by_group) out.candidates.push_back(g);
  auto describe = [&](size_t g) {
    std::string s = Quote(groups_[g].name) + " (";
    bool first = true;
    for (const Claim* c : by_group[g]) {
      if (!first) s += ", ";
      first = false;
      s += c->source;
      s += c->preferred ? ": preferred name" : ": alias";
    }
    return s + ")";
  };
  auto resolved = [&](size_t g, std::string why) {
    out.kind = ActorKind::kGroup;
    out.group = g;
    out.key = groups_[g].key;
    out.actor_name = groups_[g].name;
    out.reason = std::move(why);
    return out;
  };
  if (by_group.size() == 1) {
    size_t g = by_group.begin()->first;
    return resolved(g, Quote(name) + " names " + describe(g));
  }
  std::string all;
  for (const auto& [g, _] : by_group) {
    if (!all.empty()) all += "; ";
    all += describe(g);
  }
  // The preferred name of exactly one claimant.
  std::vector<size_t> pref;
  for (const auto& [g, claims] : by_group) {
    if (std::any_of(claims.begin(), claims.end(), [](const Claim* c) { return c->preferred; })) {
      pref.push_back(g);
    }
  }
  if (pref.size() == 1) {
    return resolved(pref.front(), Quote(name) + " is the preferred name of " +
                                      Quote(groups_[pref.front()].name) + "; other claims: " + all);
  }
  // Every other claimant is an umbrella of one claimant.
  if (use_relations) {
    std::vector<size_t> specific;
    for (size_t g : out.candidates) {
      bool umbrella_of_other = false;
      for (size_t h : out.candidates) {
        if (h != g && IsUmbrellaOf(g, h)) umbrella_of_other = true;
      }
      if (!umbrella_of_other) specific.push_back(g);
    }
    if (specific.size() == 1) {
      return resolved(specific.front(), Quote(name) + " names " +
                                            Quote(groups_[specific.front()].name) +
                                            ", a member of the other claimants: " + all);
    }
  }
  out.kind = ActorKind::kAmbiguous;
  out.key = "ambiguous:" + normalized;
  out.actor_name = std::string(Trim(name));
  out.reason = "ambiguous: " + Quote(name) + " is claimed by " + all;
  return out;
}

}  // namespace cotenant::store
