// app/progress: "done/total, failures so far, time left" for long runs, on stderr.
//
// Contract: update(done, failed) prints at most once a second, and nothing during the first
// second, so a short run's output is exactly what it was without progress; finish() ends the
// line (on a terminal) or prints a last plain line, only if something was printed. On a
// terminal the line is rewritten in place; elsewhere (CI logs) each report is its own line.
// The estimate is the mean wall time per finished item so far times the items left. Wall time
// comes from the `now` function given, so the reporter itself is testable without waiting.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace bh::app {

class ProgressLine {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  ProgressLine(std::ostream& out, bool terminal, std::string what, std::uint64_t total,
               std::string failed_word, Clock now);
  // The commands' reporter: on `err` (stderr), rewritten in place when stderr is a terminal,
  // on the steady clock; silent when not `enabled` (--quiet).
  static ProgressLine on_stderr(std::ostream& err, bool enabled, std::string what,
                                std::uint64_t total, std::string failed_word);
  void update(std::uint64_t done, std::uint64_t failed);
  // For runs that learn their size once started (check: the levels the server offers).
  void set_total(std::uint64_t total) { total_ = total; }
  // Said after the counts from now on ("412.3 MB at 51.0 MB/s"); empty for nothing.
  void set_detail(std::string detail) { detail_ = std::move(detail); }
  void finish();
  double elapsed_seconds() const;  // since the line was made

 private:
  std::string text(std::uint64_t done, std::uint64_t failed) const;
  std::ostream& out_;
  bool terminal_;
  std::string what_, failed_word_, detail_;
  std::uint64_t total_;
  Clock now_;
  std::chrono::steady_clock::time_point start_, last_;
  std::uint64_t done_ = 0, failed_ = 0;
  bool printed_ = false;
  bool enabled_ = true;
};

}  // namespace bh::app
