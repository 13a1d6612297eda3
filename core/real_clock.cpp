// The only file outside the socket edges and app/ allowed to read the OS clocks (ci/lint.py).
#include <chrono>

#include "core/assert.hpp"
#include "core/clock.hpp"

namespace bh {

namespace {
std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

RealClock::RealClock(double factor)
    : factor_(factor),
      origin_(std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now())),
      steady0_ns_(steady_ns()) {
  BH_ASSERT(factor > 0.0, "clock factor must be positive");
}

Instant RealClock::now() const {
  const double elapsed_ns = static_cast<double>(steady_ns() - steady0_ns_) * factor_;
  return origin_ + Duration{static_cast<std::int64_t>(elapsed_ns / 1000.0)};
}

}  // namespace bh
