// client/token_keeper: the export client's SMART Backend Services token (S1 AUTHORIZING).
//
// Contract: pure (no I/O, time passed in, randomness from a seeded stream). need() says what the
// client must do before its next FHIR request: discover the token endpoint
// ([base]/.well-known/smart-configuration, AUTH-07), get a token (T01), or nothing. A token is
// renewed before it expires: once less than min(30 s, a fifth of its life) is left (AUTH-08).
// token_request() signs a fresh assertion every time (a new jti: seeded random bits and the
// instant, so runs with the same seed differ too; exp at most 5 minutes ahead, AUTH-03), so a
// retried request never replays one. Each token has a serial; rejected(serial)
// is told of a 401 (or a file 403) on a request that carried it and answers whether to get a
// new token and send again: yes for the first rejection since a request last succeeded with a
// token, no after that (T10/T18/T25: "at most once"). A token endpoint error (400/401, T04) ends
// the flow: failed() is then set and need() asks for nothing more.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "client/client_options.hpp"
#include "client/request_factory.hpp"
#include "core/result.hpp"
#include "core/rng.hpp"
#include "core/time.hpp"

namespace bh::client {

class TokenKeeper {
 public:
  enum class Need { kNothing, kDiscovery, kToken };

  TokenKeeper(SmartAuthOptions options, std::string base_url, std::uint64_t seed);

  Need need(Instant now) const;
  Result<BuiltRequest> discovery_request() const;
  Result<BuiltRequest> token_request(Instant now);
  // The signed assertion alone (what token_request sends), for callers that build the form.
  Result<std::string> assertion(Instant now);
  // A settled discovery answer; an error says why the flow cannot go on.
  Status on_discovery(int status, const std::string& body);
  // A settled token answer (2xx); errors carry the OAuth error code and description.
  Status on_token(int status, const std::string& body, Instant now);
  void fail() { failed_ = true; }

  bool failed() const { return failed_; }
  const std::optional<std::string>& token() const { return token_; }
  std::uint64_t serial() const { return serial_; }
  const std::string& token_url() const { return token_url_; }
  Instant expires() const { return expires_; }

  bool rejected(std::uint64_t serial);
  void accepted(std::uint64_t serial);

 private:
  SmartAuthOptions opts_;
  std::string base_url_;
  std::string token_url_;
  Rng rng_;
  std::optional<std::string> token_;
  std::uint64_t serial_ = 0;  // 0: no token yet
  Instant expires_{};
  Instant renew_at_{};
  bool failed_ = false;
  bool retried_since_success_ = false;
  std::uint64_t rejected_serial_ = 0;
};

}  // namespace bh::client
