// Private helpers shared by the network value types (ip.cc, cidr.cc, endpoint.cc).
//
// The parsers work on borrowed text and report a bare reason ("octet 256 out of range"); the
// public factories prefix the whole input they were given, so a prefix or endpoint error names
// the prefix or endpoint, not only its address part.
#pragma once

#include <string>
#include <string_view>

#include "cotenant/ip.h"
#include "cotenant/status.h"

namespace cotenant::net_internal {

// The input as it appears in an error message: in backquotes, control bytes and non-ASCII
// bytes as \xNN (so a NUL or invalid UTF-8 never reaches a log raw), cut after 64 bytes
// ("`1111...1111`... (78 bytes)").
std::string QuoteInput(std::string_view text);

// "`text`: reason", as an invalid-argument Status.
Status InvalidInput(std::string_view text, std::string_view reason);

// Parses IPv4 or IPv6 text; on failure returns the reason only (no quoted input).
// `text_is_v6` (optional) tells whether the text was IPv6 syntax, which matters for a mapped
// address ("::ffff:10.0.0.0" is an IPv4 value written in 128-bit IPv6 syntax).
Result<IpAddress> ParseIpReason(std::string_view text, bool* text_is_v6 = nullptr);

// Strict unsigned decimal: 1+ ASCII digits, no sign, no leading zero unless the number is "0",
// min <= value <= max. Returns the reason on failure; `what` names the field ("port").
Result<uint32_t> ParseDecimal(std::string_view digits, uint32_t min, uint32_t max,
                              std::string_view what);

// True when the text starts or ends with ASCII whitespace (space, \t, \n, \r, \v, \f).
bool HasOuterSpace(std::string_view text);

}  // namespace cotenant::net_internal
