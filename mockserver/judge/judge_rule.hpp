// mockserver/judge/judge_rule: one client-behaviour rule of the judge, and the helpers rules share.
//
// Contract: a rule is an id, the requirement IDs it verifies, how strong they are, a title and
// one function `evaluate(session) -> RuleResult`; rules are pure, see only the Session, and are
// registered in one table (judge_rules.cpp). Adding a rule = one function in a family file, one
// line in the table, one test. Findings accumulates instances: each checked instance either
// passes or violates; finish() turns them into pass / fail (or warn, for advisory rules) / n/a
// with a one-line detail, failures first in the evidence.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mockserver/judge/session.hpp"
#include "mockserver/judge/verdict.hpp"

namespace bh::judge {

struct JudgeRule {
  std::string_view id;
  std::vector<std::string> requirements;
  std::string_view level;
  std::string_view title;
  RuleResult (*evaluate)(const Session& session, RuleResult base);
};

const std::vector<JudgeRule>& judge_rules();
// Client-side requirements no rule judges yet, and why: printed in every verdict so a pass is
// never read as covering them.
std::vector<NotJudged> not_judged();

class Findings {
 public:
  explicit Findings(Outcome on_violation = Outcome::kFail) : on_violation_(on_violation) {}
  void pass(const Exchange& e, std::string expected, std::string observed);
  void violate(const Exchange& e, std::string expected, std::string observed);
  void violate_session(std::string expected, std::string observed);
  void skip(std::string why);  // an instance that could not be judged (counted in the detail)
  bool violated() const { return !bad_.empty(); }
  // pass_detail / na_detail describe the clean and the empty case; a failure's detail is built
  // from the first violation.
  RuleResult finish(RuleResult base, std::string pass_detail, std::string na_detail) const;

 private:
  Outcome on_violation_;
  std::uint64_t checked_ = 0;
  std::vector<Evidence> bad_;
  std::vector<Evidence> good_;
  std::vector<std::string> skipped_;
};

// Shared readings of an exchange.
std::string header(const Exchange& e, std::string_view name);   // request header, "" if absent
std::string rheader(const Exchange& e, std::string_view name);  // response header
std::string seconds_text(Duration d);                           // "1.25 s"
std::string at_text(const Exchange& e);                         // "#7 GET /fhir/..."

// What a response's Retry-After told the client, in wire time.
struct RetryAdvice {
  enum class Kind { kAbsent, kValid, kInvalid, kImplausible, kDuplicated };
  Kind kind = Kind::kAbsent;
  Duration wait{};    // kValid: the least the client had to wait (wire time)
  std::string text;   // the header as sent
  bool date = false;  // the HTTP-date form
};
inline constexpr Duration kMaxPlausibleRetryAfter = std::chrono::hours(1);

// Backoff policy thresholds (docs/judge.md), shared with the simulator's invariants.
inline constexpr Duration kRetryFloor = millis(100);     // ST-02: no retry sooner than this
inline constexpr Duration kThrottleFloor = millis(500);  // ST-05: after a 429 without Retry-After
inline constexpr std::size_t kStreakForGrowth = 4;  // gaps in a row before "fixed rate" is judged
inline constexpr double kGrowth = 1.25;             // the largest gap vs the smallest
// Waits this long are a backoff at its cap, not a fixed-rate poll: a 2 s cap jittered by 20 %
// (the reference client's) never goes below 1.6 s.
inline constexpr Duration kPatientWait = millis(1500);
RetryAdvice retry_advice(const Exchange& e);
// The same reading of a whole response's headers (an HTTP-date is measured against its Date).
RetryAdvice retry_advice(const protocol::Headers& response_headers);
// How early the next request may come and still count as honouring a wait (clock rounding,
// timer slack): 100 ms or 2 % of the wait, whichever is larger.
Duration wait_tolerance(Duration wait);

}  // namespace bh::judge
