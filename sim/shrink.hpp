// sim/shrink: a failing scenario made as small as it can be while it still fails.
//
// Contract: shrink_scenario(s, still_fails) tries simpler variants of the scenario, in the file
// format, and keeps each one for which still_fails(variant) is true: without the heal instant,
// without each rule, without each client flag, each rule with the simplest schedule and no
// optional parameters, the least data and the shortest timeline. It repeats until a whole pass
// changes nothing or `budget` candidates were tried, so it always ends. still_fails must be
// deterministic (the simulator is); candidates the loader would refuse are never offered.
#pragma once

#include <cstddef>
#include <functional>

#include <nlohmann/json.hpp>

namespace bh::sim {

struct ShrinkResult {
  nlohmann::ordered_json scenario;
  std::size_t tried = 0;     // candidates run
  std::size_t accepted = 0;  // simplifications kept
};

ShrinkResult shrink_scenario(nlohmann::ordered_json scenario,
                             const std::function<bool(const nlohmann::ordered_json&)>& still_fails,
                             std::size_t budget = 300);

}  // namespace bh::sim
