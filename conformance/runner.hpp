// conformance/runner: selects the checks for a run, runs them, and sums up.
//
// Contract: a check runs when it applies to the IG version, is not operational (unless asked),
// and matches --only (by check id or requirement ID; an --only that matches nothing is an
// Error). Per-level checks run once per level. Active checks run in catalogue order, passive
// ones after them; results are reported grouped by area in catalogue order. A check that
// throws or writes no verdict is reported as skipped with the reason; once the run's deadline
// has passed every remaining check is skipped saying so. Every job is released at the end.
// The exit status is 0 when no SHALL check failed, else 1.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "conformance/check_def.hpp"
#include "core/result.hpp"

namespace bh::conformance {

struct RunReport {
  std::string base_url;
  protocol::IgVersion version{};
  std::vector<std::string> levels;
  std::string levels_note;
  std::vector<CheckResult> results;
  Duration elapsed{0};
  std::size_t count(Status s) const;
  // SHALL checks that ran out of time (skipped, nothing verified).
  std::size_t out_of_time() const;
  // 1: a SHALL check failed; 3: none failed but one ran out of time (inconclusive); else 0.
  int exit_code() const { return count(Status::kFail) > 0 ? 1 : out_of_time() > 0 ? 3 : 0; }
};

Result<std::vector<const CheckDef*>> select_checks(const std::vector<CheckDef>& catalogue,
                                                   const CheckOptions& options);
// Called after each check (each level of a per-level one): results so far, of how many, and
// how many of those failed. For progress on the terminal; it cannot change the run.
using OnResult = std::function<void(std::size_t done, std::size_t total, std::size_t failed)>;
RunReport run_checks(Context& ctx, const std::vector<const CheckDef*>& checks,
                     const OnResult& on_result = {});

}  // namespace bh::conformance
