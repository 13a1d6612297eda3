#include "mockserver/net/session.hpp"

#include <type_traits>

#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "mockserver/faults/fault_support.hpp"
#include "mockserver/net/beast_message.hpp"
#include "protocol/responses.hpp"

namespace bh::mockserver {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

namespace {
constexpr std::size_t kChunkBytes = 64 * 1024;
// Enough for most whole requests, so the common case is one read and one parse.
constexpr std::size_t kFirstReadBytes = 4096;

std::chrono::steady_clock::duration to_steady(Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
}

}  // namespace

template <class Stream>
Session<Stream>::Session(Stream stream, std::shared_ptr<const HttpServerOptions> options,
                         std::shared_ptr<Handler> handler, ConnectionSlot slot, bool refuse)
    : stream_(std::move(stream)),
      options_(std::move(options)),
      handler_(std::move(handler)),
      slot_(std::move(slot)),
      refuse_(refuse),
      timer_(stream_.get_executor()) {
  beast::error_code ec;
  auto ep = tcp().socket().remote_endpoint(ec);
  if (!ec) peer_ = ep.address().to_string();
}

template <class Stream>
void Session<Stream>::run() {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    // A client that connects and dribbles (or never sends) its hello is cut off like any
    // slow request.
    tcp().expires_after(to_steady(options_->request_timeout));
    stream_.async_handshake(net::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (ec) return self->close();
                              self->read();
                            });
  } else {
    read();
  }
}

// Two deadlines: a kept-alive connection may wait idle_timeout for its next request, but once
// a request has begun it must arrive whole within request_timeout (slowloris).
template <class Stream>
void Session<Stream>::read() {
  if (buffer_.size() > 0) return read_request();  // pipelined: the next request is here
  // A refused connection holds one of a few overflow slots: it gets no idle grace.
  tcp().expires_after(to_steady(refuse_ ? options_->request_timeout : options_->idle_timeout));
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                            if (ec) return self->close();
                            self->buffer_.commit(n);
                            self->read_request();
                          });
}

template <class Stream>
void Session<Stream>::read_request() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(options_->max_header_bytes));
  parser_->body_limit(options_->max_body_bytes);
  tcp().expires_after(to_steady(options_->request_timeout));
  http::async_read(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

template <class Stream>
void Session<Stream>::on_read(beast::error_code ec) {
  // A timeout has already closed the socket (tcp_stream does), so there is no one to tell.
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::connection_reset || ec == net::error::operation_aborted ||
      ec == net::error::eof || ec == net::ssl::error::stream_truncated)
    return close();
  if (ec == http::error::body_limit)
    return reply_error(
        http::status::payload_too_large, "too-long",
        "request body exceeds " + std::to_string(options_->max_body_bytes) + " bytes");
  if (ec == http::error::header_limit)
    return reply_error(
        http::status::request_header_fields_too_large, "too-long",
        "request header exceeds " + std::to_string(options_->max_header_bytes) + " bytes");
  if (ec)
    return reply_error(http::status::bad_request, "structure",
                       "malformed HTTP request: " + ec.message());
  if (refuse_) {
    keep_alive_ = false;
    auto r = protocol::outcome_response(503, "error", "transient",
                                        "the server is at its limit of " +
                                            std::to_string(options_->max_connections) +
                                            " connections; retry later");
    r.headers.set("Retry-After", "1");
    return write_simple(std::move(r));
  }
  auto req = parser_->release();
  keep_alive_ = req.keep_alive();
  answer((*handler_)(to_protocol_request(std::move(req), peer_)));
}

template <class Stream>
void Session<Stream>::answer(protocol::Response&& response) {
  if (response.wire)
    write_scripted(std::move(response));
  else if (response.stream)
    write_streamed(std::move(response));
  else
    write_simple(std::move(response));
}

// What Beast could not parse is answered as FHIR errors are (ERR-01), then the connection
// closes: after a framing error nothing further on it can be trusted.
template <class Stream>
void Session<Stream>::reply_error(http::status status, const char* code,
                                  const std::string& reason) {
  keep_alive_ = false;
  write_simple(protocol::outcome_response(static_cast<int>(status), "error", code, reason));
}

template <class Stream>
void Session<Stream>::write_simple(protocol::Response&& response) {
  simple_ = std::make_shared<http::response<http::string_body>>();
  fill_beast_head(response, *simple_);
  simple_->body() = std::move(response.body);
  simple_->keep_alive(keep_alive_);
  simple_->prepare_payload();
  tcp().expires_after(to_steady(options_->write_timeout));
  http::async_write(stream_, *simple_,
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                      self->after_write(ec);
                    });
}

template <class Stream>
void Session<Stream>::write_streamed(protocol::Response&& response) {
  head_ = std::make_shared<http::response<http::empty_body>>();
  fill_beast_head(response, *head_);
  head_->keep_alive(keep_alive_);
  head_->chunked(true);
  body_ = std::move(response.stream);
  head_sr_.emplace(*head_);
  tcp().expires_after(to_steady(options_->write_timeout));
  http::async_write_header(stream_, *head_sr_,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->close();
                             self->write_next_chunk();
                           });
}

template <class Stream>
void Session<Stream>::write_next_chunk() {
  chunk_.clear();
  bool more = true;
  // A stream may produce an empty piece (a filtered-out stretch of records); keep pulling, but
  // never loop without bound on a stream that makes no progress.
  for (int tries = 0; more && chunk_.empty() && tries < 1000000; ++tries)
    more = body_->next(chunk_, kChunkBytes);
  tcp().expires_after(to_steady(options_->write_timeout));
  if (chunk_.empty()) {
    net::async_write(stream_, http::make_chunk_last(),
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->after_write(ec);
                     });
    return;
  }
  net::async_write(stream_, http::make_chunk(net::buffer(chunk_)),
                   [self = this->shared_from_this(), more](beast::error_code ec, std::size_t) {
                     if (ec) return self->close();
                     if (more) return self->write_next_chunk();
                     net::async_write(
                         self->stream_, http::make_chunk_last(),
                         [self](beast::error_code ec2, std::size_t) { self->after_write(ec2); });
                   });
}

template <class Stream>
void Session<Stream>::write_scripted(protocol::Response&& response) {
  keep_alive_ = false;
  const bool chunked = response.stream != nullptr;
  if (auto drained = drain_body(response); !drained) {
    // Bounded: a fault cannot make the server hold an unbounded body. Say so, and close.
    return reply_error(http::status::internal_server_error, "exception",
                       "bulkharness: " + drained.error().message());
  }
  script_ = make_wire_script(response, chunked);
  step_ = 0;
  run_step();
}

template <class Stream>
void Session<Stream>::run_step() {
  if (step_ >= script_.steps.size()) return close();
  const WireStep& s = script_.steps[step_++];
  auto self = this->shared_from_this();
  switch (s.kind) {
    case WireStep::Kind::kWrite:
      tcp().expires_after(to_steady(options_->write_timeout));
      net::async_write(stream_, net::buffer(script_.bytes.data() + s.offset, s.length),
                       [self](beast::error_code ec, std::size_t) {
                         if (ec) return self->close();
                         self->run_step();
                       });
      return;
    case WireStep::Kind::kPause:
      timer_.expires_after(to_steady(s.pause));
      timer_.async_wait([self](beast::error_code ec) {
        if (ec) return self->close();
        self->run_step();
      });
      return;
    case WireStep::Kind::kReset:
      return reset_connection();
    case WireStep::Kind::kClose:
      return close();
  }
}

template <class Stream>
void Session<Stream>::reset_connection() {
  // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
  beast::error_code ec;
  tcp().socket().set_option(net::socket_base::linger(true, 0), ec);
  tcp().socket().close(ec);
}

template <class Stream>
void Session<Stream>::after_write(beast::error_code ec) {
  simple_.reset();
  head_sr_.reset();
  head_.reset();
  body_.reset();
  if (ec || !keep_alive_) return close();
  read();
}

template <class Stream>
void Session<Stream>::close() {
  beast::error_code ec;
  tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  tcp().socket().close(ec);
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace bh::mockserver
