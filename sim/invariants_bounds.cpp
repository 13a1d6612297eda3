// Invariants about bounds: a bounded number of requests, and every run ends.
#include <map>

#include "mockserver/judge/judge_rule.hpp"
#include "sim/invariant.hpp"

namespace bh::sim {

namespace {

// ST-05, ST-12: the client's budgets hold on the wire: at most max_consecutive_failures
// retryable failures in a row on one chain, max_total_retries retries and max_requests requests
// in all. A server that keeps failing cannot make the client loop.
class BoundedRequests final : public Invariant {
 public:
  explicit BoundedRequests(const client::ClientOptions& o)
      : max_row_(o.max_consecutive_failures),
        max_retries_(o.max_total_retries),
        max_requests_(o.max_requests) {}
  const char* id() const override { return "bounded-requests"; }
  std::vector<std::string> requirements() const override { return {"ST-05", "ST-12"}; }
  void on_exchange(const SimExchange& e, std::vector<Violation>& out) override {
    if (e.client == 0) return;
    Count& c = counts_[e.client];
    std::uint32_t& row = c.row[chain_of(e)];
    if (row >= max_row_ && !c.reported_row) {
      c.reported_row = true;
      out.push_back({id(), requirements(), e.at,
                     e.method + " " + e.path + " after " + std::to_string(row) +
                         " failures in a row; the client's budget is " + std::to_string(max_row_)});
    }
    if (row > 0) ++c.retries;
    if (c.retries > max_retries_ && !c.reported_total) {
      c.reported_total = true;
      out.push_back({id(), requirements(), e.at,
                     std::to_string(c.retries) + " retries; the client's budget is " +
                         std::to_string(max_retries_)});
    }
    if (++c.requests == max_requests_ + 1)
      out.push_back(
          {id(), requirements(), e.at, "more than " + std::to_string(max_requests_) + " requests"});
    // Failures by status only: a cut body under a 202 is a retry for the judge, but a client may
    // count it against no budget (the 202 head already said "running").
    const bool failed = e.status == 0 || e.status == 429 || e.status >= 500;
    row = failed ? row + 1 : 0;
  }

 private:
  struct Count {
    std::map<std::string, std::uint32_t> row;
    std::uint64_t retries = 0, requests = 0;
    bool reported_row = false, reported_total = false;
  };
  std::uint32_t max_row_, max_retries_;
  std::uint64_t max_requests_;
  std::map<int, Count> counts_;
};

// Liveness: the client reaches Done by the bound; a client with nothing pending and no Done is
// hung (no timer, no request, no answer to wait for).
class Terminates final : public Invariant {
 public:
  const char* id() const override { return "terminates"; }
  std::vector<std::string> requirements() const override { return {"ST-07", "DEL-01"}; }
  void at_end(const EndFacts& f, std::vector<Violation>& out) override {
    if (f.finished) return;
    out.push_back({id(), requirements(), f.finished_at,
                   f.hang ? "the client is not done and waits for nothing (hung)"
                          : "the client was still running at the liveness bound"});
  }
};

}  // namespace

std::unique_ptr<Invariant> make_bounded_requests(const client::ClientOptions& options) {
  return std::make_unique<BoundedRequests>(options);
}
std::unique_ptr<Invariant> make_terminates() {
  return std::make_unique<Terminates>();
}

std::string chain_of(const SimExchange& e) {
  switch (e.endpoint) {
    case protocol::Endpoint::kKickoff:
      return "kickoff";
    case protocol::Endpoint::kStatus:
      return "status " + e.path;
    case protocol::Endpoint::kDelete:
      return "delete " + e.path;
    default:
      return std::string(protocol::to_string(e.endpoint)) + " " + e.path;
  }
}

bool is_retryable_failure(const SimExchange& e) {
  return e.status == 0 || !e.whole || e.status == 429 || e.status >= 500;
}

std::vector<std::unique_ptr<Invariant>> make_invariants(const InvariantSettings& s) {
  std::vector<std::unique_ptr<Invariant>> v;
  v.push_back(make_retry_after_honoured());
  v.push_back(make_backs_off_when_throttled(judge::kThrottleFloor));
  v.push_back(make_no_request_after_terminal(s.v3_refresh));
  v.push_back(make_delete_honoured());
  const std::uint32_t per_file =
      (s.client.max_consecutive_failures + 1) * (s.client.max_redirects + 1);
  v.push_back(make_every_file_downloaded(per_file));
  v.push_back(make_resources_match_counts());
  v.push_back(make_outcome_matches_truth());
  v.push_back(make_bounded_requests(s.client));
  v.push_back(make_terminates());
  return v;
}

}  // namespace bh::sim
