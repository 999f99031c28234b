// Vendor .txt IOC files with section headings (Cisco Talos IOCs repository style):
//
//   IOCs
//   Malicious Documents:
//   4aa2c783...e650
//
//   Additional Payload Drop Sites:
//   hxxp://155.138.252[.]221/get.php
//
// A line that is not an indicator and contains none starts a new section when it looks like a
// heading (first line, after a blank line, ending in ':', or a capitalised title such as
// "Maldoc and CS beacon samples"); its text
// is the observations' description and the role is guessed from it ("C2 addresses", "payload
// drop sites"). Any other non-indicator line is rejected with the section it was in. A line
// "<value> <comment>" keeps the comment as description; a line with indicators inside text
// ("hxxps://<random_string>.celticso[.]ru") yields the indicators extracted from it, marked not
// exact. The actor is ReadOptions::actor, else the file name.
#include <string>

#include "cotenant/extract.h"
#include "readers/readers.h"

namespace cotenant::readers {

namespace {

std::string_view StripBullet(std::string_view t) {
  for (std::string_view b : {"- ", "* ", "+ ", "\xE2\x80\xA2 "}) {
    if (t.substr(0, b.size()) == b) return Trim(t.substr(b.size()));
  }
  return t;
}

// "Maldoc and CS beacon samples", "VSingle", "URLs": a capitalised run of words, the way
// vendors title a list. Mutex names, user names and GUIDs (digits, '_', '\\', '{') are not.
bool IsTitleLike(std::string_view t) {
  if (t.empty() || t.size() > 60 || !(t.front() >= 'A' && t.front() <= 'Z')) return false;
  for (char c : t) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ' || c == '&' ||
              c == '(' || c == ')' || c == '/' || c == '\'' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status ReadIocText(LineReader& lines, const std::string& path, const ReadOptions& options,
                   IngestSink& sink) {
  Source source;
  source.name = options.source.empty() ? DefaultSourceName(path) : options.source;
  sink.OnSource(source);
  const std::string actor = options.actor.empty() ? ActorFromReportFileName(path) : options.actor;
  const std::string report = FileStem(path);

  std::string section;
  Role section_role = Role::kUnknown;
  bool blank_before = true;
  bool previous_heading = false;

  auto emit = [&](Indicator indicator, std::string_view original, std::string description,
                  bool exact, int64_t line) {
    Observation o;
    o.indicator = std::move(indicator);
    o.actor = actor;
    Role stated = section_role;
    if (stated == Role::kUnknown && !description.empty()) stated = GuessRole(description);
    o.role = ChooseRole(stated, o.indicator.type, options.role);
    o.source = source.name;
    o.tlp = options.tlp;
    o.original_text = std::string(original);
    o.description = section;
    if (!description.empty()) {
      o.description += o.description.empty() ? "" : ": ";
      o.description += description;
    }
    o.basis.push_back(report);
    o.exact = exact;
    o.location = LineLocation(path, line);
    sink.OnObservation(std::move(o));
  };

  std::string_view line;
  while (lines.Next(&line)) {
    const int64_t n = lines.line_number();
    if (lines.too_long()) {
      sink.OnRejection(MakeRejection(LineLocation(path, n), "line longer than 1 MiB", line));
      blank_before = false;
      previous_heading = false;
      continue;
    }
    std::string_view t = Trim(line);
    if (t.empty()) {
      blank_before = true;
      continue;
    }
    if (!IsValidUtf8(t)) {
      sink.OnRejection(MakeRejection(LineLocation(path, n), "not valid UTF-8", t));
      blank_before = false;
      previous_heading = false;
      continue;
    }
    // "=======" / "-------" underline a heading: decoration, not a value.
    if (t.size() >= 3 && t.find_first_not_of(t.front()) == std::string_view::npos &&
        std::string_view("=-*_~#").find(t.front()) != std::string_view::npos) {
      continue;
    }
    // Markdown-style "# Hashes" headings.
    bool hash_heading = t.front() == '#' && (t.size() == 1 || t[1] == '#' || t[1] == ' ');
    std::string_view value = StripBullet(t);
    if (!hash_heading) {
      Result<Indicator> whole = ClassifyIndicator(value);
      if (whole.ok()) {
        emit(std::move(whole).value(), value, "", true, n);
        blank_before = false;
        previous_heading = false;
        continue;
      }
      // "<value> <comment>" / "<value>\t<comment>".
      size_t ws = value.find_first_of(" \t");
      if (ws != std::string_view::npos) {
        std::string_view first = value.substr(0, ws);
        std::string_view rest = Trim(value.substr(ws));
        while (!rest.empty() &&
               (rest.front() == '-' || rest.front() == ':' || rest.front() == '|')) {
          rest = Trim(rest.substr(1));
        }
        Result<Indicator> head = ClassifyIndicator(first);
        if (head.ok() && ExtractIndicators(rest).empty()) {
          emit(std::move(head).value(), first, std::string(rest), true, n);
          blank_before = false;
          previous_heading = false;
          continue;
        }
      }
      std::vector<ExtractedIndicator> found = ExtractIndicators(value);
      if (!found.empty()) {
        for (auto& e : found) {
          std::string_view original = value.substr(e.offset, e.length);
          emit(std::move(e.indicator), original, "", false, n);
        }
        blank_before = false;
        previous_heading = false;
        continue;
      }
    }
    std::string_view heading = t;
    while (!heading.empty() && heading.front() == '#') heading.remove_prefix(1);
    heading = Trim(heading);
    // After a heading only a line ending in ':' is another heading ("IOCs" then "Malicious
    // Documents:"); anything else there is a value of that section that is not an indicator.
    bool looks_heading = hash_heading || (blank_before && !previous_heading) || n == 1 ||
                         (!heading.empty() && heading.back() == ':') || IsTitleLike(heading);
    if (looks_heading && heading.size() <= 160) {
      while (!heading.empty() && heading.back() == ':') heading.remove_suffix(1);
      section = std::string(Trim(heading));
      section_role = GuessRole(section);
      blank_before = false;
      previous_heading = true;
      continue;
    }
    std::string reason = "not an indicator";
    if (!section.empty()) reason += " (in section \"" + Truncate(section, 60) + "\")";
    if (Result<Indicator> why = ClassifyIndicator(value); !why.ok()) {
      reason += ": " + why.status().message();
    }
    sink.OnRejection(MakeRejection(LineLocation(path, n), reason, t));
    blank_before = false;
    previous_heading = false;
  }
  return Status::Ok();
}

}  // namespace cotenant::readers
