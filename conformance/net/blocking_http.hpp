// conformance/net/blocking_http: conformance::Http over real TCP, in real time.
//
// Contract: each send() runs client/net's HttpTransport (Beast, pooled keep-alive connections,
// connect and read timeouts) on a private io_context until the response ends, the transport
// fails or the timeout passes. A request abandoned at its timeout is detached: its callbacks
// see a dead flag and stop the read at the next piece, and the transport's own read timeout
// ends it if the server sends nothing more. now() is the system clock (servers stamp Date and
// transactionTime with it); sleep() waits on the same io_context. https verifies certificates
// unless `tls.verify` is off, and reports the negotiated version. Single-threaded.
#pragma once

#include <memory>

#include "client/net/http_transport.hpp"
#include "conformance/http.hpp"

namespace bh::conformance::net {

class BlockingHttp final : public Http {
 public:
  explicit BlockingHttp(Duration io_timeout, client::net::TlsClientOptions tls = {});
  ~BlockingHttp() override;
  BlockingHttp(const BlockingHttp&) = delete;
  BlockingHttp& operator=(const BlockingHttp&) = delete;

  Incoming send(const Outgoing& request, Duration timeout, const ResponseSink& sink) override;
  Instant now() override;
  void sleep(Duration d) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bh::conformance::net
