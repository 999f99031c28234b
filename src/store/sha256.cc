#include "store/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace cotenant::store {
namespace {

// libcrypto fails here only when it cannot allocate or has no SHA-256: an installation or
// memory error, never bad input, so it aborts rather than hashing wrongly.
void Check(int ok, const char* what) {
  if (ok != 1) {
    std::fprintf(stderr, "cotenant: libcrypto SHA-256 %s failed\n", what);
    std::abort();
  }
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  Check(ctx_ != nullptr ? 1 : 0, "context allocation");
  Check(EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr), "init");
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(std::string_view data) {
  Check(EVP_DigestUpdate(ctx_, data.data(), data.size()), "update");
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  Check(EVP_DigestFinal_ex(ctx_, digest, &len), "final");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace cotenant::store
