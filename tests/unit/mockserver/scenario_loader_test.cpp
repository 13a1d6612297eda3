// Scenario files: every mistake a person can make is named with the file, the JSON path, what
// was expected and what was found; valid files round-trip; the schema on disk is the generated
// one; every file in scenarios/ loads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mockserver/scenario.hpp"

namespace bh::mockserver {
namespace {

using Json = nlohmann::ordered_json;

Json base() {
  return Json::parse(R"({
    "id": "s", "description": "d",
    "states": ["a", "b"],
    "rules": [{"id": "r1", "match": {"endpoint": "status"}, "schedule": {"nth": 2},
               "fault": {"kind": "throttle", "retry_after": "120s", "form": "http-date"}}]
  })");
}

std::string error_of(const Json& j) {
  auto s = parse_scenario(j, "f.json");
  EXPECT_FALSE(s.ok()) << "accepted: " << j.dump();
  return s.ok() ? "" : s.error().message();
}

struct Case {
  const char* name;
  std::function<void(Json&)> edit;
  const char* expect;  // substring of the message
};

class LoaderErrors : public ::testing::TestWithParam<Case> {};

TEST_P(LoaderErrors, NameWhereWhatAndExpected) {
  Json j = base();
  GetParam().edit(j);
  const std::string msg = error_of(j);
  EXPECT_NE(msg.find(GetParam().expect), std::string::npos) << msg;
  EXPECT_EQ(msg.rfind("f.json: ", 0), 0u) << msg;
}

const Case kCases[] = {
    {"unknown_top_key", [](Json& j) { j["rulez"] = Json::array(); }, "/rulez: unknown key"},
    {"missing_id", [](Json& j) { j.erase("id"); }, "missing \"id\""},
    {"rules_not_array", [](Json& j) { j["rules"] = 3; }, "/rules: wrong type"},
    {"unknown_kind", [](Json& j) { j["rules"][0]["fault"]["kind"] = "thrtotle"; },
     "/rules/0/fault/kind: unknown fault kind"},
    {"unknown_param", [](Json& j) { j["rules"][0]["fault"]["retry"] = 1; },
     "/rules/0/fault/retry: unknown parameter for fault kind throttle"},
    {"bad_choice", [](Json& j) { j["rules"][0]["fault"]["form"] = "httpdate"; },
     "/rules/0/fault/form: not one of the choices"},
    {"bad_duration", [](Json& j) { j["rules"][0]["fault"]["retry_after"] = "2 minutes"; },
     "/rules/0/fault/retry_after: unknown duration unit"},
    {"negative_nth", [](Json& j) { j["rules"][0]["schedule"]["nth"] = -1; },
     "/rules/0/schedule/nth: expected a positive integer"},
    {"two_schedules", [](Json& j) { j["rules"][0]["schedule"]["first"] = 2; },
     "more than one schedule kind"},
    {"probability_range",
     [](Json& j) {
       j["rules"][0]["schedule"] = {{"probability", 1.5}};
     },
     "/rules/0/schedule/probability: out of range"},
    {"undeclared_state", [](Json& j) { j["rules"][0]["set_state"] = "c"; },
     "/rules/0/set_state: undeclared state: expected one of the declared states: a, b"},
    {"undeclared_match_state", [](Json& j) { j["rules"][0]["match"]["state"] = "zz"; },
     "/rules/0/match/state: undeclared state"},
    {"endpoint_mismatch",
     [](Json& j) {
       j["rules"][0]["fault"] = {{"kind", "ndjson-crlf"}};
     },
     "/rules/0/match/endpoint: fault kind ndjson-crlf means nothing here"},
    {"duplicate_rule", [](Json& j) { j["rules"].push_back(j["rules"][0]); },
     "/rules/1/id: duplicate rule id"},
    {"bad_rule_id", [](Json& j) { j["rules"][0]["id"] = "Bad Id"; }, "/rules/0/id: bad rule id"},
    {"bad_requirement",
     [](Json& j) {
       j["requirements"] = {"ST-04", "ST-99"};
     },
     "/requirements/1: not a requirement ID"},
    {"resources_on_failure",
     [](Json& j) {
       j["expect"] = {{"outcome", "failed"}, {"resources", 3}};
     },
     "/expect/resources: only a successful export"},
    {"bad_outcome",
     [](Json& j) {
       j["expect"] = {{"outcome", "fine"}};
     },
     "/expect/outcome: not one of the choices"},
    {"token_endpoint", [](Json& j) { j["rules"][0]["match"]["endpoint"] = "token"; },
     "the token endpoint exists only with SMART auth on"},
    {"empty_window",
     [](Json& j) {
       j["rules"][0]["match"]["after"] = "2m", j["rules"][0]["match"]["before"] = "1m";
     },
     "empty time window"},
    {"members_range",
     [](Json& j) {
       j["data"] = {{"members", 2}};
     },
     "/data/members: out of range"},
    {"retry_after_too_short",
     [](Json& j) {
       j["job"] = {{"retry_after", "500ms"}};
     },
     "/job/retry_after: too short"},
    {"ig_version", [](Json& j) { j["ig_version"] = "3.0.0"; }, "/ig_version: not one of"},
};

INSTANTIATE_TEST_SUITE_P(Scenario, LoaderErrors, ::testing::ValuesIn(kCases),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(ScenarioLoader, InvalidJsonNamesTheFileAndPosition) {
  auto s = parse_scenario_text("{\"id\": \"x\",, }", "broken.json");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("broken.json: not valid JSON"), std::string::npos);
  EXPECT_NE(s.error().message().find("column"), std::string::npos) << s.error().message();
  auto missing = load_scenario_file("/nonexistent/x.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("cannot open"), std::string::npos);
}

// Found by fuzz_scenario: nlohmann reports a number too large for a double as out_of_range,
// which escaped the loader and ended `serve` (a PUT /__admin/scenario could stop the server).
TEST(ScenarioLoader, ANumberTooLargeIsAnErrorNotACrash) {
  auto s = parse_scenario_text("{\"name\": \"x\", \"time_scale\": 1e999}", "big.json");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("big.json: not valid JSON"), std::string::npos)
      << s.error().message();
}

TEST(ScenarioLoader, DefaultsAreFilledAndValuesKept) {
  auto s = parse_scenario(base(), "f.json");
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(s->initial_state, "a");
  ASSERT_EQ(s->rules.size(), 1u);
  EXPECT_EQ(s->rules[0].params.duration("retry_after"), seconds(120));
  EXPECT_EQ(s->rules[0].params.integer("status"), 429);  // default
  EXPECT_EQ(s->rules[0].schedule.kind, Schedule::Kind::kNth);
  EXPECT_EQ(s->expect.outcome, "success");
}

std::vector<std::string> scenario_files() {
  std::vector<std::string> out;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(BH_SOURCE_DIR) + "/scenarios"))
    if (e.path().extension() == ".json" && e.path().filename() != "scenario.schema.json")
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ScenarioLoader, EveryScenarioFileLoadsRoundTripsAndIsNamedAfterItsId) {
  const auto files = scenario_files();
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) {
    SCOPED_TRACE(f);
    auto s = load_scenario_file(f);
    ASSERT_TRUE(s.ok()) << s.error().message();
    EXPECT_EQ(std::filesystem::path(f).stem().string(), s->name);
    EXPECT_FALSE(s->requirements.empty()) << "a scenario names the requirements it exercises";
    const Json once = scenario_to_json(*s);
    auto again = parse_scenario(once, "round-trip");
    ASSERT_TRUE(again.ok()) << again.error().message();
    EXPECT_EQ(scenario_to_json(*again), once);
  }
  for (const auto& name : builtin_scenario_names()) {
    auto s = builtin_scenario(name);
    ASSERT_TRUE(s.ok()) << name;
    EXPECT_EQ(scenario_to_json(*parse_scenario(scenario_to_json(*s), "rt")), scenario_to_json(*s));
  }
}

TEST(ScenarioLoader, TheSchemaOnDiskIsTheGeneratedOne) {
  std::ifstream in(std::string(BH_SOURCE_DIR) + "/scenarios/scenario.schema.json");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(Json::parse(text.str()) == scenario_schema())
      << "regenerate: bulkharness scenarios schema > scenarios/scenario.schema.json";
}

}  // namespace
}  // namespace bh::mockserver
