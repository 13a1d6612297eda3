// protocol/http_date: RFC 9110 §5.6.7 HTTP-date.
//
// Contract: parse accepts exactly the three forms a recipient MUST accept (IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT", obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT", asctime
// "Sun Nov  6 08:49:37 1994"), checks the weekday against the date, and rejects anything else
// with an Error naming the value. Two-digit RFC 850 years follow RFC 9110: a year more than 50
// years in the future is taken as the most recent past year with those digits (relative to
// `now`). Formatting always produces the requested form; IMF-fixdate is what senders SHOULD use.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace bh::protocol {

enum class HttpDateForm { kImfFixdate, kRfc850, kAsctime };

Result<Instant> parse_http_date(std::string_view text, Instant now = kVirtualEpoch);
// Whole seconds only (HTTP-date has no fraction): the instant is truncated.
std::string format_http_date(Instant t, HttpDateForm form = HttpDateForm::kImfFixdate);

}  // namespace bh::protocol
