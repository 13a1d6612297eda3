// fuzz_fhir_instant: the FHIR instant parser (_since, transactionTime; PAR-02, MF-01).
//
// Properties: no crash on any bytes; a parsed instant formats to a text that parses back to the
// same instant at millisecond precision, and formatting is then a fixed point.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.hpp"
#include "protocol/fhir_instant.hpp"

using namespace bh;
using namespace bh::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  auto t = parse_fhir_instant(text);
  if (!t.ok()) return 0;
  auto formatted = format_fhir_instant(*t);
  auto back = parse_fhir_instant(formatted);
  FUZZ_CHECK(back.ok(), "\"" + fuzz::printable(text) + "\" parsed but its formatted form \"" +
                            formatted + "\" does not");
  FUZZ_CHECK(
      *back == std::chrono::floor<std::chrono::milliseconds>(*t),
      "\"" + fuzz::printable(text) + "\" -> \"" + formatted + "\" reads back as another instant");
  FUZZ_CHECK(format_fhir_instant(*back) == formatted,
             "formatting \"" + formatted + "\" is not stable");
  return 0;
}
