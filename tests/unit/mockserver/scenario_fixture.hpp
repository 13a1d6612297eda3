// Test fixture: a MockServer running a scenario written inline, driven on a virtual timeline.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "mockserver/faults/fault_support.hpp"
#include "mockserver/mock_server.hpp"
#include "service_fixture.hpp"

namespace bh::testing {

inline constexpr const char* kOrigin = "http://127.0.0.1:9999";

inline mockserver::Scenario scenario_from(const nlohmann::ordered_json& j) {
  auto s = mockserver::parse_scenario(j, "test");
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message());
  return s.ok() ? std::move(*s) : mockserver::Scenario{};
}

// A scenario around `rules`: 40 members in files of 20, a 60 s job, Retry-After 2 s.
inline nlohmann::ordered_json scenario_json(nlohmann::ordered_json rules) {
  return {{"id", "t"},
          {"description", "test"},
          {"data", {{"members", 40}, {"members_per_file", 20}}},
          {"job", {{"duration", "60s"}, {"retry_after", "2s"}}},
          {"rules", std::move(rules)}};
}

inline mockserver::MockServerConfig mock_config(mockserver::Scenario scenario,
                                                std::uint64_t seed = 7) {
  mockserver::MockServerConfig c;
  c.service.base_url = std::string(kOrigin) + "/fhir";
  c.service.seed = seed;
  c.service.wire = TimeScale{kVirtualEpoch, 1.0};
  c.data.seed = seed;
  c.scenario = std::move(scenario);
  c.started_at = kVirtualEpoch;
  return c;
}

// A response with its body in memory, for comparisons.
struct Seen {
  int status = 0;
  std::vector<protocol::Header> headers;
  std::string body;
  std::string wire;
  bool operator==(const Seen&) const = default;
};

inline Seen seen(protocol::Response r) {
  EXPECT_TRUE(mockserver::drain_body(r).ok());
  Seen s{r.status, {r.headers.begin(), r.headers.end()}, r.body, ""};
  if (r.wire) s.wire = std::string(protocol::to_string(r.wire->action));
  return s;
}

inline std::string path_of(std::string_view url) {
  return std::string(url.starts_with(kOrigin) ? url.substr(std::string_view(kOrigin).size()) : url);
}

class MockTest {
 public:
  explicit MockTest(const nlohmann::ordered_json& scenario, std::uint64_t seed = 7)
      : server(mock_config(scenario_from(scenario), seed)) {}

  protocol::Response send(protocol::Request r) { return server.handle(r, clock.now()); }
  protocol::Response get(const std::string& target, protocol::Headers h = {}) {
    return send(testing::get(target, std::move(h)));
  }
  protocol::Response del(const std::string& target) {
    auto r = testing::get(target);
    r.method = "DELETE";
    return send(r);
  }
  protocol::Response admin(const std::string& method, const std::string& path,
                           std::string body = {}) {
    auto r = testing::get("/__admin/" + path);
    r.method = method;
    r.body = std::move(body);
    return send(r);
  }
  // Kick-off that the service accepts; returns the status path.
  std::string kickoff(protocol::Headers h = kickoff_headers()) {
    auto r = get("/fhir/$export", std::move(h));
    auto loc = r.headers.get("Content-Location");
    EXPECT_EQ(r.status, 202);
    return loc ? path_of(*loc) : std::string();
  }

  VirtualClock clock;
  mockserver::MockServer server;
};

}  // namespace bh::testing
