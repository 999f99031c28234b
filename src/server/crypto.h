// Small wrappers over OpenSSL's libcrypto: SHA-256, SHA-1, random bytes, name-based UUIDs.
#pragma once

#include <string>
#include <string_view>

#include "cotenant/status.h"

namespace cotenant::server {

std::string Sha256Hex(std::string_view data);  // lower-case hex
// `bytes` random bytes from the OS's generator, as lower-case hex.
Result<std::string> RandomHex(size_t bytes);
// RFC 4122 version 5 (SHA-1, name-based) UUID of `name` in `namespace_uuid` (canonical text).
std::string UuidV5(std::string_view namespace_uuid, std::string_view name);
// Constant-time comparison of equal-length strings (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace cotenant::server
