// client/backoff: exponential backoff with seeded jitter (ST-02, ST-04, T08, T16, T26).
//
// Contract: step n (0-based) waits initial * factor^n, capped at `cap`, then jittered by a
// uniform factor in [1 - jitter, 1 + jitter] drawn from the injected bh::Rng (never std::
// distributions, so a seed gives the same delays everywhere), and capped again so `cap` is a true
// upper bound. next() returns the current step's delay and moves to the next step; reset() goes
// back to step 0. Callers combine it with Retry-After and the floor (see wait_policy.hpp).
#pragma once

#include <cstdint>

#include "core/assert.hpp"
#include "core/rng.hpp"
#include "core/time.hpp"

namespace bh::client {

struct BackoffPolicy {
  Duration initial = seconds(1);
  double factor = 2.0;
  Duration cap = seconds(60);
  double jitter = 0.2;  // +-20 %
};

class Backoff {
 public:
  Backoff(BackoffPolicy policy, Rng rng);

  Duration next();
  // The un-jittered delay of the current step (for logs and tests).
  Duration base() const;
  void reset() { step_ = 0; }
  std::uint32_t step() const { return step_; }

 private:
  BackoffPolicy policy_;
  Rng rng_;
  std::uint32_t step_ = 0;
};

}  // namespace bh::client
