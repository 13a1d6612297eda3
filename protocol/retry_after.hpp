// protocol/retry_after: the Retry-After header (RFC 9110 §10.2.3), requirement ST-03/ST-04.
//
// Contract: a value is either delay-seconds (1*DIGIT: a non-negative integer, no sign, no
// fraction, no spaces inside) or an HTTP-date in any of its three forms. Anything else (negative,
// fractional, empty, garbage, several comma-separated values) is an Error, so a client can fall
// back to its own backoff (open point 4 in the requirements). Huge delay-seconds values saturate
// instead of overflowing.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace bh::protocol {

struct RetryAfter {
  enum class Kind { kDelaySeconds, kHttpDate };
  Kind kind = Kind::kDelaySeconds;
  Duration delay{0};  // for kDelaySeconds
  Instant date{};     // for kHttpDate

  // How long to wait from `now` (a date in the past means zero).
  Duration delay_from(Instant now) const;
};

Result<RetryAfter> parse_retry_after(std::string_view text, Instant now = kVirtualEpoch);
// delay-seconds form: whole seconds, rounded up so a client never waits less than asked.
std::string format_retry_after_seconds(Duration delay);

}  // namespace bh::protocol
