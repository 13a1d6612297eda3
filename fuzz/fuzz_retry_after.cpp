// fuzz_retry_after: the Retry-After and HTTP-date parsers (ST-03, ST-04).
//
// Properties: neither parser crashes on any bytes; a parsed HTTP-date formats back, in each of
// the three forms, to a text that parses to the same second; a parsed delay-seconds value
// formats back to the same delay; delay_from never goes negative.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.hpp"
#include "protocol/http_date.hpp"
#include "protocol/retry_after.hpp"

using namespace bh;
using namespace bh::protocol;

namespace {

void check_date_round_trip(Instant t, std::string_view text) {
  for (auto form : {HttpDateForm::kImfFixdate, HttpDateForm::kRfc850, HttpDateForm::kAsctime}) {
    auto again = format_http_date(t, form);
    // RFC 850's two-digit year is read relative to `now`: reading at t itself is unambiguous.
    auto back = parse_http_date(again, t);
    FUZZ_CHECK(back.ok(), "\"" + fuzz::printable(text) + "\" parsed, but its formatted form \"" +
                              again + "\" does not: " + (back.ok() ? "" : back.error().message()));
    FUZZ_CHECK(
        *back == std::chrono::floor<std::chrono::seconds>(t),
        "\"" + fuzz::printable(text) + "\" -> \"" + again + "\" reads back as another instant");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  if (auto date = parse_http_date(text, kVirtualEpoch); date.ok())
    check_date_round_trip(*date, text);
  auto ra = parse_retry_after(text, kVirtualEpoch);
  if (!ra.ok()) return 0;
  FUZZ_CHECK(ra->delay_from(kVirtualEpoch) >= Duration{0},
             "negative wait from " + fuzz::printable(text));
  if (ra->kind == RetryAfter::Kind::kDelaySeconds) {
    auto again = format_retry_after_seconds(ra->delay);
    auto back = parse_retry_after(again, kVirtualEpoch);
    FUZZ_CHECK(
        back.ok() && back->kind == RetryAfter::Kind::kDelaySeconds && back->delay == ra->delay,
        "delay-seconds \"" + fuzz::printable(text) + "\" -> \"" + again + "\" does not read back");
  }
  return 0;
}
