// client/action: what the sans-I/O client asks its driver to do next.
//
// Contract: Send carries a fully-formed request (origin-form target, every header the client
// wants; the transport adds Host, Content-Length and connection headers) and the absolute URL it
// goes to. The driver delivers that request's response events with the same RequestId.
// WaitUntil asks to call next_action again at (or after) t, or earlier when a response event
// arrives. Done is final: every later call returns the same Done.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "client/outcome.hpp"
#include "core/time.hpp"
#include "protocol/http.hpp"

namespace bh::client {

using RequestId = std::uint64_t;

struct Send {
  RequestId id = 0;
  protocol::Request req;
  std::string url;  // absolute: scheme://host[:port]/path?query
  // Bodies above this are not wanted (0 = unlimited, file downloads); the client enforces it
  // itself through on_body's return value, the transport may use it as a hint.
  std::uint64_t max_body_bytes = 0;
};

struct WaitUntil {
  Instant t;
};

struct Done {
  Outcome outcome;
};

using Action = std::variant<Send, WaitUntil, Done>;

}  // namespace bh::client
