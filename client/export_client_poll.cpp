// ExportClient, status part: S5 WAITING, S6 POLL_SENT, S8 THROTTLED, S9 TRANSIENT_ERROR,
// S10 FAILED, S11 COMPLETE, S12 MANIFEST_INVALID, S21 GONE (T11-T23).
#include <algorithm>

#include "client/error_classifier.hpp"
#include "client/export_client.hpp"
#include "client/wait_policy.hpp"
#include "protocol/fhir_instant.hpp"
#include "protocol/http_date.hpp"
#include "protocol/media_range.hpp"

namespace bh::client {

namespace {

// X-Progress is free text under 100 characters (ST-07); keep the log line tidy whatever comes.
std::string clean_progress(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 100)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return out;
}

bool is_json_media_type(std::optional<std::string_view> content_type) {
  if (!content_type) return false;
  return protocol::iequals(protocol::media_type_of(*content_type), "application/json");
}

}  // namespace

Action ExportClient::send_poll(Instant now) {
  ++polls_;
  ++poll_.attempts;
  (void)now;
  Action action = issue(RequestKind::kPoll, build_status_get(*status_url_, opts_), 0, polls_);
  if (std::holds_alternative<Send>(action)) {
    poll_.in_flight = true;
    mark(Transition::kT11);  // every poll, the first included, follows a wait in S5
  }
  return action;
}

void ExportClient::on_poll_response(InFlight& rec, Instant now) {
  poll_.in_flight = false;
  last_status_response_ = now;
  const int status = rec.status;
  const std::string tag = "poll " + std::to_string(rec.number) + ": " + std::to_string(status);
  // T15 is a session ended while throttled: the answer after a 429 is a 404 or a fatal error.
  // It is counted besides T21/T19, which describe the same answer from S6.
  const bool after_throttle = last_poll_throttled_;
  last_poll_throttled_ = false;
  if (status == 202) {  // T12: still running
    mark(Transition::kT12);
    poll_.succeeded();
    std::string line = tag;
    if (auto p = rec.headers.get("X-Progress")) {
      progress_ = clean_progress(*p);
      line += " X-Progress=" + *progress_;
    }
    const auto ra = read_retry_after(rec.headers, now, opts_.max_retry_after);
    if (!ra.note.empty()) line += " " + ra.note;
    // ST-04: a valid Retry-After schedules the poll; otherwise exponential backoff (ST-02).
    const Duration wait = ra.delay
                              ? combine_wait(opts_.min_wait, ra.delay, std::nullopt)
                              : combine_wait(opts_.min_wait, std::nullopt, poll_.backoff.next());
    poll_.ready_at = now + wait;
    log(now, line + " → waiting " + format_seconds(wait));
    return;
  }
  if (status == 200) {  // T20
    mark(Transition::kT20);
    poll_.succeeded();
    accept_manifest(rec, now);
    return;
  }
  if (status == 404 || status == 410) {
    // T21, open point 3: we never sent DELETE, so the job was purged, expired or is unknown.
    mark(Transition::kT21);
    if (after_throttle) mark(Transition::kT15);
    log(now, tag + " → job gone");
    finish(make_outcome(OutcomeKind::kGone,
                        "status URL " + status_url_->str() + " answered " + std::to_string(status) +
                            " although no DELETE was sent: the job was purged, expired or is "
                            "unknown"));
    return;
  }
  if (status < 400) {  // no row in §2.2: not counted
    log(now, tag + " → unexpected");
    finish(make_outcome(OutcomeKind::kFailed, "status request answered " + std::to_string(status) +
                                                  "; expected 202 (running) or 200 (complete)"));
    return;
  }
  const auto verdict = classify_error(status, rec.headers, rec.body);
  const std::string what = tag + " " + verdict.detail;
  if (verdict.cls == ErrorClass::kFatal) {  // T19: the job failed (ST-11, ERR-07)
    mark(Transition::kT19);
    if (after_throttle) mark(Transition::kT15);
    log(now, what + " → job failed");
    finish(make_outcome(OutcomeKind::kFailed, "export job failed: status " +
                                                  std::to_string(status) + " " + verdict.detail));
    return;
  }
  const auto ra = read_retry_after(rec.headers, now, opts_.max_retry_after);  // T14 / T16
  if (verdict.cls == ErrorClass::kThrottled) {
    mark(Transition::kT14);
    last_poll_throttled_ = true;
  } else {
    mark(Transition::kT16);
  }
  on_poll_failure(what + (ra.note.empty() ? "" : " " + ra.note), ra.delay, false, now);
}

void ExportClient::on_poll_failure(const std::string& what, std::optional<Duration> retry_after,
                                   bool transport, Instant now) {
  if (auto wait = schedule_retry(poll_, now, retry_after)) {
    log(now, what + " → retry in " + format_seconds(*wait));
    return;
  }
  // T17, also when the last failure was a 429 (S8): the budget is the same. The DELETE that
  // follows is counted as T36 when it is sent.
  mark(Transition::kT17);
  log(now, what + " → " + budget_note(poll_));
  // The job may still be running on the server: walking away from it is a cancel (T36).
  begin_stop(transport ? OutcomeKind::kTransportError : OutcomeKind::kFailed,
             "status polling " + budget_note(poll_) + "; last: " + what, now);
}

void ExportClient::accept_manifest(InFlight& rec, Instant now) {
  const std::string tag = "poll " + std::to_string(rec.number) + ": 200";
  if (!is_json_media_type(rec.headers.get("Content-Type")))
    log(now, tag + " warning: Content-Type is " +
                 std::string(rec.headers.get("Content-Type").value_or("missing")) +
                 ", expected application/json (MF-13)");
  if (rec.overflow) {
    mark(Transition::kT22);  // a manifest cut off at the client's limit is unusable too
    finish(make_outcome(OutcomeKind::kManifestInvalid,
                        "manifest body exceeds " + std::to_string(opts_.max_status_body_bytes) +
                            " bytes (client limit max_status_body_bytes)"));
    return;
  }
  const auto check = protocol::validate_manifest(rec.body, opts_.ig_version);
  std::string errors;
  std::size_t error_count = 0;
  for (const auto& f : check.findings) {
    const std::string text = f.requirement + " " + f.path + ": " + f.message;
    if (f.severity != protocol::Severity::kError) {
      log(now, "manifest " + std::string(protocol::to_string(f.severity)) + ": " + text);
    } else if (++error_count <= 5) {
      errors += (errors.empty() ? "" : "; ") + text;
    }
  }
  if (!check.usable()) {  // T22
    mark(Transition::kT22);
    if (error_count > 5) errors += "; and " + std::to_string(error_count - 5) + " more";
    log(now, tag + " manifest unusable");
    finish(make_outcome(OutcomeKind::kManifestInvalid,
                        "manifest breaks IG " + std::string(protocol::to_string(opts_.ig_version)) +
                            ": " + (errors.empty() ? "no usable manifest" : errors)));
    return;
  }
  mark(Transition::kT23);
  manifest_ = *check.manifest;
  if (auto exp = rec.headers.get("Expires")) {
    if (auto t = protocol::parse_http_date(*exp, now)) {
      expires_ = *t;
    } else {
      log(now, "warning: Expires \"" + std::string(*exp) + "\" ignored: " + t.error().message());
    }
  }
  save_manifest_body(rec.body, now);
  if (phase_ == Phase::kFinished) return;
  files_ = plan_downloads(*manifest_, opts_.backoff, opts_.seed);
  if (manifest_->requires_access_token && !opts_.bearer_token && !keeper_)
    log(now, "warning: manifest says requiresAccessToken=true but no token is configured");
  log(now, tag + " manifest: " + std::to_string(manifest_->output.size()) + " output, " +
               std::to_string(manifest_->error.size()) + " error, " +
               std::to_string(manifest_->deleted.size()) + " deleted files; transactionTime " +
               protocol::format_fhir_instant(manifest_->transaction_time) +
               (expires_ ? "; Expires " + protocol::format_http_date(*expires_) : ""));
  phase_ = Phase::kDownloading;
  for (auto& f : files_) {
    if (!f.manifest_url) {  // V1 allows relative URLs; later versions were rejected above
      if (auto abs = protocol::resolve_url(*status_url_, f.report.url)) f.manifest_url = *abs;
    }
    if (!f.manifest_url) {
      fail_file(f, FileFailure::kDownload, "URL \"" + f.report.url + "\" cannot be fetched", now);
      continue;
    }
    if (f.manifest_url->scheme == "https" && !opts_.https_supported) {
      fail_file(f, FileFailure::kDownload,
                "URL \"" + f.report.url + "\": https is not supported yet", now);
      continue;
    }
    reset_attempt(f);
    f.chain.ready_at = now;
  }
}

void ExportClient::save_manifest_body(const std::string& body, Instant now) {
  auto writer = sink_.open("manifest.json");
  Status saved = writer ? (*writer)->write(body) : Status(writer.error());
  if (saved) saved = (*writer)->close();
  if (!saved) {
    log(now, "cannot save manifest.json: " + saved.error().message());
    finish(make_outcome(OutcomeKind::kDownloadFailed,
                        "cannot save manifest.json: " + saved.error().message()));
  }
}

}  // namespace bh::client
