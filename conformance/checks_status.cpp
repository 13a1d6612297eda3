// Status checks (ST-03, ST-05, ST-07, ST-09..ST-12): what the polling URL answers, judged over
// every status answer the run saw, plus one burst of rapid polls to invite throttling.
#include <map>

#include "conformance/check_def.hpp"
#include "protocol/http_date.hpp"
#include "protocol/operation_outcome.hpp"
#include "protocol/retry_after.hpp"

namespace bh::conformance {

namespace {

using V = protocol::IgVersion;
const std::vector<V> kV2Plus = {V::kV2_0_0, V::kV3_0_0, V::kV4_0_0_ballot};

bool is_error(const Exchange& e) {
  const int st = e.response.status;
  return st >= 400 && st != 429 && st != 404;
}

void answers(Context& ctx, const std::string&, Verdict& v) {
  int seen = 0;
  for (const auto& e : ctx.probe().status_log()) {
    if (!e.ok()) continue;
    ++seen;
    const int st = e.response.status;
    if ((st >= 200 && st < 400) && st != 200 && st != 202) {
      v.evidence(e);
      return v.violated("a status poll answered " + std::to_string(st) +
                        ": in progress is 202, complete is 200");
    }
  }
  if (seen == 0) return v.skip("no status answer was seen");
  v.pass(std::to_string(seen) + " status answers, each 202, 200 or an error code");
}

void retry_after(Context& ctx, const std::string&, Verdict& v) {
  int accepted = 0, with = 0;
  for (const auto& e : ctx.probe().status_log()) {
    if (e.response.status != 202) continue;
    ++accepted;
    auto ra = e.header("Retry-After");
    if (!ra) continue;
    ++with;
    if (!protocol::parse_retry_after(*ra, e.at)) {
      v.evidence(e);
      return v.violated("a 202 carries Retry-After \"" + std::string(*ra) +
                        "\": expected delay-seconds or an HTTP-date");
    }
  }
  if (accepted == 0) return v.skip("no 202 status answer was seen (every job finished at once)");
  if (with == 0)
    return v.violated("none of " + std::to_string(accepted) + " 202 answers carries Retry-After");
  v.pass(std::to_string(with) + " of " + std::to_string(accepted) +
         " 202 answers carry a valid Retry-After");
}

void x_progress(Context& ctx, const std::string&, Verdict& v) {
  int with = 0;
  for (const auto& e : ctx.probe().status_log()) {
    auto p = e.header("X-Progress");
    if (e.response.status != 202 || !p) continue;
    ++with;
    if (p->size() >= 100) {
      v.evidence(e);
      return v.violated("X-Progress is " + std::to_string(p->size()) +
                        " characters long, expected under 100");
    }
  }
  if (with == 0) return v.pass("no X-Progress sent (it is optional)");
  v.pass(std::to_string(with) + " X-Progress values, all under 100 characters");
}

void complete(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun& run = ctx.baseline(level);
  if (!run.accepted()) return v.skip("the kick-off was not accepted: " + run.problem);
  const Exchange* last = run.manifest_exchange();
  if (last != nullptr) v.evidence(*last);
  if (run.poll->end != PollEnd::kComplete) return unfinished(run, v, "the export");
  if (last->truncated())
    return v.violated("the manifest body exceeds the runner's limit of " +
                      std::to_string(ctx.probe().options().max_kept_body) +
                      " bytes (the read stopped there): page it with `link` (IG 2.0) or split "
                      "the export");
  auto j = nlohmann::json::parse(last->body, nullptr, false);
  if (!j.is_object()) return v.violated("the 200 body is not a JSON object (a manifest)");
  v.pass("200 with a JSON manifest after " + std::to_string(run.poll->poll_count) + " polls");
}

void manifest_media_type(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun& run = ctx.baseline(level);
  if (!run.poll || run.poll->end != PollEnd::kComplete)
    return v.skip("the " + level + " export did not complete");
  const Exchange& e = *run.manifest_exchange();
  const std::string ct = media_type(e);
  if (protocol::iequals(ct, "application/json")) return v.pass("Content-Type: application/json");
  v.evidence(e);
  v.violated("the manifest is served as \"" + ct + "\", expected application/json");
}

void expires(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun& run = ctx.baseline(level);
  if (!run.poll || run.poll->end != PollEnd::kComplete)
    return v.skip("the " + level + " export did not complete");
  const Exchange& e = *run.manifest_exchange();
  v.evidence(e);
  auto value = e.header("Expires");
  if (!value) return v.violated("the completed status answer has no Expires header");
  Instant now = e.at;
  if (auto date = e.header("Date"))
    if (auto d = protocol::parse_http_date(*date, now)) now = *d;
  auto when = protocol::parse_http_date(*value, now);
  if (!when) return v.violated("Expires \"" + std::string(*value) + "\" is not an HTTP-date");
  if (*when <= now) return v.violated("Expires " + std::string(*value) + " is already past");
  v.pass("Expires " + std::string(*value));
}

void throttling(Context& ctx, const std::string&, Verdict& v) {
  const std::string level = ctx.first_level();
  Exchange k = ctx.kickoff(level, {}, ctx.style());
  const std::string url = ctx.status_url_of(k);
  std::vector<Exchange> burst;
  protocol::Headers accept;
  accept.add("Accept", "application/json");
  if (!url.empty())
    for (int i = 0; i < 6; ++i)
      burst.push_back(ctx.probe().get(url, accept));
  if (!url.empty()) ctx.del(url);
  int throttled = 0;
  const std::vector<const std::vector<Exchange>*> logs = {&burst, &ctx.probe().status_log()};
  for (const auto* log : logs)
    for (const auto& e : *log) {
      if (e.response.status != 429) continue;
      ++throttled;
      auto ra = e.header("Retry-After");
      if (!ra || !protocol::parse_retry_after(*ra, e.at)) {
        v.evidence(e);
        return v.violated(ra ? "a 429 carries the unusable Retry-After \"" + std::string(*ra) + "\""
                             : "a 429 on the status URL has no Retry-After");
      }
    }
  if (throttled == 0)
    return v.pass("6 polls in a row were not throttled (the server MAY allow it)");
  v.pass(std::to_string(throttled) + " 429 answers, each with a valid Retry-After");
}

void error_body(Context& ctx, const std::string&, Verdict& v, bool want_outcome) {
  int errors = 0;
  const bool v1 = !ctx.v2_or_later();
  for (const auto& e : ctx.probe().status_log()) {
    if (!e.ok() || !is_error(e)) continue;
    ++errors;
    const bool outcome = !outcome_problem(e);
    const std::string ct = media_type(e);
    if (want_outcome && !outcome) {
      v.evidence(e);
      return v.violated("a status error " + std::to_string(e.response.status) + ": " +
                        *outcome_problem(e));
    }
    const char* want = v1 ? "application/json" : "application/fhir+json";
    if (!want_outcome && outcome && !protocol::iequals(ct, want) &&
        !(v1 && protocol::iequals(ct, "application/fhir+json"))) {
      v.evidence(e);
      return v.violated("a status error carries an OperationOutcome as \"" + ct + "\", expected " +
                        want);
    }
  }
  if (errors == 0) return v.skip("no status error was seen (the server never failed a poll)");
  v.pass(std::to_string(errors) + " status errors, each well formed");
}

void transient_codes(Context& ctx, const std::string&, Verdict& v) {
  // An error followed by a 202 or 200 on the same URL was, by its outcome, not the job's end.
  std::map<std::string, const Exchange*> pending;
  int judged = 0;
  for (const auto& e : ctx.probe().status_log()) {
    if (!e.ok()) continue;
    if (is_error(e)) {
      pending[e.request.url] = &e;
      continue;
    }
    auto it = pending.find(e.request.url);
    if (it == pending.end() || (e.response.status != 200 && e.response.status != 202)) continue;
    const Exchange& err = *it->second;
    pending.erase(it);
    auto issues = protocol::parse_outcome(err.body);
    if (!issues) continue;  // the error-body checks report that
    ++judged;
    if (!protocol::is_transient_outcome(*issues)) {
      v.evidence(err);
      return v.violated("a status error the job survived has issue code \"" +
                        (issues->empty() ? std::string() : issues->front().code) +
                        "\", expected a transient code (transient, lock-error, no-store, "
                        "exception, timeout, incomplete, throttled)");
    }
  }
  if (judged == 0) return v.skip("no status error that the job survived was seen");
  v.pass(std::to_string(judged) + " survived status errors, each with a transient code");
}

}  // namespace

void add_status_checks(std::vector<CheckDef>& out) {
  out.push_back({"status-complete",
                 "status",
                 Level::kShall,
                 {"ST-09", "KO-01"},
                 "the job completes with 200 and a JSON manifest",
                 true,
                 false,
                 false,
                 {},
                 complete});
  out.push_back({"manifest-media-type",
                 "status",
                 Level::kShall,
                 {"MF-13", "ST-09"},
                 "the manifest is served as application/json",
                 true,
                 false,
                 false,
                 {},
                 manifest_media_type});
  out.push_back({"status-expires",
                 "status",
                 Level::kShould,
                 {"ST-10"},
                 "the completed answer carries a future Expires HTTP-date",
                 true,
                 false,
                 false,
                 kV2Plus,
                 expires});
  out.push_back({"status-expires",
                 "status",
                 Level::kMay,
                 {"ST-10"},
                 "the completed answer carries a future Expires HTTP-date",
                 true,
                 false,
                 false,
                 {V::kV1_0_1},
                 expires});
  out.push_back({"status-throttling",
                 "status",
                 Level::kShould,
                 {"ST-05", "ERR-04"},
                 "a 429 on the status URL carries a valid Retry-After",
                 false,
                 false,
                 false,
                 {},
                 throttling});
  out.push_back({"status-answers",
                 "status",
                 Level::kShall,
                 {"ST-07", "ST-09"},
                 "status answers are 202 while running and 200 when done",
                 false,
                 true,
                 false,
                 {},
                 answers});
  out.push_back({"status-retry-after",
                 "status",
                 Level::kShould,
                 {"ST-03"},
                 "202 answers carry Retry-After as delay-seconds or an HTTP-date",
                 false,
                 true,
                 false,
                 {},
                 retry_after});
  out.push_back({"status-x-progress",
                 "status",
                 Level::kShould,
                 {"ST-07"},
                 "X-Progress, when sent, is under 100 characters",
                 false,
                 true,
                 false,
                 {},
                 x_progress});
  out.push_back({"status-error-outcome",
                 "status",
                 Level::kShould,
                 {"ST-11", "ERR-01"},
                 "a status error carries an OperationOutcome",
                 false,
                 true,
                 false,
                 kV2Plus,
                 [](Context& c, const std::string& l, Verdict& v) { error_body(c, l, v, true); }});
  out.push_back({"status-error-outcome",
                 "status",
                 Level::kShall,
                 {"ST-11", "ERR-01"},
                 "a status error carries an OperationOutcome",
                 false,
                 true,
                 false,
                 {V::kV1_0_1},
                 [](Context& c, const std::string& l, Verdict& v) { error_body(c, l, v, true); }});
  out.push_back({"status-error-content-type",
                 "status",
                 Level::kShall,
                 {"ST-11"},
                 "an OperationOutcome status error has the version's Content-Type",
                 false,
                 true,
                 false,
                 {},
                 [](Context& c, const std::string& l, Verdict& v) { error_body(c, l, v, false); }});
  out.push_back({"status-transient-codes",
                 "status",
                 Level::kShould,
                 {"ST-12", "ERR-05"},
                 "a status error the job survives has a transient issue code",
                 false,
                 true,
                 false,
                 kV2Plus,
                 transient_codes});
}

}  // namespace bh::conformance
