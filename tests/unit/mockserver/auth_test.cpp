// The mock's SMART Backend Services (auth/token_service behind mockserver/auth_gate): the token
// endpoint's every check, the bearer checks, client registration, and each auth fault kind, on
// the virtual timeline with real keys and signatures.
#include <gtest/gtest.h>

#include "auth/jwks.hpp"
#include "auth/signing_key.hpp"
#include "protocol/url.hpp"
#include "scenario_fixture.hpp"

namespace bh::mockserver {
namespace {

using Json = nlohmann::ordered_json;
using testing::MockTest;

constexpr const char* kTokenUrl = "http://127.0.0.1:9999/auth/token";

Json auth_scenario(Json rules = Json::array(), Json auth = Json::object()) {
  Json s = testing::scenario_json(std::move(rules));
  s["auth"] = std::move(auth);
  return s;
}

struct AuthTest {
  explicit AuthTest(Json scenario = auth_scenario(), auth::Alg alg = auth::Alg::kES384)
      : key(*auth::SigningKey::generate(alg, "k1")), t(scenario) {
    register_client("c1", key);
  }

  void register_client(const std::string& id, const auth::SigningKey& k,
                       Json scopes = Json::array()) {
    Json body = {{"client_id", id}, {"jwks", auth::Jwks::of({k}).to_json()}};
    if (!scopes.empty()) body["scopes"] = scopes;
    auto r = t.admin("POST", "clients", body.dump());
    EXPECT_EQ(r.status, 200) << r.body;
  }

  Json claims(std::int64_t exp_in = 240, const std::string& jti = "") {
    const auto now = std::chrono::floor<std::chrono::seconds>(t.clock.now()).time_since_epoch();
    return {{"iss", "c1"},
            {"sub", "c1"},
            {"aud", kTokenUrl},
            {"exp", now.count() + exp_in},
            {"jti", jti.empty() ? "jti-" + std::to_string(++jtis) : jti}};
  }
  std::string assertion(const Json& c) { return *key.sign(nlohmann::json::parse(c.dump())); }

  protocol::Response post_token(const protocol::QueryParams& form) {
    auto r = testing::get("/auth/token");
    r.method = "POST";
    r.headers.set("Content-Type", "application/x-www-form-urlencoded");
    r.body = protocol::build_query(form);
    return t.send(r);
  }
  protocol::QueryParams form(const std::string& jwt, const std::string& scope = "system/*.read") {
    return {{"grant_type", "client_credentials"},
            {"scope", scope},
            {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
            {"client_assertion", jwt}};
  }
  std::string token(const std::string& scope = "system/*.read") {
    auto r = post_token(form(assertion(claims()), scope));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body).value("access_token", "");
  }
  protocol::Headers bearer(const std::string& tok) {
    protocol::Headers h = testing::kickoff_headers();
    h.set("Authorization", "Bearer " + tok);
    return h;
  }
  static std::string error_of(const protocol::Response& r) {
    auto j = Json::parse(r.body, nullptr, false);
    return j.is_object() ? j.value("error", "") : "";
  }

  auth::SigningKey key;
  MockTest t;
  int jtis = 0;
};

TEST(MockAuth, DiscoveryNamesTheTokenEndpointAndMetadataStaysOpen) {
  AuthTest a;
  auto d = testing::seen(a.t.get("/fhir/.well-known/smart-configuration"));
  ASSERT_EQ(d.status, 200);
  auto doc = Json::parse(d.body);
  EXPECT_EQ(doc["token_endpoint"], kTokenUrl);
  EXPECT_EQ(doc["token_endpoint_auth_signing_alg_values_supported"], Json({"RS384", "ES384"}));
  EXPECT_EQ(a.t.get("/fhir/metadata").status, 200);
}

TEST(MockAuth, ATokenForAGoodAssertionOfEitherAlgorithm) {
  for (auto alg : {auth::Alg::kES384, auth::Alg::kRS384}) {
    AuthTest a(auth_scenario(), alg);
    auto r = a.post_token(a.form(a.assertion(a.claims())));
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = Json::parse(r.body);
    EXPECT_EQ(j["token_type"], "bearer");
    EXPECT_EQ(j["expires_in"], 300);
    EXPECT_EQ(j["scope"], "system/*.read");
    EXPECT_EQ(r.headers.get("Cache-Control").value_or(""), "no-store");
    const auto& e = a.t.server.journal().entries().back();
    EXPECT_TRUE(e.auth.token_request);
    EXPECT_EQ(e.auth.decision.alg, std::string(auth::to_string(alg)));
    EXPECT_EQ(e.auth.decision.error, "");
  }
}

TEST(MockAuth, EveryBrokenTokenRequestIsRefusedWithItsReason) {
  AuthTest a;
  auth::SigningKey stranger = *auth::SigningKey::generate(auth::Alg::kES384, "k1");
  auto with = [&](const char* field, Json value) {
    Json c = a.claims();
    c[field] = std::move(value);
    return a.assertion(c);
  };
  struct Case {
    std::string name;
    protocol::QueryParams form;
    int status;
    std::string error;
    std::string says;
  };
  const std::string good = a.assertion(a.claims());
  auto f = a.form(good);
  auto grant = f;
  grant[0].second = "authorization_code";
  auto type = f;
  type[2].second = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer";
  std::string tampered = good;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  Json c = a.claims();
  const std::string signed_by_stranger = *stranger.sign(nlohmann::json::parse(c.dump()));
  std::vector<Case> cases = {
      {"grant type", grant, 400, "unsupported_grant_type", "client_credentials"},
      {"assertion type", type, 401, "invalid_client", "client_assertion_type"},
      {"tampered signature", a.form(tampered), 401, "invalid_client", "signature"},
      {"another key, same kid", a.form(signed_by_stranger), 401, "invalid_client", "signature"},
      {"expired", a.form(with("exp", a.claims()["exp"].get<std::int64_t>() - 600)), 401,
       "invalid_client", "expired"},
      {"exp too far", a.form(with("exp", a.claims()["exp"].get<std::int64_t>() + 600)), 401,
       "invalid_client", "at most 5 minutes"},
      {"unknown client", a.form(with("iss", "nobody")), 401, "invalid_client", "registered"},
      {"sub differs", a.form(with("sub", "other")), 401, "invalid_client", "sub must equal"},
      {"wrong aud", a.form(with("aud", "https://elsewhere/token")), 401, "invalid_client", "aud"},
      {"not a JWT", a.form("abc"), 401, "invalid_client", "client_assertion"},
      {"no scope granted", a.form(a.assertion(a.claims()), "user/*.read"), 400, "invalid_scope",
       "may be granted"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    auto r = a.post_token(k.form);
    EXPECT_EQ(r.status, k.status) << r.body;
    EXPECT_EQ(AuthTest::error_of(r), k.error) << r.body;
    EXPECT_NE(r.body.find(k.says), std::string::npos) << r.body;
  }
}

TEST(MockAuth, AJtiIsNeverAcceptedTwice) {
  AuthTest a;
  const auto f = a.form(a.assertion(a.claims(240, "once")));
  EXPECT_EQ(a.post_token(f).status, 200);
  auto again = a.post_token(f);
  EXPECT_EQ(again.status, 401);
  EXPECT_NE(again.body.find("jti was already used"), std::string::npos);
}

TEST(MockAuth, BearerChecksOnEveryProtectedEndpoint) {
  AuthTest a;
  auto none = a.t.get("/fhir/$export", testing::kickoff_headers());
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.headers.get("WWW-Authenticate").value_or(""), "Bearer realm=\"bulkharness\"");
  auto bogus = a.t.get("/fhir/$export", a.bearer("bh9.0000"));
  EXPECT_EQ(bogus.status, 401);
  EXPECT_NE(bogus.headers.get("WWW-Authenticate")->find("invalid_token"), std::string::npos);
  const std::string tok = a.token();
  auto k = a.t.get("/fhir/$export", a.bearer(tok));
  ASSERT_EQ(k.status, 202);
  const std::string status = testing::path_of(*k.headers.get("Content-Location"));
  EXPECT_EQ(a.t.get(status).status, 401) << "status without a token (ST-14)";
  a.t.clock.advance(seconds(61));
  auto m = testing::seen(a.t.get(status, a.bearer(tok)));
  ASSERT_EQ(m.status, 200);
  auto manifest = Json::parse(m.body);
  EXPECT_EQ(manifest["requiresAccessToken"], true);
  const std::string file = testing::path_of(manifest["output"][0]["url"].get<std::string>());
  EXPECT_EQ(a.t.get(file).status, 401) << "DL-05";
  EXPECT_EQ(a.t.get(file, a.bearer(tok)).status, 200);
  a.t.clock.advance(seconds(300));  // the token's life is over
  auto expired = a.t.get(file, a.bearer(tok));
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(a.t.server.journal().entries().back().auth.bearer.error.find("expired"),
            std::string::npos);
}

TEST(MockAuth, ScopesMustCoverTheRequestedTypes) {
  AuthTest a;
  a.register_client("c1", a.key, Json{"system/Patient.read"});
  const std::string tok = a.token("system/Patient.read");
  EXPECT_EQ(a.t.get("/fhir/$export?_type=Patient", a.bearer(tok)).status, 202);
  auto other = a.t.get("/fhir/$export?_type=Patient,Observation", a.bearer(tok));
  EXPECT_EQ(other.status, 403);
  EXPECT_NE(other.body.find("Observation"), std::string::npos);
  EXPECT_EQ(a.t.get("/fhir/$export", a.bearer(tok)).status, 403) << "all types need system/*";
}

TEST(MockAuth, RegistrationErrorsAreNamed) {
  AuthTest a;
  auto r = a.t.admin("POST", "clients", R"({"client_id": "x"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("exactly one of jwks"), std::string::npos);
  r = a.t.admin("POST", "clients", R"({"client_id": "x", "jwks": {"keys": []}})");
  EXPECT_EQ(r.status, 400);
  MockTest plain(testing::scenario_json(Json::array()));
  EXPECT_EQ(plain.admin("GET", "clients").status, 409);
}

Json rule(const std::string& kind, const std::string& endpoint, Json schedule = {{"nth", 1}}) {
  return Json::array({{{"id", "r"},
                       {"match", {{"endpoint", endpoint}}},
                       {"schedule", schedule},
                       {"fault", {{"kind", kind}}}}});
}

TEST(MockAuthFaults, TokenEndpointRefusals) {
  AuthTest client(auth_scenario(rule("token-invalid-client", "token")));
  auto r = client.post_token(client.form(client.assertion(client.claims())));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(AuthTest::error_of(r), "invalid_client");
  AuthTest scope(auth_scenario(rule("token-invalid-scope", "token")));
  r = scope.post_token(scope.form(scope.assertion(scope.claims())));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(AuthTest::error_of(r), "invalid_scope");
}

TEST(MockAuthFaults, JtiReplayAccepted) {
  AuthTest a(auth_scenario(rule("token-jti-replay-accepted", "token", {{"every", 1}})));
  const auto f = a.form(a.assertion(a.claims(240, "twice")));
  EXPECT_EQ(a.post_token(f).status, 200);
  EXPECT_EQ(a.post_token(f).status, 200) << "the defect: a replay gets a token";
}

TEST(MockAuthFaults, TokenExpiredEarlyRevokesThePresentedToken) {
  AuthTest a(auth_scenario(rule("token-expired-early", "kickoff")));
  const std::string tok = a.token();
  EXPECT_EQ(a.t.get("/fhir/$export", a.bearer(tok)).status, 401);
  EXPECT_EQ(a.t.get("/fhir/$export", a.bearer(tok)).status, 401) << "revoked stays revoked";
  EXPECT_EQ(a.t.get("/fhir/$export", a.bearer(a.token())).status, 202);
}

TEST(MockAuthFaults, AuthNotEnforcedServesWithoutAToken) {
  AuthTest a(auth_scenario(rule("auth-not-enforced", "kickoff")));
  EXPECT_EQ(a.t.get("/fhir/$export", testing::kickoff_headers()).status, 202);
  EXPECT_EQ(a.t.get("/fhir/$export", testing::kickoff_headers()).status, 401);
}

TEST(MockAuthFaults, FileForbiddenAndCapabilityUrls) {
  AuthTest a(auth_scenario(rule("file-forbidden", "file")));
  const std::string tok = a.token();
  auto k = a.t.get("/fhir/$export", a.bearer(tok));
  const std::string status = testing::path_of(*k.headers.get("Content-Location"));
  a.t.clock.advance(seconds(61));
  auto manifest = Json::parse(testing::seen(a.t.get(status, a.bearer(tok))).body);
  const std::string file = testing::path_of(manifest["output"][0]["url"].get<std::string>());
  EXPECT_EQ(a.t.get(file, a.bearer(tok)).status, 403);
  EXPECT_EQ(a.t.get(file, a.bearer(tok)).status, 200);

  AuthTest c(auth_scenario(rule("capability-urls", "status", {{"every", 1}})));
  const std::string tok2 = c.token();
  k = c.t.get("/fhir/$export", c.bearer(tok2));
  const std::string status2 = testing::path_of(*k.headers.get("Content-Location"));
  c.t.clock.advance(seconds(61));
  manifest = Json::parse(testing::seen(c.t.get(status2, c.bearer(tok2))).body);
  EXPECT_EQ(manifest["requiresAccessToken"], false);
  const std::string file2 = testing::path_of(manifest["output"][0]["url"].get<std::string>());
  EXPECT_EQ(c.t.get(file2).status, 200) << "capability URL: no token needed";
}

TEST(MockAuthFaults, AuthKindsDeclineWithoutSmart) {
  MockTest plain(testing::scenario_json(rule("file-forbidden", "file")));
  const std::string status = plain.kickoff();
  plain.clock.advance(seconds(61));
  auto manifest = Json::parse(testing::seen(plain.get(status)).body);
  const std::string file = testing::path_of(manifest["output"][0]["url"].get<std::string>());
  EXPECT_EQ(plain.get(file).status, 200);
  EXPECT_TRUE(plain.server.journal().entries().back().faults.empty());
}

TEST(MockAuthFaults, ATokenRuleNeedsAnAuthBlock) {
  auto s = parse_scenario(testing::scenario_json(rule("token-invalid-client", "token")), "t.json");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("\"auth\" block"), std::string::npos);
}

}  // namespace
}  // namespace bh::mockserver
