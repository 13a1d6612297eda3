// Every registered fault kind: well described, and firing exactly as scheduled (the 2nd matched
// request, not the 1st or 3rd), journalled with its rule, and visibly changing the answer.
#include <gtest/gtest.h>

#include <set>

#include "mockserver/faults/registry.hpp"
#include "protocol/requirements.hpp"
#include "scenario_fixture.hpp"

namespace bh::mockserver {
namespace {

using testing::MockTest;
using testing::Seen;
using Json = nlohmann::ordered_json;

TEST(FaultRegistry, EveryKindIsDescribedAndNamesRealRequirements) {
  std::set<std::string> ids;
  ASSERT_GE(fault_kinds().size(), 50u);
  for (const auto& k : fault_kinds()) {
    SCOPED_TRACE(k.id);
    EXPECT_TRUE(ids.insert(k.id).second) << "duplicate id";
    EXPECT_EQ(k.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-"), std::string::npos);
    EXPECT_FALSE(k.summary.empty());
    EXPECT_FALSE(k.family.empty());
    EXPECT_FALSE(k.endpoints.empty());
    ASSERT_FALSE(k.requirements.empty());
    for (const auto& r : k.requirements)
      EXPECT_TRUE(protocol::is_requirement_id(r)) << r;
    EXPECT_TRUE(k.make);
    // Defaults pass their own specs, and an unknown parameter is refused by name.
    auto defaults = check_params(k, Json{{"kind", k.id}}, "/fault");
    bool required = false;
    for (const auto& p : k.params)
      required = required || p.default_value.is_null();
    EXPECT_EQ(defaults.ok(), !required);
    auto unknown = check_params(k, Json{{"kind", k.id}, {"no_such_param", 1}}, "/fault");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message().find("/fault/no_such_param"), std::string::npos);
  }
}

// Parameters a kind needs so that the generic flow below can see it fire.
Json params_for(const FaultKind& k) {
  Json f = {{"kind", k.id}};
  if (k.id == "separate-export-status") f["force"] = true;
  if (k.id == "throttle-quota") f["limit"] = 0;  // every matched request is over the quota
  if (k.id == "ndjson-long-line") f["bytes"] = 5000;
  return f;
}

enum class Phase { kRunning, kCompleted, kDeleted };

// Three requests to `endpoint` (for "any": kick-off then two status polls), returning what each
// got. Spaced 2 s apart so the service's own poll throttle (ST-05) never answers.
std::vector<Seen> flow(MockTest& t, const std::string& endpoint, Phase phase) {
  std::vector<Seen> out;
  auto step = [&](protocol::Response r) {
    out.push_back(testing::seen(std::move(r)));
    t.clock.advance(seconds(2));
  };
  protocol::Headers bare;  // no Accept/Prefer: the service accepts; strict checks fire
  if (endpoint == "kickoff") {
    for (int i = 0; i < 3; ++i)
      step(t.get("/fhir/$export", bare));
    return out;
  }
  if (endpoint == "metadata") {
    for (int i = 0; i < 3; ++i)
      step(t.get("/fhir/metadata"));
    return out;
  }
  if (endpoint == "any") {
    auto k = t.get("/fhir/$export", bare);
    const std::string status = testing::path_of(k.headers.get("Content-Location").value_or(""));
    step(std::move(k));
    if (phase == Phase::kCompleted) t.clock.advance(seconds(61));
    for (int i = 0; i < 2; ++i)
      step(t.get(status));
    return out;
  }
  const std::string status = t.kickoff();
  if (phase == Phase::kCompleted || endpoint == "file") t.clock.advance(seconds(61));
  if (phase == Phase::kDeleted && endpoint == "status") t.del(status);
  if (endpoint == "status") {
    for (int i = 0; i < 3; ++i)
      step(t.get(status));
  } else if (endpoint == "delete") {
    for (int i = 0; i < 3; ++i)
      step(t.del(status));
  } else if (endpoint == "file") {
    // Fetch the manifest from a server without rules matching status: the rule matches files.
    auto m = t.get(status);
    auto manifest = Json::parse(testing::seen(std::move(m)).body);
    const std::string file = testing::path_of(manifest["output"][0]["url"].get<std::string>());
    for (int i = 0; i < 3; ++i)
      step(t.get(file));
  }
  return out;
}

Json rule_for(const FaultKind& k, const std::string& endpoint) {
  return Json::array({{{"id", "under-test"},
                       {"match", {{"endpoint", endpoint}}},
                       {"schedule", {{"nth", 2}}},
                       {"fault", params_for(k)}}});
}

// The journal entries of non-admin requests that named the rule under test.
std::vector<std::uint64_t> fired_at(const MockServer& server) {
  std::vector<std::uint64_t> out;
  std::uint64_t n = 0;
  for (const auto& e : server.journal().entries()) {
    ++n;
    for (const auto& f : e.faults)
      if (f.rule == "under-test") out.push_back(n);
  }
  return out;
}

class EveryKind : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryKind, FiresExactlyOnTheScheduledRequestAndIsJournalled) {
  const FaultKind* k = find_fault_kind(GetParam());
  ASSERT_NE(k, nullptr);
  for (const std::string& endpoint : k->endpoints) {
    SCOPED_TRACE("endpoint " + endpoint);
    bool fired_somewhere = false;
    for (Phase phase : {Phase::kRunning, Phase::kCompleted, Phase::kDeleted}) {
      MockTest faulted(testing::scenario_json(rule_for(*k, endpoint)));
      MockTest baseline(testing::scenario_json(Json::array()));
      const auto got = flow(faulted, endpoint, phase);
      const auto want = flow(baseline, endpoint, phase);
      ASSERT_EQ(got.size(), 3u);
      const auto at = fired_at(faulted.server);
      // The journal index of each of the three requests under test.
      const std::size_t offset = faulted.server.journal().entries().size() - 3;
      if (at.empty()) continue;  // declined in this phase (e.g. a manifest fault on a 202)
      fired_somewhere = true;
      ASSERT_EQ(at.size(), 1u) << "fired more than once";
      EXPECT_EQ(at[0], offset + 2) << "fired on the wrong request";
      EXPECT_EQ(got[0], want[0]) << "the first matched request was changed";
      EXPECT_FALSE(got[1] == want[1]) << "fired but changed nothing";
      const auto& entry = faulted.server.journal().entries()[offset + 1];
      ASSERT_EQ(entry.faults.size(), 1u);
      EXPECT_EQ(entry.faults[0].kind, k->id);
      EXPECT_EQ(entry.faults[0].match, 2u);
    }
    EXPECT_TRUE(fired_somewhere) << k->id << " never fired on endpoint " << endpoint;
  }
}

// The auth family needs a token flow (a registered key, signed assertions, tokens on every
// request) that this generic flow does not have: auth_test.cpp drives each of those kinds
// through it instead, and checks that they decline without SMART.
std::vector<std::string> kind_ids() {
  std::vector<std::string> ids;
  for (const auto& k : fault_kinds())
    if (k.family != "auth") ids.push_back(k.id);
  return ids;
}

TEST(FaultRegistry, EveryAuthKindHasItsOwnTest) {
  const std::set<std::string> tested = {
      "token-invalid-client", "token-invalid-scope", "token-jti-replay-accepted",
      "token-expired-early",  "auth-not-enforced",   "file-forbidden",
      "capability-urls"};
  for (const auto& k : fault_kinds()) {
    if (k.family == "auth") {
      EXPECT_TRUE(tested.contains(k.id)) << k.id << ": add it to auth_test.cpp";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryKind, ::testing::ValuesIn(kind_ids()), [](const auto& p) {
  std::string n = p.param;
  for (auto& c : n)
    if (c == '-') c = '_';
  return n;
});

}  // namespace
}  // namespace bh::mockserver
