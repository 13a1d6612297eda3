// `bulkharness sim`: the deterministic simulator from the command line (sim/sim_run.hpp).
//
// Prints the seed and every option first; runs K runs with seeds N, N+1, ... (each a generated
// fault plan, or the given scenario); stops at the first run that breaks an invariant, shrinks
// it, writes the shrunk case under --regressions (scenarios/regressions by default) and prints
// the line that reproduces it. The last line: runs, violations, simulated time, wall time and
// the trace hash. Exit status: 0 no violation, 1 a violation, 2 usage or unreadable input.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "app/args.hpp"
#include "app/commands.hpp"
#include "app/progress.hpp"
#include "core/atomic_file.hpp"
#include "sim/coverage.hpp"
#include "sim/expectations.hpp"
#include "sim/plan_generator.hpp"
#include "sim/shrink.hpp"
#include "sim/sim_run.hpp"

namespace bh::app {

namespace {

using Json = nlohmann::ordered_json;

struct SimSettings {
  std::uint64_t seed = 1;
  std::uint64_t runs = 1;
  std::optional<std::string> scenario_path;
  std::optional<mockserver::Scenario> scenario;
  bool swarm = false, coverage = false, judge = false, json = false, shrink = true;
  bool verbose = false;
  bool quiet = false;       // no progress line on stderr
  bool print_plan = false;  // print each run's scenario (file format) instead of running it
  bool liveness = true;     // the second, fault-free client after the safety phase
  std::uint64_t max_rules = 4;
  sim::Mutant mutant = sim::Mutant::kNone;
  std::string regressions = "scenarios/regressions";
  double time_scale = 1.0;
  std::optional<std::vector<std::string>> client_args;  // before the scenario's client_args
};

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text + " ") {
    if (c != ' ') {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  return words;
}

Result<SimSettings> read_settings(const std::vector<std::string>& argv) {
  auto args = Args::parse(argv,
                          {"--seed", "--runs", "--scenario", "--mutant", "--regressions",
                           "--max-rules", "--time-scale", "--client-args"},
                          {"--swarm", "--coverage", "--judge", "--no-judge", "--json",
                           "--no-shrink", "--verbose", "--print-plan", "--no-liveness", "--quiet"});
  if (!args) return args.error();
  SimSettings s;
  if (auto path = args->get("--scenario")) {
    auto sc = mockserver::resolve_scenario(*path);
    if (!sc) return sc.error().within("--scenario");
    s.scenario = std::move(*sc);
    s.scenario_path = *path;
    s.judge = true;  // a scenario states what a correct client does: judge it, as replay does
  }
  auto seed = args->get_u64("--seed", s.scenario ? s.scenario->seed.value_or(1) : 1, 0, ~0ULL);
  auto runs = args->get_u64("--runs", 1, 1, 100000000);
  auto rules = args->get_u64("--max-rules", 4, 0, 32);
  for (const auto* r : {&seed, &runs, &rules})
    if (!*r) return r->error();
  s.seed = *seed;
  s.runs = *runs;
  s.max_rules = *rules;
  s.swarm = args->has("--swarm");
  s.coverage = args->has("--coverage");
  s.judge = (s.judge || args->has("--judge")) && !args->has("--no-judge");
  s.json = args->has("--json");
  s.shrink = !args->has("--no-shrink");
  s.verbose = args->has("--verbose");
  s.quiet = args->has("--quiet");
  s.print_plan = args->has("--print-plan");
  s.liveness = !args->has("--no-liveness");
  s.regressions = args->get("--regressions").value_or(s.regressions);
  auto scale =
      args->get_double("--time-scale", s.scenario ? s.scenario->time_scale : 1.0, 0.001, 1e6);
  if (!scale) return scale.error();
  s.time_scale = *scale;
  if (auto words = args->get("--client-args")) s.client_args = split_words(*words);
  if (auto m = args->get("--mutant")) {
    auto parsed = sim::parse_mutant(*m);
    if (!parsed)
      return make_error("--mutant", "unknown mutant",
                        "none, client-ignores-retry-after or server-ignores-delete", *m);
    s.mutant = *parsed;
  }
  return s;
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string options_line(const SimSettings& s) {
  std::string plan = s.scenario_path
                         ? "scenario " + *s.scenario_path
                         : std::string("generated plans (") + (s.swarm ? "swarm" : "no swarm") +
                               ", at most " + std::to_string(s.max_rules) + " rules)";
  return "options: runs " + std::to_string(s.runs) + " (seeds " + std::to_string(s.seed) + ".." +
         std::to_string(s.seed + s.runs - 1) + "), " + plan + ", mutant " +
         std::string(sim::to_string(s.mutant)) + ", judge " + (s.judge ? "on" : "off") +
         ", time scale " + number_text(s.time_scale) + ", network latency 1 ms, liveness client " +
         (s.liveness ? "on" : "off");
}

// The run for one seed: the scenario (file or generated) in the file format, and parsed.
struct RunSpec {
  Json json;
  mockserver::Scenario scenario;
  std::string summary;
};

Result<RunSpec> make_run(const SimSettings& s, std::uint64_t seed) {
  RunSpec r;
  if (s.scenario) {
    r.scenario = *s.scenario;
    r.json = mockserver::scenario_to_json(r.scenario);
    r.summary = r.scenario.name;
    return r;
  }
  sim::RngChoices choices(seed);
  sim::Plan plan =
      sim::generate_plan(choices, {s.swarm, s.max_rules}, "sim-" + std::to_string(seed));
  auto parsed = mockserver::parse_scenario(plan.scenario, "generated plan");
  if (!parsed) return parsed.error();  // the generator promises valid plans: report, not crash
  r.json = std::move(plan.scenario);
  r.scenario = std::move(*parsed);
  r.summary = plan.summary;
  return r;
}

sim::RunResult execute(const SimSettings& s, const mockserver::Scenario& sc, std::uint64_t seed,
                       std::ostream* log = nullptr) {
  sim::RunConfig c;
  if (log)
    c.on_event = [log](int client, const client::ClientEvent& e) {
      char stamp[48];
      std::snprintf(stamp, sizeof stamp, "  [client %d %9.3fs] ", client,
                    to_seconds(e.at - kVirtualEpoch));
      *log << stamp << e.text << "\n";
    };
  c.scenario = sc;
  c.seed = seed;
  c.judge = s.judge;
  c.mutant = s.mutant;
  c.time_scale = s.time_scale;
  c.liveness_client = s.liveness;
  if (s.client_args) {  // before the scenario's own flags, which win where both set one
    std::vector<std::string> words = *s.client_args;
    words.insert(words.end(), sc.client_args.begin(), sc.client_args.end());
    c.client_args = std::move(words);
  }
  sim::RunResult r = sim::run_simulation(c);
  sim::check_expectations(sc, r);
  return r;
}

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string reproduce_line(const SimSettings& s, std::uint64_t seed) {
  std::string line = "bulkharness sim --seed " + std::to_string(seed) + " --runs 1";
  if (s.scenario_path) line += " --scenario " + *s.scenario_path;
  if (s.swarm) line += " --swarm";
  if (s.time_scale != (s.scenario ? s.scenario->time_scale : 1.0))
    line += " --time-scale " + number_text(s.time_scale);
  if (!s.scenario_path && s.max_rules != 4) line += " --max-rules " + std::to_string(s.max_rules);
  if (s.mutant != sim::Mutant::kNone) line += " --mutant " + std::string(sim::to_string(s.mutant));
  if (s.judge && !s.scenario_path) line += " --judge";
  if (!s.liveness) line += " --no-liveness";
  if (s.client_args) {
    std::string words;
    for (const auto& w : *s.client_args)
      words += (words.empty() ? "" : " ") + w;
    line += " --client-args '" + words + "'";
  }
  return line;
}

bool breaks(const sim::RunResult& r, const std::string& invariant) {
  for (const auto& v : r.violations)
    if (v.invariant == invariant) return true;
  return false;
}

// Shrinks the failing scenario and writes it; returns the path (or an error text).
std::string write_regression(const SimSettings& s, const RunSpec& spec, std::uint64_t seed,
                             const sim::Violation& v, std::ostream& out) {
  Json scenario = spec.json;
  if (s.shrink) {
    auto still_fails = [&](const Json& candidate) {
      auto parsed = mockserver::parse_scenario(candidate, "shrink");
      return parsed && breaks(execute(s, *parsed, seed), v.invariant);
    };
    const std::size_t before = scenario.value("rules", Json::array()).size();
    auto shrunk = sim::shrink_scenario(scenario, still_fails);
    scenario = std::move(shrunk.scenario);
    out << "  shrunk: " << before << " -> " << scenario.value("rules", Json::array()).size()
        << " rules (" << shrunk.accepted << " simplifications kept of " << shrunk.tried
        << " tried)\n";
  }
  const std::string id = v.invariant + "-seed" + std::to_string(seed);
  scenario["id"] = id;
  scenario["seed"] = seed;
  scenario["description"] = "Found by `" + reproduce_line(s, seed) + "`: " + v.invariant + " [" +
                            [&] {
                              std::string ids;
                              for (const auto& r : v.requirements)
                                ids += (ids.empty() ? "" : " ") + r;
                              return ids;
                            }() +
                            "] " + v.detail;
  Json file = {{"$schema", "../scenario.schema.json"}};
  file.update(scenario);
  std::error_code ec;
  std::filesystem::create_directories(s.regressions, ec);
  const std::string path = s.regressions + "/" + id + ".json";
  if (auto st = write_file_atomically(path, file.dump(2) + "\n"); !st) return st.error().message();
  return path;
}

void print_run(const RunSpec& spec, std::uint64_t seed, const sim::RunResult& r,
               std::ostream& out) {
  out << "run seed " << seed << ": " << spec.summary << " -> " << sim::outcome_name(r.outcome.kind)
      << ", " << r.exchanges << " exchanges, " << r.faults_fired << " faults, simulated "
      << to_seconds(r.simulated) << " s, trace " << hex(r.trace_hash) << "\n";
}

Json run_json(std::uint64_t seed, const RunSpec& spec, const sim::RunResult& r) {
  Json j = {{"seed", seed},
            {"scenario", spec.scenario.name},
            {"outcome", sim::outcome_name(r.outcome.kind)},
            {"exit_code", client::exit_code(r.outcome.kind)},
            {"exchanges", r.exchanges},
            {"faults_fired", r.faults_fired},
            {"simulated_s", to_seconds(r.simulated)},
            {"trace", hex(r.trace_hash)}};
  if (r.liveness_outcome) j["liveness_outcome"] = sim::outcome_name(r.liveness_outcome->kind);
  if (r.verdict) {
    j["verdict"] = r.verdict->result();
    Json failed = Json::array();
    for (const auto& rule : r.verdict->rules)
      if (rule.outcome == judge::Outcome::kFail) failed.push_back(rule.id);
    j["failed_rules"] = failed;
  }
  Json vs = Json::array();
  for (const auto& v : r.violations)
    vs.push_back({{"invariant", v.invariant},
                  {"requirements", v.requirements},
                  {"at_s", to_seconds(v.at)},
                  {"detail", v.detail}});
  j["violations"] = vs;
  return j;
}

struct Totals {
  sim::Coverage coverage;
  std::uint64_t trace = 1469598103934665603ULL, violations = 0, done = 0;
  Duration simulated{};
  Json runs = Json::array();
};

// Runs s.runs runs; false on unusable input (exit 2). Stops at the first violation.
bool run_batch(const SimSettings& s, Totals& t, std::ostream& text, std::ostream& err,
               ProgressLine& progress) {
  // A scenario file is the same run for every seed: made once, not copied and re-serialized
  // per run (that was 4% of a benchmark lifecycle).
  std::optional<Result<RunSpec>> fixed;
  if (s.scenario) fixed = make_run(s, s.seed);
  for (std::uint64_t i = 0; i < s.runs; ++i) {
    const std::uint64_t seed = s.seed + i;
    std::optional<Result<RunSpec>> made;
    if (!fixed) made = make_run(s, seed);
    const Result<RunSpec>& spec = fixed ? *fixed : *made;
    if (!spec) {
      err << "bulkharness sim: seed " << seed << ": " << spec.error().message() << "\n";
      return false;
    }
    if (s.print_plan) {
      Json plan = spec->json;
      plan["seed"] = seed;
      text << plan.dump(2) << "\n";
      continue;
    }
    sim::RunResult r = execute(s, spec->scenario, seed, s.verbose && s.runs == 1 ? &text : nullptr);
    if (!r.error.empty()) {
      err << "bulkharness sim: " << spec->summary << ": " << r.error << "\n";
      return false;
    }
    ++t.done;
    t.simulated += r.simulated;
    t.trace = (t.trace ^ r.trace_hash) * 1099511628211ULL;
    t.coverage.add(r.transitions, spec->scenario.ig_version);
    if (s.json) t.runs.push_back(run_json(seed, *spec, r));
    progress.update(t.done, t.violations + r.violations.size());
    const bool each = s.verbose || s.runs == 1;
    if (each) print_run(*spec, seed, r, text);
    if (r.violations.empty()) continue;
    t.violations += r.violations.size();
    if (!each) print_run(*spec, seed, r, text);
    for (const auto& v : r.violations)
      text << "VIOLATION " << v.invariant << " at " << to_seconds(v.at) << " s: " << v.detail
           << "\n";
    text << "  reproduce: " << reproduce_line(s, seed) << "\n";
    const std::string written = write_regression(s, *spec, seed, r.violations.front(), text);
    text << "  regression: " << written << "\n  replay: bulkharness sim --scenario " << written
         << (s.mutant != sim::Mutant::kNone ? " --mutant " + std::string(sim::to_string(s.mutant))
                                            : std::string())
         << "\n";
    return true;  // the first failure is the one to look at; its seed reproduces it
  }
  return true;
}

// `--scenario DIR`: every scenario file in it (sorted), each with its own seed and time scale.
std::vector<std::string> scenario_files(const std::vector<std::string>& argv) {
  std::vector<std::string> files;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] != "--scenario" || !std::filesystem::is_directory(argv[i + 1])) continue;
    for (const auto& e : std::filesystem::directory_iterator(argv[i + 1]))
      if (e.path().extension() == ".json" && e.path().filename() != "scenario.schema.json")
        files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> with_scenario(std::vector<std::string> argv, const std::string& file) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == "--scenario") argv[i + 1] = file;
  return argv;
}

}  // namespace

int sim_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  // One batch per scenario file of a --scenario DIR, else the command line as given.
  std::vector<std::vector<std::string>> argvs;
  for (const auto& f : scenario_files(argv))
    argvs.push_back(with_scenario(argv, f));
  if (argvs.empty()) argvs.push_back(argv);
  std::vector<SimSettings> batches;
  for (const auto& words : argvs) {
    auto settings = read_settings(words);
    if (!settings) {
      err << "bulkharness sim: " << settings.error().message() << "\n";
      return 2;
    }
    batches.push_back(std::move(*settings));
  }
  const SimSettings& first = batches.front();
  std::ostream& text = first.json ? err : out;
  text << "seed: " << first.seed << "\n";
  for (const auto& b : batches)
    text << options_line(b) << "\n";
  const auto wall0 = std::chrono::steady_clock::now();
  Totals t;
  std::uint64_t total = 0;
  for (const auto& b : batches)
    total += b.runs;
  // Progress goes to stderr and only for runs past a second, so stdout (the journal-like
  // report, and --json) stays byte-identical for a seed; --quiet or --print-plan turn it off.
  auto progress =
      ProgressLine::on_stderr(err, !first.quiet && !first.print_plan, "sim", total, "violations");
  for (const auto& b : batches) {
    if (!run_batch(b, t, text, err, progress)) return 2;
    if (t.violations > 0) break;
  }
  progress.finish();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  if (first.coverage) text << t.coverage.table();
  if (first.json) {
    Json doc = {{"seed", first.seed},
                {"runs", t.runs},
                {"violations", t.violations},
                {"simulated_s", to_seconds(t.simulated)},
                {"wall_s", wall},
                {"trace", hex(t.trace)}};
    if (first.coverage) doc["missing_transitions"] = t.coverage.missing();
    out << doc.dump(2) << "\n";
  }
  char line[256];
  std::snprintf(
      line, sizeof line, "runs %llu, violations %llu, simulated %.1f s, wall %.3f s, trace %s\n",
      static_cast<unsigned long long>(t.done), static_cast<unsigned long long>(t.violations),
      to_seconds(t.simulated), wall, hex(t.trace).c_str());
  text << line;
  if (first.coverage && !t.coverage.missing().empty()) {
    text << "transitions neither reached nor explained:";
    for (const auto& id : t.coverage.missing())
      text << " " << id;
    text << "\n";
  }
  return t.violations == 0 ? 0 : 1;
}

}  // namespace bh::app
