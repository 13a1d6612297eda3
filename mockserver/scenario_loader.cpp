// Scenario files -> Scenario, with errors that name the file, the JSON path, what was expected
// and what was found. Internally a failed check throws LoadFailure, caught once at the top, so
// each reader below stays a straight line of checks.
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/strings.hpp"
#include "mockserver/faults/registry.hpp"
#include "mockserver/scenario.hpp"
#include "protocol/requirements.hpp"

namespace bh::mockserver {

namespace {

using Json = nlohmann::ordered_json;

struct LoadFailure {
  Error error;
};

std::string shown(const Json& v) {
  std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

// Positive numbers parsed from text are unsigned; built in code they may be signed.
bool is_natural(const Json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
}

[[noreturn]] void fail(const std::string& where, std::string what, std::string expected = {},
                       std::string got = {}) {
  throw LoadFailure{make_error(where, std::move(what), std::move(expected), std::move(got))};
}

// One JSON object being read: every key must be read by someone, or it is reported as unknown
// (a typo must never be silently ignored).
class ObjectReader {
 public:
  ObjectReader(const Json& j, std::string path, std::string source)
      : j_(j), path_(std::move(path)), source_(std::move(source)) {
    if (!j_.is_object()) fail(where(), "wrong type", "an object", shown(j_));
  }
  std::string where(const std::string& key = {}) const {
    return source_ + ": " +
           (path_.empty() && key.empty() ? "/" : path_ + (key.empty() ? "" : "/" + key));
  }
  std::string path(const std::string& key) const { return path_ + "/" + key; }
  const std::string& source() const { return source_; }
  const Json* get(const std::string& key) {
    seen_.insert(key);
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  const Json& need(const std::string& key, const char* expected) {
    const Json* v = get(key);
    if (!v) fail(where(), "missing \"" + key + "\"", expected);
    return *v;
  }
  std::optional<std::string> string(const std::string& key) {
    const Json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) fail(where(key), "wrong type", "a string", shown(*v));
    return v->get<std::string>();
  }
  std::optional<std::uint64_t> u64(const std::string& key, std::uint64_t lo, std::uint64_t hi) {
    const Json* v = get(key);
    if (!v) return std::nullopt;
    const std::string want = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (!is_natural(*v))
      fail(where(key), v->is_number_integer() ? "out of range" : "wrong type", want, shown(*v));
    const auto n = v->get<std::uint64_t>();
    if (n < lo || n > hi) fail(where(key), "out of range", want, shown(*v));
    return n;
  }
  std::optional<double> number(const std::string& key, double lo, double hi) {
    const Json* v = get(key);
    if (!v) return std::nullopt;
    const std::string want = "a number from " + shown(lo) + " to " + shown(hi);
    if (!v->is_number()) fail(where(key), "wrong type", want, shown(*v));
    const double d = v->get<double>();
    if (d < lo || d > hi) fail(where(key), "out of range", want, shown(*v));
    return d;
  }
  std::optional<bool> boolean(const std::string& key) {
    const Json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) fail(where(key), "wrong type", "true or false", shown(*v));
    return v->get<bool>();
  }
  std::optional<Duration> duration(const std::string& key) {
    const Json* v = get(key);
    if (!v) return std::nullopt;
    auto d = parse_duration_value(*v, where(key));
    if (!d) throw LoadFailure{d.error()};
    return *d;
  }
  std::vector<std::string> strings(const std::string& key) {
    const Json* v = get(key);
    std::vector<std::string> out;
    if (!v) return out;
    if (!v->is_array()) fail(where(key), "wrong type", "an array of strings", shown(*v));
    for (std::size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string())
        fail(where(key) + "/" + std::to_string(i), "wrong type", "a string", shown((*v)[i]));
      out.push_back((*v)[i].get<std::string>());
    }
    return out;
  }
  std::string choice(const std::string& key, const std::vector<std::string>& choices,
                     std::string fallback) {
    auto v = string(key);
    if (!v) return fallback;
    if (std::find(choices.begin(), choices.end(), *v) == choices.end()) {
      fail(where(key), "not one of the choices", "one of: " + join(choices, ", "),
           "\"" + *v + "\"");
    }
    return *v;
  }
  // Every key present must have been read.
  void finish() const {
    for (const auto& [key, value] : j_.items())
      if (!seen_.contains(key)) {
        fail(where(key), "unknown key", "one of: " + join(seen_, ", "));
      }
  }

 private:
  const Json& j_;
  std::string path_;
  std::string source_;
  std::set<std::string> seen_;
};

const std::vector<std::string> kEndpoints = {"kickoff", "status", "file",  "delete", "metadata",
                                             "read",    "search", "token", "any"};
const std::vector<std::string> kJobStates = {"running", "completed", "expired", "deleted", "gone"};

void check_requirements(const std::vector<std::string>& ids, const ObjectReader& r,
                        const std::string& key) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (!protocol::is_requirement_id(ids[i]))
      fail(r.where(key) + "/" + std::to_string(i), "not a requirement ID of the catalogue",
           "an ID such as ST-04 from spec/requirements.md", "\"" + ids[i] + "\"");
}

void check_state(const Scenario& s, const std::string& state, const std::string& where) {
  if (std::find(s.states.begin(), s.states.end(), state) == s.states.end()) {
    fail(where, "undeclared state",
         s.states.empty() ? "a state declared in the top-level \"states\" list (there is none)"
                          : "one of the declared states: " + join(s.states, ", "),
         "\"" + state + "\"");
  }
}

Match read_match(const Json& j, const std::string& path, const std::string& source,
                 const Scenario& s) {
  ObjectReader r(j, path, source);
  Match m;
  m.endpoint = r.choice("endpoint", kEndpoints, "any");
  if (m.endpoint == "token" && !s.auth)
    fail(r.where("endpoint"), "the token endpoint exists only with SMART auth on",
         "an \"auth\" block in the scenario", "\"token\"");
  m.method = r.choice("method", {"GET", "POST", "DELETE", "PUT", "HEAD"}, "");
  if (m.method->empty()) m.method.reset();
  m.job = r.u64("job", 1, 1000000);
  m.file = r.string("file");
  m.after = r.duration("after");
  m.before = r.duration("before");
  if (m.after && m.before && *m.before <= *m.after)
    fail(r.where("before"), "empty time window", "\"before\" later than \"after\"");
  m.state = r.string("state");
  if (m.state) check_state(s, *m.state, r.where("state"));
  const std::string js = r.choice("job_state", kJobStates, "");
  if (!js.empty()) m.job_state = js;
  r.finish();
  return m;
}

Schedule read_schedule(const Json* j, const std::string& path, const std::string& source) {
  Schedule s;
  if (!j) return s;
  ObjectReader r(*j, path, source);
  int kinds = 0;
  if (auto v = r.boolean("always")) {
    if (!*v) fail(r.where("always"), "\"always\": false never fires", "true, or leave it out");
    ++kinds;
  }
  if (const Json* v = r.get("nth")) {
    ++kinds;
    s.kind = Schedule::Kind::kNth;
    const Json list = v->is_array() ? *v : Json::array({*v});
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!is_natural(list[i]) || list[i].get<std::uint64_t>() == 0)
        fail(r.where("nth") + (v->is_array() ? "/" + std::to_string(i) : ""),
             "expected a positive integer", "a positive integer or a list of them", shown(list[i]));
      s.nth.push_back(list[i].get<std::uint64_t>());
    }
    if (s.nth.empty()) fail(r.where("nth"), "empty list", "at least one request number");
  }
  if (auto v = r.u64("every", 1, 1000000000)) {
    ++kinds;
    s.kind = Schedule::Kind::kEvery;
    s.every = *v;
  }
  if (auto v = r.u64("first", 1, 1000000000)) {
    ++kinds;
    s.kind = Schedule::Kind::kFirst;
    s.first = *v;
  }
  if (auto v = r.u64("from", 1, 1000000000)) {
    ++kinds;
    s.kind = Schedule::Kind::kFrom;
    s.from = *v;
  }
  if (auto v = r.number("probability", 0, 1)) {
    ++kinds;
    s.kind = Schedule::Kind::kProbability;
    s.probability = *v;
  }
  if (kinds > 1)
    fail(r.where(), "more than one schedule kind",
         "exactly one of always, nth, every, first, from, probability");
  if (auto v = r.u64("offset", 0, 1000000000)) {
    if (s.kind != Schedule::Kind::kEvery)
      fail(r.where("offset"), "\"offset\" only goes with \"every\"");
    s.offset = *v;
  }
  s.limit = r.u64("limit", 1, 1000000000);
  s.per_job = r.choice("per", {"rule", "job"}, "rule") == "job";
  r.finish();
  return s;
}

bool endpoint_allowed(const FaultKind& kind, const std::string& endpoint) {
  for (const auto& e : kind.endpoints)
    if (e == endpoint || e == "any") return true;
  return false;
}

Rule read_rule(const Json& j, const std::string& path, const std::string& source,
               const Scenario& s) {
  ObjectReader r(j, path, source);
  Rule rule;
  auto id = r.string("id");
  if (!id || id->empty() ||
      id->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
    fail(r.where("id"), id ? "bad rule id" : "missing \"id\"", "lower-case letters, digits and '-'",
         id ? "\"" + *id + "\"" : "");
  rule.id = *id;
  rule.description = r.string("description").value_or("");
  const Json* match = r.get("match");
  rule.match = match ? read_match(*match, r.path("match"), source, s) : Match{};
  rule.schedule = read_schedule(r.get("schedule"), r.path("schedule"), source);
  const Json& fault = r.need("fault", "an object with \"kind\" and its parameters");
  if (!fault.is_object() || !fault.contains("kind") || !fault["kind"].is_string())
    fail(r.where("fault"), "expected an object with a \"kind\" string",
         "{\"kind\": \"throttle\", ...}", shown(fault));
  rule.kind = fault["kind"].get<std::string>();
  const FaultKind* kind = find_fault_kind(rule.kind);
  if (!kind)
    fail(r.where("fault") + "/kind", "unknown fault kind",
         "a kind listed by `bulkharness faults list`", "\"" + rule.kind + "\"");
  if (!endpoint_allowed(*kind, rule.match.endpoint)) {
    fail(r.where("match") + "/endpoint", "fault kind " + kind->id + " means nothing here",
         "one of: " + join(kind->endpoints, ", "), "\"" + rule.match.endpoint + "\"");
  }
  auto params = check_params(*kind, fault, source + ": " + r.path("fault"));
  if (!params) throw LoadFailure{params.error()};
  rule.fault = fault;
  rule.params = std::move(*params);
  rule.set_state = r.string("set_state");
  if (rule.set_state) check_state(s, *rule.set_state, r.where("set_state"));
  rule.swarm = r.boolean("swarm").value_or(false);
  r.finish();
  return rule;
}

void read_job(ObjectReader& top, Scenario& s) {
  const Json* j = top.get("job");
  if (!j) return;
  ObjectReader r(*j, "/job", top.source());
  s.job.duration = r.duration("duration").value_or(s.job.duration);
  s.job.retry_after = r.duration("retry_after").value_or(s.job.retry_after);
  s.job.retry_after_form =
      r.choice("retry_after_form", {"seconds", "http-date"}, "seconds") == "http-date"
          ? protocol::RetryAfterForm::kHttpDate
          : protocol::RetryAfterForm::kSeconds;
  s.job.progress_steps = static_cast<std::uint32_t>(r.u64("progress_steps", 0, 100).value_or(0));
  s.job.file_ttl = r.duration("file_ttl").value_or(s.job.file_ttl);
  s.job.min_poll_interval = r.duration("min_poll_interval");
  r.finish();
  if (s.job.retry_after < seconds(1))
    fail(top.where("job") + "/retry_after", "too short", "at least 1s (delay-seconds are whole)");
}

void read_data(ObjectReader& top, Scenario& s) {
  const Json* j = top.get("data");
  if (!j) return;
  ObjectReader r(*j, "/data", top.source());
  s.data.members = r.u64("members", 10, 100000000).value_or(s.data.members);
  s.data.members_per_file =
      r.u64("members_per_file", 1, 100000000).value_or(s.data.members_per_file);
  r.finish();
}

void read_expect(ObjectReader& top, Scenario& s) {
  const Json* j = top.get("expect");
  if (!j) return;
  ObjectReader r(*j, "/expect", top.source());
  s.expect.stated = true;
  s.expect.outcome = r.choice("outcome", outcome_names(), "success");
  if (const Json* v = r.get("resources")) {
    if (v->is_string() && v->get<std::string>() == "all") {
      s.expect.all_resources = true;
    } else if (is_natural(*v)) {
      s.expect.all_resources = false;
      s.expect.resources = v->get<std::uint64_t>();
    } else {
      fail(r.where("resources"), "wrong type", "\"all\" or a non-negative integer", shown(*v));
    }
    if (s.expect.outcome != "success")
      fail(r.where("resources"), "only a successful export has a resource count",
           "no \"resources\" unless outcome is success");
  }
  s.expect.judge = r.strings("judge");
  check_requirements(s.expect.judge, r, "judge");
  s.expect.note = r.string("note").value_or("");
  s.expect.faults_fire = r.boolean("faults_fire").value_or(true);
  r.finish();
}

Scenario read_scenario(const Json& j, const std::string& source) {
  ObjectReader r(j, "", source);
  Scenario s;
  s.source = source;
  r.get("$schema");
  auto name = r.string("id");
  if (!name || name->empty())
    fail(r.where("id"), "missing \"id\"", "the scenario's name, e.g. \"429-storm\"");
  s.name = *name;
  s.description = r.string("description").value_or("");
  if (s.description.empty())
    fail(r.where("description"), "missing \"description\"", "what the scenario does, for people");
  s.requirements = r.strings("requirements");
  check_requirements(s.requirements, r, "requirements");
  const std::string version = r.choice("ig_version", {"1.0.1", "2.0.0"}, "2.0.0");
  s.ig_version = version == "1.0.1" ? protocol::IgVersion::kV1_0_1 : protocol::IgVersion::kV2_0_0;
  s.seed = r.u64("seed", 0, ~0ULL);
  s.time_scale = r.number("time_scale", 0.001, 1e6).value_or(1.0);
  read_data(r, s);
  read_job(r, s);
  s.states = r.strings("states");
  for (std::size_t i = 0; i < s.states.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (s.states[k] == s.states[i])
        fail(r.where("states") + "/" + std::to_string(i), "duplicate state", "distinct names",
             "\"" + s.states[i] + "\"");
  if (auto init = r.string("initial_state")) {
    check_state(s, *init, r.where("initial_state"));
    s.initial_state = *init;
  } else if (!s.states.empty()) {
    s.initial_state = s.states.front();
  }
  if (const Json* sw = r.get("swarm")) {
    ObjectReader sr(*sw, "/swarm", source);
    s.swarm_probability = sr.number("probability", 0, 1).value_or(0.5);
    sr.finish();
  }
  if (const Json* auth = r.get("auth")) {
    ObjectReader ar(*auth, "/auth", source);
    AuthSpec spec;
    spec.token_lifetime = ar.duration("token_lifetime").value_or(spec.token_lifetime);
    if (spec.token_lifetime < seconds(1))
      fail(ar.where("token_lifetime"), "too short", "at least 1s");
    ar.finish();
    s.auth = spec;
  }
  if (const Json* rules = r.get("rules")) {
    if (!rules->is_array())
      fail(r.where("rules"), "wrong type", "an array of rules", shown(*rules));
    for (std::size_t i = 0; i < rules->size(); ++i) {
      const std::string path = "/rules/" + std::to_string(i);
      Rule rule = read_rule((*rules)[i], path, source, s);
      for (const auto& other : s.rules)
        if (other.id == rule.id)
          fail(source + ": " + path + "/id", "duplicate rule id", "ids unique within the scenario",
               "\"" + rule.id + "\"");
      s.rules.push_back(std::move(rule));
    }
  }
  read_expect(r, s);
  s.client_args = r.strings("client_args");
  if (const Json* sim = r.get("sim")) {
    ObjectReader sr(*sim, "/sim", source);
    s.heal_after = sr.duration("heal_after");
    sr.finish();
  }
  r.finish();
  return s;
}

}  // namespace

const std::vector<std::string>& outcome_names() {
  static const std::vector<std::string> names = {
      "success",           "rejected", "failed",    "manifest-invalid", "download-failed",
      "validation-failed", "gone",     "cancelled", "timed-out",        "transport-error"};
  return names;
}

Result<Scenario> parse_scenario(const nlohmann::ordered_json& json, const std::string& source) {
  try {
    return read_scenario(json, source);
  } catch (const LoadFailure& f) {
    return f.error;
  }
}

Result<Scenario> parse_scenario_text(std::string_view text, const std::string& source) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    // Parse again with exceptions to learn where it broke; nlohmann names the byte offset.
    try {
      Json ignored = Json::parse(text);
      (void)ignored;
    } catch (const Json::exception& e) {
      // parse_error, but also out_of_range for a number like 1e999 (found by fuzz_scenario:
      // catching parse_error alone let it escape and end the process).
      return make_error(source, "not valid JSON", "a JSON object",
                        std::string(e.what()).substr(0, 200));
    }
    return make_error(source, "not valid JSON");
  }
  return parse_scenario(j, source);
}

Result<Scenario> load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(path, "cannot open the scenario file", "a readable JSON file");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (4u << 20))
    return make_error(path, "too large for a scenario file", "at most 4 MiB");
  return parse_scenario_text(text.str(), path);
}

}  // namespace bh::mockserver
