// Status polling, DELETE and file downloads of existing jobs, and the manifest they lead to.
#include <algorithm>
#include <cmath>

#include "protocol/export_service.hpp"
#include "protocol/http_date.hpp"
#include "protocol/responses.hpp"
#include "protocol/retry_after.hpp"

namespace bh::protocol {

namespace {

// HTTP-dates have whole seconds: round up so a client that honours it never polls early.
Instant ceil_to_second(Instant t) {
  auto s = std::chrono::ceil<std::chrono::seconds>(t);
  return std::chrono::time_point_cast<Duration>(s);
}

// _elements entries that apply to one type: "Type.element" for it, or a bare "element".
std::vector<std::string> elements_for(const std::vector<std::string>& elements,
                                      const std::string& type) {
  std::vector<std::string> out;
  for (const auto& e : elements) {
    auto dot = e.find('.');
    if (dot == std::string::npos)
      out.push_back(e);
    else if (e.compare(0, dot, type) == 0)
      out.push_back(e.substr(dot + 1));
  }
  return out;
}

std::string error_file_body(const std::vector<Rejection>& rejections) {
  std::string body;
  for (const auto& r : rejections)
    body += make_outcome(
                "warning", r.code,
                "ignored under handling=lenient: " + r.param + "=" + r.value + ": " + r.message)
                .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
            "\n";
  return body;
}

}  // namespace

Response ExportService::status(const std::string& job_id, Instant now) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end())
    return outcome_response(404, "error", "not-found", "no export job " + job_id);
  ExportJob& job = it->second;
  switch (job.state_at(now)) {
    case JobState::kDeleted:
      return outcome_response(404, "error", "not-found",
                              "export job " + job_id + " was deleted (ST-15)");
    case JobState::kGone:
      return outcome_response(404, "error", "not-found",
                              "export job " + job_id + " expired and was purged");
    case JobState::kRunning: {
      if (job.last_poll && now - *job.last_poll < config_.min_poll_interval) {
        // ST-05. The wait is measured from the last accepted poll, so a client that waits
        // exactly what this says is not refused again.
        const Duration wait = config_.min_poll_interval - (now - *job.last_poll);
        Response r = outcome_response(
            429, "error", "throttled",
            "polling too fast: at most one status request per " +
                format_retry_after_seconds(config_.wire.to_wire(config_.min_poll_interval)) +
                " s per job (ST-05)");
        r.headers.set("Retry-After", format_retry_after_seconds(config_.wire.to_wire(wait)));
        return r;
      }
      job.last_poll = now;
      ++job.polls;
      Response r;
      r.status = 202;
      int percent = job.progress_percent(now);
      if (config_.progress_steps > 0) {  // a job that reports in steps (slow jobs, ST-07)
        const int step = 100 / static_cast<int>(config_.progress_steps);
        percent = step > 0 ? percent / step * step : percent;
      }
      r.headers.set("X-Progress", std::to_string(percent) + "% complete");
      if (config_.retry_after_form == RetryAfterForm::kHttpDate)
        r.headers.set(
            "Retry-After",
            format_http_date(ceil_to_second(config_.wire.to_wire(now + config_.retry_after))));
      else
        r.headers.set("Retry-After",
                      format_retry_after_seconds(config_.wire.to_wire(config_.retry_after)));
      return r;
    }
    case JobState::kCompleted:
    case JobState::kExpired: {
      if (!job.manifest_built) build_manifest(job);
      ++job.polls;
      job.last_poll = now;
      Response r = json_response(200, manifest_to_json(job.manifest, config_.version),
                                 "application/json");  // MF-13: not fhir+json
      r.headers.set("Expires", format_http_date(config_.wire.to_wire(job.expires_at)));
      return r;
    }
  }
  return outcome_response(500, "fatal", "exception", "unreachable job state");
}

Response ExportService::cancel(const std::string& job_id, Instant now) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end())
    return outcome_response(404, "error", "not-found", "no export job " + job_id);
  ExportJob& job = it->second;
  const JobState state = job.state_at(now);
  if (state == JobState::kDeleted || state == JobState::kGone)
    return outcome_response(
        404, "error", "not-found",
        "export job " + job_id + " was already " + std::string(to_string(state)) + " (DEL-05)");
  job.deleted_at = now;
  const bool running = state == JobState::kRunning;
  return outcome_response(202, "information", "informational",
                          running ? "export job " + job_id + " cancelled"
                                  : "export job " + job_id + " released; its files are removed");
}

Response ExportService::file(const std::string& job_id, const std::string& name, Instant now) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end())
    return outcome_response(404, "error", "not-found", "no export job " + job_id);
  ExportJob& job = it->second;
  const JobState state = job.state_at(now);
  if (state == JobState::kExpired)  // open point 2: 410 once Expires has passed
    return outcome_response(
        410, "error", "expired",
        "file " + name + " expired at " + format_http_date(config_.wire.to_wire(job.expires_at)));
  if (state != JobState::kCompleted || !job.manifest_built)
    return outcome_response(
        404, "error", "not-found",
        "file " + name + " is not available: job is " + std::string(to_string(state)));
  auto f = std::find_if(job.files.begin(), job.files.end(),
                        [&](const JobFile& jf) { return jf.name == name; });
  if (f == job.files.end())
    return outcome_response(404, "error", "not-found", "job " + job_id + " has no file " + name);
  Response r;
  r.headers.set("Content-Type", kNdjson);
  if (f->is_error) {
    r.stream = std::make_shared<StringStream>(f->inline_body);
    return r;
  }
  r.stream = data_.open(f->slice);
  return r;
}

void ExportService::build_manifest(ExportJob& job) {
  const ExportRequest& req = job.request;
  Manifest& m = job.manifest;
  // MF-01: the data is as of the kick-off, said in the client's time like Date and Expires (a
  // scaled clock would otherwise announce a transactionTime after the answer's own Date).
  m.transaction_time = config_.wire.to_wire(job.accepted_at);
  m.request = job.request_url;
  m.requires_access_token = config_.requires_access_token;
  std::vector<std::string> types = req.types;
  if (types.empty())
    for (const auto& t : data_.resource_types())
      if (req.level == ExportLevel::kSystem || data_.in_patient_compartment(t)) types.push_back(t);
  DataSlice base;
  if (req.level == ExportLevel::kGroup) base.group_id = req.group_id;
  base.since = req.since;
  base.until = m.transaction_time;
  for (const auto& p : req.patients)
    if (auto i = data_.patient_index(p)) base.patients.push_back(*i);
  std::sort(base.patients.begin(), base.patients.end());
  const std::string prefix = config_.base_url + "/bulkfiles/" + job.id + "/";
  for (const auto& type : types) {
    // Non-compartment types at patient/group level only come in when asked for by _type
    // (PAR-04 allows it; KO-16 lets servers add referenced resources).
    const std::uint64_t universe = data_.universe(type);
    const std::uint64_t per_file = data_.in_patient_compartment(type)
                                       ? std::max<std::uint64_t>(1, data_.members_per_file())
                                       : std::max<std::uint64_t>(1, universe);
    for (std::uint64_t begin = 0, part = 1; begin < universe; begin += per_file, ++part) {
      DataSlice slice = base;
      slice.type = type;
      slice.begin = begin;
      slice.end = std::min(universe, begin + per_file);
      slice.elements = elements_for(req.elements, type);
      const std::uint64_t count = data_.count(slice);
      if (count == 0) continue;  // MF-04: a type with no data has no item
      JobFile f{std::to_string(part) + "-" + type + ".ndjson", type, slice, count, {}, false};
      m.output.push_back({type, prefix + f.name, count});
      job.files.push_back(std::move(f));
    }
  }
  if (!req.rejections.empty()) {  // KO-09: lenient handling reports what it ignored
    JobFile f{"error-1.ndjson",
              "OperationOutcome",
              {},
              req.rejections.size(),
              error_file_body(req.rejections),
              true};
    m.error.push_back({f.type, prefix + f.name, f.count});
    job.files.push_back(std::move(f));
  }
  job.manifest_built = true;
}

}  // namespace bh::protocol
