// Status polling: S5-S12, T11-T23 (ST-02..ST-06, ST-11, ST-12, open points 3 and 4).
#include <gtest/gtest.h>

#include "client_test_support.hpp"
#include "protocol/http_date.hpp"

namespace bh::client::testing {
namespace {

// Runs a job whose status endpoint answers from `script` in order (then the manifest).
struct PollRun {
  RunResult r;
  std::vector<SentRequest> polls;
  std::vector<ClientEvent> events;
};

PollRun run_polls(std::function<std::optional<Reply>(int poll, Instant now)> script,
                  ClientOptions o = base_options()) {
  MemorySink sink;
  ScriptedServer server;
  server.manifest = manifest_json({});
  server.polls_before_done = 0;
  server.status_hook = [&](const Send&, Instant now) { return script(server.polls, now); };
  ExportClient c(o, sink);
  PollRun out;
  out.r = drive(c, std::ref(server));
  out.polls = filter(out.r.sent, is_status_get);
  out.events = c.events();
  return out;
}

TEST(Polling, StatusRequestsAcceptJson) {
  auto run = run_polls([](int, Instant) { return std::nullopt; });
  ASSERT_EQ(run.polls.size(), 1u);
  EXPECT_EQ(run.polls[0].send.req.headers.get("Accept").value_or(""), "application/json");
  EXPECT_EQ(run.polls[0].send.req.target, "/status/1");
  EXPECT_EQ(run.r.outcome.kind, OutcomeKind::kSuccess);
}

TEST(Polling, RetryAfterSecondsIsHonouredExactly) {
  auto run = run_polls([](int n, Instant) -> std::optional<Reply> {
    if (n == 1) return reply(202, {{"Retry-After", "7"}, {"X-Progress", "40%"}});
    if (n == 2) return reply(202, {{"Retry-After", "120"}});
    return std::nullopt;
  });
  ASSERT_EQ(run.polls.size(), 3u);
  EXPECT_EQ(run.polls[1].at - run.polls[0].at, seconds(7));
  EXPECT_EQ(run.polls[2].at - run.polls[1].at, seconds(120));
  bool logged = false;
  for (const auto& e : run.events)
    logged = logged || e.text == "poll 1: 202 X-Progress=40% Retry-After=7 → waiting 7.0 s";
  EXPECT_TRUE(logged);
}

class HttpDateForms : public ::testing::TestWithParam<protocol::HttpDateForm> {};

TEST_P(HttpDateForms, RetryAfterDateIsHonoured) {
  auto run = run_polls([](int n, Instant now) -> std::optional<Reply> {
    if (n == 1)
      return reply(202,
                   {{"Retry-After", protocol::format_http_date(now + seconds(42), GetParam())}});
    return std::nullopt;
  });
  ASSERT_EQ(run.polls.size(), 2u);
  // The first poll happens at a fraction of a second; the date is whole seconds (truncated).
  const Instant date = std::chrono::floor<std::chrono::seconds>(run.polls[0].at + seconds(42));
  EXPECT_EQ(run.polls[1].at, std::max(date, run.polls[0].at + millis(500)));
  EXPECT_GE(run.polls[1].at - run.polls[0].at, seconds(41));
}

INSTANTIATE_TEST_SUITE_P(AllThreeForms, HttpDateForms,
                         ::testing::Values(protocol::HttpDateForm::kImfFixdate,
                                           protocol::HttpDateForm::kRfc850,
                                           protocol::HttpDateForm::kAsctime));

TEST(Polling, PastDateMeansTheFloor) {
  auto run = run_polls([](int n, Instant now) -> std::optional<Reply> {
    if (n == 1)
      return reply(202, {{"Retry-After", protocol::format_http_date(now - seconds(600))}});
    return std::nullopt;
  });
  ASSERT_EQ(run.polls.size(), 2u);
  EXPECT_EQ(run.polls[1].at - run.polls[0].at, millis(500));
}

class InvalidRetryAfter : public ::testing::TestWithParam<const char*> {};

TEST_P(InvalidRetryAfter, FallsBackToBackoff) {
  auto run = run_polls([](int n, Instant) -> std::optional<Reply> {
    if (n == 1) return reply(202, {{"Retry-After", GetParam()}});
    return std::nullopt;
  });
  ASSERT_EQ(run.polls.size(), 2u);
  // Step 1 of the poll backoff (step 0 was used after the kick-off): 2 s +-20 %.
  const auto gap = run.polls[1].at - run.polls[0].at;
  EXPECT_GE(gap, millis(1600));
  EXPECT_LE(gap, millis(2400));
  bool noted = false;
  for (const auto& e : run.events)
    noted = noted || e.text.find("ignored") != std::string::npos;
  EXPECT_TRUE(noted);
}

INSTANTIATE_TEST_SUITE_P(Values, InvalidRetryAfter,
                         ::testing::Values("-5", "soon", "1.5", "", "5, 6",
                                           "Fri, 32 Dec 1999 23:59:59 GMT"));

TEST(Polling, BackoffGrowsWithoutRetryAfterAndIsCapped) {
  auto run = run_polls([](int n, Instant) -> std::optional<Reply> {
    if (n <= 9) return reply(202);
    return std::nullopt;
  });
  ASSERT_EQ(run.polls.size(), 10u);
  double base = 2.0;  // step 1
  for (std::size_t i = 1; i < run.polls.size(); ++i, base = std::min(base * 2, 60.0)) {
    const double gap = to_seconds(run.polls[i].at - run.polls[i - 1].at);
    EXPECT_GE(gap, 0.8 * base - 1e-6) << "gap " << i;
    EXPECT_LE(gap, std::min(1.2 * base, 60.0) + 1e-6) << "gap " << i;
  }
}

TEST(Polling, ThrottlingWaitsAtLeastRetryAfterAndBacksOffFurther) {
  auto run = run_polls([](int n, Instant) -> std::optional<Reply> {
    if (n <= 5) return reply(429, {{"Retry-After", "1"}});
    return std::nullopt;
  });
  ASSERT_EQ(run.polls.size(), 6u);
  EXPECT_EQ(run.r.outcome.kind, OutcomeKind::kSuccess);
  double base = 2.0;
  for (std::size_t i = 1; i < run.polls.size(); ++i, base *= 2) {
    const double gap = to_seconds(run.polls[i].at - run.polls[i - 1].at);
    EXPECT_GE(gap, std::max(1.0, 0.8 * base) - 1e-6) << "gap " << i;  // max(Retry-After, backoff)
  }
  EXPECT_GT(run.polls[5].at - run.polls[4].at, run.polls[2].at - run.polls[1].at);
}

TEST(Polling, TransientOutcomeIsRetriedThenSucceeds) {
  auto run = run_polls([](int n, Instant) -> std::optional<Reply> {
    if (n <= 2)
      return reply(503, {{"Content-Type", "application/fhir+json"}},
                   outcome_json("error", "transient", "database busy"));
    if (n == 3) return reply(500);  // no body: transient too (T16)
    return std::nullopt;
  });
  EXPECT_EQ(run.r.outcome.kind, OutcomeKind::kSuccess);
  EXPECT_EQ(run.polls.size(), 4u);
}

TEST(Polling, FatalOutcomeFailsTheJobWithDiagnostics) {
  auto run = run_polls([](int, Instant) -> std::optional<Reply> {
    return reply(500, {{"Content-Type", "application/fhir+json"}},
                 outcome_json("fatal", "processing", "export crashed on resource 42"));
  });
  EXPECT_EQ(run.r.outcome.kind, OutcomeKind::kFailed);
  EXPECT_EQ(exit_code(run.r.outcome.kind), 4);
  EXPECT_NE(run.r.outcome.message.find("export crashed on resource 42"), std::string::npos);
  EXPECT_EQ(run.polls.size(), 1u);
}

TEST(Polling, NonFhirErrorBodyFailsTheJob) {
  auto run = run_polls([](int, Instant) -> std::optional<Reply> {
    return reply(502, {{"Content-Type", "text/html"}}, "<html>Bad gateway</html>");
  });
  EXPECT_EQ(run.r.outcome.kind, OutcomeKind::kFailed);
  EXPECT_NE(run.r.outcome.message.find("non-FHIR body"), std::string::npos);
}

TEST(Polling, NotFoundWithoutDeleteIsGone) {
  auto run = run_polls([](int, Instant) -> std::optional<Reply> { return reply(404); });
  EXPECT_EQ(run.r.outcome.kind, OutcomeKind::kGone);
  EXPECT_EQ(exit_code(run.r.outcome.kind), 8);
  EXPECT_EQ(filter(run.r.sent, is_delete).size(), 0u);
}

TEST(Polling, RetryBudgetExhaustionFails) {
  auto o = base_options();
  o.max_consecutive_failures = 5;
  auto run = run_polls([](int, Instant) -> std::optional<Reply> { return reply(503); }, o);
  EXPECT_EQ(run.r.outcome.kind, OutcomeKind::kFailed);
  EXPECT_EQ(run.polls.size(), 5u);
  EXPECT_NE(run.r.outcome.message.find("5 consecutive failures"), std::string::npos);
}

TEST(Polling, TotalRetryBudgetBoundsAlternatingFailures) {
  auto o = base_options();
  o.max_total_retries = 6;
  // Failures never come twice in a row, so only the job-wide budget can stop this.
  auto run = run_polls(
      [](int n, Instant) -> std::optional<Reply> {
        return n % 2 ? reply(503) : reply(202, {{"Retry-After", "1"}});
      },
      o);
  EXPECT_EQ(run.r.outcome.kind, OutcomeKind::kFailed);
  EXPECT_NE(run.r.outcome.message.find("retry budget"), std::string::npos);
  EXPECT_EQ(run.polls.size(), 13u);
}

TEST(Polling, RequestCapStopsAnEndlessJob) {
  auto o = base_options();
  o.max_requests = 50;
  o.min_wait = millis(500);
  auto run = run_polls(
      [](int, Instant) -> std::optional<Reply> {
        return reply(202, {{"Retry-After", "0"}});
      },
      o);
  EXPECT_EQ(run.r.outcome.kind, OutcomeKind::kFailed);
  EXPECT_EQ(run.r.sent.size(), 50u);
  EXPECT_NE(run.r.outcome.message.find("request cap"), std::string::npos);
  for (std::size_t i = 1; i < run.polls.size(); ++i)
    EXPECT_GE(run.polls[i].at - run.polls[i - 1].at, millis(500));  // Retry-After 0 meets the floor
}

TEST(Polling, InvalidManifestIsReportedWithFindings) {
  MemorySink sink;
  ScriptedServer server;
  server.manifest =
      R"({"request":"http://srv/fhir/$export","requiresAccessToken":false,"output":[],"error":[]})";
  ExportClient c(base_options(), sink);
  auto r = drive(c, std::ref(server));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kManifestInvalid);
  EXPECT_EQ(exit_code(r.outcome.kind), 5);
  EXPECT_NE(r.outcome.message.find("transactionTime"), std::string::npos) << r.outcome.message;
  EXPECT_EQ(filter(r.sent, is_delete).size(), 0u);
}

TEST(Polling, ManifestNotJsonIsInvalid) {
  MemorySink sink;
  ScriptedServer server;
  server.manifest = "<html>done</html>";
  ExportClient c(base_options(), sink);
  EXPECT_EQ(drive(c, std::ref(server)).outcome.kind, OutcomeKind::kManifestInvalid);
}

TEST(Polling, OversizedStatusBodyIsCutOff) {
  MemorySink sink;
  ScriptedServer server;
  server.manifest = std::string(4096, ' ') + manifest_json({});
  auto o = base_options();
  o.max_status_body_bytes = 1024;
  ExportClient c(o, sink);
  auto r = drive(c, std::ref(server));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kManifestInvalid);
  EXPECT_NE(r.outcome.message.find("exceeds 1024 bytes"), std::string::npos);
}

}  // namespace
}  // namespace bh::client::testing
