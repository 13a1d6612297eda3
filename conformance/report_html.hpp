// conformance/report_html: a conformance run as one self-contained HTML page, for auditors.
//
// Contract: write_html(report, out) writes a complete document with inline CSS and no script
// or network reference, so it opens anywhere and can be attached to a CI run. It holds the
// run (server, IG version, levels, summary, exit code and its meaning), an overview table of
// the areas with their counts, then one section per area (section.area, id "area-NAME") whose
// rows (tr.check plus the status as a class: pass, fail, warn, info, skip) give the check, its
// export level, SHALL/SHOULD/MAY, the requirement IDs, the status, the message and the
// evidence (the request and response seen, open for a failure or warning). Failed SHALL checks
// are listed first, each linking to its row. Everything the server said is escaped.
#pragma once

#include <iosfwd>

#include "conformance/runner.hpp"

namespace bh::conformance {

void write_html(const RunReport& report, std::ostream& out);

}  // namespace bh::conformance
