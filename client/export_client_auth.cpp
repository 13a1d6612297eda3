// ExportClient, SMART part: S1 AUTHORIZING (T01, T03, T04) and the 401 loops back to it (T10,
// T18, T25). The token itself is TokenKeeper's; this file decides when the client waits for
// one and what happens to the request a 401 answered.
#include "client/error_classifier.hpp"
#include "client/export_client.hpp"
#include "client/wait_policy.hpp"

namespace bh::client {

std::optional<std::string> ExportClient::bearer() const {
  if (keeper_) return keeper_->token();
  return opts_.bearer_token;
}

std::optional<Action> ExportClient::auth_step(Instant now) {
  if (!keeper_) return std::nullopt;
  const auto need = keeper_->need(now);
  if (need == TokenKeeper::Need::kNothing) return std::nullopt;
  // No new FHIR request starts without a usable token; those in flight carry on.
  if (token_chain_.in_flight) return WaitUntil{wake_limit()};
  if (now < token_chain_.ready_at) return WaitUntil{std::min(token_chain_.ready_at, wake_limit())};
  auto built = need == TokenKeeper::Need::kDiscovery ? keeper_->discovery_request()
                                                     : keeper_->token_request(now);
  if (!built) {
    auth_failed(built.error().message(), std::nullopt, true, false, now);
    return step(now);
  }
  if (need == TokenKeeper::Need::kToken) {
    mark(Transition::kT01);
    log(now, "token: POST " + built->url + (keeper_->token() ? " (renewing)" : ""));
  } else {
    log(now, "SMART discovery: GET " + built->url);
  }
  token_chain_.in_flight = true;
  ++token_chain_.attempts;
  return issue(need == TokenKeeper::Need::kToken ? RequestKind::kToken : RequestKind::kDiscovery,
               std::move(*built), 0, token_chain_.attempts);
}

void ExportClient::on_auth_response(InFlight& rec, Instant now) {
  token_chain_.in_flight = false;
  const bool token = rec.kind == RequestKind::kToken;
  const int status = rec.status;
  if (status == 429 || status >= 500) {  // the endpoint is busy or broken: retry, bounded
    const auto ra = read_retry_after(rec.headers, now, opts_.max_retry_after);
    auth_failed((token ? "token endpoint: " : "SMART discovery: ") + std::to_string(status),
                ra.delay, false, false, now);
    return;
  }
  auto st =
      token ? keeper_->on_token(status, rec.body, now) : keeper_->on_discovery(status, rec.body);
  if (!st) {
    if (token) mark(Transition::kT04);
    auth_failed(st.error().message(), std::nullopt, true, false, now);
    return;
  }
  token_chain_.succeeded();
  if (!token) {
    log(now, "SMART discovery: token endpoint " + keeper_->token_url());
    return;
  }
  mark(Transition::kT03);
  log(now, "token: " + std::to_string(status) + ", valid for " +
               format_seconds(keeper_->expires() - now));
}

void ExportClient::auth_failed(const std::string& why, std::optional<Duration> retry_after,
                               bool final, bool transport, Instant now) {
  if (!final) {
    if (auto wait = schedule_retry(token_chain_, now, retry_after)) {
      log(now, why + " → retrying in " + format_seconds(*wait));
      return;
    }
  }
  keeper_->fail();  // no more token requests, also for a final DELETE
  const bool accepted = status_url_.has_value();
  const std::string message = "SMART authorization failed: " + why;
  log(now, message);
  if (phase_ == Phase::kDeleting || phase_ == Phase::kFinished) return;
  // As for the kick-off: a server never reached is a transport error, whatever the stage.
  const OutcomeKind kind = transport  ? OutcomeKind::kTransportError
                           : accepted ? OutcomeKind::kFailed
                                      : OutcomeKind::kRejected;
  begin_stop(kind, message, now);
}

bool ExportClient::retry_unauthorized(InFlight& rec, Instant now) {
  if (!keeper_ || rec.token_serial == 0) return false;
  const bool file = rec.kind == RequestKind::kFile;
  if (rec.status != 401 && !(file && rec.status == 403)) return false;
  if (!keeper_->rejected(rec.token_serial)) return false;
  if (rec.kind == RequestKind::kKickoff) mark(Transition::kT10);
  if (rec.kind == RequestKind::kPoll) mark(Transition::kT18);
  if (file) mark(Transition::kT25);
  log(now, rec.url + ": " + std::to_string(rec.status) +
               " with a token; getting a new token and sending again (AUTH-08)");
  send_again(rec, now);
  return true;
}

void ExportClient::send_again(InFlight& rec, Instant now) {
  switch (rec.kind) {
    case RequestKind::kKickoff:
      kickoff_.in_flight = false;
      kickoff_.ready_at = now;
      break;
    case RequestKind::kPoll:
      poll_.in_flight = false;
      poll_.ready_at = now + opts_.min_wait;
      break;
    case RequestKind::kRefresh:
      refresh_.in_flight = false;
      refresh_pending_ = true;
      refresh_.ready_at = now + opts_.min_wait;
      break;
    case RequestKind::kFile: {
      FileDownload& f = files_[rec.file];
      f.receiver.reset();
      reset_attempt(f);
      f.chain.ready_at = now;
      break;
    }
    case RequestKind::kDelete:
      delete_.in_flight = false;
      delete_.ready_at = now;
      break;
    case RequestKind::kDiscovery:
    case RequestKind::kToken:
      break;
  }
}

}  // namespace bh::client
