// SHA-256 (FIPS 180-4) for the content hash that makes ingest idempotent. Incremental: feed
// the file in chunks. Not a security boundary; no dependency needed for 100 lines.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace cotenant::store {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // Lower-case hex digest; the object must not be updated afterwards.
  std::string HexDigest();

 private:
  void Block(const unsigned char* p);
  std::array<uint32_t, 8> h_;
  std::array<unsigned char, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

}  // namespace cotenant::store
