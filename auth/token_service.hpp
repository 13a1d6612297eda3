// auth/token_service: the SMART Backend Services authorization server of the mock, pure.
//
// Contract: no sockets and no clock of its own; every answer is a function of the request, the
// instant and what came before (tokens are numbered from the seed, so a run's journal is the
// same byte for byte). It serves
//   * the discovery document (AUTH-07): token_endpoint, private_key_jwt, RS384 and ES384,
//     client_credentials, the scopes it grants;
//   * the token endpoint (AUTH-03, AUTH-04): a form POST with grant_type=client_credentials,
//     client_assertion_type jwt-bearer and a client_assertion whose header names RS384 or ES384,
//     a kid and typ JWT, and whose claims have iss = sub = a registered client id, aud = the
//     token URL, exp in the future and at most 5 minutes ahead, and a jti not seen before while
//     it could still be valid; the signature must verify against the client's JWKS (registered
//     by value, or by URL and fetched through the injected JwksFetcher, again when a kid is not
//     found). Answers: 200 {access_token, token_type "bearer", expires_in, scope} with
//     Cache-Control no-store, or RFC 6749 §5.2 errors (400; invalid_client is 401);
//   * bearer checks (AUTH-05, AUTH-06): a missing, unknown, expired or revoked token gets 401
//     with WWW-Authenticate (RFC 6750 §3.1); a token whose scopes do not cover a requested type
//     gets 403 insufficient_scope.
// Policies (docs/auth.md): a jku header must equal the registered JWKS URL; requested scopes
// are cut to what the client may have (none left: invalid_scope); scopes are SMART v1 (.read,
// .*) or v2 (.rs, .r, .s) system scopes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/jwks.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/time_scale.hpp"
#include "protocol/http.hpp"

namespace bh::auth {

struct ClientRegistration {
  std::string client_id;
  std::optional<Jwks> jwks;  // by value
  std::string jwks_url;      // or by URL
  // Scopes this client may be granted; empty: system/*.read and system/*.rs.
  std::vector<std::string> allowed_scopes;
};

struct TokenServiceConfig {
  std::string token_url;  // absolute: the aud every assertion must name
  // Scenario time; expires_in says it in the client's time (`wire`), like Retry-After.
  Duration token_lifetime = seconds(300);
  Duration max_assertion_lifetime = seconds(300);
  std::uint64_t seed = 1;
  TimeScale wire;  // assertion exp claims are in the client's (wire) time
  std::vector<ClientRegistration> clients;
};

// Fetches a JWKS document (AUTH-09 registration by URL).
using JwksFetcher = std::function<Result<std::string>(const std::string& url)>;

// What the token endpoint decided, for the journal and the judge.
struct TokenDecision {
  std::string client_id;  // from the assertion's iss, when readable
  std::string alg;
  std::string kid;
  std::string jti;
  std::string error;  // empty: a token was issued
  std::string detail;
  std::string scope;  // granted
};

// What a bearer check saw.
struct BearerCheck {
  bool presented = false;
  std::string client_id;  // whose token, when known
  std::string error;      // empty: authorized
};

class TokenService {
 public:
  TokenService(TokenServiceConfig config, JwksFetcher fetcher);

  protocol::Response discovery() const;
  protocol::Response token(const protocol::Request& request, Instant now, TokenDecision& out);
  // nullopt: authorized for `types` (empty: any valid token will do). Otherwise the answer.
  std::optional<protocol::Response> check_bearer(const protocol::Request& request, Instant now,
                                                 const std::vector<std::string>& types,
                                                 BearerCheck& out);
  // The token stops working now (faults: a token that dies before its expires_in).
  bool revoke(const std::string& token);
  // Faults (server defects for the conformance runner's self-test): forget every jti seen so
  // far, so a replay gets a token; let the next bearer check pass whatever it carries.
  void forget_jtis() { jtis_.clear(); }
  void waive_next_check() { waive_next_ = true; }
  // Admin API: add or replace a client.
  void register_client(ClientRegistration client);
  const std::vector<ClientRegistration>& clients() const { return config_.clients; }
  const TokenServiceConfig& config() const { return config_; }
  void reset();

 private:
  struct Issued {
    std::string client_id;
    Instant expires{};
    std::vector<std::string> scopes;
    bool revoked = false;
  };
  Result<std::string> verify_assertion(const std::string& assertion, Instant now,
                                       TokenDecision& out);
  Result<const Jwks*> keys_for(ClientRegistration& client, bool refetch);
  ClientRegistration* find_client(const std::string& id);
  void forget_expired(Instant now);

  TokenServiceConfig config_;
  JwksFetcher fetcher_;
  std::map<std::string, Jwks> fetched_;                          // client id -> JWKS fetched by URL
  std::map<std::string, Issued> tokens_;                         // ordered: never iterated by hash
  std::map<std::pair<std::string, std::string>, Instant> jtis_;  // (client, jti) -> exp
  std::uint64_t issued_ = 0;
  bool waive_next_ = false;
};

// An RFC 6749 §5.2 error answer: 401 for invalid_client, 400 for every other code.
protocol::Response oauth_error_response(const std::string& code, const std::string& description);
// The bearer token of an Authorization header, if it is one.
std::optional<std::string> bearer_of(const protocol::Request& request);
// Whether the scopes grant read access to resources of `type`.
bool scopes_cover(const std::vector<std::string>& scopes, const std::string& type);

}  // namespace bh::auth
