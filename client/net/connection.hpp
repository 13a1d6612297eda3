// client/net/connection: one pooled TCP connection to an origin, with its read buffer.
//
// Contract: owned through shared_ptr by whichever exchange uses it, or by the pool while idle.
// `used` says whether it already carried a response, i.e. whether a failure before the first
// response byte may just mean the server closed an idle keep-alive connection.
#pragma once

#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace bh::client::net {

class Connection {
 public:
  Connection(boost::asio::io_context& ioc, std::string origin_key)
      : stream(ioc), origin(std::move(origin_key)) {}

  bool is_open() const { return stream.socket().is_open(); }
  void close() {
    boost::system::error_code ignored;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
  }

  boost::beast::tcp_stream stream;
  boost::beast::flat_buffer buffer;
  std::string origin;  // "host:port"
  bool used = false;
};

}  // namespace bh::client::net
