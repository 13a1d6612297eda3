// The scenario library in the simulator, and the transitions it and a fixed seed range reach.
//
// Contract: every scenario file runs in the simulator at its own seed and time scale with the
// judge on, and must keep every invariant, end with its expect.outcome and pass the judge (the
// same bar ci/replay.py sets over sockets). Together with generated plans for seeds 1..600,
// every transition of requirements §2.2 that the reference client can take against the
// versions that ran must have been taken; the rest must carry a reason (client/transition.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "sim/coverage.hpp"
#include "sim/expectations.hpp"
#include "sim/plan_generator.hpp"
#include "sim/sim_run.hpp"

namespace bh::sim {
namespace {

std::vector<std::string> library() {
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(BH_SOURCE_DIR) + "/scenarios"))
    if (e.path().extension() == ".json" && e.path().filename() != "scenario.schema.json")
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string describe(const RunResult& r) {
  std::string text = outcome_name(r.outcome.kind) + ": " + r.outcome.message + "\n";
  for (const auto& v : r.violations)
    text += "  " + v.invariant + ": " + v.detail + "\n";
  return text;
}

void run_library(Coverage& coverage) {
  const auto files = library();
  ASSERT_GE(files.size(), 80u) << "the scenario library is missing";
  for (const auto& f : files) {
    auto scenario = mockserver::load_scenario_file(f);
    ASSERT_TRUE(scenario) << scenario.error().message();
    RunConfig c;
    c.scenario = *scenario;
    c.seed = scenario->seed.value_or(1);
    c.time_scale = scenario->time_scale;
    c.judge = true;
    RunResult r = run_simulation(c);
    check_expectations(*scenario, r);
    EXPECT_TRUE(r.error.empty()) << f << ": " << r.error;
    EXPECT_TRUE(r.violations.empty()) << f << ": " << describe(r);
    coverage.add(r.transitions, scenario->ig_version);
  }
}

void run_generated(Coverage& coverage, std::uint64_t seeds) {
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    RngChoices choices(seed);
    const Plan plan = generate_plan(choices, {}, "coverage");
    auto scenario = mockserver::parse_scenario(plan.scenario, "coverage");
    ASSERT_TRUE(scenario) << scenario.error().message();
    RunConfig c;
    c.scenario = *scenario;
    c.seed = seed;
    RunResult r = run_simulation(c);
    EXPECT_TRUE(r.violations.empty()) << "seed " << seed << ": " << describe(r);
    coverage.add(r.transitions, scenario->ig_version);
  }
}

TEST(SimLibrary, EveryScenarioPassesInTheSimulatorAndTheTransitionsAreCovered) {
  Coverage coverage;
  run_library(coverage);
  run_generated(coverage, 600);
  const auto missing = coverage.missing();
  EXPECT_TRUE(missing.empty()) << "transitions neither reached nor explained:\n"
                               << coverage.table();
  // The ones the reference client takes in every export must have been taken many times.
  EXPECT_GT(coverage.taken(client::Transition::kT23), 100u);
  EXPECT_GT(coverage.taken(client::Transition::kT33), 100u);
}

}  // namespace
}  // namespace bh::sim
