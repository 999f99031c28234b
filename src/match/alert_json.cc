// AlertToJson: one NDJSON line per alert, keys in a fixed order (docs/match.md).
#include <simdjson.h>

#include <string>

#include "cotenant/log_match.h"
#include "match/log_scan.h"

namespace cotenant {

namespace {

void Quote(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  bool utf8 = simdjson::validate_utf8(s.data(), s.size());
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        // Control characters, and every high byte of text that is not UTF-8 (read as Latin-1).
        if (c < 0x20 || (!utf8 && c >= 0x80)) {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void List(std::string& out, const std::vector<std::string>& items) {
  out.push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    Quote(out, items[i]);
  }
  out.push_back(']');
}

void Confidence(std::string& out, int confidence) {
  if (confidence < 0) {
    out.append("null");
  } else {
    out.append(std::to_string(confidence));
  }
}

}  // namespace

std::string AlertToJson(const Alert& a) {
  std::string out;
  out.reserve(256);
  out.append("{\"time\":");
  if (a.time_us) {
    Quote(out, match_internal::FormatEventTime(*a.time_us));
  } else {
    out.append("null");
  }
  out.append(",\"log\":");
  Quote(out, a.log);
  out.append(",\"uid\":");
  if (a.uid.empty()) {
    out.append("null");
  } else {
    Quote(out, a.uid);
  }
  out.append(",\"field\":");
  Quote(out, a.field);
  out.append(",\"value\":");
  Quote(out, a.value);
  out.append(",\"indicators\":[");
  for (size_t i = 0; i < a.matches.size(); ++i) {
    const AlertMatch& m = a.matches[i];
    if (i > 0) out.push_back(',');
    out.append("{\"indicator\":");
    Quote(out, m.indicator);
    out.append(",\"type\":");
    Quote(out, IndicatorTypeName(m.type));
    out.append(",\"how\":");
    Quote(out, MatchHowName(m.how));
    out.append(",\"actors\":");
    List(out, m.actors);
    out.append(",\"roles\":");
    List(out, m.roles);
    out.append(",\"sources\":");
    List(out, m.sources);
    out.append(",\"confidence\":");
    Confidence(out, m.confidence);
    out.append(",\"tlp\":");
    Quote(out, TlpName(m.tlp));
    out.append(",\"shared\":").append(m.shared ? "true" : "false");
    if (m.expired) out.append(",\"expired\":true");
    out.push_back('}');
  }
  out.append("],\"actors\":");
  List(out, a.actors);
  out.append(",\"roles\":");
  List(out, a.roles);
  out.append(",\"sources\":");
  List(out, a.sources);
  out.append(",\"confidence\":");
  Confidence(out, a.confidence);
  out.append(",\"tlp\":");
  Quote(out, TlpName(a.tlp));
  out.append(",\"shared\":").append(a.shared ? "true" : "false");
  out.append(",\"file\":");
  Quote(out, a.file);
  out.append(",\"line\":").append(std::to_string(a.line));
  out.push_back('}');
  return out;
}

}  // namespace cotenant
