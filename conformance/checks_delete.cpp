// DELETE checks (DEL-02..DEL-05, ST-15): cancelling a running job, releasing a finished one,
// deleting twice, and what the status URL answers afterwards.
#include "conformance/check_def.hpp"

namespace bh::conformance {

namespace {

using V = protocol::IgVersion;
const std::vector<V> kV2Plus = {V::kV2_0_0, V::kV3_0_0, V::kV4_0_0_ballot};

// The cancelled job the cancel, 404 and delete-twice checks share.
struct Cancelled {
  Exchange kickoff, del, after, again;
  std::string url;
};

Cancelled& cancelled(Context& ctx) {
  return ctx.memo<Cancelled>("delete.cancelled", [&] {
    Cancelled c;
    const std::string level = ctx.first_level();
    c.kickoff = ctx.kickoff(level, {}, ctx.style());
    c.url = ctx.status_url_of(c.kickoff);
    if (c.url.empty()) return c;
    c.del = ctx.del(c.url);
    protocol::Headers accept;
    accept.add("Accept", "application/json");
    if (c.del.response.status == 202) {
      c.after = ctx.probe().get(c.url, accept);
      c.again = ctx.del(c.url);
    }
    return c;
  });
}

void cancel(Context& ctx, const std::string&, Verdict& v) {
  const Cancelled& c = cancelled(ctx);
  if (c.url.empty()) return v.skip(describe_answer(c.kickoff, "the kick-off") + " (no job)");
  v.evidence(c.del);
  if (c.del.response.status != 202)
    return v.violated(describe_answer(c.del, "DELETE of a running job") + ", expected 202");
  if (c.del.body_bytes > 0)
    if (auto problem = outcome_problem(c.del))
      return v.violated("the 202 carries a body that is not an OperationOutcome: " + *problem);
  v.pass("DELETE of a running job answered 202");
}

void gone_after(const Exchange& after, Verdict& v, const std::string& what) {
  v.evidence(after);
  if (after.response.status != 404)
    return v.violated(describe_answer(after, "the status URL after " + what) +
                      ", expected 404 + OperationOutcome");
  if (auto problem = outcome_problem(after))
    return v.violated("the 404 after " + what + ": " + *problem);
  v.pass("the status URL answers 404 + OperationOutcome after " + what);
}

void then_404(Context& ctx, const std::string&, Verdict& v) {
  const Cancelled& c = cancelled(ctx);
  if (c.del.response.status != 202) return v.skip("no DELETE was accepted");
  gone_after(c.after, v, "a DELETE");
}

void twice(Context& ctx, const std::string&, Verdict& v) {
  const Cancelled& c = cancelled(ctx);
  if (c.del.response.status != 202) return v.skip("no DELETE was accepted");
  v.evidence(c.again);
  const int st = c.again.response.status;
  if (st == 404 && !outcome_problem(c.again))
    return v.pass("a second DELETE answers 404 + OperationOutcome");
  if (st >= 400 && st < 500) return v.pass("a second DELETE is refused with " + std::to_string(st));
  v.violated(describe_answer(c.again, "a second DELETE") +
             " (404 + OperationOutcome is the natural reading)");
}

void after_completion(Context& ctx, const std::string&, Verdict& v) {
  const std::string level = ctx.first_level();
  ExportRun& run = ctx.baseline(level);
  if (!run.poll || run.poll->end != PollEnd::kComplete)
    return v.skip("the " + level + " export did not complete");
  Exchange del = ctx.del(run.status_url);
  v.evidence(del);
  const int st = del.response.status;
  if (st >= 400 && st < 500 && !outcome_problem(del))
    return v.pass("release after completion refused with " + std::to_string(st) +
                  " + OperationOutcome");
  if (st != 202)
    return v.violated(describe_answer(del, "DELETE after completion") +
                      ", expected 202 (or a refusal with an OperationOutcome)");
  if (!ctx.v2_or_later()) return v.pass("DELETE after completion answered 202");
  protocol::Headers accept;
  accept.add("Accept", "application/json");
  gone_after(ctx.probe().get(run.status_url, accept), v, "releasing a finished job");
}

void error_outcomes(Context& ctx, const std::string&, Verdict& v) {
  int errors = 0;
  for (const auto& e : ctx.delete_log()) {
    if (e.response.status < 400) continue;
    ++errors;
    if (auto problem = outcome_problem(e)) {
      v.evidence(e);
      return v.violated("a DELETE refused with " + std::to_string(e.response.status) + ": " +
                        *problem);
    }
  }
  if (errors == 0) return v.skip("no DELETE of this run was refused");
  v.pass(std::to_string(errors) + " refused DELETEs, each with an OperationOutcome");
}

}  // namespace

void add_delete_checks(std::vector<CheckDef>& out) {
  out.push_back({"delete-cancel",
                 "delete",
                 Level::kShall,
                 {"DEL-02"},
                 "DELETE of a running job answers 202",
                 false,
                 false,
                 false,
                 {},
                 cancel});
  out.push_back({"delete-then-404",
                 "delete",
                 Level::kShall,
                 {"DEL-04", "ST-15"},
                 "after a DELETE the status URL answers 404 + OperationOutcome",
                 false,
                 false,
                 false,
                 kV2Plus,
                 then_404});
  out.push_back({"delete-twice",
                 "delete",
                 Level::kMay,
                 {"DEL-05"},
                 "a second DELETE is refused (404 + OperationOutcome)",
                 false,
                 false,
                 false,
                 {},
                 twice});
  out.push_back({"delete-after-completion",
                 "delete",
                 Level::kShall,
                 {"DEL-01", "DEL-02", "ST-15"},
                 "releasing a finished job answers 202, then the status URL 404",
                 false,
                 false,
                 false,
                 {},
                 after_completion});
  out.push_back({"delete-error-outcome",
                 "delete",
                 Level::kShall,
                 {"DEL-03", "ERR-01"},
                 "every refused DELETE carries an OperationOutcome",
                 false,
                 true,
                 false,
                 {},
                 error_outcomes});
}

}  // namespace bh::conformance
