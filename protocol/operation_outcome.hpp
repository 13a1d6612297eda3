// protocol/operation_outcome: FHIR OperationOutcome bodies (ERR-01, ST-11, ST-12, ERR-05).
//
// Contract: make_outcome builds a valid R4 OperationOutcome (severity and code from the R4 value
// sets, diagnostics as given); outcome_text is its compact serialization, byte for byte what
// make_outcome(...).dump() gives with invalid UTF-8 replaced. parse_outcome reads one leniently
// enough to classify a status error: it requires resourceType "OperationOutcome" and an `issue`
// array, and reports what is wrong otherwise. is_transient_code is the ST-12 family: transient,
// lock-error, no-store, exception, timeout, incomplete, throttled.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace bh::protocol {

struct OutcomeIssue {
  std::string severity;  // fatal | error | warning | information
  std::string code;      // IssueType code: "invalid", "not-found", "transient", ...
  std::string diagnostics;
};

nlohmann::ordered_json make_outcome(const std::vector<OutcomeIssue>& issues);
nlohmann::ordered_json make_outcome(std::string severity, std::string code,
                                    std::string diagnostics);
std::string outcome_text(const std::vector<OutcomeIssue>& issues);
Result<std::vector<OutcomeIssue>> parse_outcome(std::string_view body);
bool is_transient_code(std::string_view code);
// Membership of the R4 value sets make_outcome asserts on, so callers holding values from
// outside (scenario files) can reject them as input errors first.
bool is_issue_severity(std::string_view severity);
bool is_issue_type(std::string_view code);
// True when every issue with severity error/fatal has a transient code (and there is one).
bool is_transient_outcome(const std::vector<OutcomeIssue>& issues);

}  // namespace bh::protocol
