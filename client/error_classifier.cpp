#include "client/error_classifier.hpp"

#include "protocol/operation_outcome.hpp"

namespace bh::client {

namespace {

std::string describe_outcome(const std::vector<protocol::OutcomeIssue>& issues) {
  std::string out = "OperationOutcome";
  std::size_t shown = 0;
  for (const auto& issue : issues) {
    if (shown == 3) {
      out += "; ...";
      break;
    }
    out += shown == 0 ? " " : "; ";
    out += issue.severity + "/" + issue.code;
    if (!issue.diagnostics.empty()) out += ": " + body_excerpt(issue.diagnostics, 200);
    ++shown;
  }
  return out;
}

}  // namespace

std::string body_excerpt(std::string_view body, std::size_t max_chars) {
  std::string out = "\"";
  for (char c : body.substr(0, max_chars)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  out += body.size() > max_chars ? "...\"" : "\"";
  return out;
}

namespace {

bool blank(std::string_view body) {
  return body.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

ErrorVerdict classify_error(int status, const protocol::Headers& headers, std::string_view body) {
  const bool empty = blank(body);
  if (status == 429) {
    ErrorVerdict v{ErrorClass::kThrottled, "throttled"};
    if (!empty) {
      if (auto oo = protocol::parse_outcome(body)) v.detail = describe_outcome(*oo);
    }
    return v;
  }
  if (empty) {
    if (status >= 500) return {ErrorClass::kTransient, "no body"};
    return {ErrorClass::kFatal, "no body"};
  }
  auto issues = protocol::parse_outcome(body);
  if (!issues) {
    const std::string type(headers.get("Content-Type").value_or("none"));
    return {ErrorClass::kFatal, "non-FHIR body (Content-Type " + type + ", " +
                                    std::to_string(body.size()) + " bytes): " + body_excerpt(body)};
  }
  const bool transient = protocol::is_transient_outcome(*issues);
  return {transient ? ErrorClass::kTransient : ErrorClass::kFatal,
          (transient ? "transient " : "") + describe_outcome(*issues)};
}

}  // namespace bh::client
