// sim/expectations: what a scenario file says a correct client does, checked on a sim run.
//
// Contract: with a stated `expect` block, the client under test must end with expect.outcome
// (invariant "expected-outcome"), and, when the run was judged, the judge's verdict on the
// safety phase must not fail (invariant "judge", listing the failed rules and their IDs). The
// same checks ci/replay.py makes over real sockets, so sim and serve agree on what passes.
#pragma once

#include <string>
#include <vector>

#include "client/outcome.hpp"
#include "mockserver/scenario.hpp"
#include "sim/sim_run.hpp"

namespace bh::sim {

// The scenario-file spelling of an outcome ("download-failed").
std::string outcome_name(client::OutcomeKind kind);

void check_expectations(const mockserver::Scenario& scenario, RunResult& result);

}  // namespace bh::sim
