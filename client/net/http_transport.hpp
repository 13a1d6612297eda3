// client/net/http_transport: asynchronous HTTP/1.1 client over TCP or TLS for the export client.
//
// Contract: client::Transport (client/transport.hpp) over real sockets: callbacks run from the
// io_context; on_body returning false closes the connection. https URLs use TLS 1.2 or later
// (AUTH-01) and verify the server's certificate chain and name (SNI for names) against the
// system's roots plus TlsClientOptions::ca_file, unless verification was switched off on
// purpose (`--insecure`); the negotiated version is reported through on_tls before on_head.
// Connections are kept alive and pooled per origin (scheme included); a pooled connection that
// turns out to be closed by the server is retried once on a fresh one for idempotent methods.
// Every connect and every read/write has a timeout. Single-threaded: one io_context thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "client/transport.hpp"
#include "core/time.hpp"
#include "protocol/http.hpp"

namespace bh::client::net {

struct TlsClientOptions {
  bool verify = true;   // false only by an explicit --insecure
  std::string ca_file;  // PEM roots trusted in addition to the system's
};

struct TransportOptions {
  Duration connect_timeout = seconds(30);
  Duration io_timeout = seconds(120);  // per read or write: a stalled server, not a big file
  std::size_t max_idle_per_origin = 8;
  std::uint32_t header_limit = 64 * 1024;
  TlsClientOptions tls;
};

using client::ResponseCallbacks;

class Connection;

class HttpTransport final : public Transport {
 public:
  HttpTransport(boost::asio::io_context& ioc, TransportOptions options = {});
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  void start(const std::string& url, protocol::Request request,
             ResponseCallbacks callbacks) override;
  // Closes idle connections (in-flight exchanges end with errors or are dropped with the
  // io_context).
  void shutdown();

  // For the exchange: the pool.
  std::shared_ptr<Connection> acquire(const std::string& origin, bool tls);
  std::shared_ptr<Connection> fresh(const std::string& origin, bool tls);
  void release(std::shared_ptr<Connection> connection);
  boost::asio::io_context& context() { return ioc_; }
  const TransportOptions& options() const { return options_; }

 private:
  boost::asio::io_context& ioc_;
  TransportOptions options_;
  std::string tls_error_;  // why the TLS context could not be set up (https then fails)
  std::unique_ptr<boost::asio::ssl::context> tls_;  // after tls_error_: its setup writes there
  std::map<std::string, std::vector<std::shared_ptr<Connection>>> idle_;
  bool shut_down_ = false;
};

}  // namespace bh::client::net
