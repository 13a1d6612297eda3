// ExportClient, DELETE part: S17 CANCELLING, S18 RELEASING, S19 CANCELLED, S20 RELEASED
// (T34-T39, DEL-01..DEL-05). The verdict is already made (pending_); the DELETE only adds a note,
// so a refused release never turns a good export into a failure.
#include "client/error_classifier.hpp"
#include "client/export_client.hpp"
#include "client/wait_policy.hpp"

namespace bh::client {

Action ExportClient::delete_step(Instant now) {
  if (awaiting_kickoff_) return WaitUntil{grace_end_};
  if (!status_url_) {
    finish(pending_);
    return Done{outcome_};
  }
  return chain_step(delete_, now, &ExportClient::send_delete);
}

Action ExportClient::send_delete(Instant now) {
  ++delete_.attempts;
  log(now, "DELETE (" + delete_reason_ + ") " + status_url_->str());
  Action action = issue(RequestKind::kDelete, build_delete(*status_url_, opts_), 0, 0);
  if (std::holds_alternative<Send>(action)) {
    delete_.in_flight = true;
    // Only the first DELETE is the transition; resending it is part of T38. A stop after the
    // manifest arrived releases (T34) even with downloads unfinished: the job is complete.
    if (delete_.attempts == 1)
      mark(delete_reason_ == "cancel" ? Transition::kT36 : Transition::kT34);
  }
  return action;
}

void ExportClient::on_delete_response(InFlight& rec, Instant now) {
  delete_.in_flight = false;
  const int status = rec.status;
  const std::string tag = "DELETE (" + delete_reason_ + "): " + std::to_string(status);
  if (status >= 200 && status < 300) {  // T35, T37 (every 2xx is taken as the 202)
    mark(delete_reason_ == "cancel" ? Transition::kT37 : Transition::kT35);
    log(now, tag);
    pending_.message += std::string("; job ") +
                        (delete_reason_ == "cancel" ? "cancelled" : "released") + " (DELETE " +
                        std::to_string(status) + ")";
    finish(pending_);
    return;
  }
  if (status == 404) {  // T39, DEL-05: the job no longer exists, which is what we wanted
    mark(Transition::kT39);
    log(now, tag + " (job already gone)");
    finish(pending_);
    return;
  }
  const auto verdict = classify_error(status, rec.headers, rec.body);
  // T38 for every 4xx/5xx but 404, retried or not; a 1xx/3xx answer has no row: not counted.
  if (status >= 400) mark(Transition::kT38);
  if (status == 429 || status >= 500) {  // T38: retry within the grace period
    const auto ra = read_retry_after(rec.headers, now, opts_.max_retry_after);
    on_delete_failure(tag + " " + verdict.detail, ra.delay, now);
    return;
  }
  log(now, tag + " warning: DELETE refused: " + verdict.detail);
  pending_.message += "; warning: " + tag + " " + verdict.detail;
  finish(pending_);
}

void ExportClient::on_delete_failure(const std::string& what, std::optional<Duration> retry_after,
                                     Instant now) {
  delete_.in_flight = false;
  if (delete_.attempts < opts_.max_delete_attempts) {
    if (auto wait = schedule_retry(delete_, now, retry_after)) {
      log(now, what + " → retry in " + format_seconds(*wait));
      return;
    }
  }
  log(now, what + " → giving up on the DELETE");
  pending_.message += "; warning: " + what;
  finish(pending_);
}

}  // namespace bh::client
