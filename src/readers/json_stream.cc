#include "readers/json_stream.h"

#include <fcntl.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "readers/common.h"

namespace cotenant::readers {
namespace {

constexpr size_t kTooLargeHead = 200;
constexpr size_t kMaxPaths = 32;

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Where the bytes come from: a file descriptor or text in memory.
class Source {
 public:
  explicit Source(int fd) : fd_(fd) {}
  explicit Source(std::string_view text) : text_(text) {}
  // Bytes read into `dst` (0 at the end); an error names `name`.
  Result<size_t> Read(char* dst, size_t n, const std::string& name) {
    if (fd_ < 0) {
      size_t k = std::min(n, text_.size());
      std::memcpy(dst, text_.data(), k);
      text_.remove_prefix(k);
      return k;
    }
    while (true) {
      ssize_t k = ::read(fd_, dst, n);
      if (k >= 0) return static_cast<size_t>(k);
      if (errno != EINTR) return IoError("error reading " + name + ": " + std::strerror(errno));
    }
  }

 private:
  int fd_ = -1;
  std::string_view text_;
};

// One open container on the way from the root to the scanner's position.
struct Frame {
  bool is_array = false;
  bool expect_key = true;  // objects: the next string is a key
  uint32_t alive = 0;      // paths whose components so far match the route to this container
  int stream_path = -1;    // arrays whose elements are handed out: the path's index
  size_t index = 0;        // arrays: the current element's index
  std::string key;         // objects: the key of the current member (only when alive)
};

class Scanner {
 public:
  Scanner(Source& source, const std::string& name, const JsonStreamOptions& options,
          const JsonElementCallback& on_element)
      : source_(source), name_(name), options_(options), on_element_(on_element) {}

  Result<std::string> Run();

 private:
  enum class Scan { kValue, kInString, kAfterValue };

  Status Error(size_t at, std::string_view what) const {
    return InvalidArgument(name_ + ": not JSON at byte " + std::to_string(base_ + at) + ": " +
                           std::string(what));
  }
  // Reads more input; false at the end. Moves the bytes still needed to the front.
  Result<bool> Fill();
  void FlushEnvelope(size_t upto) {
    if (upto > envelope_from_)
      envelope_.append(data_.data() + envelope_from_, upto - envelope_from_);
    envelope_from_ = upto;
  }
  Status CheckEnvelopeSize() const {
    if (envelope_.size() + (pos_ - envelope_from_) > options_.max_envelope_bytes) {
      return InvalidArgument(name_ + ": the document outside the streamed arrays is larger than " +
                             std::to_string(options_.max_envelope_bytes >> 20) + " MiB");
    }
    return Status::Ok();
  }
  uint32_t ChildAlive(const Frame& parent) const;
  Status OpenContainer(bool is_array);
  Status CloseContainer(bool is_array);
  void BeginElement();
  // Offers the element that begins at pos_ to options_.claim.
  Status ClaimElement();
  Status ScanElement();
  void ScanEnvelopeString();
  Status EndElement(size_t end);
  // Moves over the rest of a number, true, false or null.
  void ScanScalar() {
    while (pos_ < len_) {
      char d = data_[pos_];
      if (IsSpace(d) || d == ',' || d == ']' || d == '}' || d == ':' || d == '"' || d == '[' ||
          d == '{') {
        in_scalar_ = false;
        return;
      }
      ++pos_;
    }
  }

  Source& source_;
  const std::string& name_;
  const JsonStreamOptions& options_;
  const JsonElementCallback& on_element_;

  std::string data_;  // data_[0, len_) holds input bytes from base_; padding after
  size_t len_ = 0;
  int64_t base_ = 0;
  size_t pos_ = 0;

  std::vector<Frame> stack_;
  bool seen_root_ = false;
  bool in_string_ = false;
  bool in_scalar_ = false;
  bool string_is_key_ = false;
  size_t key_start_ = 0;
  bool escape_pending_ = false;  // envelope string: the read ended after a backslash

  // The element being scanned (of the streamed array on top of stack_).
  bool in_element_ = false;
  bool element_at_end_ = false;  // pos_ is at the `,` or bracket after the element
  bool element_in_string_ = false;
  bool element_escape_ = false;
  size_t element_nesting_ = 0;     // brackets open inside the element
  bool between_elements_ = false;  // after a handed-out element's comma: white space is dropped
  size_t element_start_ = 0;
  bool element_too_large_ = false;
  bool element_claimed_ = false;  // read by options_.claim: EndElement hands out nothing
  std::string element_head_;      // first bytes of a too-large element, padded
  int64_t element_offset_ = 0;

  std::string envelope_;
  size_t envelope_from_ = 0;  // data_[envelope_from_, pos_) is envelope not yet copied
  std::vector<size_t> indices_;
};

uint32_t Scanner::ChildAlive(const Frame& parent) const {
  uint32_t out = 0;
  const size_t depth = stack_.size() - 1;  // parent's depth
  for (size_t p = 0; p < options_.array_paths.size(); ++p) {
    if (!(parent.alive & (1u << p))) continue;
    const auto& path = options_.array_paths[p];
    if (depth >= path.size()) continue;
    if (parent.is_array ? path[depth] == "*" : path[depth] != "*" && path[depth] == parent.key) {
      out |= 1u << p;
    }
  }
  return out;
}

Result<bool> Scanner::Fill() {
  size_t keep = pos_;
  if (in_element_) {
    // The element's bytes stay until it ends (only its head once it is too large); nothing of
    // it goes into the envelope (EndElement moves envelope_from_ past it).
    if (!element_too_large_) keep = element_start_;
    envelope_from_ = keep;
  } else {
    if (between_elements_) {
      envelope_from_ = pos_;
    } else {
      FlushEnvelope(pos_);
      COTENANT_RETURN_IF_ERROR(CheckEnvelopeSize());
    }
    if (in_string_ && string_is_key_) keep = std::min(keep, key_start_);
  }
  if (keep > 0) {
    std::memmove(data_.data(), data_.data() + keep, len_ - keep);
    len_ -= keep;
    pos_ -= keep;
    base_ += static_cast<int64_t>(keep);
    element_start_ = element_start_ >= keep ? element_start_ - keep : 0;
    key_start_ = key_start_ >= keep ? key_start_ - keep : 0;
    envelope_from_ = envelope_from_ >= keep ? envelope_from_ - keep : 0;
  }
  const size_t chunk = options_.read_chunk_bytes;
  if (data_.size() < len_ + chunk + kJsonPadding) {
    data_.resize(std::max(data_.size() * 2, len_ + chunk + kJsonPadding));
    if (options_.stats) {
      options_.stats->peak_buffer_bytes = std::max(options_.stats->peak_buffer_bytes, data_.size());
    }
  }
  COTENANT_ASSIGN_OR_RETURN(size_t n, source_.Read(data_.data() + len_, chunk, name_));
  len_ += n;
  return n > 0;
}

void Scanner::BeginElement() {
  // pos_ is at the element's first byte. White space after a dropped comma is dropped too.
  if (between_elements_) {
    between_elements_ = false;
    envelope_from_ = pos_;
  } else {
    FlushEnvelope(pos_);
  }
  in_element_ = true;
  element_at_end_ = false;
  element_in_string_ = false;
  element_escape_ = false;
  element_nesting_ = 0;
  element_start_ = pos_;
  element_offset_ = base_ + static_cast<int64_t>(pos_);
  element_too_large_ = false;
}

Status Scanner::EndElement(size_t end) {
  // `end`: the ',' or ']' after the element.
  in_element_ = false;
  element_at_end_ = false;
  const Frame& array = stack_.back();
  if (std::exchange(element_claimed_, false)) {
    // Handed out when it began (ClaimElement).
  } else if (options_.emit) {
    JsonStreamElement e;
    e.path_index = static_cast<size_t>(array.stream_path);
    e.offset = element_offset_;
    indices_.clear();
    for (const Frame& f : stack_) {
      if (f.is_array) indices_.push_back(f.index);
    }
    e.indices = indices_;
    if (element_too_large_) {
      e.too_large = true;
      e.json = std::string_view(element_head_.data(), element_head_.size() - kJsonPadding);
    } else {
      size_t stop = end;
      while (stop > element_start_ && IsSpace(data_[stop - 1])) --stop;
      e.json = std::string_view(data_.data() + element_start_, stop - element_start_);
    }
    COTENANT_RETURN_IF_ERROR(on_element_(e));
    if (options_.stats) ++options_.stats->elements;
  }
  // Commas between handed-out elements stay out of the envelope; the brackets stay in.
  between_elements_ = data_[end] == ',';
  envelope_from_ = between_elements_ ? end + 1 : end;
  return Status::Ok();
}

Status Scanner::ClaimElement() {
  JsonStreamElement e;
  e.path_index = static_cast<size_t>(stack_.back().stream_path);
  e.offset = element_offset_;
  indices_.clear();
  for (const Frame& f : stack_) {
    if (f.is_array) indices_.push_back(f.index);
  }
  e.indices = indices_;
  e.json = std::string_view(data_.data() + pos_, len_ - pos_);
  COTENANT_ASSIGN_OR_RETURN(size_t length, options_.claim(e));
  if (length == 0) return Status::Ok();
  pos_ += length;
  element_at_end_ = true;
  element_claimed_ = true;
  if (options_.stats) ++options_.stats->elements;
  return Status::Ok();
}

Status Scanner::OpenContainer(bool is_array) {
  if (stack_.size() >= options_.max_depth) {
    return Error(pos_, "nested deeper than " + std::to_string(options_.max_depth) + " levels");
  }
  Frame f;
  f.is_array = is_array;
  if (stack_.empty()) {
    f.alive = options_.array_paths.size() >= 32
                  ? ~0u
                  : static_cast<uint32_t>((uint64_t{1} << options_.array_paths.size()) - 1);
  } else {
    f.alive = ChildAlive(stack_.back());
  }
  if (is_array) {
    for (size_t p = 0; p < options_.array_paths.size(); ++p) {
      if ((f.alive & (1u << p)) && options_.array_paths[p].size() == stack_.size()) {
        f.stream_path = static_cast<int>(p);
        break;
      }
    }
  }
  stack_.push_back(std::move(f));
  return Status::Ok();
}

Status Scanner::CloseContainer(bool is_array) {
  if (stack_.empty() || stack_.back().is_array != is_array) {
    return Error(pos_, is_array ? "`]` closes no array" : "`}` closes no object");
  }
  stack_.pop_back();
  return Status::Ok();
}

// The next byte at or after `p` (before `end`) that may matter inside an element: a quote, a
// backslash, a bracket or a comma. Reads up to 15 bytes past `end` (the buffer's padding).
const char* NextSpecial(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i lower = _mm_set1_epi8(0x20);
  const __m128i open = _mm_set1_epi8('{');   // '[' | 0x20 == '{'
  const __m128i close = _mm_set1_epi8('}');  // ']' | 0x20 == '}'
  for (; p < end; p += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i folded = _mm_or_si128(v, lower);
    __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
        _mm_or_si128(_mm_cmpeq_epi8(v, comma),
                     _mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close))));
    if (int mask = _mm_movemask_epi8(hit)) return std::min(end, p + __builtin_ctz(mask));
  }
  return end;
#else
  for (; p < end; ++p) {
    char c = *p;
    if (c == '"' || c == '\\' || c == ',' || c == '{' || c == '}' || c == '[' || c == ']') {
      return p;
    }
  }
  return end;
#endif
}

// Bit i of each mask is set when byte p[i] is a quote, a backslash, a bracket or a comma.
struct BlockMasks {
  uint64_t quote = 0;
  uint64_t backslash = 0;
  uint64_t bracket = 0;
  uint64_t comma = 0;
};

#if defined(__SSE2__)
BlockMasks Classify64(const char* p) {
  BlockMasks m;
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i lower = _mm_set1_epi8(0x20);
  const __m128i open = _mm_set1_epi8('{');
  const __m128i close = _mm_set1_epi8('}');
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    __m128i folded = _mm_or_si128(v, lower);
    auto bits = [&](__m128i hit) {
      return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(hit))) << (16 * k);
    };
    m.quote |= bits(_mm_cmpeq_epi8(v, quote));
    m.backslash |= bits(_mm_cmpeq_epi8(v, backslash));
    m.bracket |= bits(_mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)));
    m.comma |= bits(_mm_cmpeq_epi8(v, comma));
  }
  return m;
}
#endif

// Bit i = XOR of bits 0..i: with quote bits in, the bits from an opening quote up to (not
// including) its closing quote.
uint64_t PrefixXor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

Status Scanner::ScanElement() {
  const char* p = data_.data() + pos_;
  const char* const end = data_.data() + len_;
  auto stop_at = [&](const char* at) {
    element_at_end_ = true;
    element_in_string_ = false;
    pos_ = static_cast<size_t>(at - data_.data());
    return Status::Ok();
  };
  auto too_deep = [&](const char* at) {
    pos_ = static_cast<size_t>(at - data_.data());
    return Error(pos_, "nested deeper than " + std::to_string(options_.max_depth) + " levels");
  };
  while (p < end) {
    const char* const block_end = end - p >= 64 ? p + 64 : end;
#if defined(__SSE2__)
    // Fast path, 64 bytes at a time (reading into the buffer's padding at the end): a block
    // without backslashes has its strings found by the quotes alone, and only the brackets
    // outside strings are looked at, and the commas among them only while no bracket of the
    // element is open (inside it, a comma separates its own members).
    if (!element_escape_) {
      const uint64_t valid =
          block_end - p == 64 ? ~uint64_t{0} : (uint64_t{1} << (block_end - p)) - 1;
      BlockMasks m = Classify64(p);
      if ((m.backslash & valid) == 0) {
        const uint64_t in_string =
            PrefixXor(m.quote & valid) ^ (element_in_string_ ? ~uint64_t{0} : 0);
        const uint64_t outside = ~in_string & valid;
        uint64_t bracket = m.bracket & outside;
        uint64_t comma = m.comma & outside;
        while (true) {
          if (element_nesting_ == 0) {
            const uint64_t next = bracket | comma;
            if (next == 0) break;
            const int i = __builtin_ctzll(next);
            const char c = p[i];
            if (c == ',' && p + i + 1 < end && p[i + 1] == '{' && !options_.claim) {
              // The next element starts right after the comma ("},{"): this one is handed out
              // and the next read on in the same block, as Run would (EndElement, the comma,
              // BeginElement).
              const size_t at = static_cast<size_t>(p + i - data_.data());
              COTENANT_RETURN_IF_ERROR(EndElement(at));
              ++stack_.back().index;
              pos_ = at + 1;
              BeginElement();
              comma &= comma - 1;  // p[i] was the lowest comma
              continue;
            }
            if (c != '{' && c != '[') return stop_at(p + i);  // the `,` or bracket after it
            if (++element_nesting_ + stack_.size() > options_.max_depth) return too_deep(p + i);
            bracket &= bracket - 1;  // p[i] was the lowest bracket, and no comma is below it
          } else {
            if (bracket == 0) break;
            const int i = __builtin_ctzll(bracket);
            bracket &= bracket - 1;
            const char c = p[i];
            if (c == '{' || c == '[') {
              if (++element_nesting_ + stack_.size() > options_.max_depth) return too_deep(p + i);
            } else if (--element_nesting_ == 0) {
              comma &= (~uint64_t{0} << i) << 1;  // commas up to here were inside the element
            }
          }
        }
        element_in_string_ = (in_string >> (block_end - p - 1)) & 1;
        p = block_end;
        continue;
      }
    }
#endif
    // Byte by byte through the specials (a block with a backslash, or an escape carried over).
    if (element_escape_) {
      element_escape_ = false;
      ++p;
    }
    while (true) {
      p = NextSpecial(p, block_end);
      if (p >= block_end) break;
      const char c = *p;
      if (element_in_string_) {
        if (c == '"') {
          element_in_string_ = false;
        } else if (c == '\\') {
          if (p + 1 >= block_end) {
            element_escape_ = true;
            p = block_end;
            break;
          }
          ++p;
        }
        ++p;
        continue;
      }
      switch (c) {
        case '"':
          element_in_string_ = true;
          break;
        case '{':
        case '[':
          if (++element_nesting_ + stack_.size() > options_.max_depth) return too_deep(p);
          break;
        case '}':
        case ']':
        case ',':
          if (element_nesting_ == 0) return stop_at(p);
          if (c != ',') --element_nesting_;
          break;
        default:
          break;  // a backslash outside a string: the element's parser will refuse it
      }
      ++p;
    }
    p = block_end;
  }
  pos_ = len_;
  return Status::Ok();
}

void Scanner::ScanEnvelopeString() {
  const char* p = data_.data() + pos_;
  const char* end = data_.data() + len_;
  if (escape_pending_) {
    escape_pending_ = false;
    ++p;
  }
  bool closed = false;
  while (p < end) {
    const char* quote = static_cast<const char*>(std::memchr(p, '"', end - p));
    const char* stop = quote ? quote : end;
    const char* backslash = static_cast<const char*>(std::memchr(p, '\\', stop - p));
    if (backslash) {
      if (backslash + 1 >= end) {
        escape_pending_ = true;
        p = end;
        break;
      }
      p = backslash + 2;
      continue;
    }
    if (quote) {
      p = quote + 1;
      closed = true;
    } else {
      p = end;
    }
    break;
  }
  pos_ = static_cast<size_t>(p - data_.data());
  if (closed) {
    in_string_ = false;
    if (string_is_key_) {
      string_is_key_ = false;
      stack_.back().key.assign(data_.data() + key_start_ + 1, pos_ - key_start_ - 2);
    }
  }
}

Result<std::string> Scanner::Run() {
  if (options_.array_paths.size() > kMaxPaths) {
    return InvalidArgument("at most " + std::to_string(kMaxPaths) + " streamed arrays");
  }
  if (options_.read_chunk_bytes == 0) return InvalidArgument("read_chunk_bytes must be positive");
  data_.resize(options_.read_chunk_bytes + kJsonPadding);
  if (options_.stats) {
    options_.stats->peak_buffer_bytes = std::max(options_.stats->peak_buffer_bytes, data_.size());
  }
  // A UTF-8 byte order mark is not JSON but common in exported files.
  while (len_ < 3) {
    COTENANT_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) break;
  }
  if (len_ >= 3 && std::memcmp(data_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = envelope_from_ = 3;
  while (true) {
    if (pos_ >= len_) {
      COTENANT_ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) break;
    }
    if (in_element_ && !element_at_end_) {
      if (!element_too_large_ && pos_ - element_start_ > options_.max_element_bytes) {
        element_too_large_ = true;
        element_head_.assign(data_.data() + element_start_,
                             std::min(kTooLargeHead, pos_ - element_start_));
        element_head_.append(kJsonPadding, ' ');
      }
      COTENANT_RETURN_IF_ERROR(ScanElement());
      continue;
    }
    if (in_string_) {
      ScanEnvelopeString();
      continue;
    }
    if (in_scalar_) {
      ScanScalar();
      continue;
    }
    const char c = data_[pos_];
    if (IsSpace(c)) {
      ++pos_;
      continue;
    }
    if (stack_.empty() && seen_root_) {
      return Error(pos_, "more content after the end of the document");
    }
    const bool element_boundary = c == ',' || c == ']' || c == '}';
    if (in_element_ && element_boundary) {
      COTENANT_RETURN_IF_ERROR(EndElement(pos_));
    } else if (!element_boundary && c != ':' && !stack_.empty() && stack_.back().is_array &&
               stack_.back().stream_path >= 0) {
      // The first byte of an element of a streamed array: the claim hook or ScanElement takes
      // it from here.
      BeginElement();
      if (options_.claim && options_.emit) COTENANT_RETURN_IF_ERROR(ClaimElement());
      continue;
    }
    switch (c) {
      case '"': {
        bool is_key = !stack_.empty() && !stack_.back().is_array && stack_.back().expect_key;
        if (is_key) {
          stack_.back().expect_key = false;
          string_is_key_ = stack_.back().alive != 0;
          key_start_ = pos_;
        }
        seen_root_ = true;
        in_string_ = true;
        ++pos_;
        break;
      }
      case '{':
      case '[':
        COTENANT_RETURN_IF_ERROR(OpenContainer(c == '['));
        seen_root_ = true;
        ++pos_;
        break;
      case '}':
      case ']':
        COTENANT_RETURN_IF_ERROR(CloseContainer(c == ']'));
        ++pos_;
        break;
      case ',':
        if (stack_.empty()) return Error(pos_, "`,` outside any array or object");
        if (stack_.back().is_array) {
          ++stack_.back().index;
        } else {
          stack_.back().expect_key = true;
        }
        ++pos_;
        break;
      case ':':
        ++pos_;
        break;
      default:
        // A number, true, false or null: scan to its end.
        seen_root_ = true;
        in_scalar_ = true;
        ScanScalar();
        break;
    }
  }
  if (in_string_ || (in_element_ && element_in_string_)) {
    return Error(len_, "the input ends inside a string");
  }
  if (!stack_.empty()) {
    size_t open = stack_.size() + (in_element_ ? element_nesting_ : 0);
    return Error(len_,
                 std::string("the input ends inside ") + (open == 1 ? "the top-level " : "an ") +
                     (in_element_ && element_nesting_ > 0 ? "element of a streamed array"
                      : stack_.back().is_array            ? "array"
                                                          : "object") +
                     " (" + std::to_string(open) + (open == 1 ? " level" : " levels") + " open)");
  }
  if (!seen_root_) return InvalidArgument(name_ + ": empty input, no JSON document");
  FlushEnvelope(pos_);
  return std::move(envelope_);
}

}  // namespace

std::string JsonElementPath(const std::vector<std::string>& array_path,
                            std::span<const size_t> indices) {
  std::string out = "$";
  size_t k = 0;
  auto index = [&] {
    out += '[';
    out += k < indices.size() ? std::to_string(indices[k++]) : "?";
    out += ']';
  };
  for (const auto& part : array_path) {
    if (part == "*") {
      index();
    } else {
      out += '.';
      out += part;
    }
  }
  index();
  return out;
}

Result<std::string> StreamJsonFile(const std::string& path, const JsonStreamOptions& options,
                                   const JsonElementCallback& on_element) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("cannot open " + path + ": " + std::strerror(errno));
  Source source(fd);
  Scanner scanner(source, path, options, on_element);
  auto result = scanner.Run();
  ::close(fd);
  return result;
}

Result<std::string> StreamJsonText(std::string_view json, const std::string& name,
                                   const JsonStreamOptions& options,
                                   const JsonElementCallback& on_element) {
  Source source(json);
  Scanner scanner(source, name, options, on_element);
  return scanner.Run();
}

}  // namespace cotenant::readers
