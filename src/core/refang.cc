// Refang in two steps: unwrap the cell (white space, quotes, backticks, AsciiDoc "+...+", "<...>"
// repeatedly), then undo the defanging markers in one left-to-right pass. The spelled-out
// " dot " form is undone only when the whole value is label-like words joined by "dot" (and at
// most one "at"), so prose that happens to contain the word "dot" is left alone.
#include "cotenant/refang.h"

#include <vector>

namespace cotenant {
namespace {

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Length of white space at the start of `s`: ASCII white space, U+00A0 NO-BREAK SPACE,
// U+200B ZERO WIDTH SPACE and U+FEFF (BOM), which copy-pasted report tables carry.
size_t LeadingSpace(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      ++i;
    } else if (StartsWith(s.substr(i), "\xc2\xa0")) {
      i += 2;
    } else if (StartsWith(s.substr(i), "\xe2\x80\x8b") || StartsWith(s.substr(i), "\xef\xbb\xbf")) {
      i += 3;
    } else {
      break;
    }
  }
  return i;
}

size_t TrailingSpace(std::string_view s) {
  size_t n = 0;
  while (n < s.size()) {
    std::string_view head = s.substr(0, s.size() - n);
    char c = head.back();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      ++n;
    } else if (EndsWith(head, "\xc2\xa0")) {
      n += 2;
    } else if (EndsWith(head, "\xe2\x80\x8b") || EndsWith(head, "\xef\xbb\xbf")) {
      n += 3;
    } else {
      break;
    }
  }
  return n;
}

std::string_view Trim(std::string_view s) {
  s.remove_prefix(LeadingSpace(s));
  s.remove_suffix(TrailingSpace(s));
  return s;
}

struct Wrapper {
  std::string_view open;
  std::string_view close;
};
// Longest first: "`+x+`" must not lose only its backticks and keep the pluses.
constexpr Wrapper kWrappers[] = {
    {"`+", "+`"},
    {"`", "`"},
    {"+", "+"},
    {"\"", "\""},
    {"'", "'"},
    {"\xe2\x80\x9c", "\xe2\x80\x9d"},  // “ ”
    {"\xe2\x80\x98", "\xe2\x80\x99"},  // ‘ ’
    {"<", ">"},
};

std::string_view Unwrap(std::string_view s) {
  while (true) {
    s = Trim(s);
    bool changed = false;
    for (const Wrapper& w : kWrappers) {
      if (s.size() >= w.open.size() + w.close.size() && StartsWith(s, w.open) &&
          EndsWith(s, w.close)) {
        s = s.substr(w.open.size(), s.size() - w.open.size() - w.close.size());
        changed = true;
        break;
      }
    }
    if (!changed) return s;
  }
}

// What a bracketed marker stands for, or empty when the brackets hold something else
// (an IPv6 literal, a JSON index, prose).
std::string_view BracketMarker(std::string_view inner) {
  inner = Trim(inner);
  if (inner == "." || EqualsIgnoreCase(inner, "dot")) return ".";
  if (inner == "@" || EqualsIgnoreCase(inner, "at")) return "@";
  if (inner == ":") return ":";
  if (inner == "://") return "://";
  if (inner == "/") return "/";
  if (inner == "//") return "//";
  return {};
}

char ClosingBracket(char open) {
  switch (open) {
    case '[':
      return ']';
    case '(':
      return ')';
    case '{':
      return '}';
    default:
      return 0;
  }
}

// A defanged scheme at `i`: h + two of x/X/* + p [+ s], or fxp [+ s], at a word start and
// followed by ':', '[' or '(' (the scheme separator, itself possibly defanged). Returns the
// number of bytes matched and sets `replacement`.
size_t DefangedScheme(std::string_view s, size_t i, std::string_view* replacement) {
  if (i > 0 && IsAlnum(s[i - 1])) return 0;
  auto is_x = [](char c) { return c == 'x' || c == 'X' || c == '*'; };
  size_t n = 0;
  std::string_view base;
  if (i + 4 <= s.size() && Lower(s[i]) == 'h' && is_x(s[i + 1]) && is_x(s[i + 2]) &&
      Lower(s[i + 3]) == 'p') {
    n = 4;
    base = "http";
  } else if (i + 3 <= s.size() && Lower(s[i]) == 'f' && is_x(s[i + 1]) && Lower(s[i + 2]) == 'p') {
    n = 3;
    base = "ftp";
  } else {
    return 0;
  }
  bool secure = i + n < s.size() && Lower(s[i + n]) == 's';
  size_t end = i + n + (secure ? 1 : 0);
  if (end >= s.size() || (s[end] != ':' && s[end] != '[' && s[end] != '(')) return 0;
  *replacement = base == "http" ? (secure ? "https" : "http") : (secure ? "ftps" : "ftp");
  return end - i;
}

void PopTrailingSpaces(std::string* out) {
  while (!out->empty() && (out->back() == ' ' || out->back() == '\t')) out->pop_back();
}

// True when a marker can start at `i` (a bracket, a backslash, or h/f followed by x, X or *);
// everywhere else RefangMarkers copies the byte.
bool MayStartMarker(std::string_view s, size_t i) {
  char c = s[i];
  if (c == '[' || c == '(' || c == '{' || c == '\\') return true;
  char l = Lower(c);
  if (l != 'h' && l != 'f') return false;
  return i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X' || s[i + 1] == '*');
}

std::string RefangMarkers(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    // The bytes up to the next place a marker may start are copied as they are, in one go.
    size_t plain = i;
    while (plain < s.size() && !MayStartMarker(s, plain)) ++plain;
    if (plain > i) {
      out.append(s.substr(i, plain - i));
      i = plain;
      if (i == s.size()) break;
    }
    char c = s[i];
    std::string_view scheme;
    if (size_t n = DefangedScheme(s, i, &scheme); n > 0) {
      out += scheme;
      i += n;
      continue;
    }
    if (char close = ClosingBracket(c); close != 0) {
      // Markers are short; do not scan far for the closing bracket.
      size_t end = s.find(close, i + 1);
      if (end != std::string_view::npos && end - i <= 8) {
        std::string_view inner = s.substr(i + 1, end - i - 1);
        std::string_view marker = BracketMarker(inner);
        // "[at](https://...)" is a Markdown link whose text is a word, not a marker.
        bool markdown_link = c == '[' && end + 1 < s.size() && s[end + 1] == '(' &&
                             !inner.empty() && IsAlnum(inner.front());
        if (!marker.empty() && !markdown_link) {
          i = end + 1;
          if (marker == "." || marker == "@") {
            // "example [.] com": the spaces around a dot or at marker are part of it.
            PopTrailingSpaces(&out);
            while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
          }
          out += marker;
          continue;
        }
      }
    }
    if (c == '\\' && i > 0 && i + 2 < s.size() && s[i + 1] == '.' && IsAlnum(s[i - 1]) &&
        IsAlnum(s[i + 2])) {
      // Markdown-escaped dot between label characters: "example\.com" (but not the Windows
      // device path "\\.\pipe\name").
      out += '.';
      i += 2;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

bool IsWordSeparatorToken(std::string_view t) {
  return EqualsIgnoreCase(t, "dot") || EqualsIgnoreCase(t, "at");
}

bool IsLabelLikeToken(std::string_view t) {
  if (t.empty() || IsWordSeparatorToken(t)) return false;
  for (char c : t) {
    if (std::string_view(",;!?()<>\"'`|[]{}").find(c) != std::string_view::npos) return false;
  }
  return true;
}

// "example dot com", "user at example dot com": label-like tokens alternating with "dot" (at
// least one) and at most one "at" before the first "dot" that follows it. Anything else
// (prose, a sentence with the word "dot") is returned unchanged.
std::string RefangSpelledDots(std::string s) {
  if (s.find(' ') == std::string::npos) return s;
  std::vector<std::string_view> tokens;
  std::string_view rest = s;
  while (!rest.empty()) {
    size_t sp = rest.find(' ');
    std::string_view tok = rest.substr(0, sp);
    if (tok.empty()) return s;  // double spaces: not the simple form
    tokens.push_back(tok);
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp + 1);
    if (rest.empty()) return s;
  }
  if (tokens.size() < 3 || tokens.size() % 2 == 0) return s;
  int dots = 0, ats = 0;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (k % 2 == 0) {
      if (!IsLabelLikeToken(tokens[k])) return s;
    } else if (EqualsIgnoreCase(tokens[k], "dot")) {
      ++dots;
    } else if (EqualsIgnoreCase(tokens[k], "at")) {
      if (++ats > 1 || dots > 0) return s;  // the "at" comes before the domain's dots
    } else {
      return s;
    }
  }
  if (dots == 0) return s;
  std::string out;
  out.reserve(s.size());
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (k % 2 == 0) {
      out += tokens[k];
    } else {
      out += EqualsIgnoreCase(tokens[k], "dot") ? '.' : '@';
    }
  }
  return out;
}

}  // namespace

std::string Refang(std::string_view text) { return RefangSpelledDots(RefangMarkers(Unwrap(text))); }

bool LooksDefanged(std::string_view text) {
  std::string_view unwrapped = Unwrap(text);
  return RefangSpelledDots(RefangMarkers(unwrapped)) != unwrapped;
}

}  // namespace cotenant
