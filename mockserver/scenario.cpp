#include "mockserver/scenario.hpp"

namespace bh::mockserver {

std::vector<std::string> builtin_scenario_names() {
  return {"default", "demo"};
}

Result<Scenario> builtin_scenario(const std::string& name) {
  Scenario s;
  s.name = name;
  if (name == "default") {
    s.description = "a conformant STU2 server: 10 s jobs, Retry-After 2 s, no faults";
    return s;
  }
  if (name == "demo") {
    s.description =
        "a 3-minute job, Retry-After 30 s given as an HTTP-date, and a transient 503 "
        "(OperationOutcome code 'transient') on the second status poll";
    s.job_duration = std::chrono::minutes(3);
    s.retry_after = seconds(30);
    s.retry_after_form = protocol::RetryAfterForm::kHttpDate;
    s.transient_status_polls = {2};
    s.suggested_time_scale = 30.0;
    return s;
  }
  std::string names;
  for (const auto& n : builtin_scenario_names())
    names += (names.empty() ? "" : ", ") + n;
  return make_error("scenario", "no built-in scenario by that name", names, "\"" + name + "\"");
}

}  // namespace bh::mockserver
