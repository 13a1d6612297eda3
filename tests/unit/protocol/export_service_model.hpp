// Model and system under test for the stateful test of protocol::ExportService
// (export_service_model_test.cpp).
//
// Contract:
//  * ServiceModel is what the IG (STU2 2.0.0) and docs/server-policies.md promise one client:
//    the jobs it kicked off, in order, and for each the kick-off instant, the types it asked for,
//    the DELETE it sent and its last accepted status poll. A job's phase is a pure function of
//    virtual time: running until kick-off + job_duration, then completed; deleted after a 202
//    DELETE. Nothing here looks at the service, so the model cannot copy the service's bugs.
//  * ServiceSut owns the service, its data (a small synthetic data set) and the current virtual
//    Instant; no real clock. It remembers what only the wire can tell (the status URL of each
//    job, the first manifest it served) and drains every streamed body.
//  * keeps_answering_after_delete turns the Sut into the canary: it answers DELETE of a job it
//    knows with 202 itself and never passes it on, so the job keeps running and its files stay.
//    The model-based property must fail against it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "datagen/dataset.hpp"
#include "mockserver/dataset_source.hpp"
#include "protocol/export_service.hpp"
#include "protocol/responses.hpp"

namespace bh::testing::model {

inline constexpr const char* kOrigin = "http://127.0.0.1:9999";
inline constexpr const char* kBaseUrl = "http://127.0.0.1:9999/fhir";

// The server's policies, shared by the Sut (to build the service) and the model (to predict
// it). max_active_jobs_per_client is small so that KO-13's 429 is reachable in a short run. The
// poll interval is half the Retry-After (as mockserver/mock_server.cpp derives it) and longer
// than a second, so the whole-second Retry-After of a 429 can tell "time left" from "the full
// interval".
inline protocol::ServiceConfig service_config() {
  protocol::ServiceConfig c;
  c.base_url = kBaseUrl;
  c.version = protocol::IgVersion::kV2_0_0;
  c.seed = 7;
  c.wire = TimeScale{kVirtualEpoch, 1.0};
  c.job_duration = seconds(10);
  c.retry_after = seconds(6);
  c.min_poll_interval = seconds(3);
  c.max_active_jobs_per_client = 2;
  c.file_ttl = std::chrono::hours(1);
  return c;
}

enum class Phase { kRunning, kCompleted, kDeleted };

struct ModelJob {
  std::string target;              // the kick-off request target, for the manifest's `request`
  Instant accepted_at{};           // transactionTime (MF-01) and the start of the timeline
  std::vector<std::string> types;  // _type after lenient dropping; empty = every type
  bool has_error_file = false;     // lenient kick-off with an ignored parameter (KO-09)
  bool deleted = false;
  std::optional<Instant> last_poll;  // last poll the server accepted (ST-05)
  bool manifest_seen = false;        // the client has a manifest, so it knows the file URLs
};

struct ServiceModel {
  protocol::ServiceConfig config = service_config();
  Instant now = kVirtualEpoch;
  std::vector<ModelJob> jobs;  // in kick-off order; the Sut keeps the ids in the same order

  Phase phase(std::size_t job) const {
    const ModelJob& j = jobs[job];
    if (j.deleted) return Phase::kDeleted;
    return now < j.accepted_at + config.job_duration ? Phase::kRunning : Phase::kCompleted;
  }
  std::size_t running() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < jobs.size(); ++i)
      n += phase(i) == Phase::kRunning ? 1 : 0;
    return n;
  }
  // ST-05: sooner than min_poll_interval after the last accepted poll of a running job.
  bool throttled(std::size_t job) const {
    const auto& last = jobs[job].last_poll;
    return phase(job) == Phase::kRunning && last && now - *last < config.min_poll_interval;
  }
  // Whole-second Retry-After the 429 must carry: the time left until a poll is accepted.
  std::int64_t throttle_wait_seconds(std::size_t job) const {
    const Duration left = config.min_poll_interval - (now - *jobs[job].last_poll);
    return std::chrono::ceil<std::chrono::seconds>(left).count();
  }
  // X-Progress while running: elapsed share of the job duration, rounded down (progress_steps
  // is 0: the percentage moves continuously).
  int progress_percent(std::size_t job) const {
    const auto elapsed = (now - jobs[job].accepted_at).count();
    return static_cast<int>(elapsed * 100 / config.job_duration.count());
  }
};

// A response with its body read to the end (streamed or not).
struct Reply {
  int status = 0;
  protocol::Headers headers;
  std::string body;
  bool streamed = false;
  bool stream_ended = true;  // false: the stream never reported its end
};

class ServiceSut {
 public:
  explicit ServiceSut(bool keeps_answering_after_delete = false)
      : data_(datagen::DataConfig{7, 10, 4}),  // 10 members, 4 per file: several files a type
        source_(data_),
        service_(service_config(), source_),
        broken_(keeps_answering_after_delete) {}
  ServiceSut(const ServiceSut&) = delete;
  ServiceSut& operator=(const ServiceSut&) = delete;

  Reply send(const std::string& method, const std::string& target, protocol::Headers h = {}) {
    protocol::Request r;
    r.method = method;
    r.target = target;
    r.headers = std::move(h);
    r.client_id = "127.0.0.1";  // one client: KO-13 counts per client
    if (broken_ && method == "DELETE" && knows(target)) return canned_delete();
    return read_all(service_.handle(r, now));
  }

  const protocol::DataSource& source() const { return source_; }
  const protocol::ExportService& service() const { return service_; }

  Instant now = kVirtualEpoch;
  std::vector<std::string> status_paths;            // per model job: "/fhir/bulkstatus/<id>"
  std::map<std::size_t, nlohmann::json> manifests;  // first manifest served, per model job

 private:
  bool knows(const std::string& target) const {
    for (const auto& p : status_paths)
      if (p == target) return true;
    return false;
  }
  static Reply canned_delete() {
    Reply r;
    r.status = 202;
    return r;
  }
  static Reply read_all(protocol::Response r) {
    Reply out{r.status, std::move(r.headers), std::move(r.body), r.stream != nullptr, true};
    if (!r.stream) return out;
    // Bounded, so a stream that never ends fails the property instead of hanging it.
    for (int guard = 0; guard < 1000000; ++guard)
      if (!r.stream->next(out.body, 4096)) return out;
    out.stream_ended = false;
    return out;
  }

  datagen::Dataset data_;
  mockserver::DatasetSource source_;
  protocol::ExportService service_;
  bool broken_;
};

}  // namespace bh::testing::model
