// Plain lists: one value per line ("#" comment lines and trailing " # comments" ignored). The
// file says nothing about who used the values: actor, source, role and marking come from
// ReadOptions (the actor also from a vendor's "iocs_<actor>.txt" file name). A hash-list
// extension (.md5, .sha1, .sha256, .sha512) declares the type.
#include <optional>
#include <string>

#include "readers/readers.h"

namespace cotenant::readers {

namespace {

std::optional<IndicatorType> TypeFromExtension(std::string_view path) {
  std::string name = Lower(FileName(path));
  size_t dot = name.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  std::string_view ext = std::string_view(name).substr(dot + 1);
  if (ext == "md5") return IndicatorType::kMd5;
  if (ext == "sha1") return IndicatorType::kSha1;
  if (ext == "sha256") return IndicatorType::kSha256;
  if (ext == "sha512") return IndicatorType::kSha512;
  return std::nullopt;
}

}  // namespace

Status ReadPlain(LineReader& lines, const std::string& path, const ReadOptions& options,
                 IngestSink& sink) {
  Source source;
  source.name = options.source.empty() ? DefaultSourceName(path) : options.source;
  sink.OnSource(source);
  const std::optional<IndicatorType> declared = TypeFromExtension(path);
  // A vendor's "iocs_<actor>.txt" / "<actor>-iocs.txt" names the actor; other list names
  // ("feed-all-7d.txt", "samples.sha1") do not.
  bool named_by_file = false;
  const std::string file_actor = ActorFromReportFileName(path, &named_by_file);
  const std::string actor = !options.actor.empty() ? options.actor
                            : named_by_file        ? file_actor
                                                   : std::string();

  // One Observation reused for every line: a sink that copies what it keeps (the store)
  // leaves the strings' buffers here, so a line costs no allocation for them. Every field is
  // set or cleared on every line, since a sink may also move from it.
  Observation o;
  std::string_view line;
  while (lines.Next(&line)) {
    auto location = [&] { return LineLocation(path, lines.line_number()); };
    if (lines.too_long()) {
      sink.OnRejection(MakeRejection(location(), "line longer than 1 MiB", line));
      continue;
    }
    std::string_view t = Trim(line);
    if (t.empty() || t.front() == '#' || t.front() == ';') continue;
    std::string_view value = StripInlineComment(t);
    if (!IsValidUtf8(value)) {
      sink.OnRejection(MakeRejection(location(), "not valid UTF-8", value));
      continue;
    }
    Result<Indicator> indicator = ParseFeedValue(value, declared);
    if (!indicator.ok()) {
      sink.OnRejection(MakeRejection(location(), indicator.status().message(), value));
      continue;
    }
    o.indicator = std::move(indicator).value();
    o.actor = actor;
    o.role = ChooseRole(options.role, o.indicator.type, Role::kUnknown);
    o.source = source.name;
    o.references.clear();
    o.first_seen.reset();
    o.last_seen.reset();
    o.confidence = -1;
    o.tlp = options.tlp;
    o.original_text.assign(value);
    o.description.clear();
    o.basis.clear();
    o.exact = true;
    o.location.file = path;
    o.location.line = lines.line_number();
    o.location.json_path.clear();
    sink.OnObservation(std::move(o));
  }
  return Status::Ok();
}

}  // namespace cotenant::readers
