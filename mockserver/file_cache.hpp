// mockserver/file_cache: generated export files kept on disk, so a repeat fetch is read from the
// page cache (and sent with sendfile over plain TCP) instead of generated again.
//
// Contract: CachedSource decorates a protocol::DataSource and forwards everything but open().
// open(slice) of a slice already generated whole returns a FileStream over its stored bytes;
// otherwise it returns a stream that generates exactly as before and also writes what it hands
// out to an anonymous file, which joins the cache only once the generator has finished (a fetch
// cut short caches nothing). Either way the bytes are the generator's, byte for byte, so a
// fault that wraps or drains the stream sees what it always saw, and the journal is unchanged.
//
// Disk is bounded and never leaks: files are created unlinked (O_TMPFILE, or mkstemp then
// unlink), so whatever way the server ends, the kernel takes them back; and past max_bytes in
// all a file is streamed but not stored. A failed write (disk full) only stops that file from
// being stored: the fetch itself never notices. The key is the slice (type, index range, group,
// _since, the transaction time, patients, _elements): the dataset is fixed for the source's life.
// Single-threaded, like the MockServer that owns it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "protocol/data_source.hpp"

namespace bh::mockserver {

struct FileCacheOptions {
  std::string dir;                       // where the anonymous files live (a writable directory)
  std::uint64_t max_bytes = 4ULL << 30;  // all stored files together
};

// One stored file: an open descriptor to an unlinked file, closed with the last reader.
class StoredFile {
 public:
  StoredFile(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  StoredFile(const StoredFile&) = delete;
  StoredFile& operator=(const StoredFile&) = delete;
  ~StoredFile();
  int fd() const { return fd_; }
  std::uint64_t size() const { return size_; }

 private:
  int fd_;
  std::uint64_t size_;
};

// A stored file read from the start. next() preads (TLS, faults and the simulator use it); the
// plain-TCP session sends the rest with sendfile instead and reports it with advance().
class FileStream final : public protocol::BodyStream {
 public:
  explicit FileStream(std::shared_ptr<const StoredFile> file) : file_(std::move(file)) {}
  bool next(std::string& out, std::size_t max_bytes) override;
  int fd() const { return file_->fd(); }
  std::uint64_t offset() const { return offset_; }
  std::uint64_t remaining() const { return file_->size() - offset_; }
  void advance(std::uint64_t n) { offset_ += n < remaining() ? n : remaining(); }

 private:
  std::shared_ptr<const StoredFile> file_;
  std::uint64_t offset_ = 0;
};

// What the cache did, for tests and for the operator.
struct FileCacheStats {
  std::uint64_t hits = 0;     // fetches answered from a stored file
  std::uint64_t stored = 0;   // files stored whole
  std::uint64_t skipped = 0;  // files not stored: over the cap, a write failed, no file made
  std::uint64_t bytes = 0;    // stored and being written, together
};

class FileCache : public std::enable_shared_from_this<FileCache> {
 public:
  explicit FileCache(FileCacheOptions options);
  // Checks that `dir` takes anonymous files, so a bad --file-cache fails at start, not later.
  static Status probe(const std::string& dir);
  std::unique_ptr<protocol::BodyStream> open(const protocol::DataSlice& slice,
                                             const protocol::DataSource& generator);
  const FileCacheStats& stats() const { return stats_; }

  // The writer's side (file_cache.cpp's TeeStream): room for n more bytes, or false.
  bool reserve(std::uint64_t n);
  void release(std::uint64_t n) { stats_.bytes -= n; }
  void store(const std::string& key, std::shared_ptr<const StoredFile> file);
  void skipped() { ++stats_.skipped; }
  int make_file() const;  // an unlinked file in dir, or -1

 private:
  FileCacheOptions options_;
  std::map<std::string, std::shared_ptr<const StoredFile>, std::less<>> files_;
  FileCacheStats stats_;
};

class CachedSource final : public protocol::DataSource {
 public:
  CachedSource(const protocol::DataSource& generator, std::shared_ptr<FileCache> cache)
      : generator_(generator), cache_(std::move(cache)) {}
  std::vector<std::string> resource_types() const override { return generator_.resource_types(); }
  bool in_patient_compartment(std::string_view type) const override {
    return generator_.in_patient_compartment(type);
  }
  std::uint64_t universe(std::string_view type) const override { return generator_.universe(type); }
  std::uint64_t members_per_file() const override { return generator_.members_per_file(); }
  std::vector<protocol::GroupSummary> groups() const override { return generator_.groups(); }
  bool is_member(std::string_view group_id, std::uint64_t member) const override {
    return generator_.is_member(group_id, member);
  }
  std::optional<std::uint64_t> patient_index(std::string_view reference) const override {
    return generator_.patient_index(reference);
  }
  std::uint64_t count(const protocol::DataSlice& slice) const override {
    return generator_.count(slice);
  }
  std::unique_ptr<protocol::BodyStream> open(const protocol::DataSlice& slice) const override {
    return cache_->open(slice, generator_);
  }
  std::unique_ptr<protocol::BodyStream> read(std::string_view type,
                                             std::string_view id) const override {
    return generator_.read(type, id);
  }

 private:
  const protocol::DataSource& generator_;
  std::shared_ptr<FileCache> cache_;
};

}  // namespace bh::mockserver
