// The admin API: replace the scenario, read and set state, read rule counters and jobs, move
// and freeze time; bad bodies get 400 with the reason. Plus determinism of whole runs.
#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "scenario_fixture.hpp"

namespace bh::mockserver {
namespace {

using Json = nlohmann::ordered_json;
using testing::MockTest;

Json body(const protocol::Response& r) {
  return Json::parse(r.body);
}

TEST(AdminApi, PutScenarioReplacesTheRulesAndRejectsBadOnesByPath) {
  MockTest t(testing::scenario_json(Json::array()));
  Json next = testing::scenario_json(Json::array({{{"id", "all-throttled"},
                                                   {"match", {{"endpoint", "kickoff"}}},
                                                   {"fault", {{"kind", "throttle"}}}}}));
  next["id"] = "replaced";
  auto put = t.admin("PUT", "scenario", next.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(t.get("/fhir/$export", testing::kickoff_headers()).status, 429);
  EXPECT_EQ(body(t.admin("GET", "scenario"))["id"], "replaced");
  next["rules"][0]["fault"]["form"] = "sometimes";
  auto bad = t.admin("PUT", "scenario", next.dump());
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("/rules/0/fault/form"), std::string::npos) << bad.body;
  EXPECT_EQ(t.admin("PUT", "scenario", "{not json").status, 400);
  EXPECT_EQ(body(t.admin("GET", "scenario"))["id"], "replaced");  // a bad PUT changes nothing
}

TEST(AdminApi, StateCanBeReadAndSetButOnlyToADeclaredState) {
  Json s = testing::scenario_json(
      Json::array({{{"id", "when-broken"},
                    {"match", {{"endpoint", "metadata"}, {"state", "broken"}}},
                    {"fault", {{"kind", "transient-error"}}}}}));
  s["states"] = {"fine", "broken"};
  MockTest t(s);
  EXPECT_EQ(body(t.admin("GET", "state"))["state"], "fine");
  EXPECT_EQ(t.get("/fhir/metadata").status, 200);
  ASSERT_EQ(t.admin("PUT", "state", R"({"state":"broken"})").status, 200);
  EXPECT_EQ(t.get("/fhir/metadata").status, 503);
  auto bad = t.admin("PUT", "state", R"({"state":"brokne"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("one of: fine, broken"), std::string::npos) << bad.body;
  EXPECT_EQ(body(t.admin("GET", "state"))["state"], "broken");
}

TEST(AdminApi, RulesJobsAndJournalNameWhatFired) {
  MockTest t(testing::scenario_json(
      Json::array({{{"id", "second-poll"},
                    {"match", {{"endpoint", "status"}}},
                    {"schedule", {{"nth", 2}}},
                    {"fault", {{"kind", "transient-error"}, {"code", "lock-error"}}}}})));
  const std::string status = t.kickoff();
  for (int i = 0; i < 3; ++i) {
    t.clock.advance(seconds(2));
    t.get(status);
  }
  const Json rules = body(t.admin("GET", "rules"));
  EXPECT_EQ(rules[0]["matched"], 3);
  EXPECT_EQ(rules[0]["fired"], 1);
  const Json jobs = body(t.admin("GET", "jobs"));
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["ordinal"], 1);
  EXPECT_EQ(jobs[0]["state"], "running");
  const Json journal = body(t.admin("GET", "journal"));
  EXPECT_EQ(journal["entries"][2]["faults"][0]["rule"], "second-poll");
  EXPECT_EQ(journal["entries"][2]["faults"][0]["kind"], "transient-error");
  EXPECT_EQ(journal["entries"][2]["job_ordinal"], 1);
  EXPECT_FALSE(journal["entries"][1].contains("faults"));
}

TEST(AdminApi, ClockAdvancesAndFreezesScenarioTime) {
  auto config = testing::mock_config(testing::scenario_from(testing::scenario_json(Json::array())));
  config.frozen = true;  // serve --clock manual
  MockServer server(config);
  VirtualClock clock;
  auto send = [&](protocol::Request r) { return server.handle(r, clock.now()); };
  auto k = send(testing::get("/fhir/$export", testing::kickoff_headers()));
  const std::string status = testing::path_of(*k.headers.get("Content-Location"));
  clock.advance(seconds(120));  // real time passes, scenario time does not
  EXPECT_EQ(send(testing::get(status)).status, 202);
  auto adv = testing::get("/__admin/clock");
  adv.method = "POST";
  adv.body = R"({"advance": "61s"})";
  auto r = send(adv);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body(r)["frozen"].get<bool>());
  EXPECT_EQ(send(testing::get(status)).status, 200);  // the 60 s job is done
  adv.body = R"({"freeze": false})";
  EXPECT_FALSE(body(send(adv))["frozen"].get<bool>());
  adv.body = R"({"advance": "soon"})";
  EXPECT_EQ(send(adv).status, 400);
  adv.body = R"({"rewind": "1s"})";
  EXPECT_EQ(send(adv).status, 400);
}

TEST(AdminApi, ResetForgetsJobsCountersAndJournal) {
  MockTest t(testing::scenario_json(Json::array({{{"id", "first"},
                                                  {"match", {{"endpoint", "kickoff"}}},
                                                  {"schedule", {{"first", 1}}},
                                                  {"fault", {{"kind", "throttle"}}}}})));
  EXPECT_EQ(t.get("/fhir/$export", testing::kickoff_headers()).status, 429);
  EXPECT_EQ(t.get("/fhir/$export", testing::kickoff_headers()).status, 202);
  EXPECT_EQ(t.admin("POST", "reset").status, 200);
  EXPECT_TRUE(t.server.journal().entries().empty());
  EXPECT_EQ(t.get("/fhir/$export", testing::kickoff_headers()).status, 429);  // counters reset
}

// One scripted run: kick-off, polls through the job, manifest, every file, DELETE; returns the
// journal JSON and the bodies received.
std::string run(const Json& scenario, std::uint64_t seed) {
  MockTest t(scenario, seed);
  std::string all;
  const std::string status = t.kickoff();
  for (int i = 0; i < 40; ++i) {
    t.clock.advance(seconds(2));
    auto r = testing::seen(t.get(status));
    all += std::to_string(r.status) + r.body;
    if (r.status != 200) continue;
    auto m = Json::parse(r.body, nullptr, false);
    if (m.is_discarded() || !m.contains("output")) continue;
    for (const auto& o : m["output"])
      all += testing::seen(t.get(testing::path_of(o.value("url", "")))).body;
    break;
  }
  t.del(status);
  return t.server.journal().to_json().dump() + all;
}

TEST(Determinism, SameScenarioAndSeedGiveTheSameJournalByteForByte) {
  const Json s = testing::scenario_json(
      Json::array({{{"id", "flaky"},
                    {"match", {{"endpoint", "status"}}},
                    {"schedule", {{"probability", 0.3}}},
                    {"fault", {{"kind", "transient-error"}}}},
                   {{"id", "noise"},
                    {"match", {{"endpoint", "file"}}},
                    {"schedule", {{"probability", 0.5}}},
                    {"fault", {{"kind", "garbage-then-close"}, {"bytes", 32}}}},
                   {{"id", "lines"},
                    {"match", {{"endpoint", "file"}}},
                    {"fault", {{"kind", "ndjson-crlf"}}}}}));
  const std::string a = run(s, 42), b = run(s, 42), c = run(s, 43);
  EXPECT_EQ(stream_id(a), stream_id(b));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c) << "another seed should draw other faults";
}

}  // namespace
}  // namespace bh::mockserver
