#include "match/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace cotenant::match_internal {

namespace {

Status Errno(const std::string& path, std::string_view what) {
  int err = errno;
  std::string msg = path + ": " + std::string(what) + ": " + std::strerror(err);
  if (err == ENOENT) return NotFound(msg);
  if (err == EACCES) return Status(StatusCode::kPermissionDenied, msg);
  return IoError(msg);
}

class FdSource : public ByteSource {
 public:
  FdSource(std::string path, int fd, bool owned) : path_(std::move(path)), fd_(fd), owned_(owned) {}
  ~FdSource() override {
    if (owned_ && fd_ >= 0) close(fd_);
  }
  Result<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      ssize_t r = read(fd_, buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno == EINTR) continue;
      return Errno(path_, "read failed");
    }
  }

 private:
  std::string path_;
  int fd_;
  bool owned_;
};

// Serves `prefix` (bytes already read to sniff the format) before the rest of `inner`.
class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> inner)
      : prefix_(std::move(prefix)), inner_(std::move(inner)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return inner_->Read(buf, n);
  }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> inner_;
};

class GzipSource : public ByteSource {
 public:
  GzipSource(std::string path, std::unique_ptr<ByteSource> raw)
      : path_(std::move(path)), raw_(std::move(raw)), in_(1 << 16) {
    std::memset(&z_, 0, sizeof(z_));
    ok_ = inflateInit2(&z_, 15 + 32) == Z_OK;  // +32: gzip or zlib header
  }
  ~GzipSource() override { inflateEnd(&z_); }
  bool compressed() const override { return true; }
  Result<size_t> Read(char* buf, size_t n) override {
    if (!ok_) return IoError(path_ + ": zlib initialisation failed");
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    while (z_.avail_out > 0) {
      if (z_.avail_in == 0 && !eof_) {
        COTENANT_ASSIGN_OR_RETURN(size_t got,
                                  raw_->Read(reinterpret_cast<char*>(in_.data()), in_.size()));
        if (got == 0) {
          eof_ = true;
        } else {
          z_.next_in = in_.data();
          z_.avail_in = static_cast<uInt>(got);
        }
      }
      if (z_.avail_in == 0 && eof_ && !in_member_) break;
      uInt out_before = z_.avail_out;
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        inflateReset(&z_);  // concatenated members
        continue;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return IoError(path_ + ": gzip data is corrupt (" +
                       std::string(z_.msg != nullptr ? z_.msg : "inflate error") + ")");
      }
      in_member_ = true;
      if (z_.avail_in == 0 && eof_ && z_.avail_out == out_before) {
        return IoError(path_ + ": gzip stream is truncated");
      }
    }
    return n - z_.avail_out;
  }

 private:
  std::string path_;
  std::unique_ptr<ByteSource> raw_;
  std::vector<unsigned char> in_;
  z_stream z_;
  bool ok_ = false;
  bool eof_ = false;
  bool in_member_ = false;
};

class ZstdSource : public ByteSource {
 public:
  ZstdSource(std::string path, std::unique_ptr<ByteSource> raw)
      : path_(std::move(path)),
        raw_(std::move(raw)),
        in_(ZSTD_DStreamInSize()),
        ctx_(ZSTD_createDCtx()) {}
  ~ZstdSource() override { ZSTD_freeDCtx(ctx_); }
  bool compressed() const override { return true; }
  Result<size_t> Read(char* buf, size_t n) override {
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos < out.size) {
      if (in_buf_.pos == in_buf_.size && !eof_) {
        COTENANT_ASSIGN_OR_RETURN(size_t got, raw_->Read(in_.data(), in_.size()));
        if (got == 0) eof_ = true;
        in_buf_ = ZSTD_inBuffer{in_.data(), got, 0};
      }
      if (in_buf_.pos == in_buf_.size && eof_ && pending_ == 0) break;
      size_t before = out.pos;
      size_t rc = ZSTD_decompressStream(ctx_, &out, &in_buf_);
      if (ZSTD_isError(rc)) {
        return IoError(path_ + ": zstd data is corrupt (" + ZSTD_getErrorName(rc) + ")");
      }
      pending_ = rc;
      if (in_buf_.pos == in_buf_.size && eof_ && out.pos == before) {
        if (rc != 0) return IoError(path_ + ": zstd stream is truncated");
        break;
      }
    }
    return out.pos;
  }

 private:
  std::string path_;
  std::unique_ptr<ByteSource> raw_;
  std::vector<char> in_;
  ZSTD_inBuffer in_buf_{nullptr, 0, 0};
  ZSTD_DCtx* ctx_;
  bool eof_ = false;
  size_t pending_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path) {
  std::unique_ptr<ByteSource> raw;
  if (path == "-") {
    raw = std::make_unique<FdSource>("stdin", STDIN_FILENO, false);
  } else {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno(path, "cannot open");
    raw = std::make_unique<FdSource>(path, fd, true);
  }
  // Sniff the magic bytes.
  std::string head(4, '\0');
  size_t got = 0;
  while (got < head.size()) {
    COTENANT_ASSIGN_OR_RETURN(size_t n, raw->Read(head.data() + got, head.size() - got));
    if (n == 0) break;
    got += n;
  }
  head.resize(got);
  auto prefixed = std::make_unique<PrefixedSource>(head, std::move(raw));
  const std::string name = path == "-" ? "stdin" : path;
  if (got >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
      static_cast<unsigned char>(head[1]) == 0x8b) {
    return std::unique_ptr<ByteSource>(std::make_unique<GzipSource>(name, std::move(prefixed)));
  }
  if (got == 4 && static_cast<unsigned char>(head[0]) == 0x28 &&
      static_cast<unsigned char>(head[1]) == 0xb5 && static_cast<unsigned char>(head[2]) == 0x2f &&
      static_cast<unsigned char>(head[3]) == 0xfd) {
    return std::unique_ptr<ByteSource>(std::make_unique<ZstdSource>(name, std::move(prefixed)));
  }
  return std::unique_ptr<ByteSource>(std::move(prefixed));
}

Result<std::unique_ptr<FollowedFile>> FollowedFile::Open(const std::string& path) {
  std::unique_ptr<FollowedFile> f(new FollowedFile(path));
  COTENANT_RETURN_IF_ERROR(f->Reopen());
  return f;
}

FollowedFile::~FollowedFile() {
  if (fd_ >= 0) close(fd_);
}

Status FollowedFile::Reopen() {
  int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno(path_, "cannot open");
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    Status s = Errno(path_, "cannot stat");
    close(fd);
    return s;
  }
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
  inode_ = st.st_ino;
  device_ = st.st_dev;
  offset_ = 0;
  return Status::Ok();
}

Result<size_t> FollowedFile::Read(char* buf, size_t n) {
  for (;;) {
    ssize_t r = read(fd_, buf, n);
    if (r >= 0) {
      offset_ += r;
      return static_cast<size_t>(r);
    }
    if (errno == EINTR) continue;
    return Errno(path_, "read failed");
  }
}

bool FollowedFile::Rotated() {
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0) return false;  // moved away, new one not there yet
  return st.st_ino != inode_ || st.st_dev != device_;
}

bool FollowedFile::Truncated() {
  struct stat st {};
  if (fstat(fd_, &st) != 0) return false;
  if (st.st_size < offset_) {
    lseek(fd_, 0, SEEK_SET);
    offset_ = 0;
    return true;
  }
  return false;
}

}  // namespace cotenant::match_internal
