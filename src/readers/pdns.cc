// Passive DNS in Common Output Format (draft-dulaunoy-dnsop-passive-dns-cof): one JSON object
// per line with rrname, rrtype, rdata (a string or an array), time_first, time_last (epoch
// seconds or RFC 3339), count. Each rdata value becomes a Relationship with the interval and
// count: A/AAAA/CNAME "resolves-to", NS "name-server", MX "mail-server". Other record types
// (TXT, SOA...) carry no address and are rejected with that reason, never dropped silently.
#include <string>

#include "readers/json_util.h"
#include "readers/readers.h"

namespace cotenant::readers {

namespace {

struct RecordKind {
  std::string_view kind;
  std::optional<IndicatorType> to;  // nullopt: classify (IPv4 or IPv6 under A/AAAA stay exact)
};

std::optional<RecordKind> KindFor(std::string_view rrtype) {
  std::string t = Lower(Trim(rrtype));
  if (t == "a") return RecordKind{"resolves-to", IndicatorType::kIpv4};
  if (t == "aaaa") return RecordKind{"resolves-to", IndicatorType::kIpv6};
  if (t == "cname") return RecordKind{"resolves-to", IndicatorType::kDomain};
  if (t == "ns") return RecordKind{"name-server", IndicatorType::kDomain};
  if (t == "mx") return RecordKind{"mail-server", IndicatorType::kDomain};
  return std::nullopt;
}

std::string_view StripDot(std::string_view s) {
  s = Trim(s);
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

}  // namespace

Status ReadPdns(LineReader& lines, const std::string& path, const ReadOptions& options,
                IngestSink& sink) {
  Source source;
  source.name = options.source.empty() ? DefaultSourceName(path) : options.source;
  sink.OnSource(source);

  simdjson::dom::parser parser;
  std::string_view line;
  while (lines.Next(&line)) {
    const int64_t n = lines.line_number();
    Location location = LineLocation(path, n);
    if (lines.too_long()) {
      sink.OnRejection(MakeRejection(location, "line longer than 1 MiB", line));
      continue;
    }
    std::string_view t = Trim(line);
    if (t.empty()) continue;
    Result<json::element> doc = json::Parse(parser, t, "line " + std::to_string(n));
    if (!doc.ok()) {
      sink.OnRejection(MakeRejection(location, doc.status().message(), t));
      continue;
    }
    json::element record = *doc;
    auto rrname = json::NonEmptyStr(record, "rrname");
    auto rrtype = json::NonEmptyStr(record, "rrtype");
    if (!rrname || !rrtype) {
      sink.OnRejection(MakeRejection(location, "missing rrname or rrtype", t));
      continue;
    }
    std::optional<RecordKind> kind = KindFor(*rrtype);
    if (!kind) {
      sink.OnRejection(MakeRejection(
          location, "rrtype " + std::string(*rrtype) + " is not an address resolution", t));
      continue;
    }
    Result<Indicator> from = ParseIndicatorAs(IndicatorType::kDomain, StripDot(*rrname));
    if (!from.ok()) {
      sink.OnRejection(MakeRejection(location, "rrname: " + from.status().message(), t));
      continue;
    }
    auto first = json::Time(record, "time_first");
    if (first.ok() && !*first) first = json::Time(record, "zone_time_first");
    auto last = json::Time(record, "time_last");
    if (last.ok() && !*last) last = json::Time(record, "zone_time_last");
    if (!first.ok() || !last.ok()) {
      Status bad = !first.ok() ? first.status() : last.status();
      sink.OnRejection(MakeRejection(location, bad.message(), t));
      continue;
    }
    if (*first && *last && **last < **first) {
      sink.OnRejection(MakeRejection(location, "time_last is before time_first", t));
      continue;
    }
    int64_t count = json::Int(record, "count").value_or(0);
    if (count < 0) count = 0;

    // (text, json path); a non-string element keeps its place with no text.
    std::vector<std::pair<std::optional<std::string_view>, std::string>> values;
    if (auto rdata = json::Field(record, "rdata")) {
      if (rdata->is_string()) {
        values.emplace_back(rdata->get_string().value_unsafe(), "$.rdata");
      } else if (rdata->is_array()) {
        json::array items = rdata->get_array().value_unsafe();
        size_t i = 0;
        for (json::element v : items) {
          std::string jp = "$.rdata[" + std::to_string(i++) + "]";
          if (v.is_string()) {
            values.emplace_back(v.get_string().value_unsafe(), jp);
          } else {
            values.emplace_back(std::nullopt, jp + " " + json::Preview(v));
          }
        }
      }
    }
    if (values.empty()) {
      sink.OnRejection(MakeRejection(location, "no rdata", t));
      continue;
    }
    for (auto& [maybe_text, jp] : values) {
      if (!maybe_text) {
        size_t sp = jp.find(' ');
        Location l = location;
        l.json_path = jp.substr(0, sp);
        sink.OnRejection(MakeRejection(l, "rdata element is not a string", jp.substr(sp + 1)));
        continue;
      }
      std::string_view text = *maybe_text;
      std::string_view target = StripDot(text);
      if (kind->kind == "mail-server") {
        // "10 mail.example.com": drop the preference.
        size_t sp = target.rfind(' ');
        if (sp != std::string_view::npos) target = StripDot(target.substr(sp + 1));
      }
      Result<Indicator> to = ParseIndicatorAs(*kind->to, target);
      Location l = location;
      l.json_path = jp;
      if (!to.ok()) {
        sink.OnRejection(MakeRejection(l, "rdata: " + to.status().message(), text));
        continue;
      }
      Relationship r;
      r.from = *from;
      r.kind = std::string(kind->kind);
      r.to = std::move(to).value();
      r.first_seen = *first;
      r.last_seen = *last;
      r.count = count;
      r.source = source.name;
      r.tlp = options.tlp;
      r.location = std::move(l);
      sink.OnRelationship(std::move(r));
    }
  }
  return Status::Ok();
}

}  // namespace cotenant::readers
