// Byte sources for log input: plain files, stdin, gzip (zlib, multi-member) and zstd (any
// number of frames), recognised by their magic bytes, not by the file name.
#pragma once

#include <memory>
#include <string>

#include "cotenant/status.h"

namespace cotenant::match_internal {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes; 0 means end of input (for a followed file: nothing new yet).
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // True when the source is compressed (cannot be followed).
  virtual bool compressed() const { return false; }
};

// "-" is stdin. Errors name the path and the reason.
Result<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path);

// A plain file followed like `tail -F`: Read returns 0 when there is nothing new; Poll checks
// for rotation (a new file at the path: the old one is read to its end first) and truncation.
class FollowedFile : public ByteSource {
 public:
  static Result<std::unique_ptr<FollowedFile>> Open(const std::string& path);
  ~FollowedFile() override;
  Result<size_t> Read(char* buf, size_t n) override;
  // After Read returned 0: true when the path now names another file (rotation) and the old
  // one is exhausted; the caller then calls Reopen and starts a new stream (new header).
  bool Rotated();
  Status Reopen();
  // True when the file shrank below what was read (copytruncate); reading restarts at 0.
  bool Truncated();

 private:
  explicit FollowedFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
  int fd_ = -1;
  unsigned long long inode_ = 0, device_ = 0;
  long long offset_ = 0;
};

}  // namespace cotenant::match_internal
