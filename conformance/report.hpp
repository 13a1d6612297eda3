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

}  // namespace bh::conformance
