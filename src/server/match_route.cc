// POST /api/match: the matcher (log_match.h) over an uploaded log, against a snapshot of the
// indicators the caller may see (so an alert never names anything above the clearance).
#include <map>
#include <mutex>

#include "cotenant/log_match.h"
#include "cotenant/match_snapshot.h"
#include "server/findings.h"
#include "server/json.h"

namespace cotenant::server {
namespace {

class CollectingSink : public AlertSink {
 public:
  void OnAlert(Alert&& alert) override {
    if (alerts.size() < 10000) alerts.push_back(AlertToJson(alert));
    ++total;
  }
  std::vector<std::string> alerts;
  uint64_t total = 0;
};

Result<std::shared_ptr<const MatchSnapshot>> BuildSnapshot(const SharedView& view) {
  MatchSnapshotBuilder builder;
  for (const SharedIndicator& si : view.indicators) {
    if (!IsMatchableType(si.indicator.type)) continue;
    for (const SharedObservation& o : si.observations) {
      MatchRecord r;
      r.indicator = si.indicator;
      if (const SharedActor* a = view.FindActor(o.actor_id)) r.actors.push_back(a->name);
      if (o.role != Role::kUnknown) r.roles.push_back(o.role);
      if (!o.source.empty()) r.sources.push_back(o.source);
      r.confidence = o.confidence;
      r.tlp = o.tlp;
      Status s = builder.Add(r);
      if (!s.ok() && s.code() != StatusCode::kUnsupported) return s;
    }
  }
  COTENANT_ASSIGN_OR_RETURN(MatchSnapshot snapshot, builder.Build(view.as_of));
  return std::make_shared<const MatchSnapshot>(std::move(snapshot));
}

}  // namespace

std::function<Result<std::string>(const SharedView&, std::string_view, std::string_view)>
MatchFunction() {
  struct Cache {
    std::mutex mu;
    std::map<Tlp, std::pair<IngestId, std::shared_ptr<const MatchSnapshot>>> snapshots;
  };
  auto cache = std::make_shared<Cache>();
  return [cache](const SharedView& view, std::string_view log,
                 std::string_view format_name) -> Result<std::string> {
    std::optional<LogFormat> format = LogFormatFromName(format_name);
    if (!format) {
      return InvalidArgument("`" + std::string(format_name) +
                             "` is not a log format (auto, zeek, zeek-json, eve, plain)");
    }
    std::shared_ptr<const MatchSnapshot> snapshot;
    {
      std::lock_guard lock(cache->mu);
      auto it = cache->snapshots.find(view.policy.clearance);
      if (it != cache->snapshots.end() && it->second.first == view.as_of_ingest) {
        snapshot = it->second.second;
      }
    }
    if (!snapshot) {
      COTENANT_ASSIGN_OR_RETURN(snapshot, BuildSnapshot(view));
      std::lock_guard lock(cache->mu);
      cache->snapshots[view.policy.clearance] = {view.as_of_ingest, snapshot};
    }
    LogMatchOptions options;
    options.format = *format;
    options.threads = 1;
    CollectingSink sink;
    LogMatchStats stats;
    COTENANT_RETURN_IF_ERROR(MatchBuffer(log, "upload", *snapshot, options, sink, &stats));
    JsonWriter w;
    w.BeginObject().Key("stats").BeginObject();
    w.Member("lines", static_cast<int64_t>(stats.lines));
    w.Member("records", static_cast<int64_t>(stats.records));
    w.Member("alerts", static_cast<int64_t>(sink.total));
    w.Member("malformed", static_cast<int64_t>(stats.malformed));
    w.StringArray("errors", stats.errors);
    w.EndObject().Key("alerts").BeginArray();
    for (const std::string& a : sink.alerts) w.Raw(a);
    w.EndArray().EndObject();
    return w.Take();
  };
}

}  // namespace cotenant::server
