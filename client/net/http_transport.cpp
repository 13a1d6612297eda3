#include "client/net/http_transport.hpp"

#include <boost/asio/post.hpp>

#include "client/net/connection.hpp"
#include "client/net/http_exchange.hpp"
#include "protocol/url.hpp"

namespace bh::client::net {

namespace http = boost::beast::http;

HttpTransport::HttpTransport(boost::asio::io_context& ioc, TransportOptions options)
    : ioc_(ioc), options_(options) {}

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
  if (url->scheme == "https")
    return fail_later(request.method + " " + url_text + ": https is not supported yet");
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
  auto exchange = std::make_shared<HttpExchange>(
      *this, url_text, url->host, std::to_string(url->port), std::move(req), std::move(callbacks));
  exchange->run();
}

std::shared_ptr<Connection> HttpTransport::acquire(const std::string& origin) {
  auto& idle = idle_[origin];
  while (!idle.empty()) {
    auto conn = std::move(idle.back());
    idle.pop_back();
    if (conn->is_open()) return conn;
  }
  return std::make_shared<Connection>(ioc_, origin);
}

void HttpTransport::release(std::shared_ptr<Connection> connection) {
  auto& idle = idle_[connection->origin];
  if (shut_down_ || idle.size() >= options_.max_idle_per_origin) {
    connection->close();
    return;
  }
  connection->stream.expires_never();  // idle: no timer, the next exchange sets its own
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
