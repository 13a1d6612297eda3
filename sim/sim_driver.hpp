// sim/sim_driver: runs one ExportClient over a Transport on the ManualScheduler's virtual time.
//
// Contract: the same loop as client/net's ExportDriver without sockets or real time: after
// every event it asks the client for actions until it waits or is done; Send goes to the
// transport, WaitUntil arms one wake-up event (re-armed, never stacked), Done ends the run.
// Response callbacks only feed the client (never re-enter next_action). run(bound) returns when
// the client is done, when nothing at all is pending (a hang: reported, not waited out), or when
// the next event lies past `bound`. With Mutant::kClientIgnoresRetryAfter the client's clock is
// pushed ahead to every instant it asks to wait for, so it never waits (a canary).
#pragma once

#include <cstdint>
#include <optional>

#include "client/export_client.hpp"
#include "client/transport.hpp"
#include "core/scheduler.hpp"
#include "sim/mutant.hpp"

namespace bh::sim {

struct DriveResult {
  bool done = false;
  bool hang = false;
  client::Outcome outcome;
  Instant ended_at{};
};

class SimDriver {
 public:
  SimDriver(client::ExportClient& client, client::Transport& transport, ManualScheduler& scheduler,
            const VirtualClock& clock, Mutant mutant = Mutant::kNone);
  DriveResult run(Instant bound);

 private:
  void pump();
  void send(client::Send send);
  void wake_at(Instant t);
  Instant client_now() const { return clock_.now() + skew_; }

  client::ExportClient& client_;
  client::Transport& transport_;
  ManualScheduler& scheduler_;
  const VirtualClock& clock_;
  Mutant mutant_;
  Duration skew_{};  // how far the client's clock runs ahead (the Retry-After canary only)
  std::optional<TimerId> wake_;
  Instant wake_at_ = Instant::max();
  std::optional<client::Outcome> outcome_;
};

}  // namespace bh::sim
