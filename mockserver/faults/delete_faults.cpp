// DELETE that does not do what it says: ignored, or the job still reported running afterwards.
// (A DELETE answered 500 or 404 is fatal-error or job-lost matched on endpoint delete.)
#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"
#include "mockserver/faults/retry_after_forms.hpp"
#include "protocol/responses.hpp"

namespace bh::mockserver {

void add_delete_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back({"delete-ignored",
                   "delete",
                   "DELETE is answered 202 but never reaches the job: it goes on running and "
                   "its status URL keeps answering",
                   {"DEL-01", "DEL-02", "DEL-04"},
                   {"delete"},
                   {},
                   fn_kind([](const ParamValues&) -> FaultFn {
                     return [](FaultContext&, const Next&) {
                       return protocol::outcome_response(202, "information", "informational",
                                                         "cancellation accepted");
                     };
                   })});
  kinds.push_back({"status-after-delete",
                   "delete",
                   "after a DELETE the status URL still answers 202 (running) instead of 404",
                   {"ST-15", "DEL-04"},
                   {"status"},
                   {},
                   fn_kind([](const ParamValues&) -> FaultFn {
                     return [](FaultContext& ctx, const Next& next) {
                       if (!ctx.job || ctx.job->state_at(ctx.now) != protocol::JobState::kDeleted)
                         return declined(ctx, next);
                       protocol::Response r;
                       r.status = 202;
                       r.headers.set("X-Progress", "in progress");
                       set_retry_after(ctx, r.headers, "seconds", ctx.service.retry_after);
                       return r;
                     };
                   })});
}

}  // namespace bh::mockserver
