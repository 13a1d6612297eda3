#include "client/net/http_exchange.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>

namespace bh::client::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {

std::chrono::steady_clock::duration steady(Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
}

bool idempotent(http::verb v) {
  return v == http::verb::get || v == http::verb::head || v == http::verb::delete_;
}

}  // namespace

HttpExchange::HttpExchange(HttpTransport& transport, std::string url, std::string host,
                           std::string port, http::request<http::string_body> request,
                           ResponseCallbacks callbacks)
    : transport_(transport),
      url_(std::move(url)),
      host_(std::move(host)),
      port_(std::move(port)),
      request_(std::move(request)),
      callbacks_(std::move(callbacks)),
      resolver_(transport.context()) {}

void HttpExchange::run() {
  begin(transport_.acquire(host_ + ":" + port_));
}

void HttpExchange::begin(std::shared_ptr<Connection> connection) {
  conn_ = std::move(connection);
  parser_.emplace();
  parser_->header_limit(transport_.options().header_limit);
  parser_->body_limit(boost::none);  // limits are the client's (see the header comment)
  if (conn_->is_open()) {
    // Post, so callbacks never run inside HttpTransport::start().
    asio::post(transport_.context(), [self = shared_from_this()] { self->write(); });
    return;
  }
  resolver_.async_resolve(host_, port_, [self = shared_from_this()](auto ec, auto results) {
    self->on_resolve(ec, std::move(results));
  });
}

void HttpExchange::on_resolve(boost::system::error_code ec,
                              asio::ip::tcp::resolver::results_type results) {
  if (ec) return fail("resolve " + host_, ec);
  conn_->stream.expires_after(steady(transport_.options().connect_timeout));
  conn_->stream.async_connect(
      results, [self = shared_from_this()](auto error, const auto&) { self->on_connect(error); });
}

void HttpExchange::on_connect(boost::system::error_code ec) {
  if (ec) return fail("connect", ec);
  write();
}

void HttpExchange::write() {
  conn_->stream.expires_after(steady(transport_.options().io_timeout));
  http::async_write(conn_->stream, request_,
                    [self = shared_from_this()](auto ec, std::size_t) { self->on_write(ec); });
}

void HttpExchange::on_write(boost::system::error_code ec) {
  if (ec) {
    if (retry_on_fresh_connection(ec)) return;
    return fail("send request", ec);
  }
  conn_->stream.expires_after(steady(transport_.options().io_timeout));
  http::async_read_header(
      conn_->stream, conn_->buffer, *parser_,
      [self = shared_from_this()](auto error, std::size_t) { self->on_header(error); });
}

void HttpExchange::on_header(boost::system::error_code ec) {
  if (ec) {
    if (retry_on_fresh_connection(ec)) return;
    return fail("read response header", ec);
  }
  protocol::Headers headers;
  for (const auto& field : parser_->get().base())
    headers.add(std::string(field.name_string()), std::string(field.value()));
  conn_->used = true;
  callbacks_.on_head(static_cast<int>(parser_->get().result_int()), headers);
  if (parser_->is_done()) return finish();
  read_body();
}

void HttpExchange::read_body() {
  auto& body = parser_->get().body();
  body.data = chunk_.data();
  body.size = chunk_.size();
  conn_->stream.expires_after(steady(transport_.options().io_timeout));
  http::async_read(conn_->stream, conn_->buffer, *parser_,
                   [self = shared_from_this()](auto ec, std::size_t) { self->on_body(ec); });
}

void HttpExchange::on_body(boost::system::error_code ec) {
  if (ec == http::error::need_buffer) ec = {};  // the chunk buffer is full: hand it over
  if (ec) return fail("read response body", ec);
  const std::size_t got = chunk_.size() - parser_->get().body().size;
  if (got > 0 && !callbacks_.on_body(std::string_view(chunk_.data(), got))) {
    conn_->close();  // the client settled this request; the rest of the body is unwanted
    return;
  }
  if (parser_->is_done()) return finish();
  read_body();
}

void HttpExchange::finish() {
  if (parser_->get().keep_alive()) {
    transport_.release(conn_);
  } else {
    conn_->close();
  }
  callbacks_.on_end();
}

bool HttpExchange::retry_on_fresh_connection(boost::system::error_code ec) {
  if (retried_ || !conn_->used || !idempotent(request_.method())) return false;
  // Only the stale keep-alive race (RFC 9112 9.3.1): the server closed the idle connection, so
  // the request met EOF or a reset before any byte of a response. A malformed response, a
  // timeout or bytes already received are the server's answer, not a stale connection.
  const bool closed = ec == http::error::end_of_stream || ec == asio::error::eof ||
                      ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
                      ec == asio::error::connection_aborted;
  if (!closed || conn_->buffer.size() != 0) return false;
  retried_ = true;
  conn_->close();
  begin(std::make_shared<Connection>(transport_.context(), host_ + ":" + port_));
  return true;
}

void HttpExchange::fail(const std::string& stage, boost::system::error_code ec) {
  conn_->close();
  const std::string why = ec == beast::error::timeout ? "timed out" : ec.message();
  callbacks_.on_error(std::string(request_.method_string()) + " " + url_ + ": " + stage + ": " +
                      why);
}

}  // namespace bh::client::net
