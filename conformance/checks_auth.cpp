// SMART Backend Services and TLS (AUTH-01..AUTH-07, KO-14, ST-14): Inferno's backend-services
// group (discovery, token errors, token answer) and its NOAUTH/TLS tests, plus what it leaves
// out: a replayed jti, the status URL without a token, and TLS on the files and the token
// endpoint as well as the FHIR base.
// Policy (catalogue open point A.1): a request without a token should get 401 with
// WWW-Authenticate; 400 and 403 are refusals too, so they warn; anything that serves data fails.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "conformance/check_def.hpp"

namespace bh::conformance {

namespace {

using V = protocol::IgVersion;

SmartClient* need_smart(Context& ctx, Verdict& v) {
  if (ctx.smart() == nullptr)
    v.skip("no SMART credentials: give --client-id and --private-key (JWK or PEM)");
  return ctx.smart();
}

nlohmann::json json_of(const Exchange& e) {
  return nlohmann::json::parse(e.body, nullptr, false);
}

std::string error_code(const Exchange& e) {
  auto j = json_of(e);
  return j.is_object() && j.contains("error") && j["error"].is_string()
             ? j["error"].get<std::string>()
             : std::string();
}

void discovery(Context& ctx, const std::string&, Verdict& v) {
  SmartClient* smart = ctx.smart();
  if (smart == nullptr && !ctx.auth_in_use())
    return v.skip("the run uses no authorization (give --client-id and --private-key)");
  Outgoing o;
  o.url = ctx.probe().options().base_url + "/.well-known/smart-configuration";
  o.headers.add("Accept", "application/json");
  const Exchange e = smart != nullptr ? smart->discovery() : ctx.probe().fetch_as_is(o);
  v.evidence(e);
  if (!e.ok() || e.response.status != 200)
    return v.violated(describe_answer(e, "the discovery document"));
  if (!media_type(e).starts_with("application/json"))
    return v.violated("Content-Type is " + media_type(e) + ", expected application/json");
  auto j = json_of(e);
  if (!j.is_object()) return v.violated("the body is not a JSON object");
  if (!j.contains("token_endpoint") || !j["token_endpoint"].is_string() ||
      !protocol::is_absolute_url(j["token_endpoint"].get<std::string>()))
    return v.violated("token_endpoint is missing or not an absolute URL");
  auto has = [&](const char* key, const char* value) {
    if (!j.contains(key) || !j[key].is_array()) return false;
    return std::any_of(j[key].begin(), j[key].end(), [&](const auto& x) { return x == value; });
  };
  if (!has("token_endpoint_auth_methods_supported", "private_key_jwt"))
    return v.warn("token_endpoint_auth_methods_supported does not list private_key_jwt");
  if (!has("token_endpoint_auth_signing_alg_values_supported", "RS384") &&
      !has("token_endpoint_auth_signing_alg_values_supported", "ES384"))
    return v.warn("token_endpoint_auth_signing_alg_values_supported lists neither RS384 nor ES384");
  if (!j.contains("scopes_supported")) return v.warn("scopes_supported is missing");
  v.pass("token_endpoint " + j["token_endpoint"].get<std::string>() +
         ", private_key_jwt with RS384/ES384, scopes listed");
}

void token_accepted(Context& ctx, const std::string&, Verdict& v) {
  SmartClient* smart = need_smart(ctx, v);
  if (smart == nullptr) return;
  smart->bearer();
  if (!smart->first_token()) {
    if (smart->last_token_attempt()) v.evidence(*smart->last_token_attempt());
    if (!smart->last_token_attempt()) v.evidence(smart->discovery());
    return v.violated("a correct token request was refused: " + smart->problem());
  }
  v.evidence(*smart->first_token());
  v.pass("a client_credentials request with a signed " +
         std::string(auth::to_string(smart->options().key->alg())) + " assertion got " +
         std::to_string(smart->first_token()->response.status));
}

void token_answer(Context& ctx, const std::string&, Verdict& v) {
  SmartClient* smart = need_smart(ctx, v);
  if (smart == nullptr) return;
  smart->bearer();
  if (!smart->first_token()) return v.skip("no token was issued: " + smart->problem());
  const Exchange& e = *smart->first_token();
  v.evidence(e);
  auto j = json_of(e);
  if (!j.is_object()) return v.violated("the token answer is not a JSON object");
  if (!j.contains("access_token") || !j["access_token"].is_string())
    return v.violated("access_token is missing");
  if (!j.contains("token_type") || !j["token_type"].is_string() ||
      !protocol::iequals(j["token_type"].get<std::string>(), "bearer"))
    return v.violated("token_type is not \"bearer\"");
  if (!j.contains("expires_in") || !j["expires_in"].is_number())
    return v.violated("expires_in is missing or not a number");
  if (!j.contains("scope") || !j["scope"].is_string()) return v.violated("scope is missing");
  if (j["expires_in"].get<double>() > 300)
    return v.warn("expires_in is " + j["expires_in"].dump() + " s; it SHOULD be at most 300");
  if (j.contains("refresh_token")) return v.warn("a refresh_token was issued (SHOULD NOT)");
  v.pass("access_token, token_type bearer, expires_in " + j["expires_in"].dump() + ", scope \"" +
         j["scope"].get<std::string>() + "\"");
}

// A deliberately broken token request must be refused with one of `codes`.
void refused(Context& ctx, Verdict& v, const std::string& what, std::vector<int> codes,
             const std::function<protocol::QueryParams(SmartClient&)>& make) {
  SmartClient* smart = need_smart(ctx, v);
  if (smart == nullptr) return;
  if (smart->token_url().empty()) return v.skip("no token endpoint is known: " + smart->problem());
  const Exchange e = smart->post_token(make(*smart));
  v.evidence(e);
  if (!e.ok()) return v.violated(describe_answer(e, "the token endpoint"));
  const int st = e.response.status;
  if (std::find(codes.begin(), codes.end(), st) == codes.end())
    return v.violated(what + " answered " + std::to_string(st));
  const std::string code = error_code(e);
  if (code.empty())
    return v.warn(what + " got " + std::to_string(st) + " without an RFC 6749 error");
  v.pass(what + " got " + std::to_string(st) + " " + code);
}

protocol::QueryParams with_field(protocol::QueryParams form, const std::string& name,
                                 const std::string& value) {
  for (auto& [k, val] : form)
    if (k == name) val = value;
  return form;
}

void invalid_grant_type(Context& ctx, const std::string&, Verdict& v) {
  refused(ctx, v, "grant_type=authorization_code", {400}, [](SmartClient& s) {
    return with_field(s.token_form(s.assertion()), "grant_type", "authorization_code");
  });
}

void invalid_assertion_type(Context& ctx, const std::string&, Verdict& v) {
  refused(ctx, v, "a wrong client_assertion_type", {400, 401}, [](SmartClient& s) {
    return with_field(s.token_form(s.assertion()), "client_assertion_type",
                      "urn:ietf:params:oauth:client-assertion-type:saml2-bearer");
  });
}

void invalid_jwt(Context& ctx, const std::string&, Verdict& v) {
  refused(ctx, v, "an assertion with a broken signature", {400, 401}, [](SmartClient& s) {
    std::string jwt = s.assertion();
    // Flip a character in the middle of the signature: still base64url, no longer valid.
    const std::size_t at = jwt.rfind('.') + (jwt.size() - jwt.rfind('.')) / 2;
    if (at < jwt.size()) jwt[at] = jwt[at] == 'A' ? 'B' : 'A';
    return s.token_form(jwt);
  });
}

void jti_replay(Context& ctx, const std::string&, Verdict& v) {
  SmartClient* smart = need_smart(ctx, v);
  if (smart == nullptr) return;
  if (smart->token_url().empty()) return v.skip("no token endpoint is known: " + smart->problem());
  const auto form = smart->token_form(smart->assertion());
  const Exchange first = smart->post_token(form);
  v.evidence(first);
  if (first.response.status != 200 && first.response.status != 201)
    return v.skip(describe_answer(first, "the first use of the assertion"));
  const Exchange second = smart->post_token(form);
  v.evidence(second);
  if (second.response.status == 400 || second.response.status == 401)
    return v.pass("the replayed assertion (same jti) was refused with " +
                  std::to_string(second.response.status) + " " + error_code(second));
  v.violated("the same assertion, jti and all, was accepted twice (answered " +
             std::to_string(second.response.status) + ")");
}

// Without a token: 401 (with WWW-Authenticate) passes, 400/403 warn, anything else fails.
void judge_no_token(const Exchange& e, const std::string& what, Verdict& v) {
  v.evidence(e);
  if (!e.ok()) return v.violated(describe_answer(e, what));
  const int st = e.response.status;
  if (st == 401 && !e.header("WWW-Authenticate"))
    return v.warn(what + " without a token got 401 but no WWW-Authenticate (RFC 6750 §3.1)");
  if (st == 401) return v.pass(what + " without a token got 401 with WWW-Authenticate");
  if (st == 400 || st == 403)
    return v.warn(what + " without a token got " + std::to_string(st) +
                  " (refused; 401 is the expected code, open point A.1)");
  v.violated(what + " without a token answered " + std::to_string(st));
}

void kickoff_no_token(Context& ctx, const std::string& level, Verdict& v) {
  if (!ctx.auth_in_use())
    return v.skip("the run sends no token, so a refusal cannot be told from the server's policy");
  Outgoing o = ctx.probe().kickoff_request(level, {}, ctx.style());
  const Exchange e = ctx.probe().fetch_as_is(o);
  if (e.response.status == 202) ctx.del(ctx.status_url_of(e));  // do not leave a job behind
  judge_no_token(e, "a " + level + " kick-off", v);
}

void status_no_token(Context& ctx, const std::string&, Verdict& v) {
  if (!ctx.auth_in_use()) return v.skip("the run sends no token");
  const ExportRun& run = ctx.baseline(ctx.first_level());
  if (!run.accepted()) return v.skip(describe_answer(run.kickoff, "the baseline kick-off"));
  Outgoing o;
  o.url = run.status_url;
  o.headers.add("Accept", "application/json");
  judge_no_token(ctx.probe().fetch_as_is(o), "a status request", v);
}

void judge_tls(const Exchange* e, const std::string& what, Verdict& v) {
  if (e == nullptr) return v.skip("no " + what + " exchange to look at");
  v.evidence(*e);
  if (!e->request.url.starts_with("https://"))
    return v.violated(what + " is plain http: " + e->request.url);
  const std::string& tls = e->response.tls_version;
  if (tls.empty()) return v.skip(describe_answer(*e, what));
  if (tls == "TLSv1.2" || tls == "TLSv1.3") return v.pass(what + " negotiated " + tls);
  v.violated(what + " negotiated " + tls + " (TLS 1.2 or later is required)");
}

void tls_base(Context& ctx, const std::string&, Verdict& v) {
  judge_tls(&ctx.capability(), "the FHIR base URL", v);
}

void tls_files(Context& ctx, const std::string&, Verdict& v) {
  const ExportRun& run = ctx.baseline(ctx.first_level());
  if (run.files.empty()) return v.skip("the baseline export produced no file to download");
  judge_tls(&run.files.front().download.head, "the first download URL", v);
}

void tls_token(Context& ctx, const std::string&, Verdict& v) {
  SmartClient* smart = need_smart(ctx, v);
  if (smart == nullptr) return;
  smart->bearer();
  const auto& t = smart->first_token();
  judge_tls(t ? &*t : nullptr, "the token endpoint", v);
}

CheckDef def(std::string id, Level level, std::vector<std::string> reqs, std::string title,
             std::function<void(Context&, const std::string&, Verdict&)> run,
             std::vector<V> versions = {}) {
  return {std::move(id), "auth", level, std::move(reqs),     std::move(title),
          false,         false,  false, std::move(versions), std::move(run)};
}

}  // namespace

void add_auth_checks(std::vector<CheckDef>& out) {
  out.push_back(def("tls-fhir-base", Level::kShall, {"AUTH-01"},
                    "the FHIR base URL is served over TLS 1.2 or later", tls_base));
  out.push_back(def("tls-files", Level::kShall, {"AUTH-01"},
                    "files are served over TLS 1.2 or later", tls_files));
  out.push_back(def("tls-token-endpoint", Level::kShall, {"AUTH-01"},
                    "the token endpoint is served over TLS 1.2 or later", tls_token));
  out.push_back(def("smart-discovery", Level::kShould, {"AUTH-07"},
                    ".well-known/smart-configuration names the token endpoint, private_key_jwt, "
                    "RS384/ES384 and the scopes",
                    discovery));
  out.push_back(def("token-request-accepted", Level::kShall, {"AUTH-03", "AUTH-04"},
                    "a correct client_credentials request with a signed assertion gets a token",
                    token_accepted));
  out.push_back(def("token-response", Level::kShall, {"AUTH-04"},
                    "the token answer has access_token, token_type bearer, expires_in, scope",
                    token_answer));
  out.push_back(def("token-invalid-grant-type", Level::kShall, {"AUTH-04"},
                    "an unsupported grant_type gets 400", invalid_grant_type));
  out.push_back(def("token-invalid-assertion-type", Level::kShall, {"AUTH-04"},
                    "a wrong client_assertion_type gets 400 or 401", invalid_assertion_type));
  out.push_back(def("token-invalid-jwt", Level::kShall, {"AUTH-04"},
                    "an assertion whose signature does not verify gets 400 or 401", invalid_jwt));
  out.push_back(def("token-jti-replay", Level::kShall, {"AUTH-04"},
                    "the same assertion (same jti) is not accepted twice", jti_replay));
  CheckDef kickoff = def("kickoff-no-token", Level::kShall, {"AUTH-05", "KO-14"},
                         "a kick-off without a token is refused (401)", kickoff_no_token);
  kickoff.per_level = true;
  out.push_back(std::move(kickoff));
  out.push_back(def("status-no-token", Level::kShall, {"AUTH-06", "ST-14"},
                    "the status URL without a token is refused (401)", status_no_token,
                    {V::kV2_0_0, V::kV3_0_0, V::kV4_0_0_ballot}));
}

}  // namespace bh::conformance
