#include "mockserver/file_cache.hpp"

#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace bh::mockserver {

namespace {

void append_number(std::string& key, std::uint64_t n) {
  key += std::to_string(n);
  key += ',';
}

void append_text(std::string& key, std::string_view text) {
  append_number(key, text.size());  // length-prefixed: no separator can be forged
  key += text;
}

void append_instant(std::string& key, const std::optional<Instant>& at) {
  if (!at) return append_text(key, "-");
  append_number(key, static_cast<std::uint64_t>(at->time_since_epoch().count()));
}

std::string slice_key(const protocol::DataSlice& s) {
  std::string key;
  append_text(key, s.type);
  append_number(key, s.begin);
  append_number(key, s.end);
  append_text(key, s.group_id ? "g" + *s.group_id : "-");
  append_instant(key, s.since);
  append_instant(key, s.until);
  append_number(key, s.patients.size());
  for (auto p : s.patients)
    append_number(key, p);
  append_number(key, s.elements.size());
  for (const auto& e : s.elements)
    append_text(key, e);
  return key;
}

int anonymous_file(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
  // A filesystem without O_TMPFILE: a named file, unlinked at once.
  std::string path = dir + "/bulkharness-cache-XXXXXX";
  fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(path.c_str());
  return fd;
}

// Generates as the wrapped stream does and keeps a copy of every byte handed out; the copy is
// stored once the generator says it is done, and dropped if the fetch stops first.
class TeeStream final : public protocol::BodyStream {
 public:
  TeeStream(std::unique_ptr<protocol::BodyStream> inner, std::shared_ptr<FileCache> cache,
            std::string key)
      : inner_(std::move(inner)), cache_(std::move(cache)), key_(std::move(key)) {
    fd_ = cache_->make_file();
    if (fd_ < 0) cache_->skipped();
  }
  TeeStream(const TeeStream&) = delete;
  TeeStream& operator=(const TeeStream&) = delete;
  ~TeeStream() override { drop(false); }

  bool next(std::string& out, std::size_t max_bytes) override {
    if (done_) return false;
    const std::size_t before = out.size();
    const bool more = inner_->next(out, max_bytes);
    done_ = !more;
    if (fd_ >= 0) keep(out.data() + before, out.size() - before);
    if (done_ && fd_ >= 0) {
      cache_->store(key_, std::make_shared<const StoredFile>(fd_, written_));
      fd_ = -1;  // the StoredFile owns it now, and the cache counts its bytes
    }
    return more;
  }

 private:
  void keep(const char* data, std::size_t n) {
    if (!cache_->reserve(n)) return drop(true);
    written_ += n;
    if (!write_all(fd_, std::string_view(data, n))) drop(true);
  }
  void drop(bool skipped) {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    cache_->release(written_);
    if (skipped) cache_->skipped();
  }

  std::unique_ptr<protocol::BodyStream> inner_;
  std::shared_ptr<FileCache> cache_;
  std::string key_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
  bool done_ = false;
};

}  // namespace

StoredFile::~StoredFile() {
  ::close(fd_);
}

bool FileStream::next(std::string& out, std::size_t max_bytes) {
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(max_bytes, remaining()));
  const std::size_t at = out.size();
  out.resize(at + want);
  std::size_t got = 0;
  while (got < want) {
    const ssize_t r =
        ::pread(fd(), out.data() + at + got, want - got, static_cast<off_t>(offset_ + got));
    if (r < 0 && errno == EINTR) continue;
    // The file was written whole before it was stored; a short or failed read now is the disk
    // failing under us. End the body there: the client sees a short file, as with any I/O error.
    if (r <= 0) {
      out.resize(at + got);
      offset_ = file_->size();
      return false;
    }
    got += static_cast<std::size_t>(r);
  }
  offset_ += got;
  return remaining() > 0;
}

FileCache::FileCache(FileCacheOptions options) : options_(std::move(options)) {}

Status FileCache::probe(const std::string& dir) {
  const int fd = anonymous_file(dir);
  if (fd < 0)
    return make_error("--file-cache " + dir,
                      std::string("cannot create a file there: ") + std::strerror(errno),
                      "a writable directory");
  ::close(fd);
  return Ok{};
}

int FileCache::make_file() const {
  return anonymous_file(options_.dir);
}

std::unique_ptr<protocol::BodyStream> FileCache::open(const protocol::DataSlice& slice,
                                                      const protocol::DataSource& generator) {
  std::string key = slice_key(slice);
  if (auto it = files_.find(key); it != files_.end()) {
    ++stats_.hits;
    return std::make_unique<FileStream>(it->second);
  }
  return std::make_unique<TeeStream>(generator.open(slice), shared_from_this(), std::move(key));
}

bool FileCache::reserve(std::uint64_t n) {
  if (stats_.bytes + n > options_.max_bytes) return false;
  stats_.bytes += n;
  return true;
}

void FileCache::store(const std::string& key, std::shared_ptr<const StoredFile> file) {
  // Two fetches of the same new slice at once: the first to finish is kept.
  if (!files_.emplace(key, file).second) return release(file->size());
  ++stats_.stored;
}

}  // namespace bh::mockserver
