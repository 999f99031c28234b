// Content and fingerprint hashes: file hashes, fuzzy hashes, certificate fingerprints and
// serials, TLS client/server fingerprints. Canonical text is lower-case hex; ssdeep is kept as
// written (its base64 is case-sensitive); TLSH is "t1" + 70 lower-case hex, whether or not the
// input carried the "T1" version prefix (pre-4.0 TLSH wrote the same digest without it).
// Parsers are strict: no trimming, no "0x" or "sha256:" prefixes.
#pragma once

#include <string>
#include <string_view>

#include "cotenant/status.h"

namespace cotenant {

enum class HashKind {
  kMd5,      // 32 hex
  kSha1,     // 40 hex
  kSha256,   // 64 hex
  kSha512,   // 128 hex
  kSsdeep,   // "blocksize:hash:hash"
  kTlsh,     // 70 hex, or "T1" + 70 hex
  kImphash,  // 32 hex (an MD5 of the import table; only by context)
};

std::string_view HashKindName(HashKind kind);  // "md5", "sha1", ..., "imphash"

class Hash {
 public:
  // Guesses the kind from length and alphabet: 32 hex -> MD5, 40 -> SHA-1, 64 -> SHA-256,
  // 128 -> SHA-512, ssdeep and TLSH by their shape. Rejects anything else.
  static Result<Hash> Parse(std::string_view text);
  // Requires the text to have the shape of `kind`.
  static Result<Hash> Parse(std::string_view text, HashKind kind);

  HashKind kind() const { return kind_; }
  const std::string& ToString() const { return value_; }
  bool operator==(const Hash&) const = default;

 private:
  HashKind kind_ = HashKind::kMd5;
  std::string value_;
};

enum class CertHashKind { kSha1, kSha256 };

// An X.509 certificate fingerprint. Accepts plain hex or colon/space-separated pairs
// ("AB:CD:..."). The kind comes from the length: 20 bytes SHA-1, 32 bytes SHA-256.
class CertFingerprint {
 public:
  static Result<CertFingerprint> Parse(std::string_view text);
  CertHashKind kind() const { return kind_; }
  const std::string& ToString() const { return hex_; }  // lower-case hex, no separators
  bool operator==(const CertFingerprint&) const = default;

 private:
  CertHashKind kind_ = CertHashKind::kSha1;
  std::string hex_;
};

// An X.509 serial number: hex (colons allowed), leading zero bytes removed, lower case, 1-20
// bytes as RFC 5280 allows.
class CertSerial {
 public:
  static Result<CertSerial> Parse(std::string_view text);
  const std::string& ToString() const { return hex_; }
  bool operator==(const CertSerial&) const = default;

 private:
  std::string hex_;
};

enum class TlsFingerprintKind { kJa3, kJa3s, kJarm };

// JA3 / JA3S (an MD5: 32 hex) and JARM (62 hex). JA3 vs JA3S only by context. The all-zero
// JARM (the server answered no probe) is rejected: it is not a fingerprint.
class TlsFingerprint {
 public:
  static Result<TlsFingerprint> Parse(std::string_view text, TlsFingerprintKind kind);
  TlsFingerprintKind kind() const { return kind_; }
  const std::string& ToString() const { return hex_; }
  bool operator==(const TlsFingerprint&) const = default;

 private:
  TlsFingerprintKind kind_ = TlsFingerprintKind::kJa3;
  std::string hex_;
};

}  // namespace cotenant
