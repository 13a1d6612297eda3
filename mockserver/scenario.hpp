// mockserver/scenario: how the mock server behaves for one run.
//
// Contract: a Scenario fixes the job timeline the service follows (duration, advertised
// Retry-After and its form) and a list of status polls answered with a transient error (ST-12).
// This is the foundation's built-in behaviour only; the rule-based fault engine and scenario
// files (issue 3) replace the `transient_status_polls` list with general fault rules.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "protocol/export_service.hpp"

namespace bh::mockserver {

struct Scenario {
  std::string name;
  std::string description;
  Duration job_duration = seconds(10);
  Duration retry_after = seconds(2);
  protocol::RetryAfterForm retry_after_form = protocol::RetryAfterForm::kSeconds;
  // 1-based numbers of status requests, per job, answered 503 with a transient
  // OperationOutcome (issue code "transient") while the job keeps running.
  std::set<std::uint64_t> transient_status_polls;
  double suggested_time_scale = 1.0;  // what `demo` runs it at
};

// "default": a clean, conformant server. "demo": a 3-minute job, Retry-After as an HTTP-date,
// one transient error on the second poll -- not the happy path.
Result<Scenario> builtin_scenario(const std::string& name);
std::vector<std::string> builtin_scenario_names();

}  // namespace bh::mockserver
