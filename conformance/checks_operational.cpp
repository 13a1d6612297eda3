// Operational checks (--operational): several exports running at once and downloaded whole,
// a cancellation in the middle of a job, and a status URL polled again after a long silence.
#include <chrono>

#include "client/wait_policy.hpp"
#include "conformance/check_def.hpp"

namespace bh::conformance {

namespace {

void concurrent_exports(Context& ctx, const std::string&, Verdict& v) {
  const std::string level = ctx.first_level();
  const Instant start = ctx.probe().http().now();
  std::vector<Exchange> kickoffs;
  for (std::uint32_t i = 0; i < ctx.options().concurrent_exports; ++i)
    kickoffs.push_back(ctx.kickoff(level, {}, ctx.style()));
  std::uint64_t resources = 0, bytes = 0, files = 0;
  for (const auto& k : kickoffs) {
    const std::string url = ctx.status_url_of(k);
    if (k.response.status != 202 || url.empty()) {
      v.evidence(k);
      return v.violated(describe_answer(k, "one of the concurrent kick-offs") +
                        " (after honouring any 429)");
    }
    PollResult poll = ctx.probe().poll(url);
    if (poll.end != PollEnd::kComplete) {
      if (poll.last()) v.evidence(*poll.last());
      if (poll.end == PollEnd::kTimedOut)
        return v.out_of_time("a concurrent export did not finish in time: " + poll.message);
      return v.violated("a concurrent export did not complete: " + poll.message);
    }
    auto m = protocol::validate_manifest(poll.last()->body, ctx.version());
    if (!m.usable()) return v.violated("a concurrent export's manifest is not usable");
    for (const auto& f : m.manifest->output) {
      Download d = ctx.probe().download(f.url, f.type, false);
      if (d.head.response.status != 200 || !d.summary.ok()) {
        v.evidence(d.head.evidence());
        return v.violated(f.url + ": " + describe_answer(d.head, "the download") +
                          (d.summary.ok() ? "" : ", invalid NDJSON"));
      }
      resources += d.summary.resources;
      bytes += d.bytes;
      ++files;
    }
    ctx.del(url);
  }
  const double secs = to_seconds(ctx.probe().http().now() - start);
  char rate[96];
  std::snprintf(rate, sizeof rate, "%.1f s, %.0f resources/s, %.2f MB/s", secs,
                secs > 0 ? static_cast<double>(resources) / secs : 0.0,
                secs > 0 ? static_cast<double>(bytes) / 1e6 / secs : 0.0);
  v.pass(std::to_string(kickoffs.size()) +
         " concurrent exports completed: " + std::to_string(files) + " files, " +
         std::to_string(resources) + " resources, " + std::to_string(bytes) + " bytes in " + rate);
}

void cancel_mid_export(Context& ctx, const std::string&, Verdict& v) {
  Exchange k = ctx.kickoff(ctx.first_level(), {}, ctx.style());
  const std::string url = ctx.status_url_of(k);
  if (url.empty()) return v.skip(describe_answer(k, "the kick-off"));
  protocol::Headers accept;
  accept.add("Accept", "application/json");
  Exchange first = ctx.probe().get(url, accept);
  if (first.response.status != 202) {
    ctx.del(url);
    return v.skip("the job answered " + std::to_string(first.response.status) +
                  " at the first poll: it was not running any more");
  }
  Exchange del = ctx.del(url);
  v.evidence(del);
  if (del.response.status != 202)
    return v.violated(describe_answer(del, "DELETE in the middle of an export") + ", expected 202");
  Exchange after = ctx.probe().get(url, accept);
  v.evidence(after);
  if (ctx.v2_or_later() && (after.response.status != 404 || outcome_problem(after)))
    return v.violated(describe_answer(after, "the status URL after the cancellation") +
                      ", expected 404 + OperationOutcome");
  v.pass("cancelled while running (202), then 404 + OperationOutcome");
}

void late_poll(Context& ctx, const std::string&, Verdict& v) {
  Exchange k = ctx.kickoff(ctx.first_level(), {}, ctx.style());
  const std::string url = ctx.status_url_of(k);
  if (url.empty()) return v.skip(describe_answer(k, "the kick-off"));
  const Duration delay = ctx.options().late_poll_delay;
  if (delay >= ctx.probe().time_left()) {
    ctx.del(url);
    return v.out_of_time("the run's deadline leaves no time to wait " +
                         client::format_seconds(delay));
  }
  ctx.probe().http().sleep(delay);
  PollResult poll = ctx.probe().poll(url);
  ctx.del(url);
  if (!poll.polls.empty()) v.evidence(poll.polls.front());
  if (poll.end == PollEnd::kTimedOut)
    return v.out_of_time("polled first after " + client::format_seconds(delay) +
                         ", the job did not finish in time: " + poll.message);
  if (poll.end != PollEnd::kComplete)
    return v.violated("polled first after " + client::format_seconds(delay) +
                      ", the job did not complete: " + poll.message);
  v.pass("polled first after " + client::format_seconds(delay) +
         ": the job was still there and "
         "completed");
}

}  // namespace

void add_operational_checks(std::vector<CheckDef>& out) {
  out.push_back({"operational-concurrent-exports",
                 "operational",
                 Level::kShall,
                 {"KO-01", "KO-13", "DL-03"},
                 "several exports at once all complete and download whole",
                 false,
                 false,
                 true,
                 {},
                 concurrent_exports});
  out.push_back({"operational-cancel-mid-export",
                 "operational",
                 Level::kShall,
                 {"DEL-02", "DEL-04"},
                 "a job cancelled while running is gone",
                 false,
                 false,
                 true,
                 {},
                 cancel_mid_export});
  out.push_back({"operational-late-poll",
                 "operational",
                 Level::kShall,
                 {"ST-07", "ST-09"},
                 "a job polled first after a long delay is still there",
                 false,
                 false,
                 true,
                 {},
                 late_poll});
}

}  // namespace bh::conformance
