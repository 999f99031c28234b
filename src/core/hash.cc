#include "cotenant/hash.h"

#include <cstdint>
#include <string>

#include "core/quote.h"

namespace cotenant {
namespace {

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Index of the first byte that is not a hex digit, or npos.
size_t FirstNonHex(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsHexDigit(text[i])) return i;
  }
  return std::string_view::npos;
}

std::string LowerHex(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

Status NotHexError(std::string_view text, size_t at) {
  return InvalidArgument(QuoteInput(text) + ": " + QuoteByte(text[at]) + " at offset " +
                         std::to_string(at) + " is not a hex digit");
}

// ssdeep base64 alphabet.
bool IsSsdeepChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

bool LooksLikeSsdeep(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (size_t i = 0; i < colon; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

// "blocksize:hash1:hash2": blocksize is 3 * 2^k (k = 0..30), hash1 at most 64 and hash2 at most
// 64 base64 characters (ssdeep writes at most 32 for hash2; some tools keep 64). Both may be
// empty: "3::" is the ssdeep of empty input. Case is significant and kept.
Status CheckSsdeep(std::string_view text) {
  size_t c1 = text.find(':');
  if (c1 == std::string_view::npos) {
    return InvalidArgument(QuoteInput(text) + ": an ssdeep hash has the shape blocksize:hash:hash");
  }
  size_t c2 = text.find(':', c1 + 1);
  if (c2 == std::string_view::npos || text.find(':', c2 + 1) != std::string_view::npos) {
    return InvalidArgument(QuoteInput(text) +
                           ": an ssdeep hash has exactly three parts, blocksize:hash:hash");
  }
  std::string_view block = text.substr(0, c1);
  if (block.empty() || block.size() > 10) {
    return InvalidArgument(QuoteInput(text) + ": ssdeep block size must be 1-10 digits");
  }
  uint64_t size = 0;
  for (char c : block) {
    if (c < '0' || c > '9') {
      return InvalidArgument(QuoteInput(text) + ": ssdeep block size " + QuoteInput(block) +
                             " is not a decimal number");
    }
    size = size * 10 + static_cast<uint64_t>(c - '0');
  }
  bool valid_size = false;
  for (uint64_t s = 3; s <= (uint64_t{3} << 30); s <<= 1) {
    if (s == size) valid_size = true;
  }
  if (!valid_size || block[0] == '0') {
    return InvalidArgument(QuoteInput(text) + ": ssdeep block size " + std::string(block) +
                           " is not 3 times a power of two");
  }
  std::string_view h1 = text.substr(c1 + 1, c2 - c1 - 1);
  std::string_view h2 = text.substr(c2 + 1);
  for (std::string_view part : {h1, h2}) {
    if (part.size() > 64) {
      return InvalidArgument(QuoteInput(text) + ": ssdeep hash part longer than 64 characters");
    }
    for (char c : part) {
      if (!IsSsdeepChar(c)) {
        return InvalidArgument(QuoteInput(text) + ": " + QuoteByte(c) +
                               " is not an ssdeep (base64) character");
      }
    }
  }
  return Status::Ok();
}

struct HexKind {
  HashKind kind;
  size_t digits;
  const char* label;
};
constexpr HexKind kHexKinds[] = {
    {HashKind::kMd5, 32, "an MD5"},         {HashKind::kSha1, 40, "a SHA-1"},
    {HashKind::kSha256, 64, "a SHA-256"},   {HashKind::kSha512, 128, "a SHA-512"},
    {HashKind::kImphash, 32, "an imphash"},
};

constexpr size_t kTlshDigits = 70;

}  // namespace

std::string_view HashKindName(HashKind kind) {
  switch (kind) {
    case HashKind::kMd5:
      return "md5";
    case HashKind::kSha1:
      return "sha1";
    case HashKind::kSha256:
      return "sha256";
    case HashKind::kSha512:
      return "sha512";
    case HashKind::kSsdeep:
      return "ssdeep";
    case HashKind::kTlsh:
      return "tlsh";
    case HashKind::kImphash:
      return "imphash";
  }
  return "unknown";
}

Result<Hash> Hash::Parse(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty hash");
  if (LooksLikeSsdeep(text)) return Parse(text, HashKind::kSsdeep);
  if (text.size() == kTlshDigits + 2 && (text[0] == 'T' || text[0] == 't') && text[1] == '1') {
    return Parse(text, HashKind::kTlsh);
  }
  if (size_t bad = FirstNonHex(text); bad != std::string_view::npos) {
    return NotHexError(text, bad);
  }
  switch (text.size()) {
    case 32:
      return Parse(text, HashKind::kMd5);
    case 40:
      return Parse(text, HashKind::kSha1);
    case 64:
      return Parse(text, HashKind::kSha256);
    case 128:
      return Parse(text, HashKind::kSha512);
    case kTlshDigits:
      return Parse(text, HashKind::kTlsh);
    default:
      break;
  }
  return InvalidArgument(QuoteInput(text) + ": " + std::to_string(text.size()) +
                         " hex digits is not a hash length (32, 40, 64, 128)");
}

Result<Hash> Hash::Parse(std::string_view text, HashKind kind) {
  auto make = [kind](std::string value) {
    Hash h;
    h.kind_ = kind;
    h.value_ = std::move(value);
    return h;
  };
  if (text.empty()) return InvalidArgument("empty " + std::string(HashKindName(kind)) + " hash");
  if (kind == HashKind::kSsdeep) {
    COTENANT_RETURN_IF_ERROR(CheckSsdeep(text));
    return make(std::string(text));
  }
  if (kind == HashKind::kTlsh) {
    // TLSH 4.x writes "T1" + 70 hex; older versions wrote the same 70 hex without the version
    // prefix. Canonical: "t1" + lower-case hex, so both spellings of a digest compare equal.
    std::string_view body = text;
    if (body.size() >= 2 && (body[0] == 'T' || body[0] == 't') && body[1] == '1') {
      body.remove_prefix(2);
    }
    if (size_t bad = FirstNonHex(body); bad != std::string_view::npos) {
      return NotHexError(text, bad + (text.size() - body.size()));
    }
    if (body.size() != kTlshDigits) {
      return InvalidArgument(QuoteInput(text) + ": " + std::to_string(body.size()) +
                             " hex digits, a TLSH has 70 (optionally after \"T1\")");
    }
    return make("t1" + LowerHex(body));
  }
  const HexKind* want = nullptr;
  for (const HexKind& k : kHexKinds) {
    if (k.kind == kind) want = &k;
  }
  if (want == nullptr) return InvalidArgument("unknown hash kind");
  if (size_t bad = FirstNonHex(text); bad != std::string_view::npos) {
    return NotHexError(text, bad);
  }
  if (text.size() != want->digits) {
    return InvalidArgument(QuoteInput(text) + ": " + std::to_string(text.size()) + " hex digits, " +
                           want->label + " has " + std::to_string(want->digits));
  }
  return make(LowerHex(text));
}

namespace {

// Strips separators from "AB:CD:EF" / "AB CD EF" / "abcdef" into lower-case hex. Separated
// text must use one separator throughout, between pairs of hex digits.
Result<std::string> FingerprintHex(std::string_view text, std::string_view what) {
  if (text.empty()) return InvalidArgument("empty " + std::string(what));
  char sep = 0;
  for (char c : text) {
    if (c == ':' || c == ' ') {
      sep = c;
      break;
    }
  }
  if (sep == 0) {
    if (size_t bad = FirstNonHex(text); bad != std::string_view::npos) {
      return NotHexError(text, bad);
    }
    return LowerHex(text);
  }
  std::string hex;
  size_t pos = 0;
  while (true) {
    size_t end = text.find(sep, pos);
    std::string_view group = text.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (group.size() != 2) {
      return InvalidArgument(QuoteInput(text) + ": separated " + std::string(what) +
                             " must be pairs of hex digits, found " + QuoteInput(group));
    }
    if (size_t bad = FirstNonHex(group); bad != std::string_view::npos) {
      return NotHexError(text, pos + bad);
    }
    hex += LowerHex(group);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return hex;
}

}  // namespace

Result<CertFingerprint> CertFingerprint::Parse(std::string_view text) {
  COTENANT_ASSIGN_OR_RETURN(std::string hex, FingerprintHex(text, "certificate fingerprint"));
  if (hex.size() % 2 != 0) {
    return InvalidArgument(QuoteInput(text) + ": odd number of hex digits (" +
                           std::to_string(hex.size()) + ") in a certificate fingerprint");
  }
  size_t bytes = hex.size() / 2;
  if (bytes == 20) {
    CertFingerprint f;
    f.kind_ = CertHashKind::kSha1;
    f.hex_ = std::move(hex);
    return f;
  }
  if (bytes == 32) {
    CertFingerprint f;
    f.kind_ = CertHashKind::kSha256;
    f.hex_ = std::move(hex);
    return f;
  }
  return InvalidArgument(QuoteInput(text) + ": " + std::to_string(bytes) +
                         " bytes is not a certificate fingerprint length (20 for SHA-1, 32 for "
                         "SHA-256)");
}

Result<CertSerial> CertSerial::Parse(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty certificate serial");
  std::string hex;
  if (text.find(':') == std::string_view::npos) {
    if (size_t bad = FirstNonHex(text); bad != std::string_view::npos) {
      return NotHexError(text, bad);
    }
    hex = LowerHex(text);
    if (hex.size() % 2 != 0) hex.insert(hex.begin(), '0');
  } else {
    // "01:a2:..." as OpenSSL prints it; a leading group may have one digit ("1:a2").
    size_t pos = 0;
    while (true) {
      size_t end = text.find(':', pos);
      std::string_view group = text.substr(pos, end == std::string_view::npos ? end : end - pos);
      if (group.empty() || group.size() > 2 || (group.size() == 1 && pos != 0)) {
        return InvalidArgument(QuoteInput(text) +
                               ": colon-separated serial must be pairs of hex digits, found " +
                               QuoteInput(group));
      }
      if (size_t bad = FirstNonHex(group); bad != std::string_view::npos) {
        return NotHexError(text, pos + bad);
      }
      if (group.size() == 1) hex += '0';
      hex += LowerHex(group);
      if (end == std::string_view::npos) break;
      pos = end + 1;
    }
  }
  size_t zeros = 0;
  while (zeros < hex.size() && hex[zeros] == '0' && hex[zeros + 1] == '0') zeros += 2;
  // Keep one byte for the (non-conforming, but seen) serial 0.
  if (zeros == hex.size()) zeros -= 2;
  hex.erase(0, zeros);
  if (hex.size() / 2 > 20) {
    return InvalidArgument(QuoteInput(text) + ": " + std::to_string(hex.size() / 2) +
                           " bytes, a certificate serial has at most 20 (RFC 5280)");
  }
  CertSerial serial;
  serial.hex_ = std::move(hex);
  return serial;
}

Result<TlsFingerprint> TlsFingerprint::Parse(std::string_view text, TlsFingerprintKind kind) {
  const char* name = kind == TlsFingerprintKind::kJa3    ? "JA3"
                     : kind == TlsFingerprintKind::kJa3s ? "JA3S"
                                                         : "JARM";
  if (text.empty()) return InvalidArgument(std::string("empty ") + name + " fingerprint");
  if (size_t bad = FirstNonHex(text); bad != std::string_view::npos) {
    return NotHexError(text, bad);
  }
  size_t want = kind == TlsFingerprintKind::kJarm ? 62 : 32;
  if (text.size() != want) {
    return InvalidArgument(QuoteInput(text) + ": " + std::to_string(text.size()) +
                           " hex digits, a " + name + " fingerprint has " + std::to_string(want));
  }
  if (kind == TlsFingerprintKind::kJarm && text.find_first_not_of('0') == std::string_view::npos) {
    // JARM writes 62 zeros when the server answered none of its probes: not a fingerprint.
    return InvalidArgument(QuoteInput(text) + ": the all-zero JARM means no TLS answer");
  }
  TlsFingerprint f;
  f.kind_ = kind;
  f.hex_ = LowerHex(text);
  return f;
}

}  // namespace cotenant
