// conformance/check_def: how a check is declared, and the verdict it writes.
//
// Contract: a CheckDef names one server requirement: a stable id (used in reports and --only),
// its area, the IG level, the requirement IDs, the IG versions it applies to, and whether it
// runs once or once per export level. Its run function writes exactly one result through the
// Verdict it is handed: pass, violated (fail for SHALL, warn for SHOULD, info for MAY), info,
// or skip with the reason (out_of_time when the job budget or the deadline stopped it). A run that
// writes nothing is reported as skipped by the runner, and says so ("the check wrote no verdict"),
// so a forgotten branch can never pass. Passive checks run after the active ones and judge what the
// run's logs saw.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "conformance/check.hpp"
#include "conformance/context.hpp"

namespace bh::conformance {

class Verdict {
 public:
  explicit Verdict(CheckResult& result) : r_(result) {}
  void pass(std::string message);
  void violated(std::string message);
  void info(std::string message);
  // A SHOULD-level finding inside a SHALL check (the manifest validator's warnings).
  void warn(std::string message);
  void skip(std::string reason);
  // Skipped because time ran out: the run exits 3 (inconclusive) unless a SHALL check failed.
  void out_of_time(std::string reason);
  void evidence(const Exchange& e);
  void evidence(Evidence e);
  bool written() const { return written_; }

 private:
  void set(Status s, std::string message);
  CheckResult& r_;
  bool written_ = false;
};

struct CheckDef {
  std::string id;
  std::string area;
  Level level = Level::kShall;
  std::vector<std::string> requirements;
  std::string title;
  bool per_level = false;
  bool passive = false;
  bool operational = false;  // only with --operational
  // Versions it applies to; empty = all.
  std::vector<protocol::IgVersion> versions;
  std::function<void(Context& ctx, const std::string& level, Verdict& v)> run;
};

// Each family appends its checks; all_checks() is the catalogue in report order.
void add_capability_checks(std::vector<CheckDef>& out);
void add_kickoff_checks(std::vector<CheckDef>& out);
void add_parameter_checks(std::vector<CheckDef>& out);
void add_status_checks(std::vector<CheckDef>& out);
void add_manifest_checks(std::vector<CheckDef>& out);
void add_download_checks(std::vector<CheckDef>& out);
void add_delete_checks(std::vector<CheckDef>& out);
void add_operational_checks(std::vector<CheckDef>& out);
void add_auth_checks(std::vector<CheckDef>& out);
std::vector<CheckDef> all_checks();

// Shared by the families: the answer is an OperationOutcome in JSON, or why it is not.
std::optional<std::string> outcome_problem(const Exchange& e);
// An export that did not finish: skipped when it only ran out of time (the job budget or the
// run's deadline: a slow server is not a non-conformant one, and Inferno skips there too),
// violated when the server answered it with an error.
void unfinished(const ExportRun& run, Verdict& v, const std::string& what);
// The answer's media type, without parameters: "application/json".
std::string media_type(const Exchange& e);
// "the kick-off answered 500" / "the kick-off failed: connection refused": for skip reasons.
std::string describe_answer(const Exchange& e, const std::string& what);

}  // namespace bh::conformance
