// Canonicalization of values as logs write them, for the hot path: no allocation, no
// exceptions, false when the text is not the expected shape. Slow paths (IDN, escaped bytes,
// URLs) live with their callers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "match/snapshot_format.h"

namespace cotenant::match_internal {

// Dotted-quad IPv4, no leading zeros (as Zeek and Suricata print it). Host order.
bool ParseIpv4(std::string_view text, uint32_t* out);

// An address as logs print it: dotted quad, any RFC 4291 IPv6 text (a "%zone" suffix and
// surrounding brackets are dropped). IPv4-mapped IPv6 becomes IPv4. Returns 4, 6 or 0.
int ParseIp(std::string_view text, uint32_t* v4, match_format::Uint128* v6);

// RFC 5952 text of an IPv6 address into `out` (at least 46 bytes); returns the length.
size_t FormatIpv6(const match_format::Uint128& v6, char* out);
// Dotted quad into `out` (at least 16 bytes); returns the length.
size_t FormatIpv4(uint32_t v4, char* out);

inline constexpr size_t kMaxName = 255;

enum class HostShape { kAscii, kNeedsSlowPath, kInvalid };
// Lower-cases an ASCII DNS name into `out` (kMaxName bytes), dropping one trailing dot.
// kNeedsSlowPath: bytes >= 0x80 or a backslash escape (IDN text, Zeek "\xNN" escapes).
HostShape CanonicalHost(std::string_view text, char* out, size_t* length);

// Strips a ":port" suffix and IPv6 brackets from an HTTP Host header value.
std::string_view HostWithoutPort(std::string_view host);

// Lower-case hex, with ':' and ' ' separators removed, into `out` (at most 128 digits).
// Returns false when a byte is not hex or there are too many digits.
bool CanonicalHex(std::string_view text, char* out, size_t* length);

// The host part of a canonical URL ("http://user@[2001:db8::1]:8080/a" -> "2001:db8::1").
std::string_view UrlHostOf(std::string_view canonical_url);

// The address inside "Name <user@example.org>" (or the text itself), trimmed.
std::string_view EmailAddressOf(std::string_view text);

// Decodes Zeek's "\xNN" escapes (and leaves other bytes alone) into `out` (capacity `cap`).
// Returns the length, or SIZE_MAX when `out` is too small.
size_t UnescapeZeek(std::string_view text, char* out, size_t cap);

}  // namespace cotenant::match_internal
