#include "conformance/explore.hpp"

#include <rapidcheck.h>

#include <ostream>

#include "protocol/operation_outcome.hpp"

namespace bh::conformance {

namespace {

constexpr std::size_t kMaxSteps = 10;

enum class JobState { kRunning, kComplete, kDeleted, kFailed };

struct Job {
  std::string url;
  JobState state = JobState::kRunning;
  std::vector<protocol::ManifestFile> files;
};

struct ParamSet {
  protocol::QueryParams params;
  bool valid;
};

ParamSet param_set(std::uint32_t a) {
  switch (a % 8) {
    case 0:
      return {{}, true};
    case 1:
      return {{{"_type", "Patient"}}, true};
    case 2:
      return {{{"_outputFormat", "application/ndjson"}}, true};
    case 3:
      return {{{"_since", "2000-01-01T00:00:00Z"}}, true};
    case 4:
      return {{{"_bulkharnessUnsupported", "1"}}, false};
    case 5:
      return {{{"_since", "yesterday"}}, false};
    case 6:
      return {{{"_outputFormat", "text/csv"}}, false};
    default:
      return {{{"_type", "NotAResourceType"}}, false};
  }
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs one generated sequence against the server and judges every answer with the model.
class Explorer {
 public:
  explicit Explorer(Context& ctx) : ctx_(ctx) {}

  // False only for a model violation. A sequence cut short by the run's deadline is not the
  // server's fault: it holds, but is marked cut_short() so the verdict cannot claim it.
  bool run(const std::vector<Step>& steps) {
    for (const auto& s : steps) {
      if (violation_ || out_of_time()) break;
      step(s);
    }
    cleanup();
    return !violation_;
  }
  bool cut_short() const { return cut_short_; }
  const std::optional<std::string>& violation() const { return violation_; }
  const std::vector<std::string>& trace() const { return trace_; }
  std::size_t requests() const { return requests_; }
  std::size_t should_findings() const { return should_; }

 private:
  void step(const Step& s) {
    switch (s.kind) {
      case StepKind::kKickoff:
        return kickoff(s);
      case StepKind::kWait:
        return wait(s);
      case StepKind::kPoll:
      case StepKind::kDelete:
      case StepKind::kDownload:
        if (jobs_.empty()) return;
        Job& job = jobs_[s.a % jobs_.size()];
        if (s.kind == StepKind::kPoll) return poll(job);
        if (s.kind == StepKind::kDelete) return del(job);
        return download(job, s.b);
    }
  }

  Exchange send(Outgoing req) {
    ++requests_;
    Exchange e = ctx_.probe().fetch(std::move(req));
    std::string line = std::to_string(trace_.size() + 1) + ". " + to_curl(e.request) + "\n   -> ";
    line += e.ok() ? "HTTP " + std::to_string(e.response.status) : *e.response.error;
    if (auto loc = e.header("Content-Location")) line += "  Content-Location: " + std::string(*loc);
    trace_.push_back(line);
    return e;
  }

  bool out_of_time() {
    if (ctx_.probe().out_of_time()) cut_short_ = true;
    return cut_short_;
  }

  void fail(const std::string& why) {
    // An answer missing because the deadline struck is evidence of nothing.
    if (violation_ || out_of_time()) return;
    violation_ = why;
    if (!trace_.empty()) trace_.back() += "\n   VIOLATION: " + why;
  }

  void refused_needs_outcome(const Exchange& e, const char* what, const char* req) {
    if (e.response.status >= 400 && e.response.status != 429)
      if (auto p = outcome_problem(e))
        fail(std::string(what) + " refused with " + std::to_string(e.response.status) + ": " + *p +
             " (" + req + ")");
  }

  void kickoff(const Step& s) {
    const auto& levels = ctx_.levels();
    const std::string level = levels.empty() ? "system" : levels[(s.b >> 2) % levels.size()];
    const ParamSet ps = param_set(s.a);
    KickoffStyle style = ctx_.style();
    if (s.b & 1u) style.extra_prefer = "handling=lenient";
    if ((s.b & 2u) && ctx_.v2_or_later()) style.post = true;
    Exchange e = send(ctx_.probe().kickoff_request(level, ps.params, style));
    if (!e.ok()) return fail("the kick-off got no answer: " + *e.response.error);
    const int st = e.response.status;
    if (st == 202) {
      const std::string url = ctx_.status_url_of(e);
      auto loc = e.header("Content-Location");
      if (!loc || !protocol::is_absolute_url(protocol::trim(*loc)))
        return fail("a 202 kick-off without an absolute Content-Location (KO-11)");
      if (!ps.valid && !(s.b & 1u)) ++should_;  // KO-09: SHOULD have refused
      jobs_.push_back(Job{url, JobState::kRunning, {}});
      return;
    }
    if (st == 429 || st == 503) return;
    refused_needs_outcome(e, "a kick-off", "KO-12");
    if (ps.valid && !style.post && st >= 400 && st < 500)
      fail("a valid GET kick-off was refused with " + std::to_string(st) + " (KO-01, PAR-13)");
  }

  void wait(const Step& s) {
    static constexpr std::int64_t kMs[] = {200, 500, 1000, 2000, 4000};
    const Duration d = millis(kMs[s.a % 5]);
    if (d >= ctx_.probe().time_left()) return;
    trace_.push_back(std::to_string(trace_.size() + 1) + ". sleep " +
                     std::to_string(to_seconds(d)).substr(0, 3));
    ctx_.probe().http().sleep(d);
  }

  void poll(Job& job) {
    Outgoing req{"GET", job.url, {}, {}};
    req.headers.add("Accept", "application/json");
    Exchange e = send(std::move(req));
    if (!e.ok() || job.state == JobState::kFailed) return;
    const int st = e.response.status;
    if (job.state == JobState::kDeleted) {
      if (ctx_.v2_or_later() && (st != 404 || outcome_problem(e)))
        fail("after an accepted DELETE the status URL answered " + std::to_string(st) +
             ", expected 404 + OperationOutcome (DEL-04, ST-15)");
      return;
    }
    if (st == 200) {
      auto m = protocol::validate_manifest(e.body, ctx_.version());
      for (const auto& f : m.findings)
        if (f.severity == protocol::Severity::kError)
          return fail("the manifest breaks " + f.requirement + ": " + f.path + " " + f.message);
      job.state = JobState::kComplete;
      job.files = m.manifest->output;
      return;
    }
    if (st == 202 || st == 429) {
      if (job.state == JobState::kComplete)
        fail("a completed job answered " + std::to_string(st) + " again (ST-09)");
      return;
    }
    if (st == 404) return fail("the status URL of a job nobody deleted answered 404 (ST-07)");
    auto issues = protocol::parse_outcome(e.body);
    if (!issues || !protocol::is_transient_outcome(*issues)) job.state = JobState::kFailed;
  }

  void del(Job& job) {
    Outgoing req{"DELETE", job.url, {}, {}};
    req.headers.add("Accept", "application/fhir+json");
    Exchange e = send(std::move(req));
    if (!e.ok()) return;
    const int st = e.response.status;
    if (st == 202) {
      job.state = JobState::kDeleted;
      return;
    }
    refused_needs_outcome(e, "a DELETE", "DEL-03");
    if (job.state == JobState::kRunning && st >= 400 && st < 500 && st != 429)
      fail("DELETE of a running job was refused with " + std::to_string(st) + " (DEL-02)");
  }

  void download(Job& job, std::uint32_t which) {
    if (job.state != JobState::kComplete || job.files.empty()) return;
    const auto& f = job.files[which % job.files.size()];
    ++requests_;
    Download d = ctx_.probe().download(f.url, f.type, (which & 1u) != 0);
    trace_.push_back(
        std::to_string(trace_.size() + 1) + ". " + to_curl(d.head.request) + "\n   -> " +
        (d.head.ok() ? "HTTP " + std::to_string(d.head.response.status) : *d.head.response.error));
    if (!d.head.ok()) return;
    if (d.head.response.status != 200)
      return fail("a file of a completed job answered " + std::to_string(d.head.response.status) +
                  " (DL-03, MF-12)");
    if (d.unlabelled_gzip) return fail("a file is gzip without Content-Encoding (DL-03)");
    if (d.decode_error) return fail(*d.decode_error + " (DL-09)");
    if (!d.summary.ok() && !d.summary.problems.empty())
      fail("line " + std::to_string(d.summary.problems.front().line) + ": " +
           d.summary.problems.front().message + " (DL-08, DL-13)");
  }

  void cleanup() {
    for (auto& job : jobs_)
      if (job.state == JobState::kRunning || job.state == JobState::kComplete)
        if (!ctx_.probe().out_of_time()) ctx_.probe().del(job.url);
  }

  Context& ctx_;
  std::vector<Job> jobs_;
  std::vector<std::string> trace_;
  std::optional<std::string> violation_;
  bool cut_short_ = false;
  std::size_t requests_ = 0, should_ = 0;
};

rc::Gen<Step> step_gen() {
  return rc::gen::apply(
      [](int kind, std::uint32_t a, std::uint32_t b) {
        return Step{static_cast<StepKind>(kind), a, b};
      },
      rc::gen::weightedElement<int>({{3, 0}, {4, 1}, {3, 2}, {2, 3}, {2, 4}}),
      rc::gen::inRange<std::uint32_t>(0, 16), rc::gen::inRange<std::uint32_t>(0, 16));
}

void explore(Context& ctx, const std::string&, Verdict& v) {
  const auto runs = ctx.options().explore_runs;
  std::size_t sequences = 0, requests = 0, should = 0, cut_short = 0;
  std::optional<std::string> violation;
  std::vector<std::string> smallest;
  const auto property = [&] {
    // Every sequence opens with a kick-off, or most short ones would have no job to act on.
    const auto opening = *rc::gen::apply(
        [](std::uint32_t a, std::uint32_t b) {
          return Step{StepKind::kKickoff, a, b};
        },
        rc::gen::inRange<std::uint32_t>(0, 16), rc::gen::inRange<std::uint32_t>(0, 16));
    auto steps = *rc::gen::container<std::vector<Step>>(step_gen());
    if (steps.size() > kMaxSteps - 1) steps.resize(kMaxSteps - 1);
    steps.insert(steps.begin(), opening);
    Explorer ex(ctx);
    const bool ok = ex.run(steps);
    ++sequences;
    requests += ex.requests();
    should += ex.should_findings();
    if (ex.cut_short()) ++cut_short;
    if (!ok) {
      // Shrinking re-runs smaller candidates; the last failure seen is the smallest.
      violation = ex.violation();
      smallest = ex.trace();
    }
    RC_ASSERT(ok);
  };
  rc::detail::TestParams params;
  params.seed = ctx.options().seed;
  params.maxSuccess = static_cast<int>(runs);
  params.maxSize = 40;
  const auto result = rc::detail::checkTestable(property, rc::detail::TestMetadata{}, params);
  const std::string tally = std::to_string(sequences) + " sequences, " + std::to_string(requests) +
                            " requests, " + std::to_string(should) + " SHOULD findings";
  rc::detail::FailureResult failure;
  rc::detail::GaveUpResult gave_up;
  rc::detail::Error error;
  // A sequence that threw fails the property without a model violation: never a pass.
  if (!violation && result.match(failure))
    return v.violated("a generated sequence failed without a model verdict: " +
                      failure.description);
  if (!violation && (result.match(gave_up) || result.match(error)))
    return v.skip("the exploration could not run: " +
                  (result.match(gave_up) ? gave_up.description : error.description));
  // Held only counts when every sequence ran whole; a deadline is no licence to pass.
  if (!violation && cut_short)
    return v.out_of_time("the run's deadline passed after " +
                         std::to_string(sequences - cut_short) + " of " + std::to_string(runs) +
                         " sequences had run whole (" + tally +
                         "); raise --timeout or lower --explore");
  if (!violation) return v.pass(std::to_string(runs) + " generated sequences held (" + tally + ")");
  std::string steps;
  for (const auto& s : smallest)
    steps += s + "\n";
  // Shrinking cut short by the deadline still leaves a real, if larger, counterexample.
  const std::string shrunk =
      cut_short ? "partly shrunk: the deadline passed while shrinking" : "shrunk";
  v.evidence(Evidence{"the smallest failing sequence (" + shrunk + "), as curl steps:\n" + steps,
                      "seed " + std::to_string(ctx.options().seed) + "; " + tally});
  v.violated(*violation);
}

}  // namespace

void showValue(const Step& s, std::ostream& os) {
  static const char* kNames[] = {"kickoff", "poll", "wait", "delete", "download"};
  os << kNames[static_cast<int>(s.kind)] << "(" << s.a << "," << s.b << ")";
}

std::string to_curl(const Outgoing& r) {
  std::string out = "curl -si";
  if (r.method != "GET") out += " -X " + r.method;
  for (const auto& h : r.headers)
    out += " -H " + quote(h.name + ": " +
                          (protocol::iequals(h.name, "Authorization") ? "Bearer $TOKEN" : h.value));
  if (!r.body.empty()) out += " --data " + quote(r.body);
  return out + " " + quote(r.url);
}

void add_explore_checks(std::vector<CheckDef>& out) {
  out.push_back({"explore-state-machine",
                 "explore",
                 Level::kShall,
                 {"KO-11", "KO-12", "ST-07", "ST-09", "ST-15", "DEL-02", "DEL-03", "DEL-04",
                  "DL-03", "DL-08", "DL-13", "MF-01", "MF-04"},
                 "generated kick-off/poll/wait/DELETE/download sequences obey the IG model",
                 false,
                 false,
                 false,
                 {},
                 explore});
}

}  // namespace bh::conformance
