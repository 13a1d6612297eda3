// sim/sim_network: the client's Transport in memory, on virtual time, in front of one server.
//
// Contract: start() hands the request to the server `latency` later (virtual time, through the
// ManualScheduler) as the Beast session would (Host, Content-Length, the peer address as
// client_id), and delivers the answer `latency` after that. A plain answer arrives whole: head,
// body in 64 KiB pieces, end, with the headers Beast's server adds (Server, Content-Length or
// Transfer-Encoding: chunked). An answer carrying a WirePlan (a connection or delivery fault)
// is turned into the exact bytes and pauses of mockserver/wire_script and parsed by the socket
// transport's own Beast parser (client/net/response_reader), so a cut body, a bad chunk, a
// stall or a reset reach the client exactly as over TCP. A pause of io_timeout or more ends the
// exchange with "timed out" at io_timeout, like the socket transport's per-read timer. Nothing
// here reads real time or draws randomness: the same requests give the same deliveries.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "client/transport.hpp"
#include "core/clock.hpp"
#include "core/scheduler.hpp"
#include "mockserver/wire_script.hpp"
#include "protocol/http.hpp"

namespace bh::sim {

struct NetworkOptions {
  Duration latency = millis(1);        // one way
  Duration io_timeout = seconds(120);  // as TransportOptions::io_timeout
  std::string client_address = "127.0.0.1";
};

// What the server side of an exchange looked like, for invariants: the request as received,
// the response as the server produced it (before any wire fault), and when.
struct ServerExchange {
  const protocol::Request& request;
  const protocol::Response& response;
  Instant at;
  // The script pauses for io_timeout or more before its last byte: the client's read times out
  // before the body is whole (the journal cannot know the client's timeout; the network does).
  bool stalls_out = false;
};

class SimNetwork final : public client::Transport {
 public:
  using Server = std::function<protocol::Response(const protocol::Request&, Instant)>;
  using Observer = std::function<void(const ServerExchange&)>;

  SimNetwork(ManualScheduler& scheduler, const Clock& clock, Server server,
             NetworkOptions options = {});

  void start(const std::string& url, protocol::Request request,
             client::ResponseCallbacks callbacks) override;
  void set_observer(Observer observer) { observer_ = std::move(observer); }
  // The client that sent the requests still on the wire is gone: they still reach the server
  // (as they would), but nothing is delivered back to it any more.
  void forget_clients() { ++epoch_; }

  std::uint64_t exchanges() const { return exchanges_; }
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  void arrive(const std::string& url, const protocol::Request& request,
              client::ResponseCallbacks callbacks, std::uint64_t epoch);
  void deliver_plain(protocol::Response response, client::ResponseCallbacks callbacks);
  // `script` is empty when the faulted body was too large to script (the session's 500).
  void deliver_scripted(const protocol::Request& request, const std::string& url,
                        std::optional<mockserver::WireScript> script,
                        client::ResponseCallbacks callbacks);

  ManualScheduler& scheduler_;
  const Clock& clock_;
  Server server_;
  NetworkOptions options_;
  Observer observer_;
  std::uint64_t epoch_ = 0;
  std::uint64_t exchanges_ = 0;
  std::uint64_t body_bytes_ = 0;
};

}  // namespace bh::sim
