#include "cli/match_indicators.h"

#include <simdjson.h>

#include <fstream>
#include <sstream>
#include <unordered_map>

#include "cotenant/indicator.h"
#include "cotenant/reader.h"
#include "cotenant/store.h"

namespace cotenant::cli {

namespace {

constexpr size_t kMaxMessages = 20;

void Note(BuildReport* report, std::string message) {
  if (report->messages.size() < kMaxMessages) report->messages.push_back(std::move(message));
}

std::optional<Timestamp> ExpiryOf(const std::optional<Timestamp>& last_seen,
                                  std::optional<int> ttl_days) {
  if (!ttl_days || !last_seen) return std::nullopt;
  return Timestamp::FromUnixSeconds(last_seen->unix_seconds() + int64_t{*ttl_days} * 86400);
}

// Collects what a feed reader produces into the builder.
class BuilderSink : public IngestSink {
 public:
  BuilderSink(MatchSnapshotBuilder& builder, const SnapshotSource& source, BuildReport* report)
      : builder_(builder), source_(source), report_(report) {}

  void OnSource(const Source&) override {}
  void OnRelationship(Relationship&&) override {}
  void OnActor(ActorRecord&&) override {}
  void OnRejection(Rejection&& r) override {
    ++report_->rejected;
    Note(report_, r.location.ToString() + ": " + r.reason);
  }
  void OnObservation(Observation&& o) override {
    if (!IsMatchableType(o.indicator.type)) {
      ++report_->unmatchable;
      return;
    }
    MatchRecord r;
    r.indicator = std::move(o.indicator);
    if (!o.actor.empty()) r.actors.push_back(std::move(o.actor));
    r.roles.push_back(o.role);
    if (!o.source.empty()) r.sources.push_back(std::move(o.source));
    r.confidence = o.confidence;
    r.tlp = o.tlp;
    r.valid_until = ExpiryOf(o.last_seen, source_.ttl_days);
    if (Status s = builder_.Add(r); !s.ok()) {
      ++report_->rejected;
      Note(report_, o.location.ToString() + ": " + s.message());
      return;
    }
    ++report_->records;
  }

 private:
  MatchSnapshotBuilder& builder_;
  const SnapshotSource& source_;
  BuildReport* report_;
};

Status AddAllowValue(MatchSnapshotBuilder& builder, std::string_view text, const std::string& where,
                     BuildReport* report) {
  // Warninglists write ".example.com" for "and every subdomain": a domain indicator already
  // covers its subdomains.
  if (text.starts_with(".")) text.remove_prefix(1);
  auto indicator = ClassifyIndicator(text);
  if (!indicator.ok()) {
    ++report->rejected;
    Note(report, where + ": " + indicator.status().message());
    return Status::Ok();
  }
  if (!IsMatchableType(indicator->type)) {
    ++report->unmatchable;
    return Status::Ok();
  }
  if (Status s = builder.AddAllow(*indicator); !s.ok()) {
    ++report->rejected;
    Note(report, where + ": " + s.message());
    return Status::Ok();
  }
  ++report->allowlisted;
  return Status::Ok();
}

Status AddAllowFile(MatchSnapshotBuilder& builder, const std::string& path, BuildReport* report) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open allowlist");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    // A MISP warninglist (list.json): {"name": ..., "type": ..., "list": [...]}.
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto err = parser.parse(text).get(root); err) {
      return InvalidArgument(path + ": not a JSON document (" + simdjson::error_message(err) + ")");
    }
    simdjson::dom::array list;
    if (root["list"].get_array().get(list) != simdjson::SUCCESS) {
      return InvalidArgument(path +
                             ": a JSON allowlist must be a MISP warninglist with a \"list\" array");
    }
    size_t i = 0;
    for (auto item : list) {
      std::string_view value;
      if (item.get_string().get(value) != simdjson::SUCCESS) continue;
      COTENANT_RETURN_IF_ERROR(
          AddAllowValue(builder, value, path + ":$.list[" + std::to_string(i++) + "]", report));
    }
    return Status::Ok();
  }
  std::istringstream lines(text);
  std::string line;
  int line_no = 0;
  while (std::getline(lines, line)) {
    ++line_no;
    size_t b = line.find_first_not_of(" \t");
    size_t e = line.find_last_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    COTENANT_RETURN_IF_ERROR(AddAllowValue(builder, std::string_view(line).substr(b, e - b + 1),
                                           path + ":" + std::to_string(line_no), report));
  }
  return Status::Ok();
}

Status AddFromStore(MatchSnapshotBuilder& builder, const SnapshotSource& source,
                    BuildReport* report) {
  StoreOptions options;
  options.read_only = true;
  COTENANT_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenSqliteStore(source.db_path, options));
  COTENANT_ASSIGN_OR_RETURN(std::vector<ActorInfo> actors, store->ListActors());
  COTENANT_ASSIGN_OR_RETURN(std::vector<SourceInfo> sources, store->ListSources());
  std::unordered_map<ActorId, std::string> actor_names;
  for (auto& a : actors) actor_names[a.id] = std::move(a.name);
  std::unordered_map<SourceId, std::string> source_names;
  for (auto& s : sources) source_names[s.id] = std::move(s.source.name);
  ObservationQuery query;
  query.order = ObservationOrder::kStorage;
  MatchRecord r;
  return store->ScanObservations(query, [&](std::span<const ObservationRow> rows) -> Status {
    for (const ObservationRow& row : rows) {
      if (!IsMatchableType(row.type)) {
        ++report->unmatchable;
        continue;
      }
      r.indicator = Indicator{row.type, std::string(row.value), std::string(row.value)};
      r.actors.clear();
      if (row.actor_id != 0) {
        auto it = actor_names.find(row.actor_id);
        r.actors.push_back(it != actor_names.end() ? it->second : std::string(row.actor_name));
      }
      r.roles.assign(1, row.role);
      r.sources.clear();
      if (auto it = source_names.find(row.source_id); it != source_names.end())
        r.sources.push_back(it->second);
      r.confidence = row.confidence;
      r.tlp = row.tlp;
      r.valid_from.reset();
      r.valid_until = ExpiryOf(row.last_seen, source.ttl_days);
      if (Status s = builder.Add(r); !s.ok()) {
        ++report->rejected;
        Note(report,
             source.db_path + ": observation " + std::to_string(row.id) + ": " + s.message());
        continue;
      }
      ++report->records;
    }
    return Status::Ok();
  });
}

}  // namespace

Result<int64_t> StoreVersion(const std::string& db_path) {
  StoreOptions options;
  options.read_only = true;
  COTENANT_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenSqliteStore(db_path, options));
  return store->LastIngestId();
}

Result<MatchSnapshot> BuildSnapshot(const SnapshotSource& source, BuildReport* report) {
  BuildReport local;
  if (report == nullptr) report = &local;
  MatchSnapshotBuilder builder;
  if (source.indicator_files.empty()) {
    if (source.db_path.empty()) {
      return InvalidArgument(
          "no indicators: give --indicators FEED, --snapshot FILE or a store (--db)");
    }
    COTENANT_RETURN_IF_ERROR(AddFromStore(builder, source, report));
  }
  BuilderSink sink(builder, source, report);
  for (const auto& path : source.indicator_files) {
    ReadOptions options;
    options.actor = source.actor;
    options.source = source.source;
    COTENANT_RETURN_IF_ERROR(ReadPath(path, options, sink));
  }
  for (const auto& path : source.allow_files) {
    COTENANT_RETURN_IF_ERROR(AddAllowFile(builder, path, report));
  }
  return builder.Build();
}

}  // namespace cotenant::cli
