#include "mockserver/net/session.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <array>
#include <cerrno>
#include <csignal>
#include <string_view>
#include <type_traits>

#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "mockserver/faults/fault_support.hpp"
#include "mockserver/file_cache.hpp"
#include "mockserver/net/beast_message.hpp"
#include "mockserver/response_head.hpp"
#include "protocol/responses.hpp"

namespace bh::mockserver {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

namespace {
constexpr std::size_t kChunkBytes = 64 * 1024;
// A stored file is sent in larger chunks (each costs a size line and a sendfile call or more),
// but not one per file: between chunks the loop serves the other connections.
constexpr std::uint64_t kFileChunkBytes = 4 * 1024 * 1024;
// Enough for most whole requests, so the common case is one read and one parse.
constexpr std::size_t kFirstReadBytes = 4096;

// sendfile has no MSG_NOSIGNAL (asio's own writes pass it): to a peer that has gone it raises
// SIGPIPE, which would end the whole server. So SIGPIPE is blocked on this thread for the call,
// and one the call raised is taken back before the mask is restored; the caller sees EPIPE.
ssize_t sendfile_without_sigpipe(int sock, int fd, off_t* offset, std::size_t n) {
  sigset_t pipe_only, old;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  const ssize_t sent = ::sendfile(sock, fd, offset, n);
  const int saved = errno;
  if (sent < 0 && saved == EPIPE) {
    const timespec now{0, 0};
    sigtimedwait(&pipe_only, nullptr, &now);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = saved;
  return sent;
}

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
  head_only_ = false;
  parser_->header_limit(static_cast<std::uint32_t>(options_->max_header_bytes));
  parser_->body_limit(options_->max_body_bytes);
  // What has arrived is parsed here and now: usually the whole request came in one read, and
  // an async_read would only post its completion for a later turn of the loop.
  beast::error_code parsed;
  while (buffer_.size() > 0 && !parser_->is_done()) {
    const std::size_t used = parser_->put(buffer_.data(), parsed);
    buffer_.consume(used);
    if (parsed == http::error::need_more) parsed = {};
    if (parsed || used == 0) break;
  }
  if (parsed || parser_->is_done()) return on_read(parsed);
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
  head_only_ = parser_->get().method() == http::verb::head;
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

// The head is written by us (response_head), not by Beast's serializer: one reused string, one
// gathered write per answer (per chunk when streaming), and no header copied twice on the way.
template <class Stream>
void Session<Stream>::write_simple(protocol::Response&& response) {
  const bool bodiless = status_has_no_body(response.status);
  out_.clear();
  append_response_head(out_, response,
                       {bodiless ? HeadFraming::Kind::kNone : HeadFraming::Kind::kContentLength,
                        response.body.size(), !keep_alive_});
  if (bodiless || head_only_) response.body.clear();
  // Head and body in one buffer, one write. Not a gathered write: over TLS, Beast 1.81's
  // flat_stream writes nothing when asio hands it an emptied first buffer followed by one over
  // 16 KB, and asio then takes the zero-byte write for the end (a body over 16 KB after a head
  // arrived as the head alone). The copy costs little next to encryption or the kernel.
  out_.append(response.body);
  write_out();
}

// What out_ holds, in one write; then the next request (or the close).
template <class Stream>
void Session<Stream>::write_out() {
  tcp().expires_after(to_steady(options_->write_timeout));
  net::async_write(stream_, net::buffer(out_),
                   [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                     self->after_write(ec);
                   });
}

template <class Stream>
void Session<Stream>::write_streamed(protocol::Response&& response) {
  out_.clear();
  append_response_head(out_, response, {HeadFraming::Kind::kChunked, 0, !keep_alive_});
  if (head_only_ || status_has_no_body(response.status)) return write_out();
  body_ = std::move(response.stream);
  if constexpr (std::is_same_v<Stream, PlainStream>) {
    // Only an untouched stored file: a fault that wraps the stream hides it, and TLS must
    // encrypt in user space anyway (it reads the file through next()).
    if (dynamic_cast<FileStream*>(body_.get())) {
      beast::error_code ec;
      tcp().socket().native_non_blocking(true, ec);  // sendfile must never block the loop
      if (!ec) {
        cork(true);
        return send_file_chunk();
      }
    }
  }
  write_next_chunk();  // the head goes out with the first chunk
}

// The same chunked framing as generated files: out_ (the head the first time, the previous
// chunk's CRLF after) and the size line in one write, then the chunk's data by sendfile
// straight from the page cache, as a static file server sends it.
template <class Stream>
void Session<Stream>::send_file_chunk() {
  const auto& file = static_cast<const FileStream&>(*body_);
  const std::uint64_t n = std::min(file.remaining(), kFileChunkBytes);
  if (n == 0) {
    out_.append("0\r\n\r\n");
    tcp().expires_after(to_steady(options_->write_timeout));
    return net::async_write(stream_, net::buffer(out_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              // Uncorked only now: before this write, Nagle could hold
                              // the terminator back for a delayed ACK.
                              self->cork(false);
                              self->after_write(ec);
                            });
  }
  append_chunk_size(out_, static_cast<std::size_t>(n));
  tcp().expires_after(to_steady(options_->write_timeout));
  net::async_write(stream_, net::buffer(out_),
                   [self = this->shared_from_this(), n](beast::error_code ec, std::size_t) {
                     if (ec) return self->after_write(ec);
                     // sendfile runs outside tcp_stream: wait_writable keeps the deadline.
                     self->tcp().expires_never();
                     self->sendfile_some(n);
                   });
}

template <class Stream>
void Session<Stream>::sendfile_some(std::uint64_t left) {
  auto& file = static_cast<FileStream&>(*body_);
  const int sock = tcp().socket().native_handle();
  while (left > 0) {
    auto offset = static_cast<off_t>(file.offset());
    const ssize_t sent =
        sendfile_without_sigpipe(sock, file.fd(), &offset, static_cast<std::size_t>(left));
    if (sent > 0) {
      file.advance(static_cast<std::uint64_t>(sent));
      left -= static_cast<std::uint64_t>(sent);
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return wait_writable(left);
    } else {
      return close();  // the peer is gone, or the stored file shrank under us (sent == 0)
    }
  }
  out_.assign("\r\n");
  send_file_chunk();
}

// TCP_CORK (nginx's tcp_nopush): while a stored file goes out, only full segments are sent, so
// the size lines ride with the data instead of leaving as packets of their own.
template <class Stream>
void Session<Stream>::cork(bool on) {
  const int value = on ? 1 : 0;
  ::setsockopt(tcp().socket().native_handle(), IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

// The socket's buffer is full: wait until it drains, at most write_timeout (a client that
// stops reading is cut off, as on the generated path).
template <class Stream>
void Session<Stream>::wait_writable(std::uint64_t left) {
  const std::uint64_t seq = ++wait_seq_;
  auto self = this->shared_from_this();
  timer_.expires_after(to_steady(options_->write_timeout));
  timer_.async_wait([self, seq](beast::error_code ec) {
    if (!ec && seq == self->wait_seq_) self->close();
  });
  tcp().socket().async_wait(net::ip::tcp::socket::wait_write, [self, left](beast::error_code ec) {
    ++self->wait_seq_;  // this wait is over: its deadline is void
    self->timer_.cancel();
    if (ec) return self->close();
    self->sendfile_some(left);
  });
}

// Each write is [what is pending in out_ (the head, first time)][size line][data][CRLF], and
// the last chunk also carries the terminating zero-size chunk: one gathered write per chunk.
template <class Stream>
void Session<Stream>::write_next_chunk() {
  static constexpr std::string_view kEnd = "\r\n";
  static constexpr std::string_view kEndAndLast = "\r\n0\r\n\r\n";
  chunk_.clear();
  bool more = true;
  // A stream may produce an empty piece (a filtered-out stretch of records); keep pulling, but
  // never loop without bound on a stream that makes no progress.
  for (int tries = 0; more && chunk_.empty() && tries < 1000000; ++tries)
    more = body_->next(chunk_, kChunkBytes);
  if (chunk_.empty()) {
    out_.append("0\r\n\r\n");
    return write_out();
  }
  tcp().expires_after(to_steady(options_->write_timeout));
  append_chunk_size(out_, chunk_.size());
  const std::array<net::const_buffer, 3> pieces{net::buffer(out_), net::buffer(chunk_),
                                                net::buffer(more ? kEnd : kEndAndLast)};
  net::async_write(stream_, pieces,
                   [self = this->shared_from_this(), more](beast::error_code ec, std::size_t) {
                     if (ec || !more) return self->after_write(ec);
                     self->out_.clear();
                     self->write_next_chunk();
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
  body_.reset();
  // Keep the buffer's capacity for the next answer on this connection, but not a large one.
  if (out_.capacity() > 2 * kChunkBytes) std::string().swap(out_);
  if (ec || !keep_alive_) return close();
  read();
}

template <class Stream>
void Session<Stream>::close() {
  beast::error_code ec;
  timer_.cancel();  // a pending deadline must not keep the session alive
  tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  tcp().socket().close(ec);
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace bh::mockserver
