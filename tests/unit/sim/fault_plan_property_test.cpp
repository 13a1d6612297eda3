// The reference client under generated fault plans: every invariant holds for every plan.
//
// Contract: RapidCheck generates a plan as a list of choices (sim/choices.hpp: 0 is always the
// simplest answer), so shrinking the list shrinks the plan: fewer rules, plainer schedules,
// less data. A failing plan is written as a scenario file (BH_SIM_FAILURES, or the working
// directory's sim-failures/) that `bulkharness sim --scenario F --seed N` replays. The canaries
// run the same property against the broken variants of sim/mutant.hpp: each must fail, and the
// shrunk plan must be tiny (at most one rule), or the property could not catch what it claims.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "mockserver/scenario.hpp"
#include "sim/plan_generator.hpp"
#include "sim/sim_run.hpp"

namespace bh::sim {
namespace {

struct Case {
  nlohmann::ordered_json plan;
  std::uint64_t seed = 0;
  RunResult result;
};

Case run_case(const std::vector<std::uint64_t>& choices, std::uint64_t seed, Mutant mutant) {
  ListChoices c(choices);
  Case k;
  k.plan = generate_plan(c, {}, "property-seed" + std::to_string(seed)).scenario;
  k.seed = seed;
  auto scenario = mockserver::parse_scenario(k.plan, "generated plan");
  RC_ASSERT(static_cast<bool>(scenario));  // the generator promises valid plans
  RunConfig config;
  config.scenario = *scenario;
  config.seed = seed;
  config.mutant = mutant;
  k.result = run_simulation(config);
  RC_ASSERT(k.result.error.empty());
  return k;
}

std::string write_failure(const Case& k) {
  const char* dir = std::getenv("BH_SIM_FAILURES");
  const std::filesystem::path out = dir ? dir : "sim-failures";
  std::filesystem::create_directories(out);
  const auto path = out / ("property-seed" + std::to_string(k.seed) + ".json");
  std::ofstream(path) << k.plan.dump(2) << "\n";
  return path.string();
}

std::string violations_text(const RunResult& r) {
  std::string text;
  for (const auto& v : r.violations)
    text += v.invariant + ": " + v.detail + "\n";
  return text;
}

auto gen_choices() {
  return rc::gen::container<std::vector<std::uint64_t>>(rc::gen::inRange<std::uint64_t>(0, 1000));
}

RC_GTEST_PROP(FaultPlanProperty, ReferenceClientKeepsEveryInvariant, ()) {
  const auto choices = *gen_choices();
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 100000);
  const Case k = run_case(choices, seed, Mutant::kNone);
  if (!k.result.violations.empty()) {
    RC_LOG() << "written: " << write_failure(k) << "\n" << violations_text(k.result);
    RC_FAIL("an invariant broke under a generated plan");
  }
}

class QuietListener final : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

// Runs the property against `mutant`; returns the last failing case (the shrunk one).
std::optional<Case> canary(Mutant mutant, const std::string& invariant) {
  std::optional<Case> last;
  rc::detail::TestParams params;
  params.seed = 20261201;  // fixed: a canary must not depend on the run's seed
  params.maxSuccess = 100;
  params.maxSize = 100;
  rc::detail::TestMetadata meta;
  meta.id = meta.description = "fault plan canary " + std::string(to_string(mutant));
  QuietListener quiet;
  const auto result = rc::detail::checkTestable(
      [&] {
        Case k = run_case(*gen_choices(), *rc::gen::inRange<std::uint64_t>(1, 100000), mutant);
        for (const auto& v : k.result.violations)
          if (v.invariant == invariant) {
            last = std::move(k);
            RC_FAIL(invariant);
          }
      },
      meta, params, quiet);
  rc::detail::FailureResult failure;
  if (!result.match(failure)) return std::nullopt;
  return last;
}

void expect_caught_and_tiny(Mutant mutant, const std::string& invariant) {
  const auto shrunk = canary(mutant, invariant);
  ASSERT_TRUE(shrunk.has_value()) << to_string(mutant) << " passed every generated plan";
  std::cout << "shrunk plan for " << to_string(mutant) << ":\n"
            << shrunk->plan.dump(2) << "\n"
            << violations_text(shrunk->result);
  EXPECT_LE(shrunk->plan.value("rules", nlohmann::ordered_json::array()).size(), 1u)
      << "shrinking should leave at most one rule";
  EXPECT_EQ(shrunk->plan["data"]["members"], 10) << "shrinking should leave the least data";
}

TEST(FaultPlanProperty, CanaryClientIgnoringRetryAfterIsCaughtAndShrinks) {
  expect_caught_and_tiny(Mutant::kClientIgnoresRetryAfter, "retry-after-honoured");
}

TEST(FaultPlanProperty, CanaryServerIgnoringDeleteIsCaughtAndShrinks) {
  expect_caught_and_tiny(Mutant::kServerIgnoresDelete, "delete-honoured");
}

}  // namespace
}  // namespace bh::sim
