// Broken kick-off answers: Content-Location missing, relative or doubled; 200 instead of 202;
// strict Accept/Prefer checking; a parameter refused.
#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"
#include "protocol/prefer.hpp"
#include "protocol/responses.hpp"

namespace bh::mockserver {

namespace {

// Edits a successful (202) kick-off; declines on anything else, so the fault only fires when
// there was a job to announce.
FaultFn edit_accepted(std::function<void(FaultContext&, protocol::Response&)> edit) {
  return edit_answer(202, [edit](FaultContext& ctx, protocol::Response& r) {
    if (!r.headers.has("Content-Location")) return false;
    edit(ctx, r);
    return true;
  });
}

std::string relative_of(const FaultContext& ctx, std::string_view absolute) {
  const std::string o = origin(ctx);
  return std::string(absolute.starts_with(o) ? absolute.substr(o.size()) : absolute);
}

}  // namespace

void add_kickoff_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back({"kickoff-no-content-location",
                   "kickoff",
                   "202 Accepted without a Content-Location header (the job runs, but the client "
                   "cannot find it)",
                   {"KO-11"},
                   {"kickoff"},
                   {},
                   fn_kind([](const ParamValues&) {
                     return edit_accepted([](FaultContext&, protocol::Response& r) {
                       r.headers.erase("Content-Location");
                     });
                   })});
  kinds.push_back({"kickoff-relative-content-location",
                   "kickoff",
                   "202 with Content-Location as an absolute path instead of an absolute URL",
                   {"KO-11"},
                   {"kickoff"},
                   {},
                   fn_kind([](const ParamValues&) {
                     return edit_accepted([](FaultContext& ctx, protocol::Response& r) {
                       r.headers.set("Content-Location",
                                     relative_of(ctx, *r.headers.get("Content-Location")));
                     });
                   })});
  kinds.push_back({"kickoff-two-content-locations",
                   "kickoff",
                   "202 with two Content-Location headers: the real one and a second that leads "
                   "nowhere",
                   {"KO-11"},
                   {"kickoff"},
                   {},
                   fn_kind([](const ParamValues&) {
                     return edit_accepted([](FaultContext&, protocol::Response& r) {
                       const std::string real(*r.headers.get("Content-Location"));
                       r.headers.add("Content-Location", real + "-other");
                     });
                   })});
  kinds.push_back({"kickoff-200",
                   "kickoff",
                   "200 OK instead of 202 Accepted (a server that ran the export synchronously, "
                   "or a proxy's page)",
                   {"KO-01", "KO-11"},
                   {"kickoff"},
                   {},
                   fn_kind([](const ParamValues&) {
                     return edit_accepted(
                         [](FaultContext&, protocol::Response& r) { r.status = 200; });
                   })});
  kinds.push_back(
      {"kickoff-strict-headers",
       "kickoff",
       "rejects a kick-off (400 + OperationOutcome) whose Accept is not application/fhir+json or "
       "that lacks Prefer: respond-async; a client sending both passes untouched",
       {"KO-05", "KO-06", "KO-07", "KO-08", "KO-12"},
       {"kickoff"},
       {{"accept", ParamType::kBoolean, true, "insist on Accept: application/fhir+json"},
        {"prefer", ParamType::kBoolean, true, "insist on Prefer: respond-async"}},
       fn_kind([](const ParamValues& v) -> FaultFn {
         return [v](FaultContext& ctx, const Next& next) {
           const auto accept = ctx.request.headers.get("Accept");
           if (v.flag("accept") && (!accept || protocol::trim(*accept) != "application/fhir+json"))
             return protocol::outcome_response(
                 400, "error", "not-supported",
                 "Accept must be application/fhir+json (KO-05); got " +
                     (accept ? "\"" + std::string(*accept) + "\"" : std::string("none")));
           if (v.flag("prefer")) {
             auto prefer = protocol::parse_prefer(ctx.request.headers);
             if (!prefer || !prefer->respond_async())
               return protocol::outcome_response(400, "error", "not-supported",
                                                 "Prefer: respond-async is required (KO-07)");
           }
           return declined(ctx, next);
         };
       })});
  kinds.push_back(
      {"kickoff-rejected",
       "kickoff",
       "refuses the kick-off with a 4xx/5xx OperationOutcome (an unsupported parameter, an "
       "unknown Group): the client must not retry it unchanged",
       {"KO-09", "KO-12", "ERR-02"},
       {"kickoff"},
       {{"status", ParamType::kInteger, 400, "HTTP status", {}, 400, 599},
        {"code",
         ParamType::kChoice,
         "not-supported",
         "the IssueType code",
         {"not-supported", "invalid", "not-found", "value", "too-costly", "forbidden"}},
        {"diagnostics", ParamType::kString, "parameter _typeFilter is not supported",
         "the OperationOutcome's diagnostics"}},
       fn_kind([](const ParamValues& v) -> FaultFn {
         return [v](FaultContext&, const Next&) {
           return protocol::outcome_response(static_cast<int>(v.integer("status")), "error",
                                             v.text("code"), v.text("diagnostics"));
         };
       })});
}

}  // namespace bh::mockserver
