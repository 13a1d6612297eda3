#include "mockserver/net/http_server.hpp"

#include <boost/asio/ip/address.hpp>

#include "mockserver/net/session.hpp"

namespace bh::mockserver {

namespace net = boost::asio;
using tcp = net::ip::tcp;

HttpServer::HttpServer(net::io_context& io, HttpServerOptions options)
    : io_(io), options_(std::move(options)), acceptor_(io) {}

HttpServer::~HttpServer() {
  stop();
}

Result<std::uint16_t> HttpServer::bind() {
  boost::system::error_code ec;
  auto address = net::ip::make_address(options_.host, ec);
  if (ec)
    return make_error("--host", "not an IP address", "an address such as 127.0.0.1",
                      "\"" + options_.host + "\"");
  tcp::endpoint endpoint(address, options_.port);
  auto fail = [&](const char* step) {
    return make_error("listen on " + options_.host + ":" + std::to_string(options_.port),
                      std::string(step) + " failed: " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  return acceptor_.local_endpoint().port();
}

void HttpServer::start(Handler handler) {
  handler_ = std::make_shared<Handler>(std::move(handler));
  accept();
}

void HttpServer::accept() {
  // One io_context thread serves everything, so no strand is needed.
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) std::make_shared<Session>(std::move(socket), options_, handler_)->run();
    accept();
  });
}

void HttpServer::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

}  // namespace bh::mockserver
