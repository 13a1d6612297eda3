#include "protocol/operation_outcome.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "core/assert.hpp"

namespace bh::protocol {

namespace {

constexpr const char* kWhere = "OperationOutcome";

// R4 IssueSeverity (http://hl7.org/fhir/R4/valueset-issue-severity.html).
constexpr std::array<std::string_view, 4> kSeverities = {"fatal", "error", "warning",
                                                         "information"};

// R4 IssueType (http://hl7.org/fhir/R4/valueset-issue-type.html), every level of the hierarchy.
constexpr std::array<std::string_view, 31> kIssueTypes = {
    "invalid",       "structure", "required",         "value",         "invariant",  "security",
    "login",         "unknown",   "expired",          "forbidden",     "suppressed", "processing",
    "not-supported", "duplicate", "multiple-matches", "not-found",     "deleted",    "too-long",
    "code-invalid",  "extension", "too-costly",       "business-rule", "conflict",   "transient",
    "lock-error",    "no-store",  "exception",        "timeout",       "incomplete", "throttled",
    "informational"};

// ST-12: the codes that mean "the status request failed, the job did not".
constexpr std::array<std::string_view, 7> kTransient = {
    "transient", "lock-error", "no-store", "exception", "timeout", "incomplete", "throttled"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

std::string short_dump(const nlohmann::json& v) {
  std::string s = v.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  constexpr std::size_t kMax = 80;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

std::string string_field(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  return (it != obj.end() && it->is_string()) ? it->get<std::string>() : std::string{};
}

}  // namespace

bool is_issue_severity(std::string_view severity) {
  return contains(kSeverities, severity);
}

bool is_issue_type(std::string_view code) {
  return contains(kIssueTypes, code);
}

nlohmann::ordered_json make_outcome(const std::vector<OutcomeIssue>& issues) {
  // R4 requires issue 1..*, and these values come from our own code, never from the wire.
  BH_ASSERT(!issues.empty(), "an OperationOutcome needs at least one issue");
  nlohmann::ordered_json out;
  out["resourceType"] = "OperationOutcome";
  auto& list = out["issue"] = nlohmann::ordered_json::array();
  for (const auto& issue : issues) {
    BH_ASSERT(is_issue_severity(issue.severity), "severity outside R4 IssueSeverity");
    BH_ASSERT(is_issue_type(issue.code), "code outside R4 IssueType");
    nlohmann::ordered_json item;
    item["severity"] = issue.severity;
    item["code"] = issue.code;
    // FHIR JSON forbids empty strings, so an absent diagnostic is left out rather than "".
    if (!issue.diagnostics.empty()) item["diagnostics"] = issue.diagnostics;
    list.push_back(std::move(item));
  }
  return out;
}

namespace {
// Printable ASCII other than '"' and '\\': written as it is, so the text needs no escaper.
bool needs_no_escaping(std::string_view s) {
  for (const char c : s)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}
}  // namespace

std::string outcome_text(const std::vector<OutcomeIssue>& issues) {
  // Every error answer is one of these: building and dumping the DOM cost ~18k instructions
  // each (callgrind), most of a simulated status poll. Diagnostics that need escaping (rare:
  // quotes, control characters, non-ASCII) take the DOM path, so there is one escaper.
  const bool plain = std::all_of(issues.begin(), issues.end(), [](const OutcomeIssue& i) {
    return needs_no_escaping(i.diagnostics);
  });
  if (!plain || issues.empty())
    return make_outcome(issues).dump(-1, ' ', false,
                                     nlohmann::ordered_json::error_handler_t::replace);
  std::string out = R"({"resourceType":"OperationOutcome","issue":[)";
  for (const auto& issue : issues) {
    BH_ASSERT(is_issue_severity(issue.severity), "severity outside R4 IssueSeverity");
    BH_ASSERT(is_issue_type(issue.code), "code outside R4 IssueType");
    if (&issue != &issues.front()) out += ',';
    out.append(R"({"severity":")").append(issue.severity);
    out.append(R"(","code":")").append(issue.code).append("\"");
    if (!issue.diagnostics.empty())
      out.append(R"(,"diagnostics":")").append(issue.diagnostics).append("\"");
    out += '}';
  }
  out += "]}";
  return out;
}

nlohmann::ordered_json make_outcome(std::string severity, std::string code,
                                    std::string diagnostics) {
  return make_outcome(
      std::vector<OutcomeIssue>{{std::move(severity), std::move(code), std::move(diagnostics)}});
}

Result<std::vector<OutcomeIssue>> parse_outcome(std::string_view body) {
  const auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error(kWhere, "body is not JSON", "a JSON object");
  if (!doc.is_object()) {
    return make_error(kWhere, "body is not a JSON object", "a JSON object", short_dump(doc));
  }
  const auto rt = doc.find("resourceType");
  if (rt == doc.end()) return make_error(kWhere, "resourceType is missing", "\"OperationOutcome\"");
  if (!rt->is_string() || rt->get_ref<const std::string&>() != "OperationOutcome") {
    return make_error(kWhere + std::string(": /resourceType"), "wrong resource type",
                      "\"OperationOutcome\"", short_dump(*rt));
  }
  const auto issue = doc.find("issue");
  if (issue == doc.end() || !issue->is_array() || issue->empty()) {
    return make_error(kWhere + std::string(": /issue"), "missing or empty",
                      "an array of at least one issue",
                      issue == doc.end() ? std::string("nothing") : short_dump(*issue));
  }
  std::vector<OutcomeIssue> out;
  out.reserve(issue->size());
  for (std::size_t i = 0; i < issue->size(); ++i) {
    const auto& item = (*issue)[i];
    if (!item.is_object()) {
      return make_error(kWhere + std::string(": /issue/") + std::to_string(i), "not an object",
                        "an issue object", short_dump(item));
    }
    // Lenient on purpose: a missing or non-string field reads as empty. An issue without a
    // severity is then no error issue, so it can never make an outcome look transient (ST-12).
    out.push_back(OutcomeIssue{string_field(item, "severity"), string_field(item, "code"),
                               string_field(item, "diagnostics")});
  }
  return out;
}

bool is_transient_code(std::string_view code) {
  return contains(kTransient, code);
}

bool is_transient_outcome(const std::vector<OutcomeIssue>& issues) {
  bool any = false;
  for (const auto& issue : issues) {
    if (issue.severity != "error" && issue.severity != "fatal") continue;
    if (!is_transient_code(issue.code)) return false;
    any = true;
  }
  return any;
}

}  // namespace bh::protocol
