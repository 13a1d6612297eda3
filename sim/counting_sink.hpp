// sim/counting_sink: the simulated client's output directory, holding counts instead of bytes.
//
// Contract: an OutputSink (client/output_sink.hpp) that keeps, per file name, what the last
// successful close() made visible: bytes, NDJSON lines (non-empty, newline-terminated or last)
// so invariants can compare what was written with the server's ground truth without holding
// gigabytes. Re-opening a name truncates it, like a file;
// a writer dropped without close() leaves nothing (the client's contract for partial files).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "client/output_sink.hpp"

namespace bh::sim {

struct WrittenFile {
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
};

class CountingSink final : public client::OutputSink {
 public:
  Result<std::unique_ptr<client::OutputWriter>> open(const std::string& name) override;
  const std::map<std::string, WrittenFile>& files() const { return files_; }
  std::uint64_t opens() const { return opens_; }

 private:
  std::map<std::string, WrittenFile> files_;
  std::uint64_t opens_ = 0;
};

}  // namespace bh::sim
