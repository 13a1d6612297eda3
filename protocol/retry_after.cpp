#include "protocol/retry_after.hpp"

#include <chrono>
#include <cstdint>

#include "protocol/http.hpp"
#include "protocol/http_date.hpp"
#include "protocol/text_quote.hpp"

namespace bh::protocol {

namespace {

constexpr const char* kWhere = "header Retry-After";
constexpr const char* kShape =
    "delay-seconds (a non-negative integer such as \"120\") or an HTTP-date such as "
    "\"Fri, 31 Dec 1999 23:59:59 GMT\"";

// RFC 9111 §1.2.2 gives delta-seconds this ceiling ("2147483648 (2^31)") for values too large to
// represent; the same cap keeps now + delay far from overflowing an Instant.
constexpr std::int64_t kMaxDelaySeconds = std::int64_t{1} << 31;

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::int64_t saturating_seconds(std::string_view digits) {
  std::int64_t v = 0;
  for (const char c : digits) {
    v = v * 10 + (c - '0');
    if (v >= kMaxDelaySeconds) return kMaxDelaySeconds;  // stop before the product can overflow
  }
  return v;
}

}  // namespace

Duration RetryAfter::delay_from(Instant now) const {
  if (kind == Kind::kDelaySeconds) return delay;
  return date > now ? date - now : Duration{0};
}

Result<RetryAfter> parse_retry_after(std::string_view text, Instant now) {
  // Leading and trailing OWS belong to the field syntax, not the value (RFC 9110 §5.5).
  const std::string_view value = trim(text);
  if (all_digits(value)) {
    RetryAfter r;
    r.kind = RetryAfter::Kind::kDelaySeconds;
    r.delay = std::chrono::seconds{saturating_seconds(value)};
    return r;
  }
  auto date = parse_http_date(value, now);
  if (!date.ok()) {
    // A date with the right shape but a wrong weekday or day deserves the precise reason.
    const std::string& why = date.error().what;
    return make_error(
        kWhere,
        why == "not an HTTP-date" ? "not a delay-seconds or HTTP-date" : "HTTP-date: " + why,
        kShape, quote_value(text));
  }
  RetryAfter r;
  r.kind = RetryAfter::Kind::kHttpDate;
  r.date = *date;
  return r;
}

std::string format_retry_after_seconds(Duration delay) {
  if (delay <= Duration{0}) return "0";
  return std::to_string(std::chrono::ceil<std::chrono::seconds>(delay).count());
}

}  // namespace bh::protocol
