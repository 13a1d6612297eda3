// core/clock: where "now" comes from.
//
// Contract: protocol code never asks the OS for the time; it is handed a Clock (or an Instant).
// VirtualClock only moves when told to, so a simulated hour costs nothing. RealClock (the one
// place that reads the OS clocks, see real_clock.cpp) is steady, anchored at the wall time it
// was created, and may run faster than real time by a factor (serve --time-scale).
#pragma once

#include "core/time.hpp"

namespace bh {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(Instant start = kVirtualEpoch) : now_(start) {}
  Instant now() const override { return now_; }
  // Time never goes backwards; asking it to is a programmer error.
  void set(Instant t);
  void advance(Duration d);

 private:
  Instant now_;
};

class RealClock final : public Clock {
 public:
  // factor > 0: scenario seconds per real second. 1 = real time.
  explicit RealClock(double factor = 1.0);
  Instant now() const override;
  double factor() const { return factor_; }
  Instant origin() const { return origin_; }

 private:
  double factor_;
  Instant origin_;           // wall time when the clock was made
  std::int64_t steady0_ns_;  // steady clock reading at that moment
};

}  // namespace bh
