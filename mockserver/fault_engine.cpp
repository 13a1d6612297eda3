#include "mockserver/fault_engine.hpp"
#include "core/strings.hpp"

#include "mockserver/faults/registry.hpp"
#include "protocol/url.hpp"

namespace bh::mockserver {

FaultEngine::FaultEngine(const Scenario& scenario, std::uint64_t seed)
    : scenario_(scenario), seed_(seed), state_(scenario.initial_state) {
  for (const auto& rule : scenario_.rules) {
    const FaultKind* kind = find_fault_kind(rule.kind);
    BH_ASSERT(kind, "a rule's fault kind must be validated by the loader");
    Slot slot;
    slot.rule = &rule;
    slot.fault = kind->make(rule.params);
    slot.enabled = !rule.swarm || swarm_enabled(seed_, rule.id, scenario_.swarm_probability);
    slots_.push_back(std::move(slot));
  }
}

namespace {
std::string file_name(const protocol::Request& request) {
  auto t = protocol::split_target(request.target);
  if (!t) return {};
  auto slash = t->path.rfind('/');
  return slash == std::string::npos ? t->path : t->path.substr(slash + 1);
}
}  // namespace

bool FaultEngine::matches(const Slot& slot, const RequestInfo& info) const {
  const Match& m = slot.rule->match;
  if (!slot.enabled) return false;
  if (m.endpoint != "any" && m.endpoint != protocol::to_string(info.cls.endpoint)) return false;
  if (m.method && *m.method != info.request.method) return false;
  if (m.job && *m.job != info.job_ordinal) return false;
  if (m.file && file_name(info.request).find(*m.file) == std::string::npos) return false;
  if (m.after && info.since_start < *m.after) return false;
  if (m.before && info.since_start >= *m.before) return false;
  if (m.state && *m.state != state_) return false;
  if (m.job_state) {
    if (!info.job || protocol::to_string(info.job->state_at(info.now)) != *m.job_state)
      return false;
  }
  return true;
}

protocol::Response FaultEngine::handle(const RequestInfo& info, ExtraFiles& files,
                                       const Next& service, std::vector<FiredFault>& fired) {
  std::vector<std::size_t> chosen;
  std::vector<std::uint64_t> numbers;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    if (!matches(slot, info)) continue;
    const Schedule& s = slot.rule->schedule;
    const std::uint64_t n = s.per_job ? ++slot.per_job[info.cls.job_id] : ++slot.matched;
    if (s.per_job) ++slot.matched;
    if (s.limit && slot.fired >= *s.limit) continue;
    if (!s.fires(n, seed_, slot.rule->id)) continue;
    chosen.push_back(i);
    numbers.push_back(n);
  }
  std::vector<bool> did_fire(chosen.size(), false);
  protocol::Response r = chain(chosen, 0, numbers, did_fire, info, files, service);
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    if (!did_fire[k]) continue;
    Slot& slot = slots_[chosen[k]];
    ++slot.fired;
    fired.push_back({slot.rule->id, slot.rule->kind, numbers[k]});
    if (slot.rule->set_state) state_ = *slot.rule->set_state;
  }
  return r;
}

protocol::Response FaultEngine::chain(const std::vector<std::size_t>& chosen, std::size_t i,
                                      std::vector<std::uint64_t>& numbers, std::vector<bool>& fired,
                                      const RequestInfo& info, ExtraFiles& files,
                                      const Next& service) {
  if (i == chosen.size()) return service();
  Slot& slot = slots_[chosen[i]];
  FaultContext ctx{info.request,
                   info.cls,
                   info.now,
                   info.service,
                   info.job,
                   numbers[i],
                   rule_rng(seed_, slot.rule->id, numbers[i]),
                   files,
                   info.tokens};
  const Next next = [&] { return chain(chosen, i + 1, numbers, fired, info, files, service); };
  protocol::Response r = slot.fault->apply(ctx, next);
  fired[i] = !ctx.declined;
  return r;
}

Status FaultEngine::set_state(const std::string& state) {
  for (const auto& s : scenario_.states)
    if (s == state) {
      state_ = state;
      return Ok{};
    }
  return make_error("state", "undeclared state",
                    scenario_.states.empty() ? "none: the scenario declares no states"
                                             : "one of: " + join(scenario_.states, ", "),
                    "\"" + state + "\"");
}

nlohmann::ordered_json FaultEngine::rules_json() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& slot : slots_)
    out.push_back({{"id", slot.rule->id},
                   {"kind", slot.rule->kind},
                   {"enabled", slot.enabled},
                   {"matched", slot.matched},
                   {"fired", slot.fired}});
  return out;
}

std::string FaultEngine::swarm_report() const {
  std::vector<std::string> on, off;
  for (const auto& slot : slots_)
    if (slot.rule->swarm) (slot.enabled ? on : off).push_back(slot.rule->id);
  if (on.empty() && off.empty()) return {};
  char p[32];
  std::snprintf(p, sizeof p, "%g", scenario_.swarm_probability);
  return "swarm (seed " + std::to_string(seed_) + ", p " + p +
         "): on: " + (on.empty() ? "none" : join(on, ", ")) +
         "; off: " + (off.empty() ? "none" : join(off, ", "));
}

}  // namespace bh::mockserver
