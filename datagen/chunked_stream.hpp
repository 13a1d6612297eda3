// datagen/chunked_stream: turns a producer of pieces into a protocol::BodyStream.
//
// Contract: a PieceSource appends the body a piece at a time (a line, a batch of Group
// members); ChunkedStream hands those bytes out in next() calls of at most max_bytes each,
// holding one piece at most, so memory is bounded by the largest piece, never the body.
// next() returns false together with the last bytes, and keeps returning false after.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "protocol/http.hpp"

namespace bh::datagen::detail {

class PieceSource {
 public:
  virtual ~PieceSource() = default;
  // Appends the next piece (possibly empty) and returns true, or returns false at the end.
  virtual bool produce(std::string& out) = 0;
};

class ChunkedStream final : public protocol::BodyStream {
 public:
  explicit ChunkedStream(std::unique_ptr<PieceSource> source);
  bool next(std::string& out, std::size_t max_bytes) override;

 private:
  // Makes unread bytes available in pending_; false when the body is complete.
  bool fill();
  std::unique_ptr<PieceSource> source_;
  std::string pending_;
  std::size_t pos_ = 0;  // first unread byte of pending_
  bool exhausted_ = false;
};

}  // namespace bh::datagen::detail
