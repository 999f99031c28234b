// STIX patterning language: tokenizer, recursive-descent parser, rendering, term extraction.
// The grammar follows the STIX 2.1 ANTLR grammar (STIXPattern.g4); comments name its rules.
#include "cotenant/stix_pattern.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "readers/stix_pattern_simple.h"

namespace cotenant {
namespace {

enum class Tok {
  kEnd,
  kLBracket,
  kRBracket,
  kLParen,
  kRParen,
  kComma,
  kColon,
  kDot,
  kStar,
  kEq,
  kNeq,
  kLt,
  kLe,
  kGt,
  kGe,
  kIdentifier,
  kString,
  kInt,
  kFloat,
  kBool,
  kBinary,
  kHex,
  kTimestamp,
  // Keywords.
  kAnd,
  kOr,
  kNot,
  kFollowedBy,
  kLike,
  kMatches,
  kIsSuperset,
  kIsSubset,
  kExists,
  kLast,
  kIn,
  kStart,
  kStop,
  kSeconds,
  kTimes,
  kWithin,
  kRepeats,
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;   // identifier name, decoded literal, or the operator as written
  size_t offset = 0;  // characters
};

struct Keyword {
  const char* word;
  Tok kind;
};
constexpr Keyword kKeywords[] = {
    {"AND", Tok::kAnd},
    {"OR", Tok::kOr},
    {"NOT", Tok::kNot},
    {"FOLLOWEDBY", Tok::kFollowedBy},
    {"LIKE", Tok::kLike},
    {"MATCHES", Tok::kMatches},
    {"ISSUPERSET", Tok::kIsSuperset},
    {"ISSUBSET", Tok::kIsSubset},
    {"EXISTS", Tok::kExists},
    {"LAST", Tok::kLast},
    {"IN", Tok::kIn},
    {"START", Tok::kStart},
    {"STOP", Tok::kStop},
    {"SECONDS", Tok::kSeconds},
    {"TIMES", Tok::kTimes},
    {"WITHIN", Tok::kWithin},
    {"REPEATS", Tok::kRepeats},
};

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd:
      return "end of pattern";
    case Tok::kIdentifier:
      return "identifier '" + t.text + "'";
    case Tok::kString:
      return "string literal";
    case Tok::kInt:
      return "integer " + t.text;
    case Tok::kFloat:
      return "number " + t.text;
    case Tok::kBool:
      return t.text;
    case Tok::kBinary:
      return "binary literal";
    case Tok::kHex:
      return "hex literal";
    case Tok::kTimestamp:
      return "timestamp literal";
    default:
      return "'" + t.text + "'";
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsBase64Char(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '/';
}

// Checks the grammar's TimestampLiteral body: YYYY-MM-DDTHH:MM:SS(.frac)?Z, month 01-12,
// day 01-31 (and valid for the month), hour 00-23, minute 00-59, second 00-60.
bool ValidPatternTimestamp(std::string_view s) {
  if (s.size() < 20) return false;
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (!IsDigit(s[i])) return false;
    }
    return true;
  };
  if (!digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) ||
      s[10] != 'T' || !digits(11, 2) || s[13] != ':' || !digits(14, 2) || s[16] != ':' ||
      !digits(17, 2)) {
    return false;
  }
  auto num = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  int hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1];
  if (month == 2 && !leap) max_day = 28;
  if (day > max_day) return false;
  size_t i = 19;
  if (s[i] == '.') {
    ++i;
    size_t begin = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == begin) return false;
  }
  return i + 1 == s.size() && s[i] == 'Z';
}

// Orders two valid pattern timestamps (same format, so the text orders them except for the
// fraction's length).
int CompareTimestamps(std::string_view a, std::string_view b) {
  if (int c = a.substr(0, 19).compare(b.substr(0, 19)); c != 0) return c;
  auto frac = [](std::string_view s) {
    std::string f;
    if (s.size() > 20 && s[19] == '.') f = std::string(s.substr(20, s.size() - 21));
    while (!f.empty() && f.back() == '0') f.pop_back();
    return f;
  };
  std::string fa = frac(a), fb = frac(b);
  size_t n = std::max(fa.size(), fb.size());
  fa.resize(n, '0');
  fb.resize(n, '0');
  return fa.compare(fb);
}

bool ValidBase64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  size_t pad = 0;
  if (!s.empty() && s.back() == '=') pad = (s.size() >= 2 && s[s.size() - 2] == '=') ? 2 : 1;
  for (size_t i = 0; i + pad < s.size(); ++i) {
    if (!IsBase64Char(s[i])) return false;
  }
  return true;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    while (true) {
      COTENANT_RETURN_IF_ERROR(SkipSpaceAndComments());
      Token t;
      t.offset = chars_;
      if (pos_ >= text_.size()) {
        out.push_back(std::move(t));
        return out;
      }
      COTENANT_RETURN_IF_ERROR(Next(t));
      out.push_back(std::move(t));
    }
  }

 private:
  Status Error(size_t at_chars, const std::string& what) const {
    return InvalidArgument("character " + std::to_string(at_chars) + ": " + what);
  }

  void Advance(size_t n = 1) {
    for (size_t i = 0; i < n && pos_ < text_.size(); ++i, ++pos_) {
      if ((static_cast<unsigned char>(text_[pos_]) & 0xC0) != 0x80) ++chars_;
    }
  }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool AtEnd(size_t ahead = 0) const { return pos_ + ahead >= text_.size(); }

  Status SkipSpaceAndComments() {
    while (!AtEnd()) {
      char c = Peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
        Advance();
      } else if (c == '/' && Peek(1) == '*') {
        size_t start = chars_;
        size_t end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) return Error(start, "unterminated comment");
        Advance(end + 2 - pos_);
      } else if (c == '/' && Peek(1) == '/') {
        while (!AtEnd() && Peek() != '\n' && Peek() != '\r') Advance();
      } else {
        break;
      }
    }
    return Status::Ok();
  }

  // Reads a quoted body starting at the opening quote; decodes \' and \\ (the only escapes
  // the grammar allows) when `decode`, otherwise keeps the raw text (b'', h'', t'').
  Status Quoted(size_t start_chars, std::string& out, bool decode) {
    Advance();  // opening quote
    while (true) {
      if (AtEnd()) return Error(start_chars, "unterminated string literal");
      char c = Peek();
      if (c == '\'') {
        Advance();
        return Status::Ok();
      }
      if (c == '\\') {
        char n = Peek(1);
        if (decode && (n == '\'' || n == '\\')) {
          out += n;
          Advance(2);
          continue;
        }
        return Error(chars_, AtEnd(1) ? "unterminated string literal"
                                      : std::string("invalid escape '\\") + n +
                                            "' (only \\' and \\\\ are allowed)");
      }
      out += c;
      Advance();
    }
  }

  Status Number(Token& t) {
    size_t start = pos_;
    std::string text;
    if (Peek() == '+' || Peek() == '-') {
      text += Peek();
      Advance();
    }
    size_t int_begin = text.size();
    while (IsDigit(Peek())) {
      text += Peek();
      Advance();
    }
    size_t int_digits = text.size() - int_begin;
    if (Peek() == '.') {
      text += '.';
      Advance();
      size_t frac_begin = text.size();
      while (IsDigit(Peek())) {
        text += Peek();
        Advance();
      }
      if (text.size() == frac_begin)
        return Error(t.offset, "number '" + text + "' has no digits after '.'");
      t.kind = Tok::kFloat;
    } else {
      if (int_digits == 0) {
        return Error(t.offset, std::string("unexpected character '") + text_[start] + "'");
      }
      if (int_digits > 1 && text[int_begin] == '0') {
        return Error(t.offset, "integer '" + text + "' has a leading zero");
      }
      t.kind = Tok::kInt;
    }
    if (IsIdentChar(Peek())) {
      return Error(chars_, std::string("unexpected character '") + Peek() + "' after number");
    }
    t.text = std::move(text);
    return Status::Ok();
  }

  Status Next(Token& t) {
    char c = Peek();
    auto single = [&](Tok kind) {
      t.kind = kind;
      t.text = std::string(1, c);
      Advance();
      return Status::Ok();
    };
    switch (c) {
      case '[':
        return single(Tok::kLBracket);
      case ']':
        return single(Tok::kRBracket);
      case '(':
        return single(Tok::kLParen);
      case ')':
        return single(Tok::kRParen);
      case ',':
        return single(Tok::kComma);
      case ':':
        return single(Tok::kColon);
      case '*':
        return single(Tok::kStar);
      case '=':
        t.kind = Tok::kEq;
        t.text = Peek(1) == '=' ? "==" : "=";
        Advance(t.text.size());
        return Status::Ok();
      case '!':
        if (Peek(1) != '=') return Error(t.offset, "unexpected character '!' (did you mean '!='?)");
        t.kind = Tok::kNeq;
        t.text = "!=";
        Advance(2);
        return Status::Ok();
      case '<':
        if (Peek(1) == '>') {
          t.kind = Tok::kNeq;
          t.text = "<>";
        } else if (Peek(1) == '=') {
          t.kind = Tok::kLe;
          t.text = "<=";
        } else {
          t.kind = Tok::kLt;
          t.text = "<";
        }
        Advance(t.text.size());
        return Status::Ok();
      case '>':
        t.kind = Peek(1) == '=' ? Tok::kGe : Tok::kGt;
        t.text = Peek(1) == '=' ? ">=" : ">";
        Advance(t.text.size());
        return Status::Ok();
      case '\'':
        t.kind = Tok::kString;
        return Quoted(t.offset, t.text, /*decode=*/true);
      case '.':
        if (IsDigit(Peek(1))) return Number(t);
        return single(Tok::kDot);
      default:
        break;
    }
    if (IsDigit(c) || c == '+' || c == '-') return Number(t);
    if ((c == 'b' || c == 'h' || c == 't') && Peek(1) == '\'') {
      Advance();
      std::string body;
      COTENANT_RETURN_IF_ERROR(Quoted(t.offset, body, /*decode=*/false));
      if (c == 'b') {
        if (!ValidBase64(body)) return Error(t.offset, "b'" + body + "' is not valid base64");
        t.kind = Tok::kBinary;
      } else if (c == 'h') {
        bool ok = body.size() % 2 == 0;
        for (char h : body) ok = ok && IsHexDigit(h);
        if (!ok) return Error(t.offset, "h'" + body + "' is not an even number of hex digits");
        t.kind = Tok::kHex;
      } else {
        if (!ValidPatternTimestamp(body)) {
          return Error(t.offset,
                       "t'" + body + "' is not a timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z, UTC)");
        }
        t.kind = Tok::kTimestamp;
      }
      t.text = std::move(body);
      return Status::Ok();
    }
    if (IsIdentStart(c)) {
      std::string word;
      while (IsIdentChar(Peek()) || Peek() == '-') {
        word += Peek();
        Advance();
      }
      for (const auto& k : kKeywords) {
        if (word == k.word) {
          t.kind = k.kind;
          t.text = std::move(word);
          return Status::Ok();
        }
      }
      if (word == "true" || word == "false") {
        t.kind = Tok::kBool;
      } else {
        t.kind = Tok::kIdentifier;
      }
      t.text = std::move(word);
      return Status::Ok();
    }
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      return Error(t.offset, std::string("unexpected byte ") + buf);
    }
    return Error(t.offset, std::string("unexpected character '") + c + "'");
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t chars_ = 0;
};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<Pattern> Run() {
    Pattern p;
    COTENANT_ASSIGN_OR_RETURN(p.root, ObservationExpressions());
    if (Cur().kind != Tok::kEnd) {
      return Error(Cur(),
                   "expected AND, OR, FOLLOWEDBY or end of pattern, found " + Describe(Cur()));
    }
    return p;
  }

 private:
  const Token& Cur() const { return tokens_[pos_]; }
  const Token& Take() {
    const Token& t = tokens_[pos_];
    if (t.kind != Tok::kEnd) ++pos_;
    return t;
  }
  bool Accept(Tok kind) {
    if (Cur().kind != kind) return false;
    Take();
    return true;
  }
  Status Error(const Token& at, const std::string& what) const {
    return InvalidArgument("character " + std::to_string(at.offset) + ": " + what);
  }

  // Guards recursion depth: each '(' or '[' holds one while its content is parsed.
  struct DepthGuard {
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
    int& depth;
  };
  Status CheckDepth() const {
    if (depth_ > kMaxPatternDepth) {
      return Error(Cur(),
                   "expression nested deeper than " + std::to_string(kMaxPatternDepth) + " levels");
    }
    return Status::Ok();
  }

  // observationExpressions: FOLLOWEDBY binds loosest, then OR, then AND.
  Result<ObservationExpression> ObservationExpressions() {
    return ObservationChain(Tok::kFollowedBy, ObservationExpression::Kind::kFollowedBy, 0);
  }

  Result<ObservationExpression> ObservationChain(Tok op, ObservationExpression::Kind kind,
                                                 int level) {
    size_t offset = Cur().offset;
    auto sub = [&]() -> Result<ObservationExpression> {
      if (level == 0) return ObservationChain(Tok::kOr, ObservationExpression::Kind::kOr, 1);
      if (level == 1) return ObservationChain(Tok::kAnd, ObservationExpression::Kind::kAnd, 2);
      return ObservationUnit();
    };
    COTENANT_ASSIGN_OR_RETURN(ObservationExpression first, sub());
    if (Cur().kind != op) return first;
    ObservationExpression node;
    node.kind = kind;
    node.offset = offset;
    node.operands.push_back(std::move(first));
    while (Accept(op)) {
      COTENANT_ASSIGN_OR_RETURN(ObservationExpression next, sub());
      node.operands.push_back(std::move(next));
    }
    return node;
  }

  // observationExpression: '[' comparisonExpression ']' | '(' observationExpressions ')',
  // each followed by any number of qualifiers.
  Result<ObservationExpression> ObservationUnit() {
    DepthGuard guard(depth_);
    COTENANT_RETURN_IF_ERROR(CheckDepth());
    const Token& open = Cur();
    ObservationExpression node;
    if (Accept(Tok::kLBracket)) {
      node.kind = ObservationExpression::Kind::kComparison;
      node.offset = open.offset;
      COTENANT_ASSIGN_OR_RETURN(node.comparison, ComparisonOr());
      if (!Accept(Tok::kRBracket)) {
        return Error(Cur(), "expected AND, OR or ']' to close '[' at character " +
                                std::to_string(open.offset) + ", found " + Describe(Cur()));
      }
    } else if (Accept(Tok::kLParen)) {
      COTENANT_ASSIGN_OR_RETURN(node, ObservationExpressions());
      if (!Accept(Tok::kRParen)) {
        return Error(Cur(), "expected ')' to close '(' at character " +
                                std::to_string(open.offset) + ", found " + Describe(Cur()));
      }
    } else {
      return Error(Cur(), "expected '[' or '(' to start an observation expression, found " +
                              Describe(Cur()));
    }
    while (true) {
      const Token& q = Cur();
      if (q.kind == Tok::kWithin) {
        COTENANT_ASSIGN_OR_RETURN(PatternQualifier w, Within());
        node.qualifiers.push_back(std::move(w));
      } else if (q.kind == Tok::kRepeats) {
        COTENANT_ASSIGN_OR_RETURN(PatternQualifier r, Repeats());
        node.qualifiers.push_back(std::move(r));
      } else if (q.kind == Tok::kStart) {
        COTENANT_ASSIGN_OR_RETURN(PatternQualifier s, StartStop());
        node.qualifiers.push_back(std::move(s));
      } else {
        break;
      }
    }
    return node;
  }

  static bool IsZero(const std::string& number) {
    for (char c : number) {
      if (c >= '1' && c <= '9') return false;
    }
    return true;
  }

  Result<PatternQualifier> Within() {
    PatternQualifier q;
    q.kind = PatternQualifier::Kind::kWithin;
    q.offset = Take().offset;
    const Token& n = Cur();
    if ((n.kind != Tok::kInt && n.kind != Tok::kFloat) || n.text[0] == '-') {
      return Error(n, "expected a positive number of seconds after WITHIN, found " + Describe(n));
    }
    if (IsZero(n.text)) return Error(n, "WITHIN needs more than 0 seconds");
    q.number = Take().text;
    if (!Accept(Tok::kSeconds)) {
      return Error(Cur(),
                   "expected SECONDS after WITHIN " + q.number + ", found " + Describe(Cur()));
    }
    return q;
  }

  Result<PatternQualifier> Repeats() {
    PatternQualifier q;
    q.kind = PatternQualifier::Kind::kRepeats;
    q.offset = Take().offset;
    const Token& n = Cur();
    if (n.kind != Tok::kInt || n.text[0] == '-') {
      return Error(n, "expected a positive integer after REPEATS, found " + Describe(n));
    }
    if (IsZero(n.text)) return Error(n, "REPEATS needs at least 1 time");
    q.number = Take().text;
    if (!Accept(Tok::kTimes)) {
      return Error(Cur(),
                   "expected TIMES after REPEATS " + q.number + ", found " + Describe(Cur()));
    }
    return q;
  }

  Result<std::string> QualifierTimestamp(const char* keyword) {
    const Token& t = Cur();
    // STIX 2.1 writes t'...'; STIX 2.0 wrote a plain string.
    if (t.kind == Tok::kTimestamp) return Take().text;
    if (t.kind == Tok::kString) {
      if (!ValidPatternTimestamp(t.text)) {
        return Error(t, std::string("'") + t.text + "' after " + keyword +
                            " is not a timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z, UTC)");
      }
      return Take().text;
    }
    return Error(
        t, std::string("expected a timestamp t'...' after ") + keyword + ", found " + Describe(t));
  }

  Result<PatternQualifier> StartStop() {
    PatternQualifier q;
    q.kind = PatternQualifier::Kind::kStartStop;
    q.offset = Take().offset;
    COTENANT_ASSIGN_OR_RETURN(q.start, QualifierTimestamp("START"));
    if (!Accept(Tok::kStop)) return Error(Cur(), "expected STOP, found " + Describe(Cur()));
    const Token& stop_token = Cur();
    COTENANT_ASSIGN_OR_RETURN(q.stop, QualifierTimestamp("STOP"));
    if (CompareTimestamps(q.start, q.stop) >= 0) {
      return Error(stop_token, "STOP " + q.stop + " is not later than START " + q.start);
    }
    return q;
  }

  // comparisonExpression: OR of ANDs of propTests.
  Result<ComparisonExpression> ComparisonOr() { return ComparisonChain(Tok::kOr); }

  Result<ComparisonExpression> ComparisonChain(Tok op) {
    size_t offset = Cur().offset;
    auto sub = [&]() -> Result<ComparisonExpression> {
      if (op == Tok::kOr) return ComparisonChain(Tok::kAnd);
      return PropTest();
    };
    COTENANT_ASSIGN_OR_RETURN(ComparisonExpression first, sub());
    if (Cur().kind != op) return first;
    ComparisonExpression node;
    node.kind = op == Tok::kOr ? ComparisonExpression::Kind::kOr : ComparisonExpression::Kind::kAnd;
    node.offset = offset;
    node.operands.push_back(std::move(first));
    while (Accept(op)) {
      COTENANT_ASSIGN_OR_RETURN(ComparisonExpression next, sub());
      node.operands.push_back(std::move(next));
    }
    return node;
  }

  Result<ComparisonExpression> PropTest() {
    const Token& first = Cur();
    if (Accept(Tok::kLParen)) {
      DepthGuard guard(depth_);
      COTENANT_RETURN_IF_ERROR(CheckDepth());
      COTENANT_ASSIGN_OR_RETURN(ComparisonExpression inner, ComparisonOr());
      if (!Accept(Tok::kRParen)) {
        return Error(Cur(), "expected AND, OR or ')' to close '(' at character " +
                                std::to_string(first.offset) + ", found " + Describe(Cur()));
      }
      return inner;
    }
    ComparisonExpression test;
    test.kind = ComparisonExpression::Kind::kTest;
    test.offset = first.offset;
    if (Accept(Tok::kExists)) {
      test.op = PatternOp::kExists;
      COTENANT_ASSIGN_OR_RETURN(test.path, Path());
      return test;
    }
    COTENANT_ASSIGN_OR_RETURN(test.path, Path());
    test.negated = Accept(Tok::kNot);
    const Token& op = Cur();
    switch (op.kind) {
      case Tok::kEq:
        test.op = PatternOp::kEqual;
        break;
      case Tok::kNeq:
        test.op = PatternOp::kNotEqual;
        break;
      case Tok::kLt:
        test.op = PatternOp::kLess;
        break;
      case Tok::kGt:
        test.op = PatternOp::kGreater;
        break;
      case Tok::kLe:
        test.op = PatternOp::kLessEqual;
        break;
      case Tok::kGe:
        test.op = PatternOp::kGreaterEqual;
        break;
      case Tok::kIn:
        test.op = PatternOp::kIn;
        break;
      case Tok::kLike:
        test.op = PatternOp::kLike;
        break;
      case Tok::kMatches:
        test.op = PatternOp::kMatches;
        break;
      case Tok::kIsSubset:
        test.op = PatternOp::kIsSubset;
        break;
      case Tok::kIsSuperset:
        test.op = PatternOp::kIsSuperset;
        break;
      default:
        return Error(op, std::string("expected a comparison operator") +
                             (test.negated ? "" : " or NOT") + " after " + test.path.ToString() +
                             ", found " + Describe(op));
    }
    Take();
    switch (test.op) {
      case PatternOp::kEqual:
      case PatternOp::kNotEqual: {
        COTENANT_ASSIGN_OR_RETURN(PatternLiteral v, Literal(/*allow_bool=*/true, op.text));
        test.values.push_back(std::move(v));
        break;
      }
      case PatternOp::kLess:
      case PatternOp::kGreater:
      case PatternOp::kLessEqual:
      case PatternOp::kGreaterEqual: {
        COTENANT_ASSIGN_OR_RETURN(PatternLiteral v, Literal(/*allow_bool=*/false, op.text));
        test.values.push_back(std::move(v));
        break;
      }
      case PatternOp::kIn: {
        const Token& open = Cur();
        if (!Accept(Tok::kLParen)) {
          return Error(open, "expected '(' to start the set after IN, found " + Describe(open));
        }
        if (!Accept(Tok::kRParen)) {
          while (true) {
            COTENANT_ASSIGN_OR_RETURN(PatternLiteral v, Literal(/*allow_bool=*/true, "IN"));
            test.values.push_back(std::move(v));
            if (Accept(Tok::kComma)) continue;
            if (Accept(Tok::kRParen)) break;
            return Error(Cur(), "expected ',' or ')' in the set opened at character " +
                                    std::to_string(open.offset) + ", found " + Describe(Cur()));
          }
        }
        break;
      }
      default: {  // LIKE, MATCHES, ISSUBSET, ISSUPERSET take a string.
        const Token& s = Cur();
        if (s.kind != Tok::kString) {
          return Error(s, "expected a string literal after " + op.text + ", found " + Describe(s));
        }
        PatternLiteral v;
        v.kind = PatternLiteralKind::kString;
        v.text = Take().text;
        test.values.push_back(std::move(v));
      }
    }
    return test;
  }

  Result<PatternLiteral> Literal(bool allow_bool, const std::string& after) {
    const Token& t = Cur();
    PatternLiteral v;
    switch (t.kind) {
      case Tok::kString:
        v.kind = PatternLiteralKind::kString;
        break;
      case Tok::kInt:
        v.kind = PatternLiteralKind::kInt;
        break;
      case Tok::kFloat:
        v.kind = PatternLiteralKind::kFloat;
        break;
      case Tok::kBinary:
        v.kind = PatternLiteralKind::kBinary;
        break;
      case Tok::kHex:
        v.kind = PatternLiteralKind::kHex;
        break;
      case Tok::kTimestamp:
        v.kind = PatternLiteralKind::kTimestamp;
        break;
      case Tok::kBool:
        if (!allow_bool) return Error(t, "a boolean cannot be ordered with " + after);
        v.kind = PatternLiteralKind::kBool;
        break;
      default:
        return Error(t, "expected a literal after " + after + ", found " + Describe(t));
    }
    v.text = Take().text;
    return v;
  }

  // objectPath: objectType ':' firstPathComponent objectPathComponent*
  Result<ObjectPath> Path() {
    ObjectPath path;
    const Token& type = Cur();
    if (type.kind != Tok::kIdentifier) {
      return Error(type, "expected an object path (type:property), found " + Describe(type));
    }
    path.object_type = Take().text;
    if (!Accept(Tok::kColon)) {
      return Error(Cur(), "expected ':' after object type '" + path.object_type + "', found " +
                              Describe(Cur()));
    }
    COTENANT_ASSIGN_OR_RETURN(PathComponent first, PropertyName());
    path.components.push_back(std::move(first));
    while (true) {
      if (Accept(Tok::kDot)) {
        COTENANT_ASSIGN_OR_RETURN(PathComponent next, PropertyName());
        path.components.push_back(std::move(next));
      } else if (Cur().kind == Tok::kLBracket) {
        const Token& open = Take();
        PathComponent c;
        const Token& idx = Cur();
        if (Accept(Tok::kStar)) {
          c.kind = PathComponent::Kind::kAnyIndex;
        } else if (idx.kind == Tok::kInt) {
          c.kind = PathComponent::Kind::kIndex;
          errno = 0;
          long long v = std::strtoll(idx.text.c_str(), nullptr, 10);
          if (errno == ERANGE) return Error(idx, "list index " + idx.text + " is out of range");
          c.index = v;
          Take();
        } else {
          return Error(idx, "expected an integer or '*' as list index, found " + Describe(idx));
        }
        if (!Accept(Tok::kRBracket)) {
          return Error(Cur(), "expected ']' to close the list index at character " +
                                  std::to_string(open.offset) + ", found " + Describe(Cur()));
        }
        path.components.push_back(std::move(c));
      } else {
        break;
      }
    }
    return path;
  }

  Result<PathComponent> PropertyName() {
    const Token& t = Cur();
    PathComponent c;
    c.kind = PathComponent::Kind::kProperty;
    if (t.kind == Tok::kString) {
      c.name = Take().text;
      return c;
    }
    if (t.kind == Tok::kIdentifier) {
      if (t.text.find('-') != std::string::npos) {
        return Error(t,
                     "property name '" + t.text + "' contains '-': quote it as '" + t.text + "'");
      }
      c.name = Take().text;
      return c;
    }
    return Error(t, "expected a property name, found " + Describe(t));
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

// ---- rendering -------------------------------------------------------------------------

bool PlainIdentifier(std::string_view s) {
  if (s.empty() || !IsIdentStart(s[0])) return false;
  for (char c : s) {
    if (!IsIdentChar(c)) return false;
  }
  for (const auto& k : kKeywords) {
    if (s == k.word) return false;
  }
  return s != "true" && s != "false";
}

std::string QuoteString(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

void RenderComparison(const ComparisonExpression& c, std::string& out) {
  if (c.kind != ComparisonExpression::Kind::kTest) {
    out += c.kind == ComparisonExpression::Kind::kAnd ? "(AND" : "(OR";
    for (const auto& o : c.operands) {
      out += ' ';
      RenderComparison(o, out);
    }
    out += ')';
    return;
  }
  out += '(';
  if (c.negated) out += "NOT ";
  out += PatternOpName(c.op);
  out += ' ';
  out += c.path.ToString();
  if (c.op == PatternOp::kIn) {
    out += " (";
    for (size_t i = 0; i < c.values.size(); ++i) {
      if (i > 0) out += ", ";
      out += c.values[i].ToString();
    }
    out += ')';
  } else if (!c.values.empty()) {
    out += ' ';
    out += c.values[0].ToString();
  }
  out += ')';
}

std::string RenderQualifierHead(const PatternQualifier& q) {
  switch (q.kind) {
    case PatternQualifier::Kind::kWithin:
      return "WITHIN " + q.number;
    case PatternQualifier::Kind::kRepeats:
      return "REPEATS " + q.number;
    case PatternQualifier::Kind::kStartStop:
      return "START t'" + q.start + "' STOP t'" + q.stop + "'";
  }
  return "";
}

void RenderObservation(const ObservationExpression& o, std::string& out) {
  for (auto it = o.qualifiers.rbegin(); it != o.qualifiers.rend(); ++it) {
    out += '(' + RenderQualifierHead(*it) + ' ';
  }
  switch (o.kind) {
    case ObservationExpression::Kind::kComparison:
      out += '[';
      RenderComparison(o.comparison, out);
      out += ']';
      break;
    default: {
      const char* name = o.kind == ObservationExpression::Kind::kAnd  ? "(AND"
                         : o.kind == ObservationExpression::Kind::kOr ? "(OR"
                                                                      : "(FOLLOWEDBY";
      out += name;
      for (const auto& sub : o.operands) {
        out += ' ';
        RenderObservation(sub, out);
      }
      out += ')';
    }
  }
  out.append(o.qualifiers.size(), ')');
}

// ---- term extraction -------------------------------------------------------------------

struct Window {
  std::string start, stop;
};

class TermWalker {
 public:
  explicit TermWalker(PatternTerms& out) : out_(out) {}

  void Observation(const ObservationExpression& o, const Window& outer) {
    Window window = outer;
    for (const auto& q : o.qualifiers) {
      if (q.kind == PatternQualifier::Kind::kStartStop) {
        window = {q.start, q.stop};  // the innermost window applies; later ones are outer
        break;
      }
    }
    // Written order: the first qualifier is the innermost.
    for (const auto& q : o.qualifiers) {
      if (q.kind == PatternQualifier::Kind::kWithin) {
        Issue(q.offset, "WITHIN qualifier not kept", "WITHIN " + q.number + " SECONDS");
      } else if (q.kind == PatternQualifier::Kind::kRepeats) {
        Issue(q.offset, "REPEATS qualifier not kept", "REPEATS " + q.number + " TIMES");
      }
    }
    if (o.kind == ObservationExpression::Kind::kFollowedBy) {
      std::string text;
      RenderObservation(o, text);
      Issue(o.offset, "FOLLOWEDBY order not kept (each side extracted)", text);
    }
    if (o.kind == ObservationExpression::Kind::kComparison) {
      Comparison(o.comparison, observation_++, -1, window);
      return;
    }
    for (const auto& sub : o.operands) Observation(sub, window);
  }

 private:
  void Issue(size_t offset, std::string reason, std::string text) {
    out_.issues.push_back({offset, std::move(reason), std::move(text)});
  }

  // `conjunction` is the id of the enclosing AND chain, or -1 when the parent is not an AND.
  void Comparison(const ComparisonExpression& c, int observation, int conjunction,
                  const Window& window) {
    if (c.kind == ComparisonExpression::Kind::kAnd) {
      int id = conjunction >= 0 ? conjunction : next_conjunction_++;
      for (const auto& o : c.operands) Comparison(o, observation, id, window);
      return;
    }
    if (c.kind == ComparisonExpression::Kind::kOr) {
      for (const auto& o : c.operands) Comparison(o, observation, -1, window);
      return;
    }
    int id = conjunction >= 0 ? conjunction : next_conjunction_++;
    std::string text;
    RenderComparison(c, text);
    if (c.negated) {
      Issue(c.offset, "negated comparison not extracted", text);
      return;
    }
    switch (c.op) {
      case PatternOp::kNotEqual:
        Issue(c.offset, "!= comparison not extracted", text);
        return;
      case PatternOp::kLess:
      case PatternOp::kGreater:
      case PatternOp::kLessEqual:
      case PatternOp::kGreaterEqual:
        Issue(c.offset, "ordering comparison not extracted", text);
        return;
      case PatternOp::kIsSuperset:
        Issue(c.offset, "ISSUPERSET not extracted", text);
        return;
      case PatternOp::kExists:
        Issue(c.offset, "EXISTS names no value", text);
        return;
      default:
        break;
    }
    if (c.op == PatternOp::kIn && c.values.empty()) {
      Issue(c.offset, "IN with an empty set names no value", text);
      return;
    }
    for (const auto& v : c.values) {
      PatternTerm t;
      t.path = c.path;
      t.op = c.op;
      t.value = v;
      t.exact = c.op != PatternOp::kLike && c.op != PatternOp::kMatches;
      t.offset = c.offset;
      t.observation = observation;
      t.conjunction = id;
      t.start = window.start;
      t.stop = window.stop;
      out_.terms.push_back(std::move(t));
    }
  }

  PatternTerms& out_;
  int observation_ = 0;
  int next_conjunction_ = 0;
};

bool IsPatternSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool IsKeywordOrBool(std::string_view word) {
  // Keywords are upper case: a lower-case word can only be a boolean.
  if (!word.empty() && word[0] >= 'a' && word[0] <= 'z') return word == "true" || word == "false";
  for (const auto& k : kKeywords) {
    if (word == k.word) return true;
  }
  return word == "true" || word == "false";
}

// The shape most feeds write for every indicator (see stix_pattern_simple.h), read into the
// term that Lexer + Parser + TermWalker would produce for it.
std::optional<PatternTerms> SimpleComparisonTerms(std::string_view text) {
  pattern_internal::SimpleComparison simple;
  if (!pattern_internal::ScanSimpleComparison(text, simple)) return std::nullopt;
  PatternTerms out;
  PatternTerm& t = out.terms.emplace_back();
  t.path.object_type = std::string(simple.object_type);
  PathComponent& c = t.path.components.emplace_back();
  c.kind = PathComponent::Kind::kProperty;
  c.name = std::string(simple.property);
  t.op = PatternOp::kEqual;
  t.value.kind = PatternLiteralKind::kString;
  t.value.text = std::move(simple.value);
  t.exact = true;
  t.offset = simple.offset;
  t.observation = 0;
  t.conjunction = 0;
  return out;
}

}  // namespace

std::string PatternLiteral::ToString() const {
  switch (kind) {
    case PatternLiteralKind::kString:
      return QuoteString(text);
    case PatternLiteralKind::kBinary:
      return "b'" + text + "'";
    case PatternLiteralKind::kHex:
      return "h'" + text + "'";
    case PatternLiteralKind::kTimestamp:
      return "t'" + text + "'";
    default:
      return text;
  }
}

std::string ObjectPath::ToString() const {
  std::string out = object_type + ":";
  bool first = true;
  for (const auto& c : components) {
    switch (c.kind) {
      case PathComponent::Kind::kProperty:
        if (!first) out += '.';
        out += PlainIdentifier(c.name) ? c.name : QuoteString(c.name);
        break;
      case PathComponent::Kind::kIndex:
        out += "[" + std::to_string(c.index) + "]";
        break;
      case PathComponent::Kind::kAnyIndex:
        out += "[*]";
        break;
    }
    first = false;
  }
  return out;
}

std::string_view PatternOpName(PatternOp op) {
  switch (op) {
    case PatternOp::kEqual:
      return "=";
    case PatternOp::kNotEqual:
      return "!=";
    case PatternOp::kLess:
      return "<";
    case PatternOp::kGreater:
      return ">";
    case PatternOp::kLessEqual:
      return "<=";
    case PatternOp::kGreaterEqual:
      return ">=";
    case PatternOp::kIn:
      return "IN";
    case PatternOp::kLike:
      return "LIKE";
    case PatternOp::kMatches:
      return "MATCHES";
    case PatternOp::kIsSubset:
      return "ISSUBSET";
    case PatternOp::kIsSuperset:
      return "ISSUPERSET";
    case PatternOp::kExists:
      return "EXISTS";
  }
  return "?";
}

std::string Pattern::ToString() const {
  std::string out;
  RenderObservation(root, out);
  return out;
}

Result<Pattern> ParsePattern(std::string_view text) {
  Lexer lexer(text);
  COTENANT_ASSIGN_OR_RETURN(std::vector<Token> tokens, lexer.Run());
  if (tokens.size() == 1) return InvalidArgument("character 0: empty pattern");
  Parser parser(std::move(tokens));
  return parser.Run();
}

PatternTerms ExtractPatternTerms(const Pattern& pattern) {
  PatternTerms out;
  TermWalker walker(out);
  walker.Observation(pattern.root, Window{});
  return out;
}

Result<PatternTerms> ParsePatternTerms(std::string_view text) {
  if (std::optional<PatternTerms> simple = SimpleComparisonTerms(text)) return std::move(*simple);
  COTENANT_ASSIGN_OR_RETURN(Pattern pattern, ParsePattern(text));
  return ExtractPatternTerms(pattern);
}

namespace pattern_internal {

bool ScanSimpleComparison(std::string_view text, SimpleComparison& out) {
  const size_t n = text.size();
  size_t i = 0;
  auto skip_space = [&]() __attribute__((always_inline)) {
    while (i < n && IsPatternSpace(text[i])) ++i;
  };
  auto word = [&]() __attribute__((always_inline))->std::string_view {
    const size_t begin = i;
    if (i >= n || !IsIdentStart(text[i])) return {};
    while (i < n && (IsIdentChar(text[i]) || text[i] == '-')) ++i;
    return text.substr(begin, i - begin);
  };
  skip_space();
  if (i >= n || text[i] != '[') return false;
  ++i;
  skip_space();
  const size_t offset = i;  // only ASCII before it, so bytes are characters
  const std::string_view type = word();
  if (type.empty() || IsKeywordOrBool(type)) return false;
  skip_space();
  if (i >= n || text[i] != ':') return false;
  ++i;
  skip_space();
  const std::string_view property = word();
  if (property.empty() || IsKeywordOrBool(property) ||
      property.find('-') != std::string_view::npos) {
    return false;
  }
  skip_space();
  if (i >= n || text[i] != '=') return false;
  ++i;
  if (i < n && text[i] == '=') ++i;
  skip_space();
  if (i >= n || text[i] != '\'') return false;
  ++i;
  const size_t body = i;
  // The literal up to its closing quote, or to the first backslash before it.
  if (const void* quote = std::memchr(text.data() + i, '\'', n - i); quote != nullptr) {
    const size_t end = static_cast<size_t>(static_cast<const char*>(quote) - text.data());
    const void* backslash = std::memchr(text.data() + i, '\\', end - i);
    i = backslash == nullptr
            ? end
            : static_cast<size_t>(static_cast<const char*>(backslash) - text.data());
  } else {
    i = n;
  }
  std::string& value = out.value;
  value.assign(text.substr(body, i - body));
  while (true) {
    if (i >= n) return false;  // unterminated
    const char c = text[i];
    if (c == '\'') break;
    if (c == '\\') {
      if (i + 1 >= n || (text[i + 1] != '\'' && text[i + 1] != '\\')) return false;
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += c;
    ++i;
  }
  ++i;  // closing quote
  skip_space();
  if (i >= n || text[i] != ']') return false;
  ++i;
  skip_space();
  if (i != n) return false;

  out.object_type = type;
  out.property = property;
  out.offset = offset;
  return true;
}

}  // namespace pattern_internal

}  // namespace cotenant
