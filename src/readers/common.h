// Shared plumbing of the readers: line streaming with a bounded buffer, text helpers, and the
// small pieces every reader uses to build records (rejections, source names, indicator parsing
// with a declared type).
//
// Private to src/readers. Not thread-safe per object; each reader owns its LineReader.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cotenant/indicator.h"
#include "cotenant/observation.h"
#include "cotenant/reader.h"
#include "cotenant/status.h"

namespace cotenant::readers {

// Longest line a line reader keeps; longer lines are reported and skipped, so memory stays
// flat however long a hostile line is.
inline constexpr size_t kMaxLineBytes = 1 << 20;
// Largest JSON document read whole (simdjson needs it in memory).
inline constexpr size_t kMaxJsonBytes = size_t{2} << 30;

// Streams the lines of a file, or of a buffer, without their "\n" / "\r\n". A UTF-8 byte order
// mark at the start is dropped. Lines longer than kMaxLineBytes come back with `too_long` set
// and their text cut to the first 200 bytes.
class LineReader {
 public:
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path);
  static std::unique_ptr<LineReader> FromBuffer(std::string_view buffer);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // False at end of input. `line` stays valid until the next call.
  bool Next(std::string_view* line);
  int64_t line_number() const { return line_number_; }
  bool too_long() const { return too_long_; }
  // Set when a read error (not end of file) stopped the stream.
  const Status& status() const { return status_; }

 private:
  LineReader() = default;
  bool Fill();

  std::FILE* file_ = nullptr;
  std::string_view buffer_;  // FromBuffer: the whole input; file: unread bytes in chunk_
  std::string chunk_;
  std::string line_;
  bool eof_ = false;
  bool first_ = true;
  bool too_long_ = false;
  int64_t line_number_ = 0;
  Status status_;
};

// Text helpers (ASCII case folding only: the formats' keywords are ASCII).
std::string_view Trim(std::string_view s);
std::string Lower(std::string_view s);
bool StartsWithNoCase(std::string_view s, std::string_view prefix);
bool ContainsNoCase(std::string_view s, std::string_view needle);
bool IsValidUtf8(std::string_view s);
std::vector<std::string_view> SplitNoEmpty(std::string_view s, char sep);
std::string Truncate(std::string_view s, size_t max_bytes = 200);

// "dir/apt_gamaredon.txt" -> "apt_gamaredon"; "a/b.tar.gz" -> "b.tar".
std::string FileStem(std::string_view path);
std::string FileName(std::string_view path);
std::string ParentDirName(std::string_view path);
// The report or feed name a file stands for when the caller gave none: the file stem, or the
// parent directory's name when the stem is generic ("README", "samples", "iocs", "result").
std::string DefaultSourceName(std::string_view path);

// An actor name from a report file name: the stem without "ioc"/"iocs" tokens
// ("Gamaredon-iocs.csv" -> "Gamaredon", "iocs_gamaredon_remcos.txt" -> "gamaredon_remcos").
// `had_ioc_token` tells whether such a token was there (a vendor's "<actor>-iocs" naming).
std::string ActorFromReportFileName(std::string_view path, bool* had_ioc_token = nullptr);

// Where a UTF-16 or other non-UTF-8 encoding can be recognised from the first bytes, says so.
Status CheckTextEncoding(std::string_view head, std::string_view path);

Rejection MakeRejection(Location location, std::string reason, std::string_view text);
Location LineLocation(const std::string& file, int64_t line);
Location JsonLocation(const std::string& file, std::string json_path);

// Type names that feeds write in a "type" column or attribute ("IP", "Domain", "SHA256",
// "hostname", "ip-dst", "Intel::ADDR"...) to an indicator type; nullopt when unknown.
std::optional<IndicatorType> TypeFromFeedName(std::string_view name);

// Reads `text` as an indicator. Without a declared type it classifies. With one, a network
// value (IP, CIDR, endpoint, domain, URL, e-mail, Telegram) is what it classifies as, since feeds
// label these loosely ("Domain" on a URL, "IP" on "1.2.3.4:80"); hashes and fingerprints must
// parse as the declared type (an "imphash" is 32 hex digits that would classify as MD5). Errors
// name the text and the reason.
Result<Indicator> ParseFeedValue(std::string_view text, std::optional<IndicatorType> declared,
                                 const ClassifyOptions& options = {});

// ParseFeedValue's shortcut for a declared MD5, SHA-1, SHA-256 or SHA-512 whose text is exactly
// that many hex digits: ClassifyIndicator's cascade reaches the same hash for such text (hex
// digits alone hold no refang marker, space, IP, e-mail, ASN or URL shape), so it parses the
// hash directly; nullopt for any other text or type, which goes through the cascade.
std::optional<Result<Indicator>> ParseDeclaredHashDirectly(std::string_view text,
                                                           IndicatorType declared,
                                                           const ClassifyOptions& options);
// ParseFeedValue's shortcuts for what feeds declare most, each reaching what the cascade would
// (the same indicator or the same error) without walking it; nullopt for everything else:
//  - a declared hash: ParseDeclaredHashDirectly;
//  - a declared network type (IP, CIDR, endpoint, domain, URL, e-mail, Telegram) whose text is
//    a dotted quad: the IPv4 address (the cascade finds the address before anything else, and
//    a network declaration takes what the value is);
//  - a declared domain whose text is letters, digits, '-', '_' and dots, with a dot, not
//    starting with one, and not digits and dots alone: DomainName::Parse of it. Refang leaves
//    such text alone and the cascade's every step before the domain one passes it by; its
//    domain step (which also wants a public suffix) either accepts the name or falls back to
//    parsing it as the declared domain, so the result is DomainName::Parse's either way.
std::optional<Result<Indicator>> ParseDeclaredDirectly(std::string_view text,
                                                       IndicatorType declared,
                                                       const ClassifyOptions& options);
// ParseFeedValue without the shortcuts: the full classification cascade. For tests that prove
// the shortcuts change nothing.
Result<Indicator> ParseFeedValueByClassifying(std::string_view text,
                                              std::optional<IndicatorType> declared,
                                              const ClassifyOptions& options = {});

// GuessRole remembering its last few answers: feeds repeat a handful of descriptions ("C2
// server", "Phishing domain") row after row. One per reader; not thread-safe.
class RoleGuesser {
 public:
  Role operator()(std::string_view text) {
    for (size_t i = 0; i < size_; ++i) {
      if (entries_[i].text == text) return entries_[i].role;
    }
    Entry& e = entries_[size_ < kEntries ? size_++ : next_++ % kEntries];
    e.text.assign(text);
    e.role = GuessRole(text);
    return e.role;
  }

 private:
  static constexpr size_t kEntries = 8;
  struct Entry {
    std::string text;
    Role role = Role::kUnknown;
  };
  Entry entries_[kEntries];
  size_t size_ = 0;
  size_t next_ = 0;
};

// True for the file-hash types, whose default role is a sample.
bool IsFileHash(IndicatorType type);
// The role for a value: file hashes are always samples; otherwise `stated` (what the source
// said, may be kUnknown), else `fallback`.
Role ChooseRole(Role stated, IndicatorType type, Role fallback);

// A "first seen" / "last seen" cell. Besides Timestamp::Parse forms it accepts the month
// ("2020-09") and year ("2020") precision vendors write; a first-seen takes the start of the
// period, a last-seen its end (a bare date as last-seen is the end of that day), so a value
// first and last seen on one day has a one-day interval, not an inverted one.
Result<Timestamp> ParseSeenTime(std::string_view text, bool is_last);

// Cells that mean "nothing here".
bool IsPlaceholder(std::string_view cell);

// Strips a trailing " # comment" (white space before '#'), as maltrail and plain lists write.
std::string_view StripInlineComment(std::string_view line);

// Bytes a JSON parser may read past the end of a document (simdjson::SIMDJSON_PADDING).
inline constexpr size_t kJsonPadding = 64;

// Reads a whole file, bounded by `max_bytes`. The string's capacity leaves kJsonPadding bytes
// after the content, so a JSON parser can read it in place.
Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes);

}  // namespace cotenant::readers
