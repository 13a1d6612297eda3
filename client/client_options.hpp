// client/client_options: everything an ExportClient is told before it starts.
//
// Contract: plain data with safe defaults; validate_options() rejects nonsense (no base URL,
// group level without an id, zero parallelism...) with an Error naming the option, so the state
// machine itself can assume sane values. Every loop the client runs is bounded by one of these
// limits: retries per request chain, retries overall, requests overall, the deadline, and the
// grace period a final DELETE gets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/signing_key.hpp"
#include "client/backoff.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "protocol/export_request.hpp"
#include "protocol/ig_version.hpp"

namespace bh::client {

// SMART Backend Services (AUTH-03, AUTH-08): the client signs its own assertions.
struct SmartAuthOptions {
  std::string client_id;
  std::shared_ptr<const auth::SigningKey> key;  // shared: options are copied
  std::string token_url;  // empty: read token_endpoint from [base]/.well-known/smart-configuration
  std::string scope = "system/*.read";
  Duration assertion_lifetime = seconds(240);  // exp = now + this (at most 5 minutes, AUTH-03)
};

struct ClientOptions {
  std::string base_url;  // FHIR base, absolute: "http://localhost:8080/fhir"
  protocol::ExportLevel level = protocol::ExportLevel::kSystem;
  std::string group_id;            // for kGroup
  std::vector<std::string> types;  // _type; empty = server default
  std::optional<Instant> since;    // _since
  bool use_post = false;           // POST a Parameters body instead of GET (KO-03, KO-04)
  std::vector<std::pair<std::string, std::string>> extra_params;  // passed through as given
  protocol::IgVersion ig_version = protocol::kDefaultIgVersion;
  std::optional<std::string> bearer_token;  // sent as Authorization: Bearer (no SMART flow)
  std::optional<SmartAuthOptions> smart;    // get and renew tokens (exclusive with bearer_token)

  std::uint64_t seed = 0;  // jitter streams derive from it
  BackoffPolicy backoff;
  std::uint32_t max_consecutive_failures = 8;  // per request chain (kick-off, status, one file)
  std::uint32_t max_total_retries = 200;       // over the whole job
  std::uint64_t max_requests = 10000;          // hard cap: a pathological server cannot loop us
  Duration min_wait = millis(500);             // floor between two attempts of one chain
  // A Retry-After asking for longer than this is implausible and ignored (backoff instead).
  Duration max_retry_after = std::chrono::hours(1);
  std::uint32_t max_parallel_downloads = 4;
  std::size_t max_line_bytes = 64u << 20;         // NDJSON line limit
  std::size_t max_status_body_bytes = 16u << 20;  // kick-off/status/DELETE bodies (manifest)
  std::optional<Instant> deadline;                // absolute; none = no deadline
  Duration delete_grace = seconds(30);  // how long a final DELETE may take before we give up
  std::uint32_t max_delete_attempts = 3;
  std::uint32_t max_redirects = 5;           // per file download (DL-15)
  std::uint32_t max_manifest_refreshes = 2;  // V3+: re-fetch the manifest for expired links
  bool release_after_download = true;        // DELETE the status URL once every file is fetched
  bool https_supported = true;  // false: https URLs fail clearly (the transport cannot do TLS)
};

Status validate_options(const ClientOptions& options);

}  // namespace bh::client
