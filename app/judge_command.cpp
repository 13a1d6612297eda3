// `bulkharness judge --journal FILE`: the judge's verdict on a saved journal, offline.
//
// The journal is what GET /__admin/journal returned; the scenario supplies the expectations
// (expect.outcome, expect.judge) and the IG version. Exit status: 0 pass, 1 fail, 3
// inconclusive (the journal dropped entries), 2 usage or unreadable input.
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/args.hpp"
#include "app/commands.hpp"
#include "mockserver/judge/judge.hpp"
#include "mockserver/scenario.hpp"

namespace bh::app {

namespace {
constexpr std::size_t kMaxJournalBytes = 512u << 20;

Result<nlohmann::json> read_journal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(path, "cannot open the journal", "a readable JSON file");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxJournalBytes)
    return make_error(path, "too large for a journal", "at most 512 MiB");
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded()) return make_error(path, "not JSON", "the body of GET /__admin/journal");
  return j;
}
}  // namespace

int judge_command(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  auto args = Args::parse(argv, {"--journal", "--scenario", "--time-scale"}, {"--json"});
  if (!args) {
    err << "bulkharness judge: " << args.error().message() << "\n";
    return 2;
  }
  const auto path = args->get("--journal");
  if (!path) {
    err << "bulkharness judge: --journal FILE is required (the body of GET /__admin/journal)\n";
    return 2;
  }
  auto scenario = mockserver::resolve_scenario(args->get("--scenario").value_or("default"));
  if (!scenario) {
    err << "bulkharness judge: " << scenario.error().within("--scenario").message() << "\n";
    return 2;
  }
  auto scale = args->get_double("--time-scale", scenario->time_scale, 0.001, 1e6);
  auto journal = read_journal(*path);
  if (!scale || !journal) {
    err << "bulkharness judge: " << (!scale ? scale.error() : journal.error()).message() << "\n";
    return 2;
  }
  judge::JudgeSettings settings{scenario->name, scenario->ig_version, *scale,
                                scenario->expect.outcome, scenario->expect.judge};
  auto verdict = judge::judge_journal(*journal, std::move(settings));
  if (!verdict) {
    err << "bulkharness judge: " << verdict.error().within(*path).message() << "\n";
    return 2;
  }
  if (args->has("--json"))
    out << judge::to_json(*verdict).dump(2) << "\n";
  else
    out << judge::to_text(*verdict);
  const std::string result = verdict->result();
  return result == "pass" ? 0 : result == "fail" ? 1 : 3;
}

}  // namespace bh::app
