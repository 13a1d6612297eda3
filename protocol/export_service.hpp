// protocol/export_service: the whole STU2 server side of $export as a pure function.
//
// Contract: handle(request, now) -> response, with no sockets and no clock of its own: the same
// requests at the same instants give the same responses, byte for byte (job ids come from the
// seed). Routes, relative to the FHIR base path:
//   GET  metadata                                  CapabilityStatement (CAP-01, CAP-02)
//   GET|POST $export, Patient/$export, Group/<id>/$export   kick-off (KO-01..KO-13, PAR-*)
//   GET  Group, Group/<id>, Patient/<id>           read and search (KO-18)
//   GET  bulkstatus/<job>                          202 + Retry-After + X-Progress, 200 + manifest,
//                                                  404 + OperationOutcome (ST-*, MF-*)
//   DELETE bulkstatus/<job>                        202 cancel / release, then 404 (DEL-*, ST-15)
//   GET  bulkfiles/<job>/<file>                    NDJSON, streamed (DL-03, DL-08, DL-13)
// Policies where the IG leaves a choice are documented in docs/server-policies.md and in
// ServiceConfig below.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/time.hpp"
#include "core/time_scale.hpp"
#include "protocol/data_source.hpp"
#include "protocol/export_job.hpp"
#include "protocol/http.hpp"
#include "protocol/ig_version.hpp"

namespace bh::protocol {

enum class RetryAfterForm { kSeconds, kHttpDate };

struct ServiceConfig {
  std::string base_url = "http://127.0.0.1:8080/fhir";  // absolute FHIR base, no trailing '/'
  IgVersion version = kDefaultIgVersion;
  std::uint64_t seed = 1;
  TimeScale wire;  // converts what we advertise (Retry-After, Expires) to the client's time
  // Job timeline, in scenario time.
  Duration job_duration = seconds(10);
  Duration retry_after = seconds(2);  // advertised on 202 and used for the poll-rate policy
  RetryAfterForm retry_after_form = RetryAfterForm::kSeconds;
  std::uint32_t progress_steps = 0;  // X-Progress moves in this many steps (0: continuously)
  // ST-05: a status poll sooner than this after the previous one for the same job gets 429.
  Duration min_poll_interval = seconds(1);
  // KO-13: more running jobs than this for one client -> 429 on kick-off.
  std::size_t max_active_jobs_per_client = 5;
  Duration file_ttl = std::chrono::hours(1);   // Expires = completion + ttl (ST-10)
  Duration retention = std::chrono::hours(1);  // after Expires, status still answers this long
  bool requires_access_token = false;          // MF-03: true when the mock runs SMART auth
  std::size_t max_jobs = 10000;                // bounded memory: oldest finished jobs dropped
};

// kToken and kDiscovery are the mock's SMART endpoints (auth/token_service); the service itself
// never classifies a request as one of them.
enum class Endpoint {
  kMetadata,
  kKickoff,
  kStatus,
  kDelete,
  kFile,
  kRead,
  kSearch,
  kToken,
  kDiscovery,
  kOther
};
std::string_view to_string(Endpoint e);

struct RequestClass {
  Endpoint endpoint = Endpoint::kOther;
  std::string job_id;  // for status, delete and file requests
};

class ExportService {
 public:
  ExportService(ServiceConfig config, const DataSource& data);

  Response handle(const Request& request, Instant now);
  // What kind of request this is, without handling it (for the journal and fault matching).
  RequestClass classify(const Request& request) const;

  const ServiceConfig& config() const { return config_; }
  const ExportJob* job(const std::string& id) const;
  // Forget every job (admin reset); job ids continue from the seed's sequence start.
  void reset();
  // Jobs accepted so far; the k-th (1-based) has id job_id_for(k).
  std::uint64_t jobs_created() const { return job_counter_; }
  std::string job_id_for(std::uint64_t ordinal) const;
  const std::map<std::string, ExportJob>& jobs() const { return jobs_; }

 private:
  Response route(const Request& request, const std::string& path, Instant now);
  Response kickoff(const Request& request, ExportLevel level, std::string group_id, Instant now);
  Response status(const std::string& job_id, Instant now);
  Response cancel(const std::string& job_id, Instant now);
  Response file(const std::string& job_id, const std::string& name, Instant now);
  Response metadata(Instant now) const;
  Response read(const std::string& type, const std::string& id) const;
  Response search_groups(const Request& request) const;
  void build_manifest(ExportJob& job);
  std::string next_job_id();
  void evict_finished_jobs(Instant now);

  ServiceConfig config_;
  const DataSource& data_;
  std::string base_path_;  // "/fhir"
  std::uint64_t job_counter_ = 0;
  std::map<std::string, ExportJob> jobs_;  // ordered: iteration never depends on hashing
};

}  // namespace bh::protocol
