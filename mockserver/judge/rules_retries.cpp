// Failure handling: transient failures retried (ST-12), fatal ones final (ST-11), and retrying
// bounded (ST-12/ERR-05: a client that never gives up turns a broken server into a flood).
#include "mockserver/judge/rules.hpp"

#include <algorithm>

namespace bh::judge {

namespace {
bool transient(const Exchange& e) {
  return e.response == Response::kRetry || e.response == Response::kNone;
}

bool failed_attempt(const Exchange& e) {
  return transient(e) || e.response == Response::kThrottled;
}

bool final_answer(const Exchange& e) {
  switch (e.response) {
    case Response::kFatal:
    case Response::kGone:
    case Response::kLinkExpired:
    case Response::kUnauthorized:
      return true;
    default:
      return false;
  }
}

constexpr std::size_t kPersistence = 3;  // giving up after this many failures in a row is fine
constexpr std::size_t kMaxInARow = 50;   // retrying more than this in a row is not
}  // namespace

RuleResult rule_transient_retried(const Session& s, RuleResult r) {
  Findings f;
  const auto& all = s.exchanges();
  std::vector<std::size_t> finals;  // indexes of final answers, to keep this linear in a storm
  for (std::size_t k = 0; k < all.size(); ++k)
    if (final_answer(all[k])) finals.push_back(k);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Exchange& e = all[i];
    if (!transient(e) || e.endpoint == "delete" || e.endpoint == "other") continue;
    const std::string expected = "another attempt after " + std::string(to_string(e.response)) +
                                 (e.status ? " (" + std::to_string(e.status) + ")" : "");
    if (const Exchange* next = s.next(e)) {
      f.pass(e, expected, "retried as #" + std::to_string(next->seq));
      continue;
    }
    // The client stopped on this chain. Fine if something else ended the export...
    const bool stopped_elsewhere = std::any_of(finals.begin(), finals.end(), [&](std::size_t k) {
      return k > i || all[k].chain != e.chain;
    });
    if (stopped_elsewhere) {
      f.skip("the export had already met a final error");
      continue;
    }
    // ...or it gave up after trying a few times: bounded retries are correct.
    std::size_t run = 0;
    const auto idx = s.chain(e.chain);
    for (auto it = idx.rbegin(); it != idx.rend() && failed_attempt(all[*it]); ++it)
      ++run;
    if (run >= kPersistence)
      f.pass(e, expected, "gave up after " + std::to_string(run) + " failures in a row");
    else
      f.violate(
          e, expected,
          "no further attempt on " + e.chain + " after " + std::to_string(run) + " failure(s)");
  }
  return f.finish(std::move(r), "transient failures were retried (or given up after at least 3)",
                  "no transient failure happened");
}

RuleResult rule_fatal_stops(const Session& s, RuleResult r) {
  Findings f;
  for (const auto& e : s.exchanges()) {
    const bool status_final =
        e.endpoint == "status" && (e.response == Response::kFatal || e.response == Response::kGone);
    const bool kickoff_final = e.endpoint == "kickoff" && e.response == Response::kFatal;
    if (!status_final && !kickoff_final) continue;
    const std::string expected =
        "no further " +
        std::string(e.endpoint == "status" ? "poll of this job" : "identical kick-off") +
        " after " + std::to_string(e.status) + " (" + std::string(to_string(e.response)) + ")";
    const Exchange* next = s.next(e);
    while (next && kickoff_final && next->target != e.target)
      next = s.next(*next);
    if (next)
      f.violate(e, expected, at_text(*next));
    else
      f.pass(e, expected, "the client stopped");
  }
  return f.finish(std::move(r), "final errors ended their chain", "no final error was sent");
}

RuleResult rule_retries_bounded(const Session& s, RuleResult r) {
  Findings f;
  for (const auto& key : s.chain_keys()) {
    std::size_t run = 0, longest = 0;
    const Exchange* start = nullptr;
    const Exchange* where = nullptr;  // where the longest run began
    for (std::size_t i : s.chain(key)) {
      const Exchange& e = s.exchanges()[i];
      if (!failed_attempt(e)) {
        run = 0;
        continue;
      }
      if (run++ == 0) start = &e;
      if (run > longest) {
        longest = run;
        where = start;
      }
    }
    if (!where) continue;
    const std::string expected =
        "at most " + std::to_string(kMaxInARow) + " failed attempts in a row";
    const std::string observed = std::to_string(longest) + " in a row on " + key;
    if (longest <= kMaxInARow)
      f.pass(*where, expected, observed);
    else
      f.violate(*where, expected, observed);
  }
  return f.finish(std::move(r), "no chain retried without bound", "no request failed");
}

}  // namespace bh::judge
