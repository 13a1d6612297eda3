#include "sim/sim_run.hpp"

#include <charconv>
#include <concepts>
#include <memory>

#include "auth/jwks.hpp"
#include "auth/signing_key.hpp"

#include "client/export_client.hpp"
#include "client/export_command.hpp"
#include "client/token_keeper.hpp"
#include "mockserver/judge/judge_rule.hpp"
#include "mockserver/mock_server.hpp"
#include "sim/counting_sink.hpp"
#include "sim/sim_driver.hpp"

namespace bh::sim {

namespace {

constexpr Duration kMargin = std::chrono::minutes(10);  // past deadline + grace: hung

// The trace: one field is the concatenation of its parts, then a separator, so "ab","c"
// differs from "a","bc". Parts are hashed in place: this runs for every header of every
// exchange, and building the concatenated string first was a tenth of the simulator's time.
struct Fnv {
  std::uint64_t h = 1469598103934665603ULL;
  template <typename... Parts>
  requires(std::convertible_to<const Parts&, std::string_view>&&...) void add(
      const Parts&... parts) {
    (bytes(std::string_view(parts)), ...);
    h = (h ^ 0xff) * 1099511628211ULL;
  }
  void add(std::int64_t v) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
    add(std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }

 private:
  void bytes(std::string_view s) {
    for (const char c : s)
      h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
};

// Everything one run shares: the world (clock, scheduler, server, network) and the checks.
class World {
 public:
  explicit World(const RunConfig& c);
  Result<client::ClientOptions> options(const std::vector<std::string>& args, std::uint64_t seed);
  // Runs one client to its end; returns what the invariants need.
  DriveResult drive(const client::ClientOptions& o, int client_no, CountingSink& sink,
                    client::TransitionCounts& transitions);
  void end_checks(const DriveResult& d, const client::ClientOptions& o, const CountingSink& sink,
                  int client_no);
  void probe_deleted();
  std::optional<std::string> probe_token();
  RunResult& result() { return result_; }
  mockserver::MockServer& mock() { return *mock_; }
  Instant start() const { return start_; }
  VirtualClock& clock() { return clock_; }
  void set_invariants(const client::ClientOptions& o);
  // Faults stop at start + after: an event on the same timeline, so it lands between
  // exchanges deterministically.
  void schedule_heal(Duration after) {
    const TimeScale scale{start_, config_.time_scale};
    scheduler_.at(start_ + scale.to_wire(after), [this] { mock_->set_faults_enabled(false); });
  }
  std::uint64_t trace_hash() const { return trace_.h; }

 private:
  protocol::Response serve(const protocol::Request& req, Instant now);
  void observe(const ServerExchange& x);
  SimExchange describe(const ServerExchange& x, bool journalled) const;

  const RunConfig& config_;
  Instant start_ = kVirtualEpoch;
  VirtualClock clock_{kVirtualEpoch};
  ManualScheduler scheduler_{clock_};
  std::unique_ptr<mockserver::MockServer> mock_;
  SimNetwork network_;
  std::vector<std::unique_ptr<Invariant>> invariants_;
  int client_no_ = 1;
  std::uint64_t journal_seen_ = 0;
  std::map<int, std::string> job_of_client_;
  std::vector<std::string> accepted_deletes_;
  Fnv trace_;
  RunResult result_;
  // SMART scenarios: the simulated client's key, registered with the mock. Made per run; it
  // never reaches the trace (tokens are numbered from the seed, assertions are not journalled).
  std::shared_ptr<const auth::SigningKey> key_;
};

constexpr const char* kSimClientId = "sim-client";

World::World(const RunConfig& c)
    : config_(c),
      network_(
          scheduler_, clock_, [this](const auto& r, Instant now) { return serve(r, now); },
          c.network) {
  mockserver::MockServerConfig mc;
  mc.service.base_url = kSimBaseUrl;
  mc.service.seed = c.seed;
  mc.service.wire = TimeScale{start_, c.time_scale};
  mc.data.seed = c.seed;
  mc.scenario = c.scenario;
  mc.started_at = start_;
  mc.journal_capacity = 1u << 20;
  if (c.scenario.auth) {
    auto key = auth::SigningKey::generate(auth::Alg::kES384, "sim-key");
    BH_ASSERT(key.ok(), "the simulator could not make its client key");
    key_ = std::make_shared<const auth::SigningKey>(std::move(*key));
    mc.auth = auth::TokenServiceConfig{};
    auth::ClientRegistration reg;
    reg.client_id = kSimClientId;
    reg.jwks = auth::Jwks::of({*key_});
    mc.auth->clients.push_back(std::move(reg));
  }
  mock_ = std::make_unique<mockserver::MockServer>(std::move(mc));
  network_.set_observer([this](const ServerExchange& x) { observe(x); });
}

Result<client::ClientOptions> World::options(const std::vector<std::string>& args,
                                             std::uint64_t seed) {
  std::vector<std::string> words{"--base-url", kSimBaseUrl, "--out", "sim-output"};
  words.insert(words.end(), args.begin(), args.end());
  auto cmd = client::parse_export_args(words);
  if (!cmd) return cmd.error();
  client::ClientOptions o = client::to_client_options(*cmd, clock_.now());
  o.seed = seed;
  if (key_) o.smart = client::SmartAuthOptions{kSimClientId, key_, "", "system/*.read"};
  if (auto valid = client::validate_options(o); !valid) return valid.error();
  return o;
}

void World::set_invariants(const client::ClientOptions& o) {
  InvariantSettings s{o, config_.scenario.ig_version >= protocol::IgVersion::kV3_0_0};
  invariants_ = make_invariants(s);
}

protocol::Response World::serve(const protocol::Request& req, Instant now) {
  if (config_.mutant == Mutant::kServerIgnoresDelete && req.method == "DELETE" &&
      mock_->service().classify(req).endpoint == protocol::Endpoint::kDelete) {
    protocol::Response r;  // "accepted", but the service never hears of it
    r.status = 202;
    return r;
  }
  // The client lives in wire time; the server in scenario time (serve's RealClock factor).
  return mock_->handle(req, start_ + TimeScale{start_, config_.time_scale}.from_wire(now - start_));
}

SimExchange World::describe(const ServerExchange& x, bool journalled) const {
  SimExchange e;
  e.n = result_.exchanges;
  e.client = client_no_;
  e.at = x.at - start_;
  e.method = x.request.method;
  e.path = x.request.target.substr(0, x.request.target.find('?'));
  const auto cls = mock_->service().classify(x.request);
  e.endpoint = cls.endpoint;
  e.job_id = cls.job_id;
  e.status = x.response.status;
  e.location = std::string(x.response.headers.get("Location").value_or(""));
  if (journalled) {
    const auto& j = mock_->journal().entries().back();
    e.status = j.status;
    // The journal cannot know the client's read timeout; the simulated network does: a stall
    // that long ends the exchange with "timed out" before the body is whole.
    e.whole = !j.incomplete && !x.stalls_out;
    e.faulted = !j.faults.empty();
    e.job_id = j.job_id;
    for (const auto& f : j.body.files)
      if (f.section != "link") e.manifest_urls.push_back(f.url);
  }
  const auto advice = judge::retry_advice(x.response.headers);
  using K = judge::RetryAdvice::Kind;
  // As the judge: a client is held to the headers of a whole response only.
  if (e.status != 0 && advice.kind == K::kValid) e.head_retry_after = advice.wait;
  if (e.whole) e.retry_after = e.head_retry_after;
  e.retry_after_invalid = advice.kind != K::kValid && advice.kind != K::kAbsent;
  return e;
}

void World::observe(const ServerExchange& x) {
  ++result_.exchanges;
  const std::uint64_t seen = mock_->journal().entries().size() + mock_->journal().dropped();
  const bool journalled = seen > journal_seen_;
  journal_seen_ = seen;
  const SimExchange e = describe(x, journalled);
  if (e.faulted) ++result_.faults_fired;
  if (e.endpoint == protocol::Endpoint::kKickoff && !e.job_id.empty() && e.client > 0)
    job_of_client_[e.client] = e.job_id;
  if (e.endpoint == protocol::Endpoint::kDelete && e.status == 202 && e.client == 1)
    accepted_deletes_.push_back(x.request.target);
  trace_.add(e.client);
  trace_.add(e.at.count());
  trace_.add(x.request.method, " ", x.request.target);
  trace_.add(e.status);
  for (const auto& h : x.response.headers)
    trace_.add(h.name, ": ", h.value);
  for (const auto& inv : invariants_)
    inv->on_exchange(e, result_.violations);
}

DriveResult World::drive(const client::ClientOptions& o, int client_no, CountingSink& sink,
                         client::TransitionCounts& transitions) {
  client_no_ = client_no;
  client::ExportClient client(o, sink);
  if (config_.on_event)
    client.set_event_callback(
        [this, client_no](const client::ClientEvent& e) { config_.on_event(client_no, e); });
  SimDriver driver(client, network_, scheduler_, clock_,
                   client_no == 1 ? config_.mutant : Mutant::kNone);
  const Instant deadline = o.deadline.value_or(clock_.now() + std::chrono::hours(24));
  DriveResult d = driver.run(deadline + o.delete_grace + kMargin);
  for (std::size_t i = 0; i < transitions.size(); ++i)
    transitions[i] += client.transitions()[i];
  // Requests still on the wire reach the server; nothing goes back to this client any more.
  network_.forget_clients();
  trace_.add(client::to_string(d.outcome.kind));
  return d;
}

void World::end_checks(const DriveResult& d, const client::ClientOptions& o,
                       const CountingSink& sink, int client_no) {
  const protocol::ExportJob* job = nullptr;
  if (auto it = job_of_client_.find(client_no); it != job_of_client_.end())
    job = mock_->service().job(it->second);
  const Instant deadline = o.deadline.value_or(clock_.now());
  EndFacts f{d.outcome,
             o,
             sink.files(),
             job,
             kSimBaseUrl,
             d.done,
             d.hang,
             d.ended_at - start_,
             deadline + o.delete_grace + kMargin - start_,
             client_no,
             std::nullopt,
             std::nullopt};
  if (o.deadline) {
    f.deadline = start_ + TimeScale{start_, config_.time_scale}.from_wire(*o.deadline - start_);
    f.deadline_wire = *o.deadline - start_;
  }
  for (const auto& inv : invariants_)
    inv->at_end(f, result_.violations);
}

std::optional<std::string> World::probe_token() {
  // A token of the simulated client's own, got through the network like any other request, so
  // the probe is refused only for what the status URL says, never for a missing token.
  client::TokenKeeper keeper(
      {kSimClientId, key_, "http://127.0.0.1:8080/auth/token", "system/*.read"}, kSimBaseUrl,
      config_.seed + 1);
  auto built = keeper.token_request(clock_.now());
  if (!built) return std::nullopt;
  int status = 0;
  std::string body;
  client::ResponseCallbacks cb{[&](int s, const protocol::Headers&) { status = s; },
                               [&](std::string_view c) {
                                 body.append(c);
                                 return true;
                               },
                               [] {}, [](std::string) {}, nullptr};
  network_.start(built->url, std::move(built->req), std::move(cb));
  while (scheduler_.run_next()) {
  }
  if (!keeper.on_token(status, body, clock_.now())) return std::nullopt;
  return keeper.token();
}

void World::probe_deleted() {
  client_no_ = 0;
  const auto token = key_ && !accepted_deletes_.empty() ? probe_token() : std::nullopt;
  for (const auto& target : accepted_deletes_) {
    protocol::Request req;
    req.method = "GET";
    req.target = target;
    req.headers.set("Accept", "application/json");
    if (token) req.headers.set("Authorization", "Bearer " + *token);
    client::ResponseCallbacks ignore{[](int, const protocol::Headers&) {},
                                     [](std::string_view) { return true; }, [] {},
                                     [](std::string) {}, nullptr};
    network_.start(std::string("http://127.0.0.1:8080") + target, std::move(req),
                   std::move(ignore));
  }
  while (scheduler_.run_next()) {
  }
}

}  // namespace

RunResult run_simulation(const RunConfig& config) {
  World w(config);
  const auto& args = config.client_args ? *config.client_args : config.scenario.client_args;
  auto opts = w.options(args, config.seed);
  if (!opts) {
    w.result().error = "client arguments: " + opts.error().message();
    return w.result();
  }
  w.set_invariants(*opts);
  if (config.scenario.heal_after) w.schedule_heal(*config.scenario.heal_after);
  RunResult& r = w.result();
  CountingSink sink;
  const DriveResult first = w.drive(*opts, 1, sink, r.transitions);
  r.outcome = first.outcome;
  w.end_checks(first, *opts, sink, 1);
  if (config.judge) r.verdict = w.mock().verdict();
  w.probe_deleted();
  w.mock().set_faults_enabled(false);
  if (config.liveness_client) {
    auto again = w.options(args, config.seed + 1);
    CountingSink sink2;
    DriveResult second = w.drive(*again, 2, sink2, r.transitions);
    r.liveness_outcome = second.outcome;
    w.end_checks(second, *again, sink2, 2);
  }
  r.simulated = w.clock().now() - w.start();
  r.trace_hash = w.trace_hash();
  if (config.keep_journal) r.journal = w.mock().journal().to_json();
  return r;
}

}  // namespace bh::sim
