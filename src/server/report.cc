#include "cotenant/report.h"

#include "server/json.h"

namespace cotenant {
namespace server::assets {
extern const std::string_view kReportTemplate;
extern const std::string_view kCytoscapeJs;
}  // namespace server::assets

namespace {

std::string Fill(std::string_view data) {
  std::string html(server::assets::kReportTemplate);
  auto replace = [&](std::string_view marker, std::string_view with) {
    size_t at = html.find(marker);
    if (at != std::string::npos) html.replace(at, marker.size(), with);
  };
  replace("/*@CYTOSCAPE@*/", server::assets::kCytoscapeJs);
  replace("/*@DATA@*/", data);
  return html;
}

}  // namespace

std::string ReportJson(const SharedView& view, std::string_view principal) {
  server::JsonWriter w;
  w.BeginObject().Member("as_of", view.as_of.ToString());
  w.Member("clearance", TlpName(view.policy.clearance));
  if (!principal.empty()) w.Member("principal", principal);
  w.Key("actors").BeginArray();
  for (const SharedActor& a : view.actors) {
    w.BeginObject().Member("id", a.id).Member("name", a.name);
    std::vector<std::string> aliases;
    for (const ActorAlias& al : a.aliases) {
      if (al.name != a.name) aliases.push_back(al.name);
    }
    w.StringArray("aliases", aliases);
    w.Member("observations", a.observations).Member("indicators", a.indicators);
    w.Member("tlp", TlpName(a.tlp)).EndObject();
  }
  w.EndArray();
  w.Key("pairs").BeginArray();
  for (const SharedFinding& f : view.findings) {
    if (!f.detail_json.empty()) w.Raw(f.detail_json);
  }
  w.EndArray().EndObject();
  return w.Take();
}

std::string RenderReportHtml(std::string_view report_json) { return Fill(report_json); }

std::string LiveUiHtml() { return Fill("null"); }

}  // namespace cotenant
