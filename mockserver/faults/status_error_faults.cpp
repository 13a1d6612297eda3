// Error answers: transient and fatal OperationOutcomes, non-FHIR bodies, 401/403, a lost job.
#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"
#include "protocol/operation_outcome.hpp"
#include "protocol/responses.hpp"

namespace bh::mockserver {

namespace {

const std::vector<std::string> kTransientCodes = {
    "transient", "lock-error", "no-store", "exception", "timeout", "incomplete", "throttled"};
// Non-transient IssueType codes a failed job is reported with (ST-11).
const std::vector<std::string> kFatalCodes = {"processing",    "invalid",       "not-found",
                                              "too-costly",    "forbidden",     "security",
                                              "not-supported", "business-rule", "conflict"};

ParamSpec status_param(int fallback, double lo, double hi) {
  return {"status", ParamType::kInteger, fallback, "HTTP status", {}, lo, hi};
}

FaultFn outcome_fault(const ParamValues& v, std::string severity, std::string why) {
  return [v, severity, why](FaultContext&, const Next&) {
    return protocol::outcome_response(static_cast<int>(v.integer("status")), severity,
                                      v.text("code"), why);
  };
}

}  // namespace

void add_status_error_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back(
      {"transient-error",
       "status-errors",
       "a 5xx whose OperationOutcome carries a transient issue code: the request failed but the "
       "job goes on, so a client retries",
       {"ST-12", "ERR-05", "ST-11"},
       {"kickoff", "status", "file", "delete", "any"},
       {status_param(503, 400, 599),
        {"code", ParamType::kChoice, "transient", "the transient IssueType code", kTransientCodes}},
       fn_kind([](const ParamValues& v) {
         return outcome_fault(v, "error",
                              "temporary failure reading the export status; the job is still "
                              "running, retry later (ST-12)");
       })});
  kinds.push_back(
      {"fatal-error",
       "status-errors",
       "a 4xx/5xx whose OperationOutcome carries a non-transient code: the job failed (with a "
       "`from` schedule: the job fails after N polls)",
       {"ST-11", "ERR-05", "KO-12", "DEL-03"},
       {"kickoff", "status", "file", "delete", "any"},
       {status_param(500, 400, 599),
        {"code", ParamType::kChoice, "processing", "the IssueType code", kFatalCodes}},
       fn_kind([](const ParamValues& v) {
         return outcome_fault(v, "fatal", "the export failed and will not complete (ST-11)");
       })});
  kinds.push_back(
      {"non-fhir-error",
       "status-errors",
       "a 5xx whose body is not FHIR (an HTML or plain-text page from a proxy), with a matching "
       "Content-Type",
       {"ERR-07", "ST-11"},
       {"kickoff", "status", "file", "delete", "any"},
       {status_param(502, 400, 599),
        {"content_type",
         ParamType::kChoice,
         "text/html",
         "the body's media type",
         {"text/html", "text/plain", "application/json"}}},
       fn_kind([](const ParamValues& v) -> FaultFn {
         return [v](FaultContext&, const Next&) {
           protocol::Response r;
           r.status = static_cast<int>(v.integer("status"));
           const std::string type = v.text("content_type");
           r.headers.set("Content-Type",
                         type + (type == "application/json" ? "" : "; charset=utf-8"));
           if (type == "text/html")
             r.body = "<html><head><title>" + std::to_string(r.status) +
                      "</title></head><body><h1>Bad Gateway</h1><p>upstream timed out</p>"
                      "</body></html>\n";
           else if (type == "text/plain")
             r.body = "upstream connect error or disconnect/reset before headers\n";
           else
             r.body = R"({"error":"gateway","message":"upstream unavailable"})";
           return r;
         };
       })});
  kinds.push_back(
      {"unauthorized",
       "status-errors",
       "401 with WWW-Authenticate: Bearer error=\"invalid_token\" (an access token expired in "
       "the middle of a job)",
       {"AUTH-05", "AUTH-08", "ST-14"},
       {"kickoff", "status", "file", "delete", "any"},
       {},
       fn_kind([](const ParamValues&) -> FaultFn {
         return [](FaultContext&, const Next&) {
           protocol::Response r = protocol::outcome_response(
               401, "error", "login", "the access token has expired; get a new one (AUTH-08)");
           r.headers.set("WWW-Authenticate",
                         "Bearer error=\"invalid_token\", error_description=\"token expired\"");
           return r;
         };
       })});
  kinds.push_back({"forbidden",
                   "status-errors",
                   "403 with an OperationOutcome (code forbidden)",
                   {"AUTH-05", "DL-05", "ERR-03"},
                   {"kickoff", "status", "file", "delete", "any"},
                   {},
                   fn_kind([](const ParamValues&) -> FaultFn {
                     return [](FaultContext&, const Next&) {
                       return protocol::outcome_response(
                           403, "error", "forbidden",
                           "the client is not allowed to access this resource");
                     };
                   })});
  kinds.push_back(
      {"job-lost",
       "status-errors",
       "404 + OperationOutcome for a job the client never deleted (purged or lost: GONE)",
       {"ST-15", "DEL-05"},
       {"status", "file", "delete", "any"},
       {},
       fn_kind([](const ParamValues&) -> FaultFn {
         return [](FaultContext& ctx, const Next&) {
           return protocol::outcome_response(
               404, "error", "not-found",
               "no export job " + ctx.cls.job_id + " (it was purged; open point A.3)");
         };
       })});
}

}  // namespace bh::mockserver
