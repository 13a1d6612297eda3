#include "mockserver/net/http_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>

#include "mockserver/net/session.hpp"

namespace bh::mockserver {

namespace net = boost::asio;
using tcp = net::ip::tcp;

HttpServer::HttpServer(net::io_context& io, HttpServerOptions options)
    : io_(io), options_(std::move(options)), acceptor_(io) {}

HttpServer::~HttpServer() {
  stop();
}

namespace {
Result<std::unique_ptr<net::ssl::context>> make_tls_context(const TlsIdentityPem& id) {
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  // AUTH-01: TLS 1.2 or later, whatever the system's OpenSSL defaults are.
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                   net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain(net::buffer(id.cert_pem), ec);
  if (ec) return make_error("--tls-cert", "not a usable PEM certificate: " + ec.message());
  ctx->use_private_key(net::buffer(id.key_pem), net::ssl::context::pem, ec);
  if (ec) return make_error("--tls-key", "not a usable PEM private key: " + ec.message());
  return ctx;
}
}  // namespace

Result<std::uint16_t> HttpServer::bind() {
  if (options_.tls) {
    auto ctx = make_tls_context(*options_.tls);
    if (!ctx) return ctx.error();
    tls_ = std::move(*ctx);
  }
  auto port = listen(acceptor_, options_.host, options_.port);
  if (!port) return port;
  for (const auto& host : options_.extra_hosts) {
    auto acceptor = std::make_unique<tcp::acceptor>(io_);
    auto extra = listen(*acceptor, host, *port);
    if (!extra) return extra.error();
    extra_.push_back(std::move(acceptor));
  }
  return port;
}

Result<std::uint16_t> HttpServer::listen(tcp::acceptor& acceptor, const std::string& host,
                                         std::uint16_t port) {
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec)
    return make_error("--host", "not an IP address", "an address such as 127.0.0.1",
                      "\"" + host + "\"");
  tcp::endpoint endpoint(address, port);
  auto fail = [&](const char* step) {
    return make_error("listen on " + host + ":" + std::to_string(port),
                      std::string(step) + " failed: " + ec.message());
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  return acceptor.local_endpoint().port();
}

void HttpServer::start(Handler handler) {
  handler_ = std::make_shared<Handler>(std::move(handler));
  shared_options_ = std::make_shared<const HttpServerOptions>(options_);
  accept(acceptor_);
  for (auto& a : extra_)
    accept(*a);
}

void HttpServer::accept(tcp::acceptor& acceptor) {
  // One io_context thread serves everything, so no strand is needed.
  acceptor.async_accept([this, &acceptor](boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    // Out of descriptors (EMFILE) fails at once, every time: re-accepting at once would spin.
    if (ec) return accept_later(acceptor);
    admit(std::move(socket));
    accept(acceptor);
  });
}

void HttpServer::accept_later(tcp::acceptor& acceptor) {
  auto timer = std::make_shared<net::steady_timer>(io_, std::chrono::milliseconds(50));
  timer->async_wait([this, &acceptor, timer](boost::system::error_code ec) {
    if (!ec && acceptor.is_open()) accept(acceptor);
  });
}

void HttpServer::admit(tcp::socket socket) {
  // Past the limit a few more connections are told why (503); beyond those, closed at once, so
  // a flood costs nothing but the accept.
  constexpr std::size_t kRefusals = 64;
  const std::size_t live = *live_;
  if (live >= options_.max_connections + kRefusals) {
    boost::system::error_code ec;
    socket.close(ec);
    return;
  }
  const bool refuse = live >= options_.max_connections;
  ConnectionSlot slot(live_);
  if (tls_)
    std::make_shared<TlsSession>(TlsStream(std::move(socket), *tls_), shared_options_, handler_,
                                 std::move(slot), refuse)
        ->run();
  else
    std::make_shared<PlainSession>(PlainStream(std::move(socket)), shared_options_, handler_,
                                   std::move(slot), refuse)
        ->run();
}

void HttpServer::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (auto& a : extra_)
    a->close(ec);
}

}  // namespace bh::mockserver
