#include "client/net/http_transport.hpp"

#include <boost/asio/post.hpp>

#include "client/net/connection.hpp"
#include "client/net/http_exchange.hpp"
#include "protocol/url.hpp"

namespace bh::client::net {

namespace http = boost::beast::http;

namespace {
namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_tls_context(const TlsClientOptions& o, std::string& error) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!o.verify) {
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  boost::system::error_code ec;
  ctx->set_verify_mode(ssl::verify_peer, ec);
  ctx->set_default_verify_paths(ec);
  if (ec) error = "the system's CA certificates could not be loaded: " + ec.message();
  if (!o.ca_file.empty()) {
    ec = {};
    ctx->load_verify_file(o.ca_file, ec);
    if (ec) error = "--ca-file " + o.ca_file + ": not a readable PEM file of certificates";
  }
  return ctx;
}
}  // namespace

HttpTransport::HttpTransport(boost::asio::io_context& ioc, TransportOptions options)
    : ioc_(ioc), options_(options), tls_(make_tls_context(options_.tls, tls_error_)) {}

HttpTransport::~HttpTransport() {
  shutdown();
}

void HttpTransport::start(const std::string& url_text, protocol::Request request,
                          ResponseCallbacks callbacks) {
  auto fail_later = [&](std::string message) {
    boost::asio::post(
        ioc_, [cb = std::move(callbacks.on_error), message = std::move(message)] { cb(message); });
  };
  auto url = protocol::parse_url(url_text);
  if (!url) return fail_later(url.error().message());
  const bool tls = url->scheme == "https";
  if (tls && !tls_error_.empty())
    return fail_later(request.method + " " + url_text + ": " + tls_error_);
  http::request<http::string_body> req;
  const auto verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    req.method_string(request.method);
  } else {
    req.method(verb);
  }
  req.target(request.target);
  req.version(11);
  for (const auto& h : request.headers)
    req.insert(h.name, h.value);
  req.set(http::field::host, url->authority());
  if (!request.body.empty() || verb == http::verb::post || verb == http::verb::put) {
    req.body() = std::move(request.body);
    req.prepare_payload();
  }
  auto exchange =
      std::make_shared<HttpExchange>(*this, url_text, url->host, std::to_string(url->port), tls,
                                     std::move(req), std::move(callbacks));
  exchange->run();
}

std::shared_ptr<Connection> HttpTransport::acquire(const std::string& origin, bool tls) {
  auto& idle = idle_[origin];
  while (!idle.empty()) {
    auto conn = std::move(idle.back());
    idle.pop_back();
    if (conn->is_open()) return conn;
  }
  return fresh(origin, tls);
}

std::shared_ptr<Connection> HttpTransport::fresh(const std::string& origin, bool tls) {
  if (tls) return std::make_shared<Connection>(ioc_, *tls_, origin);
  return std::make_shared<Connection>(ioc_, origin);
}

void HttpTransport::release(std::shared_ptr<Connection> connection) {
  auto& idle = idle_[connection->origin];
  if (shut_down_ || idle.size() >= options_.max_idle_per_origin) {
    connection->close();
    return;
  }
  connection->tcp().expires_never();  // idle: no timer, the next exchange sets its own
  idle.push_back(std::move(connection));
}

void HttpTransport::shutdown() {
  shut_down_ = true;
  for (auto& [origin, conns] : idle_)
    for (auto& c : conns)
      c->close();
  idle_.clear();
}

}  // namespace bh::client::net
