// SHA-256 (FIPS 180-4) for the content hash that makes ingest idempotent. Incremental: feed
// the file in chunks. Backed by libcrypto (OpenSSL), which uses the CPU's SHA extensions where
// present: hashing the input was a tenth of a large STIX ingest with a portable C++ version.
// Not a security boundary. Not thread-safe; one object per hash.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace cotenant::store {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view data);
  // Lower-case hex digest; the object must not be updated afterwards.
  std::string HexDigest();

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace cotenant::store
