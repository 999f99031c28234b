// Fuzzes every parser in hash.h. Properties: no crash or sanitizer report; an accepted value's
// canonical text is accepted again with the same kind and text (canonicalization is a fixed
// point), and canonical hex is lower case.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cotenant/hash.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

bool NoUpperHex(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'F') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cotenant;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto h = Hash::Parse(text); h.ok()) {
    auto again = Hash::Parse(h->ToString());
    Check(again.ok() && *again == *h);
    if (h->kind() != HashKind::kSsdeep) Check(NoUpperHex(h->ToString()));
  }
  for (HashKind kind : {HashKind::kMd5, HashKind::kSha1, HashKind::kSha256, HashKind::kSha512,
                        HashKind::kSsdeep, HashKind::kTlsh, HashKind::kImphash}) {
    if (auto h = Hash::Parse(text, kind); h.ok()) {
      Check(h->kind() == kind);
      auto again = Hash::Parse(h->ToString(), kind);
      Check(again.ok() && *again == *h);
    } else {
      Check(!h.status().message().empty());
    }
  }
  if (auto f = CertFingerprint::Parse(text); f.ok()) {
    Check(f->ToString().size() == (f->kind() == CertHashKind::kSha1 ? 40 : 64));
    auto again = CertFingerprint::Parse(f->ToString());
    Check(again.ok() && *again == *f);
  }
  if (auto s = CertSerial::Parse(text); s.ok()) {
    Check(!s->ToString().empty() && s->ToString().size() <= 40 && s->ToString().size() % 2 == 0);
    auto again = CertSerial::Parse(s->ToString());
    Check(again.ok() && *again == *s);
  }
  for (TlsFingerprintKind kind :
       {TlsFingerprintKind::kJa3, TlsFingerprintKind::kJa3s, TlsFingerprintKind::kJarm}) {
    if (auto f = TlsFingerprint::Parse(text, kind); f.ok()) {
      auto again = TlsFingerprint::Parse(f->ToString(), kind);
      Check(again.ok() && *again == *f);
    }
  }
  return 0;
}
