// conformance/explore: property-based exploration of a live server (`check --explore N`).
//
// Contract: RapidCheck generates sequences of up to 10 steps -- kick-off (valid and invalid
// parameter sets, GET or POST, with or without handling=lenient, any tested level), poll,
// wait, DELETE, download -- and runs each against the server. A model of what the IG allows
// (per job: running, complete, deleted, failed) judges every answer; only SHALL-level breaches
// fail the property (SHOULD findings are counted). A failing sequence is shrunk by RapidCheck,
// re-running candidates against the server, and the smallest one is reported as numbered curl
// commands with what each answered. Every job a sequence starts is DELETEd at its end. Seeded:
// the same seed draws the same sequences (the server's answers may of course differ).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "conformance/check_def.hpp"

namespace bh::conformance {

enum class StepKind { kKickoff, kPoll, kWait, kDelete, kDownload };

struct Step {
  StepKind kind = StepKind::kPoll;
  std::uint32_t a = 0;  // kick-off: parameter set; poll/delete/download: job; wait: duration
  std::uint32_t b = 0;  // kick-off: lenient, POST and level bits; download: file
};

void showValue(const Step& step, std::ostream& os);  // RapidCheck prints counterexamples with it

// `curl -si -X METHOD -H ... --data '...' 'URL'`, quoted for a POSIX shell.
std::string to_curl(const Outgoing& request);

void add_explore_checks(std::vector<CheckDef>& out);

}  // namespace bh::conformance
