// The shape of name nearly every feed holds, shared by DomainName::Parse and Url::Parse so that
// both take the same shortcut for it. Private to src/core; pure, thread-safe.
#pragma once

#include <string_view>

namespace cotenant::core {

// True when `name` is ASCII labels of letters, digits, '_' and '-' that need no IDNA processing:
// at least two, each 1-63 bytes, none starting or ending with '-' or being an A-label ("xn--"),
// a non-numeric top-level label, at most 253 bytes, no root dot and no wildcard. DomainName::Parse
// makes such a name canonical by lower-casing it, and it is its own display form.
bool IsPlainAsciiName(std::string_view name);

}  // namespace cotenant::core
