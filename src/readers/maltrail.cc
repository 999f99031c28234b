// maltrail trail files (github.com/stamparm/maltrail, trails/static/...).
//
// Layout: a copyright header, "# Aliases: a, b, c" (APT files), other "# Key: value" header
// lines ("# MITRE: <url>", "# CERT-UA: UAC-0010"), then blocks of "# Reference: <url>" comments
// followed by one trail per line (domain, IP, IP:port, URL, host/path, bare /path). A
// reference block applies to the trails after it until the next block starts. The actor comes
// from the file name: apt_<name>.txt (apt_<name>-1.txt continues the same actor, apt_38.txt is
// "apt38"); other trail files (sinkhole_*, anonymous_web_proxy) carry no actor.
#include <string>
#include <vector>

#include "readers/readers.h"

namespace cotenant::readers {

namespace {

// apt_gamaredon-1 -> gamaredon; apt_38 -> apt38; sinkhole_x -> "".
std::string ActorFromFileName(std::string_view path) {
  std::string stem = FileStem(path);
  if (!StartsWithNoCase(stem, "apt_")) return "";
  std::string name = stem.substr(4);
  // Continuation files: "<name>-<digits>".
  size_t dash = name.rfind('-');
  if (dash != std::string::npos && dash + 1 < name.size() &&
      name.find_first_not_of("0123456789", dash + 1) == std::string::npos) {
    name.resize(dash);
  }
  if (name.empty()) return "";
  if (name.find_first_not_of("0123456789") == std::string::npos) return "apt" + name;
  return name;
}

// "sinkhole_microsoft" -> role hints for infrastructure trail files.
Role RoleFromFileName(std::string_view path) {
  std::string stem = Lower(FileStem(path));
  if (stem.find("proxy") != std::string::npos || stem.find("proxychanger") != std::string::npos) {
    return Role::kProxy;
  }
  return Role::kUnknown;
}

// "# Reference: <url> (note)" -> the URLs (or the text when there is none).
std::vector<std::string> ParseReference(std::string_view value) {
  std::vector<std::string> out;
  for (auto token : SplitNoEmpty(value, ' ')) {
    if (StartsWithNoCase(token, "http://") || StartsWithNoCase(token, "https://")) {
      std::string t(token);
      while (!t.empty() && (t.back() == ',' || t.back() == ')' || t.back() == ';')) t.pop_back();
      out.push_back(t);
    }
  }
  if (out.empty() && !Trim(value).empty()) out.emplace_back(Trim(value));
  return out;
}

}  // namespace

Status ReadMaltrail(LineReader& lines, const std::string& path, const ReadOptions& options,
                    IngestSink& sink) {
  Source source;
  source.name = options.source.empty() ? "maltrail" : options.source;
  source.url = "https://github.com/stamparm/maltrail";
  sink.OnSource(source);

  const std::string file_actor = ActorFromFileName(path);
  const std::string actor = options.actor.empty() ? file_actor : options.actor;
  const Role file_role = options.role != Role::kUnknown ? options.role : RoleFromFileName(path);
  const std::string category = FileStem(path);

  ActorRecord actor_record;
  actor_record.name = file_actor.empty() ? actor : file_actor;
  actor_record.source = source.name;
  bool saw_aliases = false;
  // The naming record goes out when the header ends, before the trails that use the name.
  auto flush_actor = [&] {
    if (saw_aliases && !actor_record.name.empty()) sink.OnActor(std::move(actor_record));
    saw_aliases = false;
  };

  std::vector<std::string> references;
  bool references_closed = false;  // a trail line ends the current reference block
  bool in_header = true;

  std::string_view line;
  while (lines.Next(&line)) {
    const int64_t n = lines.line_number();
    if (lines.too_long()) {
      sink.OnRejection(MakeRejection(LineLocation(path, n), "line longer than 1 MiB", line));
      continue;
    }
    std::string_view t = Trim(line);
    if (t.empty()) continue;
    if (t.front() == '#') {
      std::string_view body = Trim(t.substr(1));
      size_t colon = body.find(':');
      std::string_view key = colon == std::string_view::npos ? body : body.substr(0, colon);
      std::string_view value = colon == std::string_view::npos ? "" : Trim(body.substr(colon + 1));
      // maltrail has a few misspelt "Reference" keys ("Referemce", "Referecne").
      if (StartsWithNoCase(key, "refer") || StartsWithNoCase(key, "referen")) {
        if (references_closed) {
          references.clear();
          references_closed = false;
        }
        for (auto& r : ParseReference(value)) references.push_back(std::move(r));
        if (in_header) flush_actor();
        in_header = false;
      } else if (in_header && StartsWithNoCase(key, "aliases")) {
        saw_aliases = true;
        for (auto alias : SplitNoEmpty(value, ',')) actor_record.aliases.emplace_back(alias);
      } else if (in_header && StartsWithNoCase(key, "mitre") && colon != std::string_view::npos) {
        for (auto& r : ParseReference(value)) actor_record.references.push_back(std::move(r));
      } else if (in_header && colon != std::string_view::npos && !value.empty() &&
                 !StartsWithNoCase(key, "copyright") && !StartsWithNoCase(key, "see the")) {
        // "# CERT-UA: UAC-0010", "# MSTIC: DEV-0157": names other vendors use.
        if (key.size() <= 16 && value.find(' ') == std::string_view::npos &&
            value.find("://") == std::string_view::npos) {
          actor_record.aliases.emplace_back(value);
        }
      }
      continue;
    }
    if (in_header) flush_actor();
    in_header = false;
    references_closed = !references.empty();
    std::string_view value = StripInlineComment(t);
    Location location = LineLocation(path, n);
    if (!IsValidUtf8(value)) {
      sink.OnRejection(MakeRejection(location, "not valid UTF-8", value));
      continue;
    }
    Result<Indicator> indicator = ClassifyIndicator(value);
    if (!indicator.ok()) {
      sink.OnRejection(MakeRejection(location, indicator.status().message(), value));
      continue;
    }
    Observation o;
    o.indicator = std::move(indicator).value();
    o.actor = actor;
    o.role = ChooseRole(Role::kUnknown, o.indicator.type, file_role);
    if (o.role == Role::kSample && IsFileHash(o.indicator.type) && file_role != Role::kUnknown) {
      o.role = file_role;
    }
    o.source = source.name;
    o.references = references;
    o.tlp = options.tlp;
    o.original_text = std::string(value);
    if (actor.empty()) o.description = "maltrail " + category;
    o.location = std::move(location);
    sink.OnObservation(std::move(o));
  }
  flush_actor();
  return Status::Ok();
}

}  // namespace cotenant::readers
