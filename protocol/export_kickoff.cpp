// The kick-off request: Accept/Prefer policy, parameter checks, concurrency limit, job creation.
// Policy (docs/server-policies.md):
//  * Accept missing -> treated as application/fhir+json (KO-06 allows it). Accept present but
//    naming no JSON type we can produce -> 406 + OperationOutcome (open point 5).
//  * Prefer: respond-async missing -> processed asynchronously anyway (KO-08 allows it); the
//    client judge, not the server, scores the missing header (KO-07).
//  * Unsupported or invalid parameters -> 400 + one OperationOutcome issue per parameter, unless
//    Prefer: handling=lenient, which ignores them and reports each in an `error` file (KO-09).
#include <algorithm>

#include "protocol/export_service.hpp"
#include "protocol/media_range.hpp"
#include "protocol/responses.hpp"
#include "protocol/retry_after.hpp"
#include "protocol/url.hpp"

namespace bh::protocol {

namespace {

bool accept_is_json(std::string_view accept) {
  return accept_admits_any(accept,
                           {"application/fhir+json", "application/json", "application/json+fhir"});
}

KickoffPolicy policy_for(const ServiceConfig& config, const DataSource& data) {
  KickoffPolicy policy;
  policy.version = config.version;
  for (const auto& t : data.resource_types()) {
    policy.supported_types.insert(t);
    if (data.in_patient_compartment(t)) policy.compartment_types.insert(t);
  }
  return policy;
}

// ERR-08: `patient` must name patients that exist (and, for a Group export, are members).
void check_patients(const DataSource& data, ExportRequest& req) {
  for (const auto& ref : req.patients) {
    auto index = data.patient_index(ref);
    if (!index) {
      req.rejections.push_back({"patient", ref, "not-found", "no such patient: " + ref});
    } else if (req.level == ExportLevel::kGroup && !data.is_member(req.group_id, *index)) {
      req.rejections.push_back(
          {"patient", ref, "value", ref + " is not a member of Group/" + req.group_id});
    }
  }
}

std::string origin_of(const std::string& base_url) {
  auto url = parse_url(base_url);
  return url ? url->scheme + "://" + url->authority() : base_url;
}

}  // namespace

Response ExportService::kickoff(const Request& request, ExportLevel level, std::string group_id,
                                Instant now) {
  if (auto accept = request.headers.get("Accept"); accept && !accept_is_json(*accept))
    return outcome_response(406, "error", "not-supported",
                            "Accept: " + std::string(*accept) +
                                " cannot be met; the kick-off answers with "
                                "application/fhir+json (KO-05)");
  if (level == ExportLevel::kGroup) {
    const auto groups = data_.groups();
    if (std::none_of(groups.begin(), groups.end(), [&](auto& g) { return g.id == group_id; }))
      return outcome_response(404, "error", "not-found", "Group/" + group_id + " not found");
  }
  auto parsed = parse_kickoff(request, level, group_id, policy_for(config_, data_));
  if (!parsed) return outcome_response(400, "error", "invalid", parsed.error().message());
  ExportRequest req = std::move(parsed.value());
  check_patients(data_, req);
  if (!req.rejections.empty() && !req.prefer.lenient()) {
    std::vector<OutcomeIssue> issues;
    for (const auto& r : req.rejections)
      issues.push_back({"error", r.code, r.param + "=" + r.value + ": " + r.message});
    return outcome_response(400, issues);
  }
  const auto active = std::count_if(jobs_.begin(), jobs_.end(), [&](const auto& kv) {
    return kv.second.client_id == request.client_id &&
           kv.second.state_at(now) == JobState::kRunning;
  });
  if (static_cast<std::size_t>(active) >= config_.max_active_jobs_per_client) {
    Response r = outcome_response(
        429, "error", "throttled",
        "this client already has " + std::to_string(active) + " running exports; the limit is " +
            std::to_string(config_.max_active_jobs_per_client) + " (KO-13)");
    r.headers.set("Retry-After",
                  format_retry_after_seconds(config_.wire.to_wire(config_.retry_after)));
    return r;
  }
  evict_finished_jobs(now);
  ExportJob job;
  job.id = next_job_id();
  job.client_id = request.client_id;
  const std::string target = request.method == "POST"
                                 ? request.target.substr(0, request.target.find('?'))
                                 : request.target;
  job.request_url = origin_of(config_.base_url) + target;  // MF-02: POST without parameters
  job.request = std::move(req);
  job.accepted_at = now;
  job.completes_at = now + config_.job_duration;
  job.expires_at = job.completes_at + config_.file_ttl;
  job.gone_at = job.expires_at + config_.retention;
  Response r;
  r.status = 202;
  r.headers.set("Content-Location", config_.base_url + "/bulkstatus/" + job.id);
  jobs_.emplace(job.id, std::move(job));
  return r;
}

}  // namespace bh::protocol
