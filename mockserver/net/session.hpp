// mockserver/net/session: one accepted connection (see http_server.hpp for the contract).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "mockserver/net/http_server.hpp"
#include "mockserver/wire_script.hpp"

namespace bh::mockserver {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, const HttpServerOptions& options,
          std::shared_ptr<Handler> handler);
  void run();

 private:
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

  boost::beast::tcp_stream stream_;
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

}  // namespace bh::mockserver
