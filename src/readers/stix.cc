// STIX 2.0 / 2.1 reader: see stix.h for the contract.
#include "readers/stix.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cotenant/indicator.h"
#include "cotenant/marking.h"
#include "cotenant/observation.h"
#include "cotenant/stix_pattern.h"
#include "cotenant/timestamp.h"
#include "readers/common.h"
#include "readers/json_stream.h"

namespace cotenant {
namespace {

namespace dom = simdjson::dom;

constexpr size_t kMaxRejectionText = 200;
// Largest object read (JsonStreamOptions::max_element_bytes); a larger one is reported.
constexpr size_t kMaxObjectBytes = size_t{64} << 20;
// Text parsed at once in pass 2: small enough that the parse stays in cache while its objects
// are emitted.
constexpr size_t kRunBytes = size_t{128} << 10;
constexpr size_t kMaxDescription = 300;
// Longest chain of relationships followed from an actor to a value (actor -> campaign ->
// malware -> infrastructure -> SCO -> ... ); longer chains say little about attribution.
constexpr int kMaxAttributionHops = 5;

std::optional<std::string_view> Str(dom::object o, std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

bool Has(dom::object o, std::string_view key) {
  dom::element e;
  return o[key].get(e) == simdjson::SUCCESS;
}

std::optional<dom::array> Arr(dom::object o, std::string_view key) {
  dom::array a;
  if (o[key].get_array().get(a) != simdjson::SUCCESS) return std::nullopt;
  return a;
}

std::optional<dom::object> Obj(dom::object o, std::string_view key) {
  dom::object v;
  if (o[key].get_object().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

// The string members of an array (others skipped); empty when there is no array.
std::vector<std::string_view> Strings(std::optional<dom::array> array) {
  std::vector<std::string_view> out;
  if (array) {
    for (dom::element e : *array) {
      std::string_view s;
      if (e.get_string().get(s) == simdjson::SUCCESS) out.push_back(s);
    }
  }
  return out;
}

std::vector<std::string_view> StrList(dom::object o, std::string_view key) {
  return Strings(Arr(o, key));
}

std::string Truncate(std::string_view s, size_t n = kMaxRejectionText) {
  if (s.size() <= n) return std::string(s);
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return std::string(s.substr(0, cut)) + "...";
}

// One line: runs of white space become one space; long text is cut.
std::string OneLine(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return Truncate(out, kMaxDescription);
}

bool IsActorType(std::string_view t) { return t == "intrusion-set" || t == "threat-actor"; }

bool IsScoType(std::string_view t) {
  static const std::set<std::string_view> kScos = {"artifact",
                                                   "autonomous-system",
                                                   "directory",
                                                   "domain-name",
                                                   "email-addr",
                                                   "email-message",
                                                   "file",
                                                   "ipv4-addr",
                                                   "ipv6-addr",
                                                   "mac-addr",
                                                   "mutex",
                                                   "network-traffic",
                                                   "process",
                                                   "software",
                                                   "url",
                                                   "user-account",
                                                   "windows-registry-key",
                                                   "x509-certificate"};
  return kScos.count(t) > 0;
}

std::optional<IndicatorType> FileHashKind(std::string_view key, bool certificate) {
  std::string k;
  for (char c : key) {
    if (c == '-' || c == '_' || c == ' ') continue;
    k += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (certificate) {
    if (k == "SHA1") return IndicatorType::kCertSha1;
    if (k == "SHA256") return IndicatorType::kCertSha256;
    return std::nullopt;
  }
  if (k == "MD5") return IndicatorType::kMd5;
  if (k == "SHA1") return IndicatorType::kSha1;
  if (k == "SHA256") return IndicatorType::kSha256;
  if (k == "SHA512") return IndicatorType::kSha512;
  if (k == "SSDEEP") return IndicatorType::kSsdeep;
  if (k == "TLSH") return IndicatorType::kTlsh;
  return std::nullopt;
}

bool IsHashType(IndicatorType t) {
  switch (t) {
    case IndicatorType::kMd5:
    case IndicatorType::kSha1:
    case IndicatorType::kSha256:
    case IndicatorType::kSha512:
    case IndicatorType::kSsdeep:
    case IndicatorType::kTlsh:
    case IndicatorType::kImphash:
      return true;
    default:
      return false;
  }
}

Role RoleFromInfrastructureTypes(const std::vector<std::string_view>& types) {
  for (std::string_view t : types) {
    if (t == "command-and-control" || t == "botnet") return Role::kC2;
    if (t == "hosting-malware" || t == "staging") return Role::kPayloadHost;
    if (t == "phishing") return Role::kPhishing;
    if (t == "exfiltration") return Role::kExfiltration;
    if (t == "anonymization") return Role::kProxy;
  }
  return Role::kUnknown;
}

// Where the document keeps its objects, for JSON paths.
enum class Layout : uint8_t {
  kBundle,  // {"type": "bundle", "objects": [...]}: "$.objects[12]"
  kArray,   // a bare array of objects: "$[12]"
  kSingle,  // one object: "$"
};

std::string ObjectPath(Layout layout, size_t index) {
  switch (layout) {
    case Layout::kBundle:
      return "$.objects[" + std::to_string(index) + "]";
    case Layout::kArray:
      return "$[" + std::to_string(index) + "]";
    case Layout::kSingle:
      break;
  }
  return "$";
}

// A stored object of the document. Kept small (one per object of a bundle of millions): the
// JSON path is built when a record needs it.
// The members of an object in order, found in one walk over its keys (CheckObject): a lookup
// compares keys here rather than walking the parse again. Objects with more members than it
// holds are looked up in the parse.
struct FieldIndex {
  static constexpr size_t kMax = 24;
  std::array<std::pair<std::string_view, dom::element>, kMax> fields;
  size_t size = 0;
  bool complete = true;
};

struct StixObject {
  std::string_view type, id;
  dom::object object;
  const FieldIndex* fields = nullptr;  // set for carriers being emitted
  uint64_t keys = 0;  // KeyBit of every key the object has: a lookup of another key is skipped
  uint32_t index = 0;
  Layout layout = Layout::kBundle;
  bool kept = true;  // false for a superseded duplicate
  std::string Path() const { return ObjectPath(layout, index); }
  // Path() into `out`, reusing its buffer.
  void PathInto(std::string& out) const {
    switch (layout) {
      case Layout::kBundle:
        out.assign("$.objects[");
        break;
      case Layout::kArray:
        out.assign("$[");
        break;
      case Layout::kSingle:
        out.assign("$");
        return;
    }
    char digits[16];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
    out.append(digits, end);
    out += ']';
  }
};

// What an object's attribution to one actor rests on.
struct Attribution {
  std::string actor;
  Tlp tlp = Tlp::kUnmarked;  // most restrictive marking along the path (not the object's own)
  std::vector<std::string> reports;  // report ids the attribution came through
  std::string_view infrastructure;   // the infrastructure passed on the way, if any
};

// A bit per key (a one-word Bloom filter): most lookups of an object are of keys it does not
// have ("valid_until", "confidence", "labels"...), and a miss otherwise walks all its keys.
uint64_t KeyBit(std::string_view key) {
  size_t h = key.size() * 0x9E37u;
  if (!key.empty()) {
    h += static_cast<unsigned char>(key.front()) * 31u + static_cast<unsigned char>(key.back());
  }
  return uint64_t{1} << (h % 64);
}

bool MayHave(const StixObject& o, std::string_view key) { return (o.keys & KeyBit(key)) != 0; }

// The first member `key` of `o`, as a lookup in the parse would find it.
bool Field(const StixObject& o, std::string_view key, dom::element& out) {
  if (!MayHave(o, key)) return false;
  if (o.fields != nullptr && o.fields->complete) {
    for (size_t i = 0; i < o.fields->size; ++i) {
      const auto& [k, v] = o.fields->fields[i];
      if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0) {
        out = v;
        return true;
      }
    }
    return false;
  }
  return o.object[key].get(out) == simdjson::SUCCESS;
}

std::optional<std::string_view> Str(const StixObject& o, std::string_view key) {
  dom::element e;
  std::string_view v;
  if (!Field(o, key, e) || e.get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

bool Has(const StixObject& o, std::string_view key) {
  dom::element e;
  return Field(o, key, e);
}

std::optional<dom::array> Arr(const StixObject& o, std::string_view key) {
  dom::element e;
  dom::array a;
  if (!Field(o, key, e) || e.get_array().get(a) != simdjson::SUCCESS) return std::nullopt;
  return a;
}

std::optional<dom::object> Obj(const StixObject& o, std::string_view key) {
  dom::element e;
  dom::object v;
  if (!Field(o, key, e) || e.get_object().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

std::vector<std::string_view> StrList(const StixObject& o, std::string_view key) {
  return Strings(Arr(o, key));
}

// What makes an emitted observation a repeat of one already emitted from the same place.
struct EmittedKey {
  IndicatorType type = IndicatorType::kIpv4;
  std::string value;
  std::string actor;
  std::string json_path;
  int64_t first = -1;  // unix seconds, -1 = none
  int64_t last = -1;
  bool operator==(const EmittedKey&) const = default;
};
struct EmittedKeyHash {
  size_t operator()(const EmittedKey& k) const {
    std::hash<std::string_view> text;
    size_t h = text(k.value);
    h = h * 0x9e3779b97f4a7c15ULL + text(k.json_path);
    h = h * 0x9e3779b97f4a7c15ULL + text(k.actor);
    h = h * 0x9e3779b97f4a7c15ULL + static_cast<size_t>(k.type);
    h = h * 0x9e3779b97f4a7c15ULL + static_cast<size_t>(k.first);
    h = h * 0x9e3779b97f4a7c15ULL + static_cast<size_t>(k.last);
    return h;
  }
};

struct Edge {
  std::string_view child;
  Tlp tlp = Tlp::kUnmarked;  // the relationship's marking
};

// One value read from an SCO or a pattern, with what the observation needs.
struct Value {
  Indicator indicator;
  std::string original;
  std::string json_path;
  bool exact = true;
  std::string note;
  Tlp granular = Tlp::kUnmarked;
  std::optional<Timestamp> first, last;
};

// Where the document comes from: read twice as a stream, and at an offset for the objects a
// record refers to.
class StixInput {
 public:
  virtual ~StixInput() = default;
  virtual Result<std::string> Stream(const readers::JsonStreamOptions& options,
                                     const readers::JsonElementCallback& on_element) = 0;
  // The bytes [offset, offset + n) of the input into `dst`.
  virtual Status ReadAt(int64_t offset, size_t n, char* dst) = 0;
  // The whole input (a document that is one object).
  virtual Result<std::string> ReadAll() = 0;
  // Bytes in the input, or -1 when unknown.
  virtual int64_t Size() = 0;
};

class TextInput : public StixInput {
 public:
  TextInput(std::string_view text, const std::string& name) : text_(text), name_(name) {}
  Result<std::string> Stream(const readers::JsonStreamOptions& options,
                             const readers::JsonElementCallback& on_element) override {
    return readers::StreamJsonText(text_, name_, options, on_element);
  }
  Status ReadAt(int64_t offset, size_t n, char* dst) override {
    if (offset < 0 || static_cast<size_t>(offset) > text_.size() ||
        n > text_.size() - static_cast<size_t>(offset)) {
      return InvalidArgument(name_ + ": object at byte " + std::to_string(offset) +
                             " is past the end of the input");
    }
    std::memcpy(dst, text_.data() + offset, n);
    return Status::Ok();
  }
  Result<std::string> ReadAll() override { return std::string(text_); }
  int64_t Size() override { return static_cast<int64_t>(text_.size()); }

 private:
  std::string_view text_;
  const std::string& name_;
};

class FileInput : public StixInput {
 public:
  explicit FileInput(const std::string& path) : path_(path) {}
  ~FileInput() override {
    if (fd_ >= 0) ::close(fd_);
  }
  FileInput(const FileInput&) = delete;
  FileInput& operator=(const FileInput&) = delete;

  Status Open() {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return IoError(path_ + ": cannot read: " + std::strerror(errno));
    return Status::Ok();
  }
  Result<std::string> Stream(const readers::JsonStreamOptions& options,
                             const readers::JsonElementCallback& on_element) override {
    return readers::StreamJsonFile(path_, options, on_element);
  }
  Status ReadAt(int64_t offset, size_t n, char* dst) override {
    size_t done = 0;
    while (done < n) {
      ssize_t k = ::pread(fd_, dst + done, n - done, offset + static_cast<int64_t>(done));
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) {
        return IoError(path_ + ": cannot read the object at byte " + std::to_string(offset) +
                       (k < 0 ? std::string(": ") + std::strerror(errno) : ": file shrank"));
      }
      done += static_cast<size_t>(k);
    }
    return Status::Ok();
  }
  Result<std::string> ReadAll() override {
    return readers::ReadWholeFile(path_, readers::kMaxJsonBytes);
  }
  int64_t Size() override {
    struct stat st;
    return ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<int64_t>(st.st_size) : -1;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// The objects a bundle has millions of: indicators, observables (SCOs) and observed data.
// Nothing points into them but ids, so pass 1 keeps only this entry and pass 2 (or a record
// that refers to one) reads the object again from the input.
bool IsCarrierType(std::string_view t) {
  return t == "indicator" || t == "observed-data" || IsScoType(t);
}

uint64_t HashId(std::string_view id) { return std::hash<std::string_view>{}(id); }

struct Carrier {
  uint64_t id_hash = 0;      // HashId of its id
  int64_t offset = 0;        // of its text in the input
  uint32_t length = 0;       // of its text
  uint32_t index = 0;        // in the objects array
  Tlp tlp = Tlp::kUnmarked;  // of its object_marking_refs
  bool kept = true;          // false for a superseded duplicate
};

// What pass 1 needs of a carrier, read from its text without a parse: the first "type", "id",
// "object_marking_refs" and "object_refs" members at the top level. False (the caller then
// parses the text) for anything unusual: a key or one of these strings with an escape, one of
// these members of another JSON type, a structure that does not close. The text is parsed
// whole in pass 2 (or when it is read again), which finds any error this scan lets through.
struct CarrierHeader {
  std::string_view type, id;
  std::vector<std::string_view> marking_refs, object_refs;
  bool has_type = false, has_id = false, has_markings = false, has_refs = false;
};

class HeaderScanner {
 public:
  explicit HeaderScanner(std::string_view text)
      : p_(text.data()), end_(text.data() + text.size()) {}

  bool Scan(CarrierHeader& h) {
    h.marking_refs.clear();
    h.object_refs.clear();
    h.has_type = h.has_id = h.has_markings = h.has_refs = false;
    Space();
    if (!Eat('{')) return false;
    Space();
    if (Eat('}')) return p_ == end_;
    while (true) {
      std::string_view key;
      if (!PlainString(key)) return false;
      Space();
      if (!Eat(':')) return false;
      Space();
      bool ok = true;
      const size_t n = key.size();
      if (n != 2 && n != 4 && n != 11 && n != 19) {
        ok = SkipValue(0);
      } else if (key == "type" && !h.has_type) {
        h.has_type = true;
        ok = PlainString(h.type);
      } else if (key == "id" && !h.has_id) {
        h.has_id = true;
        ok = PlainString(h.id);
      } else if (key == "object_marking_refs" && !h.has_markings) {
        h.has_markings = true;
        ok = StringArray(h.marking_refs);
      } else if (key == "object_refs" && !h.has_refs) {
        h.has_refs = true;
        ok = StringArray(h.object_refs);
      } else {
        ok = SkipValue(0);
      }
      if (!ok) return false;
      Space();
      if (Eat(',')) {
        Space();
        continue;
      }
      if (!Eat('}')) return false;
      Space();
      return p_ == end_;
    }
  }

 private:
  void Space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool Eat(char c) {
    if (p_ >= end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  // A string without escapes or control characters.
  bool PlainString(std::string_view& out) {
    if (!Eat('"')) return false;
    const char* begin = p_;
    while (p_ < end_ && *p_ != '"') {
      if (*p_ == '\\' || static_cast<unsigned char>(*p_) < 0x20) return false;
      ++p_;
    }
    if (p_ >= end_) return false;
    out = std::string_view(begin, static_cast<size_t>(p_ - begin));
    ++p_;
    return true;
  }
  bool StringArray(std::vector<std::string_view>& out) {
    if (!Eat('[')) return false;
    Space();
    if (Eat(']')) return true;
    while (true) {
      std::string_view v;
      if (!PlainString(v)) return false;
      out.push_back(v);
      Space();
      if (Eat(',')) {
        Space();
        continue;
      }
      return Eat(']');
    }
  }
  // Any value, escapes allowed in strings; nesting is bounded as a parse would bound it.
  bool SkipValue(int depth) {
    if (p_ >= end_ || depth > 1000) return false;
    const char c = *p_;
    if (c == '"') {
      ++p_;
      while (true) {
        const char* q = static_cast<const char*>(std::memchr(p_, '"', end_ - p_));
        if (q == nullptr) return false;
        size_t backslashes = 0;
        while (q - backslashes > p_ && q[-1 - static_cast<ptrdiff_t>(backslashes)] == '\\') {
          ++backslashes;
        }
        p_ = q + 1;
        if (backslashes % 2 == 0) return true;
      }
    }
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++p_;
      Space();
      if (Eat(close)) return true;
      while (true) {
        if (c == '{') {
          if (p_ >= end_ || *p_ != '"' || !SkipValue(depth + 1)) return false;
          Space();
          if (!Eat(':')) return false;
          Space();
        }
        if (!SkipValue(depth + 1)) return false;
        Space();
        if (Eat(',')) {
          Space();
          continue;
        }
        return Eat(close);
      }
    }
    // A number, true, false or null: up to the next delimiter.
    const char* begin = p_;
    while (p_ < end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && *p_ != ' ' && *p_ != '\n' &&
           *p_ != '\r' && *p_ != '\t') {
      ++p_;
    }
    return p_ > begin;
  }

  const char* p_;
  const char* end_;
};

struct HashEntry {
  uint64_t hash = 0;
  uint32_t position = 0;  // in the carriers' document order
};

// Stable LSD radix sort by hash (16 bits a pass): a million entries in a few tens of ms, where
// a comparison sort takes several times that.
void SortByHash(std::vector<HashEntry>& v) {
  std::vector<HashEntry> tmp(v.size());
  std::vector<uint32_t> count(size_t{1} << 16);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (const HashEntry& e : v) ++count[(e.hash >> shift) & 0xFFFF];
    uint32_t sum = 0;
    for (uint32_t& c : count) {
      uint32_t n = c;
      c = sum;
      sum += n;
    }
    for (const HashEntry& e : v) tmp[count[(e.hash >> shift) & 0xFFFF]++] = e;
    v.swap(tmp);
  }
}

class StixReader {
 public:
  StixReader(std::string file, const ReadOptions& options, IngestSink& sink)
      : file_(std::move(file)), options_(options), sink_(sink) {
    std::filesystem::path p(file_);
    file_source_ = p.stem().string();
    if (file_source_.empty()) file_source_ = file_;
  }

  Status Run(StixInput& input, const StixReadTuning& tuning) {
    input_ = &input;
    readers::JsonStreamStats stream_stats;
    readers::JsonStreamOptions stream;
    stream.array_paths = {{"objects"}, {}};  // a bundle or TAXII envelope; a top-level array
    stream.read_chunk_bytes = tuning.read_chunk_bytes;
    stream.max_element_bytes = kMaxObjectBytes;
    stream.stats = &stream_stats;
    // Pass 1: every object once; graph objects keep their text, carriers an entry. Room for
    // an entry per 128 bytes of input, so the entries are not copied as they grow (pages not
    // written to are not resident).
    if (int64_t size = input.Size(); size > 0) {
      carriers_.reserve(static_cast<size_t>(size / 128));
      by_hash_.reserve(static_cast<size_t>(size / 128));
    }
    graph_text_ = "[";
    auto envelope = input.Stream(
        stream, [this](const readers::JsonStreamElement& e) { return CollectElement(e); });
    if (!envelope.ok()) return envelope.status();
    bool single = false;
    COTENANT_RETURN_IF_ERROR(ReadEnvelope(*envelope, single));
    if (single) {
      COTENANT_RETURN_IF_ERROR(ReadSingleObject(input));
    } else {
      for (auto& r : pending_rejections_) Deliver(std::move(r));
      pending_rejections_ = {};
      COTENANT_RETURN_IF_ERROR(ParseGraphObjects());
    }
    IndexObjects();
    BuildGraph();
    Attribute();
    EmitActors();
    // Pass 2: every kept object in document order. Carriers are read again in runs of
    // consecutive elements of the array (about read_chunk_bytes of text), each run parsed as
    // one JSON array: one parse per run rather than per object.
    size_t next_graph = 0;
    auto emit_graph_upto = [&](size_t index) {
      for (; next_graph < objects_.size() && objects_[next_graph].index <= index; ++next_graph) {
        if (objects_[next_graph].kept) EmitObject(objects_[next_graph]);
      }
    };
    const int64_t run_bytes =
        static_cast<int64_t>(std::clamp<size_t>(tuning.read_chunk_bytes, 1, kRunBytes));
    for (size_t first = 0; first < carriers_.size();) {
      if (!carriers_[first].kept) {
        ++first;
        continue;
      }
      size_t last = first;
      const int64_t start = carriers_[first].offset;
      while (last + 1 < carriers_.size() &&
             carriers_[last + 1].offset + carriers_[last + 1].length - start <= run_bytes) {
        ++last;
      }
      COTENANT_RETURN_IF_ERROR(EmitRun(first, last, emit_graph_upto));
      first = last + 1;
    }
    emit_graph_upto(SIZE_MAX);
    if (tuning.stats != nullptr) {
      StixReadStats& st = *tuning.stats;
      st.peak_buffer_bytes =
          std::max({st.peak_buffer_bytes, stream_stats.peak_buffer_bytes, run_text_.capacity()});
      st.carriers = carriers_.size();
      st.graph_objects = objects_.size();
      st.graph_text_bytes = graph_text_.size();
      st.peak_loaded_objects = std::max(st.peak_loaded_objects, peak_loaded_);
    }
    return Status::Ok();
  }

 private:
  // Emits carriers first..last (and the graph objects before each) from one read of their text.
  template <typename EmitGraphUpto>
  Status EmitRun(size_t first, size_t last, EmitGraphUpto& emit_graph_upto) {
    const int64_t start = carriers_[first].offset;
    const size_t n = static_cast<size_t>(carriers_[last].offset + carriers_[last].length - start);
    run_text_.reserve(n + 2 + readers::kJsonPadding);
    run_text_.resize(n + 2);
    COTENANT_RETURN_IF_ERROR(input_->ReadAt(start, n, run_text_.data() + 1));
    // The bytes between two elements are a comma and white space: with brackets around, the
    // run is a JSON array of the elements first..last and those between them.
    run_text_.front() = '[';
    run_text_.back() = ']';
    const size_t first_index = carriers_[first].index;
    const size_t count = carriers_[last].index - first_index + 1;
    dom::element root;
    dom::array list;
    if (parser_.parse(run_text_.data(), run_text_.size(), false).get(root) != simdjson::SUCCESS ||
        root.get_array().get(list) != simdjson::SUCCESS || list.size() != count) {
      // Not parseable as a whole: object by object, which names the one that is not JSON.
      for (size_t c = first; c <= last; ++c) {
        if (!carriers_[c].kept) continue;
        emit_graph_upto(carriers_[c].index);
        std::string text(carriers_[c].length, '\0');
        COTENANT_RETURN_IF_ERROR(input_->ReadAt(carriers_[c].offset, text.size(), text.data()));
        text.reserve(text.size() + readers::kJsonPadding);
        dom::parser parser;
        StixObject o;
        COTENANT_RETURN_IF_ERROR(ParseCarrier(text, carriers_[c], parser, o));
        EmitCarrier(carriers_[c], o);
      }
      return Status::Ok();
    }
    size_t index = first_index;
    size_t c = first;
    for (dom::element e : list) {
      emit_graph_upto(index);
      if (c <= last && carriers_[c].index == index) {
        if (carriers_[c].kept) {
          StixObject o;
          if (CheckObject(e, index, layout_, o, &run_fields_)) {
            return InvalidArgument(file_ + ": " + ObjectPath(layout_, index) +
                                   " changed between two reads of the input");
          }
          EmitCarrier(carriers_[c], o);
        }
        ++c;
      }
      ++index;
    }
    return Status::Ok();
  }

  void EmitCarrier(const Carrier& c, const StixObject& o) {
    current_carrier_ = &c;
    current_ = &o;
    EmitObject(o);
    current_carrier_ = nullptr;
    current_ = nullptr;
  }

  // ---- helpers -------------------------------------------------------------------------

  Rejection MakeRejection(const std::string& json_path, std::string reason,
                          std::string_view text) const {
    Rejection r;
    r.location.file = file_;
    r.location.json_path = json_path;
    r.reason = std::move(reason);
    r.text = Truncate(text);
    return r;
  }

  void Deliver(Rejection&& r) {
    sink_.OnRejection(std::move(r));
    ++rejected_;
  }

  void Reject(const std::string& json_path, std::string reason, std::string_view text = {}) {
    Deliver(MakeRejection(json_path, std::move(reason), text));
  }

  // Parses an optional timestamp field; a present but invalid one is reported and ignored.
  std::optional<Timestamp> Time(const StixObject& o, std::string_view key) {
    auto s = Str(o, key);
    if (!s) {
      if (Has(o, key)) Reject(o.Path() + "." + std::string(key), "timestamp is not a string");
      return std::nullopt;
    }
    // Bulk exports repeat one timestamp over many objects: the last one read is remembered.
    if (last_time_ && *s == last_time_text_) return last_time_;
    auto t = Timestamp::Parse(*s);
    if (!t.ok()) {
      Reject(o.Path() + "." + std::string(key), "invalid timestamp: " + t.status().message(), *s);
      return std::nullopt;
    }
    last_time_text_.assign(*s);
    last_time_ = *t;
    return *t;
  }

  // A timestamp field of an object read for context (reported where the object is read).
  static std::optional<Timestamp> QuietTime(const StixObject& o, std::string_view key) {
    auto s = Str(o, key);
    if (!s) return std::nullopt;
    auto t = Timestamp::Parse(*s);
    if (!t.ok()) return std::nullopt;
    return *t;
  }

  // first <= last, or the last is dropped (and reported).
  void CheckInterval(const StixObject& o, std::string_view last_key,
                     const std::optional<Timestamp>& first, std::optional<Timestamp>& last) {
    if (first && last && *last < *first) {
      Reject(o.Path() + "." + std::string(last_key), std::string(last_key) + " is before the start",
             last->ToString());
      last.reset();
    }
  }

  // The kept object with this id: a graph object, or a carrier read again from the input (valid
  // until the next object is emitted).
  const StixObject* Find(std::string_view id) const {
    if (auto it = by_id_.find(id); it != by_id_.end()) return it->second;
    if (current_ != nullptr && current_->id == id) return current_;
    for (const HashEntry& entry : CarrierRange(HashId(id))) {
      const uint32_t c = entry.position;
      if (!carriers_[c].kept) continue;
      const StixObject* o = LoadCarrier(c);
      if (o != nullptr && o->id == id) return o;
    }
    return nullptr;
  }

  // The carriers whose id hashes to `hash`, in document order.
  std::span<const HashEntry> CarrierRange(uint64_t hash) const {
    auto [begin, end] =
        std::equal_range(by_hash_.begin(), by_hash_.end(), HashEntry{hash, 0},
                         [](const HashEntry& a, const HashEntry& b) { return a.hash < b.hash; });
    return std::span<const HashEntry>(by_hash_.data() + (begin - by_hash_.begin()),
                                      static_cast<size_t>(end - begin));
  }

  // Reads carrier `c` again for a record that refers to it. Loaded objects stay until the next
  // object is emitted (ForgetLoaded), so their number is bounded by what one object refers to.
  const StixObject* LoadCarrier(uint32_t c) const {
    for (size_t i = 0; i < loaded_used_; ++i) {
      if (loaded_[i]->carrier == c) return loaded_[i]->ok ? &loaded_[i]->object : nullptr;
    }
    if (loaded_used_ == loaded_.size()) loaded_.push_back(std::make_unique<LoadedObject>());
    LoadedObject& l = *loaded_[loaded_used_++];
    peak_loaded_ = std::max(peak_loaded_, loaded_used_);
    l.carrier = c;
    l.ok = false;
    const Carrier& entry = carriers_[c];
    l.text.resize(entry.length);
    if (!input_->ReadAt(entry.offset, entry.length, l.text.data()).ok()) return nullptr;
    l.text.reserve(l.text.size() + readers::kJsonPadding);
    if (!ParseCarrier(l.text, entry, l.parser, l.object, &l.fields).ok()) return nullptr;
    l.ok = true;
    return &l.object;
  }

  void ForgetLoaded() { loaded_used_ = 0; }

  // Parses a carrier's text into `out` (valid until `parser` parses again).
  Status ParseCarrier(std::string_view json, const Carrier& c, dom::parser& parser, StixObject& out,
                      FieldIndex* fields = nullptr) const {
    dom::element e;
    if (auto error = parser.parse(json.data(), json.size(), false).get(e);
        error != simdjson::SUCCESS) {
      return InvalidArgument(file_ + ": not valid JSON: " + simdjson::error_message(error) + " (" +
                             ObjectPath(layout_, c.index) + ")");
    }
    if (auto rejection = CheckObject(e, c.index, layout_, out, fields)) {
      return InvalidArgument(file_ + ": " + ObjectPath(layout_, c.index) +
                             " changed between two reads of the input");
    }
    return Status::Ok();
  }

  Tlp MarkingTlp(std::string_view ref) const {
    if (auto it = marking_tlp_.find(ref); it != marking_tlp_.end()) return it->second;
    if (auto t = TlpFromStixMarkingId(ref)) return *t;
    return Tlp::kUnmarked;
  }

  // The markings of the object with this id. A carrier is found by the hash of its id (a
  // different id with the same 64-bit hash would be taken for it).
  Tlp ObjectTlp(std::string_view id) const {
    if (auto it = object_tlp_.find(id); it != object_tlp_.end()) return it->second;
    if (!carrier_marked_) return Tlp::kUnmarked;
    if (current_carrier_ != nullptr && current_->id == id) return current_carrier_->tlp;
    for (const HashEntry& entry : CarrierRange(HashId(id))) {
      if (carriers_[entry.position].kept) return carriers_[entry.position].tlp;
    }
    return Tlp::kUnmarked;
  }

  bool InObservedData(std::string_view id) const {
    return !in_observed_data_.empty() && in_observed_data_.count(HashId(id)) > 0;
  }

  // Granular markings of `o` whose selectors cover `field` ("pattern", "objects.0.value").
  Tlp GranularTlp(const StixObject& o, std::string_view field) const {
    Tlp tlp = Tlp::kUnmarked;
    auto list = Arr(o, "granular_markings");
    if (!list) return tlp;
    for (dom::element e : *list) {
      dom::object g;
      if (e.get_object().get(g) != simdjson::SUCCESS) continue;
      auto ref = Str(g, "marking_ref");
      if (!ref) continue;
      for (std::string_view sel : StrList(g, "selectors")) {
        bool covers =
            sel == field || (field.size() > sel.size() && field.substr(0, sel.size()) == sel &&
                             field[sel.size()] == '.');
        if (covers) tlp = MostRestrictive(tlp, MarkingTlp(*ref));
      }
    }
    return tlp;
  }

  // The source name for records of `o`; a name seen for the first time is announced. The
  // reference is valid until the next call.
  const std::string& SourceOf(const StixObject& o) {
    std::string_view name = options_.source;
    if (name.empty()) {
      if (auto ref = Str(o, "created_by_ref")) {
        if (auto it = identity_name_.find(*ref); it != identity_name_.end()) name = it->second;
      }
    }
    if (name.empty()) name = file_source_;
    if (source_set_ && name == source_) return source_;  // the common case: as the last object
    source_set_ = true;
    source_.assign(name);
    if (emitted_sources_.insert(source_).second) {
      Source s;
      s.name = source_;
      sink_.OnSource(s);
    }
    return source_;
  }

  std::vector<std::string> ExternalUrls(const StixObject& o) const {
    std::vector<std::string> out;
    if (auto refs = Arr(o, "external_references")) {
      for (dom::element e : *refs) {
        dom::object r;
        if (e.get_object().get(r) != simdjson::SUCCESS) continue;
        if (auto url = Str(r, "url")) out.emplace_back(*url);
      }
    }
    return out;
  }

  static void AddUnique(std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
  }

  // ---- pass 1: objects, duplicates, index --------------------------------------------------

  // The object at `index` as a StixObject, or why it is not one.
  std::optional<Rejection> CheckObject(dom::element e, size_t index, Layout layout, StixObject& out,
                                       FieldIndex* fields = nullptr) const {
    dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) {
      return MakeRejection(ObjectPath(layout, index), "not a JSON object", simdjson::minify(e));
    }
    // "type", "id" and the key filter in one walk over the keys (the first of a repeated key
    // counts, as with a lookup).
    std::optional<std::string_view> type, id;
    bool type_seen = false, id_seen = false;
    uint64_t keys = 0;
    if (fields != nullptr) {
      fields->size = 0;
      fields->complete = true;
    }
    for (dom::key_value_pair field : o) {
      keys |= KeyBit(field.key);
      if (fields != nullptr) {
        if (fields->size < FieldIndex::kMax) {
          fields->fields[fields->size++] = {field.key, field.value};
        } else {
          fields->complete = false;
        }
      }
      // Compared by size first, then with fixed-size compares the compiler inlines (the
      // string_view comparison stays a call in this file).
      const std::string_view key = field.key;
      if (!type_seen && key.size() == 4 && std::memcmp(key.data(), "type", 4) == 0) {
        type_seen = true;
        std::string_view v;
        if (field.value.get_string().get(v) == simdjson::SUCCESS) type = v;
      } else if (!id_seen && key.size() == 2 && key[0] == 'i' && key[1] == 'd') {
        id_seen = true;
        std::string_view v;
        if (field.value.get_string().get(v) == simdjson::SUCCESS) id = v;
      }
    }
    if (!type || type->empty()) {
      return MakeRejection(ObjectPath(layout, index), "object without a type", simdjson::minify(e));
    }
    if (!id || id->empty()) {
      // STIX 2.0 embedded observables aside, every object has an id.
      return MakeRejection(ObjectPath(layout, index), "object without an id", simdjson::minify(e));
    }
    if (id->size() < type->size() + 2 || id->substr(0, type->size()) != *type ||
        id->substr(type->size(), 2) != "--") {
      return MakeRejection(ObjectPath(layout, index) + ".id",
                           "id does not start with its type '" + std::string(*type) + "--'", *id);
    }
    out.type = *type;
    out.id = *id;
    out.object = o;
    out.keys = keys;
    out.index = static_cast<uint32_t>(index);
    out.layout = layout;
    out.kept = true;
    out.fields = fields;
    return std::nullopt;
  }

  void AddObject(dom::element e, size_t index, Layout layout) {
    StixObject so;
    if (auto rejection = CheckObject(e, index, layout, so)) {
      Deliver(std::move(*rejection));
      return;
    }
    objects_.push_back(so);
  }

  // Pass 1, one element of the streamed array. Rejections wait until the envelope shows the
  // document is a bundle (or an array) whose elements these are.
  Status CollectElement(const readers::JsonStreamElement& e) {
    layout_ = e.path_index == 0 ? Layout::kBundle : Layout::kArray;
    const size_t index = e.indices.empty() ? 0 : e.indices.back();
    if (index > UINT32_MAX) return InvalidArgument(file_ + ": more than 2^32 objects");
    if (e.too_large) {
      pending_rejections_.push_back(MakeRejection(
          ObjectPath(layout_, index),
          "object larger than " + std::to_string(kMaxObjectBytes >> 20) + " MiB: not read",
          e.json));
      return Status::Ok();
    }
    if (e.json.size() > UINT32_MAX) return InvalidArgument(file_ + ": object too large");
    // Most objects are carriers with a plain header: no parse in this pass.
    CarrierHeader& h = header_;
    if (HeaderScanner(e.json).Scan(h) && h.has_type && h.has_id && IsCarrierType(h.type) &&
        h.id.size() >= h.type.size() + 2 && h.id.substr(0, h.type.size()) == h.type &&
        h.id.substr(h.type.size(), 2) == "--") {
      AddCarrier(e, index, h);
      return Status::Ok();
    }
    dom::element element;
    if (auto error = parser_.parse(e.json.data(), e.json.size(), false).get(element);
        error != simdjson::SUCCESS) {
      return InvalidArgument(file_ + ": not valid JSON: " + simdjson::error_message(error) + " (" +
                             ObjectPath(layout_, index) + ")");
    }
    StixObject o;
    if (auto rejection = CheckObject(element, index, layout_, o)) {
      pending_rejections_.push_back(std::move(*rejection));
      return Status::Ok();
    }
    if (!IsCarrierType(o.type)) {
      if (graph_index_.size() > 0) graph_text_ += ',';
      graph_text_.append(e.json);
      graph_index_.push_back(static_cast<uint32_t>(index));
      return Status::Ok();
    }
    h.type = o.type;
    h.id = o.id;
    h.marking_refs = StrList(o, "object_marking_refs");
    h.object_refs = StrList(o, "object_refs");
    AddCarrier(e, index, h);
    return Status::Ok();
  }

  void AddCarrier(const readers::JsonStreamElement& e, size_t index, const CarrierHeader& h) {
    Carrier c;
    c.id_hash = HashId(h.id);
    c.offset = e.offset;
    c.length = static_cast<uint32_t>(e.json.size());
    c.index = static_cast<uint32_t>(index);
    const uint32_t position = static_cast<uint32_t>(carriers_.size());
    for (std::string_view ref : h.marking_refs) {
      // A TLP id means the same as a marking-definition object with that id would (ReadMarking);
      // other ids wait for the marking definitions (BuildGraph).
      if (auto tlp = TlpFromStixMarkingId(ref)) {
        c.tlp = MostRestrictive(c.tlp, *tlp);
      } else {
        pending_markings_.emplace_back(position, std::string(ref));
      }
    }
    if (h.type == "observed-data") {
      for (std::string_view ref : h.object_refs) observed_refs_.emplace_back(position, HashId(ref));
    }
    carriers_.push_back(c);
    by_hash_.push_back({c.id_hash, position});
  }

  // What the document is, from what is left of it once its objects were streamed out. Sets
  // `single` for a document that is one object.
  Status ReadEnvelope(const std::string& envelope, bool& single) {
    dom::parser parser;
    dom::element root;
    if (auto error = parser.parse(envelope).get(root); error != simdjson::SUCCESS) {
      return InvalidArgument(file_ + ": not valid JSON: " + simdjson::error_message(error));
    }
    dom::object top;
    if (root.is_array()) return Status::Ok();
    if (root.get_object().get(top) != simdjson::SUCCESS) {
      return InvalidArgument(file_ + ": not STIX: the document is neither an object nor an array");
    }
    auto type = Str(top, "type");
    bool taxii = !type && Has(top, "objects");  // TAXII 2.1 envelope
    if ((type && *type == "bundle") || taxii) {
      if (Has(top, "objects") && !Arr(top, "objects")) {
        return InvalidArgument(file_ + ": bundle 'objects' is not an array");
      }
      return Status::Ok();
    }
    if (type && Has(top, "id")) {
      single = true;
      return Status::Ok();
    }
    return InvalidArgument(file_ + ": not STIX: no bundle, no objects and no typed object");
  }

  // A document that is one object is read whole (an "objects" array of its own was streamed
  // out as if it were a bundle's): what pass 1 kept is dropped.
  Status ReadSingleObject(StixInput& input) {
    pending_rejections_ = {};
    carriers_ = {};
    pending_markings_ = {};
    observed_refs_ = {};
    graph_index_ = {};
    COTENANT_ASSIGN_OR_RETURN(graph_text_, input.ReadAll());
    graph_text_.reserve(graph_text_.size() + readers::kJsonPadding);
    dom::element root;
    if (auto error = graph_parser_.parse(graph_text_).get(root); error != simdjson::SUCCESS) {
      return InvalidArgument(file_ + ": not valid JSON: " + simdjson::error_message(error));
    }
    layout_ = Layout::kSingle;
    AddObject(root, 0, Layout::kSingle);
    return Status::Ok();
  }

  // The graph objects' texts, kept in pass 1, parsed as one array: the maps built from them
  // point into this document for the rest of the read.
  Status ParseGraphObjects() {
    graph_text_ += ']';
    graph_text_.reserve(graph_text_.size() + readers::kJsonPadding);
    dom::element root;
    if (auto error = graph_parser_.parse(graph_text_).get(root); error != simdjson::SUCCESS) {
      return InvalidArgument(file_ + ": not valid JSON: " + simdjson::error_message(error));
    }
    dom::array list;
    if (root.get_array().get(list) != simdjson::SUCCESS || list.size() != graph_index_.size()) {
      return InvalidArgument(file_ + ": the objects kept in the first pass do not parse back");
    }
    objects_.reserve(graph_index_.size());
    size_t k = 0;
    for (dom::element e : list) {
      StixObject so;
      if (CheckObject(e, graph_index_[k++], layout_, so)) {
        return InvalidArgument(file_ + ": the objects kept in the first pass do not parse back");
      }
      objects_.push_back(so);
    }
    graph_index_ = {};
    return Status::Ok();
  }

  // Of two objects with one id and different content, the one with the newer `modified`.
  static bool Newer(std::string_view prev_modified, std::string_view this_modified) {
    auto tp = Timestamp::Parse(prev_modified);
    auto tt = Timestamp::Parse(this_modified);
    return tp.ok() && tt.ok() ? *tp < *tt : prev_modified < this_modified;
  }

  std::string DuplicateReason(std::string_view winner_path) const {
    return "duplicate id with different content: kept the newest modified (" +
           std::string(winner_path) + ")";
  }

  // Duplicate ids: the same object twice is kept once; different content keeps the newest
  // `modified` and reports the other. Reports come in document order of the later object.
  void IndexObjects() {
    std::vector<std::pair<uint32_t, Rejection>> reports;
    by_id_.reserve(objects_.size());
    for (auto& o : objects_) {
      auto [it, inserted] = by_id_.emplace(o.id, &o);
      if (inserted) continue;
      StixObject* prev = it->second;
      std::string a = simdjson::minify(prev->object);
      std::string b = simdjson::minify(o.object);
      if (a == b) {
        o.kept = false;  // the same object twice: nothing to report
        continue;
      }
      bool this_newer = Newer(Str(*prev, "modified").value_or(""), Str(o, "modified").value_or(""));
      StixObject* loser = this_newer ? prev : &o;
      StixObject* winner = this_newer ? &o : prev;
      loser->kept = false;
      it->second = winner;
      reports.emplace_back(o.index,
                           MakeRejection(loser->Path(), DuplicateReason(winner->Path()), o.id));
    }
    IndexCarriers(reports);
    std::stable_sort(reports.begin(), reports.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [index, r] : reports) Deliver(std::move(r));
    for (const auto& [c, hash] : observed_refs_) {
      if (carriers_[c].kept) in_observed_data_.insert(hash);
    }
    observed_refs_ = {};
  }

  // Sorts the carriers by id hash (document order among equal hashes); carriers whose ids
  // hash alike are read again to tell duplicates from collisions.
  void IndexCarriers(std::vector<std::pair<uint32_t, Rejection>>& reports) {
    SortByHash(by_hash_);
    struct Seen {
      uint32_t carrier;
      std::string id, minified, modified;
    };
    dom::parser parser;
    std::string text;
    for (size_t begin = 0; begin < by_hash_.size();) {
      size_t end = begin + 1;
      while (end < by_hash_.size() && by_hash_[end].hash == by_hash_[begin].hash) ++end;
      const size_t group_begin = begin;
      begin = end;
      if (end - group_begin == 1) continue;
      std::vector<Seen> winners;  // one per distinct id, in document order
      for (size_t k = group_begin; k < end; ++k) {
        const uint32_t position = by_hash_[k].position;
        Carrier& c = carriers_[position];
        StixObject o;
        text.resize(c.length);
        if (!input_->ReadAt(c.offset, c.length, text.data()).ok()) continue;
        text.reserve(text.size() + readers::kJsonPadding);
        if (!ParseCarrier(text, c, parser, o).ok()) continue;
        Seen seen{position, std::string(o.id), simdjson::minify(o.object),
                  std::string(Str(o, "modified").value_or(""))};
        auto w = std::find_if(winners.begin(), winners.end(),
                              [&](const Seen& x) { return x.id == seen.id; });
        if (w == winners.end()) {
          winners.push_back(std::move(seen));
          continue;
        }
        if (w->minified == seen.minified) {
          c.kept = false;  // the same object twice: nothing to report
          continue;
        }
        bool this_newer = Newer(w->modified, seen.modified);
        Carrier& prev = carriers_[w->carrier];
        Carrier& loser = this_newer ? prev : c;
        Carrier& winner = this_newer ? c : prev;
        loser.kept = false;
        reports.emplace_back(
            c.index, MakeRejection(ObjectPath(layout_, loser.index),
                                   DuplicateReason(ObjectPath(layout_, winner.index)), seen.id));
        if (this_newer) *w = std::move(seen);
      }
    }
  }

  // ---- pass 2: identities, markings, actors, relationships, reports ----------------------

  void BuildGraph() {
    for (auto& o : objects_) {
      if (!o.kept) continue;
      if (o.type == "identity") {
        if (auto name = Str(o, "name")) identity_name_[o.id] = std::string(*name);
      } else if (o.type == "marking-definition") {
        ReadMarking(o);
      }
    }
    for (const auto& [c, ref] : pending_markings_) {
      carriers_[c].tlp = MostRestrictive(carriers_[c].tlp, MarkingTlp(ref));
    }
    pending_markings_ = {};
    for (const Carrier& c : carriers_) carrier_marked_ |= c.kept && c.tlp != Tlp::kUnmarked;
    for (auto& o : objects_) {
      if (!o.kept) continue;
      Tlp tlp = Tlp::kUnmarked;
      for (std::string_view ref : StrList(o, "object_marking_refs")) {
        tlp = MostRestrictive(tlp, MarkingTlp(ref));
      }
      if (tlp != Tlp::kUnmarked) object_tlp_[o.id] = tlp;
      if (IsActorType(o.type)) {
        auto name = Str(o, "name");
        if (!name || name->empty()) {
          Reject(o.Path() + ".name", std::string(o.type) + " without a name");
        } else {
          actor_name_[o.id] = std::string(*name);
        }
      } else if (o.type == "x-misp-attribute") {
        // MISP-STIX exports the event's threat-actor attribute this way.
        if (Str(o, "x_misp_type").value_or("") == "threat-actor") {
          if (auto v = Str(o, "x_misp_value"); v && !v->empty()) {
            actor_name_[o.id] = std::string(*v);
          }
        }
      } else if (o.type == "relationship") {
        ReadRelationship(o);
      } else if (o.type == "sighting") {
        ReadSighting(o);
      } else if (o.type == "report" || o.type == "grouping") {
        ReadReport(o);
      } else if (o.type == "observed-data") {
        for (std::string_view ref : StrList(o, "object_refs")) {
          in_observed_data_.insert(HashId(ref));
        }
      }
    }
  }

  void ReadMarking(const StixObject& o) {
    std::optional<Tlp> tlp = TlpFromStixMarkingId(o.id);
    if (!tlp && Str(o, "definition_type").value_or("") == "tlp") {
      if (auto def = Obj(o, "definition")) {
        if (auto name = Str(*def, "tlp")) tlp = TlpFromName(*name);
      }
    }
    if (!tlp) {
      if (auto ext = Obj(o, "extensions")) {
        for (auto field : *ext) {
          dom::object body;
          if (field.value.get_object().get(body) != simdjson::SUCCESS) continue;
          if (auto name = Str(body, "tlp_2_0")) tlp = TlpFromName(*name);
        }
      }
    }
    if (!tlp) {
      if (auto name = Str(o, "name"); name && name->substr(0, 4) == "TLP:") {
        tlp = TlpFromName(*name);
      }
    }
    if (tlp) marking_tlp_[o.id] = *tlp;
  }

  std::string_view TypeOfId(std::string_view id) const {
    size_t dash = id.find("--");
    return dash == std::string_view::npos ? std::string_view() : id.substr(0, dash);
  }

  void AddEdge(std::string_view parent, std::string_view child, Tlp tlp) {
    children_[parent].push_back({child, tlp});
  }

  void ReadRelationship(const StixObject& o) {
    auto type = Str(o, "relationship_type");
    auto source = Str(o, "source_ref");
    auto target = Str(o, "target_ref");
    if (!type || !source || !target) {
      Reject(o.Path(), "relationship without relationship_type, source_ref or target_ref",
             simdjson::minify(o.object));
      return;
    }
    Tlp tlp = ObjectTlp(o.id);
    std::string_view st = TypeOfId(*source), tt = TypeOfId(*target);
    std::string_view rel = *type;
    if (st == "infrastructure" && (rel == "consists-of" || rel == "communicates-with")) {
      infrastructure_of_.emplace(*target, *source);  // role and time even without an actor
    }
    if (rel == "revoked-by") {
      revoked_by_[*source] = *target;
    } else if (rel == "attributed-to" || rel == "authored-by") {
      if (IsActorType(st) && IsActorType(tt)) {
        part_of_[*source].push_back(*target);
      } else {
        AddEdge(*target, *source, tlp);
      }
    } else if (rel == "indicates") {
      AddEdge(*target, *source, tlp);
    } else if (rel == "uses") {
      if (!IsActorType(tt)) AddEdge(*source, *target, tlp);
    } else if (rel == "controls" || rel == "hosts" || rel == "delivers") {
      if (st == "infrastructure" && (tt == "malware" || tt == "tool")) {
        AddEdge(*target, *source, tlp);
      } else {
        AddEdge(*source, *target, tlp);
      }
    } else if (rel == "communicates-with" || rel == "consists-of" || rel == "beacons-to" ||
               rel == "exfiltrates-to" || rel == "downloads" || rel == "drops" ||
               rel == "based-on") {
      AddEdge(*source, *target, tlp);
    }
    // related-to, resolves-to, belongs-to, targets, mitigates...: no attribution.
  }

  void ReadSighting(const StixObject& o) {
    auto of = Str(o, "sighting_of_ref");
    if (!of) {
      Reject(o.Path() + ".sighting_of_ref", "sighting without sighting_of_ref");
      return;
    }
    for (std::string_view od : StrList(o, "observed_data_refs")) {
      AddEdge(*of, od, ObjectTlp(o.id));
    }
  }

  void ReadReport(const StixObject& o) {
    auto refs = Arr(o, "object_refs");
    if (!refs) {
      Reject(o.Path() + ".object_refs", std::string(o.type) + " without object_refs");
      return;
    }
    for (std::string_view ref : StrList(o, "object_refs")) {
      report_members_[o.id].push_back(ref);
      reports_of_[ref].push_back(o.id);
    }
  }

  // ---- attribution ---------------------------------------------------------------------

  struct Step {
    std::string_view node;
    int hops;
    Tlp tlp;
    std::string_view infrastructure;
  };

  // Walks from `start` (an actor, or a report member for report-based attribution) and
  // records `actor` on every object reached that `accept` allows.
  template <typename Accept>
  void Walk(const std::string& actor, Step start, const std::string& report, Accept accept) {
    std::deque<Step> queue{start};
    std::unordered_set<std::string_view> seen{start.node};
    while (!queue.empty()) {
      Step s = queue.front();
      queue.pop_front();
      if (s.hops > 0 || !report.empty()) {
        if (accept(s.node)) Record(s.node, actor, s.tlp, report, s.infrastructure);
      }
      if (s.hops >= kMaxAttributionHops) continue;
      auto it = children_.find(s.node);
      if (it == children_.end()) continue;
      Tlp here = MostRestrictive(s.tlp, ObjectTlp(s.node));
      for (const Edge& e : it->second) {
        if (IsActorType(TypeOfId(e.child)) || !seen.insert(e.child).second) continue;
        std::string_view infra = TypeOfId(e.child) == "infrastructure" ? e.child : s.infrastructure;
        queue.push_back({e.child, s.hops + 1, MostRestrictive(here, e.tlp), infra});
      }
    }
  }

  void Record(std::string_view node, const std::string& actor, Tlp tlp, const std::string& report,
              std::string_view infrastructure) {
    auto& list = attributions_[node];
    for (auto& a : list) {
      if (a.actor == actor) return;  // first (shortest) path wins
    }
    Attribution a;
    a.actor = actor;
    a.tlp = tlp;
    if (!report.empty()) a.reports.push_back(report);
    a.infrastructure = infrastructure;
    list.push_back(std::move(a));
  }

  void Attribute() {
    // From each actor along the relationship graph.
    for (const auto& o : objects_) {
      if (!o.kept) continue;
      auto name = actor_name_.find(o.id);
      if (name == actor_name_.end()) continue;
      Walk(name->second, {o.id, 0, ObjectTlp(o.id), {}}, "", [](std::string_view) { return true; });
    }
    // Reports that list an actor: their other members, and what hangs off them, when the
    // graph gave those no actor.
    std::unordered_set<std::string_view> attributed;
    for (const auto& [node, list] : attributions_) attributed.insert(node);
    for (const auto& o : objects_) {
      if (!o.kept) continue;
      auto members = report_members_.find(o.id);
      if (members == report_members_.end()) continue;
      // STIX actor objects name the report's actors; MISP's x-misp-attribute threat-actor
      // names count only when there is none (they usually repeat it in another spelling).
      std::vector<std::string> actors, misp_actors;
      Tlp report_tlp = ObjectTlp(o.id);
      for (std::string_view m : members->second) {
        if (auto it = actor_name_.find(m); it != actor_name_.end()) {
          (IsActorType(TypeOfId(m)) ? actors : misp_actors).push_back(it->second);
          report_tlp = MostRestrictive(report_tlp, ObjectTlp(m));
        }
      }
      if (actors.empty()) actors = std::move(misp_actors);
      for (const auto& actor : actors) {
        for (std::string_view m : members->second) {
          if (actor_name_.count(m)) continue;
          std::string_view infra = TypeOfId(m) == "infrastructure" ? m : std::string_view();
          Walk(actor, {m, 0, report_tlp, infra}, std::string(o.id),
               [&](std::string_view node) { return !attributed.count(node); });
        }
      }
    }
  }

  // ---- emission --------------------------------------------------------------------------

  void EmitObject(const StixObject& o) {
    ForgetLocalEmissions();
    ForgetLoaded();
    if (o.type == "indicator") {
      EmitIndicator(o);
    } else if (o.type == "observed-data") {
      EmitObservedData(o);
    } else if (o.type == "sighting") {
      EmitSighting(o);
    } else if (o.type == "relationship") {
      EmitValueRelationship(o);
    } else if (o.type == "x-misp-attribute") {
      EmitMispAttribute(o);
    } else if (IsScoType(o.type) && !InObservedData(o.id)) {
      EmitTopLevelSco(o);
    }
  }

  void EmitActors() {
    std::map<std::string_view, std::vector<std::string>> revoked_aliases;
    for (const auto& [from, to] : revoked_by_) {
      if (auto it = actor_name_.find(from);
          it != actor_name_.end() && IsActorType(TypeOfId(from))) {
        revoked_aliases[to].push_back(it->second);
      }
    }
    for (const auto& o : objects_) {
      if (!o.kept || !IsActorType(o.type) || !actor_name_.count(o.id)) continue;
      bool revoked = false;
      if (o.object["revoked"].get_bool().get(revoked) == simdjson::SUCCESS && revoked) {
        if (!revoked_by_.count(o.id)) {
          Reject(o.Path() + ".revoked", "revoked actor without revoked-by: not emitted",
                 actor_name_[o.id]);
        }
        continue;  // its name lives on as an alias of the one that replaced it
      }
      ActorRecord a;
      a.name = actor_name_[o.id];
      for (std::string_view alias : StrList(o, "aliases")) {
        if (alias != a.name) AddUnique(a.aliases, std::string(alias));
      }
      for (const auto& alias : revoked_aliases[o.id]) {
        if (alias != a.name) AddUnique(a.aliases, alias);
      }
      std::string mitre_id;
      if (auto refs = Arr(o, "external_references")) {
        for (dom::element e : *refs) {
          dom::object r;
          if (e.get_object().get(r) != simdjson::SUCCESS) continue;
          auto src = Str(r, "source_name");
          auto ext = Str(r, "external_id");
          if (src && ext && *src == "mitre-attack") mitre_id = std::string(*ext);
        }
      }
      a.external_id = mitre_id.empty() ? std::string(o.id) : mitre_id;
      if (!options_.source.empty()) {
        a.source = options_.source;
      } else if (!mitre_id.empty()) {
        a.source = "mitre-attack";
      } else {
        a.source = SourceOf(o);
      }
      if (auto d = Str(o, "description")) a.description = OneLine(*d);
      for (std::string_view parent : part_of_[o.id]) {
        if (auto it = actor_name_.find(parent); it != actor_name_.end()) {
          AddUnique(a.part_of, it->second);
        }
      }
      a.references = ExternalUrls(o);
      auto dated = Str(o, "modified");
      if (!dated) dated = Str(o, "created");
      if (dated) {
        if (auto t = Timestamp::Parse(*dated); t.ok()) a.dated = *t;
      }
      sink_.OnActor(std::move(a));
    }
  }

  // The reports listing `id` (looked up without inserting: `id` may be a carrier's, whose text
  // does not outlive its emission).
  const std::vector<std::string_view>& ReportsOf(std::string_view id) const {
    static const std::vector<std::string_view> kNone;
    auto it = reports_of_.find(id);
    return it == reports_of_.end() ? kNone : it->second;
  }

  // The markings an object carries, or (when it has none) those of the reports listing it.
  Tlp OwnTlp(std::string_view id) const {
    Tlp tlp = ObjectTlp(id);
    if (tlp != Tlp::kUnmarked) return tlp;
    if (auto it = reports_of_.find(id); it != reports_of_.end()) {
      for (std::string_view r : it->second) tlp = MostRestrictive(tlp, ObjectTlp(r));
    }
    return tlp;
  }

  // References and basis from the reports listing `id`: their external references and, for
  // MISP-STIX reports, the "External analysis" links of their observed-data.
  void ReportContext(std::string_view id, std::vector<std::string>& refs,
                     std::vector<std::string>& basis) {
    auto it = reports_of_.find(id);
    if (it == reports_of_.end()) return;
    for (std::string_view r : it->second) {
      AddUnique(basis, std::string(r));
      const StixObject* report = Find(r);
      if (report == nullptr) continue;
      for (const auto& url : ExternalUrls(*report)) AddUnique(refs, url);
      for (const auto& url : report_links_[r]) AddUnique(refs, url);
    }
  }

  struct Context {
    const StixObject* object = nullptr;  // the object the values come from
    std::string_view attribution_id;     // whose attributions apply (may differ for SCOs)
    std::optional<Timestamp> first, last;
    int confidence = -1;
    std::string description;
    Role role = Role::kUnknown;
    std::vector<std::string> references;
    std::vector<std::string> extra_basis;
    // The values' JSON paths are those of SCOs other objects may list too (observed-data
    // object_refs), not paths inside `object`.
    bool shared_paths = false;
    // The object's only EmitValues call: with one value and one attribution its observation is
    // the only one of the object, so FirstEmission need not remember it.
    bool only_call = false;
  };

  // Dedup of emitted observations. A value's JSON path lies inside the object being emitted,
  // except for the SCOs an observed-data lists by reference (several may list one SCO): their
  // keys are kept for the whole document, the others only while their object is emitted, so
  // this memory does not grow with the number of objects.
  bool FirstEmission(const Observation& o, bool shared) {
    auto fill = [&](EmittedKey& k) {
      k.type = o.indicator.type;
      k.value.assign(o.indicator.value);
      k.actor.assign(o.actor);
      k.json_path.assign(o.location.json_path);
      k.first = o.first_seen ? o.first_seen->unix_seconds() : -1;
      k.last = o.last_seen ? o.last_seen->unix_seconds() : -1;
    };
    auto matches = [&](const EmittedKey& k) {
      return k.type == o.indicator.type && k.value == o.indicator.value && k.actor == o.actor &&
             k.json_path == o.location.json_path &&
             k.first == (o.first_seen ? o.first_seen->unix_seconds() : -1) &&
             k.last == (o.last_seen ? o.last_seen->unix_seconds() : -1);
    };
    if (shared) {
      EmittedKey key;
      fill(key);
      return emitted_shared_.insert(std::move(key)).second;
    }
    if (!emitted_many_.empty()) {
      EmittedKey key;
      fill(key);
      return emitted_many_.insert(std::move(key)).second;
    }
    for (size_t i = 0; i < emitted_count_; ++i) {
      if (matches(emitted_local_[i])) return false;
    }
    if (emitted_count_ == kLinearEmitted) {
      // Many values in one object (a long IN list): a hash set from here on.
      for (size_t i = 0; i < emitted_count_; ++i) emitted_many_.insert(emitted_local_[i]);
      emitted_count_ = 0;
      EmittedKey key;
      fill(key);
      return emitted_many_.insert(std::move(key)).second;
    }
    // Reuses the strings of keys from earlier objects, so this allocates nothing in steady state.
    if (emitted_count_ == emitted_local_.size()) emitted_local_.emplace_back();
    fill(emitted_local_[emitted_count_++]);
    return true;
  }

  // Starts a new object for FirstEmission.
  void ForgetLocalEmissions() {
    emitted_count_ = 0;
    if (!emitted_many_.empty()) emitted_many_.clear();
  }

  void EmitValues(const Context& ctx, std::vector<Value>& values) {
    const std::string& source = SourceOf(*ctx.object);
    Tlp own = OwnTlp(ctx.object->id);
    std::vector<std::string>& refs = refs_;
    std::vector<std::string>& basis = basis_;
    refs.assign(ctx.references.begin(), ctx.references.end());
    basis.assign(ctx.extra_basis.begin(), ctx.extra_basis.end());
    if (MayHave(*ctx.object, "external_references")) {
      for (const auto& url : ExternalUrls(*ctx.object)) AddUnique(refs, url);
    }
    ReportContext(ctx.object->id, refs, basis);
    if (ctx.attribution_id != ctx.object->id) ReportContext(ctx.attribution_id, refs, basis);

    const std::vector<Attribution>* attributions = &no_attribution_;
    if (auto it = attributions_.find(ctx.attribution_id); it != attributions_.end()) {
      attributions = &it->second;
    }
    if (ctx.attribution_id != ctx.object->id && attributions == &no_attribution_) {
      if (auto it = attributions_.find(ctx.object->id); it != attributions_.end()) {
        attributions = &it->second;
      }
    }
    // One Observation reused for every value: a sink that copies what it keeps (the store)
    // leaves the strings' buffers here. Every field is set on every use, since a sink may also
    // move from it.
    Observation& o = observation_;
    const bool single = ctx.only_call && !ctx.shared_paths && emitted_count_ == 0 &&
                        emitted_many_.empty() && values.size() == 1 && attributions->size() == 1;
    for (auto& v : values) {
      for (const Attribution& a : *attributions) {
        o.indicator.type = v.indicator.type;
        o.indicator.value.assign(v.indicator.value);
        o.indicator.display.assign(v.indicator.display);
        o.actor.assign(a.actor);
        o.source.assign(source);
        o.references.assign(refs.begin(), refs.end());
        o.first_seen = v.first ? v.first : ctx.first;
        o.last_seen = v.last ? v.last : ctx.last;
        o.confidence = ctx.confidence;
        Tlp tlp = MostRestrictive(MostRestrictive(own, v.granular), a.tlp);
        o.tlp = tlp == Tlp::kUnmarked ? options_.tlp : tlp;
        o.original_text.assign(v.original);
        o.description.assign(ctx.description);
        if (!v.note.empty()) {
          if (!o.description.empty()) o.description += ' ';
          o.description += '(';
          o.description += v.note;
          o.description += ')';
        }
        o.basis.assign(basis.begin(), basis.end());
        for (const auto& r : a.reports) AddUnique(o.basis, r);
        if (IsHashType(v.indicator.type)) {
          AddUnique(o.basis,
                    std::string(IndicatorTypeName(v.indicator.type)) + ":" + v.indicator.value);
        }
        o.exact = v.exact;
        o.role = ctx.role;
        if (IsHashType(v.indicator.type)) {
          o.role = Role::kSample;
        } else if (o.role == Role::kSample) {
          o.role = Role::kUnknown;  // "sample" in the text describes the file, not this value
        }
        std::string_view infra_id = a.infrastructure;
        if (infra_id.empty()) {
          if (auto it = infrastructure_of_.find(ctx.attribution_id);
              it != infrastructure_of_.end()) {
            infra_id = it->second;
          } else if (auto it2 = infrastructure_of_.find(ctx.object->id);
                     it2 != infrastructure_of_.end()) {
            infra_id = it2->second;
          }
        }
        if (const StixObject* infra = infra_id.empty() ? nullptr : Find(infra_id)) {
          // Attributed through an infrastructure object: its types give the role and its
          // first/last seen the time, when the value has none of its own.
          if (o.role == Role::kUnknown) {
            o.role = RoleFromInfrastructureTypes(StrList(*infra, "infrastructure_types"));
          }
          if (!o.first_seen) o.first_seen = QuietTime(*infra, "first_seen");
          if (!o.last_seen) o.last_seen = QuietTime(*infra, "last_seen");
          if (o.description.empty()) {
            o.description = "infrastructure: " + OneLine(Str(*infra, "name").value_or(""));
          }
        }
        if (o.role == Role::kUnknown) o.role = options_.role;
        o.location.file.assign(file_);
        o.location.line = 0;
        o.location.json_path.assign(v.json_path);
        if (!single && !FirstEmission(o, ctx.shared_paths)) continue;
        sink_.OnObservation(std::move(o));
      }
    }
  }

  int Confidence(const StixObject& o) {
    dom::element e;
    if (!Field(o, "confidence", e)) return -1;
    int64_t c = 0;
    if (e.get_int64().get(c) != simdjson::SUCCESS || c < 0 || c > 100) {
      Reject(o.Path() + ".confidence", "confidence is not an integer 0-100", simdjson::minify(e));
      return -1;
    }
    return static_cast<int>(c);
  }

  Role RoleFromText(const StixObject& o, const std::string& description) {
    for (std::string_view t : StrList(o, "indicator_types")) {
      if (t == "compromised") return Role::kCompromised;
    }
    for (std::string_view t : StrList(o, "labels")) {
      if (t == "compromised") return Role::kCompromised;
    }
    std::string_view name = Str(o, "name").value_or("");
    // No letter, no role (GuessRole): the common indicator without name and description.
    if (name.empty() && description.empty()) return GuessRole(" ");
    std::string text = std::string(name) + " " + description;
    return GuessRole(text);
  }

  std::string Describe(const StixObject& o) {
    auto d = Str(o, "description");
    if (!d || d->empty()) d = Str(o, "name");
    return d ? OneLine(*d) : std::string();
  }

  void EmitIndicator(const StixObject& o) {
    std::string& pattern_path = pattern_path_;
    o.PathInto(pattern_path);
    pattern_path += ".pattern";
    if (auto pt = Str(o, "pattern_type"); pt && *pt != "stix") {
      Reject(o.Path() + ".pattern_type", "unsupported pattern_type " + std::string(*pt),
             Str(o, "pattern").value_or(""));
      return;
    }
    auto text = Str(o, "pattern");
    if (!text) {
      Reject(pattern_path, "indicator without a pattern");
      return;
    }
    PatternExtraction& extraction = extraction_;
    if (Status parsed = ParsePatternIndicators(*text, extraction); !parsed.ok()) {
      Reject(pattern_path, "pattern syntax error: " + parsed.message(), *text);
      return;
    }
    for (const auto& issue : extraction.issues) {
      Reject(pattern_path, "pattern: " + issue.reason,
             issue.text + " (character " + std::to_string(issue.offset) + ")");
    }
    Context ctx;
    ctx.object = &o;
    ctx.attribution_id = o.id;
    ctx.only_call = true;
    ctx.first = Time(o, "valid_from");
    ctx.last = Time(o, "valid_until");
    CheckInterval(o, "valid_until", ctx.first, ctx.last);
    ctx.confidence = Confidence(o);
    ctx.description = Describe(o);
    ctx.role = RoleFromText(o, ctx.description);
    Tlp granular = GranularTlp(o, "pattern");
    // Reused with their strings: one indicator after another allocates little.
    std::vector<Value>& values = indicator_values_;
    values.resize(extraction.indicators.size());
    for (size_t i = 0; i < values.size(); ++i) {
      PatternIndicator& pi = extraction.indicators[i];
      Value& v = values[i];
      v.indicator.type = pi.indicator.type;
      v.indicator.value.swap(pi.indicator.value);
      v.indicator.display.swap(pi.indicator.display);
      v.original.swap(pi.original);
      v.json_path.assign(pattern_path);
      v.exact = pi.exact;
      v.note.swap(pi.note);
      v.granular = granular;
      v.first.reset();
      v.last.reset();
      if (!pi.start.empty()) {
        if (auto t = Timestamp::Parse(pi.start); t.ok()) v.first = *t;
        if (auto t = Timestamp::Parse(pi.stop); t.ok()) v.last = *t;
      }
    }
    EmitValues(ctx, values);
    if (extraction.links.empty()) return;
    std::string source = SourceOf(o);
    for (const auto& link : extraction.links) {
      Relationship r;
      r.from = link.from;
      r.kind = link.kind;
      r.to = link.to;
      r.first_seen = ctx.first;
      r.last_seen = ctx.last;
      r.source = source;
      Tlp tlp = MostRestrictive(OwnTlp(o.id), granular);
      r.tlp = tlp == Tlp::kUnmarked ? options_.tlp : tlp;
      r.location = {file_, 0, pattern_path};
      sink_.OnRelationship(std::move(r));
    }
  }

  // Resolves an SCO reference: a key of a STIX 2.0 `objects` dictionary, or a 2.1 id.
  struct ScoScope {
    std::optional<dom::object> dict;  // 2.0 observed-data objects
    std::string dict_path;            // "$.objects[3].objects"
  };

  std::optional<std::pair<dom::object, std::string>> ResolveRef(const ScoScope& scope,
                                                                std::string_view ref) const {
    if (scope.dict) {
      dom::object target;
      if ((*scope.dict)[ref].get_object().get(target) == simdjson::SUCCESS) {
        return std::make_pair(target, scope.dict_path + "." + std::string(ref));
      }
      return std::nullopt;
    }
    if (const StixObject* o = Find(ref)) return std::make_pair(o->object, o->Path());
    return std::nullopt;
  }

  void AddValue(std::vector<Value>& out, IndicatorType type, std::string_view text,
                const std::string& path, Tlp granular) {
    Value v;
    auto parsed = ParseStixValue(type, text, &v.note);
    if (!parsed.ok()) {
      Reject(path,
             "invalid " + std::string(IndicatorTypeName(type)) + ": " + parsed.status().message(),
             text);
      return;
    }
    v.indicator = std::move(parsed).value();
    v.original = std::string(text);
    v.json_path = path;
    v.granular = granular;
    out.push_back(std::move(v));
  }

  struct RefIndicator {
    Indicator indicator;
    Tlp tlp = Tlp::kUnmarked;  // markings of the referenced value
  };

  // The indicator a referenced SCO stands for (an address or a domain), for endpoints and
  // resolutions; `owner` holds the granular markings of a STIX 2.0 `objects` dictionary.
  std::optional<RefIndicator> RefValue(const ScoScope& scope, const StixObject& owner,
                                       std::string_view ref) const {
    auto target = ResolveRef(scope, ref);
    if (!target) return std::nullopt;
    auto type = Str(target->first, "type").value_or("");
    auto value = Str(target->first, "value");
    if (!value) return std::nullopt;
    std::optional<IndicatorType> t;
    bool prefix = value->find('/') != std::string_view::npos;
    if (type == "ipv4-addr") t = prefix ? IndicatorType::kCidr : IndicatorType::kIpv4;
    if (type == "ipv6-addr") t = prefix ? IndicatorType::kCidr : IndicatorType::kIpv6;
    if (type == "domain-name") t = IndicatorType::kDomain;
    if (!t) return std::nullopt;
    auto parsed = ParseIndicatorAs(*t, *value);
    if (!parsed.ok()) return std::nullopt;
    RefIndicator out{std::move(parsed).value(), Tlp::kUnmarked};
    if (scope.dict) {
      out.tlp = GranularTlp(owner, "objects." + std::string(ref) + ".value");
    } else if (const StixObject* o = Find(ref)) {
      out.tlp = MostRestrictive(OwnTlp(o->id), GranularTlp(*o, "value"));
    }
    return out;
  }

  // Values of one SCO. `path` is its JSON path; `field_prefix` the granular-marking selector
  // prefix of its fields ("objects.0." in 2.0 observed-data, "" for a top-level SCO).
  std::vector<Value> ScoValues(dom::object sco, const std::string& path, const ScoScope& scope,
                               const StixObject& owner, const std::string& field_prefix,
                               std::vector<Relationship>& links) {
    std::vector<Value> out;
    const size_t rejected_before = rejected_;
    std::string_view type = Str(sco, "type").value_or("");
    auto granular = [&](const std::string& field) {
      return GranularTlp(owner, field_prefix + field);
    };
    auto value_field = [&](IndicatorType t) {
      auto v = Str(sco, "value");
      if (!v) {
        Reject(path + ".value", std::string(type) + " without a string value");
        return;
      }
      if ((t == IndicatorType::kIpv4 || t == IndicatorType::kIpv6) &&
          v->find('/') != std::string_view::npos) {
        t = IndicatorType::kCidr;
      }
      AddValue(out, t, *v, path + ".value", granular("value"));
    };
    auto hashes = [&](bool certificate) {
      auto h = Obj(sco, "hashes");
      if (!h) return;
      for (auto field : *h) {
        std::string_view value;
        std::string hpath = path + ".hashes." + std::string(field.key);
        if (field.value.get_string().get(value) != simdjson::SUCCESS) {
          Reject(hpath, "hash is not a string");
          continue;
        }
        auto kind = FileHashKind(field.key, certificate);
        if (!kind) {
          Reject(hpath, "hash algorithm has no indicator type", field.key);
          continue;
        }
        AddValue(out, *kind, value, hpath, granular("hashes." + std::string(field.key)));
      }
    };
    if (type == "ipv4-addr") {
      value_field(IndicatorType::kIpv4);
    } else if (type == "ipv6-addr") {
      value_field(IndicatorType::kIpv6);
    } else if (type == "domain-name") {
      value_field(IndicatorType::kDomain);
      if (!out.empty()) {
        for (std::string_view ref : StrList(sco, "resolves_to_refs")) {
          if (auto ip = RefValue(scope, owner, ref)) {
            Relationship r;
            r.from = out.front().indicator;
            r.kind = "resolves-to";
            r.to = ip->indicator;
            r.tlp = MostRestrictive(out.front().granular, ip->tlp);
            r.location = {file_, 0, path + ".resolves_to_refs"};
            links.push_back(std::move(r));
          }
        }
      }
    } else if (type == "url") {
      value_field(IndicatorType::kUrl);
    } else if (type == "email-addr") {
      value_field(IndicatorType::kEmail);
    } else if (type == "file" || type == "artifact") {
      hashes(false);
      if (auto ext = Obj(sco, "extensions")) {
        if (auto pe = Obj(*ext, "windows-pebinary-ext")) {
          if (auto imphash = Str(*pe, "imphash")) {
            AddValue(out, IndicatorType::kImphash, *imphash,
                     path + ".extensions.windows-pebinary-ext.imphash",
                     granular("extensions.windows-pebinary-ext.imphash"));
          }
        }
      }
    } else if (type == "x509-certificate") {
      hashes(true);
      if (auto serial = Str(sco, "serial_number")) {
        AddValue(out, IndicatorType::kCertSerial, *serial, path + ".serial_number",
                 granular("serial_number"));
      }
    } else if (type == "autonomous-system") {
      int64_t number = 0;
      if (sco["number"].get_int64().get(number) != simdjson::SUCCESS || number < 0) {
        Reject(path + ".number", "autonomous-system without an integer number");
      } else {
        AddValue(out, IndicatorType::kAsn, std::to_string(number), path + ".number",
                 granular("number"));
      }
    } else if (type == "email-message") {
      for (const char* key : {"from_ref", "sender_ref"}) {
        auto ref = Str(sco, key);
        if (!ref) continue;
        auto target = ResolveRef(scope, *ref);
        if (!target) continue;
        if (auto v = Str(target->first, "value")) {
          AddValue(out, IndicatorType::kEmail, *v, target->second + ".value", granular(key));
        }
      }
    } else if (type == "network-traffic") {
      for (const char* side : {"dst", "src"}) {
        auto ref = Str(sco, std::string(side) + "_ref");
        if (!ref) continue;
        auto ref_value = RefValue(scope, owner, *ref);
        if (!ref_value) continue;
        const Indicator& ip = ref_value->indicator;
        int64_t port = 0;
        if (ip.type != IndicatorType::kIpv4 && ip.type != IndicatorType::kIpv6) continue;
        if (sco[std::string(side) + "_port"].get_int64().get(port) != simdjson::SUCCESS) continue;
        std::string text = ip.type == IndicatorType::kIpv6 ? "[" + ip.value + "]" : ip.value;
        text += ":" + std::to_string(port);
        // The endpoint is derived from the address: it takes the address's markings too.
        AddValue(out, IndicatorType::kEndpoint, text, path + "." + side + "_port",
                 MostRestrictive(granular(std::string(side) + "_port"), ref_value->tlp));
      }
      // The addresses themselves are SCOs of their own and are read there.
      return out;
    } else {
      Reject(path, "SCO type has no indicator type", type);
      return out;
    }
    if (out.empty() && type != "email-message" && rejected_ == rejected_before) {
      Reject(path, std::string(type) + " without an indicator value");
    }
    return out;
  }

  void EmitLinks(const StixObject& owner, std::vector<Relationship>& links,
                 const std::optional<Timestamp>& first, const std::optional<Timestamp>& last) {
    std::string source = SourceOf(owner);
    Tlp tlp = OwnTlp(owner.id);
    for (auto& r : links) {
      r.source = source;
      r.first_seen = first;
      r.last_seen = last;
      Tlp marked = MostRestrictive(tlp, r.tlp);
      r.tlp = marked == Tlp::kUnmarked ? options_.tlp : marked;
      sink_.OnRelationship(std::move(r));
    }
  }

  bool IsMispExternalAnalysis(const StixObject& o) {
    for (std::string_view label : StrList(o, "labels")) {
      if (label == "misp:category=\"External analysis\"" ||
          label == "misp:category=\"Internal reference\"" || label == "misp:type=\"link\"") {
        return true;
      }
    }
    return false;
  }

  void EmitObservedData(const StixObject& o) {
    Context ctx;
    ctx.object = &o;
    ctx.attribution_id = o.id;
    ctx.first = Time(o, "first_observed");
    ctx.last = Time(o, "last_observed");
    CheckInterval(o, "last_observed", ctx.first, ctx.last);
    ctx.confidence = Confidence(o);
    ctx.description = Describe(o);
    ctx.role = options_.role;
    bool reference_only = IsMispExternalAnalysis(o);
    std::vector<Relationship> links;
    if (auto dict = Obj(o, "objects")) {
      // STIX 2.0: the observables are embedded, keyed "0", "1", ...
      ScoScope scope{dict, o.Path() + ".objects"};
      for (auto field : *dict) {
        dom::object sco;
        std::string path = o.Path() + ".objects." + std::string(field.key);
        if (field.value.get_object().get(sco) != simdjson::SUCCESS) {
          Reject(path, "observable is not a JSON object");
          continue;
        }
        if (reference_only) {
          if (auto url = Str(sco, "value")) {
            for (std::string_view r : ReportsOf(o.id)) {
              report_links_[r].push_back(std::string(*url));
            }
          }
          continue;
        }
        std::vector<Value> values =
            ScoValues(sco, path, scope, o, "objects." + std::string(field.key) + ".", links);
        EmitValues(ctx, values);
      }
    } else if (Has(o, "object_refs")) {
      // STIX 2.1: references to top-level SCOs.
      ScoScope scope;
      for (std::string_view ref : StrList(o, "object_refs")) {
        const StixObject* sco = Find(ref);
        if (sco == nullptr || !IsScoType(sco->type)) continue;
        if (reference_only) {
          if (auto url = Str(*sco, "value")) {
            for (std::string_view r : ReportsOf(o.id)) {
              report_links_[r].push_back(std::string(*url));
            }
          }
          continue;
        }
        std::vector<Value> values = ScoValues(sco->object, sco->Path(), scope, *sco, "", links);
        for (auto& v : values) v.granular = MostRestrictive(v.granular, OwnTlp(sco->id));
        Context sco_ctx = ctx;
        sco_ctx.shared_paths = true;
        // The SCO's own attributions (e.g. infrastructure consists-of) when it has some.
        sco_ctx.attribution_id = attributions_.count(sco->id) ? sco->id : o.id;
        EmitValues(sco_ctx, values);
      }
    } else {
      Reject(o.Path(), "observed-data without objects or object_refs");
    }
    EmitLinks(o, links, ctx.first, ctx.last);
  }

  void EmitTopLevelSco(const StixObject& o) {
    std::vector<Relationship> links;
    std::vector<Value> values = ScoValues(o.object, o.Path(), ScoScope{}, o, "", links);
    Context ctx;
    ctx.object = &o;
    ctx.attribution_id = o.id;
    ctx.only_call = true;
    ctx.role = options_.role;
    EmitValues(ctx, values);
    EmitLinks(o, links, std::nullopt, std::nullopt);
  }

  void EmitSighting(const StixObject& o) {
    auto of = Str(o, "sighting_of_ref");
    if (!of) return;  // reported in BuildGraph
    const StixObject* target = Find(*of);
    if (target == nullptr || target->type != "indicator") return;
    // A sighting of an indicator: its values were seen during the sighting's window.
    auto text = Str(*target, "pattern");
    if (!text) return;
    auto parsed = ParsePatternIndicators(*text);
    if (!parsed.ok()) return;  // reported with the indicator
    PatternExtraction& extraction = *parsed;
    Context ctx;
    ctx.object = &o;
    ctx.attribution_id = target->id;
    ctx.first = Time(o, "first_seen");
    ctx.last = Time(o, "last_seen");
    CheckInterval(o, "last_seen", ctx.first, ctx.last);
    ctx.confidence = Confidence(o);
    ctx.description = "sighting of " + std::string(target->id);
    ctx.role = options_.role;
    ctx.extra_basis.push_back(std::string(o.id));
    std::vector<Value> values;
    for (auto& pi : extraction.indicators) {
      Value v;
      v.indicator = std::move(pi.indicator);
      v.original = pi.original;
      v.json_path = o.Path() + ".sighting_of_ref";
      v.exact = pi.exact;
      v.granular = MostRestrictive(OwnTlp(target->id), GranularTlp(*target, "pattern"));
      values.push_back(std::move(v));
    }
    EmitValues(ctx, values);
  }

  // A relationship between two SCO values (2.1): domain resolves-to address, belongs-to...
  void EmitValueRelationship(const StixObject& o) {
    auto type = Str(o, "relationship_type");
    auto source = Str(o, "source_ref");
    auto target = Str(o, "target_ref");
    if (!type || !source || !target) return;
    if (!IsScoType(TypeOfId(*source)) || !IsScoType(TypeOfId(*target))) return;
    auto from = RefValue(ScoScope{}, o, *source);
    auto to = RefValue(ScoScope{}, o, *target);
    if (!from || !to) {
      Reject(o.Path(), "relationship between observables without an address or domain value",
             std::string(*source) + " " + std::string(*type) + " " + std::string(*target));
      return;
    }
    Relationship r;
    r.from = from->indicator;
    r.kind = std::string(*type);
    r.to = to->indicator;
    r.first_seen = Time(o, "start_time");
    r.last_seen = Time(o, "stop_time");
    CheckInterval(o, "stop_time", r.first_seen, r.last_seen);
    r.source = SourceOf(o);
    Tlp tlp = MostRestrictive(OwnTlp(o.id), MostRestrictive(from->tlp, to->tlp));
    r.tlp = tlp == Tlp::kUnmarked ? options_.tlp : tlp;
    r.location = {file_, 0, o.Path()};
    sink_.OnRelationship(std::move(r));
  }

  // MISP-STIX exports attribute types STIX has no observable for as x-misp-attribute; JA3
  // and JARM fingerprints are values analysts correlate on.
  void EmitMispAttribute(const StixObject& o) {
    auto type = Str(o, "x_misp_type").value_or("");
    std::optional<IndicatorType> t;
    if (type == "ja3-fingerprint-md5") t = IndicatorType::kJa3;
    if (type == "jarm-fingerprint") t = IndicatorType::kJarm;
    if (!t) return;
    auto value = Str(o, "x_misp_value");
    if (!value) {
      Reject(o.Path() + ".x_misp_value", "x-misp-attribute without a value");
      return;
    }
    std::vector<Value> values;
    AddValue(values, *t, *value, o.Path() + ".x_misp_value", GranularTlp(o, "x_misp_value"));
    Context ctx;
    ctx.object = &o;
    ctx.attribution_id = o.id;
    ctx.description = OneLine(Str(o, "x_misp_comment").value_or(""));
    ctx.role = options_.role;
    EmitValues(ctx, values);
  }

  std::string file_;
  std::string file_source_;
  size_t rejected_ = 0;
  const ReadOptions& options_;
  IngestSink& sink_;

  StixInput* input_ = nullptr;
  Layout layout_ = Layout::kBundle;
  dom::parser parser_;     // each streamed object in turn, then each run of pass 2
  std::string run_text_;   // pass 2: the text of a run of elements
  FieldIndex run_fields_;  // pass 2: of the carrier being emitted
  // The graph objects (everything but carriers): their texts as one JSON array, its parse,
  // and the objects in it, filled once and never grown after: the maps below point into them.
  std::string graph_text_;
  std::vector<uint32_t> graph_index_;  // pass 1: index in the document of each kept text
  dom::parser graph_parser_;
  std::vector<StixObject> objects_;
  // Carriers in document order, and their positions sorted by id hash.
  std::vector<Carrier> carriers_;
  // Carriers by id hash, sorted after pass 1 (document order among equal hashes).
  std::vector<HashEntry> by_hash_;
  CarrierHeader header_;
  std::vector<std::pair<uint32_t, std::string>> pending_markings_;  // carrier, marking ref
  std::vector<std::pair<uint32_t, uint64_t>> observed_refs_;        // observed-data, ref hash
  bool carrier_marked_ = false;
  std::vector<Rejection> pending_rejections_;  // pass 1, until the envelope is read
  // The carrier being emitted (pass 2), and carriers read again for what it refers to.
  const Carrier* current_carrier_ = nullptr;
  const StixObject* current_ = nullptr;
  struct LoadedObject {
    uint32_t carrier = 0;
    bool ok = false;
    std::string text;
    dom::parser parser;
    StixObject object;
    FieldIndex fields;
  };
  mutable std::vector<std::unique_ptr<LoadedObject>> loaded_;
  mutable size_t loaded_used_ = 0;
  mutable size_t peak_loaded_ = 0;
  // Every object by id (duplicates are found here): a flat table, one slot per object and no
  // node allocation, since bundles hold millions of objects.
  boost::unordered_flat_map<std::string_view, StixObject*> by_id_;  // graph objects
  std::unordered_map<std::string_view, std::string> identity_name_;
  std::unordered_map<std::string_view, Tlp> marking_tlp_;
  std::unordered_map<std::string_view, Tlp> object_tlp_;
  std::unordered_map<std::string_view, std::string> actor_name_;
  std::unordered_map<std::string_view, std::vector<Edge>> children_;
  std::unordered_map<std::string_view, std::vector<std::string_view>> part_of_;
  std::map<std::string_view, std::string_view> revoked_by_;
  std::unordered_map<std::string_view, std::vector<std::string_view>> report_members_;
  std::unordered_map<std::string_view, std::vector<std::string_view>> reports_of_;
  std::unordered_map<std::string_view, std::vector<std::string>> report_links_;
  boost::unordered_flat_set<uint64_t> in_observed_data_;  // id hashes
  std::unordered_map<std::string_view, std::string_view> infrastructure_of_;
  std::unordered_map<std::string_view, std::vector<Attribution>> attributions_;
  std::set<std::string> emitted_sources_;
  // FirstEmission's keys: the current object's (a few, searched in order, or a hash set when
  // there are more than kLinearEmitted) and those of shared SCO paths.
  static constexpr size_t kLinearEmitted = 16;
  std::vector<EmittedKey> emitted_local_;
  size_t emitted_count_ = 0;
  std::unordered_set<EmittedKey, EmittedKeyHash> emitted_many_;
  std::unordered_set<EmittedKey, EmittedKeyHash> emitted_shared_;
  const std::vector<Attribution> no_attribution_ = std::vector<Attribution>(1);
  Observation observation_;
  // Scratch reused from one object to the next (EmitIndicator, EmitValues, SourceOf).
  std::string pattern_path_;
  PatternExtraction extraction_;
  std::vector<Value> indicator_values_;
  std::vector<std::string> refs_, basis_;
  std::string source_;
  bool source_set_ = false;
  std::string last_time_text_;  // Time's memo
  std::optional<Timestamp> last_time_;
};

}  // namespace

Status ReadStixText(std::string_view json, const std::string& name, const ReadOptions& options,
                    IngestSink& sink) {
  return ReadStixText(json, name, options, sink, StixReadTuning{});
}

Status ReadStixText(std::string_view json, const std::string& name, const ReadOptions& options,
                    IngestSink& sink, const StixReadTuning& tuning) {
  TextInput input(json, name);
  StixReader reader(name, options, sink);
  return reader.Run(input, tuning);
}

Status ReadStix(const std::string& path, const ReadOptions& options, IngestSink& sink) {
  return ReadStix(path, options, sink, StixReadTuning{});
}

Status ReadStix(const std::string& path, const ReadOptions& options, IngestSink& sink,
                const StixReadTuning& tuning) {
  FileInput input(path);
  COTENANT_RETURN_IF_ERROR(input.Open());
  StixReader reader(path, options, sink);
  return reader.Run(input, tuning);
}

bool LooksLikeStix(std::string_view head) {
  // Compare without white space so both "type": "bundle" and "type":"bundle" match.
  std::string compact;
  compact.reserve(head.size());
  bool in_string = false;
  for (size_t i = 0; i < head.size(); ++i) {
    char c = head[i];
    if (c == '"' && (i == 0 || head[i - 1] != '\\')) in_string = !in_string;
    if (!in_string && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) continue;
    compact += c;
  }
  size_t start = compact.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  if (start >= compact.size() || (compact[start] != '{' && compact[start] != '[')) return false;
  if (compact.find("\"type\":\"bundle\"") != std::string::npos) return true;
  if (compact.find("\"spec_version\":\"2.") != std::string::npos) return true;
  // An object with a STIX id whose prefix is its own type: "type":"T" and "id":"T--<uuid>".
  size_t at = compact.find("\"id\":\"");
  while (at != std::string::npos) {
    size_t begin = at + 6;
    size_t dash = compact.find("--", begin);
    size_t quote = compact.find('"', begin);
    if (dash != std::string::npos && quote != std::string::npos && dash < quote && dash > begin &&
        quote - dash - 2 == 36) {
      std::string type_field = "\"type\":\"" + compact.substr(begin, dash - begin) + "\"";
      if (compact.find(type_field) != std::string::npos) return true;
    }
    at = compact.find("\"id\":\"", begin);
  }
  return false;
}

}  // namespace cotenant
