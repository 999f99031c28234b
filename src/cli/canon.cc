// `cotenant canon` and `cotenant extract`: print what the canonicalization layer makes of
// values and of free text. Thin: the work is ClassifyIndicator / ExtractIndicators.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cotenant/extract.h"
#include "cotenant/indicator.h"
#include "cotenant/refang.h"

namespace cotenant::cli {
namespace {

// Length of the valid UTF-8 sequence at `i`, or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  return len;
}

// A JSON string literal; invalid UTF-8 bytes become U+FFFD so the line stays valid JSON.
std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
      ++i;
    } else if (size_t len = Utf8Length(s, i); len > 0) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  out += '"';
  return out;
}

// Control bytes escaped for a line of tab-separated text output.
std::string Printable(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out;
}

std::string TypeNames() {
  std::string names;
  for (int i = 0; i <= static_cast<int>(IndicatorType::kTelegramBotToken); ++i) {
    if (!names.empty()) names += ", ";
    names += IndicatorTypeName(static_cast<IndicatorType>(i));
  }
  return names;
}

struct CanonOptions {
  std::vector<std::string> values;
  std::string type;
  bool telegram = false;
};

int RunCanon(const CanonOptions& opts, const GlobalOptions& global) {
  std::optional<IndicatorType> forced;
  if (!opts.type.empty()) forced = IndicatorTypeFromName(opts.type);
  int rc = kExitOk;
  for (const std::string& input : opts.values) {
    ClassifyOptions classify;
    classify.telegram_context = opts.telegram;
    Result<Indicator> result = forced.has_value() ? ParseIndicatorAs(*forced, Refang(input))
                                                  : ClassifyIndicator(input, classify);
    if (!result.ok()) {
      rc = kExitFailure;
      if (global.json) {
        std::cout << fmt::format("{{\"input\":{},\"error\":{}}}\n", JsonString(input),
                                 JsonString(result.status().message()));
      } else {
        std::cerr << "cotenant canon: " << Printable(result.status().message()) << "\n";
      }
      continue;
    }
    const Indicator& ind = *result;
    if (global.json) {
      std::cout << fmt::format(
          "{{\"input\":{},\"type\":{},\"value\":{},\"display\":{},\"family\":{}}}\n",
          JsonString(input), JsonString(IndicatorTypeName(ind.type)), JsonString(ind.value),
          JsonString(ind.display), JsonString(EvidenceFamily(ind.type)));
    } else if (ind.display != ind.value) {
      std::cout << IndicatorTypeName(ind.type) << '\t' << ind.value << '\t' << ind.display << '\n';
    } else {
      std::cout << IndicatorTypeName(ind.type) << '\t' << ind.value << '\n';
    }
  }
  std::cout.flush();
  return rc;
}

struct ExtractCliOptions {
  std::vector<std::string> files;
  bool telegram = false;
};

bool ReadInput(const std::string& name, std::string* text) {
  if (name == "-") {
    text->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return !std::cin.bad();
  }
  std::ifstream in(name, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  *text = buf.str();
  return !in.bad();
}

int RunExtract(const ExtractCliOptions& opts, const GlobalOptions& global) {
  std::vector<std::string> files = opts.files;
  if (files.empty()) files.push_back("-");
  const bool many = files.size() > 1;
  ExtractOptions extract;
  extract.telegram_context = opts.telegram;
  int rc = kExitOk;
  std::string text;
  for (const std::string& file : files) {
    if (!ReadInput(file, &text)) {
      std::cerr << "cotenant extract: cannot read " << file << "\n";
      rc = kExitFailure;
      continue;
    }
    for (const ExtractedIndicator& hit : ExtractIndicators(text, extract)) {
      const Indicator& ind = hit.indicator;
      if (global.json) {
        std::cout << fmt::format(
            "{{\"file\":{},\"offset\":{},\"length\":{},\"type\":{},\"value\":{},\"display\":{}}}"
            "\n",
            JsonString(file), hit.offset, hit.length, JsonString(IndicatorTypeName(ind.type)),
            JsonString(ind.value), JsonString(ind.display));
      } else {
        if (many) std::cout << file << '\t';
        std::cout << hit.offset << '\t' << IndicatorTypeName(ind.type) << '\t' << ind.value << '\n';
      }
    }
  }
  std::cout.flush();
  return rc;
}

}  // namespace

void AddCanonCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<CanonOptions>();
  CLI::App* cmd = app.add_subcommand(
      "canon", "Print the type and canonical form of each indicator value (refangs first).");
  cmd->add_option("values", opts->values, "indicator values, defanged or not")->required();
  cmd->add_option("-t,--type", opts->type, "parse as this type instead of guessing")
      ->check(CLI::Validator(
          [](const std::string& name) -> std::string {
            if (IndicatorTypeFromName(name).has_value()) return {};
            return "unknown indicator type '" + name + "' (one of: " + TypeNames() + ")";
          },
          "TYPE", "indicator type"));
  cmd->add_flag("--telegram", opts->telegram, "the values come from Telegram: @name is a handle");
  cmd->footer(
      "Output: one line per value, \"type<TAB>value[<TAB>display]\"; an error goes to stderr and "
      "the exit code is 1.\n"
      "Example:\n"
      "  $ cotenant canon 'hxxps://Example[.]com:443/a' 5.252.178[.]140 '*.mexv.ru'\n"
      "  url\thttps://example.com/a\n"
      "  ipv4\t5.252.178.140\n"
      "  domain\t*.mexv.ru");
  cmd->callback([opts, &global, &exit_code] { exit_code = RunCanon(*opts, global); });
}

void AddExtractCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<ExtractCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "extract", "Find every indicator in free text (reports, tables, Telegram messages).");
  cmd->add_option("files", opts->files, "text files to read; '-' or nothing reads stdin");
  cmd->add_flag("--telegram", opts->telegram, "the text is from Telegram: @name is a handle");
  cmd->footer(
      "Output: one line per indicator, \"offset<TAB>type<TAB>value\" (byte offset of the token "
      "as written, possibly defanged), prefixed by \"file<TAB>\" when several files are given.\n"
      "Example:\n"
      "  $ echo 'C2 at hxxp://evil[.]ru/a.php and 5.252.178[.]140, v1.2.3.4 is a version' | "
      "cotenant extract\n"
      "  6\turl\thttp://evil.ru/a.php\n"
      "  33\tipv4\t5.252.178.140");
  cmd->callback([opts, &global, &exit_code] { exit_code = RunExtract(*opts, global); });
}

}  // namespace cotenant::cli
