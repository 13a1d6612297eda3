#include "conformance/context.hpp"

#include <algorithm>

namespace bh::conformance {

namespace {

bool declares_export(const nlohmann::json& ops, std::string_view definition_tail) {
  if (!ops.is_array()) return false;
  for (const auto& op : ops) {
    if (!op.is_object()) continue;
    const std::string def = op.value("definition", "");
    const std::string name = op.value("name", "");
    if (def.ends_with(definition_tail) ||
        def.find(std::string(definition_tail) + "|") != std::string::npos)
      return true;
    if (definition_tail == "/export" && name == "export" && def.empty()) return true;
  }
  return false;
}

const nlohmann::json* resource_entry(const nlohmann::json& rest, std::string_view type) {
  auto res = rest.find("resource");
  if (res == rest.end() || !res->is_array()) return nullptr;
  for (const auto& r : *res)
    if (r.is_object() && r.value("type", "") == type) return &r;
  return nullptr;
}

bool resource_declares(const nlohmann::json& rest, std::string_view type,
                       std::string_view definition_tail) {
  const auto* r = resource_entry(rest, type);
  if (r != nullptr && r->contains("operation")) {
    for (const auto& op : (*r)["operation"])
      if (op.is_object() && op.value("name", "") == "export") return true;
    if (declares_export((*r)["operation"], definition_tail)) return true;
  }
  // 1.0.0 servers put every operation in rest.operation.
  return rest.contains("operation") && declares_export(rest["operation"], definition_tail);
}

}  // namespace

Context::Context(Probe& probe, const CheckOptions& options) : probe_(probe), options_(options) {}

bool Context::v2_or_later() const {
  return options_.version != protocol::IgVersion::kV1_0_1;
}

bool Context::post_only() const {
  return options_.version == protocol::IgVersion::kV4_0_0_ballot;
}

const Exchange& Context::capability() {
  if (!capability_) {
    protocol::Headers h;
    h.add("Accept", "application/fhir+json");
    capability_ = probe_.get(options_.base_url + "/metadata", std::move(h));
    if (capability_->ok() && capability_->response.status == 200) {
      auto j = nlohmann::json::parse(capability_->body, nullptr, false);
      if (j.is_object() && j.value("resourceType", "") == "CapabilityStatement")
        capability_json_ = std::move(j);
    }
  }
  return *capability_;
}

const nlohmann::json* Context::capability_json() {
  capability();
  return capability_json_ ? &*capability_json_ : nullptr;
}

const std::vector<std::string>& Context::levels() {
  if (!levels_) resolve_levels();
  return *levels_;
}

void Context::resolve_levels() {
  levels_.emplace();
  if (!options_.levels.empty()) {
    *levels_ = options_.levels;
    levels_note_ = "levels from --levels";
    return;
  }
  bool sys = true, pat = true, grp = true;
  const nlohmann::json* cap = capability_json();
  if (cap != nullptr && cap->contains("rest") && (*cap)["rest"].is_array() &&
      !(*cap)["rest"].empty() && (*cap)["rest"][0].is_object()) {
    const auto& rest = (*cap)["rest"][0];
    sys = rest.contains("operation") && declares_export(rest["operation"], "/export");
    pat = resource_declares(rest, "Patient", "/patient-export");
    grp = resource_declares(rest, "Group", "/group-export");
    if (!sys && !pat && !grp) {
      sys = pat = grp = true;
      levels_note_ = "the CapabilityStatement declares no export operation: trying every level";
    } else {
      levels_note_ = "levels the CapabilityStatement declares";
    }
  } else {
    levels_note_ = "no CapabilityStatement: trying every level";
  }
  if (sys) levels_->push_back("system");
  if (pat) levels_->push_back("patient");
  if (!grp) return;
  protocol::Headers h;
  h.add("Accept", "application/fhir+json");
  Exchange search = probe_.get(options_.base_url + "/Group?_count=1", std::move(h));
  auto j = nlohmann::json::parse(search.body, nullptr, false);
  if (search.response.status == 200 && j.is_object() && j.contains("entry") &&
      j["entry"].is_array() && !j["entry"].empty() && j["entry"][0].is_object()) {
    const auto& res = j["entry"][0].value("resource", nlohmann::json::object());
    if (res.is_object() && res.value("id", "") != "") {
      levels_->push_back("group:" + res.value("id", ""));
      return;
    }
  }
  levels_note_ +=
      "; group level left out: GET Group?_count=1 found no Group (pass --levels "
      "group:ID to test it)";
}

std::string Context::status_url_of(const Exchange& kickoff) const {
  auto loc = kickoff.header("Content-Location");
  if (!loc || loc->empty()) return {};
  auto base = protocol::parse_url(kickoff.request.url);
  if (!base) return {};
  auto url = protocol::resolve_url(*base, protocol::trim(*loc));
  return url ? url->str() : std::string{};
}

Exchange Context::kickoff(const std::string& level, const protocol::QueryParams& params,
                          const KickoffStyle& style) {
  Exchange e = probe_.kickoff_patiently(level, params, style);
  if (kickoff_log_.size() < 500) kickoff_log_.push_back(e);
  if (e.response.status == 202) {
    const std::string url = status_url_of(e);
    if (!url.empty()) open_jobs_.push_back(url);
  }
  return e;
}

Exchange Context::del(const std::string& status_url) {
  Exchange e = probe_.del(status_url);
  if (delete_log_.size() < 500) delete_log_.push_back(e);
  if (e.response.status == 202) forget_job(status_url);
  return e;
}

void Context::forget_job(const std::string& status_url) {
  std::erase(open_jobs_, status_url);
}

void Context::release_all() {
  const auto jobs = open_jobs_;
  for (const auto& url : jobs)
    if (!probe_.out_of_time()) probe_.del(url);
  open_jobs_.clear();
}

ExportRun Context::run_export(const std::string& level, const protocol::QueryParams& params,
                              const KickoffStyle& style, bool download) {
  ExportRun run;
  run.level = level;
  run.params = params;
  run.kickoff = kickoff(level, params, style);
  run.status_url = status_url_of(run.kickoff);
  if (!run.accepted()) {
    run.problem =
        run.kickoff.ok()
            ? "the kick-off answered " + std::to_string(run.kickoff.response.status) +
                  (run.kickoff.response.status == 202 ? " without a usable Content-Location" : "")
            : "the kick-off failed: " + *run.kickoff.response.error;
    return run;
  }
  run.poll = probe_.poll(run.status_url);
  if (run.poll->end != PollEnd::kComplete) {
    run.problem = "the export did not complete: " + run.poll->message;
    return run;
  }
  run.manifest = protocol::validate_manifest(run.poll->last()->body, options_.version);
  if (!run.manifest->usable()) {
    run.problem = "the manifest is not usable";
    return run;
  }
  if (download) download_all(run);
  return run;
}

void Context::download_all(ExportRun& run) {
  const auto& m = *run.manifest->manifest;
  auto add = [&](const char* kind, const std::vector<protocol::ManifestFile>& files) {
    for (const auto& f : files) {
      if (probe_.out_of_time()) return;
      const bool output = std::string_view(kind) == "output";
      FactsFn facts;
      if (output)
        facts = [&run](const ResourceFacts& r) {
          if (run.facts.size() < kMaxFacts) run.facts.push_back(r);
        };
      run.files.push_back(FileRun{kind, f, probe_.download(f.url, f.type, false, facts)});
    }
  };
  add("output", m.output);
  add("error", m.error);
  add("deleted", m.deleted);
}

ExportRun& Context::baseline(const std::string& level) {
  auto& slot = baselines_[level];
  if (!slot) slot = std::make_unique<ExportRun>(run_export(level, {}, style(), true));
  return *slot;
}

}  // namespace bh::conformance
