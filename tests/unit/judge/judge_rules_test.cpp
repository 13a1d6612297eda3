// Each judge rule on hand-written journals: one case it must pass, one it must fail (the
// canary), and where the policy has an edge, the edge.
#include <gtest/gtest.h>

#include "tests/unit/judge/journal_builder.hpp"

namespace bh::judge::testing {
namespace {

constexpr auto kPass = Outcome::kPass;
constexpr auto kFail = Outcome::kFail;
constexpr auto kNa = Outcome::kNotApplicable;

// A clean export: kick-off, two polls honouring Retry-After 2, manifest, two files, release.
JournalBuilder clean() {
  JournalBuilder b;
  b.kickoff(0).poll(100).poll(2200).manifest(4300, {"/fhir/f/1.ndjson", "/fhir/f/2.ndjson"});
  b.file(4400, "/fhir/f/1.ndjson").file(4500, "/fhir/f/2.ndjson").del(4600);
  return b;
}

TEST(JudgeRules, CleanExportPassesEveryApplicableRule) {
  const Verdict v = verdict_of(clean());
  EXPECT_EQ(v.result(), "pass") << to_text(v);
  for (const char* id : {"kickoff-accept", "kickoff-prefer", "status-accept",
                         "retry-after-honoured", "no-poll-after-manifest", "download-only-listed",
                         "every-file-downloaded", "delete-sent", "one-kickoff-per-job"})
    EXPECT_EQ(rule(v, id).outcome, kPass) << id << ": " << rule(v, id).detail;
}

TEST(JudgeRules, KickoffHeaders) {
  JournalBuilder no_accept;
  no_accept.kickoff(0, {{"Prefer", "respond-async"}});
  EXPECT_EQ(outcome(no_accept, "kickoff-accept"), kFail);
  EXPECT_EQ(outcome(no_accept, "kickoff-prefer"), kPass);
  JournalBuilder wildcard;  // */* admits FHIR JSON but does not ask for it (KO-05's wording)
  wildcard.kickoff(0, {{"Accept", "*/*"}, {"Prefer", "respond-async"}});
  EXPECT_EQ(outcome(wildcard, "kickoff-accept"), kFail);
  JournalBuilder no_prefer;
  no_prefer.kickoff(0, {{"Accept", "application/fhir+json"}, {"Prefer", "handling=lenient"}});
  EXPECT_EQ(outcome(no_prefer, "kickoff-prefer"), kFail);
  JournalBuilder joined;  // comma-joined preferences count
  joined.kickoff(
      0, {{"Accept", "application/fhir+json"}, {"Prefer", "handling=lenient, respond-async"}});
  EXPECT_EQ(outcome(joined, "kickoff-prefer"), kPass);
}

TEST(JudgeRules, PostKickoffNeedsAParametersBody) {
  JournalBuilder bodyless;
  bodyless.add(0, "POST", "kickoff", "/fhir/$export?_type=Patient", 202,
               {{"Accept", "application/fhir+json"}, {"Content-Length", "0"}});
  EXPECT_EQ(outcome(bodyless, "kickoff-post-parameters"), kFail);
  JournalBuilder good;
  good.add(0, "POST", "kickoff", "/fhir/$export", 202,
           {{"Content-Type", "application/fhir+json"}, {"Content-Length", "120"}});
  EXPECT_EQ(outcome(good, "kickoff-post-parameters"), kPass);
  EXPECT_EQ(outcome(clean(), "kickoff-post-parameters"), kNa);
}

TEST(JudgeRules, StatusAccept) {
  JournalBuilder b;
  b.kickoff(0).poll(100, 202, {}, nullptr, {{"Accept", "application/fhir+json"}});
  EXPECT_EQ(outcome(b, "status-accept"), kFail);
}

TEST(JudgeRules, RetryAfterSecondsHonouredOrNot) {
  JournalBuilder early;
  early.kickoff(0).poll(100, 202, {{"Retry-After", "3"}}).poll(1200);
  const Verdict v = verdict_of(early);
  EXPECT_EQ(rule(v, "retry-after-honoured").outcome, kFail);
  ASSERT_FALSE(rule(v, "retry-after-honoured").evidence.empty());
  EXPECT_EQ(rule(v, "retry-after-honoured").evidence[0].seq, 2u);  // names the response ignored
  JournalBuilder within_tolerance;  // 2.95 s for 3 s: inside the 100 ms slack
  within_tolerance.kickoff(0).poll(100, 202, {{"Retry-After", "3"}}).poll(3050);
  EXPECT_EQ(outcome(within_tolerance, "retry-after-honoured"), kPass);
}

TEST(JudgeRules, RetryAfterHttpDateIsMeasuredAgainstDate) {
  const Headers date_form = {{"Date", "Tue, 01 Dec 2026 20:00:00 GMT"},
                             {"Retry-After", "Tue, 01 Dec 2026 20:00:11 GMT"}};
  JournalBuilder early;  // had to wait at least 10 s (11 s less the Date's second); waited 5
  early.kickoff(0).poll(100, 429, date_form).poll(5100);
  EXPECT_EQ(outcome(early, "retry-after-honoured"), kFail);
  JournalBuilder ok;
  ok.kickoff(0).poll(100, 429, date_form).poll(10200);
  EXPECT_EQ(outcome(ok, "retry-after-honoured"), kPass);
}

TEST(JudgeRules, UnusableRetryAfterIsNotHeldAgainstTheClient) {
  for (const char* value : {"soon", "-5", "1.5", "999999"}) {
    JournalBuilder b;
    b.kickoff(0).poll(100, 503, {{"Retry-After", value}}).poll(1200);
    EXPECT_EQ(outcome(b, "retry-after-honoured"), kNa) << value;
  }
}

TEST(JudgeRules, TimeScaleConvertsToWhatTheClientWaited) {
  // Scenario time 60x faster: 60 s of scenario time is the 1 s the client was told to wait.
  JournalBuilder b;
  b.kickoff(0).poll(100, 202, {{"Retry-After", "1"}}).poll(30100);
  JudgeSettings s = settings();
  s.time_scale = 60;
  EXPECT_EQ(outcome(b, "retry-after-honoured", s), kFail);  // 0.5 s of wire time
  JournalBuilder slow;
  slow.kickoff(0).poll(100, 202, {{"Retry-After", "1"}}).poll(60200);
  EXPECT_EQ(outcome(slow, "retry-after-honoured", s), kPass);
}

TEST(JudgeRules, BackoffWithoutRetryAfter) {
  JournalBuilder fixed;  // five 503s without Retry-After, one second apart
  fixed.kickoff(0);
  for (int k = 0; k < 5; ++k)
    fixed.poll(100 + 1000 * k, 503, {});
  fixed.poll(5100);
  EXPECT_EQ(outcome(fixed, "backoff-without-retry-after"), kFail);
  JournalBuilder growing;
  growing.kickoff(0);
  std::int64_t t = 100;
  for (int k = 0; k < 5; ++k, t += 500 << k)
    growing.poll(t, 503, {});
  growing.poll(t);
  EXPECT_EQ(outcome(growing, "backoff-without-retry-after"), kPass);
  JournalBuilder capped;  // equal waits of 2 s: a backoff at its cap
  capped.kickoff(0);
  for (int k = 0; k < 5; ++k)
    capped.poll(100 + 2000 * k, 503, {});
  capped.poll(10100);
  EXPECT_EQ(outcome(capped, "backoff-without-retry-after"), kPass);
}

TEST(JudgeRules, OneImmediateResendAfterABrokenConnectionIsAllowed) {
  JournalBuilder one;
  one.kickoff(0).poll(100, 0, {}).poll(110, 202);
  EXPECT_NE(outcome(one, "backoff-without-retry-after"), kFail);
  JournalBuilder two;
  two.kickoff(0).poll(100, 0, {}).poll(110, 0, {}).poll(120, 202);
  EXPECT_EQ(outcome(two, "backoff-without-retry-after"), kFail);
}

TEST(JudgeRules, NoHammeringAfter429) {
  JournalBuilder b;
  b.kickoff(0).poll(100, 429, {}).poll(300);
  EXPECT_EQ(outcome(b, "no-hammering-after-429"), kFail);
  JournalBuilder ok;
  ok.kickoff(0).poll(100, 429, {}).poll(1200);
  EXPECT_EQ(outcome(ok, "no-hammering-after-429"), kPass);
  JournalBuilder told;  // the server's Retry-After wins over the floor, both ways
  told.kickoff(0).poll(100, 429, {{"Retry-After", "0"}}).poll(150);
  EXPECT_EQ(outcome(told, "no-hammering-after-429"), kPass);
  JournalBuilder early;
  early.kickoff(0).poll(100, 429, {{"Retry-After", "3"}}).poll(1200);
  EXPECT_EQ(outcome(early, "no-hammering-after-429"), kFail);
}

TEST(JudgeRules, TransientFailuresAreRetriedOrGivenUpOnlyAfterSeveral) {
  const nlohmann::json transient = {{"kind", "operation-outcome"}, {"issue_codes", {"transient"}}};
  JournalBuilder quit;
  quit.kickoff(0).poll(100, 503, {}, transient);
  EXPECT_EQ(outcome(quit, "transient-retried"), kFail);
  JournalBuilder persisted;
  persisted.kickoff(0);
  for (int k = 0; k < 3; ++k)
    persisted.poll(100 + 2000 * k, 503, {}, transient);
  EXPECT_EQ(outcome(persisted, "transient-retried"), kPass);
  JournalBuilder retried;
  retried.kickoff(0).poll(100, 503, {}, transient).poll(2200);
  EXPECT_EQ(outcome(retried, "transient-retried"), kPass);
}

TEST(JudgeRules, FatalErrorsEndTheChain) {
  const nlohmann::json fatal = {{"kind", "operation-outcome"}, {"issue_codes", {"processing"}}};
  JournalBuilder again;
  again.kickoff(0).poll(100, 500, {}, fatal).poll(2200, 500, {}, fatal);
  EXPECT_EQ(outcome(again, "fatal-stops"), kFail);
  JournalBuilder stopped;
  stopped.kickoff(0).poll(100, 500, {}, fatal);
  EXPECT_EQ(outcome(stopped, "fatal-stops"), kPass);
  EXPECT_EQ(outcome(stopped, "delete-sent"), kNa);  // a failed job has nothing to cancel
  JournalBuilder html;  // a gateway's HTML page: neither retry nor stop is required
  html.kickoff(0).poll(100, 502, {}, {{"kind", "other"}});
  EXPECT_EQ(outcome(html, "fatal-stops"), kNa);
  EXPECT_EQ(outcome(html, "transient-retried"), kNa);
}

TEST(JudgeRules, RetriesAreBounded) {
  JournalBuilder b;
  b.kickoff(0);
  for (int k = 0; k < 51; ++k)
    b.poll(100 + 2000 * k, 429, {{"Retry-After", "2"}});
  EXPECT_EQ(outcome(b, "retries-bounded"), kFail);
  EXPECT_EQ(outcome(clean(), "retries-bounded"), kNa);
}

TEST(JudgeRules, NoPollAfterTheManifestUnlessLinksExpired) {
  JournalBuilder again = clean();
  again.poll(4700, 200);
  EXPECT_EQ(outcome(again, "no-poll-after-manifest"), kFail);
  JournalBuilder refresh;
  refresh.kickoff(0).manifest(100, {"/fhir/f/1.ndjson"}).file(200, "/fhir/f/1.ndjson", 410);
  refresh.manifest(300, {"/fhir/f/1b.ndjson"}).file(400, "/fhir/f/1b.ndjson").del(500);
  EXPECT_EQ(outcome(refresh, "no-poll-after-manifest"), kPass);
  EXPECT_EQ(outcome(refresh, "every-file-downloaded"), kPass);  // the refreshed list counts
}

TEST(JudgeRules, DownloadsOnlyOfListedUrls) {
  JournalBuilder guess;
  guess.kickoff(0).file(50, "/fhir/f/1.ndjson").manifest(100, {"/fhir/f/1.ndjson"});
  EXPECT_EQ(outcome(guess, "download-only-listed"), kFail);
}

TEST(JudgeRules, EveryFileDownloadedWholeFollowingRedirects) {
  JournalBuilder missing;
  missing.kickoff(0).manifest(100, {"/fhir/f/1.ndjson", "/fhir/err/1.ndjson"});
  missing.file(200, "/fhir/f/1.ndjson");
  EXPECT_EQ(outcome(missing, "every-file-downloaded"), kFail);  // the error file was skipped
  JournalBuilder cut;
  cut.kickoff(0)
      .manifest(100, {"/fhir/f/1.ndjson"})
      .file(200, "/fhir/f/1.ndjson", 200, {}, {}, true);
  EXPECT_EQ(outcome(cut, "every-file-downloaded"), kFail);
  JournalBuilder redirected;
  redirected.kickoff(0).manifest(100, {"/fhir/f/1.ndjson"});
  redirected.file(200, "/fhir/f/1.ndjson", 302, {},
                  {{"Location", "http://127.0.0.2:8080/store/1"}});
  redirected.add(300, "GET", "other", "/store/1", 200, {{"Host", "127.0.0.2:8080"}});
  EXPECT_EQ(outcome(redirected, "every-file-downloaded"), kPass);
  // A scenario that expects the export to fail does not demand the files.
  EXPECT_EQ(outcome(missing, "every-file-downloaded", settings("manifest-invalid")), kNa);
}

TEST(JudgeRules, DeleteToReleaseOrCancel) {
  JournalBuilder kept;
  kept.kickoff(0).manifest(100, {"/fhir/f/1.ndjson"}).file(200, "/fhir/f/1.ndjson");
  EXPECT_EQ(outcome(kept, "delete-sent"), kFail);
  JournalBuilder walked_away;  // still running when the client stopped polling
  walked_away.kickoff(0).poll(100, 429, {{"Retry-After", "1"}});
  EXPECT_EQ(outcome(walked_away, "delete-sent"), kFail);
  walked_away.del(1200);
  EXPECT_EQ(outcome(walked_away, "delete-sent"), kPass);
  JournalBuilder rejected;  // manifest rejected: keeping the server's copy is defensible
  rejected.kickoff(0).manifest(100, {"/fhir/f/1.ndjson"});
  EXPECT_EQ(outcome(rejected, "delete-sent", settings("manifest-invalid")), kNa);
  JournalBuilder no_location;
  no_location.add(0, "GET", "kickoff", "/fhir/$export", 202, kGoodKickoff, {});
  EXPECT_EQ(outcome(no_location, "delete-sent"), kNa);
}

TEST(JudgeRules, NoPollAfterDelete) {
  JournalBuilder b = clean();
  b.poll(4700, 404);
  EXPECT_EQ(outcome(b, "no-poll-after-delete"), kFail);
}

TEST(JudgeRules, OneKickoffPerExport) {
  JournalBuilder twice;
  twice.kickoff(0).kickoff(10);
  EXPECT_EQ(outcome(twice, "one-kickoff-per-job"), kFail);
  JournalBuilder retried;  // the first never reached the client: a resend is fine
  retried.add(0, "GET", "kickoff", "/fhir/$export", 0, kGoodKickoff, {}, nullptr, "");
  retried.kickoff(600);
  EXPECT_EQ(outcome(retried, "one-kickoff-per-job"), kPass);
}

TEST(JudgeRules, TokenGoesWhereItMustAndNowhereElse) {
  const Headers auth = {{"Authorization", "Bearer t1"}};
  Headers kick = kGoodKickoff;
  kick.push_back(auth.front());
  JournalBuilder missing;
  missing.kickoff(0, kick).manifest(100, {"/fhir/f/1.ndjson"}, true).file(200, "/fhir/f/1.ndjson");
  EXPECT_EQ(outcome(missing, "token-on-files"), kFail);
  JournalBuilder sent;
  sent.kickoff(0, kick)
      .manifest(100, {"/fhir/f/1.ndjson"}, true)
      .file(200, "/fhir/f/1.ndjson", 200, auth);
  EXPECT_EQ(outcome(sent, "token-on-files"), kPass);
  JournalBuilder leaked;
  leaked.kickoff(0, kick)
      .manifest(100, {"/fhir/f/1.ndjson"}, false)
      .file(200, "/fhir/f/1.ndjson", 200, auth);
  EXPECT_EQ(outcome(leaked, "no-token-on-capability-urls"), kFail);  // 2.0.0 too: policy
  EXPECT_EQ(outcome(leaked, "no-token-on-capability-urls",
                    settings("success", protocol::IgVersion::kV3_0_0)),
            kFail);
}

TEST(JudgeRules, TokenNeverFollowsARedirectToAnotherHost) {
  const Headers auth = {{"Authorization", "Bearer t1"}};
  JournalBuilder b;
  b.kickoff(0).manifest(100, {"/fhir/f/1.ndjson"}, true);
  b.file(200, "/fhir/f/1.ndjson", 307, auth, {{"Location", "http://127.0.0.2:8080/store/1"}});
  b.add(300, "GET", "other", "/store/1", 200, {{"Host", "127.0.0.2:8080"}, auth.front()});
  EXPECT_EQ(outcome(b, "no-token-to-redirect-host"), kFail);
}

TEST(JudgeRules, FreshTokenAfter401) {
  JournalBuilder same;
  same.kickoff(0).poll(100, 401, {}, nullptr, {{"Authorization", "Bearer old"}});
  same.poll(1200, 202, {}, nullptr, {{"Authorization", "Bearer old"}});
  EXPECT_EQ(outcome(same, "fresh-token-after-401"), kFail);
  JournalBuilder fresh;
  fresh.kickoff(0).poll(100, 401, {}, nullptr, {{"Authorization", "Bearer old"}});
  fresh.poll(1200, 202, {}, nullptr, {{"Authorization", "Bearer new"}});
  EXPECT_EQ(outcome(fresh, "fresh-token-after-401"), kPass);
}

TEST(JudgeVerdict, DroppedEntriesMakeItInconclusiveAndFailuresWin) {
  auto v = judge_journal(clean().json(/*dropped=*/3), settings());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->result(), "inconclusive");
  JournalBuilder bad = clean();
  bad.poll(4700, 200);
  auto f = judge_journal(bad.json(3), settings());
  EXPECT_EQ(f->result(), "fail");
}

TEST(JudgeVerdict, SameJournalSameVerdictBytes) {
  const auto a = to_json(verdict_of(clean())).dump();
  const auto b = to_json(verdict_of(clean())).dump();
  EXPECT_EQ(a, b);
}

TEST(JudgeVerdict, UnconfirmedIdsAreListed) {
  JudgeSettings s = settings();
  s.expected_ids = {"ST-04", "AUTH-08", "MF-04"};
  const Verdict v = verdict_of(clean(), s);
  EXPECT_EQ(v.unconfirmed, (std::vector<std::string>{"AUTH-08", "MF-04"}));
}

TEST(JudgeSession, MalformedJournalIsAnErrorNamingThePath) {
  auto bad = judge_journal({{"entries", {{{"seq", 1}}}}}, settings());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("/entries/0"), std::string::npos) << bad.error().message();
  EXPECT_FALSE(judge_journal(nlohmann::json::array(), settings()).ok());
}

}  // namespace
}  // namespace bh::judge::testing
