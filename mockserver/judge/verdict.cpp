#include "mockserver/judge/verdict.hpp"

#include <chrono>
#include <cstdio>

#include "protocol/text_quote.hpp"

namespace bh::judge {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kFail:
      return "fail";
    case Outcome::kWarn:
      return "warn";
    case Outcome::kNotApplicable:
      return "n/a";
  }
  return "n/a";
}

std::uint64_t Verdict::count(Outcome o) const {
  std::uint64_t n = 0;
  for (const auto& r : rules)
    n += r.outcome == o ? 1 : 0;
  return n;
}

std::string Verdict::result() const {
  if (count(Outcome::kFail) > 0) return "fail";
  if (dropped > 0) return "inconclusive";
  return "pass";
}

namespace {
std::int64_t ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

nlohmann::ordered_json evidence_json(const Evidence& e) {
  nlohmann::ordered_json j;
  if (e.seq != 0) {
    j["seq"] = e.seq;
    j["at_ms"] = ms(e.at);
  }
  j["expected"] = e.expected;
  j["observed"] = e.observed;
  return j;
}

nlohmann::ordered_json rule_json(const RuleResult& r) {
  nlohmann::ordered_json j = {
      {"id", r.id},          {"requirements", r.requirements},  {"level", r.level},
      {"title", r.title},    {"outcome", to_string(r.outcome)}, {"detail", r.detail},
      {"checked", r.checked}};
  nlohmann::ordered_json ev = nlohmann::ordered_json::array();
  for (const auto& e : r.evidence)
    ev.push_back(evidence_json(e));
  j["evidence"] = ev;
  if (r.evidence_left_out > 0) j["evidence_left_out"] = r.evidence_left_out;
  return j;
}
}  // namespace

nlohmann::ordered_json to_json(const Verdict& v) {
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const auto& r : v.rules)
    rules.push_back(rule_json(r));
  nlohmann::ordered_json not_judged = nlohmann::ordered_json::array();
  for (const auto& n : v.not_judged)
    not_judged.push_back({{"requirement", n.requirement}, {"why", n.why}});
  return {{"verdict", v.result()},
          {"scenario", v.scenario},
          {"ig_version", v.ig_version},
          {"time_scale", v.time_scale},
          {"expected_outcome", v.expected_outcome},
          {"clients", v.clients},
          {"exchanges", v.exchanges},
          {"journal_dropped", v.dropped},
          {"summary",
           {{"pass", v.count(Outcome::kPass)},
            {"fail", v.count(Outcome::kFail)},
            {"warn", v.count(Outcome::kWarn)},
            {"not_applicable", v.count(Outcome::kNotApplicable)}}},
          {"rules", rules},
          {"unconfirmed", v.unconfirmed},
          {"not_judged", not_judged}};
}

std::string to_text(const Verdict& v) {
  std::string out = "judge: " + v.result() + " (scenario " + v.scenario + ", " +
                    std::to_string(v.exchanges) + " requests; " +
                    std::to_string(v.count(Outcome::kPass)) + " pass, " +
                    std::to_string(v.count(Outcome::kFail)) + " fail, " +
                    std::to_string(v.count(Outcome::kWarn)) + " warn, " +
                    std::to_string(v.count(Outcome::kNotApplicable)) + " n/a)\n";
  if (v.dropped > 0)
    out += "  the journal dropped " + std::to_string(v.dropped) +
           " entries: raise --journal-capacity to judge the whole run\n";
  for (const auto& r : v.rules) {
    char line[160];
    std::string ids;
    for (const auto& id : r.requirements)
      ids += (ids.empty() ? "" : ",") + id;
    std::snprintf(line, sizeof line, "  %-5s %-28s %-16s ",
                  std::string(to_string(r.outcome)).c_str(), r.id.c_str(), ids.c_str());
    out += line + r.detail + "\n";
    if (r.outcome != Outcome::kFail && r.outcome != Outcome::kWarn) continue;
    std::size_t shown = 0;
    for (const auto& e : r.evidence) {
      if (shown++ == 3) break;
      out += "        ";
      if (e.seq != 0)
        out += "#" + std::to_string(e.seq) + " at " + std::to_string(ms(e.at)) + " ms: ";
      out += "expected " + e.expected + "; observed " + e.observed + "\n";
    }
  }
  // Observations quote what the client sent: safe for the terminal whatever it was.
  return protocol::terminal_safe(out);
}

}  // namespace bh::judge
