// JSON-lines logs with simdjson On-Demand: Zeek JSON (flat dotted keys) and Suricata eve.json
// (nested objects). Each line is its own document, so one broken line costs one record. String
// values are borrowed from the input (raw tokens); only values with escapes are copied.
#include <simdjson.h>

#include <cstring>
#include <string>
#include <unordered_map>

#include "match/log_fields.h"
#include "match/log_scan.h"

namespace cotenant::match_internal {

namespace od = simdjson::ondemand;

struct JsonScanner::Impl {
  od::parser parser;
  bool eve = false;
};

namespace {

// The string value of `v` as a view into the input, or into the arena when it had escapes.
bool GetString(od::value& v, ScanBatch& batch, std::string_view* out) {
  std::string_view tok = v.raw_json_token();
  if (tok.empty() || tok.front() != '"') return false;
  size_t close = tok.rfind('"');
  if (close == 0) return false;
  std::string_view s = tok.substr(1, close - 1);
  if (s.find('\\') != std::string_view::npos) {
    std::string_view u;
    if (v.get_string().get(u) != simdjson::SUCCESS) return false;
    s = batch.arena.Copy(u);
  }
  *out = s;
  return true;
}

void Push(ScanBatch& batch, std::string_view v, uint32_t rec, uint16_t field, ObservedKind kind) {
  if (!v.empty()) batch.probes.push_back(Probe{v, {}, rec, field, kind});
}

// A string, or an array of strings.
void StringsOf(od::value& v, ScanBatch& batch, uint32_t rec, uint16_t field, ObservedKind kind,
               bool also_cert = false) {
  od::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS) return;
  if (type == od::json_type::string) {
    std::string_view s;
    if (GetString(v, batch, &s)) {
      Push(batch, s, rec, field, kind);
      if (also_cert) Push(batch, s, rec, field, ObservedKind::kCertHash);
    }
    return;
  }
  if (type != od::json_type::array) return;
  od::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS) return;
  for (auto element : arr) {
    od::value ev;
    if (element.get(ev) != simdjson::SUCCESS) return;
    std::string_view s;
    if (GetString(ev, batch, &s)) Push(batch, s, rec, field, kind);
  }
}

const std::unordered_map<std::string_view, const ZeekFieldSpec*>& ZeekFieldMap() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string_view, const ZeekFieldSpec*>();
    for (const auto& spec : kZeekFields) (*m)[spec.name] = &spec;
    return m;
  }();
  return *map;
}

simdjson::error_code ScanZeekRecord(od::object& obj, ScanBatch& batch, uint32_t rec) {
  const auto& map = ZeekFieldMap();
  std::string_view host, uri;
  for (auto field : obj) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key); err) return err;
    od::value v;
    if (auto err = field.value().get(v); err) return err;
    if (key == "uri") {
      GetString(v, batch, &uri);
      continue;
    }
    auto it = map.find(key);
    if (it == map.end()) continue;
    const ZeekFieldSpec& spec = *it->second;
    if (spec.field == kZeekHost) GetString(v, batch, &host);
    StringsOf(v, batch, rec, spec.field, spec.kind, spec.also_cert);
  }
  if (!host.empty() && !uri.empty()) {
    batch.probes.push_back(Probe{host, uri, rec, kZeekUrl, ObservedKind::kUrl});
  }
  return simdjson::SUCCESS;
}

simdjson::error_code ScanEveDns(od::object& dns, ScanBatch& batch, uint32_t rec) {
  for (auto field : dns) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key); err) return err;
    od::value v;
    if (auto err = field.value().get(v); err) return err;
    if (key == "rrname") {
      StringsOf(v, batch, rec, kEveDnsRrname, ObservedKind::kHost);
    } else if (key == "rdata") {
      StringsOf(v, batch, rec, kEveDnsRdata, ObservedKind::kHost);
    } else if (key == "answers" || key == "queries") {
      bool answers = key == "answers";
      od::array arr;
      if (v.get_array().get(arr) != simdjson::SUCCESS) continue;
      for (auto element : arr) {
        od::object a;
        if (element.get_object().get(a) != simdjson::SUCCESS) break;
        for (auto af : a) {
          std::string_view ak;
          if (af.unescaped_key().get(ak) != simdjson::SUCCESS) break;
          od::value av;
          if (af.value().get(av) != simdjson::SUCCESS) break;
          if (ak == "rrname") {
            StringsOf(av, batch, rec, answers ? kEveDnsAnswersRrname : kEveDnsQueriesRrname,
                      ObservedKind::kHost);
          } else if (answers && ak == "rdata") {
            StringsOf(av, batch, rec, kEveDnsAnswersRdata, ObservedKind::kHost);
          }
        }
      }
    } else if (key == "grouped") {
      od::object g;
      if (v.get_object().get(g) != simdjson::SUCCESS) continue;
      for (auto gf : g) {
        od::value gv;
        if (gf.value().get(gv) != simdjson::SUCCESS) break;
        StringsOf(gv, batch, rec, kEveDnsGrouped, ObservedKind::kHost);
      }
    }
  }
  return simdjson::SUCCESS;
}

simdjson::error_code ScanEveObject(std::string_view name, od::object& obj, ScanBatch& batch,
                                   uint32_t rec) {
  if (name == "dns") return ScanEveDns(obj, batch, rec);
  std::string_view hostname, url;
  for (auto field : obj) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key); err) return err;
    od::value v;
    if (auto err = field.value().get(v); err) return err;
    if (name == "http") {
      if (key == "hostname") {
        GetString(v, batch, &hostname);
        Push(batch, hostname, rec, kEveHttpHostname, ObservedKind::kHost);
      } else if (key == "url") {
        GetString(v, batch, &url);
      }
    } else if (name == "tls") {
      if (key == "sni") {
        StringsOf(v, batch, rec, kEveTlsSni, ObservedKind::kHost);
      } else if (key == "fingerprint") {
        StringsOf(v, batch, rec, kEveTlsFingerprint, ObservedKind::kCertHash);
      } else if (key == "ja3" || key == "ja3s") {
        bool server = key == "ja3s";
        od::object j;
        if (v.get_object().get(j) != simdjson::SUCCESS) continue;
        for (auto jf : j) {
          std::string_view jk;
          if (jf.unescaped_key().get(jk) != simdjson::SUCCESS) break;
          if (jk != "hash") continue;
          od::value jv;
          if (jf.value().get(jv) != simdjson::SUCCESS) break;
          StringsOf(jv, batch, rec, server ? kEveTlsJa3s : kEveTlsJa3,
                    server ? ObservedKind::kJa3s : ObservedKind::kJa3);
        }
      }
    } else if (name == "fileinfo") {
      if (key == "md5") StringsOf(v, batch, rec, kEveFileMd5, ObservedKind::kFileHash);
      if (key == "sha1") StringsOf(v, batch, rec, kEveFileSha1, ObservedKind::kFileHash);
      if (key == "sha256") StringsOf(v, batch, rec, kEveFileSha256, ObservedKind::kFileHash);
    } else if (name == "smtp") {
      if (key == "helo") StringsOf(v, batch, rec, kEveSmtpHelo, ObservedKind::kHost);
      if (key == "mail_from") StringsOf(v, batch, rec, kEveSmtpMailFrom, ObservedKind::kEmail);
      if (key == "rcpt_to") StringsOf(v, batch, rec, kEveSmtpRcptTo, ObservedKind::kEmail);
    } else if (name == "email") {
      if (key == "from") StringsOf(v, batch, rec, kEveEmailFrom, ObservedKind::kEmail);
      if (key == "to") StringsOf(v, batch, rec, kEveEmailTo, ObservedKind::kEmail);
      if (key == "cc") StringsOf(v, batch, rec, kEveEmailCc, ObservedKind::kEmail);
    }
  }
  if (!hostname.empty() && !url.empty()) {
    batch.probes.push_back(Probe{hostname, url, rec, kEveHttpUrl, ObservedKind::kUrl});
  }
  return simdjson::SUCCESS;
}

simdjson::error_code ScanEveRecord(od::object& obj, ScanBatch& batch, uint32_t rec) {
  for (auto field : obj) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key); err) return err;
    if (key == "src_ip" || key == "dest_ip") {
      od::value v;
      if (auto err = field.value().get(v); err) return err;
      StringsOf(v, batch, rec, key == "src_ip" ? kEveSrcIp : kEveDestIp, ObservedKind::kIp);
    } else if (key == "dns" || key == "http" || key == "tls" || key == "fileinfo" ||
               key == "smtp" || key == "email") {
      od::value v;
      if (auto err = field.value().get(v); err) return err;
      od::object inner;
      if (v.get_object().get(inner) != simdjson::SUCCESS) continue;
      if (auto err = ScanEveObject(key, inner, batch, rec); err) return err;
    }
  }
  return simdjson::SUCCESS;
}

}  // namespace

JsonScanner::JsonScanner() : impl_(std::make_unique<Impl>()) {}
JsonScanner::~JsonScanner() = default;

void JsonScanner::Scan(std::string_view data, bool eve, ScanBatch& batch) {
  const char* p = data.data();
  const char* const end = p + data.size();
  uint64_t line_no = 0;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl != nullptr ? nl : end;
    ++line_no;
    std::string_view line(p, static_cast<size_t>(line_end - p));
    size_t capacity = static_cast<size_t>(end - p) + simdjson::SIMDJSON_PADDING;
    p = line_end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    size_t lead = 0;
    while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
    if (lead == line.size()) continue;
    uint32_t rec = static_cast<uint32_t>(batch.records.size());
    batch.records.push_back({line, line_no});
    size_t probes_before = batch.probes.size();
    od::document doc;
    auto err =
        impl_->parser.iterate(simdjson::padded_string_view(line.data(), line.size(), capacity))
            .get(doc);
    od::object obj;
    if (!err) err = doc.get_object().get(obj);
    if (!err) err = eve ? ScanEveRecord(obj, batch, rec) : ScanZeekRecord(obj, batch, rec);
    if (err) {
      batch.probes.resize(probes_before);  // a broken record raises nothing
      batch.Error(line_no, std::string("not a JSON object (") + simdjson::error_message(err) + ")");
    }
  }
  batch.lines += line_no;
}

RecordContext JsonScanner::Context(std::string_view line, bool eve, std::string_view default_log) {
  RecordContext ctx;
  ctx.log = std::string(default_log);
  simdjson::padded_string padded(line);
  od::document doc;
  if (impl_->parser.iterate(padded).get(doc) != simdjson::SUCCESS) return ctx;
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return ctx;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) break;
    od::value v;
    if (field.value().get(v) != simdjson::SUCCESS) break;
    std::string_view tok = v.raw_json_token();
    while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t' || tok.back() == '\r')) {
      tok.remove_suffix(1);
    }
    std::string_view unquoted = tok;
    if (unquoted.size() >= 2 && unquoted.front() == '"')
      unquoted = unquoted.substr(1, unquoted.size() - 2);
    if (eve) {
      if (key == "timestamp") ctx.time_us = ParseEventTime(unquoted);
      if (key == "flow_id") ctx.uid = std::string(unquoted);
      if (key == "event_type") ctx.log = std::string(unquoted);
    } else {
      if (key == "ts") ctx.time_us = ParseEventTime(unquoted);
      if (key == "uid" || (key == "fuid" && ctx.uid.empty())) ctx.uid = std::string(unquoted);
      if (key == "_path") ctx.log = std::string(unquoted);
    }
  }
  return ctx;
}

Result<std::string> JsonArrayToLines(std::string_view document) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(document.data(), document.size(), true).get(root); err) {
    return InvalidArgument(std::string("not a JSON document (") + simdjson::error_message(err) +
                           ")");
  }
  simdjson::dom::array arr;
  if (root.get_array().get(arr) != simdjson::SUCCESS) return InvalidArgument("not a JSON array");
  std::string out;
  out.reserve(document.size());
  for (simdjson::dom::element el : arr) {
    out.append(simdjson::minify(el));
    out.push_back('\n');
  }
  return out;
}

}  // namespace cotenant::match_internal
