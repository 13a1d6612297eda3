// fuzz_ndjson: NDJSON framing and file validation (DL-08, DL-13, MF-04).
//
// Input: a byte of choices (expected type, line limit), then the file. Properties: no crash; the
// verdict does not depend on how the bytes are split into chunks (fed whole, then one byte at a
// time, then in input-chosen pieces); kept problems never exceed the cap and are in line order;
// resources + problems never exceed the lines there are.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "protocol/ndjson.hpp"

using namespace bh;
using namespace bh::protocol;

namespace {

constexpr std::size_t kMaxProblems = 5;

struct Choice {
  std::string type;
  std::size_t max_line = 0;
};

template <class Split>
NdjsonSummary run(const Choice& c, std::string_view file, Split split) {
  NdjsonValidator v(c.type, c.max_line, kMaxProblems);
  split(file, [&](std::string_view piece) { v.feed(piece); });
  return v.finish();
}

std::string describe(const NdjsonSummary& s) {
  std::string out =
      "resources=" + std::to_string(s.resources) + " blank=" + std::to_string(s.blank_lines) +
      " crlf=" + std::to_string(s.crlf_lines) + " problems=" + std::to_string(s.problem_count);
  for (const auto& p : s.problems)
    out += " [" + std::to_string(p.line) + ": " + p.message + "]";
  return out;
}

bool same(const NdjsonSummary& a, const NdjsonSummary& b) {
  return describe(a) == describe(b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(fuzz::as_text(data, size));
  const auto choice = in.byte();
  constexpr const char* kTypes[] = {"", "Patient", "Observation", "OperationOutcome"};
  Choice c{kTypes[choice % 4], (choice & 4u) ? std::size_t{64} : std::size_t{4096}};
  const auto seed = in.byte();
  auto file = in.rest();
  auto whole = run(c, file, [](std::string_view f, auto feed) { feed(f); });
  auto bytes = run(c, file, [](std::string_view f, auto feed) {
    for (std::size_t i = 0; i < f.size(); ++i)
      feed(f.substr(i, 1));
  });
  auto pieces = run(c, file, [seed](std::string_view f, auto feed) {
    std::size_t step = seed % 13 + 1;
    for (std::size_t i = 0; i < f.size(); i += step, step = step * 7 % 13 + 1)
      feed(f.substr(i, step));
  });
  FUZZ_CHECK(same(whole, bytes),
             "whole: " + describe(whole) + "\nbyte by byte: " + describe(bytes));
  FUZZ_CHECK(same(whole, pieces), "whole: " + describe(whole) + "\nin pieces: " + describe(pieces));
  FUZZ_CHECK(whole.problems.size() <= kMaxProblems && whole.problems.size() <= whole.problem_count,
             "problem cap broken: " + describe(whole));
  FUZZ_CHECK(std::is_sorted(whole.problems.begin(), whole.problems.end(),
                            [](const auto& a, const auto& b) { return a.line < b.line; }),
             "problems out of line order: " + describe(whole));
  const auto lines = static_cast<std::uint64_t>(std::count(file.begin(), file.end(), '\n')) + 1;
  FUZZ_CHECK(whole.resources + whole.blank_lines <= lines,
             "more lines counted than there are: " + describe(whole));
  return 0;
}
