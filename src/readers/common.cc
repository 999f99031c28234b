#include "readers/common.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cotenant/refang.h"
#include "cotenant/timestamp.h"

namespace cotenant::readers {

namespace {
constexpr size_t kChunkBytes = 1 << 16;
}  // namespace

Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    int err = errno;
    if (err == ENOENT) return NotFound(path + ": no such file");
    return IoError(path + ": " + std::strerror(err));
  }
  std::unique_ptr<LineReader> reader(new LineReader());
  reader->file_ = f;
  return reader;
}

std::unique_ptr<LineReader> LineReader::FromBuffer(std::string_view buffer) {
  std::unique_ptr<LineReader> reader(new LineReader());
  reader->buffer_ = buffer;
  reader->eof_ = true;
  return reader;
}

LineReader::~LineReader() {
  if (file_ != nullptr) std::fclose(file_);
}

bool LineReader::Fill() {
  if (file_ == nullptr || eof_) return false;
  chunk_.resize(kChunkBytes);
  size_t n = std::fread(chunk_.data(), 1, kChunkBytes, file_);
  chunk_.resize(n);
  if (n < kChunkBytes) {
    if (std::ferror(file_)) status_ = IoError(std::string("read error: ") + std::strerror(errno));
    eof_ = true;
  }
  buffer_ = chunk_;
  return n > 0;
}

bool LineReader::Next(std::string_view* line) {
  too_long_ = false;
  line_.clear();
  bool have_any = false;
  auto append = [&](std::string_view part) {
    if (too_long_) return;
    if (line_.size() + part.size() > kMaxLineBytes) {
      too_long_ = true;
      if (line_.size() < 200) line_.append(part.substr(0, 200 - line_.size()));
      line_.resize(std::min<size_t>(line_.size(), 200));
    } else {
      line_.append(part);
    }
  };
  while (true) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string_view::npos) {
      append(buffer_.substr(0, nl));
      buffer_.remove_prefix(nl + 1);
      have_any = true;
      break;
    }
    if (!buffer_.empty()) {
      have_any = true;
      append(buffer_);
      buffer_ = {};
    }
    if (!Fill()) break;
  }
  if (!have_any) return false;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  ++line_number_;
  std::string_view out = line_;
  if (first_) {
    first_ = false;
    if (out.substr(0, 3) == "\xEF\xBB\xBF") out.remove_prefix(3);
  }
  *line = out;
  return true;
}

std::string_view Trim(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  };
  size_t b = 0, e = s.size();
  while (b < e && space(s[b])) ++b;
  if (b == e) return {};
  while (space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && Lower(s.substr(0, prefix.size())) == Lower(prefix);
}

bool ContainsNoCase(std::string_view s, std::string_view needle) {
  return Lower(s).find(Lower(needle)) != std::string::npos;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

std::vector<std::string_view> SplitNoEmpty(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = Trim(s.substr(start, end - start));
    if (!part.empty()) out.push_back(part);
    start = end + 1;
  }
  return out;
}

std::string Truncate(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  // Do not cut a UTF-8 sequence in half.
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut));
}

std::string FileName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string FileStem(std::string_view path) {
  std::string name = FileName(path);
  size_t dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0) name.resize(dot);
  return name;
}

std::string ParentDirName(std::string_view path) {
  std::filesystem::path p{std::string(path)};
  std::filesystem::path parent = p.parent_path();
  if (parent.empty()) parent = std::filesystem::current_path();
  return parent.filename().string();
}

std::string DefaultSourceName(std::string_view path) {
  std::string stem = FileStem(path);
  static constexpr std::string_view kGeneric[] = {"readme", "samples", "iocs", "ioc",
                                                  "result", "index",   "data", "indicators"};
  std::string lower = Lower(stem);
  for (std::string_view g : kGeneric) {
    if (lower == g) {
      std::string parent = ParentDirName(path);
      if (!parent.empty() && parent != "." && parent != "/") return parent;
    }
  }
  return stem;
}

std::string ActorFromReportFileName(std::string_view path, bool* had_ioc_token) {
  std::string stem = FileStem(path);
  std::vector<std::string> kept;
  bool had = false;
  size_t start = 0;
  std::string sep;
  std::string first_sep;
  for (size_t i = 0; i <= stem.size(); ++i) {
    if (i == stem.size() || stem[i] == '-' || stem[i] == '_' || stem[i] == ' ' || stem[i] == '.') {
      std::string token = stem.substr(start, i - start);
      std::string lower = Lower(token);
      if (lower == "ioc" || lower == "iocs") {
        had = true;
      } else if (!token.empty()) {
        kept.push_back(token);
      }
      if (i < stem.size() && first_sep.empty()) first_sep = std::string(1, stem[i]);
      start = i + 1;
    }
  }
  if (had_ioc_token != nullptr) *had_ioc_token = had;
  if (!had) return stem;
  std::string out;
  for (const auto& k : kept) {
    if (!out.empty()) out += first_sep.empty() ? "_" : first_sep;
    out += k;
  }
  return out;
}

Status CheckTextEncoding(std::string_view head, std::string_view path) {
  if (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF") {
    return Unsupported(std::string(path) +
                       ": UTF-16 text (byte order mark) is not supported; convert it to UTF-8");
  }
  // UTF-16 without a BOM: ASCII text with every other byte NUL.
  size_t nuls = 0;
  size_t n = std::min<size_t>(head.size(), 512);
  for (size_t i = 0; i < n; ++i) nuls += head[i] == '\0';
  if (n >= 16 && nuls * 4 >= n) {
    return Unsupported(std::string(path) +
                       ": binary or UTF-16 content (NUL bytes); expected UTF-8 text");
  }
  return Status::Ok();
}

Rejection MakeRejection(Location location, std::string reason, std::string_view text) {
  Rejection r;
  r.location = std::move(location);
  r.reason = std::move(reason);
  r.text = Truncate(text);
  return r;
}

Location LineLocation(const std::string& file, int64_t line) {
  Location l;
  l.file = file;
  l.line = line;
  return l;
}

Location JsonLocation(const std::string& file, std::string json_path) {
  Location l;
  l.file = file;
  l.json_path = std::move(json_path);
  return l;
}

std::optional<IndicatorType> TypeFromFeedName(std::string_view name) {
  std::string n = Lower(Trim(name));
  // Strip decoration: "intel::addr" -> "addr", "ipv4-addr" stays.
  if (size_t c = n.rfind("::"); c != std::string::npos) n = n.substr(c + 2);
  for (char& ch : n) {
    if (ch == '_' || ch == ' ') ch = '-';
  }
  struct Entry {
    std::string_view name;
    IndicatorType type;
  };
  static constexpr Entry kTable[] = {
      {"ip", IndicatorType::kIpv4},
      {"ipv4", IndicatorType::kIpv4},
      {"ip-address", IndicatorType::kIpv4},
      {"ipv4-addr", IndicatorType::kIpv4},
      {"ip-dst", IndicatorType::kIpv4},
      {"ip-src", IndicatorType::kIpv4},
      {"addr", IndicatorType::kIpv4},
      {"ipv6", IndicatorType::kIpv6},
      {"ipv6-addr", IndicatorType::kIpv6},
      {"cidr", IndicatorType::kCidr},
      {"subnet", IndicatorType::kCidr},
      {"ip-range", IndicatorType::kCidr},
      {"ip-port", IndicatorType::kEndpoint},
      {"ip:port", IndicatorType::kEndpoint},
      {"endpoint", IndicatorType::kEndpoint},
      {"ip-dst|port", IndicatorType::kEndpoint},
      {"ip-src|port", IndicatorType::kEndpoint},
      {"asn", IndicatorType::kAsn},
      {"as", IndicatorType::kAsn},
      {"domain", IndicatorType::kDomain},
      {"domain-name", IndicatorType::kDomain},
      {"hostname", IndicatorType::kDomain},
      {"host", IndicatorType::kDomain},
      {"fqdn", IndicatorType::kDomain},
      {"url", IndicatorType::kUrl},
      {"uri", IndicatorType::kUrl},
      {"link", IndicatorType::kUrl},
      {"md5", IndicatorType::kMd5},
      {"sha1", IndicatorType::kSha1},
      {"sha-1", IndicatorType::kSha1},
      {"sha256", IndicatorType::kSha256},
      {"sha-256", IndicatorType::kSha256},
      {"sha512", IndicatorType::kSha512},
      {"sha-512", IndicatorType::kSha512},
      {"ssdeep", IndicatorType::kSsdeep},
      {"tlsh", IndicatorType::kTlsh},
      {"imphash", IndicatorType::kImphash},
      {"email", IndicatorType::kEmail},
      {"email-addr", IndicatorType::kEmail},
      {"e-mail", IndicatorType::kEmail},
      {"email-src", IndicatorType::kEmail},
      {"email-dst", IndicatorType::kEmail},
      {"ja3", IndicatorType::kJa3},
      {"ja3s", IndicatorType::kJa3s},
      {"jarm", IndicatorType::kJarm},
      {"telegram", IndicatorType::kTelegramHandle},
  };
  for (const auto& e : kTable) {
    if (n == e.name) return e.type;
  }
  // Generic "hash" columns: let classification decide the kind.
  return std::nullopt;
}

namespace {

// Addresses, names, URLs and contacts: a feed's type column often labels these loosely
// ("Domain" on a URL, "URL" on a bare domain), while the value itself is unambiguous.
bool IsNetworkish(IndicatorType t) {
  using T = IndicatorType;
  switch (t) {
    case T::kIpv4:
    case T::kIpv6:
    case T::kCidr:
    case T::kEndpoint:
    case T::kDomain:
    case T::kUrl:
    case T::kUrlPath:
    case T::kEmail:
    case T::kTelegramHandle:
    case T::kTelegramBotToken:
      return true;
    default:
      return false;
  }
}

// Hashes and fingerprints must match their declaration exactly (an "imphash" column holds
// 32 hex digits that classification would call MD5); network values follow the value.
bool Compatible(IndicatorType declared, IndicatorType got) {
  if (declared == got) return true;
  return IsNetworkish(declared) && IsNetworkish(got);
}

}  // namespace

std::optional<Result<Indicator>> ParseDeclaredHashDirectly(std::string_view text,
                                                           IndicatorType declared,
                                                           const ClassifyOptions& options) {
  size_t digits = 0;
  switch (declared) {
    case IndicatorType::kMd5:
      digits = 32;
      break;
    case IndicatorType::kSha1:
      digits = 40;
      break;
    case IndicatorType::kSha256:
      digits = 64;
      break;
    case IndicatorType::kSha512:
      digits = 128;
      break;
    default:
      return std::nullopt;
  }
  // In a Telegram context a hex word starting with a letter classifies as a handle.
  if (options.telegram_context || text.size() != digits) return std::nullopt;
  // ParseIndicatorAs(declared, text) gives the lower-case digits as value and display; they are
  // built here in the pass that checks them.
  std::string lower(text.size(), '\0');
  char* digits_out = lower.data();
  unsigned bad = 0;  // no early exit: the loop vectorizes
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto folded = static_cast<unsigned char>(c | 0x20);  // 'A'-'F' -> 'a'-'f'; digits stay
    const bool digit = static_cast<unsigned char>(c - '0') < 10;
    const bool letter = static_cast<unsigned char>(folded - 'a') < 6;
    bad |= static_cast<unsigned>(!(digit | letter));
    digits_out[i] = static_cast<char>(folded);
  }
  if (bad != 0) return std::nullopt;
  Indicator out;
  out.type = declared;
  out.display = lower;
  out.value = std::move(lower);
  return Result<Indicator>(std::move(out));
}

namespace {

// Four decimal octets 0-255 without leading zeros, dot-separated: what IpAddress::Parse reads
// as IPv4 and writes back unchanged.
bool IsCanonicalDottedQuad(std::string_view s) {
  int octets = 0;
  size_t i = 0;
  while (true) {
    const size_t start = i;
    unsigned value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
      value = value * 10 + static_cast<unsigned>(s[i] - '0');
      ++i;
    }
    const size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && s[start] == '0')) return false;
    if (++octets == 4) return i == s.size();
    if (i >= s.size() || s[i] != '.') return false;
    ++i;
  }
}

}  // namespace

std::optional<Result<Indicator>> ParseDeclaredDirectly(std::string_view text,
                                                       IndicatorType declared,
                                                       const ClassifyOptions& options) {
  if (auto direct = ParseDeclaredHashDirectly(text, declared, options)) return direct;
  if (text.empty() || !IsNetworkish(declared)) return std::nullopt;
  bool dot = false, only_digits_and_dots = true;
  for (char c : text) {
    if (c == '.') {
      dot = true;
    } else if (c >= '0' && c <= '9') {
      continue;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_') {
      only_digits_and_dots = false;
    } else {
      return std::nullopt;
    }
  }
  if (only_digits_and_dots) {
    // The cascade reads digits and dots as an address first; other outcomes go through it.
    if (IsCanonicalDottedQuad(text)) {
      Indicator out;
      out.type = IndicatorType::kIpv4;
      out.value.assign(text);
      out.display.assign(text);
      return Result<Indicator>(std::move(out));
    }
    Result<Indicator> ip = ParseIndicatorAs(IndicatorType::kIpv4, text);
    if (ip.ok()) return ip;
    return std::nullopt;
  }
  if (declared != IndicatorType::kDomain || !dot || text.front() == '.' ||
      options.telegram_context) {
    return std::nullopt;
  }
  return ParseIndicatorAs(IndicatorType::kDomain, text);
}

Result<Indicator> ParseFeedValueByClassifying(std::string_view text,
                                              std::optional<IndicatorType> declared,
                                              const ClassifyOptions& options) {
  Result<Indicator> classified = ClassifyIndicator(text, options);
  if (!declared) return classified;
  if (classified.ok() && Compatible(*declared, classified->type)) return classified;
  Result<Indicator> typed = ParseIndicatorAs(*declared, Refang(text));
  if (typed.ok()) return typed;
  // A "fingerprint" column holds SHA-1 or SHA-256 certificate fingerprints alike.
  if (*declared == IndicatorType::kCertSha1 || *declared == IndicatorType::kCertSha256) {
    IndicatorType other = *declared == IndicatorType::kCertSha1 ? IndicatorType::kCertSha256
                                                                : IndicatorType::kCertSha1;
    Result<Indicator> alt = ParseIndicatorAs(other, Refang(text));
    if (alt.ok()) return alt;
  }
  if (classified.ok()) {
    return InvalidArgument("`" + Truncate(text, 120) + "` is declared " +
                           std::string(IndicatorTypeName(*declared)) + " but is a " +
                           std::string(IndicatorTypeName(classified->type)));
  }
  return typed.status();
}

Result<Indicator> ParseFeedValue(std::string_view text, std::optional<IndicatorType> declared,
                                 const ClassifyOptions& options) {
  if (declared) {
    if (auto direct = ParseDeclaredDirectly(text, *declared, options)) return std::move(*direct);
  }
  return ParseFeedValueByClassifying(text, declared, options);
}

bool IsFileHash(IndicatorType type) {
  switch (type) {
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

Role ChooseRole(Role stated, IndicatorType type, Role fallback) {
  // A file hash is a sample whatever its row says ("C&C module", "payload"): the role words
  // describe what the file does, not infrastructure.
  if (IsFileHash(type)) return Role::kSample;
  if (stated != Role::kUnknown) return stated;
  return fallback;
}

Result<Timestamp> ParseSeenTime(std::string_view text, bool is_last) {
  std::string_view t = Trim(text);
  auto all_digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  std::string start, end_exclusive;
  if (t.size() == 4 && all_digits(t)) {
    start = std::string(t) + "-01-01";
    end_exclusive = std::to_string(std::stoi(std::string(t)) + 1) + "-01-01";
  } else if (t.size() == 7 && all_digits(t.substr(0, 4)) && t[4] == '-' &&
             all_digits(t.substr(5, 2))) {
    int year = std::stoi(std::string(t.substr(0, 4)));
    int month = std::stoi(std::string(t.substr(5, 2)));
    start = std::string(t) + "-01";
    char buf[40];
    if (month >= 12) {
      std::snprintf(buf, sizeof buf, "%04d-01-01", year + 1);
    } else {
      std::snprintf(buf, sizeof buf, "%04d-%02d-01", year, month + 1);
    }
    end_exclusive = buf;
  }
  if (!start.empty()) {
    Result<Timestamp> first = Timestamp::Parse(start);
    if (!first.ok())
      return InvalidArgument("`" + std::string(t) + "`: " + first.status().message());
    if (!is_last) return first;
    Result<Timestamp> next = Timestamp::Parse(end_exclusive);
    if (!next.ok()) return first;  // the period ends past year 9999
    return Timestamp::FromUnixSeconds(next->unix_seconds() - 1);
  }
  COTENANT_ASSIGN_OR_RETURN(Timestamp ts, Timestamp::Parse(t));
  // A bare date as a last-seen covers the whole day.
  bool bare_date = t.size() == 10 && t[4] == '-' && t[7] == '-';
  if (is_last && bare_date) return Timestamp::FromUnixSeconds(ts.unix_seconds() + 86399);
  return ts;
}

bool IsPlaceholder(std::string_view cell) {
  std::string c = Lower(Trim(cell));
  while (!c.empty() && (c.front() == '`' || c.front() == '+')) c.erase(c.begin());
  while (!c.empty() && (c.back() == '`' || c.back() == '+')) c.pop_back();
  c = std::string(Trim(c));
  return c.empty() || c == "n/a" || c == "na" || c == "-" || c == "--" || c == "none" ||
         c == "unknown" || c == "null" || c == "—";
}

std::string_view StripInlineComment(std::string_view line) {
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '#' && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return Trim(line.substr(0, i));
    }
  }
  return Trim(line);
}

Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    if (!std::filesystem::exists(path)) return NotFound(path + ": no such file");
    return IoError(path + ": " + ec.message());
  }
  if (size > max_bytes) {
    return Unsupported(path + ": " + std::to_string(size) + " bytes is larger than the " +
                       std::to_string(max_bytes) + "-byte limit for one JSON document");
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError(path + ": " + std::strerror(errno));
  std::string out;
  out.reserve(size + kJsonPadding);
  out.resize(size);
  size_t n = std::fread(out.data(), 1, size, f);
  bool err = std::ferror(f) != 0;
  std::fclose(f);
  if (err) return IoError(path + ": read error");
  out.resize(n);
  return out;
}

}  // namespace cotenant::readers
