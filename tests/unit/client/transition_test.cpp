// Transition counting (requirements §2.2, client/transition.hpp): scripted exchanges and the
// exact T01-T41 counts each must produce, the info table, and the coverage rule that every
// transition the client can take against IG 2.0.0 is taken by some case here while every other
// one carries a reason.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "client/transition.hpp"
#include "client_test_support.hpp"
#include "protocol/http_date.hpp"

namespace bh::client::testing {
namespace {

using T = Transition;
using Expected = std::map<Transition, std::uint32_t>;

const std::string kF1 = "http://srv/files/p1.ndjson";
const std::string kF2 = "http://srv/files/o1.ndjson";

struct Ran {
  TransitionCounts counts{};
  OutcomeKind kind = OutcomeKind::kSuccess;
};

Ran run(ScriptedServer& server, const ClientOptions& o, DriveOptions d = {}) {
  MemorySink sink;
  ExportClient c(o, sink);
  auto r = drive(c, std::ref(server), std::move(d));
  EXPECT_TRUE(r.finished);
  return {c.transitions(), r.outcome.kind};
}

ScriptedServer two_files(int polls_before_done) {
  ScriptedServer s;
  s.manifest = manifest_json({{"Patient", kF1, 3}, {"Observation", kF2, 2}});
  s.files = {{kF1, ndjson("Patient", 3)}, {kF2, ndjson("Observation", 2)}};
  s.polls_before_done = polls_before_done;
  return s;
}

// An empty manifest after `script` has had its say on poll n (nullopt: the manifest).
Ran run_polls(std::function<std::optional<Reply>(int)> script, ClientOptions o = base_options()) {
  ScriptedServer s;
  s.manifest = manifest_json({});
  s.polls_before_done = 0;
  s.status_hook = [&](const Send&, Instant) { return script(s.polls); };
  return run(s, o);
}

Ran run_kickoff(Reply first, ClientOptions o = base_options()) {
  ScriptedServer s;
  s.manifest = manifest_json({});
  s.polls_before_done = 0;
  int kicks = 0;
  s.kickoff_hook = [&](const Send&, Instant) -> std::optional<Reply> {
    if (kicks++ == 0) return first;
    return std::nullopt;
  };
  return run(s, o);
}

ScriptedServer endless_job() {
  ScriptedServer s;
  s.manifest = manifest_json({});
  s.status_hook = [](const Send&, Instant) -> std::optional<Reply> {
    return reply(202, {{"Retry-After", "10"}});
  };
  return s;
}

Ran run_until_deadline(int delete_status) {
  ScriptedServer s = endless_job();
  s.delete_hook = [=](const Send&, Instant) { return std::optional(reply(delete_status)); };
  auto o = base_options();
  o.deadline = kVirtualEpoch + seconds(25);  // first poll within ~1 s, then every 10 s
  return run(s, o);
}

// One file whose link has expired when the manifest arrives. A V3+ refresh (the second status
// request) is answered with `refresh_status`; a 200 there renews the link for an hour.
Ran run_expired(protocol::IgVersion v, int refresh_status) {
  ScriptedServer s;
  s.manifest = manifest_json({{"Patient", kF1, 3}});
  s.files = {{kF1, ndjson("Patient", 3)}};
  s.polls_before_done = 0;
  Instant expires{};
  s.status_hook = [&](const Send&, Instant now) -> std::optional<Reply> {
    const int status = s.polls == 1 ? 200 : refresh_status;
    Reply r = status == 200 ? reply(200, {{"Content-Type", "application/json"}}, s.manifest)
                            : reply(status);
    if (r.status != 200) return r;
    expires = s.polls == 1 ? now - seconds(10) : now + seconds(3600);
    r.headers.add("Expires", protocol::format_http_date(expires));
    return r;
  };
  s.file_hook = [&](const Send&, Instant now) -> std::optional<Reply> {
    if (now >= expires) return reply(410);
    return std::nullopt;
  };
  auto o = base_options();
  o.ig_version = v;
  return run(s, o);
}

// Cancels once, before the step after the request that makes `ready` true (a second cancel
// would skip the DELETE).
DriveOptions cancel_once(std::function<bool(const std::vector<SentRequest>&)> ready) {
  DriveOptions d;
  d.before_step = [ready, done = false](ExportClient& c, Instant now,
                                        const std::vector<SentRequest>& sent) mutable {
    if (done || !ready(sent)) return;
    done = true;
    c.cancel(now);
  };
  return d;
}

Reply transient_outcome() {
  return reply(503, {{"Content-Type", "application/fhir+json"}},
               outcome_json("error", "transient", "busy"));
}

struct Case {
  std::string name;
  std::function<Ran()> run;
  OutcomeKind kind;
  Expected expected;  // every transition not listed must stay 0
  protocol::IgVersion version = protocol::IgVersion::kV2_0_0;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

Expected plus(Expected e, std::initializer_list<T> once) {
  for (T t : once)
    e[t] += 1;
  return e;
}

// A kick-off accepted at once: T02 T05.
Expected with_start(Expected e) {
  return plus(std::move(e), {T::kT02, T::kT05});
}

// ... then a valid manifest: T20 T23.
Expected with_manifest(Expected e) {
  return with_start(plus(std::move(e), {T::kT20, T::kT23}));
}

// ... and every file fetched and released: T33 T34 T35.
Expected completed(Expected e) {
  return with_manifest(plus(std::move(e), {T::kT33, T::kT34, T::kT35}));
}

const std::vector<Case>& cases() {
  using V = protocol::IgVersion;
  static const std::vector<Case> all = {
      {"HappyPath",
       [] {
         auto s = two_files(2);
         return run(s, base_options());
       },
       OutcomeKind::kSuccess, completed({{T::kT11, 3}, {T::kT12, 2}, {T::kT24, 2}})},
      {"NoReleaseMeansNoDelete",
       [] {
         auto s = two_files(0);
         auto o = base_options();
         o.release_after_download = false;
         return run(s, o);
       },
       OutcomeKind::kSuccess, with_manifest({{T::kT11, 1}, {T::kT24, 2}, {T::kT33, 1}})},
      {"KickoffThrottled",
       [] {
         return run_kickoff(reply(429, {{"Retry-After", "5"}}));
       },
       OutcomeKind::kSuccess, completed({{T::kT07, 1}, {T::kT08, 1}, {T::kT11, 1}})},
      {"KickoffNetworkErrorsExhaustBudget",
       [] {
         ScriptedServer s;
         s.kickoff_hook = [](const Send&, Instant) { return std::optional(transport_failure()); };
         auto o = base_options();
         o.max_consecutive_failures = 3;
         return run(s, o);
       },
       OutcomeKind::kTransportError,
       {{T::kT02, 1}, {T::kT07, 3}, {T::kT08, 2}}},
      {"KickoffWithoutContentLocation",
       [] { return run_kickoff(reply(202)); },
       OutcomeKind::kRejected,
       {{T::kT02, 1}, {T::kT06, 1}}},
      {"KickoffRefusedWithOutcome",
       [] {
         return run_kickoff(reply(400, {{"Content-Type", "application/fhir+json"}},
                                  outcome_json("error", "not-supported", "no _typeFilter")));
       },
       OutcomeKind::kRejected,
       {{T::kT02, 1}, {T::kT09, 1}}},
      {"PollThrottled",
       [] {
         return run_polls([](int n) -> std::optional<Reply> {
           if (n == 1) return reply(429, {{"Retry-After", "1"}});
           return std::nullopt;
         });
       },
       OutcomeKind::kSuccess, completed({{T::kT11, 2}, {T::kT14, 1}})},
      {"PollTransientThenDone",
       [] {
         return run_polls([](int n) -> std::optional<Reply> {
           if (n == 1) return transient_outcome();
           if (n == 2) return reply(500);  // no body
           if (n == 3) return transport_failure();
           return std::nullopt;
         });
       },
       OutcomeKind::kSuccess, completed({{T::kT11, 4}, {T::kT16, 3}})},
      {"PollRetriesExhaustedCancelsTheJob",
       [] {
         auto o = base_options();
         o.max_consecutive_failures = 3;
         return run_polls([](int) -> std::optional<Reply> { return reply(503); }, o);
       },
       OutcomeKind::kFailed,
       with_start({{T::kT11, 3}, {T::kT16, 3}, {T::kT17, 1}, {T::kT36, 1}, {T::kT37, 1}})},
      {"PollFatal",
       [] {
         return run_polls([](int) -> std::optional<Reply> {
           return reply(500, {{"Content-Type", "application/fhir+json"}},
                        outcome_json("fatal", "processing", "crashed"));
         });
       },
       OutcomeKind::kFailed, with_start({{T::kT11, 1}, {T::kT19, 1}})},
      {"PollNotFoundIsGone",
       [] { return run_polls([](int) -> std::optional<Reply> { return reply(404); }); },
       OutcomeKind::kGone, with_start({{T::kT11, 1}, {T::kT21, 1}})},
      {"ThrottledThenGone",
       [] {
         return run_polls([](int n) -> std::optional<Reply> {
           return n == 1 ? reply(429, {{"Retry-After", "1"}}) : reply(404);
         });
       },
       OutcomeKind::kGone, with_start({{T::kT11, 2}, {T::kT14, 1}, {T::kT15, 1}, {T::kT21, 1}})},
      {"InvalidManifest",
       [] {
         ScriptedServer s;
         s.polls_before_done = 0;
         s.manifest = R"({"request":"http://srv/fhir/$export","requiresAccessToken":false,)"
                      R"("output":[],"error":[]})";
         return run(s, base_options());
       },
       OutcomeKind::kManifestInvalid, with_start({{T::kT11, 1}, {T::kT20, 1}, {T::kT22, 1}})},
      {"FileServerErrorRetried",
       [] {
         auto s = two_files(0);
         s.file_hook = [&s](const Send& send, Instant) -> std::optional<Reply> {
           if (send.url == kF1 && s.file_hits[kF1] == 1) return reply(503);
           return std::nullopt;
         };
         return run(s, base_options());
       },
       OutcomeKind::kSuccess, completed({{T::kT11, 1}, {T::kT24, 2}, {T::kT26, 1}})},
      {"FileRetriesExhausted",
       [] {
         auto s = two_files(0);
         s.file_hook = [](const Send& send, Instant) -> std::optional<Reply> {
           if (send.url == kF1) return transport_failure();
           return std::nullopt;
         };
         auto o = base_options();
         o.max_consecutive_failures = 2;
         return run(s, o);  // a file never fetched: no T33, no release
       },
       OutcomeKind::kDownloadFailed, with_manifest({{T::kT11, 1}, {T::kT24, 1}, {T::kT26, 2}})},
      {"ExpiredLinkBeforeIg3IsGone", [] { return run_expired(protocol::IgVersion::kV2_0_0, 200); },
       OutcomeKind::kGone, with_manifest({{T::kT11, 1}, {T::kT27, 1}, {T::kT29, 1}})},
      {"ExpiredLinkRefreshedFromIg3", [] { return run_expired(protocol::IgVersion::kV3_0_0, 200); },
       OutcomeKind::kSuccess, completed({{T::kT11, 1}, {T::kT24, 1}, {T::kT27, 1}, {T::kT28, 1}}),
       V::kV3_0_0},
      {"ExpiredLinkRefreshFails", [] { return run_expired(protocol::IgVersion::kV3_0_0, 404); },
       OutcomeKind::kGone, with_manifest({{T::kT11, 1}, {T::kT27, 1}, {T::kT29, 1}}), V::kV3_0_0},
      {"CancelWhilePolling",
       [] {
         ScriptedServer s = endless_job();  // poll 3 is still in flight when cancelled
         return run(s, base_options(), cancel_once([](const std::vector<SentRequest>& sent) {
                      return filter(sent, is_status_get).size() == 3;
                    }));
       },
       OutcomeKind::kCancelled,
       with_start({{T::kT11, 3}, {T::kT12, 2}, {T::kT36, 1}, {T::kT37, 1}})},
      {"CancelDuringKickoffCancelsTheNewJob",
       [] {
         ScriptedServer s = endless_job();
         s.kickoff_hook = [](const Send&, Instant) -> std::optional<Reply> {
           Reply r = reply(202, {{"Content-Location", kStatus}});
           r.latency = seconds(5);
           return r;
         };
         // Cancelled while the kick-off is in flight: its 202 is a job to DELETE.
         return run(s, base_options(), cancel_once([](const std::vector<SentRequest>& sent) {
                      return sent.size() == 1;
                    }));
       },
       OutcomeKind::kCancelled, with_start({{T::kT36, 1}, {T::kT37, 1}})},
      {"DeadlineDeleteAnswered404", [] { return run_until_deadline(404); }, OutcomeKind::kTimedOut,
       with_start({{T::kT11, 3}, {T::kT12, 3}, {T::kT36, 1}, {T::kT39, 1}})},
      {"DeadlineDeleteFailsThrice", [] { return run_until_deadline(503); }, OutcomeKind::kTimedOut,
       with_start({{T::kT11, 3}, {T::kT12, 3}, {T::kT36, 1}, {T::kT38, 3}})},
      {"ReleaseRefused",
       [] {
         auto s = two_files(0);
         s.delete_hook = [](const Send&, Instant) -> std::optional<Reply> {
           return reply(400, {{"Content-Type", "application/fhir+json"}},
                        outcome_json("error", "not-supported", "no DELETE here"));
         };
         return run(s, base_options());
       },
       OutcomeKind::kSuccess,
       with_manifest({{T::kT11, 1}, {T::kT24, 2}, {T::kT33, 1}, {T::kT34, 1}, {T::kT38, 1}})},
  };
  return all;
}

std::string id_of(std::size_t n) {
  return std::string(transition_info(transition(n)).id);
}

class Counts : public ::testing::TestWithParam<Case> {};

TEST_P(Counts, AreExact) {
  const Case& c = GetParam();
  const Ran got = c.run();
  EXPECT_EQ(got.kind, c.kind) << to_string(got.kind);
  EXPECT_EQ(got.counts[0], 0u);
  for (std::size_t n = 1; n <= kTransitionCount; ++n) {
    const auto it = c.expected.find(transition(n));
    const std::uint32_t want = it == c.expected.end() ? 0 : it->second;
    EXPECT_EQ(got.counts[n], want) << id_of(n);
    // A transition the client cannot take must never be counted.
    if (got.counts[n] > 0) {
      EXPECT_FALSE(unreachable_reason(transition(n), c.version)) << id_of(n);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Scripted, Counts, ::testing::ValuesIn(cases()),
                         [](const auto& p) { return p.param.name; });

TEST(Transitions, EveryRowHasItsIdAndFields) {
  std::set<std::string_view> ids;
  for (std::size_t n = 1; n <= kTransitionCount; ++n) {
    const TransitionInfo& info = transition_info(transition(n));
    char want[4];
    std::snprintf(want, sizeof want, "T%02zu", n);
    EXPECT_EQ(info.id, want);
    EXPECT_FALSE(info.from.empty()) << want;
    EXPECT_FALSE(info.to.empty()) << want;
    EXPECT_FALSE(info.summary.empty()) << want;
    ids.insert(info.id);
  }
  EXPECT_EQ(ids.size(), kTransitionCount);
  EXPECT_EQ(number(Transition::kT41), 41u);
  EXPECT_EQ(transition_info(Transition::kT27).from, "S13");
  EXPECT_EQ(transition_info(Transition::kT05).requirements,
            (std::vector<std::string_view>{"KO-11", "KO-10"}));
}

// The list of what this file covers is the union of the cases' expectations, which the Counts
// tests assert exactly; so it cannot claim a transition no case takes.
std::set<Transition> covered(protocol::IgVersion v) {
  std::set<Transition> out;
  for (const auto& c : cases())
    if (c.version == v)
      for (const auto& [t, n] : c.expected)
        if (n > 0) out.insert(t);
  return out;
}

// The SMART rows need a token endpoint this script does not have: auth_test.cpp takes each of
// them against the mock's real token service and asserts its count.
const std::set<Transition> kTakenInAuthTest = {T::kT01, T::kT03, T::kT04,
                                               T::kT10, T::kT18, T::kT25};

TEST(Transitions, ReachableForIg2MeansCoveredHere) {
  const auto v = protocol::IgVersion::kV2_0_0;
  auto seen = covered(v);
  seen.insert(kTakenInAuthTest.begin(), kTakenInAuthTest.end());
  std::string unreachable;
  for (std::size_t n = 1; n <= kTransitionCount; ++n) {
    const auto reason = unreachable_reason(transition(n), v);
    if (reason) {
      EXPECT_FALSE(reason->empty()) << id_of(n);
      unreachable += id_of(n) + " ";
    } else {
      EXPECT_TRUE(seen.count(transition(n))) << id_of(n) << " is reachable but no case takes it";
    }
  }
  // The list the report gives; a change to the client should show up here.
  EXPECT_EQ(unreachable, "T13 T28 T30 T31 T32 T40 T41 ");
}

TEST(Transitions, VersionDependentReasons) {
  using V = protocol::IgVersion;
  EXPECT_TRUE(unreachable_reason(T::kT28, V::kV2_0_0));
  EXPECT_FALSE(unreachable_reason(T::kT28, V::kV3_0_0));
  EXPECT_FALSE(unreachable_reason(T::kT28, V::kV4_0_0_ballot));
  EXPECT_TRUE(covered(V::kV3_0_0).count(T::kT28));
  for (V v : {V::kV1_0_1, V::kV2_0_0, V::kV3_0_0, V::kV4_0_0_ballot}) {
    for (T t : {T::kT13, T::kT30, T::kT31, T::kT32, T::kT40, T::kT41})
      EXPECT_TRUE(unreachable_reason(t, v)) << number(t);
    EXPECT_FALSE(unreachable_reason(T::kT37, v));
  }
  for (T t : {T::kT01, T::kT03, T::kT04, T::kT10, T::kT18, T::kT25})  // SMART: reachable
    EXPECT_FALSE(unreachable_reason(t, V::kV2_0_0)) << number(t);
  EXPECT_NE(unreachable_reason(T::kT30, V::kV3_0_0)->find("not implemented"),
            std::string_view::npos);
}

}  // namespace
}  // namespace bh::client::testing
