// Invariants about waiting: Retry-After honoured, backoff after unguided failures.
#include <algorithm>
#include <map>

#include "mockserver/judge/judge_rule.hpp"
#include "sim/invariant.hpp"

namespace bh::sim {

namespace {

using judge::seconds_text;

// ST-04/ST-05: no request on a chain sooner than the previous answer's Retry-After allowed.
class RetryAfterHonoured final : public Invariant {
 public:
  const char* id() const override { return "retry-after-honoured"; }
  std::vector<std::string> requirements() const override { return {"ST-04", "ST-05", "KO-13"}; }
  void on_exchange(const SimExchange& e, std::vector<Violation>& out) override {
    if (e.client == 0) return;
    const std::string key = std::to_string(e.client) + " " + chain_of(e);
    if (auto it = due_.find(key); it != due_.end()) {
      const auto [asked_at, wait] = it->second;
      const Duration waited = e.at - asked_at;
      if (waited + judge::wait_tolerance(wait) < wait)
        out.push_back({id(), requirements(), e.at,
                       e.method + " " + e.path + " came " + seconds_text(waited) +
                           " after an answer with Retry-After " + seconds_text(wait)});
      due_.erase(it);
    }
    const bool binds = e.status == 202 || e.status == 429 || e.status >= 500;
    if (binds && e.retry_after) due_[key] = {e.at, *e.retry_after};
  }

 private:
  std::map<std::string, std::pair<Duration, Duration>> due_;
};

// ST-05/ST-12/ST-02: after a failure that gave no usable Retry-After the client waits at least
// the floor, and a run of such retries grows (exponential backoff), as the judge's ST-02 rule.
class BacksOffWhenThrottled final : public Invariant {
 public:
  explicit BacksOffWhenThrottled(Duration floor) : floor_(floor) {}
  const char* id() const override { return "backs-off-when-throttled"; }
  std::vector<std::string> requirements() const override {
    return {"ST-05", "ST-12", "ST-02", "ERR-04"};
  }
  void on_exchange(const SimExchange& e, std::vector<Violation>& out) override {
    if (e.client == 0) return;
    const std::string key = std::to_string(e.client) + " " + chain_of(e);
    Chain& c = chains_[key];
    if (c.last_unguided_failure) {
      const Duration gap = e.at - *c.last_unguided_failure;
      if (gap + judge::wait_tolerance(floor_) < floor_)
        out.push_back({id(), requirements(), e.at,
                       e.method + " " + e.path + " retried " + seconds_text(gap) +
                           " after a failure without Retry-After; expected at least " +
                           seconds_text(floor_)});
      c.gaps.push_back(gap);
      check_growth(c, e, out);
    } else {
      c.gaps.clear();
    }
    const bool unguided = is_retryable_failure(e) && !e.head_retry_after;
    c.last_unguided_failure = unguided ? std::optional<Duration>(e.at) : std::nullopt;
  }

 private:
  struct Chain {
    std::optional<Duration> last_unguided_failure;
    std::vector<Duration> gaps;
    bool reported = false;
  };
  // The judge's ST-02 reading (docs/judge.md): over kStreakForGrowth unguided retries in a row
  // the largest gap is kGrowth times the smallest, or every gap is at least kPatientWait.
  void check_growth(Chain& c, const SimExchange& e, std::vector<Violation>& out) {
    if (c.reported || c.gaps.size() != judge::kStreakForGrowth) return;
    const auto [least, most] = std::minmax_element(c.gaps.begin(), c.gaps.end());
    if (*least >= judge::kPatientWait ||
        static_cast<double>(most->count()) >= judge::kGrowth * static_cast<double>(least->count()))
      return;
    c.reported = true;
    out.push_back({id(), requirements(), e.at,
                   e.method + " " + e.path + ": " + std::to_string(c.gaps.size()) +
                       " retries in a row without Retry-After, gaps " + seconds_text(*least) +
                       " to " + seconds_text(*most) +
                       "; expected growing waits (x1.25) or every wait at least 1.5 s"});
  }
  Duration floor_;
  std::map<std::string, Chain> chains_;
};

}  // namespace

std::unique_ptr<Invariant> make_retry_after_honoured() {
  return std::make_unique<RetryAfterHonoured>();
}
std::unique_ptr<Invariant> make_backs_off_when_throttled(Duration floor) {
  return std::make_unique<BacksOffWhenThrottled>(floor);
}

}  // namespace bh::sim
