// The SMART token flow as the client drives it: assertions a conformant token endpoint accepts
// (AUTH-03), a token on every protected request (AUTH-05), renewal before expiry (AUTH-08), and
// no loop on a token endpoint that said no (AUTH-04, T04).
#include <set>

#include "mockserver/judge/rules.hpp"

namespace bh::judge {

RuleResult rule_token_assertion_valid(const Session& s, RuleResult r) {
  Findings f;
  std::set<std::string> jtis;
  for (const auto& e : s.exchanges()) {
    if (!e.token_request) continue;
    const std::string expected = "an assertion the token endpoint accepts (AUTH-03)";
    if (e.faulted) {
      f.skip("#" + std::to_string(e.seq) + ": a fault answered");
    } else if (!e.token_jti.empty() && !jtis.insert(e.token_jti).second) {
      f.violate(e, "a new jti for every assertion", "jti " + e.token_jti + " was sent before");
    } else if (e.token_error.empty()) {
      f.pass(e, expected, "a token was issued");
    } else {
      f.violate(e, expected, e.token_error + ": " + e.token_detail);
    }
  }
  return f.finish(std::move(r), "every assertion was well formed and signed",
                  "the client asked for no token");
}

RuleResult rule_token_on_requests(const Session& s, RuleResult r) {
  Findings f;
  bool has_token = false;  // judged only for a client that does SMART at all
  for (const auto& e : s.exchanges())
    has_token = has_token || (e.token_request && e.token_error.empty());
  for (const auto& e : s.exchanges()) {
    if (!e.bearer_checked || e.endpoint == "file") continue;  // files: token-on-files
    const std::string expected = "Authorization: Bearer on " + e.endpoint + " (AUTH-05)";
    if (!has_token && !e.bearer_presented) {
      f.violate(e, expected, "no token: the client never got one from the token endpoint");
    } else if (e.bearer_presented) {
      f.pass(e, expected, "sent");
    } else {
      f.violate(e, expected, "absent");
    }
  }
  return f.finish(std::move(r), "every protected request carried a token",
                  "the server protected no request (SMART auth off)");
}

RuleResult rule_token_renewed_before_expiry(const Session& s, RuleResult r) {
  Findings f;
  for (const auto& e : s.exchanges()) {
    if (!e.bearer_checked || !e.bearer_presented) continue;
    const std::string expected = "a token that has not expired (renewed before expires_in)";
    // A revoked token (token-expired-early) is not the client's lateness.
    const bool expired = e.bearer_error == "the access token expired";
    if (expired) {
      f.violate(e, expected, "sent an expired token");
    } else {
      f.pass(e, expected, e.bearer_error.empty() ? "valid" : e.bearer_error);
    }
  }
  return f.finish(std::move(r), "no request carried an expired token",
                  "no request carried a token");
}

RuleResult rule_token_errors_final(const Session& s, RuleResult r) {
  // A token endpoint 400/401 is the client's configuration or the server's policy: asking again
  // with a fresh assertion once is defensible, a loop is not.
  Findings f;
  const auto& xs = s.exchanges();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const Exchange& e = xs[i];
    if (e.endpoint != "token" || (e.status != 400 && e.status != 401)) continue;
    std::size_t more = 0;
    for (std::size_t j = i + 1; j < xs.size(); ++j)
      more += xs[j].endpoint == "token" ? 1 : 0;
    const std::string expected =
        "at most one more token request after a " + std::to_string(e.status) + " (T04)";
    if (more <= 1)
      f.pass(e, expected, std::to_string(more) + " more");
    else
      f.violate(e, expected, std::to_string(more) + " more token requests");
    break;  // the first refusal decides; later ones are part of the same loop
  }
  return f.finish(std::move(r), "the client stopped after the token endpoint refused it",
                  "the token endpoint refused nothing");
}

}  // namespace bh::judge
