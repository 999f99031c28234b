// ExtractIndicators: one pass over the text that cuts it into candidate tokens, refangs each
// token while it is read, and types the plausible ones with the same code as
// ClassifyIndicator. The scanner keeps one reusable buffer per call; the value parsers are only
// reached by tokens whose shape already fits an indicator.
#include "cotenant/extract.h"

#include <array>
#include <cstdint>
#include <string>

#include "core/classify_token.h"
#include "core/indicator_shape.h"

namespace cotenant {
namespace {

using shape::IsAlnum;
using shape::IsAlpha;
using shape::IsDigit;
using shape::IsHex;
using shape::Lower;

// Tokens longer than this are skipped whole (base64 blobs, minified code): no indicator we
// extract is that long, and it bounds the work per token.
constexpr size_t kMaxToken = 8192;
// Recursion limit for "label:value" / "key=value" splits inside one token.
constexpr int kMaxSplitDepth = 6;

enum : uint8_t { kSeparator = 0, kTokenChar = 1, kOpener = 2, kBackslash = 3, kHigh = 4 };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kTokenChar;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kTokenChar;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kTokenChar;
  for (char c : std::string_view(".-_:/@%?=&+~#!$*")) t[static_cast<unsigned char>(c)] = kTokenChar;
  t['['] = kOpener;
  t['('] = kOpener;
  t['{'] = kOpener;
  t['\\'] = kBackslash;
  for (int c = 0x80; c < 0x100; ++c) t[c] = kHigh;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = MakeClasses();

// Length of a Unicode punctuation or space sequence at `i` that separates tokens (quotes,
// dashes, ellipsis, no-break and zero-width spaces, CJK and full-width punctuation), or 0.
size_t UnicodeSeparatorLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  unsigned b0 = at(i), b1 = at(i + 1), b2 = at(i + 2);
  if (b0 == 0xC2 && (b1 == 0xA0 || b1 == 0xAB || b1 == 0xBB)) return 2;
  if (b0 == 0xE2 && b1 == 0x80 && b2 >= 0x80 && b2 <= 0xAF) return 3;
  if (b0 == 0xE2 && b1 == 0x81 && b2 == 0x9F) return 3;  // medium mathematical space
  if (b0 == 0xE3 && b1 == 0x80 && b2 >= 0x80 && b2 <= 0x91) return 3;
  if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) return 3;  // BOM
  if (b0 == 0xEF && b1 == 0xBC &&
      (b2 == 0x81 || b2 == 0x88 || b2 == 0x89 || b2 == 0x8C || b2 == 0x9A || b2 == 0x9B ||
       b2 == 0x9F)) {
    return 3;
  }
  return 0;
}

struct Marker {
  std::string_view text;  // lower case
  std::string_view replacement;
};

// Defanging markers recognized inside a token (the token must already have started).
// "hxxp[:]//" needs no entry of its own: "[:]" then "//" as ordinary token characters.
constexpr std::array<Marker, 18> kMarkers = {{
    {"[.]", "."},
    {"(.)", "."},
    {"{.}", "."},
    {"[dot]", "."},
    {"(dot)", "."},
    {"{dot}", "."},
    {"[:]", ":"},
    {"(:)", ":"},
    {"{:}", ":"},
    {"[://]", "://"},
    {"(://)", "://"},
    {"[/]", "/"},
    {"[@]", "@"},
    {"(@)", "@"},
    {"{@}", "@"},
    {"[at]", "@"},
    {"(at)", "@"},
    {"{at}", "@"},
}};

// Length of the defanging marker at `i`, with its replacement; 0 when there is none.
size_t MatchMarker(std::string_view s, size_t i, std::string_view* replacement) {
  for (const Marker& m : kMarkers) {
    if (s.size() - i < m.text.size()) continue;
    bool match = true;
    for (size_t k = 0; k < m.text.size() && match; ++k) match = Lower(s[i + k]) == m.text[k];
    if (match) {
      *replacement = m.replacement;
      return m.text.size();
    }
  }
  return 0;
}

class Scanner {
 public:
  Scanner(std::string_view text, const ExtractOptions& options,
          std::vector<ExtractedIndicator>* out)
      : text_(text), out_(out) {
    classify_.telegram_context = options.telegram_context;
    classify_.lenient_urls = true;
  }

  void Run() {
    size_t i = 0;
    const size_t n = text_.size();
    while (i < n) {
      // Skip to the start of a token.
      uint8_t cls = kClass[static_cast<unsigned char>(text_[i])];
      if (cls == kSeparator || cls == kBackslash) {
        ++i;
        continue;
      }
      if (cls == kHigh) {
        if (size_t len = UnicodeSeparatorLength(text_, i); len > 0) {
          i += len;
          continue;
        }
      }
      if (cls == kOpener && !StartsBracketedAddress(i)) {
        ++i;
        continue;
      }
      i = ReadToken(i);
    }
  }

 private:
  // "[2001:db8::1]" or "[2001:db8::1]:443" starting at `i`.
  bool StartsBracketedAddress(size_t i) const {
    if (text_[i] != '[') return false;
    size_t k = i + 1;
    size_t colons = 0;
    while (k < text_.size() && k - i < 48 &&
           (IsHex(text_[k]) || text_[k] == ':' || text_[k] == '.')) {
      colons += text_[k] == ':' ? 1 : 0;
      ++k;
    }
    return colons >= 2 && k < text_.size() && text_[k] == ']';
  }

  void Append(char c, size_t raw_begin, size_t raw_end) {
    buf_.push_back(c);
    begin_.push_back(raw_begin);
    end_.push_back(raw_end);
  }

  // Reads the token starting at `start`, evaluates it and returns the index after it.
  size_t ReadToken(size_t start) {
    buf_.clear();
    begin_.clear();
    end_.clear();
    defanged_ = false;
    bool bracket_open = false;
    size_t i = start;
    const size_t n = text_.size();
    while (i < n) {
      char c = text_[i];
      uint8_t cls = kClass[static_cast<unsigned char>(c)];
      if (cls == kTokenChar) {
        Append(c, i, i + 1);
        ++i;
      } else if (cls == kHigh) {
        if (UnicodeSeparatorLength(text_, i) > 0) break;
        Append(c, i, i + 1);
        ++i;
      } else if (c == '[' && i == start) {
        bracket_open = true;  // bracketed IPv6 (checked by StartsBracketedAddress)
        Append(c, i, i + 1);
        ++i;
      } else if (c == ']' && bracket_open) {
        bracket_open = false;
        Append(c, i, i + 1);
        ++i;
      } else if (cls == kOpener && !buf_.empty()) {
        std::string_view replacement;
        size_t len = MatchMarker(text_, i, &replacement);
        if (len > 0) {
          for (char r : replacement) Append(r, i, i + len);
          defanged_ = true;
          i += len;
        } else if (size_t group = UrlBracketGroup(i); group > 0) {
          for (size_t k = i; k < i + group; ++k) Append(text_[k], k, k + 1);
          i += group;
        } else {
          break;
        }
      } else if (cls == kBackslash && !buf_.empty() && i + 1 < n && text_[i + 1] == '.') {
        Append('.', i, i + 2);  // "example\.com"
        defanged_ = true;
        i += 2;
      } else if (cls == kBackslash && InUrlPath()) {
        Append(c, i, i + 1);  // a path written with a backslash; kept as written
        ++i;
      } else if (c == '|' && PortAfterPipe(i)) {
        Append(':', i, i + 1);  // MISP "ip-dst|port": 192.0.2.1|443
        ++i;
      } else {
        break;
      }
      if (buf_.size() > kMaxToken) {
        // Skip the rest of an overlong token without evaluating it.
        while (i < n && kClass[static_cast<unsigned char>(text_[i])] != kSeparator) ++i;
        return i;
      }
    }
    if (!buf_.empty()) Evaluate(0, buf_.size(), 0);
    return i > start ? i : start + 1;
  }

  // True when the token read so far is a URL past its "scheme://host" part.
  bool InUrlPath() const {
    size_t sep = buf_.find("://");
    return sep != std::string::npos && buf_.find('/', sep + 3) != std::string::npos;
  }

  // Length of a bracket group "[v17]" / "{id}" at `i` inside a URL path (kept literally), or 0.
  size_t UrlBracketGroup(size_t i) const {
    char open = text_[i];
    if ((open != '[' && open != '{') || !InUrlPath()) return 0;
    char close = open == '[' ? ']' : '}';
    for (size_t k = i + 1; k < text_.size() && k - i <= 64; ++k) {
      char c = text_[k];
      if (c == close) return k > i + 1 ? k - i + 1 : 0;
      if (kClass[static_cast<unsigned char>(c)] != kTokenChar) return 0;
    }
    return 0;
  }

  // "|<1-5 digits>" at `i` right after a dotted quad, ending the token: a port.
  bool PortAfterPipe(size_t i) const {
    if (buf_.empty() || !IsDottedQuad(buf_)) return false;
    size_t k = i + 1;
    while (k < text_.size() && IsDigit(text_[k]) && k - i <= 6) ++k;
    if (k == i + 1 || k - i > 6) return false;
    return k == text_.size() || kClass[static_cast<unsigned char>(text_[k])] != kTokenChar;
  }

  std::string_view Span(size_t b, size_t e) const {
    return std::string_view(buf_).substr(b, e - b);
  }

  void Emit(Indicator indicator, size_t b, size_t e) {
    ExtractedIndicator hit;
    hit.indicator = std::move(indicator);
    hit.offset = begin_[b];
    hit.length = end_[e - 1] - begin_[b];
    out_->push_back(std::move(hit));
  }

  // Classifies buf_[b, e) and emits it; true when it was an indicator.
  bool Try(size_t b, size_t e) {
    if (b >= e) return false;
    auto result = ClassifyRefangedToken(Span(b, e), classify_);
    if (!result.ok()) return false;
    Emit(std::move(result).value(), b, e);
    return true;
  }

  // A whole hex token: straight to the hash parser of its length (the same parser
  // ClassifyIndicator reaches for it, without its other shape tests).
  void TryHash(size_t b, size_t e) {
    IndicatorType type;
    switch (shape::HexShapeOf(Span(b, e))) {
      case shape::HexShape::kMd5:
        type = IndicatorType::kMd5;
        break;
      case shape::HexShape::kSha1:
        type = IndicatorType::kSha1;
        break;
      case shape::HexShape::kSha256:
        type = IndicatorType::kSha256;
        break;
      case shape::HexShape::kSha512:
        type = IndicatorType::kSha512;
        break;
      case shape::HexShape::kJarm:
        type = IndicatorType::kJarm;
        break;
      case shape::HexShape::kTlsh:
        type = IndicatorType::kTlsh;
        break;
      default:
        return;
    }
    auto result = ParseIndicatorAs(type, Span(b, e));
    if (result.ok()) Emit(std::move(result).value(), b, e);
  }

  static bool IsTrimmedPunctuation(char c) {
    switch (c) {
      case '.':
      case ',':
      case ';':
      case ':':
      case '!':
      case '?':
        return true;
      default:
        return false;
    }
  }
  static bool IsTrimmedNonUrl(char c) {
    switch (c) {
      case '.':
      case ',':
      case ';':
      case ':':
      case '!':
      case '?':
      case '=':
      case '&':
      case '%':
      case '~':
      case '+':
      case '-':
      case '#':
      case '$':
      case '*':
      case '@':
        return true;
      default:
        return false;
    }
  }

  void Evaluate(size_t b, size_t e, int depth) {
    // AsciiDoc passthrough "+value+" and sentence punctuation.
    while (e - b >= 2 && buf_[b] == '+' && buf_[e - 1] == '+') {
      ++b;
      --e;
    }
    while (b < e && (IsTrimmedPunctuation(buf_[b]) || buf_[b] == '+' || buf_[b] == '/' ||
                     buf_[b] == '-' || buf_[b] == '#' || buf_[b] == '=' || buf_[b] == '&' ||
                     buf_[b] == '~' || buf_[b] == '$' || buf_[b] == '%' || buf_[b] == '!')) {
      ++b;
    }
    while (b < e && IsTrimmedPunctuation(buf_[e - 1])) --e;
    if (b >= e) return;
    if (EvaluateUrl(b, e)) return;
    // Not a URL: trim the wider set of trailing characters no other indicator ends with.
    while (b < e && IsTrimmedNonUrl(buf_[e - 1])) --e;
    if (b >= e) return;
    std::string_view t = Span(b, e);

    bool has_dot = false, has_colon = false, has_at = false, has_slash = false, has_eq = false;
    bool all_hex = true, digits_dots = true;
    for (char c : t) {
      has_dot |= c == '.';
      has_colon |= c == ':';
      has_at |= c == '@';
      has_slash |= c == '/';
      has_eq |= c == '=';
      all_hex &= IsHex(c);
      digits_dots &= IsDigit(c) || c == '.';
    }

    if (has_at) {
      EvaluateAt(b, e, depth);
      return;
    }
    if (has_colon && (shape::IsBotTokenShape(t) || shape::IsSsdeepShape(t))) {
      Try(b, e);
      return;
    }
    if (has_slash) {
      EvaluateSlash(b, e);
      return;
    }
    if (has_colon) {
      EvaluateColon(b, e, depth);
      return;
    }
    if (has_eq) {
      if (depth >= kMaxSplitDepth) return;
      size_t eq = t.rfind('=');
      Evaluate(b, b + eq, depth + 1);
      Evaluate(b + eq + 1, e, depth + 1);
      return;
    }
    if (digits_dots) {
      if (has_dot && IsDottedQuad(t) && !AfterVersionWord(begin_[b])) Try(b, e);
      return;
    }
    if (all_hex) {
      TryHash(b, e);
      return;
    }
    if (!has_dot) {
      if (shape::HexShapeOf(t) == shape::HexShape::kTlsh || IsAsnToken(t)) Try(b, e);
      return;
    }
    EvaluateDotted(b, e);
  }

  // "scheme://..." anywhere in the token: the URL runs from the scheme to the token's end.
  bool EvaluateUrl(size_t b, size_t e) {
    std::string_view t = Span(b, e);
    size_t sep = t.find("://");
    if (sep == std::string_view::npos) return false;
    size_t q = sep;
    while (q > 0 && IsAlpha(t[q - 1])) --q;
    std::string_view scheme = shape::CanonicalScheme(t.substr(q, sep - q));
    if (scheme.empty() || sep + 3 >= t.size()) {
      // Not a scheme we take ("file://", "C://"): the text after it may still hold a value.
      size_t after = b + sep + 3;
      if (after < e) Evaluate(after, e, kMaxSplitDepth);
      return true;
    }
    url_.assign(scheme);
    url_.append(t.substr(sep));
    auto result = ClassifyRefangedToken(url_, classify_);
    if (result.ok()) {
      Emit(std::move(result).value(), b + q, e);
    } else if (size_t next = t.find("://", sep + 3); next != std::string_view::npos) {
      // "hxxps://hxxp[://]host/...": a doubled scheme; the inner URL may still be valid.
      size_t inner = next;
      while (inner > sep + 3 && IsAlpha(t[inner - 1])) --inner;
      if (inner < next) EvaluateUrl(b + inner, e);
    }
    return true;
  }

  void EvaluateAt(size_t b, size_t e, int depth) {
    std::string_view t = Span(b, e);
    size_t at = t.rfind('@');
    if (at == 0) {
      if (classify_.telegram_context && t.find_first_of("@", 1) == std::string_view::npos) {
        Try(b, e);
      }
      return;
    }
    std::string_view domain = t.substr(at + 1);
    if (domain.find_first_of("/:?") == std::string_view::npos &&
        t.find_first_of("/:") == std::string_view::npos) {
      if (PlausibleDomain(domain, /*strict_file_names=*/false) && Try(b, e)) return;
    }
    if (depth >= kMaxSplitDepth) return;
    // WebDAV "host@port", as in a UNC path \\host@80\share: the host.
    if (!domain.empty() && domain.size() <= 5 && shape::IsDigits(domain)) {
      Evaluate(b, b + at, depth + 1);
      return;
    }
    // "user:pass@host/path" and the like: look at what follows the last '@'.
    Evaluate(b + at + 1, e, depth + 1);
  }

  void EvaluateSlash(size_t b, size_t e) {
    std::string_view t = Span(b, e);
    size_t slash = t.find('/');
    std::string_view head = t.substr(0, slash);
    std::string_view tail = t.substr(slash + 1);
    // CIDR.
    if (IsIpLike(head) && !tail.empty() && tail.size() <= 3 && shape::IsDigits(tail)) {
      if (!Try(b, e) && IsDottedQuad(head)) Try(b, b + slash);  // host bits set: the address
      return;
    }
    // Scheme-less URL or Telegram link: the host decides.
    std::string_view host = head;
    if (size_t colon = host.rfind(':'); colon != std::string_view::npos &&
                                        host.find(':') == colon &&
                                        shape::IsDigits(host.substr(colon + 1))) {
      host = host.substr(0, colon);
    }
    if (host.empty()) return;
    if (shape::IsTelegramLinkHost(host) || shape::IsTelegramApiHost(host) ||
        (IsDottedQuad(host) && !AfterVersionWord(begin_[b])) ||
        PlausibleDomain(host, /*strict_file_names=*/true)) {
      Try(b, e);
    }
  }

  void EvaluateColon(size_t b, size_t e, int depth) {
    std::string_view t = Span(b, e);
    if (t.front() == '[' || IsIpLike(t)) {
      if (Try(b, e)) return;
    }
    if (size_t pairs = 0; shape::IsColonHexPairs(t, &pairs)) {
      if ((pairs == 20 || pairs == 32) && Try(b, e)) return;
    }
    size_t colon = t.find(':');
    std::string_view left = t.substr(0, colon);
    std::string_view right = t.substr(colon + 1);
    if (!right.empty() && right.size() <= 5 && shape::IsDigits(right)) {
      // IP:port, domain:port.
      if (IsDottedQuad(left) && !AfterVersionWord(begin_[b])) {
        if (Try(b, e)) return;
      } else if (PlausibleDomain(left, /*strict_file_names=*/true)) {
        if (Try(b, e)) return;
      }
    }
    if (depth >= kMaxSplitDepth) return;
    // "C2:1.2.3.4", "sha256:<hex>", "1.2.3.4:80:443": evaluate both sides.
    Evaluate(b, b + colon, depth + 1);
    Evaluate(b + colon + 1, e, depth + 1);
  }

  // Names with a dot that are neither addresses nor hashes: domains (and "<hash>.<ext>").
  void EvaluateDotted(size_t b, size_t e) {
    std::string_view t = Span(b, e);
    size_t dot = t.find('.');
    if (dot == t.rfind('.') && shape::HexShapeOf(t.substr(0, dot)) != shape::HexShape::kNone) {
      // "<sha256>.exe": a sample named after its hash.
      std::string_view ext = t.substr(dot + 1);
      if (shape::IsNonTldFileExtension(ext) || shape::IsTldFileExtension(ext) ||
          shape::EqualsIgnoreCase(ext, "bin")) {
        Try(b, b + dot);
        return;
      }
    }
    if (PlausibleDomain(t, /*strict_file_names=*/true)) Try(b, e);
  }

  // Cheap checks before a name goes to the domain parser. `strict_file_names` applies the
  // free-text rule: an undefanged two-label name ending in a TLD that is also a file extension
  // ("setup.zip", "README.md") is a file name.
  bool PlausibleDomain(std::string_view name, bool strict_file_names) const {
    if (name.size() < 4 || name.front() == '.' || name.back() == '.') return false;
    size_t star = name.rfind('*');
    if (star != std::string_view::npos && !(star == 0 && name.size() > 2 && name[1] == '.')) {
      return false;
    }
    std::string_view tld = shape::LastLabel(name);
    if (tld.size() < 2) return false;
    bool tld_upper = false;
    if (static_cast<unsigned char>(tld[0]) < 0x80) {
      const bool idn_tld = shape::StartsWithIgnoreCase(tld, "xn--");
      for (char c : tld) {
        if (!IsAlpha(c) && !(idn_tld && (IsDigit(c) || c == '-'))) return false;
        tld_upper |= c >= 'A' && c <= 'Z';
      }
    }
    if (shape::IsNonTldFileExtension(tld)) return false;
    if (defanged_) return true;
    size_t dots = 0;
    bool has_lower = false;
    for (char c : name) {
      dots += c == '.' ? 1 : 0;
      has_lower |= c >= 'a' && c <= 'z';
    }
    if (strict_file_names && dots == 1 && shape::IsTldFileExtension(tld)) return false;
    // "System.IO", "Foo.Net": a mixed-case name whose TLD has capitals is code, not DNS.
    if (tld_upper && has_lower) return false;
    return true;
  }

  static bool IsIpLike(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
      if (!IsHex(c) && c != ':' && c != '.' && c != '[' && c != ']') return false;
    }
    return s.find_first_of(".:") != std::string_view::npos;
  }

  static bool IsDottedQuad(std::string_view s) {
    size_t dots = 0, run = 0;
    for (char c : s) {
      if (c == '.') {
        if (run == 0) return false;
        ++dots;
        run = 0;
      } else if (IsDigit(c)) {
        if (++run > 3) return false;
      } else {
        return false;
      }
    }
    return dots == 3 && run > 0;
  }

  static bool IsAsnToken(std::string_view s) {
    // Upper-case "AS"/"ASN" followed by digits: lower-case "as" is an English word.
    if (s.size() > 3 && s[0] == 'A' && s[1] == 'S' && s[2] == 'N') {
      return shape::IsDigits(s.substr(3));
    }
    return s.size() > 2 && s[0] == 'A' && s[1] == 'S' && shape::IsDigits(s.substr(2));
  }

  // True when the word before raw offset `pos` says the number that follows is a version
  // ("version 1.2.3.4", "v. 10.0.0.1", "build: 6.1.7601.1").
  bool AfterVersionWord(size_t pos) const {
    size_t k = pos;
    size_t skipped = 0;
    while (k > 0 && skipped < 3 &&
           (text_[k - 1] == ' ' || text_[k - 1] == ':' || text_[k - 1] == '.' ||
            text_[k - 1] == '\t')) {
      --k;
      ++skipped;
    }
    size_t end = k;
    while (k > 0 && end - k < 12 && IsAlpha(text_[k - 1])) --k;
    if (k > 0 && IsAlnum(text_[k - 1])) return false;  // longer word
    std::string_view word = text_.substr(k, end - k);
    if (word.empty()) return false;
    for (std::string_view v :
         {"v", "ver", "version", "build", "release", "rev", "revision", "firmware", "versions"}) {
      if (shape::EqualsIgnoreCase(word, v)) return true;
    }
    return false;
  }

  std::string_view text_;
  std::vector<ExtractedIndicator>* out_;
  ClassifyOptions classify_;
  bool defanged_ = false;
  std::string buf_;            // the refanged token
  std::vector<size_t> begin_;  // raw offset where each buf_ byte starts
  std::vector<size_t> end_;    // raw offset after each buf_ byte
  std::string url_;            // scratch for URLs with a refanged scheme
};

}  // namespace

std::vector<ExtractedIndicator> ExtractIndicators(std::string_view text,
                                                  const ExtractOptions& options) {
  std::vector<ExtractedIndicator> out;
  Scanner scanner(text, options, &out);
  scanner.Run();
  return out;
}

}  // namespace cotenant
