// Stopping: deadline (S22 -> S17, T36), user cancel (T36, T37, T39), DELETE grace (DEL-01..05).
#include <gtest/gtest.h>

#include "client_test_support.hpp"

namespace bh::client::testing {
namespace {

ScriptedServer endless_job() {
  ScriptedServer s;
  s.manifest = manifest_json({});
  s.polls_before_done = 1000000;
  s.status_hook = [](const Send&, Instant) -> std::optional<Reply> {
    return reply(202, {{"Retry-After", "10"}});
  };
  return s;
}

TEST(Stop, DeadlineDeletesThenTimesOut) {
  MemorySink sink;
  ScriptedServer server = endless_job();
  auto o = base_options();
  o.deadline = kVirtualEpoch + seconds(60);
  ExportClient c(o, sink);
  auto r = drive(c, std::ref(server));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kTimedOut);
  EXPECT_EQ(exit_code(r.outcome.kind), 10);
  auto deletes = filter(r.sent, is_delete);
  ASSERT_EQ(deletes.size(), 1u);
  EXPECT_EQ(deletes[0].send.url, kStatus);
  EXPECT_EQ(deletes[0].at, kVirtualEpoch + seconds(60));  // woken exactly at the deadline
  for (const auto& s : filter(r.sent, is_status_get))
    EXPECT_LT(s.at, *o.deadline);
  EXPECT_NE(r.outcome.message.find("cancelled (DELETE 202)"), std::string::npos);
}

TEST(Stop, DeadlineDuringKickoffRetriesNeedsNoDelete) {
  MemorySink sink;
  auto o = base_options();
  o.deadline = kVirtualEpoch + seconds(20);
  ExportClient c(o, sink);
  auto r = drive(c, [](const Send&, Instant) { return reply(429, {{"Retry-After", "15"}}); });
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kTimedOut);
  EXPECT_EQ(filter(r.sent, is_delete).size(), 0u);
  EXPECT_EQ(r.sent.size(), 2u);  // t=0 and t=15; the next would be after the deadline
  EXPECT_EQ(r.end, kVirtualEpoch + seconds(20));
}

TEST(Stop, HungDeleteIsAbandonedAfterGrace) {
  MemorySink sink;
  ScriptedServer server = endless_job();
  server.delete_hook = [](const Send&, Instant) -> std::optional<Reply> {
    Reply r = reply(202);
    r.latency = seconds(3600);
    return r;
  };
  auto o = base_options();
  o.deadline = kVirtualEpoch + seconds(60);
  o.delete_grace = seconds(30);
  ExportClient c(o, sink);
  auto r = drive(c, std::ref(server));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kTimedOut);
  EXPECT_EQ(r.end, kVirtualEpoch + seconds(90));
  EXPECT_NE(r.outcome.message.find("not answered in time"), std::string::npos);
}

TEST(Stop, CancelWhilePollingDeletesTheJob) {
  MemorySink sink;
  ScriptedServer server = endless_job();
  ExportClient c(base_options(), sink);
  DriveOptions d;
  bool cancelled = false;
  d.before_step = [&](ExportClient& client, Instant now, const std::vector<SentRequest>& sent) {
    if (!cancelled && filter(sent, is_status_get).size() == 3) {
      cancelled = true;
      client.cancel(now);
    }
  };
  auto r = drive(c, std::ref(server), d);
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kCancelled);
  EXPECT_EQ(exit_code(r.outcome.kind), 9);
  EXPECT_EQ(filter(r.sent, is_delete).size(), 1u);
  EXPECT_EQ(filter(r.sent, is_status_get).size(), 3u);
}

TEST(Stop, CancelDuringKickoffWaitsForItAndDeletesTheNewJob) {
  MemorySink sink;
  ScriptedServer server = endless_job();
  server.kickoff_hook = [](const Send&, Instant) -> std::optional<Reply> {
    Reply r = reply(202, {{"Content-Location", kStatus}});
    r.latency = seconds(5);
    return r;
  };
  ExportClient c(base_options(), sink);
  DriveOptions d;
  bool cancelled = false;
  d.before_step = [&](ExportClient& client, Instant now, const std::vector<SentRequest>& sent) {
    if (!cancelled && sent.size() == 1) {
      cancelled = true;
      client.cancel(now);  // the kick-off is still in flight
    }
  };
  auto r = drive(c, std::ref(server), d);
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kCancelled);
  ASSERT_EQ(r.sent.size(), 2u);
  EXPECT_TRUE(is_delete(r.sent[1].send));
  EXPECT_EQ(r.sent[1].at, kVirtualEpoch + seconds(5));
}

TEST(Stop, CancelBeforeAnythingFinishesAtOnce) {
  MemorySink sink;
  ExportClient c(base_options(), sink);
  c.cancel(kVirtualEpoch);
  auto a = c.next_action(kVirtualEpoch);
  ASSERT_TRUE(std::holds_alternative<Done>(a));
  EXPECT_EQ(std::get<Done>(a).outcome.kind, OutcomeKind::kCancelled);
}

TEST(Stop, DeleteAnswered404CountsAsDone) {
  MemorySink sink;
  ScriptedServer server = endless_job();
  server.delete_hook = [](const Send&, Instant) -> std::optional<Reply> { return reply(404); };
  auto o = base_options();
  o.deadline = kVirtualEpoch + seconds(30);
  ExportClient c(o, sink);
  auto r = drive(c, std::ref(server));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kTimedOut);
  EXPECT_EQ(filter(r.sent, is_delete).size(), 1u);
}

TEST(Stop, FailingDeleteIsRetriedAFewTimes) {
  MemorySink sink;
  ScriptedServer server = endless_job();
  server.delete_hook = [](const Send&, Instant) -> std::optional<Reply> { return reply(503); };
  auto o = base_options();
  o.deadline = kVirtualEpoch + seconds(30);
  ExportClient c(o, sink);
  auto r = drive(c, std::ref(server));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kTimedOut);
  EXPECT_EQ(filter(r.sent, is_delete).size(), 3u);
}

TEST(Stop, DoneIsFinal) {
  MemorySink sink;
  ScriptedServer server = endless_job();
  auto o = base_options();
  o.deadline = kVirtualEpoch + seconds(10);
  ExportClient c(o, sink);
  auto r = drive(c, std::ref(server));
  ASSERT_TRUE(r.finished);
  auto again = c.next_action(r.end + seconds(1));
  ASSERT_TRUE(std::holds_alternative<Done>(again));
  EXPECT_EQ(std::get<Done>(again).outcome.kind, r.outcome.kind);
  // Late events for old ids are ignored.
  c.on_response_head(1, 200, {}, r.end);
  EXPECT_FALSE(c.on_body(1, "x"));
  c.on_response_end(1, r.end);
  EXPECT_TRUE(c.finished());
}

}  // namespace
}  // namespace bh::client::testing
