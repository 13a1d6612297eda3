#include "conformance/probe.hpp"

#include <algorithm>

#include "client/wait_policy.hpp"
#include "protocol/export_request.hpp"
#include "protocol/http_date.hpp"
#include "protocol/operation_outcome.hpp"

namespace bh::conformance {

namespace {

constexpr std::size_t kExcerpt = 600;

std::string excerpt(std::string_view body, std::uint64_t total) {
  std::string out(body.substr(0, kExcerpt));
  for (char& c : out)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
      c = '?';
  if (total > out.size()) out += "... (" + std::to_string(total) + " bytes in all)";
  return out;
}

bool transient_error(const Exchange& e) {
  if (!e.ok()) return true;
  if (e.response.status == 429) return true;
  if (e.response.status < 500) return false;
  auto issues = protocol::parse_outcome(e.body);
  // A 5xx without a usable OperationOutcome may be a proxy in the way: worth one more try.
  return !issues || protocol::is_transient_outcome(*issues);
}

}  // namespace

std::string_view to_string(PollEnd end) {
  switch (end) {
    case PollEnd::kComplete:
      return "complete";
    case PollEnd::kFailed:
      return "failed";
    case PollEnd::kGone:
      return "gone (404)";
    case PollEnd::kTimedOut:
      return "timed out";
    case PollEnd::kTransport:
      return "transport failure";
  }
  return "?";
}

Evidence Exchange::evidence() const {
  Evidence ev;
  ev.request = request.method + " " + request.url;
  for (const auto& h : request.headers)
    ev.request += "\n" + h.name + ": " +
                  (protocol::iequals(h.name, "Authorization") ? "(redacted)" : h.value);
  if (!request.body.empty()) ev.request += "\n\n" + excerpt(request.body, request.body.size());
  if (response.status == 0) {
    ev.response = "no response: " + response.error.value_or("unknown failure");
    return ev;
  }
  ev.response = "HTTP " + std::to_string(response.status);
  std::size_t shown = 0;
  for (const auto& h : response.headers) {
    if (++shown > 16) break;
    ev.response += "\n" + h.name + ": " + h.value;
  }
  if (body_bytes > 0) ev.response += "\n\n" + excerpt(body, body_bytes);
  if (response.error) ev.response += "\n(then: " + *response.error + ")";
  return ev;
}

Probe::Probe(Http& http, ProbeOptions options, Instant deadline)
    : http_(http), options_(std::move(options)), deadline_(deadline) {
  auto base = protocol::parse_url(options_.base_url);
  if (base) base_ = *base;
}

bool Probe::out_of_time() const {
  return http_.now() >= deadline_;
}

Duration Probe::time_left() const {
  return std::max(Duration::zero(), deadline_ - http_.now());
}

Outgoing Probe::with_auth(Outgoing request) const {
  auto url = protocol::parse_url(request.url);
  // The token belongs to the FHIR server: never hand it to another origin (DL-15).
  if (!url || !base_ || !url->same_origin(*base_)) return request;
  const auto token = token_source_ ? token_source_() : options_.bearer_token;
  if (token) request.headers.set("Authorization", "Bearer " + *token);
  return request;
}

Exchange Probe::fetch(Outgoing request) {
  return fetch_as_is(with_auth(std::move(request)));
}

Exchange Probe::fetch_as_is(Outgoing request) {
  Exchange e;
  e.request = std::move(request);
  e.at = http_.now();
  const Duration timeout = std::min(options_.request_timeout, time_left());
  if (timeout <= Duration::zero()) {
    e.response.error = "not sent: the run's deadline has passed";
    return e;
  }
  const std::size_t keep = options_.max_kept_body;
  ResponseSink sink;
  sink.on_body = [&](std::string_view chunk) {
    e.body_bytes += chunk.size();
    if (e.body.size() < keep) e.body.append(chunk.substr(0, keep - e.body.size()));
    return e.body_bytes <= keep;  // past the limit: stop reading, the exchange says truncated()
  };
  e.response = http_.send(e.request, timeout, sink);
  return e;
}

Exchange Probe::get(const std::string& url, protocol::Headers headers) {
  return fetch(Outgoing{"GET", url, std::move(headers), {}});
}

Exchange Probe::del(const std::string& url) {
  protocol::Headers h;
  h.add("Accept", "application/fhir+json");
  return fetch(Outgoing{"DELETE", url, std::move(h), {}});
}

std::string Probe::export_url(const std::string& level) const {
  if (level == "system") return options_.base_url + "/$export";
  if (level == "patient") return options_.base_url + "/Patient/$export";
  return options_.base_url + "/Group/" + level.substr(level.find(':') + 1) + "/$export";
}

Outgoing Probe::kickoff_request(const std::string& level, const protocol::QueryParams& params,
                                const KickoffStyle& style) const {
  Outgoing out;
  out.url = export_url(level);
  if (style.accept) out.headers.add("Accept", "application/fhir+json");
  std::string prefer = style.prefer_async ? "respond-async" : "";
  if (!style.extra_prefer.empty()) prefer += (prefer.empty() ? "" : ", ") + style.extra_prefer;
  if (!prefer.empty()) out.headers.add("Prefer", prefer);
  if (style.post) {
    out.method = "POST";
    out.headers.add("Content-Type", "application/fhir+json");
    out.body = protocol::build_parameters_body(params, options_.version);
  } else if (!params.empty()) {
    out.url += "?" + protocol::build_query(params);
  }
  return out;
}

Exchange Probe::kickoff(const std::string& level, const protocol::QueryParams& params,
                        const KickoffStyle& style) {
  return fetch(kickoff_request(level, params, style));
}

Exchange Probe::kickoff_patiently(const std::string& level, const protocol::QueryParams& params,
                                  const KickoffStyle& style) {
  Exchange e = kickoff(level, params, style);
  // A server that does not answer at all gets one more try, not the full patience.
  for (int attempt = 0; attempt < (e.ok() ? 8 : 1) && transient_error(e) && !out_of_time();
       ++attempt) {
    const Duration wait = wait_after(honoured_retry_after(e), attempt);
    if (wait >= time_left()) break;
    http_.sleep(wait);
    e = kickoff(level, params, style);
  }
  return e;
}

std::optional<Duration> Probe::honoured_retry_after(const Exchange& e) const {
  Instant now = e.at;
  if (auto date = e.header("Date")) {
    if (auto d = protocol::parse_http_date(*date, now)) now = *d;
  }
  // Longer than an hour (Retry-After: 1000000000) is not believed: it gets backoff instead.
  return client::read_retry_after(e.response.headers, now, std::chrono::hours(1)).delay;
}

Duration Probe::wait_after(std::optional<Duration> honoured, int attempt) {
  if (honoured) return std::max(*honoured, millis(50));
  return std::min<Duration>(seconds(1) * (1LL << std::min(attempt, 5)), seconds(30));
}

PollResult Probe::poll(const std::string& status_url) {
  PollResult r;
  const Instant give_up = std::min(http_.now() + options_.job_timeout, deadline_);
  int backoff_step = 0, retries = 0;
  protocol::Headers accept;
  accept.add("Accept", "application/json");
  while (true) {
    Exchange e = get(status_url, accept);
    ++r.poll_count;
    if (status_log_.size() < kMaxKeptPolls) status_log_.push_back(e);
    if (r.polls.size() < kMaxKeptPolls) r.polls.push_back(e);
    const int st = e.response.status;
    if (e.ok() && (st == 200 || st == 404)) {
      r.end = st == 200 ? PollEnd::kComplete : PollEnd::kGone;
      if (st == 404) r.message = "404 on the status URL";
      return r;
    }
    const bool retry = e.ok() ? (st == 202 || transient_error(e)) : true;
    if (!retry || (st != 202 && ++retries > (e.ok() ? 6 : 2))) {
      r.end = e.ok() ? PollEnd::kFailed : PollEnd::kTransport;
      r.message = e.ok() ? "status answered " + std::to_string(st) : *e.response.error;
      return r;
    }
    if (st == 202) retries = 0;
    const auto honoured = honoured_retry_after(e);
    const Duration wait = wait_after(honoured, backoff_step++);
    // Only a Retry-After we obeyed restarts the backoff; an ignored one must not.
    if (st == 202 && honoured) backoff_step = 0;
    if (http_.now() + wait > give_up) {
      r.end = PollEnd::kTimedOut;
      r.message = "no final answer after " + std::to_string(r.poll_count) + " polls: " +
                  (give_up == deadline_
                       ? std::string("the run's deadline (--timeout) came first")
                       : "the job budget of " + client::format_seconds(options_.job_timeout) +
                             " (--job-timeout) ran out");
      return r;
    }
    http_.sleep(wait);
  }
}

}  // namespace bh::conformance
