// ExportClient, kick-off part: S2 KICKOFF_SENT and S3 KICKOFF_DEFERRED (T02, T05-T09).
#include "client/error_classifier.hpp"
#include "client/export_client.hpp"
#include "client/wait_policy.hpp"

namespace bh::client {

namespace {

// For counting only. T06 is the server's protocol violation; a well-formed https status URL
// that this client cannot use (https_supported false) is the client's own limit, and the table
// has no row for it.
bool unusable_https_location(const protocol::Headers& h, bool https_supported) {
  if (https_supported || h.get_all("Content-Location").size() != 1) return false;
  const auto url = protocol::parse_url(protocol::trim(*h.get("Content-Location")));
  return url && url->scheme == "https";
}

}  // namespace

Action ExportClient::send_kickoff(Instant now) {
  auto built = build_kickoff(opts_);
  if (!built) {  // validate_options accepted the base URL, so this cannot happen; stay honest
    finish(make_outcome(OutcomeKind::kRejected, built.error().message()));
    return Done{outcome_};
  }
  ++kickoff_.attempts;
  std::string line = "kick-off " + built->req.method + " " + built->url;
  if (kickoff_.attempts > 1) line += " (attempt " + std::to_string(kickoff_.attempts) + ")";
  if (!opts_.use_post && opts_.ig_version == protocol::IgVersion::kV4_0_0_ballot)
    line += " [warning: IG 4.0.0 removed GET kick-off (KO-03); use POST]";
  log(now, std::move(line));
  Action action = issue(RequestKind::kKickoff, std::move(*built), 0, 0);
  if (std::holds_alternative<Send>(action)) {
    kickoff_.in_flight = true;
    // The first send leaves S0 (T02); every later one is a deferred kick-off's timer (T08).
    mark(kickoff_.attempts == 1 ? Transition::kT02 : Transition::kT08);
  }
  return action;
}

Result<protocol::Url> ExportClient::read_content_location(const protocol::Headers& h) const {
  if (h.get_all("Content-Location").size() > 1)  // a singleton field: which job is ours?
    return make_error("kick-off 202", "more than one Content-Location header",
                      "exactly one absolute URL of the status endpoint (KO-11)");
  const auto loc = h.get("Content-Location");
  if (!loc || protocol::trim(*loc).empty())
    return make_error("kick-off 202", "Content-Location header missing",
                      "the absolute URL of the status endpoint (KO-11)");
  const std::string value(protocol::trim(*loc));
  // KO-11 requires an absolute URL; resolving a relative one would hide a server bug.
  if (!protocol::is_absolute_url(value))
    return make_error("kick-off 202 Content-Location", "not an absolute URL",
                      "an absolute http(s) URL (KO-11)", "\"" + value + "\"");
  auto url = protocol::parse_url(value);
  if (!url) return url.error().within("kick-off 202 Content-Location");
  if (url->scheme == "https" && !opts_.https_supported)
    return make_error("kick-off 202 Content-Location", "https is not supported yet",
                      "an http:// status URL", "\"" + value + "\"");
  return url;
}

void ExportClient::on_kickoff_response(InFlight& rec, Instant now) {
  kickoff_.in_flight = false;
  const int status = rec.status;
  if (phase_ == Phase::kDeleting) {
    // Cancelled while the kick-off was in flight: a job that got created must be cancelled too.
    awaiting_kickoff_ = false;
    if (status == 202) {
      if (auto url = read_content_location(rec.headers)) {
        // The job exists (T05) and is cancelled next (T36). Any other late answer leaves no job
        // and ends the run with the stop's verdict, which no row of the table describes.
        mark(Transition::kT05);
        status_url_ = *url;
        log(now, "kick-off 202 arrived after the stop; cancelling job " + url->str());
        return;
      }
    }
    finish(pending_);
    return;
  }
  if (status == 202) {
    auto url = read_content_location(rec.headers);
    if (!url) {
      if (!unusable_https_location(rec.headers, opts_.https_supported)) mark(Transition::kT06);
      finish(make_outcome(OutcomeKind::kRejected, "protocol violation: " + url.error().message()));
      return;
    }
    mark(Transition::kT05);
    status_url_ = *url;
    phase_ = Phase::kPolling;
    const auto ra = read_retry_after(rec.headers, now, opts_.max_retry_after);
    const Duration wait =
        combine_wait(opts_.min_wait, ra.delay,
                     ra.delay ? std::nullopt : std::optional<Duration>(poll_.backoff.next()));
    poll_.ready_at = now + wait;
    log(now,
        "kick-off 202 → status URL " + url->str() + " → first poll in " + format_seconds(wait));
    return;
  }
  // Neither a 2xx other than 202 nor a 3xx has a row in §2.2, so neither is counted.
  if (status >= 200 && status < 300) {
    finish(make_outcome(OutcomeKind::kRejected,
                        "kick-off answered " + std::to_string(status) +
                            " synchronously; expected 202 Accepted with Content-Location "
                            "(the asynchronous request pattern, KO-01/KO-11)"));
    return;
  }
  if (status < 400) {
    finish(make_outcome(OutcomeKind::kRejected,
                        "kick-off answered " + std::to_string(status) +
                            "; expected 202 Accepted (redirects are not followed on kick-off)"));
    return;
  }
  const auto verdict = classify_error(status, rec.headers, rec.body);
  const std::string what = std::to_string(status) + " " + verdict.detail;
  if (verdict.cls == ErrorClass::kFatal) {
    // T09, also for the fatal answers without an OperationOutcome (4xx without body, non-FHIR
    // body, 401 with no token flow): all of them are S4 REJECTED, and no other row fits.
    mark(Transition::kT09);
    log(now, "kick-off " + what);
    finish(make_outcome(OutcomeKind::kRejected, "kick-off refused: " + what));
    return;
  }
  const auto ra = read_retry_after(rec.headers, now, opts_.max_retry_after);
  on_kickoff_failure(what + (ra.note.empty() ? "" : " " + ra.note), ra.delay, false, now);
}

void ExportClient::on_kickoff_failure(std::string what, std::optional<Duration> retry_after,
                                      bool transport, Instant now) {
  kickoff_.in_flight = false;
  if (phase_ == Phase::kDeleting) {  // no job was created, nothing to cancel
    awaiting_kickoff_ = false;
    finish(pending_);
    return;
  }
  // T07 for every 429, transient error or network error; when the budget is used up the client
  // goes on to S4, a step the table has no row for.
  mark(Transition::kT07);
  if (auto wait = schedule_retry(kickoff_, now, retry_after)) {
    log(now, "kick-off " + what + " → retry in " + format_seconds(*wait));
    return;
  }
  log(now, "kick-off " + what + " → " + budget_note(kickoff_));
  finish(make_outcome(transport ? OutcomeKind::kTransportError : OutcomeKind::kRejected,
                      "kick-off not accepted: " + budget_note(kickoff_) + "; last: " + what));
}

}  // namespace bh::client
