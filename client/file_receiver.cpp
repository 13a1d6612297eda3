#include "client/file_receiver.hpp"

namespace bh::client {

FileReceiver::FileReceiver(std::string name, std::string expected_type, std::size_t max_line_bytes,
                           std::unique_ptr<OutputWriter> writer)
    : name_(std::move(name)),
      expected_type_(std::move(expected_type)),
      validator_(std::make_unique<protocol::NdjsonValidator>(expected_type_, max_line_bytes)),
      writer_(std::move(writer)) {
  BH_ASSERT(writer_ != nullptr, "FileReceiver needs a writer");
}

Status FileReceiver::feed(std::string_view chunk) {
  bytes_ += chunk.size();
  validator_->feed(chunk);
  if (auto w = writer_->write(chunk); !w) return w.error().within(name_);
  return Ok{};
}

ReceivedFile FileReceiver::finish(std::optional<std::uint64_t> expected_count) {
  ReceivedFile out;
  out.bytes = bytes_;
  const auto summary = validator_->finish();
  out.resources = summary.resources;
  if (auto c = writer_->close(); !c) {
    out.problem = c.error().within(name_).message();
    return out;
  }
  if (!summary.ok()) {
    out.problem = std::to_string(summary.problem_count) + " NDJSON problem(s)";
    if (!summary.problems.empty()) {
      const auto& first = summary.problems.front();
      out.problem += ", first at line " + std::to_string(first.line) + ": " + first.message;
    }
    return out;
  }
  if (expected_count && *expected_count != summary.resources) {
    out.problem = "manifest count is " + std::to_string(*expected_count) +
                  ", expected it to match the file, which holds " +
                  std::to_string(summary.resources) + " " + expected_type_ + " resources";
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace bh::client
