#include "conformance/check.hpp"

#include "conformance/check_def.hpp"
#include "protocol/media_range.hpp"
#include "protocol/operation_outcome.hpp"

namespace bh::conformance {

std::string_view to_string(Level level) {
  switch (level) {
    case Level::kShall:
      return "SHALL";
    case Level::kShould:
      return "SHOULD";
    case Level::kMay:
      return "MAY";
  }
  return "?";
}

std::string_view to_string(Status status) {
  switch (status) {
    case Status::kPass:
      return "pass";
    case Status::kFail:
      return "fail";
    case Status::kWarn:
      return "warn";
    case Status::kInfo:
      return "info";
    case Status::kSkip:
      return "skip";
  }
  return "?";
}

Status violation_status(Level level) {
  switch (level) {
    case Level::kShall:
      return Status::kFail;
    case Level::kShould:
      return Status::kWarn;
    case Level::kMay:
      return Status::kInfo;
  }
  return Status::kFail;
}

void Verdict::set(Status s, std::string message) {
  // The first verdict stands: a check that concludes twice is reporting its first finding.
  if (written_) return;
  written_ = true;
  r_.status = s;
  r_.message = std::move(message);
}

void Verdict::pass(std::string message) {
  set(Status::kPass, std::move(message));
}
void Verdict::violated(std::string message) {
  set(violation_status(r_.level), std::move(message));
}
void Verdict::info(std::string message) {
  set(Status::kInfo, std::move(message));
}
void Verdict::warn(std::string message) {
  set(Status::kWarn, std::move(message));
}
void Verdict::skip(std::string reason) {
  set(Status::kSkip, std::move(reason));
}
void Verdict::out_of_time(std::string reason) {
  if (!written_) r_.out_of_time = true;
  set(Status::kSkip, std::move(reason));
}

void Verdict::evidence(const Exchange& e) {
  if (r_.evidence.size() < 4) r_.evidence.push_back(e.evidence());
}
void Verdict::evidence(Evidence e) {
  if (r_.evidence.size() < 4) r_.evidence.push_back(std::move(e));
}

std::optional<std::string> outcome_problem(const Exchange& e) {
  if (e.body_bytes == 0) return "the body is empty, expected an OperationOutcome";
  auto issues = protocol::parse_outcome(e.body);
  if (!issues) return "the body is not an OperationOutcome: " + issues.error().message();
  return std::nullopt;
}

void unfinished(const ExportRun& run, Verdict& v, const std::string& what) {
  if (run.poll && run.poll->end == PollEnd::kTimedOut)
    return v.out_of_time(what + ": " + run.problem);
  v.violated(what + ": " + run.problem);
}

std::string media_type(const Exchange& e) {
  return std::string(protocol::media_type_of(e.header("Content-Type").value_or("")));
}

std::string describe_answer(const Exchange& e, const std::string& what) {
  if (!e.ok()) return what + " failed: " + e.response.error.value_or("no response");
  return what + " answered " + std::to_string(e.response.status);
}

}  // namespace bh::conformance
