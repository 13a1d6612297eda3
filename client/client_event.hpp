// client/client_event: one human-readable line of the client's timeline.
//
// Contract: events are appended in the order things happen, stamped with the Instant the client
// was told at that moment; the text is meant for people ("poll 3: 202 X-Progress=40% -> waiting
// 12.0 s") and for test assertions, never parsed by machines.
#pragma once

#include <string>

#include "core/time.hpp"

namespace bh::client {

struct ClientEvent {
  Instant at;
  std::string text;
};

}  // namespace bh::client
