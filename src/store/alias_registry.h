// AliasRegistry: resolves the actor names sources write to actors, from the naming records
// (MISP galaxy clusters, ATT&CK intrusion sets, ...) and the user's overrides. Pure and in
// memory: the SQLite store rebuilds it when its inputs change and writes the result to tables.
//
// Rules (docs/store.md, "Actor names", is the user-facing version):
// - Names compare by NormalizeActorName ("APT 28" == "apt-28" == "APT28").
// - Records of different naming sources are one group when they share an ATT&CK id (G0007, also
//   when a MISP cluster lists it among its synonyms),
//   when their preferred names are equal, or when each lists the other's preferred name (and
//   that name is unique within the other source). A one-way listing is not enough: umbrella
//   clusters list their sub-clusters' names. Two records of the same source are never merged
//   by a name: that source says they are distinct.
// - A name several groups claim is ambiguous and becomes its own actor, unless the claims
//   reduce to one: the name is the preferred name of exactly one of them, or all other
//   claimants are umbrellas of one claimant (part-of). The other claims stay in the reason.
// - Overrides: "NAME = CANONICAL" resolves NAME as CANONICAL resolves; "split: NAME" makes NAME
//   its own group whatever the naming data says; "part-of: MEMBER -> UMBRELLA" adds a relation.
// Not thread-safe to build; const methods may be called from several threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/status.h"
#include "cotenant/store.h"
#include "cotenant/timestamp.h"

namespace cotenant::store {

// An ActorRecord as the store keeps it.
struct NamingRecord {
  int64_t id = 0;
  std::string source;
  std::string name;
  std::string external_id;
  std::string country;
  std::vector<std::string> aliases;
  std::vector<std::string> part_of;
  std::optional<Timestamp> dated;
};

struct AliasOverrides {
  struct Alias {
    std::string name;
    std::string canonical;
    int line = 0;
  };
  struct Split {
    std::string name;
    int line = 0;
  };
  struct PartOf {
    std::string member;
    std::string umbrella;
    int line = 0;
  };
  std::vector<Alias> aliases;
  std::vector<Split> splits;
  std::vector<PartOf> part_of;

  // Errors name `origin`, the line and the reason.
  static Result<AliasOverrides> Parse(std::string_view text, std::string_view origin);
};

// An actor the registry defines. Groups are addressed by index; names that are ambiguous or
// unknown get actors made on demand (by key) when resolved.
struct RegistryActor {
  std::string key;  // stable identity in the store: "attack:G0007", "group:...", "name:..."
  ActorKind kind = ActorKind::kGroup;
  std::string name;
  std::vector<std::string> external_ids;
  std::string country;
  std::vector<ActorAlias> aliases;
};

struct RegistryRelation {
  size_t member = 0;    // group index
  size_t umbrella = 0;  // group index
  std::string source;   // naming source or "override"
};

struct RegistryResolution {
  ActorKind kind = ActorKind::kUnregistered;
  std::optional<size_t> group;  // kGroup resolved to a naming group
  std::string key;              // actor key (the group's key, or "ambiguous:", "name:", "split:")
  std::string actor_name;
  std::string reason;
  std::vector<size_t> candidates;  // groups claiming the name (also when a rule picked one)
};

class AliasRegistry {
 public:
  static AliasRegistry Build(std::vector<NamingRecord> records, const AliasOverrides& overrides);

  const std::vector<RegistryActor>& groups() const { return groups_; }
  const std::vector<RegistryRelation>& relations() const { return relations_; }
  // Problems met while building (an override naming an unknown group...), for display.
  const std::vector<std::string>& warnings() const { return warnings_; }

  RegistryResolution Resolve(std::string_view name) const;
  // Every name the naming data lists that resolves as ambiguous (one spelling per normalized
  // name), sorted.
  std::vector<std::string> AmbiguousNames() const;

 private:
  struct Claim {
    std::string name;  // as the source spelled it
    size_t group;
    bool preferred;  // the name is a record's preferred name (not only an alias)
    std::string source;
  };
  RegistryResolution ResolveNormalized(std::string_view name, const std::string& normalized,
                                       int depth, bool use_relations) const;
  bool IsUmbrellaOf(size_t umbrella, size_t member) const;

  std::vector<RegistryActor> groups_;
  std::vector<RegistryRelation> relations_;
  std::vector<std::vector<size_t>> umbrellas_;                     // group -> direct umbrellas
  std::map<std::string, std::vector<Claim>, std::less<>> claims_;  // normalized name -> claims
  std::map<std::string, AliasOverrides::Alias, std::less<>> alias_overrides_;  // by normalized
  std::map<std::string, AliasOverrides::Split, std::less<>> splits_;
  std::vector<std::string> warnings_;
};

// " - G0130" suffix of MISP mitre-intrusion-set values, or an external id "G0130": the ATT&CK
// group id, empty when none.
std::string AttackGroupId(std::string_view name, std::string_view external_id);
// The name without a trailing " - G0130".
std::string_view StripAttackSuffix(std::string_view name);

}  // namespace cotenant::store
