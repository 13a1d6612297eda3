#include "app/server_runner.hpp"

#include <algorithm>

#include <fstream>

#include <boost/asio/post.hpp>

#include "app/safe_defaults.hpp"
#include "auth/tls_identity.hpp"
#include "conformance/net/blocking_http.hpp"
#include "core/atomic_file.hpp"

namespace bh::app {

namespace {
// The hosts redirect faults send clients to are served too, on the same port.
mockserver::HttpServerOptions http_options(const ServerSettings& s) {
  mockserver::HttpServerOptions o;
  o.host = s.host;
  o.port = s.port;
  o.max_connections = s.max_connections;
  o.request_timeout = s.request_timeout;
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

Result<mockserver::TlsIdentityPem> tls_identity(const ServerSettings& s,
                                                const mockserver::HttpServerOptions& o) {
  if (s.tls_identity) return *s.tls_identity;
  std::vector<std::string> hosts = {s.host == "0.0.0.0" || s.host == "::" ? "127.0.0.1" : s.host,
                                    "localhost"};
  hosts.insert(hosts.end(), o.extra_hosts.begin(), o.extra_hosts.end());
  auto id = auth::make_self_signed(hosts, std::chrono::hours(24 * 30));
  if (!id) return id.error().within("--tls");
  return mockserver::TlsIdentityPem{id->cert_pem, id->key_pem};
}

Status write_text(const std::string& path, const std::string& text) {
  if (auto st = write_file_atomically(path, text); !st) return st.error().within("--tls-cert-out");
  return Ok{};
}

// Registration by URL (AUTH-09): fetched on the serving thread, so it must be quick and must
// not point back at this server (which could not answer while it waits).
auth::JwksFetcher jwks_fetcher(std::string own_origin, client::net::TlsClientOptions tls) {
  return [own_origin = std::move(own_origin), tls](const std::string& url) -> Result<std::string> {
    if (url.starts_with(own_origin + "/"))
      return make_error("jwks_url " + url, "points at this server, which cannot fetch from itself",
                        "a JWKS served elsewhere, or registration by value");
    conformance::net::BlockingHttp http(seconds(5), tls);
    std::string body;
    conformance::Outgoing req;
    req.url = url;
    req.headers.set("Accept", "application/json");
    auto in = http.send(req, seconds(5), {nullptr, [&](std::string_view c) {
                                            body.append(c);
                                            return body.size() <= (1u << 20);
                                          }});
    if (in.error) return make_error("jwks_url " + url, *in.error);
    if (in.status != 200)
      return make_error("jwks_url " + url, "answered " + std::to_string(in.status), "200");
    return body;
  };
}
}  // namespace

ServerRunner::ServerRunner(ServerSettings settings)
    : settings_([&] {
        warnings_ = apply_safe_defaults(settings, make_admin_token);
        return std::move(settings);
      }()),
      clock_(settings_.time_scale),
      http_(io_, http_options(settings_)) {}

Result<std::string> ServerRunner::start() {
  if (settings_.tls) {
    auto id = tls_identity(settings_, http_options(settings_));
    if (!id) return id.error();
    if (!settings_.tls_cert_out.empty())
      if (auto st = write_text(settings_.tls_cert_out, id->cert_pem); !st) return st.error();
    http_.set_tls(std::move(*id));
  }
  auto port = http_.bind();
  if (!port) return port.error();
  // Clients are given a loopback name they can reach even when we listen on every address.
  std::string host = settings_.host == "0.0.0.0" ? "127.0.0.1" : settings_.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  const std::string origin =
      std::string(settings_.tls ? "https://" : "http://") + host + ":" + std::to_string(*port);
  const std::string base = origin + settings_.base_path;
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
  config.fuzz_seed = settings_.fuzz_seed;
  config.admin_token = settings_.admin_token;
  config.file_cache = settings_.file_cache;
  if (settings_.smart_auth || settings_.scenario.auth) {
    config.auth = auth::TokenServiceConfig{};
    config.auth->token_url = token_url_ = origin + "/auth/token";
    config.auth->clients = settings_.clients;
    config.jwks_fetcher = jwks_fetcher(origin, {});
  }
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
