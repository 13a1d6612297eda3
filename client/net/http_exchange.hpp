// client/net/http_exchange: one request and its streamed response on a pooled connection.
//
// Contract: resolve + connect when the connection is new, write the request, read the header
// (bounded by the transport's header limit), then read the body into a fixed 64 KiB buffer and
// hand each piece to on_body; the parser itself has no body limit because the client enforces
// limits per request kind and stops the read by returning false. A keep-alive connection whose
// response completed goes back to the pool; any other is closed. An idempotent request that
// fails on a reused connection before any response byte is retried once on a fresh connection
// (the server closed it while idle). A new https connection does its TLS handshake (within the
// connect timeout) before the request is written.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

#include "client/net/connection.hpp"
#include "client/net/http_transport.hpp"

namespace bh::client::net {

class HttpExchange : public std::enable_shared_from_this<HttpExchange> {
 public:
  HttpExchange(HttpTransport& transport, std::string url, std::string host, std::string port,
               bool tls, boost::beast::http::request<boost::beast::http::string_body> request,
               ResponseCallbacks callbacks);
  void run();

 private:
  void begin(std::shared_ptr<Connection> connection);
  std::string origin_key() const;
  void on_resolve(boost::system::error_code ec,
                  boost::asio::ip::tcp::resolver::results_type results);
  void on_connect(boost::system::error_code ec);
  void on_handshake(boost::system::error_code ec);
  void write();
  void on_write(boost::system::error_code ec);
  void on_header(boost::system::error_code ec);
  void read_body();
  void on_body(boost::system::error_code ec);
  void finish();
  bool retry_on_fresh_connection(boost::system::error_code ec);
  void fail(const std::string& stage, boost::system::error_code ec);

  HttpTransport& transport_;
  std::string url_;
  std::string host_;
  std::string port_;
  bool tls_ = false;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  ResponseCallbacks callbacks_;
  std::shared_ptr<Connection> conn_;
  boost::asio::ip::tcp::resolver resolver_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::buffer_body>> parser_;
  std::array<char, 64 * 1024> chunk_{};
  bool retried_ = false;
};

}  // namespace bh::client::net
