// Access: API tokens, each with a TLP clearance and an organisation, for the server.
//
// A token is shown once, when it is added ("ctk_" + 64 hex digits from the OS's random source);
// the registry keeps only its SHA-256, so a stolen registry file does not give access. Tokens
// live in their own SQLite file (by default the store's path + ".tokens"), not in the store, so
// that the store stays a pure intelligence database and any Store backend works with it.
//
// Authenticate answers every failure (unknown, malformed, revoked) with the same
// PermissionDenied message, so that the answer tells nothing about which tokens exist.
//
// Threads: a TokenRegistry may be used from several threads at once (calls are serialized
// inside). Several processes may open the same file: a revocation by `cotenant token revoke`
// takes effect at the server's next request.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/marking.h"
#include "cotenant/status.h"
#include "cotenant/timestamp.h"

namespace cotenant {

// Who is calling, once authenticated.
struct Principal {
  int64_t token_id = 0;
  std::string name;          // the token's label ("acme-soc")
  std::string organisation;  // "ACME CERT"
  Tlp clearance = Tlp::kClear;
  bool can_ingest = false;  // may add to the store (POST /api/ingest, the TAXII inbox)
};

struct TokenInfo {
  int64_t id = 0;
  std::string name;
  std::string organisation;
  Tlp clearance = Tlp::kClear;
  Timestamp created = Timestamp::FromUnixSeconds(0);
  std::optional<Timestamp> revoked;
  bool can_ingest = false;
  std::string hash_prefix;  // first 12 hex digits of the SHA-256, to tell tokens apart
};

struct NewToken {
  TokenInfo info;
  std::string token;  // the secret; shown once, never stored
};

class TokenRegistry {
 public:
  // Opens (creating when needed) the registry file. Errors name the path.
  static Result<std::unique_ptr<TokenRegistry>> Open(const std::string& path);
  virtual ~TokenRegistry() = default;

  // `name` is a unique label (letters, digits, '-', '_', '.', '@'; 1-64 bytes); `clearance` is
  // a level (not kUnmarked); `organisation` is free text (1-200 bytes, no control characters).
  // Tokens read only; `can_ingest` lets one also add to the store. (Tokens of a registry made
  // before this permission existed keep the upload right they had: they are migrated with it.)
  virtual Result<NewToken> Add(std::string_view name, std::string_view organisation, Tlp clearance,
                               bool can_ingest) = 0;
  virtual Result<std::vector<TokenInfo>> List() = 0;
  // Revokes by label or by numeric id. NotFound when neither matches an active token.
  virtual Status Revoke(std::string_view name_or_id) = 0;
  // The principal for a presented token; PermissionDenied "invalid or revoked token" otherwise.
  virtual Result<Principal> Authenticate(std::string_view token) = 0;
};

// The token file that goes with a store file: "<db_path>.tokens".
std::string DefaultTokenPath(std::string_view db_path);

}  // namespace cotenant
