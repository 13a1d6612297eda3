// Routing, metadata and reads. Kick-off lives in export_kickoff.cpp; status, DELETE and files
// in export_jobs.cpp.
#include "protocol/export_service.hpp"

#include <algorithm>
#include <cstdio>

#include "core/rng.hpp"
#include "protocol/capability.hpp"
#include "protocol/responses.hpp"
#include "protocol/url.hpp"

namespace bh::protocol {

std::string_view to_string(Endpoint e) {
  switch (e) {
    case Endpoint::kMetadata:
      return "metadata";
    case Endpoint::kKickoff:
      return "kickoff";
    case Endpoint::kStatus:
      return "status";
    case Endpoint::kDelete:
      return "delete";
    case Endpoint::kFile:
      return "file";
    case Endpoint::kRead:
      return "read";
    case Endpoint::kSearch:
      return "search";
    case Endpoint::kToken:
      return "token";
    case Endpoint::kDiscovery:
      return "discovery";
    case Endpoint::kOther:
      return "other";
  }
  return "?";
}

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    auto slash = path.find('/');
    if (slash != 0) parts.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// The path below the FHIR base, or nullopt when the request is outside it.
std::optional<std::vector<std::string>> relative_parts(const std::string& base_path,
                                                       const std::string& path) {
  if (!path.starts_with(base_path)) return std::nullopt;
  std::string_view rest = std::string_view(path).substr(base_path.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;
  return split_path(rest);
}

}  // namespace

ExportService::ExportService(ServiceConfig config, const DataSource& data)
    : config_(std::move(config)), data_(data) {
  while (config_.base_url.ends_with('/'))
    config_.base_url.pop_back();
  auto url = parse_url(config_.base_url);
  BH_ASSERT(url.ok(), "ServiceConfig.base_url must be an absolute URL");
  base_path_ = url->target == "/" ? "" : url->target;
}

RequestClass ExportService::classify(const Request& request) const {
  auto target = split_target(request.target);
  if (!target) return {};
  auto parts = relative_parts(base_path_, target->path);
  if (!parts || parts->empty()) return {};
  const auto& p = *parts;
  if (p.size() == 1 && p[0] == "metadata") return {Endpoint::kMetadata, {}};
  if (p.back() == "$export") return {Endpoint::kKickoff, {}};
  if (p[0] == "bulkstatus" && p.size() == 2)
    return {request.method == "DELETE" ? Endpoint::kDelete : Endpoint::kStatus, p[1]};
  if (p[0] == "bulkfiles" && p.size() == 3) return {Endpoint::kFile, p[1]};
  if (p.size() == 1) return {Endpoint::kSearch, {}};
  if (p.size() == 2) return {Endpoint::kRead, {}};
  return {};
}

Response ExportService::handle(const Request& request, Instant now) {
  auto target = split_target(request.target);
  if (!target) return outcome_response(400, "error", "invalid", target.error().message());
  return route(request, target->path, now);
}

Response ExportService::route(const Request& request, const std::string& path, Instant now) {
  auto parts_opt = relative_parts(base_path_, path);
  if (!parts_opt)
    return outcome_response(
        404, "error", "not-found",
        "no FHIR endpoint at " + path + "; the FHIR base is " + config_.base_url);
  const auto& p = *parts_opt;
  const std::string& m = request.method;
  auto method_not_allowed = [&](const char* allowed) {
    Response r = outcome_response(405, "error", "not-supported",
                                  m + " is not allowed on " + path + "; use " + allowed);
    r.headers.set("Allow", allowed);
    return r;
  };
  if (p.size() == 1 && p[0] == "metadata")
    return m == "GET" ? metadata(now) : method_not_allowed("GET");
  if (!p.empty() && p.back() == "$export") {
    if (m != "GET" && m != "POST") return method_not_allowed("GET, POST");
    if (p.size() == 1) return kickoff(request, ExportLevel::kSystem, {}, now);
    if (p.size() == 2 && p[0] == "Patient") return kickoff(request, ExportLevel::kPatient, {}, now);
    if (p.size() == 3 && p[0] == "Group") return kickoff(request, ExportLevel::kGroup, p[1], now);
  }
  if (p.size() == 2 && p[0] == "bulkstatus") {
    if (m == "GET") return status(p[1], now);
    if (m == "DELETE") return cancel(p[1], now);
    return method_not_allowed("GET, DELETE");
  }
  if (p.size() == 3 && p[0] == "bulkfiles")
    return m == "GET" ? file(p[1], p[2], now) : method_not_allowed("GET");
  if (p.size() == 1 && p[0] == "Group")
    return m == "GET" ? search_groups(request) : method_not_allowed("GET");
  if (p.size() == 2) return m == "GET" ? read(p[0], p[1]) : method_not_allowed("GET");
  return outcome_response(404, "error", "not-found", "no FHIR endpoint at " + path);
}

Response ExportService::metadata(Instant now) const {
  CapabilityInfo info;
  info.base_url = config_.base_url;
  info.version = config_.version;
  info.resource_types = data_.resource_types();
  info.software_version = "0.1.0";
  info.date = now;
  return json_response(200, capability_statement(info));
}

Response ExportService::read(const std::string& type, const std::string& id) const {
  const auto types = data_.resource_types();
  if (std::find(types.begin(), types.end(), type) == types.end())
    return outcome_response(404, "error", "not-supported",
                            "resource type " + type + " is not served here");
  auto body = data_.read(type, id);
  if (!body) return outcome_response(404, "error", "not-found", type + "/" + id + " not found");
  Response r;
  r.headers.set("Content-Type", kFhirJson);
  r.stream = std::move(body);
  return r;
}

Response ExportService::search_groups(const Request& request) const {
  auto target = split_target(request.target);
  auto param = [&](std::string_view name) -> std::optional<std::string> {
    for (const auto& [k, v] : target->query)
      if (k == name) return v;
    return std::nullopt;
  };
  const auto identifier = param("identifier"), name = param("name"), id = param("_id");
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (const auto& g : data_.groups()) {
    if (id && *id != g.id) continue;
    if (identifier && *identifier != g.identifier_value &&
        *identifier != g.identifier_system + "|" + g.identifier_value)
      continue;
    if (name && g.name.find(*name) == std::string::npos) continue;
    nlohmann::ordered_json group = {
        {"resourceType", "Group"},
        {"id", g.id},
        // Members are left out of search results (a Group can list a million); read the Group
        // to get them. The SUBSETTED tag says so, as FHIR requires for partial resources.
        {"meta",
         {{"tag",
           {{{"system", "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"},
             {"code", "SUBSETTED"}}}}}},
        {"identifier", {{{"system", g.identifier_system}, {"value", g.identifier_value}}}},
        {"active", true},
        {"type", "person"},
        {"actual", true},
        {"name", g.name},
        {"quantity", g.quantity}};
    entries.push_back({{"fullUrl", config_.base_url + "/Group/" + g.id},
                       {"resource", group},
                       {"search", {{"mode", "match"}}}});
  }
  nlohmann::ordered_json bundle = {{"resourceType", "Bundle"},
                                   {"type", "searchset"},
                                   {"total", entries.size()},
                                   {"entry", entries}};
  return json_response(200, bundle);
}

std::string ExportService::next_job_id() {
  return job_id_for(++job_counter_);
}

std::string ExportService::job_id_for(std::uint64_t ordinal) const {
  // Unguessable-looking but seeded: same seed, same ids, so journals compare byte for byte.
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(mix64(config_.seed, ordinal)));
  return buf;
}

void ExportService::reset() {
  jobs_.clear();
  job_counter_ = 0;
}

const ExportJob* ExportService::job(const std::string& id) const {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

void ExportService::evict_finished_jobs(Instant now) {
  while (jobs_.size() >= config_.max_jobs) {
    // Drop the oldest finished job; if none is finished, the oldest job of all.
    auto victim = jobs_.end();
    bool victim_finished = false;
    for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
      const auto s = it->second.state_at(now);
      const bool finished = s == JobState::kDeleted || s == JobState::kGone;
      if (victim == jobs_.end() || (finished && !victim_finished) ||
          (finished == victim_finished && it->second.accepted_at < victim->second.accepted_at)) {
        victim = it;
        victim_finished = finished;
      }
    }
    jobs_.erase(victim);
  }
}

}  // namespace bh::protocol
