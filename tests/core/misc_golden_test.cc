// Golden files for the small value types: hashes, certificate fingerprints and serials, TLS
// fingerprints, timestamps, refanging and TLP names. Each line is "input<TAB>expected"; the
// expected column is "ok <canonical>" or "error: <message>". An input starting with "@<kind> "
// selects a parser by context (e.g. "@imphash 0123...", "@serial 01:02", "@jarm ...").
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "cotenant/hash.h"
#include "cotenant/marking.h"
#include "cotenant/refang.h"
#include "cotenant/timestamp.h"
#include "testing.h"

namespace cotenant {
namespace {

// Splits "@kind rest" into kind and rest; kind is empty when the input has no such prefix.
std::pair<std::string_view, std::string_view> SplitKind(std::string_view input) {
  if (input.empty() || input[0] != '@') return {{}, input};
  size_t space = input.find(' ');
  if (space == std::string_view::npos) return {{}, input};
  return {input.substr(1, space - 1), input.substr(space + 1)};
}

template <typename T>
std::string Describe(const Result<T>& r, std::string_view kind, const std::string& value) {
  if (!r.ok()) return "error: " + r.status().message();
  return "ok " + std::string(kind) + " " + value;
}

std::string RunHash(std::string_view input) {
  auto [kind_name, text] = SplitKind(input);
  Result<Hash> r = InvalidArgument("unset");
  if (kind_name.empty()) {
    r = Hash::Parse(text);
  } else {
    static constexpr HashKind kKinds[] = {HashKind::kMd5,    HashKind::kSha1,   HashKind::kSha256,
                                          HashKind::kSha512, HashKind::kSsdeep, HashKind::kTlsh,
                                          HashKind::kImphash};
    bool found = false;
    for (HashKind k : kKinds) {
      if (HashKindName(k) == kind_name) {
        r = Hash::Parse(text, k);
        found = true;
      }
    }
    if (!found) return "bad test: unknown kind " + std::string(kind_name);
  }
  return r.ok() ? Describe(r, HashKindName(r->kind()), r->ToString()) : Describe(r, "", "");
}

std::string RunCert(std::string_view input) {
  auto [kind_name, text] = SplitKind(input);
  if (kind_name == "serial") {
    auto r = CertSerial::Parse(text);
    return r.ok() ? Describe(r, "serial", r->ToString()) : Describe(r, "", "");
  }
  if (!kind_name.empty()) return "bad test: unknown kind " + std::string(kind_name);
  auto r = CertFingerprint::Parse(text);
  if (!r.ok()) return Describe(r, "", "");
  return Describe(r, r->kind() == CertHashKind::kSha1 ? "sha1" : "sha256", r->ToString());
}

std::string RunTls(std::string_view input) {
  auto [kind_name, text] = SplitKind(input);
  TlsFingerprintKind kind;
  if (kind_name == "ja3") {
    kind = TlsFingerprintKind::kJa3;
  } else if (kind_name == "ja3s") {
    kind = TlsFingerprintKind::kJa3s;
  } else if (kind_name == "jarm") {
    kind = TlsFingerprintKind::kJarm;
  } else {
    return "bad test: every line needs @ja3, @ja3s or @jarm";
  }
  auto r = TlsFingerprint::Parse(text, kind);
  if (r.ok() && r->kind() != kind) return "bad: kind changed";
  return r.ok() ? Describe(r, kind_name, r->ToString()) : Describe(r, "", "");
}

std::string RunTimestamp(std::string_view input) {
  auto r = Timestamp::Parse(input);
  if (!r.ok()) return "error: " + r.status().message();
  std::string out = "ok " + r->ToString() + " " + std::to_string(r->unix_seconds());
  // The canonical text must parse back to the same instant.
  auto again = Timestamp::Parse(r->ToString());
  if (!again.ok() || *again != *r) out += " ROUND-TRIP FAILED";
  return out;
}

// Bytes that are not part of well-formed UTF-8 as \xNN, so the golden file stays valid UTF-8
// (RunGoldenFile escapes control bytes itself).
std::string EscapeInvalidUtf8(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      ++i;
    }
  }
  return out;
}

std::string RunRefang(std::string_view input) {
  std::string out = "ok " + EscapeInvalidUtf8(Refang(input));
  if (LooksDefanged(input)) out += "  [defanged]";
  return out;
}

std::string RunTlp(std::string_view input) {
  auto [kind_name, text] = SplitKind(input);
  std::optional<Tlp> tlp;
  if (kind_name == "stix") {
    tlp = TlpFromStixMarkingId(text);
  } else if (kind_name.empty()) {
    tlp = TlpFromName(text);
  } else {
    return "bad test: unknown kind " + std::string(kind_name);
  }
  if (!tlp) return "error: not a TLP " + std::string(kind_name.empty() ? "name" : "marking id");
  return "ok " + std::string(TlpName(*tlp));
}

struct GoldenCase {
  const char* file;
  std::string (*fn)(std::string_view);
  size_t min_cases;  // guards against a truncated file passing vacuously
};

class MiscGoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(MiscGoldenTest, MatchesGoldenFile) {
  const GoldenCase& c = GetParam();
  std::string path = testing::SourcePath(std::string("tests/golden/core/") + c.file);
  EXPECT_GE(testing::CountGoldenCases(path), c.min_cases) << path;
  for (const std::string& failure : testing::RunGoldenFile(path, c.fn)) ADD_FAILURE() << failure;
}

INSTANTIATE_TEST_SUITE_P(Core, MiscGoldenTest,
                         ::testing::Values(GoldenCase{"hash.txt", RunHash, 60},
                                           GoldenCase{"cert.txt", RunCert, 25},
                                           GoldenCase{"tls_fingerprint.txt", RunTls, 15},
                                           GoldenCase{"timestamp.txt", RunTimestamp, 60},
                                           GoldenCase{"refang.txt", RunRefang, 60},
                                           GoldenCase{"tlp.txt", RunTlp, 20}),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) {
                           std::string name = info.param.file;
                           name = name.substr(0, name.find('.'));
                           return name;
                         });

}  // namespace
}  // namespace cotenant
