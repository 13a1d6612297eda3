// core/time: the one representation of time in the harness.
//
// Contract: an Instant is microseconds since the Unix epoch (UTC) on *scenario time*, the timeline
// the protocol logic reasons in. Where it comes from is the Clock's business (virtual in sim,
// steady and optionally scaled in serve); nothing in core/protocol reads the real clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace bh {

using Duration = std::chrono::microseconds;
using Instant = std::chrono::sys_time<std::chrono::microseconds>;

inline constexpr Instant instant_from_us(std::int64_t us) {
  return Instant{Duration{us}};
}
inline constexpr std::int64_t to_us(Instant t) {
  return t.time_since_epoch().count();
}
inline constexpr Duration seconds(std::int64_t s) {
  return std::chrono::seconds{s};
}
inline constexpr Duration millis(std::int64_t ms) {
  return std::chrono::milliseconds{ms};
}
inline constexpr double to_seconds(Duration d) {
  return static_cast<double>(d.count()) / 1e6;
}

// 2026-01-01T00:00:00Z: where virtual clocks start unless told otherwise, so a seed alone fixes
// every timestamp a run prints.
inline constexpr Instant kVirtualEpoch = instant_from_us(1767225600LL * 1000000LL);

}  // namespace bh
