// `cotenant actors [NAME]`: how actor names resolve and why; `--overrides FILE` replaces the
// alias overrides and re-resolves every stored observation. Thin: the Store's alias registry.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "cli/cli.h"
#include "cotenant/store.h"
#include "server/json.h"

namespace cotenant::cli {
namespace {

using server::JsonWriter;

struct ActorsFlags {
  std::string name;
  std::string overrides;
  bool all = false;
  bool ambiguous = false;
};

std::string AliasText(const ActorAlias& a) {
  return a.name + " (" + a.source + (a.dated ? ", " + a.dated->ToDateString() : "") + ")";
}

void ActorJson(JsonWriter& j, const ActorInfo& a) {
  j.BeginObject()
      .Member("id", a.id)
      .Member("name", a.name)
      .Member("kind", ActorKindName(a.kind))
      .Member("country", a.country)
      .StringArray("external_ids", a.external_ids)
      .Key("aliases")
      .BeginArray();
  for (const auto& al : a.aliases) {
    j.BeginObject().Member("name", al.name).Member("source", al.source);
    j.MemberOrNull("dated",
                   al.dated ? std::optional<std::string>(al.dated->ToDateString()) : std::nullopt);
    j.EndObject();
  }
  j.EndArray();
  auto ids = [&](std::string_view key, const std::vector<ActorId>& v) {
    j.Key(key).BeginArray();
    for (ActorId id : v) j.Int(id);
    j.EndArray();
  };
  ids("part_of", a.part_of);
  ids("members", a.members);
  ids("candidates", a.candidates);
  j.EndObject();
}

int ShowName(Store& store, const GlobalOptions& global, const std::string& name) {
  auto r = store.ResolveName(name);
  if (!r.ok()) {
    std::cerr << "cotenant actors: " << r.status().ToString() << "\n";
    return kExitFailure;
  }
  auto actors = store.ListActors();
  if (!actors.ok()) {
    std::cerr << "cotenant actors: " << actors.status().ToString() << "\n";
    return kExitFailure;
  }
  std::map<ActorId, const ActorInfo*> by_id;
  for (const auto& a : *actors) by_id[a.id] = &a;
  auto name_of = [&](ActorId id) {
    auto it = by_id.find(id);
    return it == by_id.end() ? fmt::format("#{}", id) : it->second->name;
  };
  const ActorInfo* actor =
      r->actor_id != 0 && by_id.count(r->actor_id) ? by_id[r->actor_id] : nullptr;
  if (global.json) {
    JsonWriter j;
    j.BeginObject()
        .Member("name", r->name)
        .Member("normalized", r->normalized)
        .Member("kind", ActorKindName(r->kind))
        .Member("actor_id", r->actor_id)
        .Member("actor_name", r->actor_name)
        .Member("reason", r->reason)
        .Key("candidates")
        .BeginArray();
    for (ActorId id : r->candidates) {
      if (by_id.count(id)) ActorJson(j, *by_id[id]);
    }
    j.EndArray().Key("actor");
    if (actor != nullptr) {
      ActorJson(j, *actor);
    } else {
      j.Null();
    }
    j.EndObject();
    std::cout << j.str() << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("\"{}\" resolves to {} ({}{})\n", name, r->actor_name,
                           ActorKindName(r->kind),
                           r->actor_id != 0 ? fmt::format(", actor {}", r->actor_id) : "");
  std::cout << "why: " << r->reason << "\n";
  if (actor != nullptr && actor->kind == ActorKind::kGroup) {
    if (!actor->external_ids.empty()) {
      std::string ids;
      for (const auto& id : actor->external_ids) ids += (ids.empty() ? "" : ", ") + id;
      std::cout << "ids: " << ids << "\n";
    }
    if (!actor->country.empty()) std::cout << "country: " << actor->country << "\n";
    std::cout << "names:\n";
    for (const auto& al : actor->aliases) std::cout << "  " << AliasText(al) << "\n";
    for (ActorId id : actor->part_of) std::cout << "part of: " << name_of(id) << "\n";
    for (ActorId id : actor->members) std::cout << "member: " << name_of(id) << "\n";
  }
  if (!r->candidates.empty() && (r->kind == ActorKind::kAmbiguous || r->candidates.size() > 1)) {
    std::cout << (r->kind == ActorKind::kAmbiguous ? "claimed by:\n" : "other claims:\n");
    for (ActorId id : r->candidates) {
      if (id == r->actor_id) continue;
      std::cout << "  " << name_of(id) << "\n";
    }
  }
  return kExitOk;
}

int ListNames(Store& store, const GlobalOptions& global, bool all) {
  auto actors = store.ListActors();
  auto names = store.ListActorNames();
  if (!actors.ok() || !names.ok()) {
    std::cerr << "cotenant actors: " << (!actors.ok() ? actors.status() : names.status()).ToString()
              << "\n";
    return kExitFailure;
  }
  std::map<ActorId, std::vector<const ActorNameInfo*>> used;
  std::map<ActorId, int64_t> counts;
  for (const auto& n : *names) {
    used[n.actor_id].push_back(&n);
    counts[n.actor_id] += n.observations;
  }
  std::map<ActorId, const ActorInfo*> by_id;
  for (const auto& a : *actors) by_id[a.id] = &a;
  if (global.json) {
    JsonWriter j;
    j.BeginObject().Key("actors").BeginArray();
    for (const auto& a : *actors) {
      if (!all && !used.count(a.id)) continue;
      j.BeginObject().Member("observations", counts[a.id]).Key("names_used").BeginArray();
      for (const auto* n : used[a.id]) j.String(n->name);
      j.EndArray().Key("actor");
      ActorJson(j, a);
      j.EndObject();
    }
    j.EndArray().EndObject();
    std::cout << j.str() << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<32} {:<12} {:>12}  {}\n", "actor", "kind", "observations",
                           "names used by sources");
  for (const auto& a : *actors) {
    if (!all && !used.count(a.id)) continue;
    std::string written;
    for (const auto* n : used[a.id]) written += (written.empty() ? "" : ", ") + n->name;
    std::cout << fmt::format("{:<32} {:<12} {:>12}  {}\n", a.name, ActorKindName(a.kind),
                             counts[a.id], written);
    if (a.kind == ActorKind::kAmbiguous) {
      std::string cands;
      for (ActorId id : a.candidates) {
        cands += (cands.empty() ? "" : ", ") + (by_id.count(id) ? by_id[id]->name : "?");
      }
      std::cout << fmt::format("{:<32} claimed by: {}\n", "", cands);
    }
  }
  return kExitOk;
}

int ListAmbiguous(Store& store, const GlobalOptions& global) {
  auto names = store.AmbiguousNames();
  auto actors = store.ListActors();
  if (!names.ok() || !actors.ok()) {
    std::cerr << "cotenant actors: " << (!names.ok() ? names.status() : actors.status()).ToString()
              << "\n";
    return kExitFailure;
  }
  std::map<ActorId, std::string> name_of;
  for (const auto& a : *actors) name_of[a.id] = a.name;
  auto candidates = [&](const NameResolution& r) {
    std::vector<std::string> out;
    for (ActorId id : r.candidates) out.push_back(name_of.count(id) ? name_of[id] : "?");
    return out;
  };
  if (global.json) {
    JsonWriter j;
    j.BeginObject().Key("ambiguous_names").BeginArray();
    for (const auto& r : *names) {
      j.BeginObject()
          .Member("name", r.name)
          .Member("actor_id", r.actor_id)
          .StringArray("claimed_by", candidates(r))
          .Member("reason", r.reason)
          .EndObject();
    }
    j.EndArray().EndObject();
    std::cout << j.str() << "\n";
    return kExitOk;
  }
  std::cout << names->size() << " ambiguous names in the naming data:\n";
  for (const auto& r : *names) {
    std::string claimed;
    for (const auto& c : candidates(r)) claimed += (claimed.empty() ? "" : ", ") + c;
    std::cout << fmt::format("  {:<32} claimed by: {}\n", r.name, claimed);
  }
  return kExitOk;
}

int Run(const GlobalOptions& global, const ActorsFlags& flags) {
  const bool write = !flags.overrides.empty();
  auto store = OpenSqliteStore(global.db_path, {.read_only = !write});
  if (!store.ok()) {
    std::cerr << "cotenant actors: " << store.status().ToString() << "\n";
    return kExitFailure;
  }
  if (write) {
    std::ifstream in(flags.overrides, std::ios::binary);
    if (!in) {
      std::cerr << "cotenant actors: cannot read overrides file " << flags.overrides << "\n";
      return kExitUsage;
    }
    std::stringstream text;
    text << in.rdbuf();
    Status st = (*store)->SetAliasOverrides(text.str(), flags.overrides);
    if (!st.ok()) {
      std::cerr << "cotenant actors: " << st.ToString() << "\n";
      return st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
    }
    auto warnings = (*store)->RegistryWarnings();
    if (warnings.ok()) {
      for (const auto& w : *warnings) std::cerr << "warning: " << w << "\n";
    }
    if (!global.json && flags.name.empty()) {
      std::cout << "overrides from " << flags.overrides << " applied; names re-resolved\n";
      return kExitOk;
    }
  }
  if (!flags.name.empty()) return ShowName(**store, global, flags.name);
  if (flags.ambiguous) return ListAmbiguous(**store, global);
  return ListNames(**store, global, flags.all);
}

}  // namespace

void AddActorsCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto flags = std::make_shared<ActorsFlags>();
  CLI::App* cmd = app.add_subcommand(
      "actors", "How actor names resolve and why; ambiguous names; alias overrides");
  cmd->add_option("name", flags->name, "show how this name resolves (which source said so)");
  cmd->add_option("--overrides", flags->overrides,
                  "replace the alias overrides with this file and re-resolve (see docs/store.md)");
  cmd->add_flag("--all", flags->all, "list every actor, not only those observations name");
  cmd->add_flag("--ambiguous", flags->ambiguous,
                "list every ambiguous name in the naming data and the groups claiming it");
  cmd->footer(
      "Overrides file lines: `NAME = CANONICAL`, `split: NAME`, `part-of: MEMBER -> UMBRELLA`.\n"
      "Examples:\n"
      "  cotenant actors                      # actors the observations name, with counts\n"
      "  cotenant actors 'Fancy Bear'\n"
      "  cotenant actors --ambiguous\n"
      "  cotenant actors --overrides my-aliases.txt\n"
      "  cotenant --json actors 'Grizzly Steppe'");
  cmd->callback([&global, &exit_code, flags] { exit_code = Run(global, *flags); });
}

}  // namespace cotenant::cli
