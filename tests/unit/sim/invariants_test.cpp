// The simulator's invariants (sim/invariant.hpp), judged on hand-written exchange sequences.
//
// Contract checked: make_invariants() lists the nine invariants in a fixed order, and a clean
// export (kick-off, a poll, the manifest, the file, the release DELETE, Success with the right
// counts) breaks none of them. For each invariant, a sequence (and, where it judges at the end,
// EndFacts) that breaks exactly that invariant, with a detail naming the path or file, next to
// the closest sequence that must stay clean: the boundary is where the contract draws it
// (waits within judge::wait_tolerance, budgets from ClientOptions, the explained outcomes).
// Every test runs all nine invariants, so "exactly that id" also means no other one misfires.
#include "sim/invariant.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mockserver/judge/judge_rule.hpp"

namespace bh::sim {
namespace {

using protocol::Endpoint;

constexpr const char* kBase = "http://127.0.0.1:8080/fhir";
const std::string kStatus = "/fhir/bulkstatus/j1";
const std::string kFile = "/fhir/bulkfiles/j1/Patient-1.ndjson";
const std::string kFile2 = "/fhir/bulkfiles/j1/Observation-1.ndjson";

std::string url(const std::string& path) {
  return "http://127.0.0.1:8080" + path;
}

Duration ms(std::int64_t v) {
  return millis(v);
}

SimExchange ex(Duration at, std::string method, std::string path, Endpoint endpoint, int status) {
  SimExchange e;
  e.at = at;
  e.method = std::move(method);
  e.path = std::move(path);
  e.endpoint = endpoint;
  e.job_id = "j1";
  e.status = status;
  return e;
}
SimExchange kickoff(Duration at, int status = 202) {
  return ex(at, "GET", "/fhir/$export", Endpoint::kKickoff, status);
}
SimExchange poll(Duration at, int status = 202, std::optional<Duration> retry_after = {}) {
  SimExchange e = ex(at, "GET", kStatus, Endpoint::kStatus, status);
  e.retry_after = e.head_retry_after = retry_after;
  return e;
}
SimExchange manifest(Duration at, std::vector<std::string> urls = {url(kFile)}) {
  SimExchange e = poll(at, 200);
  e.manifest_urls = std::move(urls);
  return e;
}
SimExchange file(Duration at, int status = 200, const std::string& path = kFile) {
  return ex(at, "GET", path, Endpoint::kFile, status);
}
SimExchange del(Duration at, int status = 202) {
  return ex(at, "DELETE", kStatus, Endpoint::kDelete, status);
}
// As sim_run's describe(): the head's Retry-After stays known, but binds only a whole answer.
SimExchange broken(SimExchange e) {
  e.whole = false;
  e.retry_after.reset();
  return e;
}
SimExchange with_retry_after(SimExchange e, Duration wait) {
  e.retry_after = e.head_retry_after = wait;
  return e;
}
SimExchange faulted(SimExchange e) {
  e.faulted = true;
  return e;
}
SimExchange by(int client, SimExchange e) {
  e.client = client;
  return e;
}

// A clean export of job j1: one file, Patient-1.ndjson, 3 resources.
std::vector<SimExchange> clean_export() {
  return {kickoff(ms(0)), poll(ms(1000), 202, seconds(2)), manifest(ms(3000)), file(ms(3100)),
          del(ms(3200))};
}

protocol::JobFile job_file(std::string name, std::string type, std::uint64_t count) {
  protocol::JobFile f;
  f.name = std::move(name);
  f.type = std::move(type);
  f.count = count;
  return f;
}

client::FileReport report(const std::string& path) {
  client::FileReport r;
  r.name = path.substr(path.rfind('/') + 1);
  r.url = url(path);
  r.ok = r.fetched = true;
  return r;
}

// The nine invariants over one run: the exchanges, then (unless told not to) the end.
struct Trial {
  client::ClientOptions options;
  bool v3_refresh = false;
  std::vector<SimExchange> exchanges = clean_export();
  client::Outcome outcome;
  std::map<std::string, WrittenFile> written{{"Patient-1.ndjson", {120, 3}}};
  protocol::ExportJob job;
  bool has_job = true, finished = true, hang = false;
  std::optional<Instant> deadline;
  std::optional<Duration> deadline_wire;

  Trial() {
    outcome.kind = client::OutcomeKind::kSuccess;
    outcome.files = {report(kFile)};
    job.id = "j1";
    job.completes_at = kVirtualEpoch + seconds(2);
    job.files.push_back(job_file("Patient-1.ndjson", "Patient", 3));
  }
  std::vector<Violation> judge(bool at_end = true) const {
    auto invariants = make_invariants({options, v3_refresh});
    std::vector<Violation> out;
    for (const auto& e : exchanges)
      for (const auto& inv : invariants)
        inv->on_exchange(e, out);
    if (!at_end) return out;
// EndFacts holds references, so it is built whole; members it gains later start defaulted.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
    const EndFacts f{.outcome = outcome,
                     .options = options,
                     .written = written,
                     .job = has_job ? &job : nullptr,
                     .base_url = kBase,
                     .finished = finished,
                     .hang = hang,
                     .finished_at = seconds(4),
                     .bound = seconds(900),
                     .deadline = deadline,
                     .deadline_wire = deadline_wire};
#pragma GCC diagnostic pop
    for (const auto& inv : invariants)
      inv->at_end(f, out);
    return out;
  }
};

std::vector<std::string> ids(const std::vector<Violation>& vs) {
  std::vector<std::string> out;
  for (const auto& v : vs)
    out.push_back(v.invariant);
  return out;
}
using Ids = std::vector<std::string>;

std::string all_text(const std::vector<Violation>& vs) {
  std::string s;
  for (const auto& v : vs)
    s += v.invariant + " at " + std::to_string(v.at.count()) + " us: " + v.detail + "\n";
  return s;
}

// Exactly one violation, of `id`, whose detail mentions `part`.
void expect_only(const std::vector<Violation>& vs, const std::string& id, const std::string& part) {
  ASSERT_EQ(ids(vs), Ids{id}) << all_text(vs);
  EXPECT_NE(vs[0].detail.find(part), std::string::npos) << vs[0].detail;
  EXPECT_FALSE(vs[0].requirements.empty());
}

#define EXPECT_CLEAN(vs) EXPECT_TRUE((vs).empty()) << all_text(vs)

TEST(Invariants, NineInAFixedOrder) {
  const auto v = make_invariants({});
  std::vector<std::string> got;
  for (const auto& inv : v)
    got.push_back(inv->id());
  EXPECT_EQ(got,
            (Ids{"retry-after-honoured", "backs-off-when-throttled", "no-request-after-terminal",
                 "delete-honoured", "every-file-downloaded", "resources-match-counts",
                 "outcome-matches-truth", "bounded-requests", "terminates"}));
}

TEST(Invariants, CleanExportBreaksNothing) {
  EXPECT_CLEAN(Trial{}.judge());
}

// --- retry-after-honoured ------------------------------------------------------------------

// 120 s asked: the judge's tolerance is 2 % (2.4 s), so 117.6 s is the earliest honest poll.
TEST(RetryAfterHonoured, PollBeforeTheWaitIsAViolation) {
  Trial r;
  r.exchanges = {poll(seconds(10), 202, seconds(120)), poll(seconds(10) + ms(117500))};
  expect_only(r.judge(false), "retry-after-honoured", "GET " + kStatus + " came 117.50 s");
}

TEST(RetryAfterHonoured, PollAtTheWaitIsClean) {
  Trial r;
  r.exchanges = {poll(seconds(10), 202, seconds(120)), poll(seconds(10) + ms(117600)),
                 poll(seconds(250), 202, seconds(120)), poll(seconds(370))};
  EXPECT_CLEAN(r.judge(false));
}

TEST(RetryAfterHonoured, A429And5xxBindButA200DoesNot) {
  for (const int status : {429, 503}) {
    Trial r;
    r.exchanges = {with_retry_after(file(ms(0), status), seconds(120)), file(ms(1000))};
    expect_only(r.judge(false), "retry-after-honoured", "GET " + kFile);
  }
  Trial ok;
  ok.exchanges = {with_retry_after(file(ms(0), 200), seconds(120)), file(ms(1000))};
  EXPECT_CLEAN(ok.judge(false));
}

TEST(RetryAfterHonoured, BindsOnlyItsOwnChainAndClient) {
  Trial r;
  r.exchanges = {poll(ms(0), 429, seconds(120)), file(ms(1000)), by(2, poll(ms(1000))),
                 by(0, poll(ms(1000)))};
  EXPECT_CLEAN(r.judge(false));
}

TEST(RetryAfterHonoured, OnlyTheNextRequestIsHeldToIt) {
  Trial r;
  r.exchanges = {poll(ms(0), 202, seconds(2)), poll(ms(2000)), poll(ms(2600))};
  EXPECT_CLEAN(r.judge(false));
}

// A Retry-After on an answer that did not arrive whole cannot bind the client (the judge holds
// a client to the headers of a whole response only); the head still guides its backoff.
TEST(RetryAfterHonoured, ABrokenAnswerDoesNotBind) {
  Trial r;
  r.exchanges = {broken(poll(ms(0), 503, seconds(120))), poll(ms(100))};
  EXPECT_CLEAN(r.judge(false));
}

// --- backs-off-when-throttled --------------------------------------------------------------

TEST(BacksOffWhenThrottled, RetryUnderTheFloorIsAViolation) {
  Trial r;
  r.exchanges = {poll(ms(0), 503), poll(ms(399))};
  expect_only(r.judge(false), "backs-off-when-throttled", "GET " + kStatus + " retried 0.40 s");
}

TEST(BacksOffWhenThrottled, RetryAtTheFloorIsClean) {
  Trial r;
  r.exchanges = {poll(ms(0), 503), poll(ms(400)),     broken(file(ms(500))),
                 file(ms(900)),    file(ms(1000), 0), file(ms(1400))};
  EXPECT_CLEAN(r.judge(false));
}

TEST(BacksOffWhenThrottled, AGuidedFailureIsNotHeldToTheFloor) {
  Trial r;
  r.exchanges = {poll(ms(0), 503, ms(100)), poll(ms(100))};
  EXPECT_CLEAN(r.judge(false));
}

// Unguided retries in a row, as the judge's ST-02 reads them: over kStreakForGrowth gaps the
// largest is kGrowth (1.25) times the smallest, or every gap is at least kPatientWait (1.5 s).
std::vector<SimExchange> retries_with_gaps(const std::vector<Duration>& gaps) {
  std::vector<SimExchange> v{poll(ms(0), 503)};
  Duration t{};
  for (const auto g : gaps)
    v.push_back(poll(t += g, 503));
  return v;
}

TEST(BacksOffWhenThrottled, FlatBackoffIsAViolation) {
  ASSERT_EQ(judge::kStreakForGrowth, 4u);
  Trial r;
  r.exchanges = retries_with_gaps({ms(1000), ms(1100), ms(1200), ms(1249)});
  expect_only(r.judge(false), "backs-off-when-throttled",
              "GET " + kStatus + ": 4 retries in a row without Retry-After");
}

TEST(BacksOffWhenThrottled, GrowingBackoffIsClean) {
  Trial r;
  r.exchanges = retries_with_gaps({ms(1000), ms(1250), ms(1100), ms(1200)});
  EXPECT_CLEAN(r.judge(false));
}

// A success ends a streak: two short streaks are not one long flat one.
TEST(BacksOffWhenThrottled, ASuccessEndsTheStreak) {
  Trial r;
  r.exchanges = {poll(ms(0), 503),     poll(ms(1000), 503),  poll(ms(2000)),
                 poll(ms(10000), 503), poll(ms(11000), 503), poll(ms(12000), 503)};
  EXPECT_CLEAN(r.judge(false));
}

TEST(BacksOffWhenThrottled, PatientFlatBackoffIsClean) {
  const Duration patient = judge::kPatientWait;
  Trial slow, hasty;
  slow.exchanges = retries_with_gaps({patient, patient, patient, patient});
  hasty.exchanges = retries_with_gaps({patient, patient, patient, patient - ms(1)});
  EXPECT_CLEAN(slow.judge(false));
  expect_only(hasty.judge(false), "backs-off-when-throttled", "retries in a row");
}

// --- no-request-after-terminal -------------------------------------------------------------

TEST(NoRequestAfterTerminal, PollAfter404IsAViolation) {
  Trial r;
  r.exchanges = {poll(ms(0), 404), poll(ms(1000))};
  expect_only(r.judge(false), "no-request-after-terminal",
              "GET " + kStatus + " after its status URL answered 404");
}

TEST(NoRequestAfterTerminal, BrokenAnswersDoNotEndAChain) {
  Trial r;
  r.exchanges = {broken(poll(ms(0), 404)), poll(ms(1000), 0), poll(ms(3000), 410)};
  EXPECT_CLEAN(r.judge(false));
}

TEST(NoRequestAfterTerminal, AnotherClientOrTheHarnessMayAsk) {
  Trial r;
  r.exchanges = {poll(ms(0), 404), by(2, poll(ms(1000))), by(0, poll(ms(1000), 404)),
                 by(0, poll(ms(2000), 404))};
  EXPECT_CLEAN(r.judge(false));
}

TEST(NoRequestAfterTerminal, StatusAfterTheManifestV2IsAViolation) {
  Trial r;
  r.exchanges = {manifest(ms(0)), file(ms(100)), poll(ms(200))};
  expect_only(r.judge(false), "no-request-after-terminal",
              "GET " + kStatus + " after the manifest arrived");
}

TEST(NoRequestAfterTerminal, StatusAfterTheManifestV3IsARefresh) {
  Trial r;
  r.v3_refresh = true;
  r.exchanges = {manifest(ms(0)), file(ms(100)), poll(ms(200)), file(ms(300)), del(ms(400))};
  EXPECT_CLEAN(r.judge(false));
}

TEST(NoRequestAfterTerminal, AnythingAfterAnAcceptedDeleteIsAViolation) {
  Trial r;
  r.exchanges = {manifest(ms(0)), del(ms(100)), file(ms(200))};
  expect_only(r.judge(false), "no-request-after-terminal",
              "GET " + kFile + " after its DELETE was answered 202");
}

TEST(NoRequestAfterTerminal, RetryingAFailedDeleteIsClean) {
  Trial r;
  r.exchanges = {manifest(ms(0)), del(ms(100), 500), del(ms(1000))};
  EXPECT_CLEAN(r.judge(false));
}

// --- delete-honoured -----------------------------------------------------------------------

TEST(DeleteHonoured, StatusStillAnsweringAfterDeleteIsAViolation) {
  Trial r;
  r.exchanges = {del(ms(0)), by(0, poll(ms(100), 200))};
  expect_only(r.judge(false), "delete-honoured", "GET " + kStatus + " after its DELETE");
}

TEST(DeleteHonoured, A404AfterDeleteIsClean) {
  Trial r;
  r.exchanges = {del(ms(0)), by(0, poll(ms(100), 404))};
  EXPECT_CLEAN(r.judge(false));
}

TEST(DeleteHonoured, FaultedDeleteOrFaultedAnswerIsNotJudged) {
  Trial r;
  r.exchanges = {faulted(del(ms(0))), by(0, poll(ms(100), 200))};
  Trial s;
  s.exchanges = {del(ms(0)), by(0, faulted(poll(ms(100), 500)))};
  EXPECT_CLEAN(r.judge(false));
  EXPECT_CLEAN(s.judge(false));
}

// --- every-file-downloaded -----------------------------------------------------------------

TEST(EveryFileDownloaded, SuccessWithoutTheFileIsAViolation) {
  Trial r;
  r.exchanges = {kickoff(ms(0)), manifest(ms(1000)), broken(file(ms(1100))), del(ms(1200))};
  expect_only(r.judge(), "every-file-downloaded", kFile + ", listed in the manifest");
}

TEST(EveryFileDownloaded, ARedirectToAnotherPathCounts) {
  Trial r;
  SimExchange hop = file(ms(1100), 302);
  hop.location = "http://127.0.0.2:8080/fhir/bulkfiles/j1/1-Patient.ndjson?sig=abc";
  r.exchanges = {kickoff(ms(0)), manifest(ms(1000)), hop,
                 file(ms(1200), 200, "/fhir/bulkfiles/j1/1-Patient.ndjson"), del(ms(1300))};
  EXPECT_CLEAN(r.judge());
}

TEST(EveryFileDownloaded, ARedirectNeverFollowedIsAViolation) {
  Trial r;
  SimExchange hop = file(ms(1100), 307);
  hop.location = "/fhir/bulkfiles/j1/1-Patient.ndjson";
  r.exchanges = {kickoff(ms(0)), manifest(ms(1000)), hop,
                 file(ms(1200), 200, "/fhir/bulkfiles/j1/2-Patient.ndjson"), del(ms(1300))};
  expect_only(r.judge(), "every-file-downloaded", kFile + ", listed in the manifest");
}

// Budget: (max_consecutive_failures + 1) * (max_redirects + 1) attempts, here 2 * 1.
TEST(EveryFileDownloaded, TooManyAttemptsIsAViolation) {
  Trial r;
  r.options.max_consecutive_failures = 1;
  r.options.max_redirects = 0;
  r.exchanges = {manifest(ms(0)), file(ms(100)), file(ms(200)), file(ms(300))};
  expect_only(r.judge(), "every-file-downloaded", kFile + " was requested 3 times");
  r.exchanges.pop_back();
  EXPECT_CLEAN(r.judge());
}

TEST(EveryFileDownloaded, AFailureNeedNotHaveEveryFile) {
  Trial r;
  r.outcome.kind = client::OutcomeKind::kDownloadFailed;
  r.exchanges = {kickoff(ms(0)), manifest(ms(1000)), faulted(file(ms(1100), 403))};
  EXPECT_CLEAN(r.judge());
}

// --- resources-match-counts ----------------------------------------------------------------

TEST(ResourcesMatchCounts, AShortFileIsAViolation) {
  Trial r;
  r.written["Patient-1.ndjson"].lines = 2;
  expect_only(r.judge(), "resources-match-counts",
              "Patient-1.ndjson (Patient-1.ndjson) holds 2 resources; the service generated 3");
}

TEST(ResourcesMatchCounts, AFileNeverWrittenIsAViolation) {
  Trial r;
  r.written.clear();
  expect_only(r.judge(), "resources-match-counts", "Patient-1.ndjson (Patient-1.ndjson) holds 0");
}

TEST(ResourcesMatchCounts, AFileTheServiceDidNotMakeIsSkipped) {
  Trial r;
  r.outcome.files.push_back(report("/fhir/bulkfiles/j1/error-fault.ndjson"));
  EXPECT_CLEAN(r.judge());
}

// --- outcome-matches-truth -----------------------------------------------------------------

TEST(OutcomeMatchesTruth, SuccessWithoutAServiceFileIsAViolation) {
  Trial r;
  r.job.files.push_back(job_file("Observation-1.ndjson", "Observation", 4));
  expect_only(r.judge(), "outcome-matches-truth",
              "Success without Observation-1.ndjson (4 Observation resources)");
  r.outcome.files.push_back(report(kFile2));
  r.written["Observation-1.ndjson"] = {80, 4};
  EXPECT_CLEAN(r.judge());
}

TEST(OutcomeMatchesTruth, AnErrorFileNeedNotBeReported) {
  Trial r;
  protocol::JobFile errors = job_file("error-1.ndjson", "OperationOutcome", 2);
  errors.is_error = true;
  r.job.files.push_back(errors);
  EXPECT_CLEAN(r.judge());
}

TEST(OutcomeMatchesTruth, AFaultOnTheManifestExcusesMissingFiles) {
  Trial r;
  r.job.files.push_back(job_file("Observation-1.ndjson", "Observation", 4));
  r.exchanges.insert(r.exchanges.begin() + 1, faulted(poll(ms(500), 202)));
  EXPECT_CLEAN(r.judge());
}

TEST(OutcomeMatchesTruth, SuccessWithoutAJobIsAViolation) {
  Trial r;
  r.has_job = false;
  expect_only(r.judge(), "outcome-matches-truth", "the service created no job");
}

TEST(OutcomeMatchesTruth, FailureWithNoFaultIsAViolation) {
  Trial r;
  r.outcome.kind = client::OutcomeKind::kFailed;
  r.outcome.message = "status polling gave up";
  expect_only(r.judge(), "outcome-matches-truth",
              "no fault fired, yet the client ended Failed: status polling gave up");
  r.exchanges[1] = faulted(r.exchanges[1]);
  EXPECT_CLEAN(r.judge());
}

// The service's own 4xx (429 included, KO-13) explains Rejected; a 5xx does not.
TEST(OutcomeMatchesTruth, ARefusedKickoffExplainsRejected) {
  for (const int refusal : {400, 404, 429}) {
    Trial r;
    r.outcome.kind = client::OutcomeKind::kRejected;
    r.exchanges = {kickoff(ms(0), 503), kickoff(ms(2000), refusal)};
    EXPECT_CLEAN(r.judge());
  }
  Trial r;
  r.outcome.kind = client::OutcomeKind::kRejected;
  r.exchanges = {kickoff(ms(0), 503), kickoff(ms(2000), 500)};
  expect_only(r.judge(), "outcome-matches-truth", "the client ended Rejected");
}

TEST(OutcomeMatchesTruth, ADeadlineShorterThanTheJobExplainsTimedOut) {
  Trial r;
  r.outcome.kind = client::OutcomeKind::kTimedOut;
  r.exchanges = {kickoff(ms(0)), poll(ms(1000)), del(ms(1500))};
  r.deadline = r.job.completes_at - seconds(1);
  EXPECT_CLEAN(r.judge());
  r.deadline = r.job.completes_at;
  expect_only(r.judge(), "outcome-matches-truth", "the client ended TimedOut");
}

// The server's last Retry-After ran past the client's deadline: TimedOut is the truth.
TEST(OutcomeMatchesTruth, AWaitPastTheDeadlineExplainsTimedOut) {
  Trial r;
  r.outcome.kind = client::OutcomeKind::kTimedOut;
  r.exchanges = {kickoff(ms(0)), poll(seconds(1), 202, seconds(60))};
  r.deadline = r.job.completes_at;
  r.deadline_wire = seconds(60);
  EXPECT_CLEAN(r.judge());
  r.deadline_wire = seconds(61);
  expect_only(r.judge(), "outcome-matches-truth", "the client ended TimedOut");
}

TEST(OutcomeMatchesTruth, AnUnfinishedClientIsLeftToTerminates) {
  Trial r;
  r.outcome.kind = client::OutcomeKind::kFailed;
  r.finished = false;
  EXPECT_EQ(ids(r.judge()), Ids{"terminates"});
}

// --- bounded-requests ----------------------------------------------------------------------

// Throttled answers that each carry Retry-After 1 s, one second apart: only the budgets judge.
std::vector<SimExchange> throttled_polls(int n) {
  std::vector<SimExchange> v;
  for (int i = 0; i < n; ++i)
    v.push_back(poll(seconds(i), 429, seconds(1)));
  return v;
}

TEST(BoundedRequests, ARetryPastTheChainBudgetIsAViolation) {
  Trial r;
  r.options.max_consecutive_failures = 3;
  r.exchanges = throttled_polls(3);
  EXPECT_CLEAN(r.judge(false));
  r.exchanges.push_back(poll(seconds(3)));
  expect_only(r.judge(false), "bounded-requests",
              "GET " + kStatus + " after 3 failures in a row; the client's budget is 3");
}

TEST(BoundedRequests, ASuccessResetsTheChain) {
  Trial r;
  r.options.max_consecutive_failures = 3;
  r.exchanges = throttled_polls(2);
  r.exchanges.push_back(poll(seconds(2)));
  for (int i = 3; i < 6; ++i)
    r.exchanges.push_back(poll(seconds(i), 429, seconds(1)));
  EXPECT_CLEAN(r.judge(false));
}

// A body cut under a 202 is a retry for backoff, but no failure against the chain's budget.
TEST(BoundedRequests, ACutBodyUnderASuccessStatusIsNoFailure) {
  Trial r;
  r.options.max_consecutive_failures = 2;
  r.exchanges.clear();
  for (int i = 0; i < 4; ++i)
    r.exchanges.push_back(broken(poll(seconds(i), 202, seconds(1))));
  EXPECT_CLEAN(r.judge(false));
}

TEST(BoundedRequests, RetriesPastTheTotalBudgetAreAViolation) {
  Trial r;
  r.options.max_total_retries = 3;
  r.exchanges = throttled_polls(4);
  EXPECT_CLEAN(r.judge(false));
  r.exchanges.push_back(poll(seconds(4)));
  expect_only(r.judge(false), "bounded-requests", "4 retries; the client's budget is 3");
}

TEST(BoundedRequests, RequestsPastTheCapAreAViolation) {
  Trial r;
  r.options.max_requests = 5;
  r.exchanges.clear();
  for (int i = 0; i < 5; ++i)
    r.exchanges.push_back(poll(seconds(i)));
  r.exchanges.push_back(by(2, poll(seconds(5))));
  r.exchanges.push_back(by(0, poll(seconds(5))));
  EXPECT_CLEAN(r.judge(false));
  r.exchanges.push_back(poll(seconds(6)));
  expect_only(r.judge(false), "bounded-requests", "more than 5 requests");
}

// --- terminates ----------------------------------------------------------------------------

TEST(Terminates, AHungClientIsAViolation) {
  Trial r;
  r.finished = false;
  r.hang = true;
  expect_only(r.judge(), "terminates", "waits for nothing (hung)");
}

TEST(Terminates, AClientPastTheBoundIsAViolation) {
  Trial r;
  r.finished = false;
  const auto vs = r.judge();
  expect_only(vs, "terminates", "still running at the liveness bound");
  EXPECT_EQ(vs[0].at, seconds(4));
}

// --- helpers the invariants share ----------------------------------------------------------

TEST(InvariantHelpers, ChainsAndRetryableFailures) {
  EXPECT_EQ(chain_of(poll(ms(0))), "status " + kStatus);
  EXPECT_EQ(chain_of(del(ms(0))), "delete " + kStatus);
  EXPECT_EQ(chain_of(kickoff(ms(0))), "kickoff");
  EXPECT_NE(chain_of(file(ms(0))), chain_of(file(ms(0), 200, kFile2)));
  for (const int s : {0, 429, 500, 503})
    EXPECT_TRUE(is_retryable_failure(poll(ms(0), s))) << s;
  for (const int s : {200, 202, 404, 410})
    EXPECT_FALSE(is_retryable_failure(poll(ms(0), s))) << s;
  EXPECT_TRUE(is_retryable_failure(broken(poll(ms(0), 200))));
}

}  // namespace
}  // namespace bh::sim
