// sim/sim_run: one simulated run: the real mock server and the real reference client in one
// thread, on virtual time, with a safety phase and a liveness phase.
//
// Contract: run_simulation(config) is a pure function of its config (scenario, seed, client
// arguments, mutant): same config, same RunResult, trace hash included. The run:
//   1. safety phase: the client under test exports against MockServer with the scenario's fault
//      rules on; every server exchange goes through every invariant (sim/invariant.hpp) as it
//      happens. The scenario's sim.heal_after switches the faults off part-way.
//   2. the harness checks what the server promised: if a DELETE was accepted, one GET of that
//      status URL must now answer 404 (T37's verification; the delete-honoured invariant).
//   3. liveness phase: faults off, a second, fresh client runs the same export; it must finish
//      in Success within its deadline (the system recovers once faults stop).
// Each client must be Done by its deadline plus the DELETE grace plus a margin; a client that
// waits for nothing is hung. Both are violations ("terminates"). With `judge`, the judge's
// verdict on the safety phase's journal (the same judge `serve` uses) comes back too.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/client_event.hpp"
#include "client/outcome.hpp"
#include "client/transition.hpp"
#include "mockserver/judge/verdict.hpp"
#include "mockserver/scenario.hpp"
#include "sim/invariant.hpp"
#include "sim/mutant.hpp"
#include "sim/sim_network.hpp"

namespace bh::sim {

struct RunConfig {
  mockserver::Scenario scenario;
  std::uint64_t seed = 1;
  // Reference-client flags (`bulkharness export` syntax); none: the scenario's client_args.
  std::optional<std::vector<std::string>> client_args;
  bool liveness_client = true;
  bool judge = false;
  bool keep_journal = false;
  Mutant mutant = Mutant::kNone;
  NetworkOptions network;
  // Scenario seconds per client second, as `serve --time-scale`: the virtual clock is the
  // client's (wire) time and the server reasons in scenario time, so a scenario run here means
  // what it means over sockets. Scenario files: their time_scale; generated plans: 1.
  double time_scale = 1.0;
  // Each client's timeline as it happens (client 1, then 2), for `sim --verbose`.
  std::function<void(int client, const client::ClientEvent&)> on_event;
};

struct RunResult {
  client::Outcome outcome;                          // the client under test
  std::optional<client::Outcome> liveness_outcome;  // the second client, when it ran
  std::vector<Violation> violations;
  client::TransitionCounts transitions{};  // both clients
  Duration simulated{};
  std::uint64_t exchanges = 0;
  std::uint64_t faults_fired = 0;
  std::uint64_t trace_hash = 0;
  std::optional<judge::Verdict> verdict;  // safety phase, with `judge`
  nlohmann::ordered_json journal;         // with `keep_journal`
  std::string error;                      // the config was unusable (bad client args)
};

RunResult run_simulation(const RunConfig& config);

inline constexpr const char* kSimBaseUrl = "http://127.0.0.1:8080/fhir";

}  // namespace bh::sim
