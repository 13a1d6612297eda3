// mockserver/mock_server: the mock Bulk Data server as one pure request handler.
//
// Contract: handle(request, now) answers admin requests (/__admin/...), runs the scenario's
// fault rules around protocol::ExportService (and around the files faults published), and
// journals every non-admin exchange with the rules that fired. No sockets, no clock of its own:
// the Beast session and the simulator both call this same function, so they behave the same.
// Time: `now` is the transport's scenario time; the admin API may shift it (advance) or stop
// it (freeze), and MockServerConfig::frozen starts it stopped (serve --clock manual).
// Admin API (JSON in, JSON out; the scenario in the file format):
//   GET  /__admin/journal            the journal
//   POST /__admin/reset              forget jobs, journal, counters, published files; initial state
//   GET  /__admin/scenario           the running scenario
//   PUT  /__admin/scenario           replace it (validated like a file; 400 names the problem);
//                                    jobs, counters and state start afresh, the journal stays
//   GET  /__admin/state              {"state": ..., "states": [...]}
//   PUT  /__admin/state              {"state": "name"}: must be declared
//   GET  /__admin/rules              each rule: kind, swarm on/off, matched, fired
//   GET  /__admin/jobs               each job: ordinal, state, manifest files and counts
//   GET  /__admin/verdict            the judge's verdict on the client so far (judge/judge.hpp)
//   GET  /__admin/clock              {"now": instant, "frozen": bool, "offset_ms": n}
//   POST /__admin/clock              {"advance": "30s"} and/or {"freeze": true|false}
//   GET  /__admin/clients            the registered SMART clients
//   POST /__admin/clients            {"client_id": ..., "jwks": {...} | "jwks_url": ...,
//                                    "scopes": [...]}: register or replace one (AUTH-09)
// SMART Backend Services (mockserver/auth_gate.hpp) is on when `auth` is set or the scenario
// has an "auth" block: then the manifest says requiresAccessToken=true.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "auth/token_service.hpp"
#include "datagen/dataset.hpp"
#include "mockserver/auth_gate.hpp"
#include "mockserver/dataset_source.hpp"
#include "mockserver/fault_engine.hpp"
#include "mockserver/file_cache.hpp"
#include "mockserver/journal.hpp"
#include "mockserver/judge/verdict.hpp"
#include "mockserver/scenario.hpp"
#include "protocol/export_service.hpp"

namespace bh::mockserver {

struct MockServerConfig {
  protocol::ServiceConfig service;  // timeline fields are overwritten from the scenario
  datagen::DataConfig data;         // members fields are overwritten from the scenario
  Scenario scenario;
  Instant started_at{};  // journal times are offsets from here
  std::size_t journal_capacity = 10000;
  bool frozen = false;  // time stands still until the admin API advances it
  // SMART auth: token URL and registered clients (token_lifetime comes from the scenario).
  std::optional<auth::TokenServiceConfig> auth;
  auth::JwksFetcher jwks_fetcher;  // registration by URL; none: such clients cannot log in
  // serve --fuzz SEED: answers mutated after the fault rules (mockserver/response_fuzzer.hpp).
  std::optional<std::uint64_t> fuzz_seed;
  // serve --file-cache DIR: generated files kept on disk for repeat fetches (file_cache.hpp).
  std::optional<FileCacheOptions> file_cache;
  // Set: every /__admin/ request must carry `X-Admin-Token: <token>` (401 otherwise). serve sets
  // one whenever it listens beyond loopback, so no one else on the network can rewrite the
  // scenario or read the journal.
  std::optional<std::string> admin_token;
};

class MockServer {
 public:
  explicit MockServer(MockServerConfig config);
  ~MockServer();

  protocol::Response handle(const protocol::Request& request, Instant now);

  const Journal& journal() const { return journal_; }
  // The judge's verdict over the journal, with the running scenario's expectations.
  judge::Verdict verdict() const;
  const protocol::ExportService& service() const;
  const Scenario& scenario() const { return config_.scenario; }
  const FaultEngine& engine() const;
  // With a file cache: what it did (hits, files stored and skipped); none without one.
  std::optional<FileCacheStats> file_cache_stats() const;
  // The scenario time the server reasons in for a transport time `now`.
  Instant effective_now(Instant now) const;
  // Off: requests bypass the fault rules (files faults already published are still served).
  // The simulator's liveness phase: faults stop, the system must make progress again.
  void set_faults_enabled(bool on) { faults_enabled_ = on; }

 private:
  struct Runtime;
  void rebuild();
  protocol::Response serve(const protocol::Request& request, const protocol::RequestClass& cls,
                           Instant now);
  protocol::Response admin(const protocol::Request& request, const std::string& path,
                           Instant transport_now);
  protocol::Response admin_scenario(const protocol::Request& request);
  protocol::Response admin_state(const protocol::Request& request);
  protocol::Response admin_clock(const protocol::Request& request, Instant transport_now);
  protocol::Response admin_clients(const protocol::Request& request);
  protocol::RequestClass classify(const protocol::Request& request) const;
  AuthGate* gate();  // null while SMART auth is off
  nlohmann::ordered_json jobs_json(Instant now) const;

  MockServerConfig config_;
  std::unique_ptr<Runtime> rt_;
  Journal journal_;
  Duration offset_{};
  std::optional<Instant> frozen_at_;
  bool faults_enabled_ = true;
  AuthFacts auth_facts_;  // what the auth gate saw for the request being handled
};

}  // namespace bh::mockserver
