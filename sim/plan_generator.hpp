// sim/plan_generator: a random but valid fault plan, written as a scenario file.
//
// Contract: generate_plan(choices, options) builds a scenario in the file format (so a failing
// plan is saved as-is under scenarios/regressions/ and replayed by `serve` and ctest) from the
// fault registry: an IG version the mock serves (1.0.1, 2.0.0), small data, a job timeline,
// 0..max_rules rules of registered kinds on endpoints where they mean something, with exact or
// seeded schedules and parameters inside their declared ranges, plus reference-client flags and
// the instant faults stop (the liveness phase's start). Every plan it returns passes
// parse_scenario; a rule the loader refuses is dropped, never kept broken. With `swarm`, every
// rule is a swarm rule (switched on or off per run from the seed) and more of them are drawn.
// Costly kinds (a 64 MiB line) are left out: the simulator's point is many runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "sim/choices.hpp"

namespace bh::sim {

struct PlanOptions {
  bool swarm = false;
  std::uint64_t max_rules = 4;  // swarm: twice this
};

struct Plan {
  nlohmann::ordered_json scenario;  // the file format; client_args and sim.heal_after inside
  std::string summary;              // one line: version, data, timeline, rules, client flags
};

Plan generate_plan(Choices& choices, const PlanOptions& options, const std::string& id);

}  // namespace bh::sim
