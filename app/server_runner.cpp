#include "app/server_runner.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace bh::app {

namespace {
// The hosts redirect faults send clients to are served too, on the same port.
mockserver::HttpServerOptions http_options(const ServerSettings& s) {
  mockserver::HttpServerOptions o;
  o.host = s.host;
  o.port = s.port;
  // A wildcard listener already serves every local address (and would clash with a second one).
  if (s.host == "0.0.0.0" || s.host == "::") return o;
  for (const auto& rule : s.scenario.rules) {
    if (rule.kind != "redirect") continue;
    const std::string host = rule.params.text("host");
    if (host != s.host &&
        std::find(o.extra_hosts.begin(), o.extra_hosts.end(), host) == o.extra_hosts.end())
      o.extra_hosts.push_back(host);
  }
  return o;
}
}  // namespace

ServerRunner::ServerRunner(ServerSettings settings)
    : settings_(std::move(settings)),
      clock_(settings_.time_scale),
      http_(io_, http_options(settings_)) {}

Result<std::string> ServerRunner::start() {
  auto port = http_.bind();
  if (!port) return port.error();
  // Clients are given a loopback name they can reach even when we listen on every address.
  std::string host = settings_.host == "0.0.0.0" ? "127.0.0.1" : settings_.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  const std::string base = "http://" + host + ":" + std::to_string(*port) + settings_.base_path;
  mockserver::MockServerConfig config;
  config.service.base_url = base;
  config.service.seed = settings_.seed;
  config.service.wire = TimeScale{clock_.origin(), settings_.time_scale};
  config.service.max_active_jobs_per_client = settings_.max_active_jobs;
  config.data.seed = settings_.seed;
  config.frozen = settings_.manual_clock;
  config.scenario = settings_.scenario;
  config.started_at = clock_.now();
  config.journal_capacity = settings_.journal_capacity;
  mock_ = std::make_unique<mockserver::MockServer>(std::move(config));
  http_.start([this](protocol::Request&& request) { return mock_->handle(request, clock_.now()); });
  return base;
}

void ServerRunner::run() {
  io_.run();
}

void ServerRunner::stop() {
  boost::asio::post(io_, [this] {
    http_.stop();
    io_.stop();
  });
}

}  // namespace bh::app
