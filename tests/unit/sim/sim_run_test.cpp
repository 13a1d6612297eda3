// run_simulation (sim/sim_run.hpp) on the built-in demo and real scenario files.
//
// Contract checked: a run is a pure function of its config (same config: same trace hash,
// exchanges, outcome, violations and journal); the seed drives a probabilistic scenario's fault
// draws (another seed: another trace and other faults); the demo passes every invariant and the
// judge, and both clients end in Success; each canary mutant is caught by the invariant it
// exists for (the client ignoring Retry-After by retry-after-honoured, the server ignoring
// DELETE by delete-honoured); unusable client arguments give RunResult::error, not a crash;
// and a scenario's time_scale shortens the simulated time without changing the outcome.
#include "sim/sim_run.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bh::sim {
namespace {

mockserver::Scenario scenario(const std::string& name) {
  auto s = name == "demo" ? mockserver::builtin_scenario(name)
                          : mockserver::load_scenario_file(std::string(BH_SOURCE_DIR) +
                                                           "/scenarios/" + name + ".json");
  EXPECT_TRUE(s.ok()) << name << ": " << (s.ok() ? "" : s.error().message());
  return s.ok() ? std::move(*s) : mockserver::Scenario{};
}

RunConfig config(const std::string& name, std::uint64_t seed = 1) {
  RunConfig c;
  c.scenario = scenario(name);
  c.seed = seed;
  c.time_scale = c.scenario.time_scale;
  return c;
}

std::vector<std::string> ids(const RunResult& r) {
  std::vector<std::string> out;
  for (const auto& v : r.violations)
    out.push_back(v.invariant);
  return out;
}

std::string violations_text(const RunResult& r) {
  std::string s = r.error;
  for (const auto& v : r.violations)
    s += "\n  " + v.invariant + ": " + v.detail;
  return s;
}

bool has(const RunResult& r, const std::string& id) {
  for (const auto& v : r.violations)
    if (v.invariant == id) return true;
  return false;
}

// The demo with its journal and the judge, run once for the tests that read it.
const RunResult& demo() {
  static const RunResult r = [] {
    RunConfig c = config("demo");
    c.keep_journal = true;
    c.judge = true;
    return run_simulation(c);
  }();
  return r;
}

// Which journal entries a fault fired on, as "seq method target".
std::vector<std::string> faulted_entries(const RunResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.journal["entries"])
    if (e.contains("faults"))
      out.push_back(std::to_string(e["seq"].get<std::uint64_t>()) + " " +
                    e["method"].get<std::string>());
  return out;
}

TEST(SimRun, SameConfigSameRun) {
  RunConfig c = config("demo");
  c.keep_journal = true;
  c.judge = true;
  const RunResult again = run_simulation(c);
  const RunResult& first = demo();
  EXPECT_EQ(again.trace_hash, first.trace_hash);
  EXPECT_EQ(again.exchanges, first.exchanges);
  EXPECT_EQ(again.faults_fired, first.faults_fired);
  EXPECT_EQ(again.simulated, first.simulated);
  EXPECT_EQ(again.outcome.kind, first.outcome.kind);
  EXPECT_EQ(again.outcome.message, first.outcome.message);
  EXPECT_EQ(ids(again), ids(first));
  EXPECT_EQ(again.journal.dump(), first.journal.dump());
  EXPECT_EQ(again.transitions, first.transitions);
}

TEST(SimRun, AnotherSeedAnotherTraceOnAProbabilisticScenario) {
  RunConfig a = config("seeded-probabilistic-transient", 15);
  RunConfig b = config("seeded-probabilistic-transient", 16);
  a.keep_journal = b.keep_journal = true;
  const RunResult ra = run_simulation(a), rb = run_simulation(b);
  EXPECT_NE(ra.trace_hash, rb.trace_hash);
  EXPECT_NE(faulted_entries(ra), faulted_entries(rb));
  EXPECT_GT(ra.faults_fired, 0u);
  EXPECT_TRUE(ra.violations.empty()) << violations_text(ra);
  EXPECT_TRUE(rb.violations.empty()) << violations_text(rb);
}

TEST(SimRun, DemoPassesEverything) {
  const RunResult& r = demo();
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.violations.empty()) << violations_text(r);
  EXPECT_EQ(r.outcome.kind, client::OutcomeKind::kSuccess) << r.outcome.message;
  ASSERT_TRUE(r.liveness_outcome.has_value());
  EXPECT_EQ(r.liveness_outcome->kind, client::OutcomeKind::kSuccess) << r.liveness_outcome->message;
  EXPECT_EQ(r.faults_fired, 1u);  // the transient 503 on the second poll
  ASSERT_TRUE(r.verdict.has_value());
  EXPECT_EQ(r.verdict->result(), "pass");
  EXPECT_EQ(r.exchanges, r.journal["entries"].size());
}

TEST(SimRun, ClientIgnoringRetryAfterIsCaught) {
  RunConfig c = config("demo");
  c.mutant = Mutant::kClientIgnoresRetryAfter;
  c.liveness_client = false;
  const RunResult r = run_simulation(c);
  EXPECT_TRUE(has(r, "retry-after-honoured")) << violations_text(r);
}

TEST(SimRun, ServerIgnoringDeleteIsCaught) {
  RunConfig c = config("demo");
  c.mutant = Mutant::kServerIgnoresDelete;
  c.liveness_client = false;
  const RunResult r = run_simulation(c);
  EXPECT_EQ(ids(r), std::vector<std::string>{"delete-honoured"}) << violations_text(r);
  EXPECT_EQ(r.outcome.kind, client::OutcomeKind::kSuccess) << r.outcome.message;
}

TEST(SimRun, BadClientArgumentsAreAnError) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--parallel", "zero"}, {"--no-such-flag"}, {"--parallel", "0"}}) {
    RunConfig c = config("demo");
    c.client_args = args;
    const RunResult r = run_simulation(c);
    EXPECT_NE(r.error.find("client arguments"), std::string::npos) << args[0] << ": " << r.error;
    EXPECT_EQ(r.exchanges, 0u);
  }
}

TEST(SimRun, TimeScaleShortensTheRunNotItsOutcome) {
  RunConfig scaled = config("429-storm-slow-job");
  ASSERT_GT(scaled.time_scale, 10.0);
  RunConfig real_time = scaled;
  real_time.time_scale = 1.0;
  const RunResult fast = run_simulation(scaled), slow = run_simulation(real_time);
  EXPECT_LT(fast.simulated * 10, slow.simulated)
      << to_seconds(fast.simulated) << " s vs " << to_seconds(slow.simulated) << " s";
  EXPECT_GE(slow.simulated, std::chrono::minutes(10));  // the job takes 10 minutes
  EXPECT_EQ(fast.outcome.kind, client::OutcomeKind::kSuccess) << fast.outcome.message;
  EXPECT_EQ(slow.outcome.kind, fast.outcome.kind) << slow.outcome.message;
  EXPECT_EQ(fast.faults_fired, 5u);
  EXPECT_EQ(slow.faults_fired, 5u);
  EXPECT_TRUE(fast.violations.empty()) << violations_text(fast);
  EXPECT_TRUE(slow.violations.empty()) << violations_text(slow);
}

}  // namespace
}  // namespace bh::sim
