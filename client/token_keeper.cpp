#include "client/token_keeper.hpp"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "protocol/url.hpp"

namespace bh::client {

namespace {
constexpr const char* kAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

protocol::Request request(const char* method, const protocol::Url& url) {
  protocol::Request req;
  req.method = method;
  req.target = url.target;
  req.headers.add("Accept", "application/json");
  req.headers.add("User-Agent", kUserAgent);
  return req;
}

std::string excerpt(const std::string& body) {
  return body.size() <= 200 ? body : body.substr(0, 200) + "...";
}
}  // namespace

TokenKeeper::TokenKeeper(SmartAuthOptions options, std::string base_url, std::uint64_t seed)
    : opts_(std::move(options)),
      base_url_(std::move(base_url)),
      token_url_(opts_.token_url),
      rng_(Rng::stream(seed, "client/jti")) {}

TokenKeeper::Need TokenKeeper::need(Instant now) const {
  if (failed_) return Need::kNothing;
  if (token_url_.empty()) return Need::kDiscovery;
  if (!token_ || now >= renew_at_) return Need::kToken;
  return Need::kNothing;
}

Result<BuiltRequest> TokenKeeper::discovery_request() const {
  std::string base = base_url_;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  auto url = protocol::parse_url(base + "/.well-known/smart-configuration");
  if (!url) return url.error().within("SMART discovery URL");
  return BuiltRequest{request("GET", *url), url->str()};
}

Status TokenKeeper::on_discovery(int status, const std::string& body) {
  const std::string where = "SMART discovery (.well-known/smart-configuration)";
  if (status != 200)
    return make_error(where, "answered " + std::to_string(status), "200 with token_endpoint",
                      excerpt(body));
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object() || !doc.contains("token_endpoint") || !doc["token_endpoint"].is_string())
    return make_error(where, "no token_endpoint string", "a JSON object with token_endpoint",
                      excerpt(body));
  const std::string url = doc["token_endpoint"];
  if (!protocol::parse_url(url))
    return make_error(where, "token_endpoint is not an absolute URL", "", url);
  token_url_ = url;
  return Ok{};
}

Result<std::string> TokenKeeper::assertion(Instant now) {
  // 128 bits from the seeded stream, then the instant in microseconds: two clients with the same
  // seed (the default is 0) never send the same jti unless they sign at the same microsecond.
  char jti[64];
  std::snprintf(jti, sizeof jti, "%016llx%016llx.%lld",
                static_cast<unsigned long long>(rng_.next()),
                static_cast<unsigned long long>(rng_.next()), static_cast<long long>(to_us(now)));
  const auto exp = std::chrono::floor<std::chrono::seconds>(now + opts_.assertion_lifetime);
  nlohmann::json claims = {{"iss", opts_.client_id},
                           {"sub", opts_.client_id},
                           {"aud", token_url_},
                           {"exp", exp.time_since_epoch().count()},
                           {"jti", jti}};
  auto jwt = opts_.key->sign(claims);
  if (!jwt) return jwt.error().within("client assertion");
  return jwt;
}

Result<BuiltRequest> TokenKeeper::token_request(Instant now) {
  auto url = protocol::parse_url(token_url_);
  if (!url) return url.error().within("token endpoint");
  auto jwt = assertion(now);
  if (!jwt) return jwt.error();
  protocol::Request req = request("POST", *url);
  req.headers.add("Content-Type", "application/x-www-form-urlencoded");
  req.body = protocol::build_query({{"grant_type", "client_credentials"},
                                    {"scope", opts_.scope},
                                    {"client_assertion_type", kAssertionType},
                                    {"client_assertion", *jwt}});
  return BuiltRequest{std::move(req), url->str()};
}

Status TokenKeeper::on_token(int status, const std::string& body, Instant now) {
  const std::string where = "token endpoint " + token_url_;
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (status < 200 || status > 299) {
    std::string code = doc.is_object() ? doc.value("error", "") : "";
    std::string text = doc.is_object() ? doc.value("error_description", "") : "";
    return make_error(where, "answered " + std::to_string(status) +
                                 (code.empty() ? "" : " " + code) +
                                 (text.empty() ? "" : ": " + text));
  }
  if (!doc.is_object() || !doc.contains("access_token") || !doc["access_token"].is_string() ||
      doc["access_token"].get<std::string>().empty())
    return make_error(where, "no access_token in the answer", "AUTH-04 token JSON", excerpt(body));
  Duration life = seconds(300);  // AUTH-04: expires_in SHOULD be there; assume the usual 5 min
  if (doc.contains("expires_in") && doc["expires_in"].is_number() &&
      doc["expires_in"].get<double>() > 0)
    life = std::chrono::duration_cast<Duration>(
        std::chrono::duration<double>(doc["expires_in"].get<double>()));
  token_ = doc["access_token"].get<std::string>();
  ++serial_;
  expires_ = now + life;
  renew_at_ = expires_ - std::min<Duration>(seconds(30), life / 5);
  return Ok{};
}

bool TokenKeeper::rejected(std::uint64_t serial) {
  if (serial == 0 || failed_) return false;
  // A newer token exists already, or this one's renewal is under way: send again with the next.
  if (serial < serial_ || serial == rejected_serial_) return true;
  if (retried_since_success_) return false;
  retried_since_success_ = true;
  rejected_serial_ = serial;
  token_.reset();  // get a new one before the next request
  return true;
}

void TokenKeeper::accepted(std::uint64_t serial) {
  if (serial == serial_) retried_since_success_ = false;
}

}  // namespace bh::client
