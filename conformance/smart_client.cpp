#include "conformance/smart_client.hpp"

#include <nlohmann/json.hpp>

#include "client/request_factory.hpp"

namespace bh::conformance {

namespace {
Outgoing outgoing_of(const client::BuiltRequest& b) {
  Outgoing o;
  o.method = b.req.method;
  o.url = b.url;
  o.headers = b.req.headers;
  o.body = b.req.body;
  return o;
}
}  // namespace

SmartClient::SmartClient(Probe& probe, client::SmartAuthOptions options, std::uint64_t seed)
    : probe_(probe),
      options_(options),
      seed_(seed),
      keeper_(std::move(options), probe.options().base_url, seed) {}

const Exchange& SmartClient::discovery() {
  if (discovery_) return *discovery_;
  Outgoing o;
  o.url = probe_.options().base_url + "/.well-known/smart-configuration";
  o.headers.add("Accept", "application/json");
  discovery_ = probe_.fetch_as_is(o);
  return *discovery_;
}

const std::string& SmartClient::token_url() {
  if (!token_url_.empty()) return token_url_;
  if (!options_.token_url.empty()) return token_url_ = options_.token_url;
  const Exchange& d = discovery();
  auto doc = nlohmann::json::parse(d.body, nullptr, false);
  if (d.response.status == 200 && doc.is_object() && doc.contains("token_endpoint") &&
      doc["token_endpoint"].is_string())
    token_url_ = doc["token_endpoint"].get<std::string>();
  return token_url_;
}

std::string SmartClient::assertion() {
  // Its own keeper, so the jti stream of these assertions never collides with bearer()'s.
  client::SmartAuthOptions o = options_;
  o.token_url = token_url();
  client::TokenKeeper k(o, probe_.options().base_url, seed_ + (++assertions_) * 7919);
  auto jwt = k.assertion(probe_.http().now());
  if (!jwt) {
    problem_ = jwt.error().message();
    return {};
  }
  return *jwt;
}

protocol::QueryParams SmartClient::token_form(const std::string& jwt) const {
  return {{"grant_type", "client_credentials"},
          {"scope", options_.scope},
          {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
          {"client_assertion", jwt}};
}

Exchange SmartClient::post_token(const protocol::QueryParams& form) {
  Outgoing o;
  o.method = "POST";
  o.url = token_url();
  o.headers.add("Accept", "application/json");
  o.headers.add("Content-Type", "application/x-www-form-urlencoded");
  o.body = protocol::build_query(form);
  return probe_.fetch_as_is(o);
}

std::optional<std::string> SmartClient::bearer() {
  if (busy_) return std::nullopt;
  busy_ = true;
  const Instant now = probe_.http().now();
  if (keeper_.need(now) == client::TokenKeeper::Need::kDiscovery) {
    if (token_url().empty()) {
      problem_ = "no token endpoint: give --token-url, or the server's " +
                 std::string(".well-known/smart-configuration must name one");
      keeper_.fail();
    } else if (auto st = keeper_.on_discovery(
                   200, nlohmann::json{{"token_endpoint", token_url()}}.dump());
               !st) {
      problem_ = st.error().message();
      keeper_.fail();
    }
  }
  if (keeper_.need(now) == client::TokenKeeper::Need::kToken) {
    auto built = keeper_.token_request(now);
    if (!built) {
      problem_ = built.error().message();
      keeper_.fail();
    } else {
      Exchange e = probe_.fetch_as_is(outgoing_of(*built));
      last_attempt_ = e;
      auto st = keeper_.on_token(e.response.status, e.body, now);
      if (!st) {
        problem_ = e.ok() ? st.error().message() : *e.response.error;
        keeper_.fail();  // the run goes on without a token; the checks say what that costs
      } else if (!first_token_) {
        first_token_ = e;
      }
    }
  }
  busy_ = false;
  return keeper_.token();
}

}  // namespace bh::conformance
