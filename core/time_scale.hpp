// core/time_scale: converts what the server thinks (scenario time) into what it says on the wire.
//
// Contract: with serve --time-scale k, scenario time runs k times faster than real time from
// `origin`. A delay of d scenario-seconds is d/k real seconds for the client; a scenario instant t
// is the wall instant origin + (t - origin)/k. With k = 1 both are the identity.
#pragma once

#include "core/time.hpp"

namespace bh {

struct TimeScale {
  Instant origin = kVirtualEpoch;
  double factor = 1.0;

  Duration to_wire(Duration scenario) const {
    return Duration{static_cast<std::int64_t>(static_cast<double>(scenario.count()) / factor)};
  }
  Instant to_wire(Instant scenario) const { return origin + to_wire(scenario - origin); }
  Duration from_wire(Duration wire) const {
    return Duration{static_cast<std::int64_t>(static_cast<double>(wire.count()) * factor)};
  }
};

}  // namespace bh
