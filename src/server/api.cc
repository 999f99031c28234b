// The JSON API of `cotenant serve` (docs/api.md) and the dispatch to TAXII and the UI.
#include "server/api.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

#include "cotenant/export.h"
#include "cotenant/indicator.h"
#include "server/json.h"

namespace cotenant::server {
namespace {

HttpResponse Json(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string Base64Decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0 || in.size() > 4096) return "";
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return "";
  size_t pad = 0;
  if (in.back() == '=') ++pad;
  if (in.size() > 1 && in[in.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

// The token from "Authorization: Bearer T" or "Basic base64(name:T)" (TAXII clients).
std::string PresentedToken(const HttpRequest& request) {
  std::string auth = request.Header("authorization");
  auto starts = [&](std::string_view scheme) {
    return auth.size() > scheme.size() &&
           std::equal(scheme.begin(), scheme.end(), auth.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  };
  if (starts("Bearer ")) return auth.substr(7);
  if (starts("Basic ")) {
    std::string decoded = Base64Decode(auth.substr(6));
    size_t colon = decoded.find(':');
    return colon == std::string::npos ? "" : decoded.substr(colon + 1);
  }
  return "";
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

void WriteTimes(JsonWriter& w, const std::optional<Timestamp>& first,
                const std::optional<Timestamp>& last) {
  if (first) w.Member("first_seen", first->ToString());
  if (last) w.Member("last_seen", last->ToString());
}

void WriteActor(JsonWriter& w, const SharedActor& a) {
  w.BeginObject().Member("id", a.id).Member("name", a.name);
  w.Member("kind", a.kind == ActorKind::kGroup       ? "group"
                   : a.kind == ActorKind::kAmbiguous ? "ambiguous"
                                                     : "unregistered");
  w.Key("aliases").BeginArray();
  for (const ActorAlias& al : a.aliases) {
    w.BeginObject().Member("name", al.name).Member("source", al.source).EndObject();
  }
  w.EndArray();
  w.StringArray("external_ids", a.external_ids);
  if (!a.country.empty()) w.Member("country", a.country);
  w.StringArray("names_written", a.names_written);
  w.Member("observations", a.observations).Member("indicators", a.indicators);
  w.Member("tlp", TlpName(a.tlp)).EndObject();
}

void WritePairSummary(JsonWriter& w, const SharedView& view, const SharedFinding& f) {
  w.BeginObject();
  w.Member("id", std::to_string(f.actors[0]) + "-" + std::to_string(f.actors[1]));
  w.Key("actors").BeginArray();
  for (ActorId id : f.actors) {
    const SharedActor* a = view.FindActor(id);
    w.BeginObject().Member("id", id).Member("name", a ? a->name : "").EndObject();
  }
  w.EndArray();
  w.Member("hypothesis", f.hypothesis).Member("hypothesis_label", f.hypothesis_label);
  w.Member("likelihood", f.likelihood).Member("probability", f.probability);
  w.Member("confidence", f.confidence).Member("stix_confidence", f.stix_confidence);
  w.Member("score", f.score).Member("summary", f.summary).Member("tlp", TlpName(f.tlp));
  w.StringArray("shared_values", f.shared_values);
  w.EndObject();
}

HttpResponse Stats(const ViewBundle& b) {
  const SharedView& v = b.view;
  std::map<std::string, int64_t> by_type;
  for (const SharedIndicator& si : v.indicators)
    ++by_type[std::string(IndicatorTypeName(si.indicator.type))];
  JsonWriter w;
  w.BeginObject().Member("as_of", v.as_of.ToString());
  w.Member("clearance", TlpName(v.policy.clearance));
  w.Member("indicators", v.indicators.size()).Member("observations", v.observations);
  w.Member("relationships", v.relationships.size()).Member("actors", v.actors.size());
  w.Member("pairs", v.findings.size());
  w.Key("indicators_by_type").BeginObject();
  for (const auto& [t, n] : by_type) w.Member(t, n);
  w.EndObject().EndObject();
  return Json(w.Take());
}

HttpResponse Lookup(SharingService& service, const Principal& who, const HttpRequest& req) {
  const std::string* value = req.Query("value");
  if (value == nullptr || value->empty()) return JsonError(400, "missing query parameter `value`");
  if (value->size() > 4096) return JsonError(400, "`value` is longer than 4096 bytes");
  Result<Indicator> ind = InvalidArgument("");
  if (const std::string* type = req.Query("type")) {
    std::optional<IndicatorType> t = IndicatorTypeFromName(*type);
    if (!t) return JsonError(400, "`" + *type + "` is not an indicator type");
    ind = ParseIndicatorAs(*t, *value);
  } else {
    ind = ClassifyIndicator(*value);
  }
  if (!ind.ok()) return JsonError(400, ind.status().message());
  Result<IndicatorReport> report = service.Lookup(*ind, who.clearance);
  if (!report.ok()) {
    int status = report.status().code() == StatusCode::kNotFound ? 404 : 500;
    return JsonError(status, status == 404 ? report.status().message() : "store error");
  }
  JsonWriter w;
  w.BeginObject().Member("type", IndicatorTypeName(ind->type)).Member("value", ind->value);
  w.Member("display", ind->display.empty() ? ind->value : ind->display);
  Tlp tlp = Tlp::kClear;
  w.Key("observations").BeginArray();
  for (const StoredObservation& so : report->observations) {
    const Observation& o = so.observation;
    Tlp h = HandlingTlp(o.tlp, service.options().unmarked_as);
    tlp = MostRestrictive(tlp, h);
    w.BeginObject().Member("id", so.id);
    w.Member("actor_written", o.actor).Member("actor_id", so.actor_id);
    w.Member("role", RoleName(o.role)).Member("source", o.source);
    WriteTimes(w, o.first_seen, o.last_seen);
    if (o.confidence >= 0) w.Member("confidence", o.confidence);
    w.StringArray("references", o.references);
    if (!o.description.empty()) w.Member("description", o.description);
    // Only the file's name: the server's directories are none of the caller's business.
    Location where = o.location;
    where.file = where.file.substr(where.file.rfind('/') + 1);
    w.Member("location", where.ToString()).Member("tlp", TlpName(h));
    w.EndObject();
  }
  w.EndArray();
  w.Key("relationships").BeginArray();
  for (const StoredRelationship& sr : report->relationships) {
    const Relationship& r = sr.relationship;
    Tlp h = HandlingTlp(r.tlp, service.options().unmarked_as);
    tlp = MostRestrictive(tlp, h);
    w.BeginObject().Member("from", r.from.value).Member("kind", r.kind).Member("to", r.to.value);
    WriteTimes(w, r.first_seen, r.last_seen);
    if (r.count > 0) w.Member("count", r.count);
    w.Member("source", r.source).Member("tlp", TlpName(h)).EndObject();
  }
  w.EndArray();
  w.Member("tlp", TlpName(tlp)).EndObject();
  return Json(w.Take());
}

HttpResponse Ingest(SharingService& service, const HttpRequest& req) {
  if (req.body.empty()) return JsonError(400, "empty upload: send the file as the request body");
  ReadOptions read;
  std::string name = "upload";
  if (const std::string* n = req.Query("name")) name = *n;
  if (const std::string* f = req.Query("format")) {
    std::optional<Format> format = FormatFromName(*f);
    if (!format) return JsonError(400, "`" + *f + "` is not an input format");
    read.format = *format;
  }
  if (const std::string* s = req.Query("source")) read.source = *s;
  if (const std::string* a = req.Query("actor")) read.actor = *a;
  if (const std::string* r = req.Query("role")) {
    std::optional<Role> role = RoleFromName(*r);
    if (!role) return JsonError(400, "`" + *r + "` is not a role");
    read.role = *role;
  }
  if (const std::string* t = req.Query("tlp")) {
    std::optional<Tlp> tlp = TlpFromName(*t);
    if (!tlp) return JsonError(400, "`" + *t + "` is not a TLP level");
    read.tlp = *tlp;
  }
  Result<UploadResult> r = service.Ingest(name, req.body, read);
  if (!r.ok()) return JsonError(500, "ingest failed: " + r.status().message());
  JsonWriter w;
  w.BeginObject().Member("name", name).Member("records", r->records);
  w.Member("rejected", r->rejected);
  w.Key("rejections").BeginArray();
  for (const Rejection& rej : r->rejections) {
    w.BeginObject().Member("location", rej.location.ToString()).Member("reason", rej.reason);
    w.EndObject();
  }
  w.EndArray();
  if (!r->error.empty()) w.Member("error", r->error);
  w.EndObject();
  return Json(w.Take(), r->error.empty() ? 200 : 422);
}

}  // namespace

HttpResponse JsonError(int status, std::string_view message) {
  JsonWriter w;
  w.BeginObject().Member("error", message).EndObject();
  return Json(w.Take(), status);
}

HttpResponse HandleRequest(SharingService& service, const ApiOptions& options,
                           const HttpRequest& req) {
  std::vector<std::string_view> seg = PathSegments(req.path);
  if (req.method == "GET" && (seg.empty() || (seg.size() == 1 && seg[0] == "ui"))) {
    if (options.ui_html.empty()) return JsonError(404, "no UI in this build");
    HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = options.ui_html;
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; script-src 'unsafe-inline'; style-src "
                           "'unsafe-inline'; img-src data:; connect-src 'self'");
    return r;
  }

  // Everything else needs a token.
  std::string token = PresentedToken(req);
  Result<Principal> who = token.empty()
                              ? Result<Principal>(Status(StatusCode::kPermissionDenied, "no token"))
                              : service.Authenticate(token);
  if (!who.ok()) {
    bool taxii = !seg.empty() && seg[0] == "taxii2";
    HttpResponse r;
    if (taxii) {
      r.content_type = "application/taxii+json;version=2.1";
      r.body = "{\"title\":\"Unauthorized\",\"description\":\"" +
               std::string(token.empty() ? "a token is required" : "invalid or revoked token") +
               "\",\"http_status\":\"401\"}";
    } else {
      r = JsonError(401, token.empty() ? "a token is required (Authorization: Bearer TOKEN)"
                                       : "invalid or revoked token");
    }
    r.status = 401;
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"cotenant\"");
    return r;
  }
  const Principal& principal = *who;
  if (!seg.empty() && seg[0] == "taxii2") return HandleTaxii(service, options, principal, req);
  if (seg.empty() || seg[0] != "api") return JsonError(404, "no such route: " + req.path);

  auto view = [&]() { return service.View(principal.clearance); };
  std::string_view route = seg.size() >= 2 ? seg[1] : "";
  bool get = req.method == "GET";

  if (route == "whoami" && seg.size() == 2 && get) {
    JsonWriter w;
    w.BeginObject().Member("name", principal.name).Member("organisation", principal.organisation);
    w.Member("clearance", TlpName(principal.clearance));
    w.Member("can_ingest", principal.can_ingest).EndObject();
    return Json(w.Take());
  }
  if (route == "lookup" && seg.size() == 2 && get) return Lookup(service, principal, req);
  if (route == "ingest" && seg.size() == 2) {
    if (req.method != "POST") return JsonError(405, "use POST with the file as the body");
    if (!principal.can_ingest) {
      return JsonError(403,
                       "this token may read but not add to the store (see `cotenant token add "
                       "--ingest`)");
    }
    return Ingest(service, req);
  }
  if (route == "match" && seg.size() == 2) {
    if (req.method != "POST") return JsonError(405, "use POST with the log as the body");
    if (!options.match) return JsonError(501, "the matcher is not built into this server");
    if (req.body.empty()) return JsonError(400, "empty upload: send the log as the request body");
    auto b = view();
    if (!b.ok()) return JsonError(500, "store error");
    std::string format = req.Query("format") ? *req.Query("format") : "auto";
    Result<std::string> out = options.match((*b)->view, req.body, format);
    if (!out.ok()) return JsonError(400, out.status().message());
    return Json(*out);
  }
  if (!get) return JsonError(405, "method " + req.method + " not allowed on " + req.path);

  static const std::vector<std::string_view> kViewRoutes = {"stats", "actors", "pairs", "report",
                                                            "export"};
  if (std::find(kViewRoutes.begin(), kViewRoutes.end(), route) == kViewRoutes.end()) {
    return JsonError(404, "no such route: " + req.path);
  }
  Result<std::shared_ptr<const ViewBundle>> b = view();
  if (!b.ok()) return JsonError(500, "store error");
  const SharedView& v = (*b)->view;

  if (route == "stats" && seg.size() == 2) return Stats(**b);
  if (route == "report" && seg.size() == 2) return Json((*b)->report_json);
  if (route == "export" && seg.size() == 2) {
    std::string name = req.Query("format") ? *req.Query("format") : "stix";
    std::optional<ExportFormat> format = ExportFormatFromName(name);
    if (!format) return JsonError(400, "`" + name + "` is not an export format (stix, misp, csv)");
    HttpResponse r;
    r.body = ExportDocument(*format, v);
    r.content_type = *format == ExportFormat::kCsv    ? "text/csv; charset=utf-8"
                     : *format == ExportFormat::kStix ? "application/stix+json;version=2.1"
                                                      : "application/json";
    return r;
  }
  if (route == "actors" && seg.size() == 2) {
    JsonWriter w;
    w.BeginObject().Key("actors").BeginArray();
    for (const SharedActor& a : v.actors) WriteActor(w, a);
    w.EndArray().EndObject();
    return Json(w.Take());
  }
  if (route == "actors" && seg.size() == 3) {
    std::optional<int64_t> id = ParseInt(seg[2]);
    const SharedActor* a = id ? v.FindActor(*id) : nullptr;
    if (a == nullptr) return JsonError(404, "no actor " + std::string(seg[2]));
    JsonWriter w;
    w.BeginObject().Key("actor");
    WriteActor(w, *a);
    w.Key("indicators").BeginArray();
    for (const SharedIndicator& si : v.indicators) {
      if (!std::binary_search(si.actors.begin(), si.actors.end(), a->id)) continue;
      w.BeginObject().Member("type", IndicatorTypeName(si.indicator.type));
      w.Member("value", si.indicator.value);
      WriteTimes(w, si.first_seen, si.last_seen);
      w.Member("tlp", TlpName(si.tlp)).EndObject();
    }
    w.EndArray().EndObject();
    return Json(w.Take());
  }
  if (route == "pairs" && seg.size() == 2) {
    double min_score = 0;
    if (const std::string* m = req.Query("min_score")) {
      char* end = nullptr;
      min_score = std::strtod(m->c_str(), &end);
      if (end == m->c_str() || *end != '\0') return JsonError(400, "`min_score` is not a number");
    }
    const std::string* hypothesis = req.Query("hypothesis");
    std::optional<int64_t> actor;
    if (const std::string* a = req.Query("actor")) {
      actor = ParseInt(*a);
      if (!actor) return JsonError(400, "`actor` is not an actor id");
    }
    JsonWriter w;
    w.BeginObject().Key("pairs").BeginArray();
    for (const SharedFinding& f : v.findings) {
      if (f.score < min_score) continue;
      if (hypothesis && f.hypothesis != *hypothesis) continue;
      if (actor && f.actors[0] != *actor && f.actors[1] != *actor) continue;
      WritePairSummary(w, v, f);
    }
    w.EndArray().EndObject();
    return Json(w.Take());
  }
  if (route == "pairs" && seg.size() == 4) {
    std::optional<int64_t> a = ParseInt(seg[2]), c = ParseInt(seg[3]);
    if (!a || !c) return JsonError(400, "pair ids must be actor ids: /api/pairs/A/B");
    for (const SharedFinding& f : v.findings) {
      if ((f.actors[0] == *a && f.actors[1] == *c) || (f.actors[0] == *c && f.actors[1] == *a)) {
        return Json(f.detail_json.empty() ? "{}" : f.detail_json);
      }
    }
    return JsonError(
        404, "no finding for actors " + std::string(seg[2]) + " and " + std::string(seg[3]));
  }
  return JsonError(404, "no such route: " + req.path);
}

}  // namespace cotenant::server
