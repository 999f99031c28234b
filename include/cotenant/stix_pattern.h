// StixPattern: the STIX 2.0 / 2.1 patterning language: parser, syntax tree, and the values a
// pattern names.
//
// ParsePattern is a tokenizer plus a recursive-descent parser for the grammar of STIX 2.1
// (OASIS, section 9 and its ANTLR grammar): comparison expressions (=, !=, <, >, <=, >=, IN,
// LIKE, MATCHES, ISSUBSET, ISSUPERSET, EXISTS, each but EXISTS optionally negated with NOT)
// joined by AND / OR inside [ ]; observation expressions joined by AND / OR / FOLLOWEDBY;
// qualifiers WITHIN n SECONDS, REPEATS n TIMES and START t'..' STOP t'..' (the STIX 2.0 form
// START '..' STOP '..' is accepted too); object paths with dotted and quoted property names
// and list indexes; string, integer, float, boolean, b64 b'..', hex h'..' and t'..' literals.
// Keywords are upper case, booleans lower case, as the grammar says. An error names the
// 0-based character offset (UTF-8 characters, not bytes) and what was expected there.
// Expressions nested deeper than kMaxPatternDepth are rejected, so hostile input cannot
// exhaust the stack.
//
// ExtractPatternTerms lists every positive =, IN, LIKE, MATCHES and ISSUBSET comparison as a
// term (LIKE and MATCHES flagged not exact) and every part whose meaning a list of values
// cannot keep (negation, !=, ordering comparisons, ISSUPERSET, EXISTS, FOLLOWEDBY order,
// WITHIN and REPEATS) as an issue: nothing is dropped silently. ExtractPatternIndicators maps
// the terms to typed, canonical Indicators (see IndicatorTypeForPath) and adds an issue for
// each term it cannot map.
//
// Everything here is a pure function of its input, thread-safe, and returns owned data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/indicator.h"
#include "cotenant/status.h"

namespace cotenant {

inline constexpr int kMaxPatternDepth = 64;

enum class PatternLiteralKind { kString, kInt, kFloat, kBool, kBinary, kHex, kTimestamp };

struct PatternLiteral {
  PatternLiteralKind kind = PatternLiteralKind::kString;
  // kString: the decoded text (escapes removed). kInt/kFloat: the number as written.
  // kBool: "true"/"false". kBinary: the base64 text. kHex: the hex digits. kTimestamp: the
  // RFC 3339 text between the quotes.
  std::string text;
  // As it would be written in a pattern: 'it\'s', 443, b'AAE=', h'00ff', t'2020-01-01T00:00:00Z'.
  std::string ToString() const;
};

struct PathComponent {
  enum class Kind { kProperty, kIndex, kAnyIndex };
  Kind kind = Kind::kProperty;
  std::string name;   // kProperty
  int64_t index = 0;  // kIndex
};

struct ObjectPath {
  std::string object_type;  // "file", "network-traffic"
  std::vector<PathComponent> components;
  // Canonical text: property names are quoted only when they are not plain identifiers:
  // "file:hashes.'SHA-256'", "email-message:body_multipart[*].body_raw_ref.name".
  std::string ToString() const;
};

enum class PatternOp {
  kEqual,
  kNotEqual,
  kLess,
  kGreater,
  kLessEqual,
  kGreaterEqual,
  kIn,
  kLike,
  kMatches,
  kIsSubset,
  kIsSuperset,
  kExists,
};
std::string_view PatternOpName(PatternOp op);  // "=", "!=", "<", ..., "IN", "LIKE", "EXISTS"

struct ComparisonExpression {
  enum class Kind { kTest, kAnd, kOr };
  Kind kind = Kind::kTest;
  // kTest:
  ObjectPath path;
  PatternOp op = PatternOp::kEqual;
  bool negated = false;
  std::vector<PatternLiteral> values;  // one; IN: the set (possibly empty); EXISTS: none
  // kAnd / kOr: two or more operands, in written order.
  std::vector<ComparisonExpression> operands;
  size_t offset = 0;  // character offset where the expression starts
};

struct PatternQualifier {
  enum class Kind { kWithin, kRepeats, kStartStop };
  Kind kind = Kind::kWithin;
  std::string number;       // kWithin: seconds as written; kRepeats: the count
  std::string start, stop;  // kStartStop: RFC 3339 text
  size_t offset = 0;
};

struct ObservationExpression {
  enum class Kind { kComparison, kAnd, kOr, kFollowedBy };
  Kind kind = Kind::kComparison;
  ComparisonExpression comparison;              // kComparison: the content of [ ... ]
  std::vector<ObservationExpression> operands;  // kAnd / kOr / kFollowedBy, written order
  std::vector<PatternQualifier> qualifiers;     // applied to this expression, written order
  size_t offset = 0;
};

struct Pattern {
  ObservationExpression root;
  // One line of prefix notation for tests and logs, e.g.
  // "(OR [(= ipv4-addr:value '192.0.2.1')] (WITHIN 300 [(IN domain-name:value ('a.test'))]))".
  std::string ToString() const;
};

// Parses a whole pattern. Errors: "character 17: expected ']' to close '[' at character 0,
// found end of pattern".
Result<Pattern> ParsePattern(std::string_view text);

// A positive comparison that names a value.
struct PatternTerm {
  ObjectPath path;
  PatternOp op =
      PatternOp::kEqual;  // kEqual, kIn (one term per member), kLike, kMatches, kIsSubset
  PatternLiteral value;
  bool exact = true;    // false for LIKE and MATCHES
  size_t offset = 0;    // of the comparison
  int observation = 0;  // index of the [ ... ] holding it, left to right from 0
  // Terms with the same id are joined by AND inside one [ ... ] (they describe one object).
  int conjunction = 0;
  // The innermost START/STOP window that applies, as written; empty when none.
  std::string start, stop;
};

// A part of a pattern that a list of values does not represent. `reason` is a short stable
// category ("negated comparison not extracted"); `text` renders the part itself.
struct PatternIssue {
  size_t offset = 0;
  std::string reason;
  std::string text;
};

struct PatternTerms {
  std::vector<PatternTerm> terms;
  std::vector<PatternIssue> issues;
};

PatternTerms ExtractPatternTerms(const Pattern& pattern);

// ParsePattern then ExtractPatternTerms, with the same result and the same errors. The shape
// feeds write for nearly every indicator, one comparison [type:property = 'text'], is read
// without building the syntax tree.
Result<PatternTerms> ParsePatternTerms(std::string_view text);

// The indicator type an object path names: ipv4-addr:value, ipv6-addr:value, domain-name:value,
// url:value, email-addr:value, email-message:from_ref.value / sender_ref.value,
// file:hashes.<MD5|SHA-1|SHA-256|SHA-512|SSDEEP|TLSH> (also artifact:hashes; MISP's SHA256
// spellings accepted), file:extensions.'windows-pebinary-ext'.imphash,
// x509-certificate:hashes.<SHA-1|SHA-256>, x509-certificate:serial_number,
// autonomous-system:number. Paths whose type depends on other comparisons (network-traffic
// src_ref/dst_ref values, ports, resolves_to_refs) are handled by ExtractPatternIndicators.
std::optional<IndicatorType> IndicatorTypeForPath(const ObjectPath& path);

// Parses a value a STIX path of `type` holds. A url value without "://" is classified first,
// since MISP-STIX writes bare IPs and domains there (an IP stays an IP rather than becoming an
// invented "http://<ip>/"); a url value that does not parse strictly is classified too.
// `note` (when not null) then says what was done ("url:value holds a value of type ipv4").
Result<Indicator> ParseStixValue(IndicatorType type, std::string_view text, std::string* note);

struct PatternIndicator {
  Indicator indicator;
  bool exact = true;
  std::string path;      // ObjectPath::ToString() of the term(s) it came from
  std::string original;  // the literal(s) as written
  size_t offset = 0;
  std::string start, stop;  // START/STOP window, as written
  // Set when the value was not of the path's type and was classified instead
  // ("url:value holds a domain").
  std::string note;
};

// Two values the same [ ... ] ties together: "resolves-to" (domain-name:value with
// resolves_to_refs[*].value).
struct PatternLink {
  Indicator from;
  std::string kind;
  Indicator to;
};

struct PatternExtraction {
  std::vector<PatternIndicator> indicators;
  std::vector<PatternLink> links;
  std::vector<PatternIssue> issues;  // ExtractPatternTerms' issues plus unmapped terms
};

// network-traffic:{src,dst}_ref.value become an IP (or the type a `_ref.type` comparison in
// the same conjunction names); with {src,dst}_port in the same conjunction they also become an
// Endpoint. LIKE values become a wildcard domain ('%.example.com') or, without wildcards, the
// plain value; MATCHES values only when the expression is an anchored literal ('^a\.test$');
// both stay flagged not exact. ISSUBSET on an address path is a CIDR.
PatternExtraction ExtractPatternIndicators(const Pattern& pattern);
// ParsePatternTerms then the mapping above: ParsePattern + ExtractPatternIndicators in one call,
// with the same result and errors.
Result<PatternExtraction> ParsePatternIndicators(std::string_view text);
// The same into `out`, whose vectors and strings are reused (a reader calling this for each of
// millions of indicators allocates little); `out` is fully overwritten on success and left in an
// unspecified state on error.
Status ParsePatternIndicators(std::string_view text, PatternExtraction& out);

}  // namespace cotenant
