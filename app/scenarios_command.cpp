// `bulkharness scenarios validate FILE|DIR...` (exit 1 if any is invalid, each problem named with
// its file and JSON path), `scenarios list [DIR]` (id, rules, expected outcome, requirements),
// `scenarios schema` (the JSON Schema, generated from the fault registry).
#include <algorithm>
#include <filesystem>
#include <ostream>

#include "app/commands.hpp"
#include "core/strings.hpp"
#include "mockserver/scenario.hpp"

namespace bh::app {

namespace {

std::vector<std::string> json_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".json" &&
        e.path().filename() != "scenario.schema.json")
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

int validate(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  if (files.empty()) {
    err << "usage: bulkharness scenarios validate FILE...\n";
    return 2;
  }
  int bad = 0;
  std::vector<std::string> expanded;
  for (const auto& f : files) {  // a directory means every scenario file in it
    if (std::filesystem::is_directory(f)) {
      for (const auto& g : json_files(f))
        expanded.push_back(g);
    } else {
      expanded.push_back(f);
    }
  }
  for (const auto& f : expanded) {
    auto s = mockserver::load_scenario_file(f);
    if (s) {
      out << "ok       " << f << " (" << s->name << ", " << s->rules.size() << " rules)\n";
    } else {
      ++bad;
      err << "INVALID  " << s.error().message() << "\n";
    }
  }
  out << expanded.size() - static_cast<std::size_t>(bad) << " of " << expanded.size() << " valid\n";
  return bad ? 1 : 0;
}

int list(const std::string& dir, std::ostream& out, std::ostream& err) {
  const auto files = json_files(dir);
  if (files.empty()) {
    err << "bulkharness scenarios list: no scenario files (*.json) in " << dir << "\n";
    return 1;
  }
  int bad = 0;
  for (const auto& f : files) {
    auto s = mockserver::load_scenario_file(f);
    if (!s) {
      ++bad;
      err << "INVALID  " << s.error().message() << "\n";
      continue;
    }
    const std::string reqs = join(s->requirements, " ");
    out << s->name << "\n  " << s->description << "\n  rules " << s->rules.size() << ", expect "
        << s->expect.outcome << ", requirements " << reqs
        << "\n  judge: " << (s->expect.judge.empty() ? "-" : join(s->expect.judge, " "))
        << " (a verdict lists those no judge rule confirmed; docs/judge.md)\n";
  }
  return bad ? 1 : 0;
}

}  // namespace

int scenarios_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (!args.empty() && args[0] == "validate")
    return validate(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  if (!args.empty() && args[0] == "list" && args.size() <= 2)
    return list(args.size() == 2 ? args[1] : "scenarios", out, err);
  if (args.size() == 1 && args[0] == "schema") {
    out << mockserver::scenario_schema().dump(2) << "\n";
    return 0;
  }
  err << "usage: bulkharness scenarios validate FILE... | list [DIR] | schema\n";
  return 2;
}

}  // namespace bh::app
