#include "sim/expectations.hpp"

#include "core/assert.hpp"

namespace bh::sim {

std::string outcome_name(client::OutcomeKind kind) {
  const auto& names = mockserver::outcome_names();
  const auto i = static_cast<std::size_t>(kind);
  BH_ASSERT(i < names.size(), "outcome_names() follows OutcomeKind");
  return names[i];
}

void check_expectations(const mockserver::Scenario& s, RunResult& r) {
  if (s.expect.stated && outcome_name(r.outcome.kind) != s.expect.outcome)
    r.violations.push_back({"expected-outcome", s.expect.judge, r.simulated,
                            "the client ended " + outcome_name(r.outcome.kind) + " (" +
                                r.outcome.message + "); the scenario expects " + s.expect.outcome});
  if (!r.verdict || r.verdict->result() != "fail") return;
  std::string failed;
  std::vector<std::string> ids;
  for (const auto& rule : r.verdict->rules) {
    if (rule.outcome != judge::Outcome::kFail) continue;
    failed += (failed.empty() ? "" : ", ") + rule.id;
    ids.insert(ids.end(), rule.requirements.begin(), rule.requirements.end());
  }
  r.violations.push_back({"judge", ids, r.simulated, "the judge failed the client: " + failed});
}

}  // namespace bh::sim
