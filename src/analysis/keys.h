// Keys: the levels at which a value can be shared. Private to the analysis.
//
// Every value maps to a short list of keys: its exact key first, then the coarser levels
// derived from it (an endpoint gives its IP, /24, ASN, provider and port; a URL its host,
// registrable domain, path scheme and port). A key is a 64-bit code: 8 bits of KeyKind and a
// 56-bit payload (an IPv4 address, a port, a value index, or an index into a string pool).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cotenant/analysis.h"
#include "cotenant/enrichment.h"

namespace cotenant::analysis_internal {

enum class KeyKind : uint8_t {
  kIp4 = 1,
  kIp6,
  kEp4,
  kEp6,
  kDomain,
  kUrl,
  kUrlPath,
  kHash,
  kCert,
  kTls,
  kEmail,
  kTelegram,
  kCidr,
  kAsn,
  kOther,
  kSlash24,
  kSlash48,
  kProvider,
  kRegDomain,
  kPathScheme,
  kPort,
};

inline uint64_t MakeCode(KeyKind kind, uint64_t payload) {
  return (static_cast<uint64_t>(kind) << 56) | (payload & ((uint64_t{1} << 56) - 1));
}
inline KeyKind CodeKind(uint64_t code) { return static_cast<KeyKind>(code >> 56); }
inline uint64_t CodePayload(uint64_t code) { return code & ((uint64_t{1} << 56) - 1); }

// Interned strings with stable storage.
class StringPool {
 public:
  uint32_t Intern(std::string_view s);
  std::string_view Get(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

 private:
  std::deque<std::string> strings_;
  std::unordered_map<std::string_view, uint32_t> index_;
};

// The keys of every value (CSR), with dense key ids.
struct KeyTable {
  std::vector<uint64_t> codes;          // dense key id -> code, sorted
  std::vector<uint32_t> value_offsets;  // value -> range in value_keys
  std::vector<uint32_t> value_keys;     // dense key ids; the first of a value is its exact key
  std::vector<uint32_t> key_value;      // key -> the value whose exact key it is, or kNone
  StringPool pool;
  std::unordered_map<uint32_t, std::string> asn_names;  // ASN -> organization

  static constexpr uint32_t kNone = 0xffffffffu;
  size_t size() const { return codes.size(); }
  uint32_t exact_key(uint32_t value) const { return value_keys[value_offsets[value]]; }
};

KeyTable BuildKeyTable(const AnalysisInput& input, const AsnDatabase* asn);

// Display text of a key ("203.0.113.45:8443", "198.51.100.0/24", "AS64500 Example VPS").
std::string KeyText(const KeyTable& keys, const AnalysisInput& input, uint32_t key);

EvidenceLevel KeyLevel(KeyKind kind);
std::string_view LevelFamily(EvidenceLevel level);
double LevelWeight(EvidenceLevel level);

// Port and path a value carries (endpoint, URL), for the reallocation signs.
struct ValueDetail {
  int port = 0;  // 0 = none
  std::string path;
};
ValueDetail DetailOf(IndicatorType type, std::string_view canonical);

}  // namespace cotenant::analysis_internal
