// mockserver/auth_gate: where SMART Backend Services sits in front of the mock's endpoints.
//
// Contract: classify() names the two SMART endpoints ([base]/.well-known/smart-configuration
// and the token URL); gate() answers them through auth::TokenService, and for every other
// request decides whether it may pass: metadata is open (clients discover the server before
// they hold a token); kick-off needs a valid token whose scopes cover each requested _type (all
// types: a wildcard scope); status, DELETE, read and search need a valid token (AUTH-05,
// AUTH-06, ST-14); files need one unless the job's manifest said requiresAccessToken=false (the
// server then serves capability URLs, DL-06). What it saw goes into AuthFacts for the journal.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "auth/token_service.hpp"
#include "protocol/export_service.hpp"
#include "protocol/http.hpp"

namespace bh::mockserver {

struct AuthFacts {
  bool token_request = false;  // the token endpoint answered (decision below)
  auth::TokenDecision decision;
  bool bearer_checked = false;
  auth::BearerCheck bearer;
};

class AuthGate {
 public:
  AuthGate(auth::TokenServiceConfig config, auth::JwksFetcher fetcher, std::string base_path);

  std::optional<protocol::Endpoint> classify(const protocol::Request& request) const;
  // nullopt: the request passes to the service. Otherwise the answer.
  std::optional<protocol::Response> gate(const protocol::Request& request,
                                         const protocol::RequestClass& cls, Instant now,
                                         AuthFacts& facts);
  // The server told the client this job's files need no token (requiresAccessToken=false).
  void open_job(const std::string& job_id) { open_jobs_.insert(job_id); }
  auth::TokenService& tokens() { return tokens_; }
  const auth::TokenService& tokens() const { return tokens_; }

 private:
  auth::TokenService tokens_;
  std::string token_path_;
  std::string discovery_path_;
  std::set<std::string> open_jobs_;
};

// The resource types a kick-off asks for (_type in the query or the Parameters body); empty:
// every type.
std::vector<std::string> requested_types(const protocol::Request& request);

}  // namespace bh::mockserver
