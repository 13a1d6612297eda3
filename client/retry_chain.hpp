// client/retry_chain: the retry bookkeeping of one logical request (the kick-off, the status
// polls, one file, the final DELETE).
//
// Contract: a chain has at most one attempt in flight, a time before which the next attempt must
// not start, its own backoff (its own Rng stream, so chains never shift each other's jitter) and
// a count of consecutive failures that a success resets. The ExportClient decides what counts as
// a failure and enforces the budgets; this type only keeps the numbers together.
#pragma once

#include <cstdint>

#include "client/backoff.hpp"
#include "core/time.hpp"

namespace bh::client {

struct RetryChain {
  explicit RetryChain(Backoff b) : backoff(b) {}

  Backoff backoff;
  Instant ready_at{};
  std::uint32_t consecutive_failures = 0;
  std::uint32_t attempts = 0;
  bool in_flight = false;

  bool ready(Instant now) const { return !in_flight && now >= ready_at; }
  void succeeded() { consecutive_failures = 0; }
};

}  // namespace bh::client
