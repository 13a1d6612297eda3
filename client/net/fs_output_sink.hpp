// client/net/fs_output_sink: the OutputSink that writes files into one directory.
//
// Contract: open(name) accepts plain file names only (no separators, no "." or ".."), writes to
// "<dir>/<name>.part" (truncating any earlier attempt) and renames it to "<dir>/<name>" on
// close(), so a file with its final name is always complete. A writer destroyed without close()
// removes its .part file. Errors name the path and the OS reason.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "client/output_sink.hpp"

namespace bh::client::net {

class FileSystemSink final : public OutputSink {
 public:
  explicit FileSystemSink(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Result<std::unique_ptr<OutputWriter>> open(const std::string& name) override;

 private:
  std::filesystem::path dir_;
};

}  // namespace bh::client::net
