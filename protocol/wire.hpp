// protocol/wire: how a response leaves the socket when a fault says it must not leave cleanly.
//
// Contract: a Response may carry a WirePlan. Without one the transport sends the response the
// normal way. With one, the transport follows the plan exactly: it may send nothing and reset or
// close, send garbage, hold the connection, cut the body after a number of bytes, trickle or
// stall it, misstate Content-Length or break the chunked framing. Every duration here is already
// in wire (real) time: the fault that made the plan converted it from scenario time. A response
// with a plan is always the last one on its connection. The Beast session and the simulator read
// the same plan, so a fault behaves the same over TCP and in memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace bh::protocol {

struct WirePlan {
  enum class Action {
    kDeliver,               // send the response (subject to the body shaping below)
    kResetBeforeResponse,   // TCP reset, nothing sent
    kCloseWithoutResponse,  // orderly close, nothing sent
    kGarbageThenClose,      // `garbage` instead of a response, then close
    kNeverAnswer,           // read the request, answer nothing, hold the connection `hold`
    kResetMidBody,          // headers and `after_bytes` of the body, then a reset
    kMalformedChunk,        // chunked, `after_bytes` of the body, then a broken chunk header
    kSlowClose,             // the whole response, then `hold` before the connection closes
  };
  Action action = Action::kDeliver;
  std::uint64_t after_bytes = 0;
  std::string garbage;
  Duration hold{};
  double bytes_per_second = 0;  // > 0: the body is trickled at this rate
  std::uint64_t stall_after_bytes = 0;
  Duration stall{};                       // > 0: one pause after stall_after_bytes of the body
  std::int64_t content_length_delta = 0;  // != 0: Content-Length states the size off by this
};

std::string_view to_string(WirePlan::Action a);

}  // namespace bh::protocol
