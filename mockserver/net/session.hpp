// mockserver/net/session: one accepted connection (see http_server.hpp for the contract).
// One template for both transports: plain TCP and TLS over TCP differ only in the handshake and
// in which layer is read and written; deadlines, resets and closes act on the TCP layer.
#pragma once

#include <cstddef>
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

// One live connection counted against max_connections, for as long as its session exists.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::shared_ptr<std::size_t> live) : live_(std::move(live)) { ++*live_; }
  ConnectionSlot(ConnectionSlot&& other) noexcept : live_(std::move(other.live_)) {}
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ~ConnectionSlot() {
    if (live_) --*live_;
  }

 private:
  std::shared_ptr<std::size_t> live_;
};

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `refuse`: the server is at its connection limit; read one request, answer 503, close.
  Session(Stream stream, std::shared_ptr<const HttpServerOptions> options,
          std::shared_ptr<Handler> handler, ConnectionSlot slot, bool refuse);
  void run();

 private:
  boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }
  void read();
  void read_request();
  void on_read(boost::beast::error_code ec);
  void answer(protocol::Response&& response);
  void reply_error(boost::beast::http::status status, const char* code, const std::string& reason);
  void write_simple(protocol::Response&& response);
  void write_out();
  void write_streamed(protocol::Response&& response);
  void write_next_chunk();
  // A stored file (file_cache.hpp) over plain TCP: chunk data by sendfile, no user-space copy.
  void send_file_chunk();
  void sendfile_some(std::uint64_t left);
  void wait_writable(std::uint64_t left);
  void cork(bool on);
  // A faulted response (WirePlan): its script, one step at a time.
  void write_scripted(protocol::Response&& response);
  void run_step();
  void reset_connection();
  void after_write(boost::beast::error_code ec);
  void close();

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<const HttpServerOptions> options_;
  std::shared_ptr<Handler> handler_;
  ConnectionSlot slot_;
  bool refuse_ = false;
  std::string peer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  bool keep_alive_ = false;
  bool head_only_ = false;  // a HEAD request: the answer's head without its body
  // The response in flight (one at a time: HTTP/1.1 without pipelining of responses): out_
  // holds the bytes ahead of the body (head, chunk size line), chunk_ a large body or a chunk.
  std::string out_;
  std::shared_ptr<protocol::BodyStream> body_;
  std::string chunk_;
  boost::asio::steady_timer timer_;
  std::uint64_t wait_seq_ = 0;  // which wait_writable the write deadline belongs to
  WireScript script_;
  std::size_t step_ = 0;
};

using PlainSession = Session<PlainStream>;
using TlsSession = Session<TlsStream>;
extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace bh::mockserver
