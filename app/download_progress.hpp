// app/download_progress: `bulkharness export`'s progress line for large exports, on stderr.
//
// Contract: fed the client's DownloadProgress (client/net/run_export's on_progress), it says
// nothing until the manifest has listed files, then keeps a ProgressLine (app/progress.hpp:
// quiet for its first second, at most once a second) of
// "download: finished/files, failed so far, elapsed, time left, MB received at MB/s". The clock
// starts when the files are first seen, so the polling before does not skew the rate or the
// estimate. stdout (the event log and the summary) is never touched.
#pragma once

#include <optional>
#include <ostream>

#include "app/progress.hpp"
#include "client/export_client.hpp"

namespace bh::app {

class DownloadProgressLine {
 public:
  DownloadProgressLine(std::ostream& out, bool terminal, bool enabled, ProgressLine::Clock now);
  // On stderr, on the steady clock; rewritten in place when stderr is a terminal and stdout is
  // not (with both on the terminal, plain lines between the event log's).
  static DownloadProgressLine on_stderr(std::ostream& err, bool enabled);
  void update(const client::DownloadProgress& p);
  void finish();

 private:
  std::ostream& out_;
  bool terminal_, enabled_;
  ProgressLine::Clock now_;
  std::optional<ProgressLine> line_;  // made, and its clock started, when files are first seen
};

// "412.3 MB at 51.0 MB/s": bytes received in `seconds` (no rate before any time has passed).
std::string bytes_and_rate(std::uint64_t bytes, double seconds);

}  // namespace bh::app
