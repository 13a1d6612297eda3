// mockserver/judge/rules: every rule function, by family; the table is in judge_rules.cpp.
#pragma once

#include "mockserver/judge/judge_rule.hpp"

namespace bh::judge {

// rules_headers.cpp
RuleResult rule_kickoff_accept(const Session& s, RuleResult r);           // KO-05
RuleResult rule_kickoff_prefer(const Session& s, RuleResult r);           // KO-07
RuleResult rule_kickoff_post_parameters(const Session& s, RuleResult r);  // KO-04
RuleResult rule_status_accept(const Session& s, RuleResult r);            // ST-06
RuleResult rule_download_accept(const Session& s, RuleResult r);          // DL-02
// rules_waits.cpp
RuleResult rule_retry_after_honoured(const Session& s, RuleResult r);    // ST-04
RuleResult rule_backoff_without_advice(const Session& s, RuleResult r);  // ST-02
RuleResult rule_no_hammer_after_429(const Session& s, RuleResult r);     // ST-05
// rules_retries.cpp
RuleResult rule_transient_retried(const Session& s, RuleResult r);  // ST-12
RuleResult rule_fatal_stops(const Session& s, RuleResult r);        // ST-11
RuleResult rule_retries_bounded(const Session& s, RuleResult r);    // ST-12, ERR-05
// rules_sequence.cpp
RuleResult rule_no_poll_after_delete(const Session& s, RuleResult r);    // DEL-01, ST-15
RuleResult rule_no_poll_after_manifest(const Session& s, RuleResult r);  // ST-09, DL-10
RuleResult rule_download_only_listed(const Session& s, RuleResult r);    // ST-09, ST-08
RuleResult rule_every_file_downloaded(const Session& s, RuleResult r);   // DL-01
RuleResult rule_one_kickoff_per_job(const Session& s, RuleResult r);     // KO-13
RuleResult rule_delete_sent(const Session& s, RuleResult r);             // DEL-01
// rules_auth.cpp
RuleResult rule_token_on_files(const Session& s, RuleResult r);               // DL-05
RuleResult rule_no_token_on_capability_urls(const Session& s, RuleResult r);  // DL-06
RuleResult rule_no_token_to_redirect_host(const Session& s, RuleResult r);    // DL-15
RuleResult rule_fresh_token_after_401(const Session& s, RuleResult r);        // AUTH-08
// rules_token.cpp
RuleResult rule_token_assertion_valid(const Session& s, RuleResult r);        // AUTH-03
RuleResult rule_token_on_requests(const Session& s, RuleResult r);            // AUTH-05
RuleResult rule_token_renewed_before_expiry(const Session& s, RuleResult r);  // AUTH-08
RuleResult rule_token_errors_final(const Session& s, RuleResult r);           // AUTH-04

}  // namespace bh::judge
