// mockserver/scenario: how the mock server behaves for one run, as written in a scenario file.
//
// Contract: a Scenario fixes the IG version, the data (members, members per file), the job
// timeline (duration, Retry-After and its form, progress steps, file lifetime), the fault rules
// (mockserver/rule.hpp), the declared states, and what a correct client does (`expect`).
// Durations are scenario time, IG-realistic (Retry-After 120 s, jobs of minutes);
// `time_scale` is the speed-up `serve` runs it at unless --time-scale says otherwise.
// parse_scenario validates everything a human can get wrong — unknown keys, wrong types,
// ranges, unknown fault kinds and parameters, duplicate rule ids, undeclared states, a rule
// on an endpoint its fault means nothing on — and names the file, the JSON path, what was
// expected and what was found. scenario_to_json writes the same shape back (round trip).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "core/time.hpp"
#include "mockserver/rule.hpp"
#include "protocol/export_service.hpp"
#include "protocol/ig_version.hpp"

namespace bh::mockserver {

struct JobTimeline {
  Duration duration = seconds(10);
  Duration retry_after = seconds(2);
  protocol::RetryAfterForm retry_after_form = protocol::RetryAfterForm::kSeconds;
  std::uint32_t progress_steps = 0;  // X-Progress moves in this many steps (0: continuously)
  // Expires = completion + this. Long by default: a real client's own backoff is not scaled by
  // --time-scale, so a short scenario-time lifetime would expire before a patient client.
  Duration file_ttl = std::chrono::hours(6);
  std::optional<Duration> min_poll_interval;  // ST-05 throttle; default half of retry_after
};

// SMART Backend Services on the mock ("auth": {...}): the token endpoint, bearer checks on
// kick-off, status, DELETE and files (requiresAccessToken true). serve --auth smart turns it on
// for any scenario; a scenario with token-endpoint or auth faults needs it.
struct AuthSpec {
  Duration token_lifetime = seconds(300);  // scenario time; expires_in is scaled like Retry-After
};

struct DataSpec {
  std::uint64_t members = 1000;
  std::uint64_t members_per_file = 10000;
};

// Outcome names a client run can end with, as scenario files spell them.
const std::vector<std::string>& outcome_names();

struct Expectation {
  std::string outcome = "success";         // one of outcome_names()
  bool all_resources = true;               // success: every resource of the manifest arrived
  std::optional<std::uint64_t> resources;  // success: exactly this many
  std::vector<std::string> judge;          // requirement IDs the scenario exercises (judge)
  std::string note;                        // why a correct client ends this way
  // Whether a correct client makes at least one rule fire (false: e.g. strict header checks a
  // conformant client passes). Replays fail when it is true and nothing fired.
  bool faults_fire = true;
  bool stated = false;  // the file has an `expect` block (a generated regression may not)
};

struct Scenario {
  std::string name;
  std::string description;
  std::vector<std::string> requirements;
  protocol::IgVersion ig_version = protocol::IgVersion::kV2_0_0;
  std::optional<std::uint64_t> seed;
  DataSpec data;
  JobTimeline job;
  double time_scale = 1.0;
  std::vector<std::string> states;
  std::string initial_state;
  double swarm_probability = 0.5;
  std::vector<Rule> rules;
  Expectation expect;
  std::vector<std::string> client_args;  // extra arguments for the reference client
  std::optional<AuthSpec> auth;
  // `bulkharness sim` only: the faults stop at this scenario time and the liveness phase
  // begins ("sim": {"heal_after": "10m"}); serve ignores it. None: faults last the whole run.
  std::optional<Duration> heal_after;
  std::string source = "built-in";  // where it was loaded from
};

Result<Scenario> parse_scenario(const nlohmann::ordered_json& json, const std::string& source);
Result<Scenario> parse_scenario_text(std::string_view text, const std::string& source);
Result<Scenario> load_scenario_file(const std::string& path);
nlohmann::ordered_json scenario_to_json(const Scenario& s);

// "default": a clean, conformant server. "demo": a 3-minute job, Retry-After as an HTTP-date,
// one transient error on the second poll -- not the happy path. Written in the file format.
Result<Scenario> builtin_scenario(const std::string& name);
std::vector<std::string> builtin_scenario_names();
// A built-in name, or else a path to a scenario file.
Result<Scenario> resolve_scenario(const std::string& name_or_path);

// The JSON Schema of scenario files, generated from the fault registry (so it cannot drift);
// scenarios/scenario.schema.json is this output, checked by a test.
nlohmann::ordered_json scenario_schema();

}  // namespace bh::mockserver
