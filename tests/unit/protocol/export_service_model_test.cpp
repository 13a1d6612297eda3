// Model-based (stateful) test of protocol::ExportService: random command sequences from one
// client against the service on a virtual timeline, each answer checked against a model of
// what the IG (STU2 2.0.0) and docs/server-policies.md allow (export_service_model.hpp).
//
// Contract:
//  * Commands: KickOff (valid, invalid, or lenient system-level GET $export), Poll (a job or an
//    unknown id), Wait (advances virtual time), Delete (a job or an unknown id) and Download (a
//    file of a manifest the client has seen). Each predicts status, headers and body from the
//    model alone: KO-09/KO-13 on kick-off; ST-05 throttling, 202 + Retry-After + X-Progress, the
//    manifest (MF-01/02/13, absolute URLs, counts equal to the data source's) and ST-15 on
//    polls; DEL-02/DEL-05 on DELETE; NDJSON of exactly `count` lines of the manifest's type, or
//    404 once deleted, on downloads.
//  * The canary runs the same property against a Sut that answers DELETE itself (the job keeps
//    going) and requires it to fail with a shrunk sequence of a handful of commands, so a
//    property that checks nothing cannot pass unnoticed.
//  * Deterministic apart from RapidCheck's own seed (RC_PARAMS); the canary fixes its seed.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <set>
#include <sstream>

#include "export_service_model.hpp"
#include "protocol/fhir_instant.hpp"
#include "protocol/operation_outcome.hpp"
#include "protocol/retry_after.hpp"

namespace bh::testing::model {
namespace {

using nlohmann::json;
using Cmd = rc::state::Command<ServiceModel, ServiceSut>;

const std::string kStatusPrefix = std::string(kBaseUrl) + "/bulkstatus/";
const std::string kFilePrefix = std::string(kBaseUrl) + "/bulkfiles/";

// ---- checks shared by the commands ----

std::string header(const Reply& r, std::string_view name) {
  return std::string(r.headers.get(name).value_or(""));
}

std::string strip_origin(const std::string& url) {
  RC_ASSERT(url.starts_with(kOrigin));  // absolute URLs on this server's origin
  return url.substr(std::strlen(kOrigin));
}

// ERR-01: every error is an OperationOutcome with at least one issue, as application/fhir+json.
void assert_outcome(const Reply& r, int status) {
  RC_ASSERT(r.status == status);
  RC_ASSERT(header(r, "Content-Type") == std::string("application/fhir+json"));
  const auto issues = protocol::parse_outcome(r.body);
  RC_ASSERT(issues.ok());
  RC_ASSERT(!issues->empty());
}

// A delay-seconds Retry-After (the configured form), in whole seconds.
std::int64_t retry_after_seconds(const Reply& r) {
  const auto ra = protocol::parse_retry_after(header(r, "Retry-After"));
  RC_ASSERT(ra.ok());
  RC_ASSERT(ra->kind == protocol::RetryAfter::Kind::kDelaySeconds);
  return std::chrono::duration_cast<std::chrono::seconds>(ra->delay).count();
}

// Per type, what the data source holds as of the kick-off (transactionTime bounds the data,
// MF-01): the manifest must count exactly this, however it splits the files. Empty types are
// left out (MF-04).
std::map<std::string, std::uint64_t> expected_counts(const protocol::DataSource& source,
                                                     const ModelJob& job) {
  const auto types = job.types.empty() ? source.resource_types() : job.types;
  std::map<std::string, std::uint64_t> out;
  for (const auto& type : types) {
    protocol::DataSlice all;
    all.type = type;
    all.end = source.universe(type);
    all.until = job.accepted_at;
    if (const auto n = source.count(all); n > 0) out[type] = n;
  }
  return out;
}

// One manifest entry: absolute file URL of this server, a type, a positive count.
void assert_entry(const json& e) {
  RC_ASSERT(e.is_object());
  RC_ASSERT(e.value("url", "").starts_with(kFilePrefix));
  RC_ASSERT(e.value("type", "") != "");
  RC_ASSERT(e.contains("count"));
  RC_ASSERT(e["count"].is_number_unsigned());
  RC_ASSERT(e["count"].get<std::uint64_t>() > 0u);
}

void assert_outputs(const ServiceSut& sut, const ModelJob& job, const json& output) {
  RC_ASSERT(output.is_array());
  std::map<std::string, std::uint64_t> counted;
  std::set<std::string> urls;
  for (const auto& e : output) {
    assert_entry(e);
    counted[e["type"].get<std::string>()] += e["count"].get<std::uint64_t>();
    urls.insert(e["url"].get<std::string>());
  }
  RC_ASSERT(urls.size() == output.size());  // no file listed twice
  RC_ASSERT(counted == expected_counts(sut.source(), job));
}

// KO-09: a lenient kick-off reports its one ignored parameter as one OperationOutcome line.
void assert_errors(const ModelJob& job, const json& error) {
  RC_ASSERT(error.is_array());
  RC_ASSERT(error.size() == (job.has_error_file ? 1u : 0u));
  if (!job.has_error_file) return;
  assert_entry(error[0]);
  RC_ASSERT(error[0]["type"].get<std::string>() == "OperationOutcome");
  RC_ASSERT(error[0]["count"].get<std::uint64_t>() == 1u);
}

void assert_manifest(const ServiceModel& m, std::size_t i, const Reply& r, ServiceSut& sut) {
  RC_ASSERT(r.status == 200);
  RC_ASSERT(header(r, "Content-Type") == std::string("application/json"));  // MF-13
  const json j = json::parse(r.body, nullptr, false);
  RC_ASSERT(j.is_object());
  const ModelJob& job = m.jobs[i];
  const auto tt = protocol::parse_fhir_instant(j.value("transactionTime", ""));
  RC_ASSERT(tt.ok());
  RC_ASSERT(*tt == job.accepted_at);                                       // MF-01
  RC_ASSERT(j.value("request", "") == std::string(kOrigin) + job.target);  // MF-02
  RC_ASSERT(j.value("requiresAccessToken", true) == false);                // MF-03: files are open
  assert_outputs(sut, job, j.value("output", json()));
  assert_errors(job, j.value("error", json::array()));
  // Polling a completed job again must give the same manifest (the files do not move).
  const auto [first, inserted] = sut.manifests.emplace(i, j);
  RC_ASSERT(first->second.dump() == j.dump());  // dumps: RC_ASSERT cannot show a json
}

// ST-05: too soon after the last accepted poll: 429, and Retry-After says how long is left.
void assert_throttled(const ServiceModel& m, std::size_t i, const Reply& r) {
  assert_outcome(r, 429);
  RC_ASSERT(retry_after_seconds(r) == m.throttle_wait_seconds(i));
}

// ST-03/ST-07: in progress: 202, the advertised Retry-After, "NN% complete".
void assert_in_progress(const ServiceModel& m, std::size_t i, const Reply& r) {
  RC_ASSERT(r.status == 202);
  // The configured delay, on a wire scaled 1:1.
  RC_ASSERT(retry_after_seconds(r) ==
            std::chrono::duration_cast<std::chrono::seconds>(m.config.retry_after).count());
  const std::string progress = header(r, "X-Progress");
  RC_ASSERT(progress == std::to_string(m.progress_percent(i)) + "% complete");
}

// DL-03/DL-08: NDJSON, exactly `count` lines, each a resource of the entry's type.
void assert_ndjson(const Reply& r, const json& entry) {
  RC_ASSERT(r.status == 200);
  RC_ASSERT(header(r, "Content-Type") == std::string("application/fhir+ndjson"));
  RC_ASSERT(r.stream_ended);
  std::uint64_t lines = 0;
  for (std::size_t start = 0; start < r.body.size(); ++lines) {
    const auto nl = std::min(r.body.find('\n', start), r.body.size());
    const json res = json::parse(r.body.substr(start, nl - start), nullptr, false);
    RC_ASSERT(res.is_object());  // an empty or broken line fails here
    RC_ASSERT(res.value("resourceType", "") == entry["type"].get<std::string>());
    start = nl + 1;
  }
  RC_ASSERT(lines == entry["count"].get<std::uint64_t>());
}

// ---- the commands ----

// Which job a command addresses: one the client kicked off, or an id the server never issued.
struct JobRef {
  std::optional<std::size_t> index;

  // Mostly a real job; with none yet, mostly discarded so that a kick-off comes first.
  static JobRef any(const ServiceModel& m) {
    const bool unknown = *rc::gen::inRange(0, 8) == 0;
    RC_PRE(unknown || !m.jobs.empty());
    if (unknown) return {};
    return {*rc::gen::inRange<std::size_t>(0, m.jobs.size())};
  }
  bool valid_for(const ServiceModel& m) const { return !index || *index < m.jobs.size(); }
  // An unknown id that looks like a real one: the id the server would give its 10,000th job.
  std::string path(const ServiceSut& sut) const {
    if (!index) return "/fhir/bulkstatus/" + sut.service().job_id_for(10000);
    return sut.status_paths[*index];
  }
  void show(std::ostream& os) const {
    if (index)
      os << "job " << *index;
    else
      os << "unknown job";
  }
};

// _type values a kick-off may send (none: every type), inside and outside the compartment.
const std::vector<std::vector<std::string>> kTypeChoices = {
    {}, {"Patient"}, {"Observation", "Coverage"}, {"Organization"}};

enum class Invalid { kNone, kOutputFormat, kUnknownParam, kUnsupportedType };

struct KickOff : Cmd {
  std::vector<std::string> types;
  Invalid invalid;
  bool lenient;

  explicit KickOff(const ServiceModel&)
      : types(*rc::gen::elementOf(kTypeChoices)),
        invalid(*rc::gen::weightedElement<Invalid>({{6, Invalid::kNone},
                                                    {1, Invalid::kOutputFormat},
                                                    {1, Invalid::kUnknownParam},
                                                    {1, Invalid::kUnsupportedType}})),
        lenient(*rc::gen::element(false, false, true)) {}

  std::string target() const {
    std::string type_list;
    for (const auto& t : types)
      type_list += (type_list.empty() ? "" : ",") + t;
    // Not exported by this server: rejected, or dropped under lenient (then, if nothing is
    // left, there is no type filter: export_request.cpp's documented policy).
    if (invalid == Invalid::kUnsupportedType)
      type_list += type_list.empty() ? "Medication" : ",Medication";
    std::string q;
    auto add = [&](const std::string& p) { q += (q.empty() ? "?" : "&") + p; };
    if (!type_list.empty()) add("_type=" + type_list);
    if (invalid == Invalid::kOutputFormat) add("_outputFormat=text/csv");
    if (invalid == Invalid::kUnknownParam) add("_bogus=1");
    return "/fhir/$export" + q;
  }
  protocol::Headers headers() const {
    protocol::Headers h;
    h.add("Accept", "application/fhir+json");
    h.add("Prefer", "respond-async");
    if (lenient) h.add("Prefer", "handling=lenient");
    return h;
  }
  bool rejected() const { return invalid != Invalid::kNone && !lenient; }  // KO-09: 400
  // KO-13: parameters are checked first, then the client's running jobs against the limit.
  bool accepted(const ServiceModel& m) const {
    return !rejected() && m.running() < m.config.max_active_jobs_per_client;
  }

  void apply(ServiceModel& m) const override {
    if (!accepted(m)) return;  // no job on 4xx
    ModelJob job;
    job.target = target();
    job.accepted_at = m.now;
    job.types = types;
    job.has_error_file = invalid != Invalid::kNone;
    m.jobs.push_back(std::move(job));
  }
  void run(const ServiceModel& m, ServiceSut& sut) const override {
    const Reply r = sut.send("GET", target(), headers());
    if (rejected()) return assert_outcome(r, 400);
    if (!accepted(m)) {
      assert_outcome(r, 429);
      RC_ASSERT(retry_after_seconds(r) > 0);  // the client is told when to try again
      return;
    }
    RC_ASSERT(r.status == 202);
    const std::string loc = header(r, "Content-Location");
    RC_ASSERT(loc.starts_with(kStatusPrefix));  // absolute status URL (KO-10)
    RC_ASSERT(loc.size() > kStatusPrefix.size());
    const std::string path = strip_origin(loc);
    // A fresh id: two jobs sharing a status URL would answer for each other.
    RC_ASSERT(std::count(sut.status_paths.begin(), sut.status_paths.end(), path) == 0);
    sut.status_paths.push_back(path);
  }
  void show(std::ostream& os) const override {
    os << "KickOff(GET " << target() << (lenient ? ", lenient" : "") << ")";
  }
};

struct Poll : Cmd {
  JobRef job;

  explicit Poll(const ServiceModel& m) : job(JobRef::any(m)) {}

  void checkPreconditions(const ServiceModel& m) const override { RC_PRE(job.valid_for(m)); }
  void apply(ServiceModel& m) const override {
    if (!job.index) return;
    const std::size_t i = *job.index;
    // A refused poll does not reset the interval (docs/server-policies.md, ST-05).
    if (m.phase(i) == Phase::kDeleted || m.throttled(i)) return;
    m.jobs[i].last_poll = m.now;
    if (m.phase(i) == Phase::kCompleted) m.jobs[i].manifest_seen = true;
  }
  void run(const ServiceModel& m, ServiceSut& sut) const override {
    const Reply r = sut.send("GET", job.path(sut));
    if (!job.index) return assert_outcome(r, 404);
    const std::size_t i = *job.index;
    if (m.phase(i) == Phase::kDeleted) return assert_outcome(r, 404);  // ST-15
    if (m.throttled(i)) return assert_throttled(m, i, r);
    if (m.phase(i) == Phase::kRunning) return assert_in_progress(m, i, r);
    assert_manifest(m, i, r, sut);
  }
  void show(std::ostream& os) const override {
    os << "Poll(";
    job.show(os);
    os << ")";
  }
};

struct Wait : Cmd {
  Duration d{};

  // Boundaries (nothing, exactly the poll interval, exactly the job duration), a short wait
  // inside the poll interval (ST-05 is about those), or anything up to 12 s.
  explicit Wait(const ServiceModel& m) {
    const auto ms = [](Duration x) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(x).count();
    };
    const std::int64_t poll = ms(m.config.min_poll_interval), job = ms(m.config.job_duration);
    d = millis(*rc::gen::oneOf(rc::gen::element<std::int64_t>(0, poll, job),
                               rc::gen::inRange<std::int64_t>(0, poll),
                               rc::gen::inRange<std::int64_t>(0, 12001)));
  }

  // The model has no EXPIRED phase: stay within file_ttl of the start, before any Expires.
  void checkPreconditions(const ServiceModel& m) const override {
    RC_PRE(m.now + d < kVirtualEpoch + m.config.file_ttl);
  }
  void apply(ServiceModel& m) const override { m.now += d; }
  void run(const ServiceModel&, ServiceSut& sut) const override { sut.now += d; }
  void show(std::ostream& os) const override {
    os << "Wait(" << std::chrono::duration_cast<std::chrono::milliseconds>(d).count() << " ms)";
  }
};

struct Delete : Cmd {
  JobRef job;

  explicit Delete(const ServiceModel& m) : job(JobRef::any(m)) {}

  void checkPreconditions(const ServiceModel& m) const override { RC_PRE(job.valid_for(m)); }
  void apply(ServiceModel& m) const override {
    if (job.index) m.jobs[*job.index].deleted = true;
  }
  void run(const ServiceModel& m, ServiceSut& sut) const override {
    const Reply r = sut.send("DELETE", job.path(sut));
    // DEL-05: unknown or already deleted: 404 + OperationOutcome.
    if (!job.index || m.phase(*job.index) == Phase::kDeleted) return assert_outcome(r, 404);
    RC_ASSERT(r.status == 202);  // DEL-02 (running: cancel), DEL-01 (completed: release)
  }
  void show(std::ostream& os) const override {
    os << "Delete(";
    job.show(os);
    os << ")";
  }
};

struct Download : Cmd {
  std::size_t job = 0;
  std::size_t file = 0;  // taken modulo the manifest's output + error entries

  explicit Download(const ServiceModel& m) {
    std::vector<std::size_t> seen;
    for (std::size_t i = 0; i < m.jobs.size(); ++i)
      if (m.jobs[i].manifest_seen) seen.push_back(i);
    RC_PRE(!seen.empty());  // the client only knows file URLs from a manifest
    job = *rc::gen::elementOf(seen);
    file = *rc::gen::inRange<std::size_t>(0, 64);
  }

  void checkPreconditions(const ServiceModel& m) const override {
    // Two checks: RC_PRE's expression capture evaluates both sides of && (no short circuit).
    RC_PRE(job < m.jobs.size());
    RC_PRE(m.jobs[job].manifest_seen);
  }
  void run(const ServiceModel& m, ServiceSut& sut) const override {
    const json entry = pick(sut);
    const Reply r = sut.send("GET", strip_origin(entry["url"].get<std::string>()));
    if (m.phase(job) == Phase::kDeleted) return assert_outcome(r, 404);  // files purged
    assert_ndjson(r, entry);
  }
  // A copy: `error` may be absent when empty, and a const json's operator[] on a missing key
  // is undefined behaviour.
  json pick(const ServiceSut& sut) const {
    const auto it = sut.manifests.find(job);
    RC_ASSERT(it != sut.manifests.end());  // a Poll saw the manifest, so the Sut kept it
    const json outputs = it->second.value("output", json::array());
    const json errors = it->second.value("error", json::array());
    const std::size_t n = outputs.size() + errors.size();
    RC_ASSERT(n > 0u);  // every type of the data set holds resources
    const std::size_t k = file % n;
    return k < outputs.size() ? outputs[k] : errors[k - outputs.size()];
  }
  void show(std::ostream& os) const override {
    os << "Download(job " << job << ", file " << file << ")";
  }
};

// ---- the property ----

void check_service_model(bool keeps_answering_after_delete) {
  ServiceSut sut(keeps_answering_after_delete);
  // Poll and Wait twice: most of the protocol is in how polls relate to time.
  const auto next =
      rc::state::gen::execOneOfWithArgs<KickOff, Poll, Poll, Wait, Wait, Delete, Download>();
  // Sequences up to twice RapidCheck's default length: the states worth reaching (a job
  // completed, polled, then deleted while another is throttled) need a few dozen commands.
  const auto commands = *rc::gen::scale(2.0, rc::state::gen::commands(ServiceModel{}, next));
  rc::state::runAll(commands, ServiceModel{}, sut);
}

RC_GTEST_PROP(ExportServiceModel, OneClientSeesWhatTheIgAllows, ()) {
  check_service_model(false);
}

// Keeps the canary's expected failure out of RapidCheck's end-of-run "reproduce" summary, which
// is meant for real failures.
class QuietListener final : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

// Commands in a shrunk counterexample: the state check prints one command a line.
std::size_t shrunk_length(const rc::detail::FailureResult& failure) {
  std::size_t n = 0;
  for (const auto& [type, value] : failure.counterExample) {
    std::istringstream lines(value);
    for (std::string line; std::getline(lines, line);)
      n += line.empty() ? 0 : 1;
  }
  return n;
}

// Canary: a service that swallows DELETE must fail the same property, with a short shrunk
// sequence (at least a kick-off, the DELETE and the request that sees the job still there).
TEST(ExportServiceModel, CanaryKeepsAnsweringAfterDeleteIsCaught) {
  rc::detail::TestParams params;
  params.seed = 20260101;  // fixed: the canary must not depend on the run's seed
  params.maxSuccess = 100;
  params.maxSize = 100;
  rc::detail::TestMetadata meta;
  meta.id = meta.description = "ExportServiceModel canary";
  QuietListener quiet;
  const auto result =
      rc::detail::checkTestable([] { check_service_model(true); }, meta, params, quiet);
  rc::detail::FailureResult failure;
  ASSERT_TRUE(result.match(failure)) << "the broken service passed the model";
  rc::detail::printResultMessage(failure, std::cout);
  std::cout << "\n";
  const std::size_t n = shrunk_length(failure);
  EXPECT_GE(n, 3u) << "a shorter sequence cannot show a DELETE being ignored";
  EXPECT_LE(n, 6u) << "shrinking should reduce the failure to a handful of commands";
}

}  // namespace
}  // namespace bh::testing::model
