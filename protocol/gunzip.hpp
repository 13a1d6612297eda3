// protocol/gunzip: a streaming gzip decoder for downloaded files (DL-09).
//
// Contract: feed() takes compressed bytes in any split and appends what they decode to `out`;
// finish() says whether the stream ended cleanly. Output is bounded per call by what the input
// holds, never by the whole file, so a large compressed file is validated while it streams.
// A corrupt stream, or data after the end, is an Error naming the byte offset; the decoder then
// refuses further input. zlib does the decoding.
// A gzip bomb is refused: once more than 1 MiB has been decoded, output may not exceed
// max_ratio times the input consumed (deflate reaches about 1032:1 on repeated bytes; FHIR
// NDJSON compresses by 5-50), so one call never decodes more than max_ratio times its input.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bh::protocol {

class Gunzip {
 public:
  static constexpr std::uint64_t kDefaultMaxRatio = 250;
  explicit Gunzip(std::uint64_t max_ratio = kDefaultMaxRatio);
  ~Gunzip();
  Gunzip(const Gunzip&) = delete;
  Gunzip& operator=(const Gunzip&) = delete;

  Status feed(std::string_view compressed, std::string& out);
  Status finish() const;  // an error when the gzip trailer has not been seen
  std::uint64_t bytes_in() const { return in_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint64_t max_ratio_;
  std::uint64_t in_ = 0;
  std::uint64_t out_ = 0;
  bool ended_ = false;
  bool failed_ = false;
};

// True when the bytes begin like a gzip member (1f 8b): a body sent compressed but unlabelled.
bool looks_gzipped(std::string_view bytes);

}  // namespace bh::protocol
