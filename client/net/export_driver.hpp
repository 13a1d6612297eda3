// client/net/export_driver: runs an ExportClient on real sockets and real time.
//
// Contract: one io_context thread. The driver asks the client for its next action whenever
// something happened (a response event, the timer, a signal) and carries it out: Send goes to the
// HttpTransport, WaitUntil arms one steady timer (re-armed, never stacked), Done stops the loop.
// Time is bh::RealClock scenario time; waits are converted with the clock's factor. SIGINT and
// SIGTERM call ExportClient::cancel (a second signal stops waiting for the DELETE).
#pragma once

#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/export_client.hpp"
#include "client/net/http_transport.hpp"
#include "core/clock.hpp"

namespace bh::client::net {

class ExportDriver {
 public:
  ExportDriver(boost::asio::io_context& ioc, ExportClient& client, HttpTransport& transport,
               const RealClock& clock);
  // Runs until the client is Done and returns its outcome.
  Outcome run();

 private:
  void pump();
  void pump_once();
  void start(Send send);
  void arm_timer(Instant t);
  void wait_for_signal();

  boost::asio::io_context& ioc_;
  ExportClient& client_;
  HttpTransport& transport_;
  const RealClock& clock_;
  boost::asio::steady_timer timer_;
  boost::asio::signal_set signals_;
  std::optional<Outcome> outcome_;
  bool pumping_ = false;
  bool again_ = false;
};

}  // namespace bh::client::net
