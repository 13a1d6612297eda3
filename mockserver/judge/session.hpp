// mockserver/judge/session: the journal as the judge reads it -- one client's exchanges, each
// placed on its request chain and classified by what the server told the client.
//
// Contract: Session::from_journal() reads the journal JSON (the same document GET
// /__admin/journal returns, so a saved journal can be judged offline) and fails with a path
// naming error on a malformed one. It never reads a clock: every time is the entry's scenario
// offset; `wire()` converts a scenario gap to what the client experienced (--time-scale).
// A chain is the sequence of attempts at one thing: the kick-off, one job's status URL, one
// job's DELETE, one file (by path and query: a redirect target on another host is its own
// chain). classify() is the harness policy for what a correct client must make of a response
// (docs/judge.md): the ST-12 transient family, a 5xx without a body and a connection fault are
// "retry"; an OperationOutcome with another code, 404 and 410 on a status URL are "fatal".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "core/time.hpp"
#include "mockserver/judge/body_facts.hpp"
#include "protocol/http.hpp"
#include "protocol/ig_version.hpp"

namespace bh::judge {

struct JudgeSettings {
  std::string scenario_id;
  protocol::IgVersion ig_version = protocol::kDefaultIgVersion;
  double time_scale = 1.0;                // scenario seconds per wire second
  std::string expected_outcome;           // the scenario's expect.outcome; empty: not stated
  std::vector<std::string> expected_ids;  // expect.judge: requirement IDs the scenario exercises
};

enum class Response {
  kNone,          // no whole HTTP response: the connection failed first (status 0), or the
                  // body was cut short or mis-framed (`incomplete`)
  kAccepted,      // 202: kick-off accepted, job still running, DELETE accepted
  kComplete,      // 200 on a status URL with a manifest body
  kOk,            // any other 2xx
  kRedirect,      // 3xx with a Location
  kThrottled,     // 429
  kUnauthorized,  // 401
  kRetry,         // a transient failure: retry later (ST-12)
  kFatal,         // a failure that ends the chain (ST-11)
  kUnclear,       // a 5xx with a non-FHIR body: retrying and giving up are both defensible
  kGone,          // 404/410 on a status URL: the job no longer exists
  kLinkExpired,   // 403/404/410 on a file (LINKS_EXPIRED when Expires has passed, open point 2)
};
std::string_view to_string(Response r);

struct Exchange {
  std::uint64_t seq = 0;
  Duration at{};
  std::string client;
  std::string method;
  std::string target;  // path and query as sent
  std::string host;    // the Host header, "" when absent
  std::string endpoint;
  std::string job;
  int status = 0;
  std::string wire;
  bool incomplete = false;
  bool faulted = false;  // a fault rule fired on this exchange
  protocol::Headers request_headers;
  protocol::Headers response_headers;
  BodyFacts body;
  // SMART, from the journal's token_request and bearer entries (auth/token_service.hpp):
  bool token_request = false;  // the token endpoint decided on an assertion
  std::string token_error;     // its OAuth error code; empty: a token was issued
  std::string token_detail;
  std::string token_jti;
  bool bearer_checked = false;  // the request needed a token
  bool bearer_presented = false;
  std::string bearer_error;  // why it was refused; empty: authorized
  // Derived by Session:
  std::string chain;
  Response response = Response::kNone;
  std::optional<std::size_t> next_on_chain;  // index of the next attempt on the same chain
};

class Session {
 public:
  static Result<Session> from_journal(const nlohmann::json& journal, JudgeSettings settings);

  const std::vector<Exchange>& exchanges() const { return exchanges_; }
  const JudgeSettings& settings() const { return settings_; }
  std::uint64_t dropped() const { return dropped_; }
  std::vector<std::string> clients() const;

  // The wire time a scenario-time gap took (what the client waited).
  Duration wire(Duration scenario) const;
  Duration gap_wire(const Exchange& from, const Exchange& to) const {
    return wire(to.at - from.at);
  }
  const Exchange* next(const Exchange& e) const {
    return e.next_on_chain ? &exchanges_[*e.next_on_chain] : nullptr;
  }
  // Indexes of the exchanges of one chain, in order.
  std::vector<std::size_t> chain(const std::string& key) const;
  std::vector<std::string> chain_keys() const;

 private:
  JudgeSettings settings_;
  std::vector<Exchange> exchanges_;
  std::uint64_t dropped_ = 0;
  std::map<std::string, std::vector<std::size_t>> chains_;
};

// The request chain an exchange belongs to ("kickoff", "status <job>", "file /path?q", ...).
std::string chain_key(const Exchange& e);
Response classify(const Exchange& e);
// path + query of an absolute or relative URL ("" when it cannot be split).
std::string url_path(std::string_view url);
// "host:port" of an absolute URL ("" for a relative one).
std::string url_authority(std::string_view url);

}  // namespace bh::judge
