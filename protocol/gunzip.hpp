// protocol/gunzip: a streaming gzip decoder for downloaded files (DL-09).
//
// Contract: feed() takes compressed bytes in any split and appends what they decode to `out`;
// finish() says whether the stream ended cleanly. Output is bounded per call by what the input
// holds, never by the whole file, so a large compressed file is validated while it streams.
// A corrupt stream, or data after the end, is an Error naming the byte offset; the decoder then
// refuses further input. zlib does the decoding.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bh::protocol {

class Gunzip {
 public:
  Gunzip();
  ~Gunzip();
  Gunzip(const Gunzip&) = delete;
  Gunzip& operator=(const Gunzip&) = delete;

  Status feed(std::string_view compressed, std::string& out);
  Status finish() const;  // an error when the gzip trailer has not been seen
  std::uint64_t bytes_in() const { return in_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint64_t in_ = 0;
  bool ended_ = false;
  bool failed_ = false;
};

// True when the bytes begin like a gzip member (1f 8b): a body sent compressed but unlabelled.
bool looks_gzipped(std::string_view bytes);

}  // namespace bh::protocol
