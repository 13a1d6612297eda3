#include "client/net/response_reader.hpp"

#include <array>
#include <optional>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http.hpp>

namespace bh::client::net {

namespace beast = boost::beast;
namespace http = beast::http;

struct ResponseReader::Impl {
  std::string method, url;
  ResponseCallbacks cb;
  http::response_parser<http::buffer_body> parser;
  // The socket transport reads bodies in pieces this size. Left uninitialized on purpose: the
  // parser writes each piece before it is read, and zeroing 64 KiB per exchange was a visible
  // share of a simulated lifecycle (every faulted answer makes a reader).
  std::array<char, 64 * 1024> chunk;
  std::string pending;  // bytes received but not yet consumed by the parser
  bool any_bytes = false;
  bool finished = false;

  void fail(std::string_view why) {
    finished = true;
    const char* stage = parser.is_header_done() ? "read response body" : "read response header";
    cb.on_error(method + " " + url + ": " + stage + ": " + std::string(why));
  }
  void finish() {
    finished = true;
    cb.on_end();
  }
  void report_head() {
    protocol::Headers headers;
    for (const auto& field : parser.get().base())
      headers.add(std::string(field.name_string()), std::string(field.value()));
    cb.on_head(static_cast<int>(parser.get().result_int()), headers);
  }
  // One parser step; false when it needs more bytes or the exchange is over.
  bool step();
};

bool ResponseReader::Impl::step() {
  // With no bytes the parser cannot move, and Beast 1.81's header parser does pointer
  // arithmetic on a null buffer when handed an empty one (UBSan: pointer-overflow).
  if (pending.empty()) return false;
  beast::error_code ec;
  if (!parser.is_header_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(pending), ec);
    pending.erase(0, n);
    if (ec == http::error::need_more) return false;
    if (ec) return fail(ec.message()), false;
    if (!parser.is_header_done()) return n > 0;
    report_head();
    if (parser.is_done()) return finish(), false;
    return true;
  }
  auto& body = parser.get().body();
  body.data = chunk.data();
  body.size = chunk.size();
  const std::size_t n = parser.put(boost::asio::buffer(pending), ec);
  pending.erase(0, n);
  if (ec == http::error::need_buffer) ec = {};  // the piece is full: hand it over
  const std::size_t got = chunk.size() - parser.get().body().size;
  if (got > 0 && !cb.on_body(std::string_view(chunk.data(), got))) return finished = true, false;
  if (ec == http::error::need_more) return false;
  if (ec) return fail(ec.message()), false;
  if (parser.is_done()) return finish(), false;
  return n > 0 || got > 0;
}

ResponseReader::ResponseReader(std::string method, std::string url, ResponseCallbacks callbacks,
                               std::uint32_t header_limit)
    // Default- not value-initialized (make_unique would zero the 64 KiB chunk first).
    : impl_(new Impl) {
  impl_->method = std::move(method);
  impl_->url = std::move(url);
  impl_->cb = std::move(callbacks);
  impl_->parser.header_limit(header_limit);
  impl_->parser.body_limit(boost::none);  // limits are the client's, as in HttpExchange
}

ResponseReader::~ResponseReader() = default;

void ResponseReader::feed(std::string_view bytes) {
  if (impl_->finished) return;
  impl_->any_bytes = impl_->any_bytes || !bytes.empty();
  impl_->pending.append(bytes);
  // Bounded: each step consumes bytes or hands over a piece, or the loop stops.
  while (!impl_->finished && impl_->step()) {
  }
}

void ResponseReader::end_of_stream() {
  if (impl_->finished) return;
  if (!impl_->any_bytes)
    return impl_->fail(beast::error_code(http::error::end_of_stream).message());
  beast::error_code ec;
  impl_->parser.put_eof(ec);
  if (ec) return impl_->fail(ec.message());
  // A body delimited by the close (no length, not chunked) is complete now.
  impl_->finish();
}

void ResponseReader::reset() {
  if (impl_->finished) return;
  impl_->fail(beast::error_code(boost::asio::error::connection_reset).message());
}

void ResponseReader::timeout() {
  if (impl_->finished) return;
  impl_->fail("timed out");
}

bool ResponseReader::finished() const {
  return impl_->finished;
}

}  // namespace bh::client::net
