// mockserver/net/http_server: the Beast listener and sessions; they only move bytes.
//
// Contract: accepts HTTP/1.1 connections on one io_context thread, reads each request with
// bounded header and body sizes, hands it to the Handler as a protocol::Request (client_id =
// peer address), and writes the Response: string bodies with Content-Length, streamed bodies
// with chunked transfer encoding, pulled 64 KiB at a time so a slow reader never makes the
// server buffer a file (a stored file of serve --file-cache goes out by sendfile over plain
// TCP, in the same framing). Keep-alive and pipelining are honoured (requests answered in order).
//
// Hostile peers cannot stall it or grow it without bound:
// - deadlines: idle_timeout for the first byte of a request, request_timeout from that byte to
//   the request's last (a slowloris dribbling headers is cut off), write_timeout per chunk to a
//   client that stops reading; a peer that vanishes mid-download just ends its session;
// - sizes: a request Beast cannot parse gets 400, an oversized header 431, an oversized body
//   413, each as a FHIR OperationOutcome, and the connection closes;
// - connections: at most max_connections sessions; beyond that a few more are answered 503 +
//   Retry-After (OperationOutcome) and closed, the rest closed at once. So memory is bounded by
//   about max_connections * (max_header_bytes + max_body_bytes) plus the handler's own state.
// - accept failures (out of file descriptors) back off instead of spinning.
// With `tls` set every connection is TLS (1.2 or later; the handshake has request_timeout) on
// the same code path. Nothing here knows about Bulk Data.
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
  Duration idle_timeout = seconds(60);     // waiting for a request on a kept-alive connection
  Duration request_timeout = seconds(10);  // first byte of a request (or TLS hello) to its last
  Duration write_timeout = seconds(60);    // one chunk to a client that does not read
  std::size_t max_connections = 10000;
  std::optional<TlsIdentityPem> tls;  // none: plain HTTP
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
  std::size_t live_connections() const { return *live_; }

 private:
  Result<std::uint16_t> listen(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host,
                               std::uint16_t port);
  void accept(boost::asio::ip::tcp::acceptor& acceptor);
  void admit(boost::asio::ip::tcp::socket socket);
  void accept_later(boost::asio::ip::tcp::acceptor& acceptor);
  boost::asio::io_context& io_;
  HttpServerOptions options_;
  std::shared_ptr<const HttpServerOptions> shared_options_;  // one copy for every session
  std::shared_ptr<std::size_t> live_ = std::make_shared<std::size_t>(0);
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> extra_;
  std::shared_ptr<Handler> handler_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace bh::mockserver
