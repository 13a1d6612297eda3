// client/transport: how a driver sends the export client's requests, whatever carries them.
//
// Contract: start() sends one request to an absolute URL and reports its response through the
// callbacks, never from inside start(): on_head once, on_body for each piece of the body as it
// arrives (never buffered whole; returning false means the client settled the request, after
// which nothing more is reported for it), then on_end; or on_error at any point with a message
// naming the method, the URL and what failed. Two implementations: client/net's HttpTransport
// (Beast over real TCP) and sim's SimNetwork (in memory, on virtual time). The same client and
// the same driver logic run over both, so a simulated run is the real client's behaviour.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "protocol/http.hpp"

namespace bh::client {

struct ResponseCallbacks {
  std::function<void(int status, const protocol::Headers& headers)> on_head;
  std::function<bool(std::string_view chunk)> on_body;
  std::function<void()> on_end;
  std::function<void(std::string message)> on_error;
  // Optional: the TLS version the connection negotiated ("TLSv1.3"), before on_head; https only.
  std::function<void(const std::string& version)> on_tls;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual void start(const std::string& url, protocol::Request request,
                     ResponseCallbacks callbacks) = 0;
};

}  // namespace bh::client
