// fuzz_gunzip: the streaming gzip decoder for downloaded files (DL-09).
//
// Properties: no crash on any bytes; the decoded output does not depend on how the compressed
// bytes are split, and neither does the error/ended verdict. (libFuzzer's -rss_limit_mb catches
// an input that makes the decoder hold too much.)
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "protocol/gunzip.hpp"

using namespace bh;
using namespace bh::protocol;

namespace {

struct Decoded {
  std::string out;
  bool failed = false;
  bool ended = false;
};

Decoded decode(std::string_view bytes, std::size_t step) {
  Decoded d;
  Gunzip g;
  for (std::size_t i = 0; i < bytes.size() && !d.failed; i += step)
    d.failed = !g.feed(bytes.substr(i, step), d.out).ok();
  d.ended = !d.failed && g.finish().ok();
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto bytes = fuzz::as_text(data, size);
  auto whole = decode(bytes, bytes.size() + 1);
  auto small = decode(bytes, 3);
  FUZZ_CHECK(whole.failed == small.failed, "an error depends on the split");
  FUZZ_CHECK(whole.ended == small.ended, "finish() depends on the split");
  // A failing stream may stop at a different byte, but what decoded before must agree.
  if (!whole.failed) FUZZ_CHECK(whole.out == small.out, "decoded bytes depend on the split");
  return 0;
}
