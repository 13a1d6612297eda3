#include "sim/shrink.hpp"

#include <vector>

#include "mockserver/scenario.hpp"

namespace bh::sim {

namespace {

using Json = nlohmann::ordered_json;

// Every one-step simplification of s, simplest-first.
std::vector<Json> candidates(const Json& s) {
  std::vector<Json> out;
  auto with = [&](auto edit) {
    Json c = s;
    edit(c);
    if (c != s) out.push_back(std::move(c));
  };
  if (s.contains("sim")) with([](Json& c) { c.erase("sim"); });
  const std::size_t rules = s.contains("rules") ? s["rules"].size() : 0;
  for (std::size_t i = 0; i < rules; ++i)
    with([i](Json& c) { c["rules"].erase(i); });
  if (s.contains("client_args")) {
    const auto& args = s["client_args"];
    for (std::size_t i = 0; i < args.size(); ++i) {
      // A flag goes with its value; a value is never removed alone ("--parallel" without "2").
      if (!args[i].get<std::string>().starts_with("--")) continue;
      with([i](Json& c) {
        auto& a = c["client_args"];
        const bool valued = i + 1 < a.size() && !a[i + 1].get<std::string>().starts_with("--");
        a.erase(i);
        if (valued) a.erase(i);
        if (a.empty()) c.erase("client_args");
      });
    }
  }
  for (std::size_t i = 0; i < rules; ++i) {
    with([i](Json& c) { c["rules"][i]["schedule"] = {{"nth", 1}}; });
    with([i](Json& c) { c["rules"][i].erase("swarm"); });
    with([i](Json& c) {
      Json& f = c["rules"][i]["fault"];
      f = {{"kind", f["kind"]}};
    });
  }
  if (s.contains("data")) {
    with([](Json& c) { c["data"]["members"] = 10; });
    with([](Json& c) { c["data"]["members_per_file"] = c["data"].value("members", 10); });
  }
  if (s.contains("job")) {
    with([](Json& c) { c["job"]["duration"] = "0s"; });
    with([](Json& c) { c["job"]["retry_after"] = "1s"; });
    with([](Json& c) { c["job"]["progress_steps"] = 0; });
    with([](Json& c) { c["job"]["retry_after_form"] = "seconds"; });
  }
  with([](Json& c) { c["ig_version"] = "2.0.0"; });
  return out;
}

}  // namespace

ShrinkResult shrink_scenario(Json scenario, const std::function<bool(const Json&)>& still_fails,
                             std::size_t budget) {
  ShrinkResult r;
  for (bool progress = true; progress && r.tried < budget;) {
    progress = false;
    for (Json& c : candidates(scenario)) {
      if (r.tried >= budget) break;
      if (!mockserver::parse_scenario(c, "shrink")) continue;  // never offer a broken file
      ++r.tried;
      if (!still_fails(c)) continue;
      scenario = std::move(c);
      ++r.accepted;
      progress = true;
      break;  // recompute candidates from the simpler scenario
    }
  }
  r.scenario = std::move(scenario);
  return r;
}

}  // namespace bh::sim
