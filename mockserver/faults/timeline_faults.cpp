// The job's timeline as the client sees it: a job that never finishes, X-Progress that is
// missing or malformed, a partial manifest on 202 (3.0.0), separate-export-status (3.0.0+).
#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"
#include "mockserver/faults/retry_after_forms.hpp"
#include "protocol/manifest.hpp"
#include "protocol/responses.hpp"

namespace bh::mockserver {

namespace {

// Edits a 202 status answer; declines on anything else.
FaultFn edit_in_progress(std::function<void(FaultContext&, protocol::Response&)> edit) {
  return edit_answer(202, [edit](FaultContext& ctx, protocol::Response& r) {
    edit(ctx, r);
    return true;
  });
}

protocol::Response still_running(const FaultContext& ctx) {
  protocol::Response r;
  r.status = 202;
  r.headers.set("X-Progress", "99% complete");
  set_retry_after(
      ctx, r.headers,
      ctx.service.retry_after_form == protocol::RetryAfterForm::kHttpDate ? "http-date" : "seconds",
      ctx.service.retry_after);
  return r;
}

bool wants_separate_status(const FaultContext& ctx, bool force) {
  if (force) return true;
  if (ctx.job) return ctx.job->request.prefer.has("separate-export-status");
  auto prefer = protocol::parse_prefer(ctx.request.headers);
  return prefer && prefer->has("separate-export-status");
}

}  // namespace

void add_timeline_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back({"never-finishes",
                   "timeline",
                   "the job never completes: once it would, status still answers 202 (X-Progress "
                   "99%) with the usual Retry-After, so only the client's own deadline ends it",
                   {"ST-07", "DEL-01"},
                   {"status"},
                   {},
                   fn_kind([](const ParamValues&) {
                     return edit_answer(200, [](FaultContext& ctx, protocol::Response& r) {
                       r = still_running(ctx);
                       return true;
                     });
                   })});
  kinds.push_back(
      {"x-progress",
       "timeline",
       "X-Progress on 202 answers missing, garbage, or longer than the 100 characters ST-07 "
       "allows",
       {"ST-07"},
       {"status"},
       {{"mode",
         ParamType::kChoice,
         "too-long",
         "what X-Progress becomes",
         {"missing", "garbage", "too-long", "value"}},
        {"value", ParamType::kString, "", "the literal value for mode \"value\""}},
       fn_kind([](const ParamValues& v) {
         return edit_in_progress([v](FaultContext&, protocol::Response& r) {
           const std::string mode = v.text("mode");
           if (mode == "missing")
             r.headers.erase("X-Progress");
           else if (mode == "garbage")
             r.headers.set("X-Progress", "NaN%% ~~ ### ?? -1/0");
           else if (mode == "too-long")
             r.headers.set("X-Progress", "processing: " + std::string(240, '='));
           else
             r.headers.set("X-Progress", v.text("value"));
         });
       })});
  kinds.push_back(
      {"partial-manifest",
       "timeline",
       "a 202 that carries a JSON manifest of the files ready so far (3.0.0 with "
       "allowPartialManifests; none are ready yet): a client must keep polling, not treat it as "
       "the final manifest",
       {"ST-08", "PAR-11"},
       {"status"},
       {},
       fn_kind([](const ParamValues&) {
         return edit_in_progress([](FaultContext& ctx, protocol::Response& r) {
           protocol::Manifest m;
           m.transaction_time = ctx.job ? ctx.job->accepted_at : ctx.now;
           m.request = ctx.job ? ctx.job->request_url : "";
           m.requires_access_token = ctx.service.requires_access_token;
           r.headers.set("Content-Type", "application/json");
           r.body = protocol::manifest_to_json(m, protocol::IgVersion::kV3_0_0).dump();
         });
       })});
  kinds.push_back(
      {"separate-export-status",
       "timeline",
       "honours Prefer: separate-export-status (3.0.0+): the kick-off answers Preference-Applied, "
       "and status answers 200 with the job's status in X-Export-Status; `force` applies it "
       "even to clients that did not ask (a server bug)",
       {"KO-10", "ST-07", "ST-09", "ST-11"},
       {"any"},
       {{"force", ParamType::kBoolean, false, "apply it without the client asking"}},
       fn_kind([](const ParamValues& v) -> FaultFn {
         return [force = v.flag("force")](FaultContext& ctx, const Next& next) {
           const auto e = ctx.cls.endpoint;
           if ((e != protocol::Endpoint::kKickoff && e != protocol::Endpoint::kStatus) ||
               !wants_separate_status(ctx, force))
             return declined(ctx, next);
           protocol::Response r = next();
           if (e == protocol::Endpoint::kKickoff) {
             if (r.status == 202)
               r.headers.set("Preference-Applied", "respond-async, separate-export-status");
             return r;
           }
           const std::string job_status =
               std::to_string(r.status) + " " + std::string(protocol::reason_phrase(r.status));
           r.headers.set("X-Export-Status", job_status);
           if (r.status != 200) {
             r.body.clear();
             r.stream.reset();
             r.headers.erase("Content-Type");
           }
           r.status = 200;
           return r;
         };
       })});
}

}  // namespace bh::mockserver
