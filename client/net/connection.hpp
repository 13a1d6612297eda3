// client/net/connection: one pooled connection to an origin, plain TCP or TLS, with its buffer.
//
// Contract: owned through shared_ptr by whichever exchange uses it, or by the pool while idle.
// `used` says whether it already carried a response, i.e. whether a failure before the first
// response byte may just mean the server closed an idle keep-alive connection. An https origin's
// connection holds a TLS stream over the TCP stream; with_stream() hands the exchange whichever
// layer carries HTTP, and tcp() is where deadlines and closing act. `tls_version` is what the
// handshake negotiated ("TLSv1.3"), empty for plain TCP.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace bh::client::net {

class Connection {
 public:
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  // Plain TCP.
  Connection(boost::asio::io_context& ioc, std::string origin_key)
      : plain_(std::make_unique<boost::beast::tcp_stream>(ioc)), origin(std::move(origin_key)) {}
  // TLS with the transport's context (verification settings live there).
  Connection(boost::asio::io_context& ioc, boost::asio::ssl::context& tls, std::string origin_key)
      : tls_(std::make_unique<TlsStream>(ioc, tls)), origin(std::move(origin_key)) {}

  bool is_tls() const { return tls_ != nullptr; }
  TlsStream& tls_stream() { return *tls_; }
  boost::beast::tcp_stream& tcp() { return tls_ ? boost::beast::get_lowest_layer(*tls_) : *plain_; }
  bool is_open() { return tcp().socket().is_open(); }
  void close() {
    boost::system::error_code ignored;
    tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    tcp().socket().close(ignored);
  }
  template <class F>
  auto with_stream(F&& f) {
    if (tls_) return f(*tls_);
    return f(*plain_);
  }

 private:
  std::unique_ptr<boost::beast::tcp_stream> plain_;
  std::unique_ptr<TlsStream> tls_;

 public:
  boost::beast::flat_buffer buffer;
  std::string origin;  // "scheme://host:port"
  bool used = false;
  std::string tls_version;
};

}  // namespace bh::client::net
