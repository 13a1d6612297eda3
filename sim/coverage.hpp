// sim/coverage: which transitions of §2.2 (T01-T41) a set of simulated runs exercised.
//
// Contract: add() sums one run's TransitionCounts under the IG version it ran; table() prints
// one line per transition: how often it was taken and in how many runs, or, when it never was,
// why the reference client cannot take it against the versions that ran (client/transition's
// unreachable_reason) or "NOT REACHED" when nothing explains it. missing() lists the latter:
// the transitions a test requires to be reached.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "client/transition.hpp"

namespace bh::sim {

class Coverage {
 public:
  void add(const client::TransitionCounts& counts, protocol::IgVersion version);
  std::string table() const;
  std::vector<std::string> missing() const;
  std::uint64_t taken(client::Transition t) const { return taken_[client::number(t)]; }

 private:
  std::optional<std::string> reason(client::Transition t) const;
  client::TransitionCounts taken_{};
  std::array<std::uint64_t, client::kTransitionCount + 1> runs_{};
  std::map<protocol::IgVersion, std::uint64_t> versions_;
};

}  // namespace bh::sim
