// fuzz_prefer: the Prefer header parser (KO-01, KO-09; RFC 7240).
//
// Input: one header value per line. Properties: no crash; a parse is deterministic; tokens come
// out lower-cased and non-empty; lenient() agrees with the handling value it read.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "protocol/prefer.hpp"

using namespace bh;
using namespace bh::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(fuzz::as_text(data, size));
  std::vector<std::string_view> values;
  while (!in.empty() && values.size() < 64)
    values.push_back(in.line());
  auto prefs = parse_prefer_values(values);
  if (!prefs.ok()) return 0;
  for (const auto& p : prefs->items()) {
    FUZZ_CHECK(!p.token.empty(), "an empty preference token was accepted");
    for (char c : p.token)
      FUZZ_CHECK(std::tolower(static_cast<unsigned char>(c)) == static_cast<unsigned char>(c),
                 "token \"" + fuzz::printable(p.token) + "\" is not lower-cased");
  }
  auto handling = prefs->value("handling");
  FUZZ_CHECK(
      prefs->lenient() == (handling && *handling == "lenient"),
      "lenient() disagrees with handling=" + (handling ? fuzz::printable(*handling) : "(none)"));
  Headers headers;
  for (auto v : values)
    headers.add("Prefer", std::string(v));
  auto again = parse_prefer(headers);
  FUZZ_CHECK(again.ok() && again->items().size() == prefs->items().size(),
             "parse_prefer and parse_prefer_values disagree");
  return 0;
}
