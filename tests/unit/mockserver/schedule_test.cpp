// Schedules: exact ones fire on exactly the requests they name; seeded ones are a pure function
// of (seed, rule id, match number), independent of other rules; swarm switches rules per run.
#include <gtest/gtest.h>

#include "mockserver/rule.hpp"
#include "scenario_fixture.hpp"

namespace bh::mockserver {
namespace {

using Json = nlohmann::ordered_json;

std::vector<std::uint64_t> firing(const Schedule& s, std::uint64_t upto, std::uint64_t seed = 1,
                                  const std::string& id = "r") {
  std::vector<std::uint64_t> out;
  for (std::uint64_t n = 1; n <= upto; ++n)
    if (s.fires(n, seed, id)) out.push_back(n);
  return out;
}

TEST(Schedule, ExactSchedulesFireOnExactlyTheNamedMatches) {
  Schedule nth;
  nth.kind = Schedule::Kind::kNth;
  nth.nth = {2, 5};
  EXPECT_EQ(firing(nth, 8), (std::vector<std::uint64_t>{2, 5}));
  Schedule every;
  every.kind = Schedule::Kind::kEvery;
  every.every = 3;
  EXPECT_EQ(firing(every, 10), (std::vector<std::uint64_t>{3, 6, 9}));
  every.offset = 1;
  EXPECT_EQ(firing(every, 10), (std::vector<std::uint64_t>{4, 7, 10}));
  Schedule first;
  first.kind = Schedule::Kind::kFirst;
  first.first = 3;
  EXPECT_EQ(firing(first, 6), (std::vector<std::uint64_t>{1, 2, 3}));
  Schedule from;
  from.kind = Schedule::Kind::kFrom;
  from.from = 4;
  EXPECT_EQ(firing(from, 6), (std::vector<std::uint64_t>{4, 5, 6}));
  EXPECT_EQ(firing(Schedule{}, 3), (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(Schedule, ProbabilityIsSeededPerRuleAndNearItsRate) {
  Schedule p;
  p.kind = Schedule::Kind::kProbability;
  p.probability = 0.3;
  const auto a = firing(p, 4000, 11, "flaky");
  EXPECT_EQ(a, firing(p, 4000, 11, "flaky"));  // same seed and rule: same draws
  EXPECT_NE(a, firing(p, 4000, 12, "flaky"));  // another seed: other draws
  EXPECT_NE(a, firing(p, 4000, 11, "other"));  // another rule: its own stream
  // 4000 draws at p = 0.3: mean 1200, sd 29; 6 sd either way.
  EXPECT_GT(a.size(), 1026u);
  EXPECT_LT(a.size(), 1374u);
  p.probability = 0;
  EXPECT_TRUE(firing(p, 100).empty());
  p.probability = 1;
  EXPECT_EQ(firing(p, 100).size(), 100u);
}

Json status_rule(const std::string& id, Json schedule) {
  return {{"id", id},
          {"match", {{"endpoint", "status"}}},
          {"schedule", std::move(schedule)},
          {"fault", {{"kind", "transient-error"}}}};
}

// Which of 60 status polls each rule fired on, in a MockServer.
std::map<std::string, std::vector<std::uint64_t>> fired_by_rule(const Json& rules,
                                                                std::uint64_t seed) {
  testing::MockTest t(testing::scenario_json(rules), seed);
  const std::string status = t.kickoff();
  for (int i = 0; i < 60; ++i) {
    t.clock.advance(seconds(2));
    t.get(status);
  }
  std::map<std::string, std::vector<std::uint64_t>> out;
  for (const auto& e : t.server.journal().entries())
    for (const auto& f : e.faults)
      out[f.rule].push_back(f.match);
  return out;
}

TEST(Schedule, AddingARuleNeverChangesAnotherRulesDraws) {
  const Json flaky = status_rule("flaky", {{"probability", 0.4}});
  const Json noisy = status_rule("noisy", {{"probability", 0.5}});
  const auto alone = fired_by_rule(Json::array({flaky}), 5);
  ASSERT_FALSE(alone.at("flaky").empty());
  // Added after it: flaky is the outer fault and fires exactly as before.
  const auto after = fired_by_rule(Json::array({flaky, noisy}), 5);
  EXPECT_EQ(alone.at("flaky"), after.at("flaky"));
  // Added before it: where noisy answers itself, flaky's turn never comes; everywhere else it
  // draws exactly as it did alone.
  const auto before = fired_by_rule(Json::array({noisy, flaky}), 5);
  std::vector<std::uint64_t> expected;
  for (auto n : alone.at("flaky"))
    if (!std::binary_search(before.at("noisy").begin(), before.at("noisy").end(), n))
      expected.push_back(n);
  EXPECT_EQ(before.at("flaky"), expected);
  EXPECT_FALSE(before.at("noisy").empty());
}

TEST(Schedule, LimitCapsFiringsAndPerJobCountsEachJobFromOne) {
  const auto fired =
      fired_by_rule(Json::array({status_rule("capped", {{"every", 2}, {"limit", 3}})}), 1);
  EXPECT_EQ(fired.at("capped"), (std::vector<std::uint64_t>{2, 4, 6}));

  testing::MockTest t(testing::scenario_json(
      Json::array({status_rule("second-of-each", {{"nth", 2}, {"per", "job"}})})));
  const std::string a = t.kickoff(), b = t.kickoff();
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    t.clock.advance(seconds(2));
    statuses.push_back(t.get(a).status);
    statuses.push_back(t.get(b).status);
  }
  EXPECT_EQ(statuses, (std::vector<int>{202, 202, 503, 503, 202, 202}));
}

TEST(Schedule, SwarmSwitchesRulesPerSeedAndSaysWhich) {
  Json rules = Json::array();
  for (int i = 0; i < 8; ++i) {
    Json r = status_rule("r" + std::to_string(i), {{"always", true}});
    r["swarm"] = true;
    rules.push_back(r);
  }
  int on = 0, total = 0;
  std::set<std::string> reports;
  for (std::uint64_t seed = 1; seed <= 32; ++seed) {
    testing::MockTest t(testing::scenario_json(rules), seed);
    const std::string report = t.server.engine().swarm_report();
    EXPECT_NE(report.find("seed " + std::to_string(seed)), std::string::npos);
    reports.insert(report.substr(report.find(':')));
    for (const auto& r : t.server.engine().rules_json()) {
      on += r["enabled"].get<bool>() ? 1 : 0;
      ++total;
    }
    EXPECT_EQ(
        t.server.engine().swarm_report(),
        testing::MockTest(testing::scenario_json(rules), seed).server.engine().swarm_report());
  }
  EXPECT_GT(on, total / 4);  // p = 0.5 over 256 draws
  EXPECT_LT(on, total * 3 / 4);
  EXPECT_GT(reports.size(), 20u);  // different seeds choose different sets
}

TEST(Schedule, StatesGateRulesAndSetStateMovesThem) {
  Json s = testing::scenario_json(
      Json::array({{{"id", "trip"},
                    {"match", {{"endpoint", "status"}, {"state", "healthy"}}},
                    {"schedule", {{"nth", 2}}},
                    {"fault", {{"kind", "throttle"}, {"retry_after", "2s"}}},
                    {"set_state", "throttled"}},
                   {{"id", "while-throttled"},
                    {"match", {{"endpoint", "status"}, {"state", "throttled"}}},
                    {"schedule", {{"first", 2}}},
                    {"fault", {{"kind", "transient-error"}}},
                    {"set_state", "healthy"}}}));
  s["states"] = {"healthy", "throttled"};
  testing::MockTest t(s);
  const std::string status = t.kickoff();
  std::vector<int> got;
  for (int i = 0; i < 6; ++i) {
    t.clock.advance(seconds(2));
    got.push_back(t.get(status).status);
  }
  // poll 2 trips the state; the next poll is answered by the second rule, which restores it;
  // "trip" only fires on its 2nd match, so from then on the service answers.
  EXPECT_EQ(got, (std::vector<int>{202, 429, 503, 202, 202, 202}));
  EXPECT_EQ(t.server.engine().state(), "healthy");
}

}  // namespace
}  // namespace bh::mockserver
