// mockserver/net/http_server: the Beast listener and sessions; they only move bytes.
//
// Contract: accepts HTTP/1.1 connections on one io_context thread, reads each request with
// bounded header and body sizes and an idle deadline, hands it to the Handler as a
// protocol::Request (client_id = peer address), and writes the Response: string bodies with
// Content-Length, streamed bodies with chunked transfer encoding, pulled 64 KiB at a time so a
// slow reader never makes the server buffer a file. Keep-alive is honoured. A request Beast
// cannot parse gets 400 (413 when too large) with a plain-text reason, and the connection
// closes. With `tls` set every connection is TLS (1.2 or later; the handshake has the idle
// deadline too) on the same code path. Nothing here knows about Bulk Data.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "core/result.hpp"
#include "core/time.hpp"
#include "protocol/http.hpp"

namespace bh::mockserver {

using Handler = std::function<protocol::Response(protocol::Request&&)>;

// The server's certificate chain and private key, PEM.
struct TlsIdentityPem {
  std::string cert_pem;
  std::string key_pem;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port
  // Further addresses served on the same port (a redirect fault's "other host", 127.0.0.2).
  std::vector<std::string> extra_hosts;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  Duration idle_timeout = seconds(60);   // waiting for a request on a kept-alive connection
  Duration write_timeout = seconds(60);  // one chunk to a client that does not read
  std::optional<TlsIdentityPem> tls;     // none: plain HTTP
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Before bind(): serve TLS with this identity.
  void set_tls(TlsIdentityPem identity) { options_.tls = std::move(identity); }
  // Loads the TLS identity (when set), binds and listens; the port is known afterwards (useful
  // with port 0).
  Result<std::uint16_t> bind();
  // Starts accepting; each request goes to `handler` on the io_context's thread.
  void start(Handler handler);
  void stop();

 private:
  Result<std::uint16_t> listen(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host,
                               std::uint16_t port);
  void accept(boost::asio::ip::tcp::acceptor& acceptor);
  boost::asio::io_context& io_;
  HttpServerOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> extra_;
  std::shared_ptr<Handler> handler_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace bh::mockserver
