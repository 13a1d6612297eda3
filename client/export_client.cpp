#include "client/export_client.hpp"

#include <algorithm>
#include <utility>

#include "client/wait_policy.hpp"
#include "protocol/fhir_instant.hpp"

namespace bh::client {

namespace {

// Error bodies of file requests are kept only for the message.
constexpr std::size_t kFileErrorExcerptBytes = 64u << 10;
// The event log is for people; past this a pathological run stops recording (the request cap
// bounds it anyway).
constexpr std::size_t kMaxEvents = 100000;

Backoff chain_backoff(const ClientOptions& o, std::string_view name) {
  return Backoff(o.backoff, Rng::stream(o.seed, name));
}

}  // namespace

ExportClient::ExportClient(ClientOptions options, OutputSink& sink)
    : opts_(std::move(options)),
      sink_(sink),
      kickoff_(chain_backoff(opts_, "client/kickoff")),
      poll_(chain_backoff(opts_, "client/status")),
      refresh_(chain_backoff(opts_, "client/refresh")),
      delete_(chain_backoff(opts_, "client/delete")),
      token_chain_(chain_backoff(opts_, "client/token")) {
  const auto valid = validate_options(opts_);
  BH_ASSERT(valid.ok(), "ExportClient options must pass validate_options");
  if (opts_.smart) keeper_.emplace(*opts_.smart, opts_.base_url, opts_.seed);
}

void ExportClient::touch(Instant now) {
  last_now_ = std::max(last_now_, now);
}

void ExportClient::log(Instant at, std::string text) {
  if (events_.size() >= kMaxEvents) return;
  events_.push_back({at, std::move(text)});
  if (on_event_) on_event_(events_.back());
}

Action ExportClient::next_action(Instant now) {
  touch(now);
  if (phase_ == Phase::kFinished) return Done{outcome_};
  if (!started_) {
    started_ = true;
    kickoff_.ready_at = now;
  }
  if (phase_ != Phase::kDeleting && opts_.deadline && now >= *opts_.deadline) {
    log(now, "deadline " + protocol::format_fhir_instant(*opts_.deadline) + " passed");
    begin_stop(OutcomeKind::kTimedOut,
               "the client deadline " + protocol::format_fhir_instant(*opts_.deadline) +
                   " passed before the export finished",
               now);
  }
  if (phase_ == Phase::kDeleting && now >= grace_end_) {
    // Still waiting for the kick-off's answer: no status URL, so no DELETE was ever sent.
    const std::string what =
        awaiting_kickoff_ ? std::string("the kick-off was never answered, so no job could be ") +
                                (delete_reason_ == "cancel" ? "cancelled" : "released")
                          : "the " + delete_reason_ + " DELETE was not answered in time";
    log(now, what + " (waited " + format_seconds(opts_.delete_grace) + ")");
    pending_.message += "; " + what;
    finish(pending_);
  }
  return step(now);
}

Action ExportClient::step(Instant now) {
  if (phase_ != Phase::kFinished)
    if (auto wait_for_token = auth_step(now)) return *wait_for_token;
  switch (phase_) {
    case Phase::kKickoff:
      return chain_step(kickoff_, now, &ExportClient::send_kickoff);
    case Phase::kPolling:
      return chain_step(poll_, now, &ExportClient::send_poll);
    case Phase::kDownloading:
      return download_step(now);
    case Phase::kDeleting:
      return delete_step(now);
    case Phase::kFinished:
      break;
  }
  return Done{outcome_};
}

Action ExportClient::chain_step(RetryChain& chain, Instant now,
                                Action (ExportClient::*send)(Instant)) {
  if (chain.in_flight) return WaitUntil{wake_limit()};
  if (now < chain.ready_at) return WaitUntil{std::min(chain.ready_at, wake_limit())};
  return (this->*send)(now);
}

Instant ExportClient::wake_limit() const {
  if (phase_ == Phase::kDeleting) return grace_end_;
  return opts_.deadline.value_or(Instant::max());
}

Action ExportClient::issue(RequestKind kind, BuiltRequest built, std::size_t file,
                           std::uint32_t number) {
  if (requests_ >= opts_.max_requests) {
    // The hard cap: whatever the server does, a job never costs more than this many requests.
    const std::string msg = "request cap of " + std::to_string(opts_.max_requests) +
                            " reached; the server kept the client retrying";
    log(last_now_, msg);
    if (phase_ == Phase::kDeleting) {
      finish(pending_);
    } else {
      finish(make_outcome(OutcomeKind::kFailed, msg));
    }
    return Done{outcome_};
  }
  ++requests_;
  const RequestId id = next_id_++;
  InFlight rec;
  rec.kind = kind;
  rec.file = file;
  // SMART: the current token goes on every FHIR request, and on a file hop only where the
  // manifest asked for it and the hop stays on the origin (send_auth).
  const bool fhir = kind != RequestKind::kToken && kind != RequestKind::kDiscovery;
  if (keeper_ && fhir && keeper_->token() &&
      (kind != RequestKind::kFile || files_[file].send_auth)) {
    built.req.headers.set("Authorization", "Bearer " + *keeper_->token());
    rec.token_serial = keeper_->serial();
  }
  rec.url = built.url;
  rec.number = number;
  inflight_.emplace(id, std::move(rec));
  const std::uint64_t limit = kind == RequestKind::kFile ? 0 : opts_.max_status_body_bytes;
  return Send{id, std::move(built.req), std::move(built.url), limit};
}

std::optional<Duration> ExportClient::schedule_retry(RetryChain& chain, Instant now,
                                                     std::optional<Duration> retry_after) {
  ++chain.consecutive_failures;
  if (chain.consecutive_failures >= opts_.max_consecutive_failures) return std::nullopt;
  if (total_retries_ >= opts_.max_total_retries) return std::nullopt;
  ++total_retries_;
  const Duration wait = combine_wait(opts_.min_wait, retry_after, chain.backoff.next());
  chain.ready_at = now + wait;
  return wait;
}

std::string ExportClient::budget_note(const RetryChain& chain) const {
  if (total_retries_ >= opts_.max_total_retries)
    return "the job's retry budget of " + std::to_string(opts_.max_total_retries) +
           " retries is used up";
  return "gave up after " + std::to_string(chain.consecutive_failures) + " consecutive failures";
}

void ExportClient::on_response_head(RequestId id, int status, const protocol::Headers& headers,
                                    Instant now) {
  touch(now);
  auto it = inflight_.find(id);
  if (it == inflight_.end()) return;
  it->second.head_seen = true;
  it->second.status = status;
  it->second.headers = headers;
  if (it->second.kind == RequestKind::kFile) on_file_head(it, now);
}

bool ExportClient::on_body(RequestId id, std::string_view chunk) {
  auto it = inflight_.find(id);
  if (it == inflight_.end()) return false;
  InFlight& rec = it->second;
  BH_ASSERT(rec.head_seen, "on_body before on_response_head");
  if (rec.kind == RequestKind::kFile) {
    FileDownload& f = files_[rec.file];
    if (f.receiver) {
      auto fed = f.receiver->feed(chunk);
      if (fed) return true;
      f.receiver.reset();
      inflight_.erase(it);
      fail_file(f, FileFailure::kDownload, "local write failed: " + fed.error().message(),
                last_now_);
      return false;
    }
  }
  const std::size_t limit =
      rec.kind == RequestKind::kFile ? kFileErrorExcerptBytes : opts_.max_status_body_bytes;
  if (rec.body.size() + chunk.size() <= limit) {
    rec.body.append(chunk);
    return true;
  }
  // Over the limit: settle now with what we have, and tell the transport to stop reading.
  rec.body.append(chunk.substr(0, limit - rec.body.size()));
  rec.overflow = true;
  settle(it, last_now_);
  return false;
}

void ExportClient::on_response_end(RequestId id, Instant now) {
  touch(now);
  auto it = inflight_.find(id);
  if (it == inflight_.end()) return;
  if (!it->second.head_seen) {
    InFlight rec = std::move(it->second);
    inflight_.erase(it);
    settle_transport_error(std::move(rec), "response ended before its status line", now);
    return;
  }
  settle(it, now);
}

void ExportClient::on_transport_error(RequestId id, std::string message, Instant now) {
  touch(now);
  auto it = inflight_.find(id);
  if (it == inflight_.end()) return;
  InFlight rec = std::move(it->second);
  inflight_.erase(it);
  settle_transport_error(std::move(rec), message, now);
}

void ExportClient::settle(InFlightMap::iterator it, Instant now) {
  InFlight rec = std::move(it->second);
  inflight_.erase(it);
  if (keeper_ && rec.token_serial != 0 && rec.status >= 200 && rec.status < 300)
    keeper_->accepted(rec.token_serial);
  if (retry_unauthorized(rec, now)) return;
  switch (rec.kind) {
    case RequestKind::kDiscovery:
    case RequestKind::kToken:
      on_auth_response(rec, now);
      break;
    case RequestKind::kKickoff:
      on_kickoff_response(rec, now);
      break;
    case RequestKind::kPoll:
      on_poll_response(rec, now);
      break;
    case RequestKind::kRefresh:
      on_refresh_response(rec, now);
      break;
    case RequestKind::kFile:
      on_file_response(rec, now);
      break;
    case RequestKind::kDelete:
      on_delete_response(rec, now);
      break;
  }
}

void ExportClient::settle_transport_error(InFlight rec, const std::string& message, Instant now) {
  const std::string what = "transport error: " + message;
  switch (rec.kind) {
    case RequestKind::kDiscovery:
    case RequestKind::kToken:
      token_chain_.in_flight = false;
      auth_failed(what, std::nullopt, false, true, now);
      break;
    case RequestKind::kKickoff:
      on_kickoff_failure(what, std::nullopt, true, now);
      break;
    case RequestKind::kPoll:
      poll_.in_flight = false;
      last_status_response_ = now;
      mark(Transition::kT16);  // a timeout or reset (ST-12)
      last_poll_throttled_ = false;
      on_poll_failure("poll " + std::to_string(rec.number) + ": " + what, std::nullopt, true, now);
      break;
    case RequestKind::kRefresh: {  // retried unless the budget is out (then T29, per file)
      refresh_.in_flight = false;
      last_status_response_ = now;
      if (schedule_retry(refresh_, now, std::nullopt)) {
        refresh_pending_ = true;
        log(now, "manifest refresh: " + what + " → retrying");
      } else {
        refresh_failed(what, now);
      }
      break;
    }
    case RequestKind::kFile: {
      FileDownload& f = files_[rec.file];
      f.receiver.reset();  // discards the partial file
      retry_file(f, what, std::nullopt, now);
      break;
    }
    case RequestKind::kDelete:  // no row (T38 names error answers only): not counted
      on_delete_failure("DELETE (" + delete_reason_ + "): " + what, std::nullopt, now);
      break;
  }
}

void ExportClient::abandon_requests(bool keep_kickoff) {
  for (auto it = inflight_.begin(); it != inflight_.end();) {
    if (keep_kickoff && it->second.kind == RequestKind::kKickoff) {
      ++it;
      continue;
    }
    it = inflight_.erase(it);
  }
  for (auto& f : files_) {
    // A download cut off by the stop says so, with what had arrived, instead of "()".
    if (f.receiver && !f.terminal() && f.report.problem.empty())
      f.report.problem = "still downloading when the client stopped (" +
                         std::to_string(f.receiver->bytes()) + " bytes received, not kept)";
    f.receiver.reset();
  }
  poll_.in_flight = refresh_.in_flight = delete_.in_flight = token_chain_.in_flight = false;
  if (!keep_kickoff) kickoff_.in_flight = false;
}

void ExportClient::begin_stop(OutcomeKind kind, std::string message, Instant now) {
  // Before completion the job is cancelled (T36); after it, releasing is the user's choice.
  const bool complete = manifest_.has_value();
  const bool want_delete = !complete || opts_.release_after_download;
  awaiting_kickoff_ = kickoff_.in_flight;
  abandon_requests(/*keep_kickoff=*/true);
  pending_ = make_outcome(kind, std::move(message));
  delete_reason_ = complete ? "release" : "cancel";
  grace_end_ = now + opts_.delete_grace;
  if (!want_delete || (!status_url_ && !awaiting_kickoff_)) {
    finish(pending_);
    return;
  }
  phase_ = Phase::kDeleting;
  delete_.ready_at = now;
}

void ExportClient::cancel(Instant now) {
  touch(now);
  if (phase_ == Phase::kFinished) return;
  if (phase_ == Phase::kDeleting) {
    log(now, "cancel again: not waiting for the " + delete_reason_ + " DELETE");
    finish(pending_);
    return;
  }
  log(now, "cancel requested");
  begin_stop(OutcomeKind::kCancelled, "cancelled by the user", now);
}

Outcome ExportClient::make_outcome(OutcomeKind kind, std::string message) const {
  Outcome o;
  o.kind = kind;
  o.message = std::move(message);
  o.counts.requests = requests_;
  o.counts.files_expected = files_.size();
  for (const auto& f : files_) {
    o.files.push_back(f.report);
    if (f.report.ok) ++o.counts.files_ok;
    if (!f.report.fetched) continue;
    o.counts.bytes += f.report.bytes;
    o.counts.resources_by_type[f.report.type] += f.report.resources;
  }
  return o;
}

void ExportClient::finish(Outcome outcome) {
  // Counts are taken now: a release DELETE may have been sent since the verdict was made.
  auto final_outcome = make_outcome(outcome.kind, std::move(outcome.message));
  abandon_requests(/*keep_kickoff=*/false);
  phase_ = Phase::kFinished;
  outcome_ = std::move(final_outcome);
  log(last_now_, "done: " + std::string(to_string(outcome_.kind)) + " (exit " +
                     std::to_string(exit_code(outcome_.kind)) + "): " + outcome_.message);
}

}  // namespace bh::client
