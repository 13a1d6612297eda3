#include "client/wait_policy.hpp"

#include <algorithm>
#include <cstdio>

#include "protocol/retry_after.hpp"

namespace bh::client {

RetryAfterReading read_retry_after(const protocol::Headers& headers, Instant now, Duration max) {
  RetryAfterReading out;
  const auto value = headers.get("Retry-After");
  if (!value) return out;
  const std::string text(*value);
  auto parsed = protocol::parse_retry_after(text, now);
  if (!parsed) {
    out.note = "Retry-After=\"" + text + "\" ignored (" + parsed.error().message() + ")";
    return out;
  }
  const Duration delay = std::max(Duration{0}, parsed->delay_from(now));
  if (delay > max) {
    out.note = "Retry-After=\"" + text + "\" ignored (asks for " + format_seconds(delay) +
               ", more than the plausible maximum of " + format_seconds(max) + ")";
    return out;
  }
  out.delay = delay;
  out.note = "Retry-After=" + text;
  return out;
}

Duration combine_wait(Duration floor, std::optional<Duration> retry_after,
                      std::optional<Duration> backoff) {
  Duration wait = floor;
  if (retry_after) wait = std::max(wait, *retry_after);
  if (backoff) wait = std::max(wait, *backoff);
  return wait;
}

std::string format_seconds(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", to_seconds(d));
  return buf;
}

}  // namespace bh::client
