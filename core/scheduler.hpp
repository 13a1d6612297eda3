// core/scheduler: deferred work on a timeline.
//
// Contract: callbacks run in (time, insertion order), so two runs of the same program schedule
// identically. ManualScheduler owns no thread: the caller drives it and it moves its
// VirtualClock forward to each event (the simulator's "jump to the next event").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "core/clock.hpp"

namespace bh {

using TimerId = std::uint64_t;

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual TimerId at(Instant when, std::function<void()> fn) = 0;
  virtual bool cancel(TimerId id) = 0;
};

class ManualScheduler final : public Scheduler {
 public:
  explicit ManualScheduler(VirtualClock& clock) : clock_(clock) {}
  TimerId at(Instant when, std::function<void()> fn) override;
  bool cancel(TimerId id) override;

  std::optional<Instant> next_time() const;
  // Runs the earliest event (advancing the clock to it); false when nothing is pending.
  bool run_next();
  // Runs every event due at or before `until`, then leaves the clock at `until`.
  std::size_t run_until(Instant until);
  std::size_t pending() const { return events_.size(); }

 private:
  VirtualClock& clock_;
  TimerId next_id_ = 1;
  // Key (when, id): ids grow, so equal times keep insertion order.
  std::map<std::pair<Instant, TimerId>, std::function<void()>> events_;
  std::map<TimerId, Instant> when_of_;
};

}  // namespace bh
