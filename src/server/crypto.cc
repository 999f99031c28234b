#include "server/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <vector>

namespace cotenant::server {
namespace {

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xf];
  }
  return out;
}

std::vector<unsigned char> Digest(const EVP_MD* md, std::string_view data) {
  std::vector<unsigned char> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  out.resize(len);
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  std::vector<unsigned char> d = Digest(EVP_sha256(), data);
  return Hex(d.data(), d.size());
}

Result<std::string> RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
    return IoError("the random number generator failed");
  }
  return Hex(buf.data(), buf.size());
}

std::string UuidV5(std::string_view namespace_uuid, std::string_view name) {
  std::string input;
  for (size_t i = 0; i + 1 < namespace_uuid.size(); ++i) {
    int hi = HexValue(namespace_uuid[i]);
    if (hi < 0) continue;  // dashes
    int lo = HexValue(namespace_uuid[i + 1]);
    input += static_cast<char>(hi << 4 | lo);
    ++i;
  }
  input.append(name);
  std::vector<unsigned char> d = Digest(EVP_sha1(), input);
  d[6] = static_cast<unsigned char>((d[6] & 0x0f) | 0x50);  // version 5
  d[8] = static_cast<unsigned char>((d[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string hex = Hex(d.data(), 16);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cotenant::server
