// Scenario -> JSON (the file format, for the admin API and round trips), the built-in
// scenarios (written in that format), and resolving a --scenario argument.
#include "core/strings.hpp"
#include "mockserver/faults/fault_kind.hpp"
#include "mockserver/scenario.hpp"

namespace bh::mockserver {

namespace {

using Json = nlohmann::ordered_json;

Json match_json(const Match& m) {
  Json j = Json::object();
  j["endpoint"] = m.endpoint;
  if (m.method) j["method"] = *m.method;
  if (m.job) j["job"] = *m.job;
  if (m.file) j["file"] = *m.file;
  if (m.after) j["after"] = format_duration_text(*m.after);
  if (m.before) j["before"] = format_duration_text(*m.before);
  if (m.state) j["state"] = *m.state;
  if (m.job_state) j["job_state"] = *m.job_state;
  return j;
}

Json schedule_json(const Schedule& s) {
  Json j = Json::object();
  switch (s.kind) {
    case Schedule::Kind::kAlways:
      j["always"] = true;
      break;
    case Schedule::Kind::kNth:
      j["nth"] = s.nth;
      break;
    case Schedule::Kind::kEvery:
      j["every"] = s.every;
      if (s.offset) j["offset"] = s.offset;
      break;
    case Schedule::Kind::kFirst:
      j["first"] = s.first;
      break;
    case Schedule::Kind::kFrom:
      j["from"] = s.from;
      break;
    case Schedule::Kind::kProbability:
      j["probability"] = s.probability;
      break;
  }
  if (s.limit) j["limit"] = *s.limit;
  if (s.per_job) j["per"] = "job";
  return j;
}

Json rule_json(const Rule& r) {
  Json j = {{"id", r.id}};
  if (!r.description.empty()) j["description"] = r.description;
  j["match"] = match_json(r.match);
  j["schedule"] = schedule_json(r.schedule);
  j["fault"] = r.fault;
  if (r.set_state) j["set_state"] = *r.set_state;
  if (r.swarm) j["swarm"] = true;
  return j;
}

// The built-in scenarios, in the same format as the files under scenarios/.
constexpr const char* kDefault = R"json({
  "id": "default",
  "description": "a conformant STU2 server: 10 s jobs, Retry-After 2 s, no faults",
  "requirements": ["KO-11", "ST-03", "ST-09"],
  "job": {"duration": "10s", "retry_after": "2s"},
  "expect": {"outcome": "success", "resources": "all"}
})json";

constexpr const char* kDemo = R"json({
  "id": "demo",
  "description": "a 3-minute job, Retry-After 30 s given as an HTTP-date, and a transient 503 (OperationOutcome code 'transient') on the second status poll",
  "requirements": ["ST-04", "ST-12"],
  "time_scale": 30,
  "job": {"duration": "3m", "retry_after": "30s", "retry_after_form": "http-date"},
  "rules": [
    {"id": "transient-second-poll",
     "description": "the second status poll of each job fails with a transient error (ST-12)",
     "match": {"endpoint": "status", "job_state": "running"},
     "schedule": {"nth": 2, "per": "job"},
     "fault": {"kind": "transient-error", "status": 503, "code": "transient"}}
  ],
  "expect": {"outcome": "success", "resources": "all", "judge": ["ST-04", "ST-12"],
             "note": "a correct client waits out the HTTP-date, retries the 503 and completes"}
})json";

}  // namespace

nlohmann::ordered_json scenario_to_json(const Scenario& s) {
  Json j = {{"id", s.name}, {"description", s.description}};
  j["requirements"] = s.requirements;
  j["ig_version"] = std::string(protocol::to_string(s.ig_version));
  if (s.seed) j["seed"] = *s.seed;
  j["time_scale"] = s.time_scale;
  j["data"] = {{"members", s.data.members}, {"members_per_file", s.data.members_per_file}};
  Json job = {
      {"duration", format_duration_text(s.job.duration)},
      {"retry_after", format_duration_text(s.job.retry_after)},
      {"retry_after_form",
       s.job.retry_after_form == protocol::RetryAfterForm::kHttpDate ? "http-date" : "seconds"},
      {"progress_steps", s.job.progress_steps},
      {"file_ttl", format_duration_text(s.job.file_ttl)}};
  if (s.job.min_poll_interval)
    job["min_poll_interval"] = format_duration_text(*s.job.min_poll_interval);
  j["job"] = job;
  if (!s.states.empty()) {
    j["states"] = s.states;
    j["initial_state"] = s.initial_state;
  }
  j["swarm"] = {{"probability", s.swarm_probability}};
  Json rules = Json::array();
  for (const auto& r : s.rules)
    rules.push_back(rule_json(r));
  j["rules"] = rules;
  Json expect = {{"outcome", s.expect.outcome}};
  if (s.expect.outcome == "success") {
    if (s.expect.resources)
      expect["resources"] = *s.expect.resources;
    else
      expect["resources"] = "all";
  }
  expect["judge"] = s.expect.judge;
  if (!s.expect.note.empty()) expect["note"] = s.expect.note;
  if (!s.expect.faults_fire) expect["faults_fire"] = false;
  if (s.expect.stated) j["expect"] = expect;  // a file without one stays without one
  if (!s.client_args.empty()) j["client_args"] = s.client_args;
  if (s.auth) j["auth"] = {{"token_lifetime", format_duration_text(s.auth->token_lifetime)}};
  if (s.heal_after) j["sim"] = {{"heal_after", format_duration_text(*s.heal_after)}};
  return j;
}

std::vector<std::string> builtin_scenario_names() {
  return {"default", "demo"};
}

Result<Scenario> builtin_scenario(const std::string& name) {
  if (name == "default") return parse_scenario_text(kDefault, "built-in:default");
  if (name == "demo") return parse_scenario_text(kDemo, "built-in:demo");
  return make_error("scenario", "no built-in scenario by that name",
                    join(builtin_scenario_names(), ", ") + ", or a path to a scenario file",
                    "\"" + name + "\"");
}

Result<Scenario> resolve_scenario(const std::string& name_or_path) {
  for (const auto& n : builtin_scenario_names())
    if (n == name_or_path) return builtin_scenario(n);
  if (name_or_path.find('/') == std::string::npos && !name_or_path.ends_with(".json"))
    return builtin_scenario(name_or_path);
  return load_scenario_file(name_or_path);
}

}  // namespace bh::mockserver
