// client/export_client: the reference Bulk Data export client as a sans-I/O state machine
// (requirements §2: states S0-S22, transitions T01-T41; no sockets, no real clock, no Asio).
//
// Contract:
//   * The driver calls next_action(now) repeatedly. It returns Send (one request per call while
//     requests may start: one kick-off/status/DELETE at a time, up to max_parallel_downloads
//     file downloads), WaitUntil (the next timer, the deadline, or the DELETE grace end while
//     responses are outstanding; Instant::max() when nothing bounds the wait), or Done.
//   * Each Send's response comes back as on_response_head, on_body* and on_response_end, or as
//     on_transport_error at any point. on_body returns false when the client no longer wants the
//     body (request abandoned, body over its limit, local write failure): the client has then
//     settled the request and the transport stops reading and reports nothing more for it.
//     Events for unknown or abandoned ids are ignored.
//   * Kick-off, status and DELETE bodies are buffered up to max_status_body_bytes; file bodies
//     stream through NdjsonValidator into the OutputSink and are never held whole.
//   * Timing: no attempt of a chain starts earlier than min_wait after the previous response,
//     nor before a valid Retry-After allows (status 202: Retry-After if valid, else exponential
//     backoff; 429 and transient errors: the larger of Retry-After and backoff). Every chain has
//     a consecutive-failure budget, the job a total retry budget and a request cap, so the run
//     ends whatever the server does.
//   * cancel() and the deadline stop the run: before the manifest arrived the status URL gets a
//     DELETE (DEL-01, T36) whose answer is awaited at most delete_grace; afterwards it gets one
//     only when release_after_download is set. The outcome is then Cancelled / TimedOut.
//   * Options must pass validate_options (a programmer error otherwise: asserted).
//   * transitions() counts the §2.2 transitions taken, one per occurrence (client/transition.hpp
//     and the mark() calls say which event is which); counting never changes behaviour.
// Policies where the spec is open (recorded again next to the code that applies them):
//   * 202 without Content-Location, or a relative one: Rejected (KO-11), never resolved.
//   * A 2xx other than 202 on kick-off: Rejected (not the async pattern).
//   * Errors: 429, transient OperationOutcome and 5xx without body are retried; a non-FHIR
//     error body is fatal (ERR-07, T19); status 404/410 without our DELETE is Gone (A.3).
//   * Invalid Retry-After (negative, fractional, garbage) is ignored for backoff (A.4).
//   * A manifest `count` that differs from the file is a validation failure (stricter than A.7's
//     SHOULD-match: a reference client must not call a wrong count a success).
//   * File 403/404/410 after Expires: LINKS_EXPIRED; V1/V2 Gone, V3+ re-fetch the manifest
//     (A.2, DL-10). Before Expires (or without it) a 4xx is final for that file, not retried.
//   * Redirects (DL-15, A.9): 301/302/303/307/308, at most max_redirects hops, Authorization
//     dropped once a hop leaves the origin; every retry restarts from the manifest URL.
//   * Content-Encoding other than identity fails the file (no Accept-Encoding is sent).
//   * Release DELETE only when every file was fetched; a refused DELETE only adds a warning.
//   * Authorization goes to file URLs only when requiresAccessToken is true (DL-05, DL-06).
//   * SMART (options.smart): a token is got before the first request and renewed before it
//     expires; while one is being got no new request starts. A 401 (a file: 401 or 403 with
//     requiresAccessToken) on a request that carried a token gets a new token and the request
//     again, once (client/token_keeper.hpp); a token endpoint 400/401 is final (T04): Rejected
//     before the kick-off was accepted, Failed after.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/action.hpp"
#include "client/client_event.hpp"
#include "client/client_options.hpp"
#include "client/file_download.hpp"
#include "client/outcome.hpp"
#include "client/output_sink.hpp"
#include "client/request_factory.hpp"
#include "client/retry_chain.hpp"
#include "client/token_keeper.hpp"
#include "client/transition.hpp"
#include "protocol/manifest.hpp"
#include "protocol/url.hpp"

namespace bh::client {

// Where the downloads stand, for a progress display (reading it changes nothing): the files the
// manifest lists (0 before it arrived), how many are finished and how many of those failed, and
// the body bytes received so far, files still arriving included.
struct DownloadProgress {
  std::uint64_t files = 0, finished = 0, failed = 0, bytes = 0;
};

class ExportClient {
 public:
  using EventCallback = std::function<void(const ClientEvent&)>;

  ExportClient(ClientOptions options, OutputSink& sink);
  ExportClient(const ExportClient&) = delete;
  ExportClient& operator=(const ExportClient&) = delete;

  Action next_action(Instant now);

  void on_response_head(RequestId id, int status, const protocol::Headers& headers, Instant now);
  bool on_body(RequestId id, std::string_view chunk);
  void on_response_end(RequestId id, Instant now);
  void on_transport_error(RequestId id, std::string message, Instant now);

  // User abort (SIGINT). A second cancel while the DELETE is pending finishes at once.
  void cancel(Instant now);

  void set_event_callback(EventCallback callback) { on_event_ = std::move(callback); }
  const std::vector<ClientEvent>& events() const { return events_; }
  bool finished() const { return phase_ == Phase::kFinished; }
  std::size_t in_flight() const { return inflight_.size(); }
  const std::optional<protocol::Url>& status_url() const { return status_url_; }
  const std::optional<std::string>& progress() const { return progress_; }
  const ClientOptions& options() const { return opts_; }
  const TransitionCounts& transitions() const { return transitions_; }
  DownloadProgress download_progress() const;

 private:
  enum class Phase { kKickoff, kPolling, kDownloading, kDeleting, kFinished };
  enum class RequestKind { kKickoff, kPoll, kRefresh, kFile, kDelete, kDiscovery, kToken };

  struct InFlight {
    RequestKind kind = RequestKind::kKickoff;
    std::size_t file = 0;  // index into files_ for kFile
    std::string url;
    std::uint32_t number = 0;  // poll number, for the log
    bool head_seen = false;
    int status = 0;
    protocol::Headers headers;
    std::string body;  // buffered (never for a 200 file body)
    bool overflow = false;
    std::uint64_t token_serial = 0;  // the SMART token it carried (0: none)
  };
  using InFlightMap = std::map<RequestId, InFlight>;

  // export_client.cpp: driving, routing, stopping.
  Action step(Instant now);
  Action chain_step(RetryChain& chain, Instant now, Action (ExportClient::*send)(Instant));
  Instant wake_limit() const;
  Action issue(RequestKind kind, BuiltRequest built, std::size_t file, std::uint32_t number);
  std::optional<Duration> schedule_retry(RetryChain& chain, Instant now,
                                         std::optional<Duration> retry_after);
  std::string budget_note(const RetryChain& chain) const;
  void settle(InFlightMap::iterator it, Instant now);
  void settle_transport_error(InFlight rec, const std::string& message, Instant now);
  void abandon_requests(bool keep_kickoff);
  void begin_stop(OutcomeKind kind, std::string message, Instant now);
  void finish(Outcome outcome);
  Outcome make_outcome(OutcomeKind kind, std::string message) const;
  void log(Instant at, std::string text);
  void touch(Instant now);
  void mark(Transition t) { ++transitions_[number(t)]; }

  // export_client_kickoff.cpp (S2, S3: T02, T05-T09).
  Action send_kickoff(Instant now);
  void on_kickoff_response(InFlight& rec, Instant now);
  void on_kickoff_failure(std::string what, std::optional<Duration> retry_after, bool transport,
                          Instant now);
  Result<protocol::Url> read_content_location(const protocol::Headers& headers) const;

  // export_client_poll.cpp (S5-S12: T11-T23).
  Action send_poll(Instant now);
  void on_poll_response(InFlight& rec, Instant now);
  void on_poll_failure(const std::string& what, std::optional<Duration> retry_after, bool transport,
                       Instant now);
  void accept_manifest(InFlight& rec, Instant now);
  void save_manifest_body(const std::string& body, Instant now);

  // export_client_download.cpp (S13, S14, S16: T24-T27, T33).
  Action download_step(Instant now);
  Action start_file(std::size_t index);
  void on_file_head(InFlightMap::iterator it, Instant now);
  void on_file_response(InFlight& rec, Instant now);
  void on_file_redirect(FileDownload& f, const InFlight& rec, Instant now);
  void retry_file(FileDownload& f, const std::string& what, std::optional<Duration> retry_after,
                  Instant now);
  void fail_file(FileDownload& f, FileFailure failure, std::string problem, Instant now);
  void complete_downloads(Instant now);
  Outcome downloads_outcome() const;
  bool file_auth() const;
  void reset_attempt(FileDownload& f);

  // export_client_refresh.cpp (V3+ expired links: T27, T28, T29).
  void links_expired(FileDownload& f, int status, Instant now);
  Action send_refresh(Instant now);
  void on_refresh_response(InFlight& rec, Instant now);
  void refresh_failed(const std::string& why, Instant now);

  // export_client_auth.cpp (S1 AUTHORIZING: T01, T03, T04, T10, T18, T25).
  std::optional<Action> auth_step(Instant now);
  void on_auth_response(InFlight& rec, Instant now);
  void auth_failed(const std::string& why, std::optional<Duration> retry_after, bool final,
                   bool transport, Instant now);
  bool retry_unauthorized(InFlight& rec, Instant now);
  void send_again(InFlight& rec, Instant now);
  std::optional<std::string> bearer() const;

  // export_client_delete.cpp (S17-S20: T34-T39).
  Action delete_step(Instant now);
  Action send_delete(Instant now);
  void on_delete_response(InFlight& rec, Instant now);
  void on_delete_failure(const std::string& what, std::optional<Duration> retry_after, Instant now);

  ClientOptions opts_;
  OutputSink& sink_;
  Phase phase_ = Phase::kKickoff;
  bool started_ = false;
  Instant last_now_{};
  RequestId next_id_ = 1;
  InFlightMap inflight_;
  std::uint64_t requests_ = 0;
  std::uint32_t total_retries_ = 0;

  RetryChain kickoff_;
  RetryChain poll_;
  RetryChain refresh_;
  RetryChain delete_;
  RetryChain token_chain_;
  std::optional<TokenKeeper> keeper_;  // SMART Backend Services, when configured

  std::optional<protocol::Url> status_url_;
  std::uint32_t polls_ = 0;
  std::optional<Instant> last_status_response_;  // floor for a manifest refresh
  std::optional<std::string> progress_;
  std::optional<protocol::Manifest> manifest_;
  std::optional<Instant> expires_;
  std::vector<FileDownload> files_;
  bool refresh_pending_ = false;
  std::uint32_t refreshes_ = 0;

  Outcome pending_;            // the verdict waiting for the final DELETE
  std::string delete_reason_;  // "cancel" or "release"
  Instant grace_end_{};
  bool awaiting_kickoff_ = false;

  Outcome outcome_;
  std::vector<ClientEvent> events_;
  TransitionCounts transitions_{};
  bool last_poll_throttled_ = false;  // for counting T15 only: the previous status answer was 429
  EventCallback on_event_;
};

}  // namespace bh::client
