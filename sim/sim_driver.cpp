#include "sim/sim_driver.hpp"

#include <algorithm>

namespace bh::sim {

SimDriver::SimDriver(client::ExportClient& client, client::Transport& transport,
                     ManualScheduler& scheduler, const VirtualClock& clock, Mutant mutant)
    : client_(client),
      transport_(transport),
      scheduler_(scheduler),
      clock_(clock),
      mutant_(mutant) {}

DriveResult SimDriver::run(Instant bound) {
  pump();
  DriveResult r;
  while (!outcome_) {
    const auto next = scheduler_.next_time();
    if (!next) {
      r.hang = true;
      break;
    }
    if (*next > bound) break;
    scheduler_.run_next();
    pump();
  }
  if (wake_) scheduler_.cancel(*wake_);
  wake_.reset();
  r.done = outcome_.has_value();
  if (outcome_) r.outcome = *outcome_;
  r.ended_at = clock_.now();
  return r;
}

void SimDriver::pump() {
  // Bounded: the client issues at most max_requests sends, and the canary's clock jumps are
  // capped so a client that asks for the same instant forever cannot spin here.
  for (int jumps = 0; !outcome_;) {
    client::Action a = client_.next_action(client_now());
    if (auto* s = std::get_if<client::Send>(&a)) {
      send(std::move(*s));
      continue;
    }
    if (auto* w = std::get_if<client::WaitUntil>(&a)) {
      const bool skip = mutant_ == Mutant::kClientIgnoresRetryAfter && w->t != Instant::max() &&
                        w->t > client_now() && client_.in_flight() == 0 && jumps++ < 10000;
      if (skip) {
        skew_ += w->t - client_now();
        continue;
      }
      return wake_at(w->t);
    }
    outcome_ = std::get<client::Done>(a).outcome;
  }
}

void SimDriver::send(client::Send s) {
  const client::RequestId id = s.id;
  client::ResponseCallbacks cb;
  cb.on_head = [this, id](int status, const protocol::Headers& headers) {
    client_.on_response_head(id, status, headers, client_now());
  };
  cb.on_body = [this, id](std::string_view chunk) { return client_.on_body(id, chunk); };
  cb.on_end = [this, id] { client_.on_response_end(id, client_now()); };
  cb.on_error = [this, id](std::string message) {
    client_.on_transport_error(id, std::move(message), client_now());
  };
  transport_.start(s.url, std::move(s.req), std::move(cb));
}

void SimDriver::wake_at(Instant t) {
  const Instant real = t == Instant::max() ? t : std::max(clock_.now(), t - skew_);
  if (real == wake_at_ && wake_) return;
  if (wake_) scheduler_.cancel(*wake_);
  wake_.reset();
  wake_at_ = real;
  if (real != Instant::max()) wake_ = scheduler_.at(real, [this] { wake_.reset(); });
}

}  // namespace bh::sim
