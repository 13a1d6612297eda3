// Kick-off checks (KO-01..KO-13, PAR-01): what the export endpoints answer to well-formed,
// unusual and unsupported requests.
#include "conformance/check_def.hpp"
#include "protocol/operation_outcome.hpp"
#include "protocol/retry_after.hpp"

namespace bh::conformance {

namespace {

using V = protocol::IgVersion;
const std::vector<V> kV2Plus = {V::kV2_0_0, V::kV3_0_0, V::kV4_0_0_ballot};
const std::vector<V> kV2V3 = {V::kV2_0_0, V::kV3_0_0};

// Starts a kick-off, judges nothing, and cancels the job it may have started.
Exchange try_kickoff(Context& ctx, const std::string& level, const protocol::QueryParams& params,
                     const KickoffStyle& style) {
  Exchange e = ctx.kickoff(level, params, style);
  if (e.response.status == 202) {
    const std::string url = ctx.status_url_of(e);
    if (!url.empty()) ctx.del(url);
  }
  return e;
}

void accepted(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun& run = ctx.baseline(level);
  v.evidence(run.kickoff);
  if (run.kickoff.response.status == 202) return v.pass("the kick-off answered 202 Accepted");
  std::string why = describe_answer(run.kickoff, "the kick-off");
  if (auto issues = protocol::parse_outcome(run.kickoff.body); issues && !issues->empty())
    why += " (" + issues->front().code + ": " + issues->front().diagnostics + ")";
  v.violated(why + ", expected 202 Accepted");
}

void content_location(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun& run = ctx.baseline(level);
  if (run.kickoff.response.status != 202)
    return v.skip(describe_answer(run.kickoff, "the kick-off"));
  v.evidence(run.kickoff);
  const auto all = run.kickoff.response.headers.get_all("Content-Location");
  if (all.empty()) return v.violated("the 202 has no Content-Location header");
  if (all.size() > 1)
    return v.violated("the 202 has " + std::to_string(all.size()) +
                      " Content-Location headers, expected exactly one");
  const std::string value(protocol::trim(all.front()));
  if (!protocol::is_absolute_url(value))
    return v.violated("Content-Location \"" + value + "\" is not an absolute http(s) URL");
  v.pass("Content-Location is the absolute URL " + value);
}

void kickoff_body(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun& run = ctx.baseline(level);
  if (run.kickoff.response.status != 202)
    return v.skip(describe_answer(run.kickoff, "the kick-off"));
  if (run.kickoff.body_bytes == 0) return v.pass("the 202 has no body (allowed)");
  v.evidence(run.kickoff);
  if (auto problem = outcome_problem(run.kickoff))
    return v.violated("the 202 carries a body that is not an OperationOutcome: " + *problem);
  v.pass("the 202 body is an OperationOutcome");
}

void post_kickoff(Context& ctx, const std::string& level, Verdict& v) {
  Exchange e = try_kickoff(ctx, level, {{"_outputFormat", "application/fhir+ndjson"}},
                           KickoffStyle::posted());
  v.evidence(e);
  if (e.response.status == 202) return v.pass("a POST with a Parameters body was accepted");
  v.violated(describe_answer(e, "a POST kick-off with a Parameters body") +
             (ctx.post_only() ? ", expected 202 (4.0.0 kick-offs are POST)"
                              : ": POST kick-off is not offered"));
}

// Allowed answers to a kick-off missing a header the IG says clients SHOULD send (KO-06,
// KO-08): carry on (202) or refuse with a client error.
void missing_header(Context& ctx, const std::string& level, Verdict& v, bool accept) {
  KickoffStyle style = ctx.style();
  (accept ? style.accept : style.prefer_async) = false;
  const char* header = accept ? "Accept" : "Prefer: respond-async";
  Exchange e = try_kickoff(ctx, level, {}, style);
  v.evidence(e);
  const int st = e.response.status;
  if (st == 202) return v.pass(std::string("without ") + header + ": processed asynchronously");
  if (st >= 400 && st < 500)
    return v.pass(std::string("without ") + header + ": refused with " + std::to_string(st));
  v.violated(describe_answer(e, std::string("a kick-off without ") + header) +
             ", expected 202 or a 4xx refusal");
}

constexpr const char* kBogusParam = "_bulkharnessUnsupported";

void unsupported_parameter(Context& ctx, const std::string& level, Verdict& v) {
  Exchange e = try_kickoff(ctx, level, {{kBogusParam, "1"}}, ctx.style());
  v.evidence(e);
  const int st = e.response.status;
  if (st >= 400 && st < 500) {
    if (auto problem = outcome_problem(e))
      return v.violated("refused with " + std::to_string(st) + " but " + *problem);
    return v.pass("refused with " + std::to_string(st) + " and an OperationOutcome");
  }
  v.violated(
      describe_answer(e, std::string("a kick-off with the unsupported parameter ") + kBogusParam) +
      ", expected 4xx + OperationOutcome (without Prefer: handling=lenient)");
}

void lenient(Context& ctx, const std::string& level, Verdict& v) {
  KickoffStyle style = ctx.style();
  style.extra_prefer = "handling=lenient";
  ExportRun run = ctx.run_export(level, {{kBogusParam, "1"}}, style, true);
  v.evidence(run.kickoff);
  if (run.kickoff.response.status >= 400 && run.kickoff.response.status < 500)
    return v.pass("refused even under handling=lenient (the server MAY proceed, need not)");
  if (!run.complete()) return v.skip(run.problem);
  ctx.del(run.status_url);
  for (const auto& f : run.files)
    if (f.kind == "error" && f.download.summary.resources > 0)
      return v.pass("proceeded and wrote OperationOutcome lines to the error files");
  if (run.manifest_exchange()) v.evidence(*run.manifest_exchange());
  v.violated(std::string("proceeded under handling=lenient but the manifest reports no "
                         "OperationOutcome for the ignored parameter ") +
             kBogusParam);
}

void unknown_group(Context& ctx, const std::string&, Verdict& v) {
  bool group = false;
  for (const auto& l : ctx.levels())
    group = group || l.starts_with("group");
  if (!group) return v.skip("the group level is not tested");
  Exchange e = ctx.kickoff("group:bulkharness-no-such-group", {}, ctx.style());
  v.evidence(e);
  const int st = e.response.status;
  if (st == 202) {
    // Accepted: the server may still refuse the Group when the job runs.
    const std::string url = ctx.status_url_of(e);
    PollResult poll = url.empty() ? PollResult{} : ctx.probe().poll(url);
    if (!url.empty()) ctx.del(url);
    if (poll.end == PollEnd::kFailed || poll.end == PollEnd::kGone)
      return v.pass("an unknown Group is accepted, then the job fails (" + poll.message + ")");
    if (poll.end == PollEnd::kTimedOut)
      return v.out_of_time("the job for an unknown Group: " + poll.message);
    return v.violated("a kick-off for an unknown Group was accepted and the job " +
                      std::string(to_string(poll.end)) + ", expected a refusal");
  }
  if (st < 400)
    return v.violated(describe_answer(e, "a kick-off for an unknown Group") +
                      ", expected 4xx + OperationOutcome");
  if (auto problem = outcome_problem(e))
    return v.violated("answered " + std::to_string(st) + " but " + *problem);
  v.pass("an unknown Group is refused with " + std::to_string(st) + " and an OperationOutcome");
}

void output_formats(Context& ctx, const std::string&, Verdict& v) {
  const std::string level = ctx.first_level();
  for (const char* fmt : {"application/fhir+ndjson", "application/ndjson", "ndjson"}) {
    Exchange e = try_kickoff(ctx, level, {{"_outputFormat", fmt}}, ctx.style());
    if (e.response.status != 202) {
      v.evidence(e);
      return v.violated(describe_answer(e, std::string("_outputFormat=") + fmt) +
                        ", expected 202 (all three NDJSON spellings SHALL be accepted)");
    }
  }
  v.pass("application/fhir+ndjson, application/ndjson and ndjson are all accepted (" + level +
         " level)");
}

void concurrent(Context& ctx, const std::string&, Verdict& v) {
  const std::string level = ctx.first_level();
  std::vector<Exchange> answers;
  for (std::uint32_t i = 0; i < ctx.options().concurrent_exports; ++i)
    answers.push_back(ctx.probe().kickoff(level, {}, ctx.style()));
  int accepted = 0, throttled = 0;
  std::string problem;
  for (const auto& e : answers) {
    if (e.response.status == 202) {
      ++accepted;
      if (auto url = ctx.status_url_of(e); !url.empty()) ctx.del(url);
    } else if (e.response.status == 429) {
      ++throttled;
      auto ra = e.header("Retry-After");
      if ((!ra || !protocol::parse_retry_after(*ra, e.at)) && problem.empty()) {
        v.evidence(e);
        problem = ra ? "a 429 carries the unusable Retry-After \"" + std::string(*ra) + "\""
                     : "a 429 refusing a concurrent export has no Retry-After";
      }
    } else if (problem.empty()) {
      v.evidence(e);
      problem = describe_answer(e, "a concurrent kick-off") + ", expected 202 or 429";
    }
  }
  if (!problem.empty()) return v.violated(problem);
  v.pass(std::to_string(accepted) + " of " + std::to_string(answers.size()) +
         " concurrent kick-offs accepted, " + std::to_string(throttled) +
         " refused with 429 + Retry-After");
}

void error_outcomes(Context& ctx, const std::string&, Verdict& v) {
  int errors = 0;
  for (const auto& e : ctx.kickoff_log()) {
    const int st = e.response.status;
    if (st < 400 || st == 429) continue;  // a 429's OperationOutcome is optional (ERR-04)
    // A V2-V3 server need not offer POST (KO-03 MAY); its router's 405 is not a kick-off
    // failure. kickoff-post reports it.
    if (e.request.method == "POST" && !ctx.post_only() && (st == 405 || st == 501)) continue;
    ++errors;
    if (auto problem = outcome_problem(e)) {
      v.evidence(e);
      return v.violated("a kick-off refused with " + std::to_string(st) + ": " + *problem);
    }
  }
  if (errors == 0) return v.skip("no kick-off of this run was refused");
  v.pass(std::to_string(errors) + " refused kick-offs, each with an OperationOutcome");
}

}  // namespace

void add_kickoff_checks(std::vector<CheckDef>& out) {
  out.push_back({"kickoff-accepted",
                 "kickoff",
                 Level::kShall,
                 {"KO-01", "KO-02", "KO-11"},
                 "a plain kick-off is accepted with 202",
                 true,
                 false,
                 false,
                 {},
                 accepted});
  out.push_back({"kickoff-content-location",
                 "kickoff",
                 Level::kShall,
                 {"KO-11"},
                 "the 202 carries one absolute Content-Location",
                 true,
                 false,
                 false,
                 {},
                 content_location});
  out.push_back({"kickoff-body",
                 "kickoff",
                 Level::kShall,
                 {"KO-11"},
                 "a 202 body, if any, is an OperationOutcome",
                 true,
                 false,
                 false,
                 {},
                 kickoff_body});
  out.push_back({"kickoff-post",
                 "kickoff",
                 Level::kMay,
                 {"KO-03", "KO-04"},
                 "POST with a Parameters body is accepted",
                 true,
                 false,
                 false,
                 kV2V3,
                 post_kickoff});
  out.push_back({"kickoff-post",
                 "kickoff",
                 Level::kShall,
                 {"KO-03", "KO-04"},
                 "POST with a Parameters body is accepted",
                 true,
                 false,
                 false,
                 {V::kV4_0_0_ballot},
                 post_kickoff});
  out.push_back({"kickoff-without-accept",
                 "kickoff",
                 Level::kMay,
                 {"KO-06"},
                 "without Accept the kick-off is processed or refused with 4xx",
                 false,
                 false,
                 false,
                 kV2Plus,
                 [](Context& c, const std::string&, Verdict& v) {
                   missing_header(c, c.first_level(), v, true);
                 }});
  out.push_back({"kickoff-without-prefer",
                 "kickoff",
                 Level::kMay,
                 {"KO-08"},
                 "without Prefer: respond-async the kick-off is processed or refused with 4xx",
                 false,
                 false,
                 false,
                 kV2Plus,
                 [](Context& c, const std::string&, Verdict& v) {
                   missing_header(c, c.first_level(), v, false);
                 }});
  out.push_back({"kickoff-unsupported-parameter",
                 "kickoff",
                 Level::kShould,
                 {"KO-09", "ERR-02"},
                 "an unsupported parameter is refused with 4xx + OperationOutcome",
                 true,
                 false,
                 false,
                 kV2Plus,
                 unsupported_parameter});
  out.push_back(
      {"kickoff-lenient",
       "kickoff",
       Level::kShould,
       {"KO-09", "MF-05"},
       "under handling=lenient an ignored parameter is reported in the error files",
       false,
       false,
       false,
       kV2Plus,
       [](Context& c, const std::string&, Verdict& v) { lenient(c, c.first_level(), v); }});
  out.push_back({"kickoff-unknown-group",
                 "kickoff",
                 Level::kShall,
                 {"KO-12"},
                 "a kick-off for an unknown Group is refused with 4xx + OperationOutcome",
                 false,
                 false,
                 false,
                 {},
                 unknown_group});
  out.push_back({"kickoff-output-format",
                 "kickoff",
                 Level::kShall,
                 {"PAR-01"},
                 "the three NDJSON spellings of _outputFormat are accepted",
                 false,
                 false,
                 false,
                 {},
                 output_formats});
  out.push_back({"kickoff-concurrent",
                 "kickoff",
                 Level::kShould,
                 {"KO-13", "ERR-04"},
                 "concurrent kick-offs are accepted, or refused with 429 + Retry-After",
                 false,
                 false,
                 false,
                 {},
                 concurrent});
  out.push_back({"kickoff-error-outcome",
                 "kickoff",
                 Level::kShall,
                 {"KO-12", "ERR-01"},
                 "every refused kick-off carries an OperationOutcome",
                 false,
                 true,
                 false,
                 {},
                 error_outcomes});
}

}  // namespace bh::conformance
