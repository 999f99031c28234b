// The analysis state file: the last analysis's verdicts, for "new links" (see
// analysis_report.h). JSON: {"schema": "cotenant.analysis-state", "version": 1,
// "last_ingest": N, "generated": "...", "pairs": [{"a": id, "b": id, "a_name": "...",
// "b_name": "...", "leading": "collaboration", "score": 87.5}]}.
#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cotenant/analysis_report.h"

namespace cotenant {

Result<std::optional<AnalysisState>> ReadAnalysisState(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<AnalysisState>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path + ": cannot read the analysis state");
  std::stringstream buffer;
  buffer << in.rdbuf();
  simdjson::dom::parser parser;
  simdjson::padded_string text(buffer.str());
  simdjson::dom::element doc;
  if (auto err = parser.parse(text).get(doc); err) {
    return Corruption(path + ": analysis state is not JSON: " + simdjson::error_message(err));
  }
  std::string_view schema;
  if (doc["schema"].get_string().get(schema) || schema != "cotenant.analysis-state") {
    return Corruption(path + ": not a cotenant analysis state file");
  }
  int64_t version = 0;
  if (doc["version"].get_int64().get(version) || version != 1) {
    return Unsupported(path + ": analysis state version " + std::to_string(version) +
                       " (this build reads version 1)");
  }
  AnalysisState state;
  if (doc["last_ingest"].get_int64().get(state.last_ingest)) {
    return Corruption(path + ": analysis state without last_ingest");
  }
  std::string_view generated;
  if (!doc["generated"].get_string().get(generated)) state.generated = std::string(generated);
  simdjson::dom::array pairs;
  if (doc["pairs"].get_array().get(pairs)) {
    return Corruption(path + ": analysis state without pairs");
  }
  size_t index = 0;
  for (simdjson::dom::element p : pairs) {
    PairVerdict v;
    std::string_view leading, a_name, b_name;
    double score = 0;
    if (p["a"].get_int64().get(v.a) || p["b"].get_int64().get(v.b) ||
        p["leading"].get_string().get(leading) || p["score"].get_double().get(score)) {
      return Corruption(path + ": pairs[" + std::to_string(index) + "] is incomplete");
    }
    auto h = HypothesisFromId(leading);
    if (!h) {
      return Corruption(path + ": pairs[" + std::to_string(index) + "]: unknown hypothesis \"" +
                        std::string(leading) + "\"");
    }
    v.leading = *h;
    v.score = score;
    if (!p["a_name"].get_string().get(a_name)) v.a_name = std::string(a_name);
    if (!p["b_name"].get_string().get(b_name)) v.b_name = std::string(b_name);
    state.pairs.push_back(std::move(v));
    ++index;
  }
  return std::optional<AnalysisState>(std::move(state));
}

Status WriteAnalysisState(const std::string& path, const AnalysisState& state) {
  auto quote = [](std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
      unsigned char u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", u);
        out += buf;
      } else {
        out += c;
      }
    }
    return out + "\"";
  };
  std::string text = "{\"schema\": \"cotenant.analysis-state\", \"version\": 1, \"last_ingest\": " +
                     std::to_string(state.last_ingest) +
                     ", \"generated\": " + quote(state.generated) + ", \"pairs\": [";
  for (size_t i = 0; i < state.pairs.size(); ++i) {
    const PairVerdict& v = state.pairs[i];
    char score[32];
    std::snprintf(score, sizeof score, "%.3f", v.score);
    text += std::string(i ? ",\n  " : "\n  ") + "{\"a\": " + std::to_string(v.a) +
            ", \"b\": " + std::to_string(v.b) + ", \"a_name\": " + quote(v.a_name) +
            ", \"b_name\": " + quote(v.b_name) + ", \"leading\": \"" +
            std::string(HypothesisId(v.leading)) + "\", \"score\": " + score + "}";
  }
  text += "\n]}\n";
  // Write beside and rename, so a crash never leaves half a state file.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return IoError(tmp + ": cannot write the analysis state");
    out << text;
    if (!out) return IoError(tmp + ": write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return IoError(path + ": cannot replace the analysis state: " + ec.message());
  return Status::Ok();
}

}  // namespace cotenant
