#include "testing.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cotenant::testing {

std::string SourcePath(std::string_view relative) {
  return std::string(COTENANT_SOURCE_DIR) + "/" + std::string(relative);
}

std::optional<std::string> SharedDir() {
  const char* env = std::getenv("COTENANT_SHARED");
  std::string dir = env != nullptr ? env : COTENANT_SHARED_DIR;
  if (std::filesystem::is_directory(dir + "/data")) return dir;
  return std::nullopt;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\' || i + 1 >= text.size()) {
      out += c;
      continue;
    }
    char n = text[++i];
    switch (n) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
        out += '\\';
        break;
      case 'x':
        if (i + 2 < text.size()) {
          out += static_cast<char>(
              std::strtol(std::string(text.substr(i + 1, 2)).c_str(), nullptr, 16));
          i += 2;
        }
        break;
      default:
        out += '\\';
        out += n;
    }
  }
  return out;
}

std::string Escape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\\')
      out += "\\\\";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::vector<std::string> RunGoldenFile(const std::string& path,
                                       const std::function<std::string(std::string_view)>& fn) {
  std::vector<std::string> failures;
  std::ifstream in(path);
  if (!in) return {"cannot open golden file " + path};
  const bool update = std::getenv("COTENANT_UPDATE_GOLDEN") != nullptr;
  std::string rewritten, line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') {
      rewritten += line + "\n";
      continue;
    }
    size_t tab = line.find('\t');
    std::string input_text = line.substr(0, tab);
    std::string expected = tab == std::string::npos ? "" : line.substr(tab + 1);
    std::string actual = Escape(fn(Unescape(input_text)));
    rewritten += input_text + "\t" + actual + "\n";
    if (!update && actual != expected) {
      failures.push_back(path + ":" + std::to_string(line_no) + ": input `" + input_text +
                         "`\n    expected: " + expected + "\n    actual:   " + actual);
    }
  }
  if (update) {
    std::ofstream(path) << rewritten;
    return {};
  }
  return failures;
}

size_t CountGoldenCases(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') ++n;
  }
  return n;
}

}  // namespace cotenant::testing
