// ExportClient, expired links: S14 LINKS_EXPIRED (T27-T29, DL-10, open point 2).
//
// Policy: V1/V2 have no way to renew links, so an expired link is final (GONE). From V3 the
// client fetches the manifest again from the status URL (at most max_manifest_refreshes times
// per job) and retries the expired files with the URL at the same position of the same list;
// ST-08 guarantees listed files never change.
#include <algorithm>

#include "client/error_classifier.hpp"
#include "client/export_client.hpp"
#include "client/wait_policy.hpp"
#include "protocol/http_date.hpp"

namespace bh::client {

void ExportClient::links_expired(FileDownload& f, int status, Instant now) {
  const std::string what = "answered " + std::to_string(status) + " after Expires " +
                           protocol::format_http_date(*expires_);
  mark(Transition::kT27);  // per file
  const bool can_refresh =
      opts_.ig_version >= protocol::IgVersion::kV3_0_0 &&
      (refresh_pending_ || refresh_.in_flight || refreshes_ < opts_.max_manifest_refreshes);
  if (!can_refresh) {
    mark(Transition::kT29);  // per file given up, here and below
    fail_file(f, FileFailure::kGone, what + ": links expired (T27/T29)", now);
    return;
  }
  f.receiver.reset();
  f.state = FileState::kAwaitingRefresh;
  log(now, "download " + f.report.name + ": " + what + " → fetching the manifest again (DL-10)");
  if (refresh_pending_ || refresh_.in_flight) return;
  refresh_pending_ = true;
  ++refreshes_;
  refresh_.consecutive_failures = 0;
  // A refresh is a status request: it keeps the polling floor.
  refresh_.ready_at = std::max(now, last_status_response_.value_or(now) + opts_.min_wait);
}

Action ExportClient::send_refresh(Instant now) {
  (void)now;
  ++polls_;
  Action action = issue(RequestKind::kRefresh, build_status_get(*status_url_, opts_), 0, polls_);
  if (std::holds_alternative<Send>(action)) {
    refresh_pending_ = false;
    refresh_.in_flight = true;
  }
  return action;
}

void ExportClient::on_refresh_response(InFlight& rec, Instant now) {
  refresh_.in_flight = false;
  last_status_response_ = now;
  const std::string tag = "poll " + std::to_string(rec.number) + ": " + std::to_string(rec.status);
  if (rec.status == 429 || rec.status >= 500) {
    const auto verdict = classify_error(rec.status, rec.headers, rec.body);
    const auto ra = read_retry_after(rec.headers, now, opts_.max_retry_after);
    if (verdict.cls != ErrorClass::kFatal) {
      if (auto wait = schedule_retry(refresh_, now, ra.delay)) {
        refresh_pending_ = true;
        log(now, tag + " " + verdict.detail + " → retry in " + format_seconds(*wait));
        return;
      }
    }
    refresh_failed(tag + " " + verdict.detail, now);
    return;
  }
  if (rec.status != 200 || rec.overflow) {
    refresh_failed(tag + "; expected 200 with a manifest", now);
    return;
  }
  const auto check = protocol::validate_manifest(rec.body, opts_.ig_version);
  if (!check.usable()) {
    refresh_failed(tag + " with an unusable manifest", now);
    return;
  }
  mark(Transition::kT28);  // once per refreshed manifest, however many links it renews
  const auto& m = *check.manifest;
  if (auto exp = rec.headers.get("Expires")) {
    if (auto t = protocol::parse_http_date(*exp, now)) expires_ = *t;
  }
  std::size_t renewed = 0;
  for (auto& f : files_) {
    if (f.state != FileState::kAwaitingRefresh) continue;
    const auto& list = f.kind == FileKind::kOutput  ? m.output
                       : f.kind == FileKind::kError ? m.error
                                                    : m.deleted;
    auto url = f.list_index < list.size() ? protocol::parse_url(list[f.list_index].url)
                                          : protocol::parse_url("");
    if (!url) {
      mark(Transition::kT29);
      fail_file(f, FileFailure::kGone, "links expired and the refreshed manifest has no URL for it",
                now);
      continue;
    }
    f.manifest_url = *url;
    f.chain.consecutive_failures = 0;
    f.chain.ready_at = now;
    reset_attempt(f);
    ++renewed;
  }
  log(now, tag + " refreshed manifest: " + std::to_string(renewed) + " link(s) renewed");
}

void ExportClient::refresh_failed(const std::string& why, Instant now) {
  refresh_pending_ = false;
  for (auto& f : files_) {
    if (f.state != FileState::kAwaitingRefresh) continue;
    mark(Transition::kT29);
    fail_file(f, FileFailure::kGone, "links expired and fetching the manifest again failed: " + why,
              now);
  }
}

}  // namespace bh::client
