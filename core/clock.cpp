#include "core/clock.hpp"

#include "core/assert.hpp"

namespace bh {

void VirtualClock::set(Instant t) {
  BH_ASSERT(t >= now_, "virtual time must not go backwards");
  now_ = t;
}

void VirtualClock::advance(Duration d) {
  BH_ASSERT(d.count() >= 0, "virtual time must not go backwards");
  now_ += d;
}

}  // namespace bh
