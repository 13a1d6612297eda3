// conformance/http: how the conformance runner talks to the server under test.
//
// Contract: send() performs one HTTP request to an absolute URL and returns when the response
// is complete, the transport failed, or `timeout` passed, whichever comes first; it never
// throws and never hangs. The head goes to the sink's on_head, then the body to its on_body piece
// by piece as it arrives (a multi-gigabyte file is validated while it streams); on_body returning
// false stops the read. Redirects are not followed here (the probe decides, so it can drop
// Authorization across origins). now() and sleep() are the runner's only view of time, so a check
// that honours Retry-After is testable on a virtual clock. Implementations:
// conformance/net/BlockingHttp (Beast over TCP, real time).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "protocol/http.hpp"

namespace bh::conformance {

struct Outgoing {
  std::string method = "GET";
  std::string url;  // absolute
  protocol::Headers headers;
  std::string body;
};

struct Incoming {
  std::optional<std::string> error;  // transport failure: refused, reset, timed out, ...
  int status = 0;                    // 0 when no response head arrived
  protocol::Headers headers;
  Duration elapsed{0};
  std::string tls_version;  // https: what the connection negotiated ("TLSv1.3")
};

using BodyFn = std::function<bool(std::string_view chunk)>;

// on_head (optional) sees the status and headers before the first body piece.
struct ResponseSink {
  std::function<void(int status, const protocol::Headers& headers)> on_head;
  BodyFn on_body;
};

class Http {
 public:
  virtual ~Http() = default;
  virtual Incoming send(const Outgoing& request, Duration timeout, const ResponseSink& sink) = 0;
  virtual Instant now() = 0;
  virtual void sleep(Duration d) = 0;
};

}  // namespace bh::conformance
