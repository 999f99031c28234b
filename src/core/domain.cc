#include "cotenant/domain.h"

#include <idn2.h>
#include <libpsl.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/plain_name.h"
#include "core/text.h"
#include "cotenant/ip.h"

namespace cotenant {
namespace {

constexpr size_t kMaxLabelBytes = 63;
constexpr size_t kMaxNameBytes = 253;
constexpr int kIdnFlags = IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
using IdnString = std::unique_ptr<char, FreeDeleter>;

Status DomainError(std::string_view text, std::string_view reason) {
  return InvalidArgument("invalid domain name " + core::Quoted(text) + ": " + std::string(reason));
}

// UTS #46 maps these full stops to "." before splitting into labels.
std::string MapFullStops(std::string_view text) {
  static constexpr std::string_view kStops[] = {"\xe3\x80\x82", "\xef\xbc\x8e", "\xef\xbd\xa1"};
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    bool mapped = false;
    for (std::string_view stop : kStops) {
      if (text.substr(i, stop.size()) == stop) {
        out += '.';
        i += stop.size();
        mapped = true;
        break;
      }
    }
    if (!mapped) out += text[i++];
  }
  return out;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// A decoded A-label must carry some non-ASCII text and no control characters (C0, DEL, C1);
// Punycode such as "xn--a" decodes to U+0080 and names nothing a registry would issue.
bool IsPlausibleULabel(std::string_view decoded) {
  bool non_ascii = false;
  for (size_t i = 0; i < decoded.size(); ++i) {
    auto c = static_cast<unsigned char>(decoded[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c == 0xc2 && i + 1 < decoded.size() && static_cast<unsigned char>(decoded[i + 1]) <= 0x9f) {
      return false;  // U+0080..U+009F
    }
    if (c >= 0x80) non_ascii = true;
  }
  return non_ascii;
}

// Checks a lower-case ASCII label: 1-63 bytes of [a-z0-9_-], no hyphen at either end.
Status CheckAsciiLabel(std::string_view text, std::string_view label) {
  if (label.empty()) return DomainError(text, "empty label");
  if (label.size() > kMaxLabelBytes) {
    return DomainError(text, "label longer than 63 bytes");
  }
  for (char c : label) {
    if (!(core::IsAsciiAlpha(c) || core::IsAsciiDigit(c) || c == '-' || c == '_')) {
      return DomainError(text, "invalid character " + core::Quoted(std::string_view(&c, 1)));
    }
  }
  if (label.front() == '-' || label.back() == '-') {
    return DomainError(text, "label " + core::Quoted(label) + " starts or ends with a hyphen");
  }
  return Status::Ok();
}

// One label in canonical A-label form plus its display form.
struct Label {
  std::string ascii;
  std::string unicode;
};

Result<Label> CanonicalLabel(std::string_view text, std::string_view raw) {
  if (raw.empty()) return DomainError(text, "empty label");
  if (IsAscii(raw)) {
    std::string label = core::AsciiLower(raw);
    COTENANT_RETURN_IF_ERROR(CheckAsciiLabel(text, label));
    if (label.size() < 4 || label.compare(0, 4, "xn--") != 0) return Label{label, label};
    // An A-label: it must be well-formed Punycode. When UTS #46 accepts its Unicode form the
    // U-label is shown; an A-label that exists in DNS but that IDNA2008 disallows (emoji
    // domains registered under IDNA2003, e.g. xn--ls8h.la) is kept and shown as is.
    char* decoded = nullptr;
    int rc = idn2_to_unicode_8z8z(label.c_str(), &decoded, 0);
    IdnString decoded_owner(decoded);
    if (rc != IDN2_OK) {
      return DomainError(text, "label " + core::Quoted(label) + " is not valid Punycode (" +
                                   idn2_strerror(rc) + ")");
    }
    if (!IsPlausibleULabel(decoded)) {
      return DomainError(text, "label " + core::Quoted(label) +
                                   " decodes to control characters or to plain ASCII");
    }
    char* checked = nullptr;
    rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(decoded),
                        reinterpret_cast<uint8_t**>(&checked), kIdnFlags);
    IdnString checked_owner(checked);
    if (rc == IDN2_OK && label == checked) return Label{label, decoded};
    return Label{label, label};
  }
  char* out = nullptr;
  int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(std::string(raw).c_str()),
                          reinterpret_cast<uint8_t**>(&out), kIdnFlags);
  IdnString out_owner(out);
  if (rc != IDN2_OK) {
    return DomainError(text, "label " + core::Quoted(raw) +
                                 " is not a valid IDN (UTS #46: " + idn2_strerror(rc) + ")");
  }
  std::string label = core::AsciiLower(out);
  COTENANT_RETURN_IF_ERROR(CheckAsciiLabel(text, label));
  char* display = nullptr;
  rc = idn2_to_unicode_8z8z(label.c_str(), &display, 0);
  IdnString display_owner(display);
  return Label{label, rc == IDN2_OK ? std::string(display) : label};
}

const psl_ctx_t* PublicSuffixList() {
  static const psl_ctx_t* const ctx = [] {
    const psl_ctx_t* loaded = psl_load_file(COTENANT_PSL_FILE);
    if (loaded == nullptr) loaded = psl_latest(nullptr);
    if (loaded == nullptr) loaded = psl_builtin();
    if (loaded == nullptr) {
      // An installation error, not bad input: without the list no answer would be right.
      std::fprintf(stderr,
                   "cotenant: cannot load the Public Suffix List from %s (install the "
                   "Debian package publicsuffix)\n",
                   COTENANT_PSL_FILE);
      std::abort();
    }
    return loaded;
  }();
  return ctx;
}

constexpr int kPslType = PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE;

}  // namespace

namespace core {

// True when `name` (without the root dot and the "*." of a wildcard) is what nearly every feed
// holds and the general path below would accept unchanged but for case: ASCII labels of
// letters, digits, '_' and '-' that pass CheckAsciiLabel, none an A-label ("xn--", which
// libidn2 must check), at least two, a non-numeric top-level label, at most 253 bytes. Such a
// name is canonical once lower-cased and is its own display form. Everything else, every error
// included, is left to the general path, which says what is wrong.
namespace {

// A label of IsPlainAsciiName's name: 1-63 bytes, no '-' at either end, not an A-label.
bool IsPlainLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelBytes || label.front() == '-' ||
      label.back() == '-') {
    return false;
  }
  return !(label.size() >= 4 && (label[0] | 0x20) == 'x' && (label[1] | 0x20) == 'n' &&
           label[2] == '-' && label[3] == '-');
}

}  // namespace

bool IsPlainAsciiName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  // 0: never in such a name; 1: a digit; 2: a letter, '-' or '_'; 3: the dot.
  static constexpr auto kClass = [] {
    std::array<uint8_t, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[c] = 1;
    for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = 2;
    t['-'] = t['_'] = 2;
    t['.'] = 3;
    return t;
  }();
  size_t labels = 0;
  bool numeric_label = true;  // of the label being read: digits only so far
  size_t start = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    const uint8_t k = kClass[static_cast<unsigned char>(name[i])];
    if (k == 1) continue;
    if (k == 2) {
      numeric_label = false;
      continue;
    }
    if (k == 0 || !IsPlainLabel(name.substr(start, i - start))) return false;
    ++labels;
    start = i + 1;
    numeric_label = true;
  }
  if (!IsPlainLabel(name.substr(start))) return false;  // the top-level label
  return labels >= 1 && !numeric_label;
}

}  // namespace core

Result<DomainName> DomainName::Parse(std::string_view text) {
  {
    std::string_view rest = text;
    if (rest.size() > 1 && rest.back() == '.') rest.remove_suffix(1);  // the root label
    const bool wildcard = rest.substr(0, 2) == "*.";
    if (wildcard) rest.remove_prefix(2);
    if (core::IsPlainAsciiName(rest)) {
      DomainName out;
      out.wildcard_ = wildcard;
      out.ascii_ = core::AsciiLower(rest);
      out.unicode_ = out.ascii_;
      return out;
    }
  }
  if (text.empty()) return InvalidArgument("empty domain name");
  if (size_t bad = core::FindInvalidUtf8(text); bad != std::string_view::npos) {
    return DomainError(text, "invalid UTF-8 at byte " + std::to_string(bad));
  }
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return DomainError(text, "invalid character " + core::Quoted(std::string_view(&c, 1)));
    }
  }
  std::string name = MapFullStops(text);
  std::string_view rest = name;
  if (rest.size() > 1 && rest.back() == '.') rest.remove_suffix(1);  // the root label
  DomainName out;
  if (rest.substr(0, 2) == "*.") {
    out.wildcard_ = true;
    rest.remove_prefix(2);
  }
  if (rest.find('*') != std::string_view::npos) {
    return DomainError(text, "`*` is only allowed as a whole first label (`*.example.com`)");
  }
  std::vector<Label> labels;
  size_t start = 0;
  while (true) {
    size_t dot = rest.find('.', start);
    std::string_view raw = rest.substr(start, dot == std::string_view::npos ? dot : dot - start);
    COTENANT_ASSIGN_OR_RETURN(Label label, CanonicalLabel(text, raw));
    labels.push_back(std::move(label));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) {
      out.ascii_ += '.';
      out.unicode_ += '.';
    }
    out.ascii_ += labels[i].ascii;
    out.unicode_ += labels[i].unicode;
  }
  if (out.ascii_.size() > kMaxNameBytes) return DomainError(text, "name longer than 253 bytes");
  const std::string& tld = labels.back().ascii;
  bool numeric_tld = true;
  for (char c : tld) numeric_tld = numeric_tld && core::IsAsciiDigit(c);
  if (numeric_tld) {
    if (IpAddress::Parse(text).ok()) {
      return DomainError(text, "an IP address is not a domain name");
    }
    return DomainError(text, "top-level label " + core::Quoted(tld) +
                                 " is numeric (an IP address is not a domain name)");
  }
  if (labels.size() < 2) {
    return DomainError(text, "a single label is not a domain name (needs at least two labels)");
  }
  return out;
}

std::string DomainName::ToString() const { return wildcard_ ? "*." + ascii_ : ascii_; }

bool DomainName::IsSubdomainOf(const DomainName& parent) const {
  const std::string& p = parent.ascii_;
  if (ascii_.size() == p.size()) return ascii_ == p;
  return ascii_.size() > p.size() && ascii_[ascii_.size() - p.size() - 1] == '.' &&
         ascii_.compare(ascii_.size() - p.size(), p.size(), p) == 0;
}

namespace {

// Offset of the longest suffix of `name` (NUL-terminated) that the PSL lists, npos for none.
// psl_is_public_suffix2 applies wildcard and exception rules.
size_t WalkPublicSuffix(const char* name, size_t size) {
  const psl_ctx_t* psl = PublicSuffixList();
  for (size_t start = 0; start < size;) {
    if (psl_is_public_suffix2(psl, name + start, kPslType)) return start;
    const void* dot = std::memchr(name + start, '.', size - start);
    if (dot == nullptr) break;
    start = static_cast<size_t>(static_cast<const char*>(dot) - name) + 1;
  }
  return std::string::npos;
}

// The same walk, remembering the answer for the name without its first label: a feed's names
// share their parents ("a.example.com", "b.example.com"; every "x.com" has "com"), so a name
// costs one PSL lookup instead of one per label. The list is loaded once and never changes,
// so a remembered answer stays right. One cache per thread, overwritten on collision.
size_t LongestPublicSuffix(const std::string& name) {
  if (psl_is_public_suffix2(PublicSuffixList(), name.c_str(), kPslType)) return 0;
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return std::string::npos;
  const std::string_view parent = std::string_view(name).substr(dot + 1);
  struct Entry {
    std::string parent;
    size_t offset = std::string::npos;  // in `parent`
    bool used = false;
  };
  constexpr size_t kEntries = 1024;
  thread_local std::vector<Entry> cache(kEntries);
  Entry& e = cache[std::hash<std::string_view>{}(parent) % kEntries];
  if (!e.used || e.parent != parent) {
    e.parent.assign(parent);
    e.offset = WalkPublicSuffix(e.parent.c_str(), e.parent.size());
    e.used = true;
  }
  return e.offset == std::string::npos ? std::string::npos : dot + 1 + e.offset;
}

}  // namespace

std::string DomainName::PublicSuffix() const {
  // Longest matching suffix first.
  if (size_t start = LongestPublicSuffix(ascii_); start != std::string::npos) {
    return ascii_.substr(start);
  }
  // Special-use TLDs the PSL leaves out: "test" and "example" (RFC 6761: documentation and
  // testing, so examples and demo data are first-class indicators) and "onion" (RFC 7686: Tor
  // services, real C2 addresses). Each acts as a one-label public suffix.
  const size_t last_dot = ascii_.rfind('.');
  const std::string_view tld = last_dot == std::string::npos
                                   ? std::string_view(ascii_)
                                   : std::string_view(ascii_).substr(last_dot + 1);
  if (tld == "test" || tld == "example" || tld == "onion") return std::string(tld);
  return {};
}

std::string DomainName::RegistrableDomain() const {
  std::string suffix = PublicSuffix();
  if (suffix.empty() || suffix.size() == ascii_.size()) return {};
  size_t end = ascii_.size() - suffix.size() - 1;  // the dot before the suffix
  size_t dot = ascii_.rfind('.', end - 1);
  return ascii_.substr(dot == std::string::npos ? 0 : dot + 1);
}

bool IsPublicSuffix(std::string_view suffix) {
  return psl_is_public_suffix2(PublicSuffixList(), std::string(suffix).c_str(), kPslType) != 0;
}

bool IsIcannPublicSuffix(std::string_view suffix) {
  return psl_is_public_suffix2(PublicSuffixList(), std::string(suffix).c_str(),
                               PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) != 0;
}

}  // namespace cotenant
