// client/output_sink: where downloaded files go, injected so the state machine never touches
// the filesystem (tests use memory, run_export uses a directory).
//
// Contract: open(name) starts a file from scratch; opening a name again truncates it (a retried
// download rewrites the file). Names are plain file names chosen by the client ("Patient-1.ndjson",
// "manifest.json"), never paths. A writer destroyed without a successful close() discards what
// it wrote, so a partial download never looks complete. Failures are values naming the file.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bh::client {

class OutputWriter {
 public:
  virtual ~OutputWriter() = default;
  virtual Status write(std::string_view bytes) = 0;
  // Makes the file complete and visible under its name.
  virtual Status close() = 0;
};

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual Result<std::unique_ptr<OutputWriter>> open(const std::string& name) = 0;
};

}  // namespace bh::client
