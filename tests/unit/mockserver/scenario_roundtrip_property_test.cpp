// Scenario files as properties, over scenarios generated from the fault registry.
//
// Contract under test (mockserver/scenario.hpp): a valid scenario -- any fault kind on an
// endpoint it allows, parameters anywhere inside their ranges, every schedule and match shape --
// loads, and scenario_to_json is a fixed point of load-and-write. The fields the generator chose
// survive load, write, load: IG version, seed, data, job timeline, states, sim.heal_after, and
// per rule, in order, its id, kind, fault, parameters with defaults, match, schedule, set_state
// and swarm flag. A scenario with one broken leaf (out of range, unknown key, wrong type,
// duplicate rule id) is rejected with a message that starts with the file and that leaf's JSON
// path. Generated durations are whole milliseconds, the precision format_duration_text writes
// back exactly (below that it keeps six significant digits only).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "mockserver/faults/registry.hpp"
#include "mockserver/scenario.hpp"
#include "protocol/requirements.hpp"

namespace bh::mockserver {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSource = "generated.json";
constexpr std::int64_t kMaxMs = 1000000000000;  // 1e12 ms: 1e15 us, under the loader's 1e16
constexpr std::int64_t kBig = 1000000000;
const std::string kLower = "abcdefghijklmnopqrstuvwxyz";
const std::string kIdChars = kLower + "0123456789-";
const std::vector<std::string> kMatchEndpoints = {"kickoff",  "status", "file",   "delete",
                                                  "metadata", "read",   "search", "any"};

// What the generator wrote into one rule, and what loading it must give.
struct RuleModel {
  std::string id;
  std::string kind;
  Json fault;   // as written
  Json params;  // as stored: durations in microseconds, numbers as doubles, defaults added
  Match match;
  Schedule schedule;
  std::optional<std::string> set_state{};
  bool swarm = false;
};

struct ScenarioModel {
  Json json = Json::object();
  protocol::IgVersion ig_version = protocol::IgVersion::kV2_0_0;
  std::optional<std::uint64_t> seed;
  DataSpec data;
  JobTimeline job;
  std::vector<std::string> states;
  std::string initial_state;
  std::vector<RuleModel> rules;
  std::optional<Duration> heal_after;
  bool auth = false;  // an "auth" block (needed by any rule on the token endpoint)
  std::optional<Duration> token_lifetime;
};

// ---- small generators (each `*` below runs inside a generator or a property)

// An integer in [lo, hi]; the two ends come up as often as values between them.
rc::Gen<std::int64_t> gen_in(std::int64_t lo, std::int64_t hi) {
  return rc::gen::weightedOneOf<std::int64_t>(
      {{1, rc::gen::just(lo)}, {1, rc::gen::just(hi)}, {4, rc::gen::inRange(lo, hi + 1)}});
}

// A uniform choice in [0, n) at every size (rc::gen::inRange starts near its minimum).
std::size_t pick(std::size_t n) {
  return *rc::gen::resize(100, rc::gen::inRange<std::size_t>(0, n));
}

bool coin() {
  return *rc::gen::arbitrary<bool>();
}

bool maybe() {
  return pick(3) == 0;
}

std::string text(const std::string& alphabet, int max_len) {
  return *rc::gen::resize(max_len, rc::gen::container<std::string>(rc::gen::elementOf(alphabet)));
}

// Printable ASCII, quotes and backslashes included.
std::string printable(int max_len) {
  static const std::string all = [] {
    std::string s;
    for (char c = ' '; c < '\x7f'; ++c)
      s += c;
    return s;
  }();
  return text(all, max_len);
}

template <class T>
std::vector<T> shuffled(std::vector<T> v) {
  for (std::size_t i = v.size(); i > 1; --i)
    std::swap(v[i - 1], v[pick(i)]);
  return v;
}

// `ms` milliseconds in one of the spellings a scenario file may use.
Json duration_json(std::int64_t ms) {
  std::vector<Json> forms = {std::to_string(ms) + "ms"};
  if (ms <= kBig) {  // decimal forms stay exact through a double up to here
    forms.push_back(std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1) +
                    "s");
    forms.push_back(static_cast<double>(ms) / 1000);
  }
  if (ms % 1000 == 0) {
    forms.push_back(std::to_string(ms / 1000) + "s");
    forms.push_back(ms / 1000);
  }
  if (ms % 60000 == 0) forms.push_back(std::to_string(ms / 60000) + "m");
  if (ms % 3600000 == 0) forms.push_back(std::to_string(ms / 3600000) + "h");
  return *rc::gen::elementOf(forms);
}

// Writes `key` as a duration in [lo_ms, hi_ms], half the time; returns what it wrote.
std::optional<Duration> maybe_duration(Json& j, const char* key, std::int64_t lo_ms,
                                       std::int64_t hi_ms) {
  if (!coin()) return std::nullopt;
  const auto ms = *gen_in(lo_ms, hi_ms);
  j[key] = duration_json(ms);
  return millis(ms);
}

const std::vector<std::string>& requirement_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const auto& k : fault_kinds())
      for (const auto& r : k.requirements)
        if (protocol::is_requirement_id(r) && std::find(out.begin(), out.end(), r) == out.end())
          out.push_back(r);
    return out;
  }();
  return ids;
}

std::vector<std::string> some_requirements() {
  return *rc::gen::resize(
      4, rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(requirement_ids())));
}

// ---- fault parameters, from their ParamSpecs

struct ParamCase {
  Json written;
  Json stored;
};

bool has_range(const ParamSpec& p) {
  return p.min != p.max;
}

ParamCase integer_param(const ParamSpec& p) {
  const auto v = has_range(p) ? *gen_in(static_cast<std::int64_t>(std::ceil(p.min)),
                                        static_cast<std::int64_t>(std::floor(p.max)))
                              : *gen_in(-kBig, kBig);
  return {v, v};
}

ParamCase number_param(const ParamSpec& p) {
  const double lo = has_range(p) ? p.min : -1e6, hi = has_range(p) ? p.max : 1e6;
  const double k = static_cast<double>(*gen_in(0, 1000000)) / 1e6;
  const double v = std::clamp(lo + (hi - lo) * k, lo, hi);
  return {v, v};
}

ParamCase duration_param(const ParamSpec& p) {
  const auto lo = has_range(p) ? static_cast<std::int64_t>(std::ceil(p.min * 1000)) : 0;
  const auto hi =
      has_range(p) ? std::min(kMaxMs, static_cast<std::int64_t>(std::floor(p.max * 1000))) : kMaxMs;
  const auto ms = *gen_in(lo, hi);
  return {duration_json(ms), ms * 1000};
}

ParamCase param_value(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::kInteger:
      return integer_param(p);
    case ParamType::kNumber:
      return number_param(p);
    case ParamType::kDuration:
      return duration_param(p);
    case ParamType::kString: {
      const auto s = printable(12);
      return {s, s};
    }
    case ParamType::kChoice: {
      const auto c = *rc::gen::elementOf(p.choices);
      return {c, c};
    }
    case ParamType::kBoolean: {
      const auto b = coin();
      return {b, b};
    }
  }
  RC_FAIL("a parameter type this generator does not know");
}

// The stored form of a parameter's default, as check_params fills it in.
Json stored_default(const ParamSpec& p) {
  if (p.type == ParamType::kDuration)
    return parse_duration_value(p.default_value, "default")->count();
  if (p.type == ParamType::kNumber) return p.default_value.get<double>();
  return p.default_value;
}

struct FaultCase {
  Json fault = Json::object();
  Json params = Json::object();
};

// Some of the kind's parameters (all required ones), in a random order, "kind" among them.
FaultCase fault_value(const FaultKind& kind) {
  std::vector<const ParamSpec*> chosen;
  for (const auto& p : kind.params)
    if (p.default_value.is_null() || coin()) chosen.push_back(&p);
  chosen = shuffled(chosen);
  const auto kind_at = pick(chosen.size() + 1);
  FaultCase c;
  for (std::size_t i = 0; i <= chosen.size(); ++i) {
    if (i == kind_at) c.fault["kind"] = kind.id;
    if (i == chosen.size()) break;
    const auto v = param_value(*chosen[i]);
    c.fault[chosen[i]->name] = v.written;
    c.params[chosen[i]->name] = v.stored;
  }
  for (const auto& p : kind.params)
    if (!c.params.contains(p.name)) c.params[p.name] = stored_default(p);
  return c;
}

// ---- match, schedule, rule

bool allows_any(const FaultKind& kind) {
  return std::find(kind.endpoints.begin(), kind.endpoints.end(), "any") != kind.endpoints.end();
}

struct MatchCase {
  Json json = Json::object();  // null: no "match" key
  Match expected;
};

void add_window(MatchCase& c) {
  const auto after = *gen_in(0, kBig);
  const auto before = after + *gen_in(1, kBig);
  if (coin()) {
    c.json["after"] = duration_json(after);
    c.expected.after = millis(after);
  }
  if (coin()) {
    c.json["before"] = duration_json(before);
    c.expected.before = millis(before);
  }
}

// A match the kind accepts, or no "match" key at all (endpoint any) when the kind allows that.
MatchCase match_value(const FaultKind& kind, const std::vector<std::string>& states) {
  const bool any = allows_any(kind);
  if (any && maybe()) return {Json(), Match{}};
  MatchCase c;
  Match& m = c.expected;
  const auto& endpoints = any ? kMatchEndpoints : kind.endpoints;
  if (!any || coin()) c.json["endpoint"] = m.endpoint = *rc::gen::elementOf(endpoints);
  if (maybe())
    c.json["method"] =
        *(m.method = *rc::gen::element<std::string>("GET", "POST", "DELETE", "PUT", "HEAD"));
  if (maybe()) c.json["job"] = *(m.job = static_cast<std::uint64_t>(*gen_in(1, 1000000)));
  if (maybe()) c.json["file"] = *(m.file = printable(8));
  if (maybe()) add_window(c);
  if (!states.empty() && maybe()) c.json["state"] = *(m.state = *rc::gen::elementOf(states));
  if (maybe())
    c.json["job_state"] = *(m.job_state = *rc::gen::element<std::string>(
                                "running", "completed", "expired", "deleted", "gone"));
  return c;
}

struct ScheduleCase {
  Json json = Json::object();  // null: no "schedule" key
  Schedule expected;
};

void add_nth(ScheduleCase& c) {
  c.expected.kind = Schedule::Kind::kNth;
  c.expected.nth = *rc::gen::resize(
      4, rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint64_t>>(rc::gen::map(
             gen_in(1, 1000), [](std::int64_t n) { return static_cast<std::uint64_t>(n); }))));
  const bool scalar = c.expected.nth.size() == 1 && coin();
  c.json["nth"] = scalar ? Json(c.expected.nth[0]) : Json(c.expected.nth);
}

void add_schedule_kind(ScheduleCase& c, int kind) {
  Schedule& s = c.expected;
  const auto n = static_cast<std::uint64_t>(*gen_in(1, kBig));
  switch (kind) {
    case 1:
      if (coin()) c.json["always"] = true;
      break;
    case 2:
      add_nth(c);
      break;
    case 3:
      s.kind = Schedule::Kind::kEvery;
      c.json["every"] = s.every = n;
      if (maybe()) c.json["offset"] = s.offset = static_cast<std::uint64_t>(*gen_in(0, kBig));
      break;
    case 4:
      s.kind = Schedule::Kind::kFirst;
      c.json["first"] = s.first = n;
      break;
    case 5:
      s.kind = Schedule::Kind::kFrom;
      c.json["from"] = s.from = n;
      break;
    default:
      s.kind = Schedule::Kind::kProbability;
      c.json["probability"] = s.probability = static_cast<double>(*gen_in(0, 1000000)) / 1e6;
      break;
  }
}

ScheduleCase schedule_value() {
  const int kind = static_cast<int>(pick(7));
  if (kind == 0) return {Json(), Schedule{}};
  ScheduleCase c;
  add_schedule_kind(c, kind);
  if (maybe()) c.json["limit"] = *(c.expected.limit = *gen_in(1, kBig));
  if (maybe()) {
    c.expected.per_job = coin();
    c.json["per"] = c.expected.per_job ? "job" : "rule";
  }
  return c;
}

std::string rule_id(std::size_t index) {
  const auto suffix = text(kIdChars, 6);
  return "r" + std::to_string(index) + (suffix.empty() ? "" : "-" + suffix);
}

void add_rule(ScenarioModel& m, std::size_t index, const std::vector<std::string>& states) {
  const auto& kinds = fault_kinds();
  const FaultKind& kind = kinds[pick(kinds.size())];
  const std::string id = rule_id(index);
  Json r = {{"id", id}};
  if (maybe()) r["description"] = printable(20);
  const auto match = match_value(kind, states);
  if (!match.json.is_null()) r["match"] = match.json;
  const auto schedule = schedule_value();
  if (!schedule.json.is_null()) r["schedule"] = schedule.json;
  const auto fault = fault_value(kind);
  r["fault"] = fault.fault;
  RuleModel model{id, kind.id, fault.fault, fault.params, match.expected, schedule.expected};
  if (!states.empty() && maybe()) r["set_state"] = *(model.set_state = *rc::gen::elementOf(states));
  if (maybe()) r["swarm"] = model.swarm = coin();
  m.json["rules"].push_back(r);
  m.rules.push_back(std::move(model));
}

// ---- top level

void add_data(ScenarioModel& m) {
  if (!maybe()) return;
  Json d = Json::object();
  if (coin()) d["members"] = m.data.members = *gen_in(10, 100000000);
  if (coin()) d["members_per_file"] = m.data.members_per_file = *gen_in(1, 100000000);
  m.json["data"] = d;
}

void add_job(ScenarioModel& m) {
  if (!maybe()) return;
  Json j = Json::object();
  JobTimeline& t = m.job;
  t.duration = maybe_duration(j, "duration", 0, kMaxMs).value_or(t.duration);
  t.retry_after = maybe_duration(j, "retry_after", 1000, kBig).value_or(t.retry_after);
  if (maybe()) {
    const bool date = coin();
    j["retry_after_form"] = date ? "http-date" : "seconds";
    t.retry_after_form =
        date ? protocol::RetryAfterForm::kHttpDate : protocol::RetryAfterForm::kSeconds;
  }
  if (maybe()) j["progress_steps"] = t.progress_steps = static_cast<std::uint32_t>(*gen_in(0, 100));
  t.file_ttl = maybe_duration(j, "file_ttl", 0, kMaxMs).value_or(t.file_ttl);
  t.min_poll_interval = maybe_duration(j, "min_poll_interval", 0, kMaxMs);
  m.json["job"] = j;
}

std::vector<std::string> add_states(ScenarioModel& m) {
  const auto n = pick(4);
  std::vector<std::string> states;
  for (std::size_t i = 0; i < n; ++i)
    states.push_back("s" + std::to_string(i) + text(kLower, 4));
  m.states = states;
  if (states.empty()) return states;
  m.json["states"] = states;
  m.initial_state = maybe() ? *rc::gen::elementOf(states) : states.front();
  if (m.initial_state != states.front() || coin()) m.json["initial_state"] = m.initial_state;
  return states;
}

void add_expect(ScenarioModel& m) {
  if (!maybe()) return;
  Json e = Json::object();
  std::string outcome = "success";
  if (coin()) e["outcome"] = outcome = *rc::gen::elementOf(outcome_names());
  if (outcome == "success" && maybe())
    e["resources"] = coin() ? Json("all") : Json(*gen_in(0, kBig));
  if (maybe()) e["judge"] = some_requirements();
  if (maybe()) e["note"] = printable(20);
  if (maybe()) e["faults_fire"] = coin();
  m.json["expect"] = e;
}

void add_header(ScenarioModel& m) {
  Json& j = m.json;
  if (maybe()) j["$schema"] = "scenario.schema.json";
  j["id"] = "g" + text(kIdChars, 10);
  j["description"] = "d" + printable(20);
  if (maybe()) j["requirements"] = some_requirements();
  if (coin()) {
    const bool v1 = coin();
    j["ig_version"] = v1 ? "1.0.1" : "2.0.0";
    m.ig_version = v1 ? protocol::IgVersion::kV1_0_1 : protocol::IgVersion::kV2_0_0;
  }
  if (maybe()) j["seed"] = *(m.seed = *rc::gen::arbitrary<std::uint64_t>());
  if (maybe()) j["time_scale"] = static_cast<double>(*gen_in(1, kBig)) / 1000;
}

rc::Gen<ScenarioModel> gen_scenario(std::size_t min_rules = 0) {
  return rc::gen::exec([min_rules] {
    ScenarioModel m;
    add_header(m);
    add_data(m);
    add_job(m);
    const auto states = add_states(m);
    if (maybe()) m.json["swarm"] = {{"probability", static_cast<double>(*gen_in(0, 1000)) / 1000}};
    const auto rules = min_rules + pick(7 - min_rules);
    if (rules > 0 || maybe()) m.json["rules"] = Json::array();
    for (std::size_t i = 0; i < rules; ++i)
      add_rule(m, i, states);
    bool token_rule = false;
    for (const auto& r : m.json.value("rules", Json::array()))
      token_rule =
          token_rule || (r.contains("match") && r["match"].value("endpoint", "") == "token");
    if (token_rule || maybe()) {
      Json a = Json::object();
      m.auth = true;
      m.token_lifetime = maybe_duration(a, "token_lifetime", 1000, kMaxMs);
      m.json["auth"] = a;
    }
    add_expect(m);
    if (maybe()) m.json["client_args"] = std::vector<std::string>{"--" + text(kLower, 8)};
    if (maybe()) {
      Json sim = Json::object();
      m.heal_after = maybe_duration(sim, "heal_after", 0, kMaxMs);
      m.json["sim"] = sim;
    }
    return m;
  });
}

// ---- checks

template <class T>
T loaded(const Result<T>& r) {
  if (!r.ok()) RC_FAIL("rejected: " + r.error().message());
  return *r;
}

auto schedule_fields(const Schedule& s) {
  return std::make_tuple(s.kind, s.nth, s.every, s.offset, s.first, s.from, s.probability, s.limit,
                         s.per_job);
}

auto match_fields(const Match& m) {
  return std::make_tuple(m.endpoint, m.method, m.job, m.file, m.after, m.before, m.state,
                         m.job_state);
}

auto job_fields(const JobTimeline& t) {
  return std::make_tuple(t.duration.count(), t.retry_after.count(), t.retry_after_form,
                         t.progress_steps, t.file_ttl.count(), t.min_poll_interval);
}

// Json values are compared as dump() text: exact (types too), and RapidCheck's printer throws on
// a Json object when it reports a failed comparison.
void check_fields(const ScenarioModel& m, const Scenario& s) {
  RC_ASSERT(s.ig_version == m.ig_version);
  RC_ASSERT(s.seed == m.seed);
  RC_ASSERT(s.data.members == m.data.members);
  RC_ASSERT(s.data.members_per_file == m.data.members_per_file);
  RC_ASSERT(job_fields(s.job) == job_fields(m.job));
  RC_ASSERT(s.states == m.states);
  RC_ASSERT(s.initial_state == m.initial_state);
  RC_ASSERT(s.heal_after == m.heal_after);
  RC_ASSERT(s.auth.has_value() == m.auth);
  if (s.auth) RC_ASSERT(s.auth->token_lifetime == m.token_lifetime.value_or(seconds(300)));
  RC_ASSERT(s.rules.size() == m.rules.size());
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    const RuleModel& want = m.rules[i];
    RC_ASSERT(s.rules[i].id == want.id);
    RC_ASSERT(s.rules[i].kind == want.kind);
    RC_ASSERT(s.rules[i].fault.dump() == want.fault.dump());
    RC_ASSERT(s.rules[i].params.json().dump() == want.params.dump());
    RC_ASSERT(match_fields(s.rules[i].match) == match_fields(want.match));
    RC_ASSERT(schedule_fields(s.rules[i].schedule) == schedule_fields(want.schedule));
    RC_ASSERT(s.rules[i].set_state == want.set_state);
    RC_ASSERT(s.rules[i].swarm == want.swarm);
  }
}

// ---- one broken leaf

struct Broken {
  Json json;
  std::string path;  // JSON pointer of the broken leaf
  std::string what;  // the message says this too
  std::string how;
};

void walk(const Json& j, const std::string& at, std::vector<std::string>& objects,
          std::vector<std::string>& scalars) {
  if (j.is_object()) {
    objects.push_back(at);
    for (const auto& [key, value] : j.items())
      walk(value, at + "/" + key, objects, scalars);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      walk(j[i], at + "/" + std::to_string(i), objects, scalars);
  } else if (at != "/$schema" && !at.ends_with("/fault/kind")) {
    scalars.push_back(at);  // $schema takes anything; a bad kind is reported on /fault
  }
}

Broken with(const Json& j, const std::string& at, Json bad, std::string what, std::string how) {
  Json b = j;
  b[Json::json_pointer(at)] = std::move(bad);
  return {std::move(b), at, std::move(what), std::move(how)};
}

Broken unknown_key(const Json& j) {
  std::vector<std::string> objects, scalars;
  walk(j, "", objects, scalars);
  const auto at = *rc::gen::elementOf(objects);
  const std::string what = at.ends_with("/fault") ? "unknown parameter" : "unknown key";
  return with(j, at + "/zz-" + text(kLower, 4), 1, what, "unknown key");
}

Broken wrong_type(const Json& j) {
  std::vector<std::string> objects, scalars;
  walk(j, "", objects, scalars);
  const auto at = *rc::gen::elementOf(scalars);
  const Json& v = j[Json::json_pointer(at)];
  return with(j, at,
              v.is_boolean()  ? Json("yes")
              : v.is_string() ? Json(false)
                              : Json("seven"),
              "", "wrong type");
}

Broken duplicate_id(const Json& j) {
  const auto later = 1 + pick(j["rules"].size() - 1);
  const auto earlier = pick(later);
  return with(j, "/rules/" + std::to_string(later) + "/id", j["rules"][earlier]["id"],
              "duplicate rule id", "duplicate rule id");
}

// An out-of-range value written at `write_at` (default: `path`), reported at `path`.
struct Leaf {
  std::string path;
  Json bad;
  std::string what = "out of range";
  std::string write_at{};
};

std::vector<Json> outside(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::kInteger:
      return {static_cast<std::int64_t>(std::floor(p.max)) + 1,
              static_cast<std::int64_t>(std::ceil(p.min)) - 1};
    case ParamType::kNumber:
      return {p.max + 0.5, p.min - 0.5};
    default:  // durations: the loader refuses negative ones before the range check
      if (p.min > 0) return {std::to_string(static_cast<long long>(p.max) + 1) + "s", "0s"};
      return {std::to_string(static_cast<long long>(p.max) + 1) + "s"};
  }
}

std::vector<Leaf> top_leaves() {
  return {{"/data/members", 9},          {"/data/members", 100000001},
          {"/data/members_per_file", 0}, {"/job/progress_steps", 101},
          {"/time_scale", 0.0},          {"/seed", -1},
          {"/swarm/probability", 1.5},   {"/job/retry_after", "999ms", "too short"}};
}

// Every out-of-range value of every ranged parameter of every rule's kind.
std::vector<Leaf> param_leaves(const ScenarioModel& m) {
  std::vector<Leaf> out;
  for (std::size_t i = 0; i < m.rules.size(); ++i)
    for (const auto& p : find_fault_kind(m.rules[i].kind)->params)
      if (has_range(p) && p.type != ParamType::kString && p.type != ParamType::kChoice)
        for (auto& bad : outside(p))
          out.push_back({"/rules/" + std::to_string(i) + "/fault/" + p.name, std::move(bad)});
  return out;
}

// The rule's schedule replaced by one whose single leaf is out of range.
std::vector<Leaf> schedule_leaves(const std::string& rule) {
  const std::string at = rule + "/schedule";
  const auto leaf = [&at](const std::string& key, Json schedule,
                          std::string what = "out of range") {
    return Leaf{at + key, std::move(schedule), std::move(what), at};
  };
  return {leaf("/every", {{"every", 0}}),
          leaf("/first", {{"first", 0}}),
          leaf("/first", {{"first", kBig + 1}}),
          leaf("/from", {{"from", 0}}),
          leaf("/probability", {{"probability", 1.01}}),
          leaf("/probability", {{"probability", -0.01}}),
          leaf("/limit", {{"always", true}, {"limit", 0}}),
          leaf("/offset", {{"every", 2}, {"offset", -1}}),
          leaf("/nth/1", {{"nth", {3, 0}}}, "expected a positive integer")};
}

// A top-level leaf, a fault parameter, a match job ordinal or a schedule leaf, equally often.
Broken out_of_range(const ScenarioModel& m) {
  const std::string rule = "/rules/" + std::to_string(pick(m.rules.size()));
  std::vector<Leaf> leaves;
  switch (pick(4)) {
    case 0:
      leaves = top_leaves();
      break;
    case 1:
      leaves = param_leaves(m);
      break;
    case 2:
      leaves = schedule_leaves(rule);
      break;
  }
  if (leaves.empty()) leaves = {{rule + "/match/job", 0}, {rule + "/match/job", 1000001}};
  const auto leaf = *rc::gen::elementOf(leaves);
  Broken b = with(m.json, leaf.write_at.empty() ? leaf.path : leaf.write_at, leaf.bad, leaf.what,
                  "out of range");
  b.path = leaf.path;
  return b;
}

Broken one_broken(const ScenarioModel& m) {
  switch (pick(4)) {
    case 0:
      return out_of_range(m);
    case 1:
      return unknown_key(m.json);
    case 2:
      return wrong_type(m.json);
    default:
      return duplicate_id(m.json);
  }
}

// Several single-leaf breaks of one scenario, each checked on its own copy.
rc::Gen<std::vector<Broken>> gen_broken() {
  return rc::gen::exec([] {
    const auto m = *gen_scenario(2);
    std::vector<Broken> out;
    for (int i = 0; i < 8; ++i)
      out.push_back(one_broken(m));
    return out;
  });
}

// ---- properties

RC_GTEST_PROP(ScenarioRoundTripProp, WritingALoadedScenarioIsAFixedPoint, ()) {
  const auto m = *gen_scenario();
  RC_LOG() << m.json.dump() << "\n";
  const Json once = scenario_to_json(loaded(parse_scenario(m.json, kSource)));
  const Json twice = scenario_to_json(loaded(parse_scenario(once, "round-trip")));
  RC_ASSERT(twice.dump() == once.dump());
}

RC_GTEST_PROP(ScenarioRoundTripProp, ChosenFieldsSurviveLoadWriteLoadInOrder, ()) {
  const auto m = *gen_scenario();
  RC_LOG() << m.json.dump() << "\n";
  const Scenario once = loaded(parse_scenario(m.json, kSource));
  check_fields(m, once);
  check_fields(m, loaded(parse_scenario(scenario_to_json(once), "round-trip")));
}

void expect_rejected_at(const Broken& b) {
  RC_LOG() << b.how << " at " << b.path << ": " << b.json.dump() << "\n";
  const auto r = parse_scenario(b.json, kSource);
  if (r.ok()) RC_FAIL("accepted a scenario broken at " + b.path);
  const std::string msg = r.error().message();
  const std::string prefix = std::string(kSource) + ": " + b.path + ": ";
  if (!msg.starts_with(prefix)) RC_FAIL("\"" + msg + "\" does not start with \"" + prefix + "\"");
  if (msg.find(b.what) == std::string::npos) RC_FAIL("\"" + msg + "\" does not say " + b.what);
}

RC_GTEST_PROP(ScenarioRoundTripProp, OneBrokenLeafIsRejectedNamingItsJsonPath, ()) {
  for (const auto& b : *gen_broken())
    expect_rejected_at(b);
}

}  // namespace
}  // namespace bh::mockserver
