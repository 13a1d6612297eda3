// conformance/report: a run's results as text (grouped by area, with evidence for every
// finding), JSON, and JUnit XML (one testcase per check and level; fail -> <failure>,
// skip -> <skipped>, warn and info pass with their message in <system-out>).
#pragma once

#include <iosfwd>

#include "conformance/runner.hpp"

namespace bh::conformance {

void write_text(const RunReport& report, std::ostream& out, bool verbose);
void write_json(const RunReport& report, std::ostream& out);
void write_junit(const RunReport& report, std::ostream& out);
std::string summary_line(const RunReport& report);
// "exit N (why)": the run's exit code and what it means.
std::string exit_line(const RunReport& report);
// A check's name with its export level: "kickoff-accepted (system)".
std::string label(const CheckResult& result);

}  // namespace bh::conformance
