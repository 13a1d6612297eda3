// client/wait_policy: how long to wait before the next attempt (ST-02, ST-04, ST-05, open point 4).
//
// Contract: read_retry_after reads the Retry-After header of a response received at `now`: a
// valid delay-seconds or HTTP-date (any of the three forms; a date in the past means 0) gives a
// delay; an invalid value (negative, fractional, garbage) gives none plus a note saying it was
// ignored, so the caller falls back to its backoff. A valid value asking for more than `max` is
// implausible (the SMART reference server sends a Unix timestamp as delay-seconds: 56 years)
// and is ignored the same way, with a note. combine_wait never returns less than the
// floor, never less than a valid Retry-After, and never less than the backoff step it is given.
#pragma once

#include <optional>
#include <string>

#include "core/time.hpp"
#include "protocol/http.hpp"

namespace bh::client {

struct RetryAfterReading {
  std::optional<Duration> delay;  // set only for a valid value
  std::string note;               // for the event log; empty when the header is absent
};

RetryAfterReading read_retry_after(const protocol::Headers& headers, Instant now, Duration max);

Duration combine_wait(Duration floor, std::optional<Duration> retry_after,
                      std::optional<Duration> backoff);

// "12.0 s": the unit the event log speaks in.
std::string format_seconds(Duration d);

}  // namespace bh::client
