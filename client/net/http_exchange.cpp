#include "client/net/http_exchange.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>

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

std::string HttpExchange::origin_key() const {
  return std::string(tls_ ? "https://" : "http://") + host_ + ":" + port_;
}

HttpExchange::HttpExchange(HttpTransport& transport, std::string url, std::string host,
                           std::string port, bool tls, http::request<http::string_body> request,
                           ResponseCallbacks callbacks)
    : transport_(transport),
      url_(std::move(url)),
      host_(std::move(host)),
      port_(std::move(port)),
      tls_(tls),
      request_(std::move(request)),
      callbacks_(std::move(callbacks)),
      resolver_(transport.context()) {}

void HttpExchange::run() {
  begin(transport_.acquire(origin_key(), tls_));
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
  conn_->tcp().expires_after(steady(transport_.options().connect_timeout));
  conn_->tcp().async_connect(
      results, [self = shared_from_this()](auto error, const auto&) { self->on_connect(error); });
}

void HttpExchange::on_connect(boost::system::error_code ec) {
  if (ec) return fail("connect", ec);
  if (!conn_->is_tls()) return write();
  auto& tls = conn_->tls_stream();
  boost::system::error_code addr_ec;
  asio::ip::make_address(host_, addr_ec);
  // SNI carries names only (RFC 6066 §3); the certificate is checked against names and IPs.
  // SSL_set_tlsext_host_name, spelled out: the macro's C cast trips -Wold-style-cast.
  if (addr_ec &&
      SSL_ctrl(tls.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               static_cast<void*>(const_cast<char*>(host_.c_str()))) != 1)
    return fail("TLS setup", {static_cast<int>(ERR_get_error()), asio::error::get_ssl_category()});
  if (transport_.options().tls.verify)
    tls.set_verify_callback(asio::ssl::host_name_verification(host_));
  conn_->tcp().expires_after(steady(transport_.options().connect_timeout));
  tls.async_handshake(asio::ssl::stream_base::client,
                      [self = shared_from_this()](auto error) { self->on_handshake(error); });
}

void HttpExchange::on_handshake(boost::system::error_code ec) {
  if (ec) return fail("TLS handshake", ec);
  conn_->tls_version = SSL_get_version(conn_->tls_stream().native_handle());
  write();
}

void HttpExchange::write() {
  conn_->tcp().expires_after(steady(transport_.options().io_timeout));
  conn_->with_stream([&](auto& stream) {
    http::async_write(stream, request_,
                      [self = shared_from_this()](auto ec, std::size_t) { self->on_write(ec); });
  });
}

void HttpExchange::on_write(boost::system::error_code ec) {
  if (ec) {
    if (retry_on_fresh_connection(ec)) return;
    return fail("send request", ec);
  }
  conn_->tcp().expires_after(steady(transport_.options().io_timeout));
  conn_->with_stream([&](auto& stream) {
    http::async_read_header(
        stream, conn_->buffer, *parser_,
        [self = shared_from_this()](auto error, std::size_t) { self->on_header(error); });
  });
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
  if (conn_->is_tls() && callbacks_.on_tls) callbacks_.on_tls(conn_->tls_version);
  callbacks_.on_head(static_cast<int>(parser_->get().result_int()), headers);
  if (parser_->is_done()) return finish();
  read_body();
}

void HttpExchange::read_body() {
  // Beast reads as much as the buffer has room for, and the parser moves what arrives into
  // chunk_ at once, so a buffer sized by the head (~512 bytes) stayed that small: plain-HTTP
  // bodies came in ~500-byte recv calls (strace: 330k of them for 170 MB, where TLS reads
  // 16 KiB records). Room for a whole chunk lets each read take up to 64 KiB.
  if (conn_->buffer.capacity() < chunk_.size()) conn_->buffer.reserve(chunk_.size());
  auto& body = parser_->get().body();
  body.data = chunk_.data();
  body.size = chunk_.size();
  conn_->tcp().expires_after(steady(transport_.options().io_timeout));
  conn_->with_stream([&](auto& stream) {
    http::async_read(stream, conn_->buffer, *parser_,
                     [self = shared_from_this()](auto ec, std::size_t) { self->on_body(ec); });
  });
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
                      ec == asio::error::connection_aborted ||
                      ec == asio::ssl::error::stream_truncated;
  if (!closed || conn_->buffer.size() != 0) return false;
  retried_ = true;
  conn_->close();
  begin(transport_.fresh(origin_key(), tls_));
  return true;
}

void HttpExchange::fail(const std::string& stage, boost::system::error_code ec) {
  conn_->close();
  std::string why = ec == beast::error::timeout ? "timed out" : ec.message();
  if (stage == "TLS handshake" && why.find("certificate verify failed") != std::string::npos)
    why += " (for a private CA give --ca-file; --insecure skips verification)";
  callbacks_.on_error(std::string(request_.method_string()) + " " + url_ + ": " + stage + ": " +
                      why);
}

}  // namespace bh::client::net
