#include "mockserver/judge/judge_rule.hpp"

#include <algorithm>
#include <cstdio>

#include "protocol/http_date.hpp"
#include "protocol/retry_after.hpp"

namespace bh::judge {

namespace {
Evidence evidence(const Exchange& e, std::string expected, std::string observed) {
  return {e.seq, e.at, std::move(expected), std::move(observed)};
}
}  // namespace

void Findings::pass(const Exchange& e, std::string expected, std::string observed) {
  ++checked_;
  if (good_.size() < kMaxEvidence)
    good_.push_back(evidence(e, std::move(expected), std::move(observed)));
}

void Findings::violate(const Exchange& e, std::string expected, std::string observed) {
  ++checked_;
  bad_.push_back(evidence(e, std::move(expected), std::move(observed)));
}

void Findings::violate_session(std::string expected, std::string observed) {
  ++checked_;
  bad_.push_back({0, {}, std::move(expected), std::move(observed)});
}

void Findings::skip(std::string why) {
  skipped_.push_back(std::move(why));
}

RuleResult Findings::finish(RuleResult r, std::string pass_detail, std::string na_detail) const {
  r.checked = checked_;
  const std::vector<Evidence>& shown = bad_.empty() ? good_ : bad_;
  r.evidence.assign(shown.begin(), shown.begin() + std::min(shown.size(), kMaxEvidence));
  r.evidence_left_out = shown.size() - r.evidence.size();
  std::string skipped;
  if (!skipped_.empty())
    skipped = " (" + std::to_string(skipped_.size()) + " not judged: " + skipped_.front() + ")";
  if (!bad_.empty()) {
    r.outcome = on_violation_;
    r.detail = std::to_string(bad_.size()) + " of " + std::to_string(checked_) +
               " violated; first: expected " + bad_.front().expected + ", observed " +
               bad_.front().observed + skipped;
  } else if (checked_ > 0) {
    r.outcome = Outcome::kPass;
    r.detail = std::to_string(checked_) + " checked: " + pass_detail + skipped;
  } else {
    r.outcome = Outcome::kNotApplicable;
    r.detail = skipped_.empty() ? na_detail : na_detail + skipped;
  }
  return r;
}

std::string header(const Exchange& e, std::string_view name) {
  return std::string(e.request_headers.get(name).value_or(""));
}

std::string rheader(const Exchange& e, std::string_view name) {
  return std::string(e.response_headers.get(name).value_or(""));
}

std::string at_text(const Exchange& e) {
  return "#" + std::to_string(e.seq) + " " + e.method + " " + e.target;
}

std::string seconds_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", to_seconds(d));
  return buf;
}

Duration wait_tolerance(Duration wait) {
  return std::max<Duration>(millis(100), Duration{wait.count() / 50});
}

RetryAdvice retry_advice(const Exchange& e) {
  // Without a whole response the client cannot be held to what its headers said.
  if (e.response == Response::kNone) return {};
  return retry_advice(e.response_headers);
}

RetryAdvice retry_advice(const protocol::Headers& headers) {
  RetryAdvice a;
  const auto all = headers.get_all("Retry-After");
  if (all.empty()) return a;
  a.text = std::string(all.front());
  if (all.size() > 1) {
    a.kind = RetryAdvice::Kind::kDuplicated;
    return a;
  }
  auto ra = protocol::parse_retry_after(a.text);
  if (!ra) {
    a.kind = RetryAdvice::Kind::kInvalid;
    return a;
  }
  if (ra->kind == protocol::RetryAfter::Kind::kDelaySeconds) {
    a.wait = ra->delay;
  } else {
    a.date = true;
    auto date = protocol::parse_http_date(headers.get("Date").value_or(""));
    if (!date) {  // nothing to measure the date against: the judge cannot say how long it meant
      a.kind = RetryAdvice::Kind::kInvalid;
      return a;
    }
    // The client read the response somewhere in the second the Date names, so the least it had
    // to wait is the date minus the end of that second.
    a.wait = std::max<Duration>(Duration{0}, ra->date - (*date + seconds(1)));
  }
  a.kind = a.wait > kMaxPlausibleRetryAfter ? RetryAdvice::Kind::kImplausible
                                            : RetryAdvice::Kind::kValid;
  return a;
}

}  // namespace bh::judge
