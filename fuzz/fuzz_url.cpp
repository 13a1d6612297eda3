// fuzz_url: absolute URLs, relative references and query strings (KO-11, MF-04, ST-01).
//
// Input: first line a URL (or reference), the rest a request target. Properties: no crash; a
// parsed URL's str() parses back to the same parts; a reference resolved against a server base
// is an absolute URL that parses again; percent_encode/percent_decode round-trip any bytes; a
// query rebuilt with build_query splits back into the same parameters.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.hpp"
#include "protocol/url.hpp"

using namespace bh;
using namespace bh::protocol;

namespace {

bool same(const Url& a, const Url& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port && a.target == b.target;
}

void check_url(std::string_view text) {
  auto url = parse_url(text);
  if (url.ok()) {
    auto again = parse_url(url->str());
    FUZZ_CHECK(again.ok() && same(*url, *again),
               "\"" + fuzz::printable(text) + "\" -> \"" + url->str() + "\" does not read back");
  }
  static const Url base = *parse_url("http://127.0.0.1:8080/fhir/$export");
  if (auto resolved = resolve_url(base, text); resolved.ok()) {
    auto again = parse_url(resolved->str());
    FUZZ_CHECK(again.ok() && same(*resolved, *again), "\"" + fuzz::printable(text) +
                                                          "\" resolved to \"" + resolved->str() +
                                                          "\", which does not read back");
  }
}

void check_target(std::string_view target) {
  auto split = split_target(target);
  if (!split.ok()) return;
  auto rebuilt = "/p?" + build_query(split->query);
  auto again = split_target(rebuilt);
  FUZZ_CHECK(again.ok() && again->query == split->query,
             "query of \"" + fuzz::printable(target) + "\" rebuilt as \"" +
                 fuzz::printable(rebuilt) + "\" splits differently");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(fuzz::as_text(data, size));
  auto first = in.line();
  auto target = in.rest();
  check_url(first);
  check_target(target);
  auto encoded = percent_encode(target);
  auto decoded = percent_decode(encoded, false);
  FUZZ_CHECK(decoded.ok() && *decoded == target,
             "percent_encode of \"" + fuzz::printable(target) + "\" does not decode back");
  return 0;
}
