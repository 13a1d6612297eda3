// Timing: Retry-After honoured (ST-04), backoff without it (ST-02), no hammering after 429 (ST-05).
// All gaps are wire time (what the client waited), from one request's arrival to the next's on
// the same chain.
#include "mockserver/judge/rules.hpp"

#include <algorithm>

namespace bh::judge {

namespace {
// A response that asks the client to come back later on the same chain.
bool asks_to_retry(const Exchange& e) {
  switch (e.response) {
    case Response::kThrottled:
    case Response::kRetry:
    case Response::kNone:
      return true;
    case Response::kAccepted:
      return e.endpoint == "status";
    default:
      return e.status >= 500;
  }
}

std::string advice_text(const RetryAdvice& a) {
  switch (a.kind) {
    case RetryAdvice::Kind::kAbsent:
      return "no Retry-After";
    case RetryAdvice::Kind::kInvalid:
      return "Retry-After \"" + a.text + "\" (not usable)";
    case RetryAdvice::Kind::kImplausible:
      return "Retry-After \"" + a.text + "\" (beyond the 1 h a client is expected to honour)";
    case RetryAdvice::Kind::kDuplicated:
      return "Retry-After sent twice (ambiguous)";
    case RetryAdvice::Kind::kValid:
      return "Retry-After \"" + a.text + "\"";
  }
  return "";
}

}  // namespace

RuleResult rule_retry_after_honoured(const Session& s, RuleResult r) {
  Findings f;
  for (const auto& e : s.exchanges()) {
    if (!asks_to_retry(e)) continue;
    const RetryAdvice a = retry_advice(e);
    if (a.kind == RetryAdvice::Kind::kAbsent) continue;
    const Exchange* next = s.next(e);
    if (!next) continue;  // the client stopped: nothing to time
    if (a.kind != RetryAdvice::Kind::kValid) {
      f.skip(advice_text(a));
      continue;
    }
    const Duration gap = s.gap_wire(e, *next);
    const std::string expected = "next attempt after at least " + seconds_text(a.wait) + " (" +
                                 advice_text(a) +
                                 (a.date ? ", less the Date header's second" : "") + ")";
    const std::string observed = "#" + std::to_string(next->seq) + " after " + seconds_text(gap);
    if (gap + wait_tolerance(a.wait) >= a.wait)
      f.pass(e, expected, observed);
    else
      f.violate(e, expected, observed);
  }
  return f.finish(std::move(r), "each next attempt waited out Retry-After",
                  "no response with a Retry-After was followed by another attempt");
}

RuleResult rule_backoff_without_advice(const Session& s, RuleResult r) {
  Findings f;
  for (const auto& key : s.chain_keys()) {
    const auto idx = s.chain(key);
    std::vector<std::pair<const Exchange*, Duration>> streak;
    bool fast_resend_used = false;
    auto close_streak = [&] {
      if (streak.size() >= kStreakForGrowth) {
        Duration lo = streak.front().second, hi = lo;
        for (const auto& [x, g] : streak) {
          lo = std::min(lo, g);
          hi = std::max(hi, g);
        }
        const std::string expected = "growing waits over " + std::to_string(streak.size()) +
                                     " unguided retries (largest >= " + std::to_string(kGrowth) +
                                     " x smallest, or all at least " + seconds_text(kPatientWait) +
                                     ": a capped backoff)";
        const std::string observed =
            "waits between " + seconds_text(lo) + " and " + seconds_text(hi);
        if (static_cast<double>(hi.count()) >= kGrowth * static_cast<double>(lo.count()) ||
            lo + wait_tolerance(kPatientWait) >= kPatientWait)
          f.pass(*streak.front().first, expected, observed);
        else
          f.violate(*streak.front().first, expected, observed);
      }
      streak.clear();
    };
    for (std::size_t k = 0; k + 1 < idx.size(); ++k) {
      const Exchange& e = s.exchanges()[idx[k]];
      const Exchange& next = s.exchanges()[idx[k + 1]];
      if (!asks_to_retry(e) || retry_advice(e).kind == RetryAdvice::Kind::kValid) {
        close_streak();
        fast_resend_used = false;
        continue;
      }
      const Duration gap = s.gap_wire(e, next);
      // One immediate resend after a broken connection is ordinary HTTP client behaviour (a
      // stale keep-alive connection); a second one in a row is not.
      const bool resend_ok = e.response == Response::kNone && !fast_resend_used;
      if (gap < kRetryFloor) {
        if (resend_ok) {
          fast_resend_used = true;
          continue;
        }
        f.violate(e,
                  "a wait of at least " + seconds_text(kRetryFloor) + " after " +
                      std::string(to_string(e.response)) + " with " + advice_text(retry_advice(e)),
                  "#" + std::to_string(next.seq) + " after " + seconds_text(gap));
      }
      if (e.response != Response::kNone) fast_resend_used = false;
      streak.emplace_back(&e, gap);
    }
    close_streak();
  }
  return f.finish(std::move(r), "unguided retries waited and backed off",
                  "no run of retries without Retry-After long enough to judge");
}

RuleResult rule_no_hammer_after_429(const Session& s, RuleResult r) {
  Findings f;
  for (const auto& e : s.exchanges()) {
    if (e.response != Response::kThrottled) continue;
    const Exchange* next = s.next(e);
    if (!next) continue;
    // The server's own word wins: a valid Retry-After (even 0) is the wait; without one, a
    // 429 still means "slow down", so an immediate retry is hammering.
    const RetryAdvice a = retry_advice(e);
    const Duration need = a.kind == RetryAdvice::Kind::kValid ? a.wait : kThrottleFloor;
    const Duration gap = s.gap_wire(e, *next);
    const std::string expected =
        "next attempt after at least " + seconds_text(need) + " (429 with " + advice_text(a) + ")";
    const std::string observed = "#" + std::to_string(next->seq) + " after " + seconds_text(gap);
    if (gap + wait_tolerance(need) >= need)
      f.pass(e, expected, observed);
    else
      f.violate(e, expected, observed);
  }
  return f.finish(std::move(r), "every 429 was followed by a pause",
                  "no 429 was followed by another attempt");
}

}  // namespace bh::judge
