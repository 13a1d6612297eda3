#include "mockserver/judge/judge.hpp"

#include <algorithm>

#include "mockserver/judge/judge_rule.hpp"

namespace bh::judge {

Verdict judge(const Session& session) {
  const JudgeSettings& cfg = session.settings();
  Verdict v;
  v.scenario = cfg.scenario_id;
  v.ig_version = std::string(protocol::to_string(cfg.ig_version));
  v.time_scale = cfg.time_scale;
  v.expected_outcome = cfg.expected_outcome;
  v.clients = session.clients();
  v.exchanges = session.exchanges().size();
  v.dropped = session.dropped();
  for (const auto& rule : judge_rules()) {
    RuleResult base;
    base.id = std::string(rule.id);
    base.requirements = rule.requirements;
    base.level = std::string(rule.level);
    base.title = std::string(rule.title);
    v.rules.push_back(rule.evaluate(session, std::move(base)));
  }
  v.not_judged = not_judged();
  for (const auto& id : cfg.expected_ids) {
    const bool confirmed = std::any_of(v.rules.begin(), v.rules.end(), [&](const RuleResult& r) {
      return r.outcome != Outcome::kNotApplicable &&
             std::find(r.requirements.begin(), r.requirements.end(), id) != r.requirements.end();
    });
    if (!confirmed) v.unconfirmed.push_back(id);
  }
  return v;
}

Result<Verdict> judge_journal(const nlohmann::json& journal, JudgeSettings settings) {
  auto session = Session::from_journal(journal, std::move(settings));
  if (!session) return session.error();
  return judge(*session);
}

}  // namespace bh::judge
