// mockserver/rule: one fault rule of a scenario: match + schedule + fault.
//
// Contract: a request is *matched* by a rule when every condition of its Match holds (endpoint,
// method, job ordinal, file name, time window, scenario state, job state). Each match gets a
// number, 1-based, counted per rule (or per job and rule with `per: job`). The Schedule decides
// from that number alone whether the rule fires:
//   always | nth: [n, ...] | every: k (offset o: fires on o+k, o+2k, ...) | first: N (then
//   recover) | from: N (and every one after) | probability: p (seeded, see below)
// and `limit` caps how often it fires in all. A probabilistic draw is a pure function of
// (run seed, rule id, match number): independent per request, and adding or reordering rules
// never changes another rule's draws. A rule marked `swarm` is switched on or off for the whole
// run from the seed (swarm testing); the chosen set is printed at start.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "mockserver/faults/fault_kind.hpp"
#include "protocol/export_job.hpp"

namespace bh::mockserver {

struct Match {
  std::string endpoint = "any";  // kickoff, status, file, delete, metadata, read, search, any
  std::optional<std::string> method;
  std::optional<std::uint64_t> job;       // job ordinal: 1 = the first job kicked off
  std::optional<std::string> file;        // substring of the file name ("Patient", "-2-")
  std::optional<Duration> after, before;  // window in scenario time since the server started
  std::optional<std::string> state;       // scenario state (declared in `states`)
  std::optional<std::string> job_state;   // running, completed, expired, deleted, gone
};

struct Schedule {
  enum class Kind { kAlways, kNth, kEvery, kFirst, kFrom, kProbability };
  Kind kind = Kind::kAlways;
  std::vector<std::uint64_t> nth;
  std::uint64_t every = 0, offset = 0, first = 0, from = 0;
  double probability = 0;
  std::optional<std::uint64_t> limit;  // at most this many firings in all
  bool per_job = false;                // count matches per job instead of per rule

  // Whether match number `n` (1-based) fires, before `limit` is applied.
  bool fires(std::uint64_t n, std::uint64_t seed, const std::string& rule_id) const;
};

struct Rule {
  std::string id;
  std::string description;
  Match match;
  Schedule schedule;
  std::string kind;                      // a registered fault kind
  nlohmann::ordered_json fault;          // the fault object as written (kind + parameters)
  ParamValues params;                    // validated, defaults filled in
  std::optional<std::string> set_state;  // scenario state after the rule fires
  bool swarm = false;
};

// The stream a rule draws from for match `n`.
Rng rule_rng(std::uint64_t seed, const std::string& rule_id, std::uint64_t n);
// Whether a swarm rule is on for this run.
bool swarm_enabled(std::uint64_t seed, const std::string& rule_id, double probability);

}  // namespace bh::mockserver
