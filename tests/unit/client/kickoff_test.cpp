// Kick-off: request shape (KO-02..KO-07, KO-11) and S2/S3 transitions T05-T09.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "client_test_support.hpp"
#include "protocol/fhir_instant.hpp"

namespace bh::client::testing {
namespace {

Send first_send(ClientOptions o) {
  MemorySink sink;
  ExportClient c(std::move(o), sink);
  auto a = c.next_action(kVirtualEpoch);
  EXPECT_TRUE(std::holds_alternative<Send>(a));
  return std::get<Send>(a);
}

TEST(Kickoff, SystemGetCarriesAcceptPreferAndQuery) {
  auto o = base_options();
  o.types = {"Patient", "Observation"};
  o.since = protocol::parse_fhir_instant("2025-06-01T12:00:00Z").value();
  const Send s = first_send(o);
  EXPECT_EQ(s.req.method, "GET");
  EXPECT_EQ(s.req.headers.get("Accept").value_or(""), "application/fhir+json");
  EXPECT_EQ(s.req.headers.get("Prefer").value_or(""), "respond-async");
  EXPECT_FALSE(s.req.headers.has("Authorization"));
  EXPECT_FALSE(s.req.headers.has("Accept-Encoding"));
  EXPECT_EQ(s.req.target,
            "/fhir/$export?_since=2025-06-01T12%3A00%3A00.000Z&_type=Patient%2CObservation");
  EXPECT_EQ(
      s.url,
      "http://srv/fhir/$export?_since=2025-06-01T12%3A00%3A00.000Z&_type=Patient%2CObservation");
  EXPECT_TRUE(s.req.body.empty());
}

TEST(Kickoff, PatientAndGroupPaths) {
  auto o = base_options();
  o.level = protocol::ExportLevel::kPatient;
  EXPECT_EQ(first_send(o).req.target, "/fhir/Patient/$export");
  o.level = protocol::ExportLevel::kGroup;
  o.group_id = "payer-7";
  o.base_url = "http://srv/fhir/";  // a trailing slash must not double up
  EXPECT_EQ(first_send(o).req.target, "/fhir/Group/payer-7/$export");
}

TEST(Kickoff, PostSendsParametersBody) {
  auto o = base_options();
  o.use_post = true;
  o.types = {"Patient", "Coverage"};
  o.bearer_token = "tok";
  const Send s = first_send(o);
  EXPECT_EQ(s.req.method, "POST");
  EXPECT_EQ(s.req.target, "/fhir/$export");
  EXPECT_EQ(s.req.headers.get("Content-Type").value_or(""), "application/fhir+json");
  EXPECT_EQ(s.req.headers.get("Prefer").value_or(""), "respond-async");
  EXPECT_EQ(s.req.headers.get("Authorization").value_or(""), "Bearer tok");
  const auto body = nlohmann::json::parse(s.req.body);
  EXPECT_EQ(body["resourceType"], "Parameters");
  ASSERT_EQ(body["parameter"].size(), 1u);
  EXPECT_EQ(body["parameter"][0]["name"], "_type");
  EXPECT_EQ(body["parameter"][0]["valueString"], "Patient,Coverage");
}

TEST(Kickoff, PostInIg4RepeatsTypeEntries) {
  auto o = base_options();
  o.use_post = true;
  o.ig_version = protocol::IgVersion::kV4_0_0_ballot;
  o.types = {"Patient", "Coverage"};
  const auto body = nlohmann::json::parse(first_send(o).req.body);
  ASSERT_EQ(body["parameter"].size(), 2u);  // KO-15: never comma-joined in V4
  EXPECT_EQ(body["parameter"][1]["valueString"], "Coverage");
}

RunResult run_with_kickoff(Reply first, std::optional<Reply> then = std::nullopt) {
  MemorySink sink;
  ScriptedServer server;
  server.manifest = manifest_json({});
  int kicks = 0;
  server.kickoff_hook = [&](const Send&, Instant) -> std::optional<Reply> {
    if (kicks++ == 0) return first;
    return then;
  };
  ExportClient c(base_options(), sink);
  return drive(c, std::ref(server));
}

TEST(Kickoff, MissingContentLocationIsRejected) {
  auto r = run_with_kickoff(reply(202));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kRejected);
  EXPECT_NE(r.outcome.message.find("Content-Location header missing"), std::string::npos);
  EXPECT_EQ(r.sent.size(), 1u);
}

TEST(Kickoff, RelativeContentLocationIsRejectedNamingIt) {
  auto r = run_with_kickoff(reply(202, {{"Content-Location", "/status/1"}}));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kRejected);
  EXPECT_NE(r.outcome.message.find("\"/status/1\""), std::string::npos) << r.outcome.message;
  EXPECT_NE(r.outcome.message.find("KO-11"), std::string::npos);
  EXPECT_EQ(exit_code(r.outcome.kind), 3);
}

TEST(Kickoff, TwoContentLocationsAreRejected) {
  auto r = run_with_kickoff(reply(202, {{"Content-Location", "http://fhir.test/status/1"},
                                        {"Content-Location", "http://fhir.test/status/2"}}));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kRejected);
  EXPECT_NE(r.outcome.message.find("more than one Content-Location"), std::string::npos)
      << r.outcome.message;
  EXPECT_EQ(r.sent.size(), 1u);
}

TEST(Kickoff, SynchronousOkIsRejected) {
  auto r = run_with_kickoff(reply(200, {{"Content-Type", "application/fhir+json"}}, "{}"));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kRejected);
  EXPECT_NE(r.outcome.message.find("synchronously"), std::string::npos);
}

TEST(Kickoff, FatalOperationOutcomeIsRejectedWithDiagnostics) {
  auto r = run_with_kickoff(
      reply(400, {{"Content-Type", "application/fhir+json"}},
            outcome_json("error", "not-supported", "type Medication is not exported")));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kRejected);
  EXPECT_NE(r.outcome.message.find("type Medication is not exported"), std::string::npos);
  EXPECT_NE(r.outcome.message.find("400"), std::string::npos);
  EXPECT_EQ(r.sent.size(), 1u);  // never retried
}

TEST(Kickoff, ThrottledKickoffWaitsRetryAfterThenProceeds) {
  auto r = run_with_kickoff(reply(429, {{"Retry-After", "5"}}));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kSuccess);
  auto kicks = filter(r.sent, is_kickoff);
  ASSERT_EQ(kicks.size(), 2u);
  EXPECT_GE(kicks[1].at - kicks[0].at, seconds(5));
}

TEST(Kickoff, TransientServerErrorIsRetried) {
  auto r = run_with_kickoff(reply(503, {{"Content-Type", "application/fhir+json"}},
                                  outcome_json("error", "transient", "warming up")));
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kSuccess);
  EXPECT_EQ(filter(r.sent, is_kickoff).size(), 2u);
}

TEST(Kickoff, NetworkErrorsExhaustBudgetAsTransportError) {
  MemorySink sink;
  auto o = base_options();
  o.max_consecutive_failures = 4;
  ExportClient c(o, sink);
  auto r = drive(c, [](const Send&, Instant) { return transport_failure(); });
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kTransportError);
  EXPECT_EQ(exit_code(r.outcome.kind), 11);
  EXPECT_EQ(r.sent.size(), 4u);
  for (std::size_t i = 1; i < r.sent.size(); ++i)
    EXPECT_GE(r.sent[i].at - r.sent[i - 1].at, o.min_wait);
}

}  // namespace
}  // namespace bh::client::testing
