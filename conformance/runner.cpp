#include "conformance/runner.hpp"

#include <algorithm>
#include <exception>

#include "conformance/explore.hpp"
#include "core/strings.hpp"

namespace bh::conformance {

namespace {

bool matches(const CheckDef& def, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  for (const auto& o : only) {
    if (protocol::iequals(o, def.id)) return true;
    for (const auto& r : def.requirements)
      if (protocol::iequals(o, r)) return true;
  }
  return false;
}

bool applies(const CheckDef& def, const CheckOptions& options) {
  if (def.operational && !options.operational) return false;
  if (def.area == "explore" && options.explore_runs == 0) return false;  // only with --explore
  return def.versions.empty() ||
         std::find(def.versions.begin(), def.versions.end(), options.version) != def.versions.end();
}

CheckResult run_one(Context& ctx, const CheckDef& def, const std::string& level) {
  CheckResult r{def.id,    def.area,      level, def.level, def.requirements,
                def.title, Status::kSkip, {},    {}};
  Verdict v(r);
  if (ctx.probe().out_of_time()) {
    v.skip("the run's deadline (--timeout) passed before this check ran");
    return r;
  }
  try {
    def.run(ctx, level, v);
  } catch (const std::exception& e) {
    v.skip(std::string("the check could not finish: ") + e.what());
  }
  if (!v.written()) v.skip("the check wrote no verdict (a bug in the check)");
  return r;
}

}  // namespace

std::size_t RunReport::count(Status s) const {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [&](const auto& r) { return r.status == s; }));
}

std::size_t RunReport::out_of_time() const {
  return static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](const auto& r) {
    return r.out_of_time && r.level == Level::kShall;
  }));
}

Result<std::vector<const CheckDef*>> select_checks(const std::vector<CheckDef>& catalogue,
                                                   const CheckOptions& options) {
  std::vector<const CheckDef*> out;
  for (const auto& def : catalogue)
    if (applies(def, options) && matches(def, options.only)) out.push_back(&def);
  if (out.empty() && !options.only.empty())
    return make_error(
        "--only",
        "names no check that applies to IG " + std::string(protocol::to_string(options.version)),
        "check ids or requirement IDs (bulkharness check --list)", join(options.only, ","));
  return out;
}

RunReport run_checks(Context& ctx, const std::vector<const CheckDef*>& checks,
                     const OnResult& on_result) {
  RunReport report;
  report.base_url = ctx.options().base_url;
  report.version = ctx.version();
  const Instant start = ctx.probe().http().now();
  report.levels = ctx.levels();
  report.levels_note = ctx.levels_note();
  std::vector<std::pair<std::size_t, CheckResult>> done;  // catalogue index, result
  std::size_t total = 0, failed = 0;
  for (const auto* def : checks)
    total += def->per_level ? report.levels.size() : 1;
  auto record = [&](std::size_t i, CheckResult r) {
    failed += r.status == Status::kFail ? 1 : 0;
    done.emplace_back(i, std::move(r));
    if (on_result) on_result(done.size(), total, failed);
  };
  for (bool passive : {false, true})
    for (std::size_t i = 0; i < checks.size(); ++i) {
      const CheckDef& def = *checks[i];
      if (def.passive != passive) continue;
      if (!def.per_level) {
        record(i, run_one(ctx, def, ""));
        continue;
      }
      for (const auto& level : report.levels)
        record(i, run_one(ctx, def, level));
    }
  ctx.release_all();
  // Group by area (first appearance in the catalogue), then catalogue order.
  std::vector<std::string> areas;
  for (const auto* def : checks)
    if (std::find(areas.begin(), areas.end(), def->area) == areas.end()) areas.push_back(def->area);
  auto area_rank = [&](const std::string& a) {
    return std::find(areas.begin(), areas.end(), a) - areas.begin();
  };
  std::stable_sort(done.begin(), done.end(), [&](const auto& a, const auto& b) {
    const auto ra = area_rank(a.second.area), rb = area_rank(b.second.area);
    return ra != rb ? ra < rb : a.first < b.first;
  });
  for (auto& [i, r] : done)
    report.results.push_back(std::move(r));
  report.elapsed = ctx.probe().http().now() - start;
  return report;
}

std::vector<CheckDef> all_checks() {
  std::vector<CheckDef> out;
  add_capability_checks(out);
  add_kickoff_checks(out);
  add_parameter_checks(out);
  add_status_checks(out);
  add_manifest_checks(out);
  add_download_checks(out);
  add_delete_checks(out);
  add_auth_checks(out);
  add_operational_checks(out);
  add_explore_checks(out);
  return out;
}

}  // namespace bh::conformance
