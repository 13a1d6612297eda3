#include "app/download_progress.hpp"

#include <cstdio>
#include <utility>

#include <unistd.h>

namespace bh::app {

DownloadProgressLine::DownloadProgressLine(std::ostream& out, bool terminal, bool enabled,
                                           ProgressLine::Clock now)
    : out_(out), terminal_(terminal), enabled_(enabled), now_(std::move(now)) {}

DownloadProgressLine DownloadProgressLine::on_stderr(std::ostream& err, bool enabled) {
  // Rewritten in place only when the event log is not on the terminal too: its lines would land
  // on the end of the unfinished progress line. Interleaved plain lines read fine.
  const bool rewrite = ::isatty(2) == 1 && ::isatty(1) != 1;
  return DownloadProgressLine(err, rewrite, enabled,
                              [] { return std::chrono::steady_clock::now(); });
}

void DownloadProgressLine::update(const client::DownloadProgress& p) {
  if (!enabled_ || p.files == 0) return;
  if (!line_) line_.emplace(out_, terminal_, "download", p.files, "failed", now_);
  line_->set_total(p.files);  // a refreshed manifest may list a different number
  line_->set_detail(bytes_and_rate(p.bytes, line_->elapsed_seconds()));
  line_->update(p.finished, p.failed);
}

void DownloadProgressLine::finish() {
  if (line_) line_->finish();
}

std::string bytes_and_rate(std::uint64_t bytes, double seconds) {
  char text[64];
  const double mb = static_cast<double>(bytes) / 1e6;
  if (seconds > 0)
    std::snprintf(text, sizeof text, "%.1f MB at %.1f MB/s", mb, mb / seconds);
  else
    std::snprintf(text, sizeof text, "%.1f MB", mb);
  return text;
}

}  // namespace bh::app
