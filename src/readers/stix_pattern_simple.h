// The one-comparison pattern shape nearly every feed writes, `[type:property = 'text']`, read in
// one pass without tokens or a syntax tree (private to the STIX pattern code in src/readers).
//
// ScanSimpleComparison accepts a subset of the grammar's language, token for token: white space
// between tokens, no comments, `=` or `==`, identifiers as the lexer reads them (a keyword or
// boolean is not an identifier; a property name with '-' is refused), string literals with the
// \' and \\ escapes only. Anything else, errors included, returns false and must go through the
// full grammar, which reports what is wrong.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cotenant::pattern_internal {

struct SimpleComparison {
  std::string_view object_type;  // points into the scanned text
  std::string_view property;     // a plain identifier (renders unquoted), points into the text
  std::string value;             // the decoded string literal (the buffer is reused)
  size_t offset = 0;             // character offset of the comparison (after '[')
};

// Fills `out` and returns true when `text` is exactly one simple comparison.
bool ScanSimpleComparison(std::string_view text, SimpleComparison& out);

}  // namespace cotenant::pattern_internal
