#include "datagen/chunked_stream.hpp"

#include <algorithm>
#include <utility>

#include "core/assert.hpp"

namespace bh::datagen::detail {

ChunkedStream::ChunkedStream(std::unique_ptr<PieceSource> source) : source_(std::move(source)) {
  BH_ASSERT(source_ != nullptr, "ChunkedStream: null source");
}

bool ChunkedStream::fill() {
  if (pos_ < pending_.size()) return true;
  pending_.clear();  // keeps its capacity: one allocation serves the whole body
  pos_ = 0;
  // Sources may yield empty pieces (a Group member scan that found nobody yet); each produce()
  // advances the source, and every source has a finite index space, so this ends.
  while (!exhausted_) {
    if (!source_->produce(pending_)) {
      exhausted_ = true;
      break;
    }
    if (!pending_.empty()) return true;
  }
  return false;
}

bool ChunkedStream::next(std::string& out, std::size_t max_bytes) {
  std::size_t room = max_bytes;
  while (room > 0 && fill()) {
    const std::size_t take = std::min(room, pending_.size() - pos_);
    out.append(pending_, pos_, take);
    pos_ += take;
    room -= take;
  }
  return fill();
}

}  // namespace bh::datagen::detail
