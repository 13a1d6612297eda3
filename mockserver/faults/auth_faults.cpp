// SMART Backend Services going wrong (AUTH-*, DL-05, DL-06). Client-facing: a token that dies
// before its expires_in, a token endpoint that refuses the client or its scopes, files answered
// 403, capability URLs (requiresAccessToken=false). Server-facing, for the conformance runner's
// self-test: a token endpoint that accepts a replayed jti, an endpoint that serves without a
// token. Each needs the server's SMART auth (scenario "auth" block or serve --auth smart) and
// declines without it.
#include <nlohmann/json.hpp>

#include "auth/token_service.hpp"
#include "mockserver/faults/families.hpp"
#include "mockserver/faults/fault_support.hpp"
#include "protocol/responses.hpp"

namespace bh::mockserver {

namespace {

FaultKind simple(std::string id, std::string summary, std::vector<std::string> reqs,
                 std::vector<std::string> endpoints, FaultFn fn) {
  return {std::move(id),
          "auth",
          std::move(summary),
          std::move(reqs),
          std::move(endpoints),
          {},
          fn_kind([fn = std::move(fn)](const ParamValues&) { return fn; })};
}

void add_token_endpoint_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back(simple(
      "token-invalid-client",
      "the token endpoint answers 401 invalid_client, as if the client were not registered or "
      "its key did not verify: a correct client gives up (T04), it does not loop",
      {"AUTH-04"}, {"token"}, [](FaultContext& ctx, const Next& next) {
        if (!ctx.tokens) return declined(ctx, next);
        return auth::oauth_error_response("invalid_client", "client authentication failed (fault)");
      }));
  kinds.push_back(simple(
      "token-invalid-scope",
      "the token endpoint answers 400 invalid_scope: the client may not have what it asked for",
      {"AUTH-04"}, {"token"}, [](FaultContext& ctx, const Next& next) {
        if (!ctx.tokens) return declined(ctx, next);
        return auth::oauth_error_response("invalid_scope",
                                          "the requested scope is not allowed (fault)");
      }));
  kinds.push_back(
      simple("token-jti-replay-accepted",
             "server defect: the token endpoint forgets the jti values it has seen, so a replayed "
             "assertion gets a token (AUTH-04 says it SHALL be rejected)",
             {"AUTH-04"}, {"token"}, [](FaultContext& ctx, const Next& next) {
               if (!ctx.tokens) return declined(ctx, next);
               ctx.tokens->forget_jtis();
               return next();
             }));
}

void add_bearer_faults(std::vector<FaultKind>& kinds) {
  kinds.push_back(simple(
      "token-expired-early",
      "the token this request carries is revoked now, before its expires_in: the answer is the "
      "server's own 401 invalid_token (so are those of requests already in flight with it); a "
      "correct client gets a new token and sends again once (T10, T18, T25)",
      {"AUTH-08", "AUTH-05"}, {"kickoff", "status", "file", "delete"},
      [](FaultContext& ctx, const Next& next) {
        auto token = auth::bearer_of(ctx.request);
        if (!ctx.tokens || !token || !ctx.tokens->revoke(*token)) return declined(ctx, next);
        return next();
      }));
  kinds.push_back(simple(
      "auth-not-enforced",
      "server defect: this request is served without any token check (NOAUTH, DLAUTH and the "
      "status check of the conformance runner must fail)",
      {"AUTH-05", "AUTH-06", "DL-05"}, {"kickoff", "status", "file", "delete"},
      [](FaultContext& ctx, const Next& next) {
        if (!ctx.tokens) return declined(ctx, next);
        ctx.tokens->waive_next_check();
        return next();
      }));
  kinds.push_back(simple(
      "file-forbidden",
      "a file is answered 403 forbidden (with requiresAccessToken=true): a correct client gets "
      "a new token and tries once more (T25), then reports the file as failed",
      {"DL-05", "AUTH-06"}, {"file"}, [](FaultContext& ctx, const Next& next) {
        if (!ctx.tokens) return declined(ctx, next);
        auto r = protocol::outcome_response(403, "error", "forbidden",
                                            "access to this file is forbidden (fault)");
        r.headers.set("WWW-Authenticate",
                      "Bearer realm=\"bulkharness\", error=\"insufficient_scope\"");
        return r;
      }));
  kinds.push_back(
      {"capability-urls",
       "auth",
       "the manifest says requiresAccessToken=false and the job's files are served without a "
       "token (capability URLs, 3.0.0): a correct client sends none to them (DL-06)",
       {"DL-06", "MF-03"},
       {"status"},
       {},
       fn_kind([](const ParamValues&) -> FaultFn {
         return [](FaultContext& ctx, const Next& next) {
           if (!ctx.tokens) return declined(ctx, next);
           return with_json_body(
               ctx, next, [](nlohmann::ordered_json& j) { j["requiresAccessToken"] = false; });
         };
       })});
}

}  // namespace

void add_auth_faults(std::vector<FaultKind>& kinds) {
  add_token_endpoint_faults(kinds);
  add_bearer_faults(kinds);
}

}  // namespace bh::mockserver
