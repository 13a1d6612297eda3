#include "mockserver/mock_server.hpp"

#include <algorithm>

#include "mockserver/faults/fault_kind.hpp"
#include "mockserver/file_cache.hpp"
#include "mockserver/judge/judge.hpp"
#include "mockserver/response_fuzzer.hpp"
#include "protocol/fhir_instant.hpp"
#include "protocol/http_date.hpp"
#include "protocol/responses.hpp"
#include "protocol/url.hpp"

namespace bh::mockserver {

using Json = nlohmann::ordered_json;

namespace {

protocol::ServiceConfig with_scenario(protocol::ServiceConfig service, const Scenario& s) {
  service.version = s.ig_version;
  service.job_duration = s.job.duration;
  service.retry_after = s.job.retry_after;
  service.retry_after_form = s.job.retry_after_form;
  service.progress_steps = s.job.progress_steps;
  service.file_ttl = s.job.file_ttl;
  service.min_poll_interval = s.job.min_poll_interval.value_or(s.job.retry_after / 2);
  return service;
}

datagen::DataConfig with_scenario(datagen::DataConfig data, const Scenario& s) {
  data.members = s.data.members;
  data.members_per_file = s.data.members_per_file;
  return data;
}

// Constant time in the token's length, so timing does not reveal how much of a guess matched.
bool admin_token_matches(const protocol::Request& request, const std::string& token) {
  const auto given = request.headers.get("X-Admin-Token");
  if (!given || given->size() != token.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < token.size(); ++i)
    diff |= static_cast<unsigned char>((*given)[i] ^ token[i]);
  return diff == 0;
}

protocol::Response admin_json(int status, const Json& body) {
  return protocol::json_response(status, body, "application/json");
}

protocol::Response admin_error(int status, const Error& e) {
  return admin_json(status, {{"error", e.message()}});
}

bool auth_on(const MockServerConfig& c) {
  return c.auth.has_value() || c.scenario.auth.has_value();
}

std::string base_path_of(const std::string& base_url) {
  auto url = protocol::parse_url(base_url);
  return url ? url->target : "/fhir";
}

std::optional<AuthGate> make_gate(const MockServerConfig& c) {
  if (!auth_on(c)) return std::nullopt;
  auth::TokenServiceConfig t = c.auth.value_or(auth::TokenServiceConfig{});
  const std::string base_path = base_path_of(c.service.base_url);
  if (t.token_url.empty())  // the origin of the FHIR base, path /auth/token
    t.token_url =
        c.service.base_url.substr(0, c.service.base_url.size() - base_path.size()) + "/auth/token";
  if (c.scenario.auth) t.token_lifetime = c.scenario.auth->token_lifetime;
  t.seed = c.service.seed;
  t.wire = c.service.wire;
  return AuthGate(std::move(t), c.jwks_fetcher, base_path);
}

protocol::ServiceConfig with_auth(protocol::ServiceConfig service, const MockServerConfig& c) {
  service.requires_access_token = auth_on(c);
  return service;
}

}  // namespace

struct MockServer::Runtime {
  Runtime(const MockServerConfig& c)
      : dataset(with_scenario(c.data, c.scenario)),
        source(dataset),
        cache(c.file_cache ? std::make_shared<FileCache>(*c.file_cache) : nullptr),
        cached(source, cache),
        service(with_auth(with_scenario(c.service, c.scenario), c),
                cache ? static_cast<const protocol::DataSource&>(cached) : source),
        engine(c.scenario, c.service.seed),
        gate(make_gate(c)) {
    if (c.fuzz_seed) fuzzer.emplace(*c.fuzz_seed);
  }
  datagen::Dataset dataset;
  DatasetSource source;
  std::shared_ptr<FileCache> cache;  // serve --file-cache: files kept for repeat fetches
  CachedSource cached;               // used only when cache is set
  protocol::ExportService service;
  FaultEngine engine;
  ExtraFiles files;
  std::optional<AuthGate> gate;
  std::map<std::string, std::uint64_t> ordinals;  // job id -> 1-based kick-off order
  std::optional<ResponseFuzzer> fuzzer;
  std::uint64_t fuzzed = 0;  // non-admin requests the fuzzer has seen (its per-request stream)
};

MockServer::MockServer(MockServerConfig config)
    : config_(std::move(config)), journal_(config_.journal_capacity) {
  if (config_.frozen) frozen_at_ = config_.started_at;
  rebuild();
}

MockServer::~MockServer() = default;

void MockServer::rebuild() {
  rt_.reset();
  rt_ = std::make_unique<Runtime>(config_);
}

const protocol::ExportService& MockServer::service() const {
  return rt_->service;
}
const FaultEngine& MockServer::engine() const {
  return rt_->engine;
}
std::optional<FileCacheStats> MockServer::file_cache_stats() const {
  if (!rt_->cache) return std::nullopt;
  return rt_->cache->stats();
}

Instant MockServer::effective_now(Instant now) const {
  return frozen_at_ ? *frozen_at_ : now + offset_;
}

protocol::Response MockServer::handle(const protocol::Request& request, Instant transport_now) {
  const Instant now = effective_now(transport_now);
  auto target = protocol::split_target(request.target);
  if (target && target->path.starts_with("/__admin/"))
    return admin(request, target->path, transport_now);
  const protocol::RequestClass cls = classify(request);
  auth_facts_ = {};
  std::uint64_t ordinal = 0;
  if (cls.endpoint == protocol::Endpoint::kKickoff) {
    ordinal = rt_->service.jobs_created() + 1;  // the job this kick-off would create
  } else if (auto it = rt_->ordinals.find(cls.job_id); it != rt_->ordinals.end()) {
    ordinal = it->second;
  }
  const protocol::ExportJob* job = cls.job_id.empty() ? nullptr : rt_->service.job(cls.job_id);
  RequestInfo info{request,
                   cls,
                   now,
                   now - config_.started_at,
                   job,
                   ordinal,
                   rt_->service.config(),
                   rt_->gate ? &rt_->gate->tokens() : nullptr};
  std::vector<FiredFault> fired;
  const std::uint64_t before = rt_->service.jobs_created();
  protocol::Response response =
      faults_enabled_ ? rt_->engine.handle(
                            info, rt_->files, [&] { return serve(request, cls, now); }, fired)
                      : serve(request, cls, now);
  for (std::uint64_t k = before + 1; k <= rt_->service.jobs_created(); ++k)
    rt_->ordinals[rt_->service.job_id_for(k)] = k;
  if (rt_->fuzzer && faults_enabled_) {
    ++rt_->fuzzed;
    for (auto& what : rt_->fuzzer->mutate(response, cls.endpoint, rt_->fuzzed))
      fired.push_back({"fuzz", std::move(what), rt_->fuzzed});
  }
  JournalEntry e;
  e.at = now - config_.started_at;
  e.client_id = request.client_id;
  e.method = request.method;
  e.target = request.target;
  e.request_headers.assign(request.headers.begin(), request.headers.end());
  e.status = response.status;
  e.endpoint = std::string(protocol::to_string(cls.endpoint));
  e.job_id = cls.job_id;
  // A kick-off names the job it created, so the judge can follow it to its status URL.
  if (cls.endpoint == protocol::Endpoint::kKickoff && rt_->service.jobs_created() > before)
    e.job_id = rt_->service.job_id_for(rt_->service.jobs_created());
  e.job_ordinal = ordinal;
  e.faults = std::move(fired);
  // RFC 9110 §6.6.1: an origin server with a clock sends Date. The judge needs it too: an
  // HTTP-date Retry-After is a wait relative to it.
  if (!response.headers.has("Date"))
    response.headers.set(
        "Date", protocol::format_http_date(
                    std::chrono::floor<std::chrono::seconds>(config_.service.wire.to_wire(now))));
  e.response_headers.assign(response.headers.begin(), response.headers.end());
  e.body = judge::describe_body(response);
  e.auth = auth_facts_;
  // Files of a manifest that said requiresAccessToken=false are capability URLs from now on.
  if (rt_->gate && e.body.kind == judge::BodyFacts::Kind::kManifest && e.body.requires_token &&
      !*e.body.requires_token && !cls.job_id.empty())
    rt_->gate->open_job(cls.job_id);
  if (response.wire) {
    using A = protocol::WirePlan::Action;
    const protocol::WirePlan& w = *response.wire;
    e.wire = std::string(protocol::to_string(w.action));
    // Nothing HTTP reached the client: say so rather than journal the answer it never saw.
    if (w.action == A::kResetBeforeResponse || w.action == A::kCloseWithoutResponse ||
        w.action == A::kGarbageThenClose || w.action == A::kNeverAnswer) {
      e.status = 0;
      e.body = {};
    }
    // A Content-Length that promises more than is sent leaves the client waiting for bytes that
    // never come; one that promises less gives it a well-framed, truncated body (complete as
    // far as HTTP goes: the damage is for its validation to find).
    e.incomplete = w.action == A::kResetMidBody || w.action == A::kMalformedChunk ||
                   w.content_length_delta > 0;
  }
  journal_.add(std::move(e));
  return response;
}

AuthGate* MockServer::gate() {
  return rt_->gate ? &*rt_->gate : nullptr;
}

protocol::RequestClass MockServer::classify(const protocol::Request& request) const {
  if (rt_->gate)
    if (auto e = rt_->gate->classify(request)) return {*e, {}};
  return rt_->service.classify(request);
}

protocol::Response MockServer::serve(const protocol::Request& request,
                                     const protocol::RequestClass& cls, Instant now) {
  if (rt_->gate)
    if (auto answer = rt_->gate->gate(request, cls, now, auth_facts_)) return std::move(*answer);
  if (cls.endpoint == protocol::Endpoint::kFile && request.method == "GET") {
    auto target = protocol::split_target(request.target);
    if (const ExtraFile* f = target ? rt_->files.find(target->path) : nullptr) {
      protocol::Response r;
      r.headers.set("Content-Type", f->content_type);
      r.body = f->body;
      return r;
    }
  }
  return rt_->service.handle(request, now);
}

protocol::Response MockServer::admin(const protocol::Request& request, const std::string& path,
                                     Instant transport_now) {
  if (config_.admin_token && !admin_token_matches(request, *config_.admin_token))
    return admin_json(401, {{"error",
                             "the admin API needs the header X-Admin-Token: <token> "
                             "(printed by serve at start)"}});
  const std::string& m = request.method;
  const Instant now = effective_now(transport_now);
  if (path == "/__admin/journal" && m == "GET") return admin_json(200, journal_.to_json());
  if (path == "/__admin/reset" && m == "POST") {
    journal_.clear();
    rebuild();
    return admin_json(200, {{"reset", true}});
  }
  if (path == "/__admin/scenario" && (m == "GET" || m == "PUT")) return admin_scenario(request);
  if (path == "/__admin/state" && (m == "GET" || m == "PUT")) return admin_state(request);
  if (path == "/__admin/rules" && m == "GET") return admin_json(200, rt_->engine.rules_json());
  if (path == "/__admin/jobs" && m == "GET") return admin_json(200, jobs_json(now));
  if (path == "/__admin/verdict" && m == "GET") return admin_json(200, judge::to_json(verdict()));
  if (path == "/__admin/clock" && (m == "GET" || m == "POST"))
    return admin_clock(request, transport_now);
  if (path == "/__admin/clients" && (m == "GET" || m == "POST")) return admin_clients(request);
  return admin_json(
      404, {{"error", "unknown admin endpoint " + m + " " + path},
            {"expected",
             "GET journal, POST reset, GET|PUT scenario, GET|PUT state, GET rules, GET jobs, "
             "GET verdict, GET|POST clock, GET|POST clients (all under /__admin/)"}});
}

protocol::Response MockServer::admin_scenario(const protocol::Request& request) {
  if (request.method == "GET") return admin_json(200, scenario_to_json(config_.scenario));
  auto parsed = parse_scenario_text(request.body, "PUT /__admin/scenario");
  if (!parsed) return admin_error(400, parsed.error());
  config_.scenario = std::move(*parsed);
  rebuild();
  return admin_json(
      200, {{"scenario", config_.scenario.name}, {"rules", config_.scenario.rules.size()}});
}

protocol::Response MockServer::admin_state(const protocol::Request& request) {
  if (request.method == "PUT") {
    auto body = Json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("state") ||
        !body["state"].is_string())
      return admin_error(
          400, make_error("PUT /__admin/state", "bad body", "{\"state\": \"<declared state>\"}",
                          request.body.substr(0, 80)));
    if (auto set = rt_->engine.set_state(body["state"].get<std::string>()); !set)
      return admin_error(400, set.error());
  }
  return admin_json(200, {{"state", rt_->engine.state()}, {"states", config_.scenario.states}});
}

judge::Verdict MockServer::verdict() const {
  const Scenario& sc = config_.scenario;
  judge::JudgeSettings settings{sc.name, sc.ig_version, config_.service.wire.factor,
                                sc.expect.stated ? sc.expect.outcome : "", sc.expect.judge};
  auto v = judge::judge_journal(journal_.to_json(), std::move(settings));
  // The journal is ours: failing to read it back is a programmer error, not input.
  BH_ASSERT(v.ok(), "the judge could not read the server's own journal");
  return std::move(v).value();
}

protocol::Response MockServer::admin_clock(const protocol::Request& request,
                                           Instant transport_now) {
  if (request.method == "POST") {
    auto body = Json::parse(request.body, nullptr, false);
    const char* shape = "{\"advance\": \"30s\"} and/or {\"freeze\": true|false}";
    if (body.is_discarded() || !body.is_object() || body.empty())
      return admin_error(
          400, make_error("POST /__admin/clock", "bad body", shape, request.body.substr(0, 80)));
    for (const auto& [key, value] : body.items()) {
      if (key == "advance") {
        auto d = parse_duration_value(value, "POST /__admin/clock: /advance");
        if (!d) return admin_error(400, d.error());
        if (frozen_at_) *frozen_at_ += *d;
        offset_ += *d;
      } else if (key == "freeze" && value.is_boolean()) {
        if (value.get<bool>() && !frozen_at_) frozen_at_ = effective_now(transport_now);
        if (!value.get<bool>() && frozen_at_) {
          offset_ = *frozen_at_ - transport_now;  // time resumes where it stood
          frozen_at_.reset();
        }
      } else {
        return admin_error(
            400, make_error("POST /__admin/clock: /" + key, "unknown or mistyped key", shape));
      }
    }
  }
  return admin_json(
      200, {{"now", protocol::format_fhir_instant(effective_now(transport_now))},
            {"frozen", frozen_at_.has_value()},
            {"offset_ms", std::chrono::duration_cast<std::chrono::milliseconds>(offset_).count()}});
}

Json MockServer::jobs_json(Instant now) const {
  std::vector<std::pair<std::uint64_t, std::string>> by_ordinal;
  for (const auto& [id, ordinal] : rt_->ordinals)
    by_ordinal.emplace_back(ordinal, id);
  std::sort(by_ordinal.begin(), by_ordinal.end());
  Json out = Json::array();
  for (const auto& [ordinal, id] : by_ordinal) {
    const protocol::ExportJob* job = rt_->service.job(id);
    if (!job) continue;
    Json files = Json::array();
    for (const auto& f : job->files)
      files.push_back(
          {{"name", f.name}, {"type", f.type}, {"count", f.count}, {"error", f.is_error}});
    out.push_back({{"id", id},
                   {"ordinal", ordinal},
                   {"state", std::string(protocol::to_string(job->state_at(now)))},
                   {"manifest_built", job->manifest_built},
                   {"files", files}});
  }
  return out;
}

}  // namespace bh::mockserver
