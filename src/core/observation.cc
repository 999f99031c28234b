#include "cotenant/observation.h"

#include <string>

namespace cotenant {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = Lower(c);
  return out;
}

bool IsWordChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// True when `text` (lower case) has `word` starting at a word boundary; with `whole`, also
// ending at one ("c2" must not match "ac2b"), otherwise as a prefix ("exfil" in
// "exfiltration").
bool HasWord(std::string_view text, std::string_view word, bool whole) {
  for (size_t pos = text.find(word); pos != std::string_view::npos;
       pos = text.find(word, pos + 1)) {
    bool start_ok = pos == 0 || !IsWordChar(text[pos - 1]);
    size_t end = pos + word.size();
    bool end_ok = !whole || end == text.size() || !IsWordChar(text[end]);
    if (start_ok && end_ok) return true;
  }
  return false;
}

struct RoleCue {
  Role role;
  std::string_view word;
  bool whole;  // whole word, or a word prefix
};

// Checked in order; the first cue found wins. The order encodes which reading matters more
// to the analysis when a description names two things:
//  - a compromised legitimate host is Type 2 infrastructure whatever it was used for, and that
//    changes how much sharing it means, so it goes first;
//  - exfiltration beats dead drop ("exfiltration to a Telegram bot");
//  - dead drop beats C2 ("C2 address published in a Telegram channel");
//  - payload host beats C2 ("download server for the C2 implant");
//  - "sample" is last: descriptions of hashes often mention the C2 they talk to.
constexpr RoleCue kCues[] = {
    {Role::kCompromised, "compromised", false},
    {Role::kCompromised, "hacked", true},
    {Role::kCompromised, "hijacked", true},
    {Role::kExfiltration, "exfil", false},
    {Role::kExfiltration, "data theft", true},
    {Role::kExfiltration, "stolen data", true},
    {Role::kDeadDrop, "dead drop", false},
    {Role::kDeadDrop, "dead-drop", false},
    {Role::kDeadDrop, "deaddrop", false},
    {Role::kDeadDrop, "telegram", false},
    {Role::kDeadDrop, "telegraph", false},
    {Role::kDeadDrop, "telegra.ph", false},
    {Role::kDeadDrop, "pastebin", false},
    {Role::kDeadDrop, "paste site", false},
    {Role::kPhishing, "phish", false},
    {Role::kPhishing, "lure", false},
    {Role::kPhishing, "spoof", false},
    {Role::kPhishing, "credential harvest", false},
    {Role::kPayloadHost, "payload", false},
    {Role::kPayloadHost, "stager", false},
    {Role::kPayloadHost, "staging", true},
    {Role::kPayloadHost, "download", true},
    {Role::kPayloadHost, "downloads", true},
    {Role::kPayloadHost, "downloading", true},
    {Role::kPayloadHost, "distribution", true},
    {Role::kPayloadHost, "delivery", true},
    {Role::kPayloadHost, "hosting malware", true},
    {Role::kProxy, "proxy", false},
    {Role::kProxy, "proxies", true},
    {Role::kProxy, "vpn", false},
    {Role::kProxy, "relay", false},
    {Role::kProxy, "tor exit", false},
    {Role::kProxy, "redirector", false},
    {Role::kProxy, "orb", true},
    {Role::kScanner, "scanner", false},
    {Role::kScanner, "scanning", true},
    {Role::kScanner, "brute", false},
    {Role::kC2, "c2", true},
    {Role::kC2, "c&c", true},
    {Role::kC2, "cnc", true},
    {Role::kC2, "c&amp;c", true},
    {Role::kC2, "command and control", true},
    {Role::kC2, "command-and-control", true},
    {Role::kC2, "command & control", true},
    {Role::kC2, "control server", true},
    {Role::kC2, "beacon", false},
    {Role::kC2, "callback", false},
    {Role::kSample, "sample", false},
    {Role::kSample, "malware hash", false},
    {Role::kSample, "file hash", false},
    {Role::kSample, "implant", false},
};

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kUnknown:
      return "unknown";
    case Role::kC2:
      return "c2";
    case Role::kPayloadHost:
      return "payload-host";
    case Role::kPhishing:
      return "phishing";
    case Role::kExfiltration:
      return "exfiltration";
    case Role::kDeadDrop:
      return "dead-drop";
    case Role::kScanner:
      return "scanner";
    case Role::kProxy:
      return "proxy";
    case Role::kSample:
      return "sample";
    case Role::kCompromised:
      return "compromised";
  }
  return "unknown";
}

std::optional<Role> RoleFromName(std::string_view name) {
  static constexpr Role kAll[] = {
      Role::kUnknown,  Role::kC2,      Role::kPayloadHost, Role::kPhishing, Role::kExfiltration,
      Role::kDeadDrop, Role::kScanner, Role::kProxy,       Role::kSample,   Role::kCompromised};
  std::string lower = LowerAscii(name);
  for (Role r : kAll) {
    if (RoleName(r) == lower) return r;
  }
  return std::nullopt;
}

Role GuessRole(std::string_view description) {
  // Every role name and cue has a letter: text without one (empty, " ", a number) names none.
  bool letter = false;
  for (char c : description) letter = letter || (Lower(c) >= 'a' && Lower(c) <= 'z');
  if (!letter) return Role::kUnknown;
  if (auto exact = RoleFromName(description)) return *exact;
  std::string text = LowerAscii(description);
  for (const RoleCue& cue : kCues) {
    if (HasWord(text, cue.word, cue.whole)) return cue.role;
  }
  return Role::kUnknown;
}

std::string Location::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  if (!json_path.empty()) out += ":" + json_path;
  return out;
}

}  // namespace cotenant
