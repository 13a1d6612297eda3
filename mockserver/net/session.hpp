// mockserver/net/session: one accepted connection (see http_server.hpp for the contract).
// One template for both transports: plain TCP and TLS over TCP differ only in the handshake and
// in which layer is read and written; deadlines, resets and closes act on the TCP layer.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "mockserver/net/http_server.hpp"
#include "mockserver/wire_script.hpp"

namespace bh::mockserver {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, const HttpServerOptions& options, std::shared_ptr<Handler> handler);
  void run();

 private:
  boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }
  void read();
  void on_read(boost::beast::error_code ec);
  void reply_error(boost::beast::http::status status, const std::string& reason);
  void write_simple(protocol::Response&& response);
  void write_streamed(protocol::Response&& response);
  void write_next_chunk();
  // A faulted response (WirePlan): its script, one step at a time.
  void write_scripted(protocol::Response&& response);
  void run_step();
  void reset_connection();
  void after_write(boost::beast::error_code ec);
  void close();

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  HttpServerOptions options_;
  std::shared_ptr<Handler> handler_;
  std::string peer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  bool keep_alive_ = false;
  // The response in flight (one at a time: HTTP/1.1 without pipelining of responses).
  std::shared_ptr<boost::beast::http::response<boost::beast::http::string_body>> simple_;
  std::shared_ptr<boost::beast::http::response<boost::beast::http::empty_body>> head_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>> head_sr_;
  std::shared_ptr<protocol::BodyStream> body_;
  std::string chunk_;
  boost::asio::steady_timer timer_;
  WireScript script_;
  std::size_t step_ = 0;
};

using PlainSession = Session<PlainStream>;
using TlsSession = Session<TlsStream>;
extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace bh::mockserver
