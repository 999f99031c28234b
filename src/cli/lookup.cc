// `cotenant lookup VALUE` and `cotenant stats`: what the store knows about one value, and a
// summary of the store. Thin: Store::Lookup and Store::Stats.
#include <fmt/format.h>

#include <iostream>
#include <string>

#include "cli/cli.h"
#include "cotenant/indicator.h"
#include "cotenant/store.h"
#include "server/json.h"

namespace cotenant::cli {
namespace {

using server::JsonWriter;

std::string Day(const std::optional<Timestamp>& t) { return t ? t->ToDateString() : "?"; }

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

void TimeFields(JsonWriter& j, const std::optional<Timestamp>& first,
                const std::optional<Timestamp>& last) {
  j.MemberOrNull("first_seen",
                 first ? std::optional<std::string>(first->ToString()) : std::nullopt);
  j.MemberOrNull("last_seen", last ? std::optional<std::string>(last->ToString()) : std::nullopt);
}

void PrintJson(const IndicatorReport& r) {
  JsonWriter j;
  j.BeginObject()
      .Member("type", IndicatorTypeName(r.indicator.type))
      .Member("value", r.indicator.value)
      .Member("display", r.indicator.display)
      .Key("observations")
      .BeginArray();
  for (const auto& so : r.observations) {
    const Observation& o = so.observation;
    j.BeginObject().Member("id", so.id);
    if (so.actor_id != 0) {
      j.Key("actor")
          .BeginObject()
          .Member("id", so.actor_id)
          .Member("name", so.actor_name)
          .Member("kind", ActorKindName(so.actor_kind))
          .Member("as_written", o.actor)
          .EndObject();
    } else {
      j.Key("actor").Null();
    }
    j.Member("role", RoleName(o.role)).Member("source", o.source);
    TimeFields(j, o.first_seen, o.last_seen);
    j.Member("confidence", static_cast<int64_t>(o.confidence))
        .Member("tlp", TlpName(o.tlp))
        .Member("exact", o.exact)
        .StringArray("references", o.references)
        .StringArray("basis", o.basis)
        .Member("description", o.description)
        .Member("original_text", o.original_text)
        .Member("at", o.location.ToString())
        .Member("ingest_id", so.ingest_id)
        .EndObject();
  }
  j.EndArray().Key("relationships").BeginArray();
  for (const auto& sr : r.relationships) {
    const Relationship& x = sr.relationship;
    j.BeginObject()
        .Member("from_type", IndicatorTypeName(x.from.type))
        .Member("from", x.from.value)
        .Member("kind", x.kind)
        .Member("to_type", IndicatorTypeName(x.to.type))
        .Member("to", x.to.value);
    TimeFields(j, x.first_seen, x.last_seen);
    j.Member("count", x.count)
        .Member("source", x.source)
        .Member("tlp", TlpName(x.tlp))
        .Member("at", x.location.ToString())
        .EndObject();
  }
  j.EndArray().EndObject();
  std::cout << j.str() << "\n";
}

void PrintText(const IndicatorReport& r) {
  std::cout << IndicatorTypeName(r.indicator.type) << " " << r.indicator.display << "\n";
  std::cout << fmt::format("observations ({}):\n", r.observations.size());
  for (const auto& so : r.observations) {
    const Observation& o = so.observation;
    std::string actor = "(no actor)";
    if (so.actor_id != 0) {
      actor = so.actor_name;
      if (o.actor != so.actor_name) actor += " (as \"" + o.actor + "\")";
      if (so.actor_kind != ActorKind::kGroup) {
        actor += fmt::format(" [{}]", ActorKindName(so.actor_kind));
      }
    }
    std::cout << fmt::format("  {}  role {}  source {}  {}..{}", actor, RoleName(o.role), o.source,
                             Day(o.first_seen), Day(o.last_seen));
    if (o.tlp != Tlp::kUnmarked) std::cout << "  TLP:" << TlpName(o.tlp);
    if (o.confidence >= 0) std::cout << "  confidence " << o.confidence;
    if (!o.exact) std::cout << "  (not exact)";
    std::cout << "\n";
    if (!o.description.empty()) std::cout << "      " << o.description << "\n";
    for (const auto& ref : o.references) std::cout << "      ref " << ref << "\n";
    if (!o.basis.empty()) std::cout << "      basis " << Join(o.basis, ", ") << "\n";
    std::cout << "      at " << o.location.ToString() << "\n";
  }
  if (!r.relationships.empty()) {
    std::cout << fmt::format("relationships ({}):\n", r.relationships.size());
    for (const auto& sr : r.relationships) {
      const Relationship& x = sr.relationship;
      std::cout << fmt::format("  {} {} {} {} {}  {}..{}", IndicatorTypeName(x.from.type),
                               x.from.value, x.kind, IndicatorTypeName(x.to.type), x.to.value,
                               Day(x.first_seen), Day(x.last_seen));
      if (x.count > 0) std::cout << "  count " << x.count;
      std::cout << "  source " << x.source << "\n";
    }
  }
}

int RunLookup(const GlobalOptions& global, const std::string& value, const std::string& type) {
  Result<Indicator> indicator = InvalidArgument("no value");
  if (!type.empty()) {
    auto t = IndicatorTypeFromName(type);
    if (!t) {
      std::cerr << "cotenant lookup: unknown --type `" << type << "`\n";
      return kExitUsage;
    }
    indicator = ParseIndicatorAs(*t, value);
  } else {
    indicator = ClassifyIndicator(value);
  }
  if (!indicator.ok()) {
    std::cerr << "cotenant lookup: " << indicator.status().message() << "\n";
    return kExitUsage;
  }
  auto store = OpenSqliteStore(global.db_path, {.read_only = true});
  if (!store.ok()) {
    std::cerr << "cotenant lookup: " << store.status().ToString() << "\n";
    return kExitFailure;
  }
  auto report = (*store)->Lookup(*indicator);
  if (!report.ok()) {
    if (report.status().code() == StatusCode::kNotFound) {
      if (global.json) {
        JsonWriter j;
        j.BeginObject()
            .Member("type", IndicatorTypeName(indicator->type))
            .Member("value", indicator->value)
            .Key("observations")
            .BeginArray()
            .EndArray()
            .Key("relationships")
            .BeginArray()
            .EndArray()
            .EndObject();
        std::cout << j.str() << "\n";
      } else {
        std::cout << report.status().message() << "\n";
      }
      return kExitFailure;
    }
    std::cerr << "cotenant lookup: " << report.status().ToString() << "\n";
    return kExitFailure;
  }
  if (global.json) {
    PrintJson(*report);
  } else {
    PrintText(*report);
  }
  return kExitOk;
}

int RunStats(const GlobalOptions& global) {
  auto store = OpenSqliteStore(global.db_path, {.read_only = true});
  if (!store.ok()) {
    std::cerr << "cotenant stats: " << store.status().ToString() << "\n";
    return kExitFailure;
  }
  auto stats = (*store)->Stats();
  if (!stats.ok()) {
    std::cerr << "cotenant stats: " << stats.status().ToString() << "\n";
    return kExitFailure;
  }
  const StoreStats& s = *stats;
  auto pairs = [](JsonWriter& j, std::string_view key,
                  const std::vector<std::pair<std::string, int64_t>>& v) {
    j.Key(key).BeginObject();
    for (const auto& [k, n] : v) j.Member(k, n);
    j.EndObject();
  };
  if (global.json) {
    JsonWriter j;
    j.BeginObject()
        .Member("store", global.db_path)
        .Member("schema_version", s.schema_version)
        .Member("indicators", s.indicators)
        .Member("observations", s.observations)
        .Member("relationships", s.relationships)
        .Member("sources", s.sources)
        .Member("ingests", s.ingests)
        .Member("rejections", s.rejections)
        .Member("actor_records", s.actor_records)
        .Member("groups", s.groups)
        .Member("ambiguous_names", s.ambiguous_names)
        .Member("unregistered_names", s.unregistered_names);
    pairs(j, "observations_by_type", s.observations_by_type);
    pairs(j, "observations_by_source", s.observations_by_source);
    pairs(j, "observations_by_role", s.observations_by_role);
    j.EndObject();
    std::cout << j.str() << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("store {} (schema version {})\n", global.db_path, s.schema_version);
  std::cout << fmt::format(
      "{} observations of {} indicators, {} relationships, {} sources, {} ingested inputs, "
      "{} rejected records\n",
      s.observations, s.indicators, s.relationships, s.sources, s.ingests, s.rejections);
  std::cout << fmt::format(
      "actors: {} groups from {} naming records, {} ambiguous names, {} unregistered names\n",
      s.groups, s.actor_records, s.ambiguous_names, s.unregistered_names);
  auto table = [](std::string_view title, const std::vector<std::pair<std::string, int64_t>>& v) {
    if (v.empty()) return;
    std::cout << title << ":\n";
    for (const auto& [k, n] : v) std::cout << fmt::format("  {:>10}  {}\n", n, k);
  };
  table("by type", s.observations_by_type);
  table("by source", s.observations_by_source);
  table("by role", s.observations_by_role);
  return kExitOk;
}

}  // namespace

void AddLookupCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto value = std::make_shared<std::string>();
  auto type = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "lookup", "Everything the store knows about one value: observations, relationships");
  cmd->add_option("value", *value, "an indicator; defanged text is accepted (1.2.3[.]4)")
      ->required();
  cmd->add_option("--type", *type, "parse the value as this type (ipv4, domain, sha256, ...)");
  cmd->footer(
      "Exit status 1 when the store knows nothing about the value. Examples:\n"
      "  cotenant lookup 203.0.113[.]5\n"
      "  cotenant lookup hxxp://c2.example/gate.php\n"
      "  cotenant --json lookup --type domain evil.example");
  cmd->callback(
      [&global, &exit_code, value, type] { exit_code = RunLookup(global, *value, *type); });
}

void AddStatsCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("stats", "Summarise the store");
  cmd->footer("Examples:\n  cotenant stats\n  cotenant --json stats");
  cmd->callback([&global, &exit_code] { exit_code = RunStats(global); });
}

}  // namespace cotenant::cli
