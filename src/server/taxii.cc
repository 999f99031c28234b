// TAXII 2.1 (OASIS, 2020): discovery, one API root, a readable collection of everything the
// caller may see and a write-only inbox collection whose objects are ingested into the store.
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "server/api.h"
#include "server/json.h"
#include "server/stix_export.h"

namespace cotenant::server {
namespace {

constexpr std::string_view kTaxiiType = "application/taxii+json;version=2.1";
constexpr std::string_view kStixType = "application/stix+json;version=2.1";
constexpr std::string_view kApiRoot = "/taxii2/api/";
// Collection ids (fixed UUIDs; TAXII collection ids are bare UUIDs).
constexpr std::string_view kReadCollection = "2c4d3f6a-7b8e-4c1d-9e0f-a1b2c3d4e5f6";
constexpr std::string_view kInboxCollection = "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d";
constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string NoSpaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t') out += c;
  }
  return out;
}

// True when one media range of the header is the TAXII 2.1 type (or the type without a
// version, which means the latest: 2.1).
bool AcceptsTaxii(const std::string& accept) {
  std::string_view rest = accept;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string range = Lower(NoSpaces(rest.substr(0, comma)));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    // Drop a quality parameter.
    size_t q = range.find(";q=");
    if (q != std::string::npos) range = range.substr(0, q);
    if (range == "application/taxii+json;version=2.1" || range == "application/taxii+json") {
      return true;
    }
  }
  return false;
}

HttpResponse Taxii(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::string(kTaxiiType);
  r.body = std::move(body);
  return r;
}

HttpResponse TaxiiError(int status, std::string_view title, std::string_view description) {
  JsonWriter w;
  w.BeginObject().Member("title", title).Member("description", description);
  w.Member("http_status", std::to_string(status)).EndObject();
  return Taxii(w.Take(), status);
}

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  while (true) {
    size_t comma = s.find(',');
    std::string item = NoSpaces(s.substr(0, comma));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// `can_write` answers for the caller: the inbox is writable only with an upload permission.
void WriteCollection(JsonWriter& w, std::string_view id, const Principal& who) {
  bool inbox = id == kInboxCollection;
  w.BeginObject().Member("id", id);
  w.Member("title", inbox ? "cotenant inbox" : "cotenant: indicators and findings");
  w.Member("description",
           inbox ? "Write-only: STIX 2.1 objects posted here are ingested into the store."
                 : "Intrusion sets, indicators with patterns, sightings and the relationships "
                   "between intrusion sets that cotenant's analysis found, each with its TLP "
                   "marking; only what the caller's clearance allows.");
  w.Member("can_read", !inbox).Member("can_write", inbox && who.can_ingest);
  w.Key("media_types").BeginArray().String(kStixType).EndArray();
  w.EndObject();
}

// The filters of GET objects / manifest / versions.
struct Filter {
  std::optional<Timestamp> added_after;
  size_t limit = kDefaultLimit;
  size_t offset = 0;  // from `next`
  std::set<std::string> ids, types;
  std::vector<std::string> versions;  // "last" (default), "first", "all", or timestamps
  std::set<std::string> spec_versions;
};

Result<Filter> ParseFilter(const HttpRequest& req, bool versions_default_all) {
  Filter f;
  f.versions = {versions_default_all ? "all" : "last"};
  for (const auto& [key, value] : req.query) {
    if (key == "added_after") {
      Result<Timestamp> t = ParseStixTime(value);
      if (!t.ok()) return InvalidArgument("added_after: " + t.status().message());
      f.added_after = *t;
    } else if (key == "limit") {
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || ptr != value.data() + value.size() || n < 1) {
        return InvalidArgument("limit `" + value + "` is not a positive integer");
      }
      f.limit = std::min<size_t>(static_cast<size_t>(n), kMaxLimit);
    } else if (key == "next") {
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || ptr != value.data() + value.size() || n < 0) {
        return InvalidArgument("next `" + value + "` is not a value this server gave");
      }
      f.offset = static_cast<size_t>(n);
    } else if (key == "match[id]") {
      for (std::string& id : SplitComma(value)) f.ids.insert(Lower(id));
    } else if (key == "match[type]") {
      for (std::string& t : SplitComma(value)) f.types.insert(t);
    } else if (key == "match[version]") {
      f.versions = SplitComma(value);
      for (const std::string& v : f.versions) {
        if (v != "last" && v != "first" && v != "all" && !ParseStixTime(v).ok()) {
          return InvalidArgument("match[version] `" + v +
                                 "` is not last, first, all or a STIX timestamp");
        }
      }
    } else if (key == "match[spec_version]") {
      for (std::string& s : SplitComma(value)) f.spec_versions.insert(s);
    } else {
      return InvalidArgument("unknown query parameter `" + key + "`");
    }
  }
  return f;
}

bool Matches(const Filter& f, const StixObject& o) {
  if (f.added_after && !(o.added > *f.added_after)) return false;
  if (!f.ids.empty() && f.ids.count(Lower(o.id)) == 0) return false;
  if (!f.types.empty() && f.types.count(o.type) == 0) return false;
  if (!f.spec_versions.empty() && f.spec_versions.count("2.1") == 0) return false;
  // One version per object: first = last = all = its only version.
  for (const std::string& v : f.versions) {
    if (v == "last" || v == "first" || v == "all") return true;
    Result<Timestamp> t = ParseStixTime(v);
    if (o.modified.empty()) continue;
    Result<Timestamp> m = ParseStixTime(o.modified);
    if (t.ok() && m.ok() && *t == *m) return true;
  }
  return false;
}

std::string VersionOf(const StixObject& o) {
  // Marking definitions have no `modified`: their version is their `created`.
  return o.modified.empty() ? "2022-10-01T00:00:00.000Z" : o.modified;
}

HttpResponse Page(const ViewBundle& b, const Filter& f, std::string_view kind) {
  std::vector<const StixObject*> hits;
  for (const StixObject& o : b.stix) {
    if (Matches(f, o)) hits.push_back(&o);
  }
  size_t begin = std::min(f.offset, hits.size());
  size_t end = std::min(begin + f.limit, hits.size());
  bool more = end < hits.size();
  JsonWriter w;
  w.BeginObject().Member("more", more);
  if (more) w.Member("next", std::to_string(end));
  if (end > begin) {
    w.Key(kind == "versions" ? "versions" : "objects").BeginArray();
    for (size_t i = begin; i < end; ++i) {
      const StixObject& o = *hits[i];
      if (kind == "objects") {
        w.Raw(o.json);
      } else if (kind == "manifest") {
        w.BeginObject().Member("id", o.id).Member("date_added", StixTime(o.added));
        w.Member("version", VersionOf(o)).Member("media_type", kStixType).EndObject();
      } else {
        w.String(VersionOf(o));
      }
    }
    w.EndArray();
  }
  w.EndObject();
  HttpResponse r = Taxii(w.Take());
  if (end > begin) {
    r.headers.emplace_back("X-TAXII-Date-Added-First", StixTime(hits[begin]->added));
    r.headers.emplace_back("X-TAXII-Date-Added-Last", StixTime(hits[end - 1]->added));
  }
  return r;
}

void WriteStatus(JsonWriter& w, const TaxiiStatus& s) {
  w.BeginObject().Member("id", s.id).Member("status", s.status);
  w.Member("request_timestamp", s.request_timestamp);
  w.Member("total_count", s.successes.size() + s.failures.size() + s.pendings.size());
  auto items = [&](std::string_view count, std::string_view list,
                   const std::vector<TaxiiStatus::Item>& v) {
    w.Member(count, v.size());
    if (v.empty()) return;
    w.Key(list).BeginArray();
    for (const TaxiiStatus::Item& i : v) {
      w.BeginObject().Member("id", i.id).Member("version", i.version);
      if (!i.message.empty()) w.Member("message", i.message);
      w.EndObject();
    }
    w.EndArray();
  };
  items("success_count", "successes", s.successes);
  items("failure_count", "failures", s.failures);
  items("pending_count", "pendings", s.pendings);
  w.EndObject();
}

// Index of the object a rejection's JSON path points into ("$.objects[12].pattern" -> 12).
std::optional<size_t> ObjectIndex(std::string_view json_path) {
  constexpr std::string_view kPrefix = "$.objects[";
  if (!json_path.starts_with(kPrefix)) return std::nullopt;
  json_path.remove_prefix(kPrefix.size());
  size_t n = 0;
  auto [ptr, ec] = std::from_chars(json_path.data(), json_path.data() + json_path.size(), n);
  if (ec != std::errc() || ptr == json_path.data() + json_path.size() || *ptr != ']') {
    return std::nullopt;
  }
  return n;
}

HttpResponse PostObjects(SharingService& service, const Principal& who, const HttpRequest& req) {
  if (!who.can_ingest) {
    return TaxiiError(403, "Forbidden",
                      "this token may read but not add to the store (see `cotenant token add "
                      "--ingest`)");
  }
  std::string content_type = Lower(NoSpaces(req.Header("content-type")));
  if (content_type != "application/taxii+json;version=2.1" &&
      content_type != "application/taxii+json") {
    return TaxiiError(415, "Unsupported Media Type",
                      "POST objects takes Content-Type: application/taxii+json;version=2.1");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(req.body).get(doc); err) {
    return TaxiiError(400, "Bad Request",
                      std::string("the body is not JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::array objects;
  if (doc.type() != simdjson::dom::element_type::OBJECT ||
      doc["objects"].get(objects) != simdjson::SUCCESS) {
    return TaxiiError(400, "Bad Request", "the body must be an envelope: {\"objects\": [...]}");
  }
  TaxiiStatus status;
  status.token_id = who.token_id;
  status.request_timestamp = StixTime(Timestamp::Now());
  std::vector<TaxiiStatus::Item> items;
  std::vector<bool> valid;
  std::string bundle =
      "{\"type\":\"bundle\",\"id\":\"bundle--00000000-0000-4000-8000-000000000000\","
      "\"objects\":[";
  size_t kept = 0;
  std::vector<size_t> kept_index;  // bundle position -> item
  for (simdjson::dom::element o : objects) {
    TaxiiStatus::Item item;
    std::string_view id, type, spec, modified, created;
    bool ok = o.type() == simdjson::dom::element_type::OBJECT && o["id"].get(id) == 0 &&
              o["type"].get(type) == 0;
    if (ok) {
      item.id = std::string(id);
      if (o["modified"].get(modified) == 0) {
        item.version = std::string(modified);
      } else if (o["created"].get(created) == 0) {
        item.version = std::string(created);
      }
    }
    if (!ok) {
      item.message = "not a STIX object (needs `type` and `id`)";
    } else if (o["spec_version"].get(spec) != 0 && type != "bundle") {
      item.message = "missing spec_version: this collection takes STIX 2.1";
      ok = false;
    } else if (!id.starts_with(std::string(type) + "--")) {
      item.message = "id `" + std::string(id) + "` does not start with its type";
      ok = false;
    }
    if (ok) {
      if (kept++ > 0) bundle += ",";
      bundle += simdjson::minify(o);
      kept_index.push_back(items.size());
    }
    valid.push_back(ok);
    items.push_back(std::move(item));
  }
  bundle += "]}";
  std::vector<std::string> failure(items.size());
  if (kept > 0) {
    ReadOptions read;
    read.format = Format::kStix;
    Result<UploadResult> r =
        service.Ingest("taxii-" + status.request_timestamp + ".json", bundle, read, 100000);
    if (!r.ok()) return TaxiiError(500, "Internal Error", "the store could not take the objects");
    if (!r->error.empty()) {
      for (size_t i : kept_index) failure[i] = "not ingested: " + r->error;
    }
    for (const Rejection& rej : r->rejections) {
      std::optional<size_t> at = ObjectIndex(rej.location.json_path);
      if (at && *at < kept_index.size() && failure[kept_index[*at]].empty()) {
        failure[kept_index[*at]] = rej.reason;
      }
    }
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (!valid[i]) {
      status.failures.push_back(items[i]);
    } else if (!failure[i].empty()) {
      items[i].message = failure[i];
      status.failures.push_back(items[i]);
    } else {
      status.successes.push_back(items[i]);
    }
  }
  std::string id = service.PutStatus(status);
  status.id = id;
  JsonWriter w;
  WriteStatus(w, status);
  return Taxii(w.Take(), 202);
}

}  // namespace

HttpResponse HandleTaxii(SharingService& service, const ApiOptions& options, const Principal& who,
                         const HttpRequest& req) {
  if (!AcceptsTaxii(req.Header("accept"))) {
    return TaxiiError(406, "Not Acceptable",
                      "TAXII 2.1 answers only Accept: application/taxii+json;version=2.1");
  }
  std::vector<std::string_view> seg = PathSegments(req.path);  // "taxii2", ...
  bool get = req.method == "GET";
  auto not_allowed = [&] {
    return TaxiiError(405, "Method Not Allowed",
                      "method " + req.method + " is not allowed on " + req.path);
  };
  if (seg.size() == 1) {  // discovery
    if (!get) return not_allowed();
    std::string host = req.Header("host");
    std::string root =
        host.empty() ? std::string(kApiRoot) : "http://" + host + std::string(kApiRoot);
    JsonWriter w;
    w.BeginObject().Member("title", "cotenant TAXII 2.1 server");
    w.Member("description",
             "Shared infrastructure between threat-actor groups: indicators, intrusion sets, "
             "sightings and findings, filtered to the caller's TLP clearance.");
    w.Member("default", root);
    w.Key("api_roots").BeginArray().String(root).EndArray().EndObject();
    return Taxii(w.Take());
  }
  if (seg[1] != "api") return TaxiiError(404, "Not Found", "no API root at " + req.path);
  if (seg.size() == 2) {
    if (!get) return not_allowed();
    JsonWriter w;
    w.BeginObject().Member("title", "cotenant");
    w.Member("description", "The one API root of this server.");
    w.Key("versions").BeginArray().String(kTaxiiType).EndArray();
    w.Member("max_content_length", options.max_body_bytes).EndObject();
    return Taxii(w.Take());
  }
  if (seg[2] == "status" && seg.size() == 4) {
    if (!get) return not_allowed();
    std::optional<TaxiiStatus> s = service.GetStatus(seg[3], who.token_id);
    if (!s) return TaxiiError(404, "Not Found", "no status " + std::string(seg[3]));
    JsonWriter w;
    WriteStatus(w, *s);
    return Taxii(w.Take());
  }
  if (seg[2] != "collections") return TaxiiError(404, "Not Found", "no such resource");
  if (seg.size() == 3) {
    if (!get) return not_allowed();
    JsonWriter w;
    w.BeginObject().Key("collections").BeginArray();
    WriteCollection(w, kReadCollection, who);
    WriteCollection(w, kInboxCollection, who);
    w.EndArray().EndObject();
    return Taxii(w.Take());
  }
  std::string_view collection = seg[3];
  if (collection != kReadCollection && collection != kInboxCollection) {
    return TaxiiError(404, "Not Found", "no collection " + std::string(collection));
  }
  bool inbox = collection == kInboxCollection;
  if (seg.size() == 4) {
    if (!get) return not_allowed();
    JsonWriter w;
    WriteCollection(w, collection, who);
    return Taxii(w.Take());
  }
  std::string_view resource = seg[4];
  if (resource == "objects" && seg.size() == 5 && req.method == "POST") {
    if (!inbox) {
      return TaxiiError(403, "Forbidden", "this collection is read-only; post to the inbox");
    }
    return PostObjects(service, who, req);
  }
  if (!get) return not_allowed();
  if (inbox) return TaxiiError(403, "Forbidden", "the inbox collection is write-only");
  if (!((resource == "objects" &&
         (seg.size() == 5 || seg.size() == 6 || (seg.size() == 7 && seg[6] == "versions"))) ||
        (resource == "manifest" && seg.size() == 5))) {
    return TaxiiError(404, "Not Found", "no such resource");
  }
  bool versions = seg.size() == 7;
  Result<Filter> filter = ParseFilter(req, versions);
  if (!filter.ok()) return TaxiiError(400, "Bad Request", filter.status().message());
  Result<std::shared_ptr<const ViewBundle>> b = service.View(who.clearance);
  if (!b.ok()) return TaxiiError(500, "Internal Error", "the store could not be read");
  if (seg.size() >= 6) {
    std::string id = Lower(seg[5]);
    filter->ids = {id};
    bool exists = std::any_of((*b)->stix.begin(), (*b)->stix.end(),
                              [&](const StixObject& o) { return Lower(o.id) == id; });
    if (!exists) return TaxiiError(404, "Not Found", "no object " + std::string(seg[5]));
  }
  return Page(**b, *filter, versions ? "versions" : resource);
}

}  // namespace cotenant::server
