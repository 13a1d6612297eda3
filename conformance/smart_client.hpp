// conformance/smart_client: the runner as a SMART Backend Services client of the server under
// test (check --client-id ID --private-key FILE).
//
// Contract: discovery() reads [base]/.well-known/smart-configuration once; token_url() is
// --token-url, else its token_endpoint. bearer() returns a valid token for the probe's
// requests, getting one and renewing it before it expires (client/token_keeper: a fresh,
// signed assertion each time); when it cannot, it returns nothing and problem() says why, and
// the requests go without a token (the checks then see the server's refusals). assertion() and
// post_token() let the auth checks send well-formed and deliberately broken token requests.
// Every exchange goes through the probe, unauthenticated, so it is evidence like any other.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/client_options.hpp"
#include "client/token_keeper.hpp"
#include "conformance/probe.hpp"

namespace bh::conformance {

class SmartClient {
 public:
  SmartClient(Probe& probe, client::SmartAuthOptions options, std::uint64_t seed);

  const Exchange& discovery();
  const std::string& token_url();
  std::optional<std::string> bearer();
  const std::string& problem() const { return problem_; }
  const client::SmartAuthOptions& options() const { return options_; }

  // A signed assertion for the token endpoint with a fresh jti (empty when signing failed).
  std::string assertion();
  // The standard token form around an assertion; tests change fields of it.
  protocol::QueryParams token_form(const std::string& assertion) const;
  Exchange post_token(const protocol::QueryParams& form);
  // The first successful token answer bearer() got, for the TLS and response-shape checks.
  const std::optional<Exchange>& first_token() const { return first_token_; }
  // The last token request bearer() made, answered or not (evidence for a refusal).
  const std::optional<Exchange>& last_token_attempt() const { return last_attempt_; }

 private:
  Probe& probe_;
  client::SmartAuthOptions options_;
  std::uint64_t seed_;
  client::TokenKeeper keeper_;
  std::optional<Exchange> discovery_;
  std::string token_url_;
  std::optional<Exchange> first_token_;
  std::optional<Exchange> last_attempt_;
  std::string problem_;
  std::uint64_t assertions_ = 0;
  bool busy_ = false;  // bearer() is getting a token: no recursion through the probe
};

}  // namespace bh::conformance
