// client/file_receiver: one 200 file body on its way to the OutputSink (DL-03, DL-08, DL-13).
//
// Contract: every chunk goes through the NdjsonValidator (expected resourceType; memory bounded
// by the line limit) and the writer, and is never kept. finish() closes the file and checks the
// result: NDJSON problems or a resource count different from the manifest's `count` (when the
// manifest gave one) make it not ok, with a message naming the file, the line and what was
// expected. Destroying a receiver that was not finished discards the partial file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "client/output_sink.hpp"
#include "core/result.hpp"
#include "protocol/ndjson.hpp"

namespace bh::client {

struct ReceivedFile {
  bool ok = false;
  std::uint64_t resources = 0;
  std::uint64_t bytes = 0;
  std::string problem;  // empty when ok
};

class FileReceiver {
 public:
  FileReceiver(std::string name, std::string expected_type, std::size_t max_line_bytes,
               std::unique_ptr<OutputWriter> writer);

  // A write error is returned; the caller then drops the receiver (discarding the file).
  Status feed(std::string_view chunk);
  ReceivedFile finish(std::optional<std::uint64_t> expected_count);
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::string name_;
  std::string expected_type_;
  // Held by pointer: the validator's framer calls back into it, so it must never move.
  std::unique_ptr<protocol::NdjsonValidator> validator_;
  std::unique_ptr<OutputWriter> writer_;
  std::uint64_t bytes_ = 0;
};

}  // namespace bh::client
