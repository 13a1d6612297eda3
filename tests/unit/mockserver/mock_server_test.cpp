#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "mockserver/mock_server.hpp"
#include "protocol/operation_outcome.hpp"

namespace bh::mockserver {
namespace {

protocol::Request get(std::string target) {
  protocol::Request r;
  r.method = "GET";
  r.target = std::move(target);
  r.client_id = "c1";
  return r;
}

MockServerConfig demo_config() {
  MockServerConfig c;
  c.service.base_url = "http://127.0.0.1:1/fhir";
  c.data.members = 20;
  c.scenario = builtin_scenario("demo").value();
  c.started_at = kVirtualEpoch;
  return c;
}

TEST(MockServer, DemoScenarioFailsExactlyTheSecondPollAndJournalsIt) {
  VirtualClock clock;
  MockServer server(demo_config());
  auto k = server.handle(get("/fhir/$export"), clock.now());
  ASSERT_EQ(k.status, 202);
  const std::string status = std::string(*k.headers.get("Content-Location"))
                                 .substr(std::string("http://127.0.0.1:1").size());
  std::vector<int> statuses;
  for (int i = 0; i < 4; ++i) {
    clock.advance(seconds(30));
    statuses.push_back(server.handle(get(status), clock.now()).status);
  }
  EXPECT_EQ(statuses, (std::vector<int>{202, 503, 202, 202}));
  const auto& entries = server.journal().entries();
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0].endpoint, "kickoff");
  EXPECT_TRUE(entries[1].faults.empty());
  ASSERT_EQ(entries[2].faults.size(), 1u);
  EXPECT_EQ(entries[2].faults[0].kind, "transient-error");
  EXPECT_EQ(entries[2].faults[0].rule, "transient-second-poll");
  EXPECT_EQ(entries[2].faults[0].match, 2u);
  EXPECT_EQ(entries[2].status, 503);
  EXPECT_EQ(entries[2].at, seconds(60));
}

TEST(MockServer, TransientErrorBodyIsATransientOutcome) {
  VirtualClock clock;
  MockServer server(demo_config());
  auto k = server.handle(get("/fhir/$export"), clock.now());
  const std::string status = std::string(*k.headers.get("Content-Location"))
                                 .substr(std::string("http://127.0.0.1:1").size());
  server.handle(get(status), clock.now());
  clock.advance(seconds(30));
  auto r = server.handle(get(status), clock.now());
  ASSERT_EQ(r.status, 503);
  auto issues = protocol::parse_outcome(r.body);
  ASSERT_TRUE(issues.ok());
  EXPECT_TRUE(protocol::is_transient_outcome(*issues));  // ST-12
}

TEST(MockServer, AdminJournalAndReset) {
  VirtualClock clock;
  MockServer server(demo_config());
  server.handle(get("/fhir/metadata"), clock.now());
  auto j = server.handle(get("/__admin/journal"), clock.now());
  ASSERT_EQ(j.status, 200);
  auto journal = nlohmann::json::parse(j.body);
  ASSERT_EQ(journal["entries"].size(), 1u);  // admin requests are not journalled
  EXPECT_EQ(journal["entries"][0]["endpoint"], "metadata");
  protocol::Request reset = get("/__admin/reset");
  reset.method = "POST";
  EXPECT_EQ(server.handle(reset, clock.now()).status, 200);
  EXPECT_TRUE(server.journal().entries().empty());
  EXPECT_EQ(server.handle(get("/__admin/nope"), clock.now()).status, 404);
}

TEST(MockServer, JournalIsBounded) {
  VirtualClock clock;
  auto config = demo_config();
  config.journal_capacity = 3;
  MockServer server(config);
  for (int i = 0; i < 5; ++i)
    server.handle(get("/fhir/metadata"), clock.now());
  EXPECT_EQ(server.journal().entries().size(), 3u);
  EXPECT_EQ(server.journal().dropped(), 2u);
  EXPECT_EQ(server.journal().entries().front().seq, 3u);
}

TEST(MockServer, UnknownBuiltinScenarioNamesTheChoices) {
  auto s = builtin_scenario("nope");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("default, demo"), std::string::npos);
}

}  // namespace
}  // namespace bh::mockserver
