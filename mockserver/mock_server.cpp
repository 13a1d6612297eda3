#include "mockserver/mock_server.hpp"

#include "protocol/responses.hpp"
#include "protocol/url.hpp"

namespace bh::mockserver {

namespace {
protocol::ServiceConfig with_scenario(protocol::ServiceConfig service, const Scenario& s) {
  service.job_duration = s.job_duration;
  service.retry_after = s.retry_after;
  service.retry_after_form = s.retry_after_form;
  service.min_poll_interval = s.retry_after / 2;
  return service;
}

nlohmann::ordered_json scenario_json(const Scenario& s) {
  nlohmann::ordered_json polls = nlohmann::ordered_json::array();
  for (auto p : s.transient_status_polls)
    polls.push_back(p);
  return {{"name", s.name},
          {"description", s.description},
          {"job_duration_s", to_seconds(s.job_duration)},
          {"retry_after_s", to_seconds(s.retry_after)},
          {"retry_after_form",
           s.retry_after_form == protocol::RetryAfterForm::kHttpDate ? "http-date" : "seconds"},
          {"transient_status_polls", polls}};
}
}  // namespace

MockServer::MockServer(MockServerConfig config)
    : config_(std::move(config)),
      dataset_(config_.data),
      source_(dataset_),
      service_(with_scenario(config_.service, config_.scenario), source_),
      journal_(config_.journal_capacity) {}

protocol::Response MockServer::handle(const protocol::Request& request, Instant now) {
  auto target = protocol::split_target(request.target);
  if (target && target->path.starts_with("/__admin/")) return admin(request, target->path);
  const protocol::RequestClass cls = service_.classify(request);
  std::string fault;
  auto faulted = scenario_fault(cls, now, fault);
  protocol::Response response = faulted ? std::move(*faulted) : service_.handle(request, now);
  JournalEntry e;
  e.at = now - config_.started_at;
  e.client_id = request.client_id;
  e.method = request.method;
  e.target = request.target;
  e.request_headers.assign(request.headers.begin(), request.headers.end());
  e.status = response.status;
  e.response_headers.assign(response.headers.begin(), response.headers.end());
  e.endpoint = std::string(protocol::to_string(cls.endpoint));
  e.job_id = cls.job_id;
  e.fault = std::move(fault);
  journal_.add(std::move(e));
  return response;
}

std::optional<protocol::Response> MockServer::scenario_fault(const protocol::RequestClass& cls,
                                                             Instant now, std::string& fault) {
  if (cls.endpoint != protocol::Endpoint::kStatus) return std::nullopt;
  const protocol::ExportJob* job = service_.job(cls.job_id);
  if (!job || job->state_at(now) != protocol::JobState::kRunning) return std::nullopt;
  const std::uint64_t n = ++status_requests_[cls.job_id];
  if (!config_.scenario.transient_status_polls.contains(n)) return std::nullopt;
  fault = "transient-status-error (status request " + std::to_string(n) + ", ST-12)";
  return protocol::outcome_response(503, "error", "transient",
                                    "the export is still running but its status could not be "
                                    "read just now; retry later");
}

protocol::Response MockServer::admin(const protocol::Request& request, const std::string& path) {
  if (path == "/__admin/journal" && request.method == "GET")
    return protocol::json_response(200, journal_.to_json(), "application/json");
  if (path == "/__admin/reset" && request.method == "POST") {
    journal_.clear();
    service_.reset();
    status_requests_.clear();
    return protocol::json_response(200, {{"reset", true}}, "application/json");
  }
  if (path == "/__admin/scenario" && request.method == "GET")
    return protocol::json_response(200, scenario_json(config_.scenario), "application/json");
  return protocol::json_response(
      404,
      {{"error", "unknown admin endpoint " + request.method + " " + path},
       {"expected", "GET /__admin/journal, POST /__admin/reset, GET /__admin/scenario"}},
      "application/json");
}

}  // namespace bh::mockserver
