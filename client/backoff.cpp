#include "client/backoff.hpp"

#include <algorithm>

namespace bh::client {

Backoff::Backoff(BackoffPolicy policy, Rng rng) : policy_(policy), rng_(rng) {
  BH_ASSERT(policy_.initial.count() > 0, "backoff initial delay must be positive");
  BH_ASSERT(policy_.factor >= 1.0, "backoff factor must be >= 1");
  BH_ASSERT(policy_.jitter >= 0.0 && policy_.jitter < 1.0, "backoff jitter must be in [0, 1)");
}

Duration Backoff::base() const {
  // Multiply step by step so a long run of failures cannot overflow: we stop at the cap.
  double us = static_cast<double>(policy_.initial.count());
  const double cap = static_cast<double>(policy_.cap.count());
  for (std::uint32_t i = 0; i < step_ && us < cap; ++i)
    us *= policy_.factor;
  return Duration{static_cast<std::int64_t>(std::min(us, cap))};
}

Duration Backoff::next() {
  const double base_us = static_cast<double>(base().count());
  const double spread = 1.0 - policy_.jitter + 2.0 * policy_.jitter * rng_.unit();
  const auto jittered = static_cast<std::int64_t>(base_us * spread);
  if (step_ < 64) ++step_;  // beyond 64 steps every factor >= 2 is at the cap anyway
  return std::min(Duration{jittered}, policy_.cap);
}

}  // namespace bh::client
