// ExportClient, download part: S13 DOWNLOADING, S16 DOWNLOADED (T24-T27, T33, T34).
#include <algorithm>

#include "client/error_classifier.hpp"
#include "client/export_client.hpp"
#include "client/wait_policy.hpp"
#include "protocol/media_range.hpp"

namespace bh::client {

namespace {

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string media_type(std::string_view content_type) {
  return std::string(protocol::media_type_of(content_type));
}

}  // namespace

bool ExportClient::file_auth() const {
  // DL-05/DL-06: the token goes to file URLs only when the manifest asks for it.
  return manifest_ && manifest_->requires_access_token &&
         (opts_.bearer_token.has_value() || keeper_.has_value());
}

void ExportClient::reset_attempt(FileDownload& f) {
  // Every attempt starts at the manifest's URL: redirect targets are often short-lived.
  f.current = *f.manifest_url;
  f.redirects = 0;
  f.send_auth = file_auth();
  f.state = FileState::kPending;
}

Action ExportClient::download_step(Instant now) {
  if (refresh_pending_ && refresh_.ready(now)) return send_refresh(now);
  bool all_terminal = true;
  std::uint32_t running = 0;
  for (const auto& f : files_) {
    all_terminal = all_terminal && f.terminal();
    if (f.state == FileState::kInFlight) ++running;
  }
  if (all_terminal && !refresh_pending_ && !refresh_.in_flight) {  // T33
    complete_downloads(now);
    return step(now);
  }
  Instant wake = wake_limit();
  if (refresh_pending_ && !refresh_.in_flight) wake = std::min(wake, refresh_.ready_at);
  for (std::size_t i = 0; i < files_.size(); ++i) {
    const FileDownload& f = files_[i];
    if (f.state != FileState::kPending) continue;
    if (now < f.chain.ready_at) {
      wake = std::min(wake, f.chain.ready_at);
    } else if (running < opts_.max_parallel_downloads) {
      return start_file(i);
    }
  }
  return WaitUntil{wake};
}

Action ExportClient::start_file(std::size_t index) {
  FileDownload& f = files_[index];
  ++f.chain.attempts;
  auto built = build_file_get(f.current, f.send_auth ? opts_.bearer_token : std::nullopt);
  Action action = issue(RequestKind::kFile, std::move(built), index, f.chain.attempts);
  if (std::holds_alternative<Send>(action)) f.state = FileState::kInFlight;
  return action;
}

void ExportClient::on_file_head(InFlightMap::iterator it, Instant now) {
  const InFlight& rec = it->second;
  FileDownload& f = files_[rec.file];
  if (rec.status != 200) return;  // error bodies are buffered (bounded) for the message
  const std::string tag = "download " + f.report.name + ": 200";
  if (auto enc = rec.headers.get("Content-Encoding");
      enc && !protocol::iequals(protocol::trim(*enc), "identity")) {
    // We send no Accept-Encoding, so a compliant server sends identity (DL-09).
    const std::string problem = "Content-Encoding " + std::string(*enc) +
                                " not supported yet (gzip is planned; the client sent no "
                                "Accept-Encoding, DL-09)";
    inflight_.erase(it);
    fail_file(f, FileFailure::kDownload, problem, now);
    return;
  }
  const auto type = rec.headers.get("Content-Type");
  if (!type || !protocol::iequals(media_type(*type), "application/fhir+ndjson"))
    log(now, tag + " warning: Content-Type is " + std::string(type.value_or("missing")) +
                 ", expected application/fhir+ndjson (DL-03); validating the content anyway");
  auto writer = sink_.open(f.report.name);
  if (!writer) {
    const std::string problem = "cannot write the file: " + writer.error().message();
    inflight_.erase(it);
    fail_file(f, FileFailure::kDownload, problem, now);
    return;
  }
  f.receiver = std::make_unique<FileReceiver>(f.report.name, f.expected_type, opts_.max_line_bytes,
                                              std::move(*writer));
}

DownloadProgress ExportClient::download_progress() const {
  DownloadProgress p;
  p.files = files_.size();
  for (const auto& f : files_) {
    if (f.terminal()) ++p.finished;
    if (f.state == FileState::kFailed) ++p.failed;
    p.bytes += f.receiver ? f.receiver->bytes() : f.report.bytes;
  }
  return p;
}

void ExportClient::on_file_response(InFlight& rec, Instant now) {
  FileDownload& f = files_[rec.file];
  const int status = rec.status;
  const std::string tag = "download " + f.report.name + ": " + std::to_string(status);
  if (status == 200 && f.receiver) {  // T24
    // Counted for every complete 200 body: content that then fails validation is still a file
    // fetched, and the client moves on to the next one as T24 says.
    mark(Transition::kT24);
    const auto got = f.receiver->finish(f.count);
    f.receiver.reset();
    f.report.fetched = true;
    f.report.bytes = got.bytes;
    f.report.resources = got.resources;
    if (!got.ok) {
      fail_file(f, FileFailure::kValidation, got.problem, now);
      return;
    }
    f.state = FileState::kDone;
    f.report.ok = true;
    f.chain.succeeded();
    log(now, tag + ", " + std::to_string(got.resources) + " resources, " +
                 std::to_string(got.bytes) + " bytes");
    return;
  }
  if (is_redirect(status)) {  // DL-15 hops have no row in §2.2: not counted
    on_file_redirect(f, rec, now);
    return;
  }
  const auto verdict = classify_error(status, rec.headers, rec.body);
  if (status == 429 || status >= 500) {  // T26
    const auto ra = read_retry_after(rec.headers, now, opts_.max_retry_after);
    retry_file(f, tag + " " + verdict.detail + (ra.note.empty() ? "" : " " + ra.note), ra.delay,
               now);
    return;
  }
  if ((status == 403 || status == 404 || status == 410) && expires_ && now >= *expires_) {
    links_expired(f, status, now);  // T27, open point 2
    return;
  }
  // Anything else is final for this file: a 404 before Expires means the server advertised a
  // file it cannot serve (MF-12), and retrying would only hide that. No row: not counted.
  fail_file(f, FileFailure::kDownload,
            "answered " + std::to_string(status) + " (" + verdict.detail + "); expected 200", now);
}

void ExportClient::on_file_redirect(FileDownload& f, const InFlight& rec, Instant now) {
  const std::string tag = "download " + f.report.name + ": " + std::to_string(rec.status);
  const auto location = rec.headers.get("Location");
  if (!location || protocol::trim(*location).empty()) {
    fail_file(f, FileFailure::kDownload,
              "redirect " + std::to_string(rec.status) + " without a Location header", now);
    return;
  }
  if (f.redirects >= opts_.max_redirects) {
    fail_file(f, FileFailure::kDownload,
              "more than " + std::to_string(opts_.max_redirects) + " redirects (DL-15)", now);
    return;
  }
  auto next = protocol::resolve_url(f.current, protocol::trim(*location));
  if (!next || (next->scheme == "https" && !opts_.https_supported)) {
    fail_file(f, FileFailure::kDownload,
              "redirect to \"" + std::string(*location) + "\" cannot be followed: " +
                  (next ? "https is not supported yet" : next.error().message()),
              now);
    return;
  }
  std::string note;
  if (!next->same_origin(f.current) && f.send_auth) {
    // DL-15: a token must never leak to another host (object storage, CDN).
    f.send_auth = false;
    note = " (other origin: Authorization dropped)";
  }
  f.current = *next;
  ++f.redirects;
  f.state = FileState::kPending;  // a redirect is not a failure: follow at once
  log(now, tag + " → " + next->str() + note);
}

void ExportClient::retry_file(FileDownload& f, const std::string& what,
                              std::optional<Duration> retry_after, Instant now) {
  mark(Transition::kT26);  // also the last failure, whose budget ran out (T26: then S10)
  f.receiver.reset();      // the file is rewritten from scratch on the next attempt
  if (auto wait = schedule_retry(f.chain, now, retry_after)) {
    reset_attempt(f);
    log(now, what + " → retry in " + format_seconds(*wait));
    return;
  }
  fail_file(f, FileFailure::kDownload, what + "; " + budget_note(f.chain), now);
}

void ExportClient::fail_file(FileDownload& f, FileFailure failure, std::string problem,
                             Instant now) {
  f.receiver.reset();
  f.state = FileState::kFailed;
  f.failure = failure;
  f.report.ok = false;
  f.report.problem = std::move(problem);
  log(now, "download " + f.report.name + " failed: " + f.report.problem);
}

Outcome ExportClient::downloads_outcome() const {
  bool gone = false, download = false;
  std::size_t failed = 0;
  std::string detail;
  for (const auto& f : files_) {
    if (f.state == FileState::kDone) continue;
    gone = gone || f.failure == FileFailure::kGone;
    download = download || f.failure == FileFailure::kDownload;
    if (++failed <= 5)
      detail += "; " + f.report.name + " (" + f.report.url + "): " + f.report.problem;
  }
  if (failed == 0) {
    std::uint64_t resources = 0, bytes = 0;
    for (const auto& f : files_) {
      resources += f.report.resources;
      bytes += f.report.bytes;
    }
    return make_outcome(OutcomeKind::kSuccess, std::to_string(files_.size()) +
                                                   " files downloaded and valid, " +
                                                   std::to_string(resources) + " resources, " +
                                                   std::to_string(bytes) + " bytes");
  }
  if (failed > 5) detail += "; and " + std::to_string(failed - 5) + " more";
  const auto kind = gone       ? OutcomeKind::kGone
                    : download ? OutcomeKind::kDownloadFailed
                               : OutcomeKind::kValidationFailed;
  return make_outcome(kind, std::to_string(failed) + " of " + std::to_string(files_.size()) +
                                " files failed" + detail);
}

void ExportClient::complete_downloads(Instant now) {
  Outcome verdict = downloads_outcome();
  const bool all_fetched =
      std::all_of(files_.begin(), files_.end(), [](const auto& f) { return f.report.fetched; });
  if (all_fetched) mark(Transition::kT33);  // a file given up on ended in S10 or S21 instead
  // Policy: release (T34) only when every file arrived; after a failed download the server's
  // copy is what a re-run would fetch.
  if (opts_.release_after_download && all_fetched) {
    pending_ = std::move(verdict);
    delete_reason_ = "release";
    grace_end_ = now + opts_.delete_grace;
    phase_ = Phase::kDeleting;
    delete_.ready_at = now;
    return;
  }
  finish(std::move(verdict));
}

}  // namespace bh::client
