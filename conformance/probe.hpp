// conformance/probe: the runner's requests to the server under test, recorded as evidence.
//
// Contract: every request goes through fetch(), which bounds the body it keeps (the rest is
// counted, not stored), sends the bearer token only to the FHIR server's origin, and records
// the exchange. poll() follows one status URL to a terminal answer the way a careful client
// does: it honours a valid Retry-After (delay-seconds or HTTP-date), falls back to exponential
// backoff without one, retries 429, transient errors and network failures a bounded number of
// times, and stops at the job budget or the run's deadline. download() streams one file through
// the NDJSON validator (decoding gzip when the server says so), follows at most 5 redirects and
// never carries Authorization to another origin. Nothing here throws or waits unbounded.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conformance/check.hpp"
#include "conformance/http.hpp"
#include "protocol/ig_version.hpp"
#include "protocol/ndjson.hpp"
#include "protocol/url.hpp"

namespace bh::conformance {

struct ProbeOptions {
  std::string base_url;  // FHIR base, no trailing '/'
  protocol::IgVersion version = protocol::kDefaultIgVersion;
  Duration request_timeout = seconds(30);
  Duration job_timeout = seconds(300);  // one export, kick-off to manifest
  std::optional<std::string> bearer_token;
  // JSON bodies (manifests, outcomes) are read up to this, then the read stops: an endless or
  // gigantic body costs at most this much. The client's manifest limit is the same.
  std::size_t max_kept_body = 16u << 20;
};

struct Exchange {
  Outgoing request;
  Incoming response;
  std::string body;  // at most max_kept_body bytes of it
  std::uint64_t body_bytes = 0;
  Instant at{};
  bool ok() const { return !response.error && response.status != 0; }
  // The body went past max_kept_body and was not read whole: never judge `body` as if it were.
  bool truncated() const { return body_bytes > body.size(); }
  Evidence evidence() const;
  std::optional<std::string_view> header(std::string_view name) const {
    return response.headers.get(name);
  }
};

// How a kick-off is sent: which headers the runner leaves out or changes.
struct KickoffStyle {
  bool post = false;  // a Parameters body instead of the query
  bool accept = true;
  bool prefer_async = true;
  std::string extra_prefer;  // "handling=lenient"
  static KickoffStyle posted(bool post = true) {
    KickoffStyle s;
    s.post = post;
    return s;
  }
};

enum class PollEnd { kComplete, kFailed, kGone, kTimedOut, kTransport };
std::string_view to_string(PollEnd end);

struct PollResult {
  PollEnd end = PollEnd::kTimedOut;
  std::vector<Exchange> polls;  // every status answer, in order (bounded: see kMaxKeptPolls)
  std::size_t poll_count = 0;
  std::string message;
  const Exchange* last() const { return polls.empty() ? nullptr : &polls.back(); }
};

// What the runner learns from each resource line, for the filter checks.
struct ResourceFacts {
  std::string type;
  std::string id;
  std::string last_updated;               // meta.lastUpdated, as written
  std::vector<std::string> keys;          // top-level element names
  std::vector<std::string> patient_refs;  // ids referenced as "Patient/<id>" anywhere
  bool subsetted = false;                 // meta.tag SUBSETTED
  std::vector<std::string> r4_problems;   // base R4 structure (protocol/r4_model), first few
};

struct Download {
  Exchange head;  // the final response (after redirects); body not kept
  std::vector<std::string> redirects;
  bool redirect_limit = false;  // still redirecting after kMaxRedirects hops (a loop?)
  std::string content_encoding;
  bool decoded_gzip = false;
  bool unlabelled_gzip = false;  // the body starts like gzip but no Content-Encoding says so
  std::optional<std::string> decode_error;
  protocol::NdjsonSummary summary;
  std::uint64_t bytes = 0;  // as received
};

using FactsFn = std::function<void(const ResourceFacts&)>;

class Probe {
 public:
  static constexpr std::size_t kMaxKeptPolls = 400;

  Probe(Http& http, ProbeOptions options, Instant deadline);

  const ProbeOptions& options() const { return options_; }
  Http& http() { return http_; }
  bool out_of_time() const;
  // The Retry-After of `e` when it is valid and believable (at most an hour), else none.
  std::optional<Duration> honoured_retry_after(const Exchange& e) const;
  Duration time_left() const;

  Exchange fetch(Outgoing request);
  // fetch() without adding Authorization: token requests, and the checks that a server
  // refuses a request without a token.
  Exchange fetch_as_is(Outgoing request);
  // Where fetch() gets its token when SMART is in use (conformance/smart_client); without one
  // it sends ProbeOptions::bearer_token.
  void set_token_source(std::function<std::optional<std::string>()> source) {
    token_source_ = std::move(source);
  }
  Exchange get(const std::string& url, protocol::Headers headers = {});
  Exchange del(const std::string& url);

  std::string export_url(const std::string& level) const;  // "system", "patient", "group:ID"
  Outgoing kickoff_request(const std::string& level, const protocol::QueryParams& params,
                           const KickoffStyle& style) const;
  Exchange kickoff(const std::string& level, const protocol::QueryParams& params,
                   const KickoffStyle& style = {});
  // A kick-off refused with 429 or a transient error is retried within the budget.
  Exchange kickoff_patiently(const std::string& level, const protocol::QueryParams& params,
                             const KickoffStyle& style = {});
  PollResult poll(const std::string& status_url);
  Download download(const std::string& url, const std::string& expected_type, bool offer_gzip,
                    const FactsFn& on_resource = {});

  // Every status answer any poll saw, for the checks that judge what the server does on its
  // own (errors, throttling, progress): bounded like PollResult.
  const std::vector<Exchange>& status_log() const { return status_log_; }

 private:
  // The honoured Retry-After (at least 50 ms), else exponential backoff from 1 s up to 30 s.
  static Duration wait_after(std::optional<Duration> honoured, int attempt);
  Download download_once(const Outgoing& request, const std::string& expected_type,
                         const FactsFn& on_resource);
  Outgoing with_auth(Outgoing request) const;

  Http& http_;
  ProbeOptions options_;
  Instant deadline_;
  std::optional<protocol::Url> base_;
  std::vector<Exchange> status_log_;
  std::function<std::optional<std::string>()> token_source_;
};

// Reads one resource line's facts; nullopt when the line is not a JSON object.
std::optional<ResourceFacts> resource_facts(std::string_view line);

}  // namespace bh::conformance
