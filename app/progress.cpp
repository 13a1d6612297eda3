#include "app/progress.hpp"

#include <utility>

#include <unistd.h>

namespace bh::app {

namespace {
std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  const long long sec = s % 60;
  return std::to_string(s / 60) + "m" + (sec < 10 ? "0" : "") + std::to_string(sec) + "s";
}
}  // namespace

ProgressLine::ProgressLine(std::ostream& out, bool terminal, std::string what, std::uint64_t total,
                           std::string failed_word, Clock now)
    : out_(out),
      terminal_(terminal),
      what_(std::move(what)),
      failed_word_(std::move(failed_word)),
      total_(total),
      now_(std::move(now)),
      start_(now_()),
      last_(start_) {}

ProgressLine ProgressLine::on_stderr(std::ostream& err, bool enabled, std::string what,
                                     std::uint64_t total, std::string failed_word) {
  ProgressLine p(err, ::isatty(2) == 1, std::move(what), total, std::move(failed_word),
                 [] { return std::chrono::steady_clock::now(); });
  p.enabled_ = enabled;
  return p;
}

double ProgressLine::elapsed_seconds() const {
  return std::chrono::duration<double>(now_() - start_).count();
}

std::string ProgressLine::text(std::uint64_t done, std::uint64_t failed) const {
  const double elapsed = elapsed_seconds();
  std::string line = what_ + ": " + std::to_string(done) + "/" + std::to_string(total_) + ", " +
                     std::to_string(failed) + " " + failed_word_ + " so far, " +
                     clock_text(elapsed) + " elapsed";
  if (done > 0 && done < total_)
    line += ", ~" +
            clock_text(elapsed / static_cast<double>(done) * static_cast<double>(total_ - done)) +
            " left";
  if (!detail_.empty()) line += ", " + detail_;
  return line;
}

void ProgressLine::update(std::uint64_t done, std::uint64_t failed) {
  done_ = done;
  failed_ = failed;
  if (!enabled_) return;
  const auto t = now_();
  if (t - last_ < std::chrono::seconds(1)) return;
  last_ = t;
  printed_ = true;
  if (terminal_)
    out_ << "\r\x1b[K" << text(done, failed) << std::flush;
  else
    out_ << text(done, failed) << std::endl;
}

void ProgressLine::finish() {
  if (!printed_) return;
  if (terminal_)
    out_ << "\r\x1b[K" << text(done_, failed_) << "\n" << std::flush;
  else
    out_ << text(done_, failed_) << std::endl;
}

}  // namespace bh::app
