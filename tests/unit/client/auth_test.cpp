// The export client's SMART flow against the mock's real token service (auth/token_service):
// real keys, real signatures, on the virtual timeline of the client tests. Covers discovery,
// T01/T03 (a token, then renewal before expiry), T10/T18/T25 (a 401 or a file 403 with a token:
// one new token, one more try), T04 (a refusal is final: Rejected before the kick-off was
// accepted, Failed after), and that the token never goes where it does not belong.
#include <gtest/gtest.h>

#include "auth/jwks.hpp"
#include "auth/signing_key.hpp"
#include "auth/token_service.hpp"
#include "client_test_support.hpp"
#include "protocol/url.hpp"

namespace bh::client::testing {
namespace {

constexpr const char* kTokenUrl = "http://srv/auth/token";
const std::string kP1 = "http://srv/files/p1";

std::shared_ptr<const auth::SigningKey> key(auth::Alg alg) {
  auto k = auth::SigningKey::generate(alg, "test-key");
  EXPECT_TRUE(k.ok());
  return std::make_shared<const auth::SigningKey>(std::move(*k));
}

// A server with SMART in front of a ScriptedServer: the token service decides, the script
// answers what passes.
struct AuthServer {
  explicit AuthServer(std::shared_ptr<const auth::SigningKey> k) : signing(std::move(k)) {
    auth::TokenServiceConfig c;
    c.token_url = kTokenUrl;
    c.token_lifetime = seconds(300);
    c.wire = TimeScale{kVirtualEpoch, 1.0};
    auth::ClientRegistration reg;
    reg.client_id = "c1";
    reg.jwks = auth::Jwks::of({*signing});
    c.clients.push_back(reg);
    tokens.emplace(c, nullptr);
    script.manifest = manifest_json({{"Patient", kP1, 2}}, {}, true);
    script.files = {{kP1,
                     "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n"
                     "{\"resourceType\":\"Patient\",\"id\":\"2\"}\n"}};
    script.polls_before_done = 2;
  }

  Reply operator()(const Send& s, Instant now) {
    protocol::Request req = s.req;
    if (s.url == kTokenUrl) {
      ++token_requests;
      if (token_hook)
        if (auto r = token_hook(now)) return *r;
      auth::TokenDecision d;
      return as_reply(tokens->token(req, now, d));
    }
    if (s.url == std::string("http://srv/fhir/.well-known/smart-configuration"))
      return as_reply(tokens->discovery());
    auth::BearerCheck check;
    if (auto refused = tokens->check_bearer(req, now, {}, check)) {
      ++refusals;
      return as_reply(*refused);
    }
    return script(s, now);
  }

  static Reply as_reply(const protocol::Response& r) {
    Reply out;
    out.status = r.status;
    out.headers = r.headers;
    out.body = r.body;
    return out;
  }

  std::shared_ptr<const auth::SigningKey> signing;
  std::optional<auth::TokenService> tokens;
  ScriptedServer script;
  std::function<std::optional<Reply>(Instant)> token_hook;
  int token_requests = 0;
  int refusals = 0;
};

ClientOptions smart_options(std::shared_ptr<const auth::SigningKey> k) {
  ClientOptions o = base_options();
  o.smart = SmartAuthOptions{"c1", std::move(k), "", "system/*.read"};
  return o;
}

struct AuthJob {
  explicit AuthJob(auth::Alg alg = auth::Alg::kES384) : server(key(alg)) {
    options = smart_options(server.signing);
  }
  RunResult run() {
    ExportClient c(options, sink);
    auto r = drive(c, std::ref(server));
    transitions = c.transitions();
    for (const auto& e : c.events())
      log += e.text + "\n";
    return r;
  }
  AuthServer server;
  ClientOptions options;
  MemorySink sink;
  TransitionCounts transitions{};
  std::string log;
};

std::string auth_of(const Send& s) {
  return std::string(s.req.headers.get("Authorization").value_or(""));
}

TEST(SmartClient, DiscoversSignsAndSendsTheTokenEverywhereItBelongs) {
  for (auto alg : {auth::Alg::kES384, auth::Alg::kRS384}) {
    AuthJob job(alg);
    auto r = job.run();
    ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message << job.log;
    EXPECT_EQ(job.server.token_requests, 1);
    EXPECT_EQ(job.server.refusals, 0);
    ASSERT_GE(r.sent.size(), 3u);
    EXPECT_NE(r.sent[0].send.url.find(".well-known/smart-configuration"), std::string::npos);
    EXPECT_EQ(r.sent[1].send.url, kTokenUrl);
    EXPECT_EQ(auth_of(r.sent[0].send), "");
    EXPECT_EQ(auth_of(r.sent[1].send), "");
    for (std::size_t i = 2; i < r.sent.size(); ++i)
      EXPECT_TRUE(auth_of(r.sent[i].send).starts_with("Bearer bh1.")) << r.sent[i].send.url;
    EXPECT_EQ(job.transitions[number(Transition::kT01)], 1u);
    EXPECT_EQ(job.transitions[number(Transition::kT03)], 1u);
  }
}

TEST(SmartClient, RenewsBeforeExpiryOnALongJob) {
  AuthJob job;
  // Each poll takes a minute (Retry-After), so a 5-minute token must be renewed mid-job.
  job.server.script.polls_before_done = 12;
  job.server.script.status_hook = [&](const Send&, Instant) -> std::optional<Reply> {
    if (job.server.script.polls > 12) return std::nullopt;
    return reply(202, {{"Retry-After", "60"}});
  };
  auto r = job.run();
  ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message << job.log;
  EXPECT_GE(job.server.token_requests, 3);
  EXPECT_EQ(job.server.refusals, 0) << "no request may carry an expired token";
}

TEST(SmartClient, A401WithATokenGetsOneNewTokenAndOneMoreTry) {
  // The first poll's token is revoked as it arrives: the bearer check then refuses it (T18).
  AuthJob job;
  AuthServer& srv = job.server;
  ExportClient c(job.options, job.sink);
  int polls_seen = 0;
  auto responder = [&](const Send& s, Instant now) -> Reply {
    if (is_status_get(s) && ++polls_seen == 1) {
      EXPECT_TRUE(srv.tokens->revoke(auth_of(s).substr(7)));
    }
    return srv(s, now);
  };
  auto r = drive(c, responder);
  ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message;
  EXPECT_EQ(srv.token_requests, 2);
  EXPECT_EQ(srv.refusals, 1);
  EXPECT_EQ(c.transitions()[number(Transition::kT18)], 1u);
}

TEST(SmartClient, AKickoff401WithATokenGetsANewTokenAndKicksOffAgain) {
  AuthJob job;
  AuthServer& srv = job.server;
  ExportClient c(job.options, job.sink);
  int kickoffs = 0;
  auto responder = [&](const Send& s, Instant now) -> Reply {
    if (is_kickoff(s) && ++kickoffs == 1) {
      EXPECT_TRUE(srv.tokens->revoke(auth_of(s).substr(7)));
    }
    return srv(s, now);
  };
  auto r = drive(c, responder);
  ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message;
  EXPECT_EQ(kickoffs, 2);
  EXPECT_EQ(c.transitions()[number(Transition::kT10)], 1u);
}

TEST(SmartClient, RepeatedRefusalsEndTheJobInsteadOfLooping) {
  AuthJob job;
  ExportClient c(job.options, job.sink);
  AuthServer& srv = job.server;
  auto responder = [&](const Send& s, Instant now) -> Reply {
    if (is_status_get(s)) srv.tokens->revoke(auth_of(s).substr(7));
    return srv(s, now);
  };
  auto r = drive(c, responder);
  EXPECT_NE(r.outcome.kind, OutcomeKind::kSuccess);
  EXPECT_LE(srv.token_requests, 3) << "one renewal per refusal streak, not a loop";
}

TEST(SmartClient, AFile403IsRetriedOnceWithANewToken) {
  AuthJob job;
  int file_403s = 0;
  job.server.script.file_hook = [&](const Send&, Instant) -> std::optional<Reply> {
    if (file_403s++ == 0) return reply(403);
    return std::nullopt;
  };
  auto r = job.run();
  ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message << job.log;
  EXPECT_EQ(job.server.token_requests, 2);
  EXPECT_EQ(job.transitions[number(Transition::kT25)], 1u);
}

TEST(SmartClient, AFileForbiddenEveryTimeFailsAfterOneRetry) {
  AuthJob job;
  job.server.script.file_hook = [](const Send&, Instant) -> std::optional<Reply> {
    return reply(403);
  };
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kDownloadFailed) << r.outcome.message;
  EXPECT_EQ(job.server.script.file_hits[kP1], 2);
}

TEST(SmartClient, TokenRefusalBeforeKickoffIsRejectedAfterIsFailed) {
  {
    AuthJob job;
    job.server.token_hook = [](Instant) -> std::optional<Reply> {
      return reply(401, {{"Content-Type", "application/json"}},
                   R"({"error":"invalid_client","error_description":"unknown key"})");
    };
    auto r = job.run();
    EXPECT_EQ(r.outcome.kind, OutcomeKind::kRejected);
    EXPECT_NE(r.outcome.message.find("invalid_client: unknown key"), std::string::npos)
        << r.outcome.message;
    EXPECT_EQ(job.server.token_requests, 1);
    EXPECT_EQ(job.transitions[number(Transition::kT04)], 1u);
    for (const auto& s : r.sent)
      EXPECT_FALSE(is_kickoff(s.send)) << "no kick-off without a token";
  }
  {
    AuthJob job;
    job.server.script.polls_before_done = 12;
    job.server.script.status_hook = [&](const Send&, Instant) -> std::optional<Reply> {
      if (job.server.script.polls > 12) return std::nullopt;
      return reply(202, {{"Retry-After", "60"}});
    };
    job.server.token_hook = [&](Instant) -> std::optional<Reply> {
      if (job.server.token_requests == 1) return std::nullopt;
      return reply(400, {{"Content-Type", "application/json"}}, R"({"error":"invalid_grant"})");
    };
    auto r = job.run();
    EXPECT_EQ(r.outcome.kind, OutcomeKind::kFailed) << r.outcome.message;
    EXPECT_EQ(job.server.token_requests, 2);
  }
}

TEST(SmartClient, TransientTokenEndpointErrorsAreRetried) {
  AuthJob job;
  job.server.token_hook = [&](Instant) -> std::optional<Reply> {
    if (job.server.token_requests <= 2) return reply(503);
    return std::nullopt;
  };
  auto r = job.run();
  ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message;
  EXPECT_EQ(job.server.token_requests, 3);
}

TEST(SmartClient, NoTokenOnCapabilityUrls) {
  AuthJob job;
  job.server.script.manifest = manifest_json({{"Patient", kP1, 2}}, {}, false);
  ExportClient c(job.options, job.sink);
  AuthServer& srv = job.server;
  auto responder = [&](const Send& s, Instant now) -> Reply {
    if (s.url == kP1) {
      EXPECT_EQ(auth_of(s), "") << "DL-06: the token stays off capability URLs";
      return srv.script(s, now);
    }
    return srv(s, now);
  };
  auto r = drive(c, responder);
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message;
}

}  // namespace
}  // namespace bh::client::testing
