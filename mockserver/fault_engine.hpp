// mockserver/fault_engine: a scenario's rules applied to requests.
//
// Contract: handle() finds the rules that match the request (in scenario order), advances each
// one's match counter, asks its schedule whether it fires, and chains the firing faults around
// `service` (the first firing rule is outermost: it sees what the later rules and the service
// made of the request). A fault that declines is neither reported nor counted against `limit`
// and does not change the state. The rules that fired come back in scenario order, each with
// its match number. State: one current scenario state (declared in the scenario), set by
// `set_state` of a firing rule or by the admin API. Swarm rules are switched on or off once,
// from the seed, when the engine is built. Deterministic: the same requests at the same
// instants with the same seed give the same answers and the same firing record.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mockserver/faults/fault.hpp"
#include "mockserver/scenario.hpp"

namespace bh::mockserver {

struct FiredFault {
  std::string rule;
  std::string kind;
  std::uint64_t match = 0;
};

struct RequestInfo {
  const protocol::Request& request;
  const protocol::RequestClass& cls;
  Instant now;           // scenario time
  Duration since_start;  // for time windows
  const protocol::ExportJob* job;
  std::uint64_t job_ordinal;  // 0: no job
  const protocol::ServiceConfig& service;
  auth::TokenService* tokens;  // SMART auth, when on (auth faults revoke tokens through it)
};

class FaultEngine {
 public:
  FaultEngine(const Scenario& scenario, std::uint64_t seed);

  protocol::Response handle(const RequestInfo& info, ExtraFiles& files, const Next& service,
                            std::vector<FiredFault>& fired);

  const std::string& state() const { return state_; }
  Status set_state(const std::string& state);
  // Each rule with its counters and whether swarm left it on.
  nlohmann::ordered_json rules_json() const;
  // "swarm (seed 7, p 0.5): on a, c; off b" or empty when no rule is a swarm rule.
  std::string swarm_report() const;

 private:
  struct Slot {
    const Rule* rule = nullptr;
    std::unique_ptr<Fault> fault;
    bool enabled = true;
    std::uint64_t matched = 0, fired = 0;
    std::map<std::string, std::uint64_t> per_job;  // ordered: deterministic
  };
  bool matches(const Slot& slot, const RequestInfo& info) const;
  protocol::Response chain(const std::vector<std::size_t>& chosen, std::size_t i,
                           std::vector<std::uint64_t>& numbers, std::vector<bool>& fired,
                           const RequestInfo& info, ExtraFiles& files, const Next& service);

  const Scenario& scenario_;
  std::uint64_t seed_;
  std::vector<Slot> slots_;
  std::string state_;
};

}  // namespace bh::mockserver
