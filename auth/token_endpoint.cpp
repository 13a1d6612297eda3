// TokenService: the token endpoint and the bearer checks (see token_service.hpp).
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "auth/alg.hpp"
#include "auth/jwt.hpp"
#include "auth/token_service.hpp"
#include "core/rng.hpp"
#include "core/strings.hpp"
#include "protocol/responses.hpp"
#include "protocol/url.hpp"

namespace bh::auth {

namespace {

constexpr const char* kAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr Duration kClockSkew = seconds(5);  // client and server clocks differ a little

protocol::Response json_answer(int status, const nlohmann::ordered_json& body) {
  protocol::Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.headers.set("Cache-Control", "no-store");
  r.headers.set("Pragma", "no-cache");
  r.body = body.dump();
  return r;
}

protocol::Response oauth_error(TokenDecision& out, std::string code, std::string description) {
  out.error = code;
  out.detail = description;
  return oauth_error_response(code, description);
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t j = std::min(s.find(' ', i), s.size());
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool scope_allows(const std::string& allowed, const std::string& wanted) {
  if (allowed == wanted) return true;
  const auto a = allowed.rfind('.');
  const auto w = wanted.rfind('.');
  if (a == std::string::npos || w == std::string::npos || !wanted.starts_with("system/"))
    return false;
  // system/*.read allows system/Patient.read; system/*.rs allows system/Patient.rs.
  return allowed.substr(0, a) == "system/*" && allowed.substr(a) == wanted.substr(w);
}

std::string text_claim(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string secs(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

bool audience_matches(const nlohmann::json& aud, const std::string& token_url) {
  if (aud.is_string()) return aud.get<std::string>() == token_url;
  if (!aud.is_array()) return false;
  return std::any_of(aud.begin(), aud.end(),
                     [&](const auto& a) { return a.is_string() && a == token_url; });
}

// A refusal: `status` with an OperationOutcome and the RFC 6750 §3.1 challenge (no error code
// when the request carried no credentials at all).
protocol::Response refusal(int status, const std::string& error, const std::string& message,
                           const char* issue_code) {
  auto r = protocol::outcome_response(status, "error", issue_code, message);
  std::string challenge = "Bearer realm=\"bulkharness\"";
  if (!error.empty())
    challenge += ", error=\"" + error + "\", error_description=\"" + message + "\"";
  r.headers.set("WWW-Authenticate", challenge);
  return r;
}

protocol::Response unauthorized(BearerCheck& out, const std::string& error,
                                const std::string& description) {
  out.error = error.empty() ? "missing token" : description;
  return refusal(401, error, out.error, "login");
}

}  // namespace

protocol::Response oauth_error_response(const std::string& code, const std::string& description) {
  // invalid_client is 401: the client failed to authenticate.
  return json_answer(code == "invalid_client" ? 401 : 400,
                     {{"error", code}, {"error_description", description}});
}

protocol::Response TokenService::token(const protocol::Request& request, Instant now,
                                       TokenDecision& out) {
  forget_expired(now);
  if (request.method != "POST")
    return oauth_error(out, "invalid_request",
                       "the token endpoint takes POST, not " + request.method);
  auto ct = request.headers.get("Content-Type");
  if (!ct || !protocol::trim(*ct).starts_with("application/x-www-form-urlencoded"))
    return oauth_error(out, "invalid_request",
                       "Content-Type must be application/x-www-form-urlencoded");
  auto form = protocol::split_target("/?" + request.body);
  if (!form) return oauth_error(out, "invalid_request", "the form body does not decode");
  auto field = [&](const char* name) {
    for (const auto& [k, v] : form->query)
      if (k == name) return v;
    return std::string();
  };
  if (field("grant_type") != "client_credentials")
    return oauth_error(
        out, "unsupported_grant_type",
        "grant_type must be client_credentials, got \"" + field("grant_type") + "\"");
  if (field("client_assertion_type") != kAssertionType)
    return oauth_error(out, "invalid_client",
                       std::string("client_assertion_type must be ") + kAssertionType);
  auto client = verify_assertion(field("client_assertion"), now, out);
  if (!client) return oauth_error(out, "invalid_client", client.error().message());
  ClientRegistration* reg = find_client(*client);
  std::vector<std::string> allowed = reg->allowed_scopes;
  if (allowed.empty()) allowed = {"system/*.read", "system/*.rs"};
  std::vector<std::string> granted;
  for (const auto& want : words(field("scope")))
    if (std::any_of(allowed.begin(), allowed.end(),
                    [&](const auto& a) { return scope_allows(a, want); }))
      granted.push_back(want);
  if (granted.empty())
    return oauth_error(out, "invalid_scope",
                       "none of the requested scopes \"" + field("scope") +
                           "\" may be granted; allowed: " + join(allowed, " "));
  ++issued_;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(mix64(config_.seed, issued_)));
  const std::string token = "bh" + std::to_string(issued_) + "." + hex;
  tokens_[token] = {*client, now + config_.token_lifetime, granted, false};
  out.scope = join(granted, " ");
  const auto wire_life =
      std::chrono::ceil<std::chrono::seconds>(config_.wire.to_wire(config_.token_lifetime));
  return json_answer(200, {{"access_token", token},
                           {"token_type", "bearer"},
                           {"expires_in", std::max<std::int64_t>(1, wire_life.count())},
                           {"scope", out.scope}});
}

Result<std::string> TokenService::verify_assertion(const std::string& assertion, Instant now,
                                                   TokenDecision& out) {
  const std::string where = "client_assertion";
  if (assertion.empty()) return make_error(where, "missing");
  auto jwt = decode_jwt(assertion);
  if (!jwt) return jwt.error().within(where);
  out.alg = text_claim(jwt->header, "alg");
  out.kid = text_claim(jwt->header, "kid");
  out.client_id = text_claim(jwt->claims, "iss");
  out.jti = text_claim(jwt->claims, "jti");
  if (text_claim(jwt->header, "typ") != "JWT")
    return make_error(where, "header typ must be \"JWT\"");
  if (!parse_alg(out.alg)) return make_error(where, "alg must be RS384 or ES384", "", out.alg);
  if (out.kid.empty()) return make_error(where, "header has no kid");
  ClientRegistration* client = find_client(out.client_id);
  if (!client) return make_error(where, "iss is not a registered client", "", out.client_id);
  if (text_claim(jwt->claims, "sub") != out.client_id)
    return make_error(where, "sub must equal iss (the client id)");
  auto aud = jwt->claims.find("aud");
  if (aud == jwt->claims.end() || !audience_matches(*aud, config_.token_url))
    return make_error(where, "aud must be the token URL", config_.token_url);
  auto exp = jwt->claims.find("exp");
  if (exp == jwt->claims.end() || !exp->is_number())
    return make_error(where, "exp is missing or not a number");
  const Instant wire_now = config_.wire.to_wire(now);
  const Instant expires = Instant{seconds(exp->get<std::int64_t>())};
  if (expires + kClockSkew <= wire_now)
    return make_error(where, "expired " + secs(wire_now - expires) + " ago");
  if (expires > wire_now + config_.max_assertion_lifetime + kClockSkew)
    return make_error(
        where, "exp is " + secs(expires - wire_now) + " ahead; at most 5 minutes is allowed");
  if (out.jti.empty()) return make_error(where, "jti is missing");
  if (jtis_.contains({out.client_id, out.jti}))
    return make_error(where, "jti was already used", "a new jti per assertion", out.jti);
  const std::string jku = text_claim(jwt->header, "jku");
  if (!jku.empty() && jku != client->jwks_url)
    return make_error(where, "jku is not the JWKS URL registered for this client", "", jku);
  auto keys = keys_for(*client, false);
  if (!keys) return keys.error();
  auto verified = verify_jwt(assertion, **keys);
  if (!verified && !client->jwks_url.empty()) {  // keys may have rotated: fetch once more
    keys = keys_for(*client, true);
    if (!keys) return keys.error();
    verified = verify_jwt(assertion, **keys);
  }
  if (!verified) return verified.error().within(where);
  jtis_[{out.client_id, out.jti}] = expires + kClockSkew;
  return out.client_id;
}

std::optional<protocol::Response> TokenService::check_bearer(const protocol::Request& request,
                                                             Instant now,
                                                             const std::vector<std::string>& types,
                                                             BearerCheck& out) {
  auto token = bearer_of(request);
  out.presented = token.has_value();
  if (waive_next_) {  // a fault's server defect: no check at all
    waive_next_ = false;
    out.error = {};
    return std::nullopt;
  }
  if (!token) return unauthorized(out, "", "");
  auto it = tokens_.find(*token);
  if (it == tokens_.end())
    return unauthorized(out, "invalid_token", "the access token is not one this server issued");
  out.client_id = it->second.client_id;
  // Told apart for the judge: a client that sends a token past its expiry did not renew in time;
  // one that sends a revoked token (a fault's doing) could not have known.
  if (it->second.revoked) return unauthorized(out, "invalid_token", "the access token was revoked");
  if (now >= it->second.expires)
    return unauthorized(out, "invalid_token", "the access token expired");
  for (const auto& type : types) {
    if (scopes_cover(it->second.scopes, type)) continue;
    out.error = "the token's scopes (" + join(it->second.scopes, " ") + ") do not cover " + type;
    return refusal(403, "insufficient_scope", out.error, "forbidden");
  }
  return std::nullopt;
}

}  // namespace bh::auth
