// conformance/check: what one conformance check concluded, and why.
//
// Contract: a check verifies one observable server requirement and carries its requirement IDs
// (spec/requirements.md) and the level the IG states it at. Its status follows from the level:
// a violated SHALL fails, a violated SHOULD warns, a MAY is information; a check that could not
// run (the server offers no such level, an earlier step failed, the deadline passed) is
// skipped with the reason, never passed. Evidence is the request and an excerpt of the
// response that the conclusion rests on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bh::conformance {

enum class Level { kShall, kShould, kMay };
enum class Status { kPass, kFail, kWarn, kInfo, kSkip };

std::string_view to_string(Level level);    // "SHALL", "SHOULD", "MAY"
std::string_view to_string(Status status);  // "pass", "fail", "warn", "info", "skip"
// The status a violation of a requirement at `level` gets.
Status violation_status(Level level);

struct Evidence {
  std::string request;   // "GET http://host/fhir/$export\nAccept: application/fhir+json"
  std::string response;  // "HTTP 202\nContent-Location: ...\n\n<body excerpt>" or the error
};

struct CheckResult {
  std::string id;            // "kickoff-content-location-absolute"
  std::string area;          // "kickoff", "status", "manifest", ...
  std::string export_level;  // "system", "patient", "group:ID"; empty when not per level
  Level level = Level::kShall;
  std::vector<std::string> requirements;  // {"KO-11"}
  std::string title;
  Status status = Status::kPass;
  std::string message;  // why: what was expected, what was seen
  std::vector<Evidence> evidence;
  // A skip because time ran out (job budget or the run's deadline), not because the check does
  // not apply: nothing was verified, so a SHALL check like this makes the run inconclusive.
  bool out_of_time = false;
};

}  // namespace bh::conformance
