// mockserver/judge/verdict: what the judge found, rule by rule, with the evidence.
//
// Contract: a RuleResult is pass / fail / warn / not-applicable, the number of instances it
// looked at, and evidence items naming the request (sequence number and scenario time), what was
// expected and what was observed. Evidence is capped per rule (the count of what was left out is
// kept), so a 10 000-request storm gives a readable verdict. The verdict is `fail` when any rule
// failed, `inconclusive` when the journal dropped entries (the judge cannot see everything), and
// `pass` otherwise. Its JSON is a pure function of the results.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"

namespace bh::judge {

enum class Outcome { kPass, kFail, kWarn, kNotApplicable };
std::string_view to_string(Outcome o);

struct Evidence {
  std::uint64_t seq = 0;  // 0: about the session as a whole
  Duration at{};
  std::string expected;
  std::string observed;
};

inline constexpr std::size_t kMaxEvidence = 12;

struct RuleResult {
  std::string id;
  std::vector<std::string> requirements;
  std::string level;  // SHALL, SHOULD, MAY, policy: how strong the requirement is
  std::string title;
  Outcome outcome = Outcome::kNotApplicable;
  std::string detail;              // one sentence: why this outcome
  std::uint64_t checked = 0;       // instances looked at
  std::vector<Evidence> evidence;  // failures first; passes only when nothing failed
  std::uint64_t evidence_left_out = 0;
};

struct NotJudged {
  std::string requirement;
  std::string why;
};

struct Verdict {
  std::string scenario;
  std::string ig_version;
  double time_scale = 1.0;
  std::string expected_outcome;
  std::vector<std::string> clients;
  std::uint64_t exchanges = 0;
  std::uint64_t dropped = 0;
  std::vector<RuleResult> rules;
  std::vector<NotJudged> not_judged;
  // expect.judge IDs no applicable rule covered: the scenario claims them, the judge could not
  // confirm them from this run (they may be about the outcome, which replay.py checks).
  std::vector<std::string> unconfirmed;

  std::string result() const;  // pass | fail | inconclusive
  std::uint64_t count(Outcome o) const;
};

nlohmann::ordered_json to_json(const Verdict& v);
// A table for people: one line per rule, failures with their first pieces of evidence.
std::string to_text(const Verdict& v);

}  // namespace bh::judge
