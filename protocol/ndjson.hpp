// protocol/ndjson: NDJSON framing and Bulk Data file validation (DL-03, DL-08, DL-13, MF-04).
//
// Contract: NdjsonFramer splits a byte stream fed in arbitrary chunks into lines: '\n' ends a
// line and a preceding '\r' is dropped; empty lines are skipped and counted; a line longer than
// max_line_bytes is reported once and its bytes discarded (memory stays bounded by the limit);
// bytes after the last '\n' are a truncated final line, reported by finish(). NdjsonValidator
// runs the framer and checks each line is one JSON object with a string "resourceType" equal to
// the expected type (when one is given), counts resources, and keeps the first few problems
// with their line numbers. Neither ever holds more than one line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/ndjson_fast_check.hpp"

namespace bh::protocol {

struct NdjsonProblem {
  std::uint64_t line = 0;  // 1-based physical line number
  std::string message;     // "resourceType is \"Patient\", expected \"Observation\""
};

class NdjsonFramer {
 public:
  using LineFn = std::function<void(std::string_view line, std::uint64_t line_no)>;
  NdjsonFramer(std::size_t max_line_bytes, LineFn on_line);

  void feed(std::string_view chunk);
  // Flushes the end of the stream; returns a problem if the last line lacked its '\n'.
  std::optional<NdjsonProblem> finish();

  std::uint64_t lines() const { return lines_; }  // non-empty lines delivered
  std::uint64_t blank_lines() const { return blank_; }
  std::uint64_t crlf_lines() const { return crlf_; }
  const std::vector<NdjsonProblem>& oversized() const { return oversized_; }

 private:
  void append(std::string_view piece);  // bytes of the current line, never a '\n'
  void emit();
  std::size_t max_;
  LineFn on_line_;
  std::string buf_;
  bool skipping_ = false;  // inside an oversized line
  bool last_cr_ = false;   // the last byte fed was '\r' (it may end up as half of "\r\n")
  std::uint64_t line_no_ = 0, lines_ = 0, blank_ = 0, crlf_ = 0;
  std::vector<NdjsonProblem> oversized_;
};

struct NdjsonSummary {
  std::uint64_t resources = 0;  // lines that were valid resources
  std::uint64_t blank_lines = 0;
  std::uint64_t crlf_lines = 0;
  std::uint64_t problem_count = 0;      // all problems, even those not kept
  std::vector<NdjsonProblem> problems;  // the first max_problems, in line order
  bool ok() const { return problem_count == 0; }
};

class NdjsonValidator {
 public:
  // expected_type empty = any resourceType accepted.
  NdjsonValidator(std::string expected_type, std::size_t max_line_bytes = 64u << 20,
                  std::size_t max_problems = 20);
  // The framer's callback holds `this`: a copied or moved validator would call into the old one.
  NdjsonValidator(const NdjsonValidator&) = delete;
  NdjsonValidator& operator=(const NdjsonValidator&) = delete;
  void feed(std::string_view chunk);
  NdjsonSummary finish();

 private:
  void on_line(std::string_view line, std::uint64_t line_no);
  void drain_oversized();  // moves the framer's new oversized-line reports into the summary
  void problem(std::uint64_t line, std::string message);
  std::string expected_;
  NdjsonFastCheck fast_;  // decides the lines that are fine; the rest get the exact check
  std::size_t max_problems_;
  NdjsonSummary summary_;
  std::size_t oversized_seen_ = 0;
  NdjsonFramer framer_;
};

}  // namespace bh::protocol
