// sim/invariant: what must hold in every simulated run, checked as the run goes.
//
// Contract: an Invariant is told about every server-side exchange as it happens (on_exchange,
// in arrival order) and about the run's end (at_end), and adds a Violation for each breach it
// sees, naming itself, the requirement IDs, when, and what was expected against what happened.
// Invariants are small and independent (one per file family under sim/invariants_*.cpp); they
// read only SimExchange and EndFacts, never the client's internals, so they judge behaviour
// on the wire the way a server operator would see it, with ground truth from the mock's job.
// make_invariants() lists them in a fixed order (reports are deterministic).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/client_options.hpp"
#include "client/outcome.hpp"
#include "core/time.hpp"
#include "protocol/export_job.hpp"
#include "protocol/export_service.hpp"
#include "sim/counting_sink.hpp"

namespace bh::sim {

struct Violation {
  std::string invariant;
  std::vector<std::string> requirements;
  Duration at{};  // scenario time since the run started
  std::string detail;
};

// One request as the server received it and what it answered.
struct SimExchange {
  std::uint64_t n = 0;  // 1-based, per run
  int client = 1;       // 1: the client under test; 2: the liveness client; 0: the harness
  Duration at{};        // arrival, since the run started
  std::string method, path;
  protocol::Endpoint endpoint = protocol::Endpoint::kOther;
  std::string job_id;  // the job the request concerns; for a kick-off, the one it created
  int status = 0;      // 0: no HTTP answer reached the client (connection fault)
  bool whole = true;   // the body arrived whole (false: cut short or mis-framed)
  std::optional<Duration> retry_after;  // a valid, plausible Retry-After, as a wait
  // The same read from the head even when the body was then cut: a client may follow it.
  std::optional<Duration> head_retry_after;
  bool retry_after_invalid = false;        // present but unusable (invalid, implausible, repeated)
  bool faulted = false;                    // a fault rule fired on it
  std::vector<std::string> manifest_urls;  // a manifest body: every url it lists
  std::string location;                    // a redirect's Location (path or absolute URL)
};

// Where a file the client listed ended up.
struct FileTruth {
  std::string url;
  std::uint64_t count = 0;  // the service's count for it
};

struct EndFacts {
  client::Outcome outcome;
  const client::ClientOptions& options;
  const std::map<std::string, WrittenFile>& written;  // what the client's sink holds
  const protocol::ExportJob* job = nullptr;           // ground truth: the job the client created
  std::string base_url;                               // to turn job files into URLs
  bool finished = false;                              // the client reached Done
  bool hang = false;       // nothing was pending and the client was not done
  Duration finished_at{};  // since the run started
  Duration bound{};        // when it had to be done by
  int client = 1;
  std::optional<Instant> deadline;        // the client's deadline, in the server's scenario time
  std::optional<Duration> deadline_wire;  // the same, as the client's time since the start
};

class Invariant {
 public:
  virtual ~Invariant() = default;
  virtual const char* id() const = 0;
  virtual std::vector<std::string> requirements() const = 0;
  virtual void on_exchange(const SimExchange&, std::vector<Violation>&) {}
  virtual void at_end(const EndFacts&, std::vector<Violation>&) {}
};

struct InvariantSettings {
  client::ClientOptions client;  // the budgets the client was given
  bool v3_refresh = false;       // IG 3.0.0+: a status GET after the manifest may refresh links
};

std::vector<std::unique_ptr<Invariant>> make_invariants(const InvariantSettings& settings);

// Per-family factories (sim/invariants_*.cpp).
std::unique_ptr<Invariant> make_retry_after_honoured();
std::unique_ptr<Invariant> make_backs_off_when_throttled(Duration floor);
std::unique_ptr<Invariant> make_no_request_after_terminal(bool v3_refresh);
std::unique_ptr<Invariant> make_delete_honoured();
std::unique_ptr<Invariant> make_every_file_downloaded(std::uint32_t max_attempts);
std::unique_ptr<Invariant> make_resources_match_counts();
std::unique_ptr<Invariant> make_outcome_matches_truth();
std::unique_ptr<Invariant> make_bounded_requests(const client::ClientOptions& options);
std::unique_ptr<Invariant> make_terminates();

// "request chain" of an exchange: kick-off, one status URL, DELETE of one, one file URL.
std::string chain_of(const SimExchange& e);
// A failure the client is expected to retry: 429, 5xx, or no whole HTTP answer.
bool is_retryable_failure(const SimExchange& e);

}  // namespace bh::sim
