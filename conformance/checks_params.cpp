// Parameter checks: _type, _since, _elements and patient really change what is exported
// (PAR-02, PAR-04, PAR-05, PAR-06, ERR-08), and a patient-level export holds patients (KO-16).
#include <algorithm>
#include <set>

#include "conformance/check_def.hpp"
#include "protocol/fhir_instant.hpp"

namespace bh::conformance {

namespace {

using V = protocol::IgVersion;
const std::vector<V> kV2Plus = {V::kV2_0_0, V::kV3_0_0, V::kV4_0_0_ballot};

std::optional<std::string> patient_level(Context& ctx) {
  for (const auto& l : ctx.levels())
    if (l == "patient") return l;
  for (const auto& l : ctx.levels())
    if (l.starts_with("group")) return l;
  return std::nullopt;
}

std::set<std::string> patient_ids(const ExportRun& run) {
  std::set<std::string> ids;
  for (const auto& r : run.facts)
    if (r.type == "Patient" && !r.id.empty()) ids.insert(r.id);
  return ids;
}

// A finished export the check reads, or the reason there is none (it is then skipped).
const ExportRun* usable_baseline(Context& ctx, const std::string& level, Verdict& v) {
  const ExportRun& run = ctx.baseline(level);
  if (!run.complete()) {
    v.skip("the " + level + " baseline export did not finish: " + run.problem);
    return nullptr;
  }
  return &run;
}

void type_filter(Context& ctx, const std::string&, Verdict& v) {
  const std::string level = ctx.first_level();
  const ExportRun* base = usable_baseline(ctx, level, v);
  if (base == nullptr) return;
  std::set<std::string> types;
  for (const auto& f : base->manifest->manifest->output)
    if (!f.type.empty()) types.insert(f.type);
  if (types.empty()) return v.skip("the baseline export has no typed output to filter");
  const std::string pick = types.size() > 1 ? *std::next(types.begin()) : *types.begin();
  ExportRun run = ctx.run_export(level, {{"_type", pick}}, ctx.style(), true);
  v.evidence(run.kickoff);
  if (!run.complete()) return unfinished(run, v, "_type=" + pick);
  ctx.del(run.status_url);
  for (const auto& f : run.manifest->manifest->output)
    if (f.type != pick) {
      if (run.manifest_exchange()) v.evidence(*run.manifest_exchange());
      return v.violated("_type=" + pick + " but the manifest lists output of type " + f.type);
    }
  for (const auto& r : run.facts)
    if (r.type != pick)
      return v.violated("_type=" + pick + " but the files hold a " + r.type + " (" + r.id + ")");
  v.pass("_type=" + pick + " exported only " + pick + " (" + std::to_string(run.facts.size()) +
         " resources; the unfiltered export held " + std::to_string(types.size()) + " types)");
}

// Types a server MAY return whatever their lastUpdated at Patient/Group level: resources the
// exported ones reference (PAR-02 relaxation b).
bool maybe_referenced(const std::string& type) {
  static const std::set<std::string> kTypes = {
      "Patient",          "Group",    "Organization", "Practitioner",
      "PractitionerRole", "Location", "Medication",   "Device"};
  return kTypes.contains(type);
}

void since_filter(Context& ctx, const std::string&, Verdict& v) {
  const std::string level = ctx.first_level();
  const ExportRun* base = usable_baseline(ctx, level, v);
  if (base == nullptr) return;
  std::vector<Instant> times;
  for (const auto& r : base->facts)
    if (auto t = protocol::parse_fhir_instant(r.last_updated)) times.push_back(*t);
  std::sort(times.begin(), times.end());
  // Strictly between two neighbouring lastUpdated values near the median, at millisecond
  // precision: whether a server compares with > or >= then makes no difference.
  std::optional<Instant> pick;
  for (std::size_t k = times.size() / 2, n = 0; n < times.size() && !pick; ++n) {
    const std::size_t i = (k + n) % times.size();
    if (i + 1 < times.size() && times[i + 1] - times[i] >= millis(2))
      pick = times[i] +
             std::chrono::duration_cast<std::chrono::milliseconds>((times[i + 1] - times[i]) / 2);
  }
  if (!pick)
    return v.skip("the baseline's resources carry no spread of meta.lastUpdated to filter on");
  const Instant since = std::chrono::floor<std::chrono::milliseconds>(*pick);
  const std::string since_text = protocol::format_fhir_instant(since);
  ExportRun run = ctx.run_export(level, {{"_since", since_text}}, ctx.style(), true);
  v.evidence(run.kickoff);
  if (!run.complete()) return unfinished(run, v, "_since=" + since_text);
  ctx.del(run.status_url);
  std::size_t older = 0;
  std::string example;
  for (const auto& r : run.facts) {
    auto t = protocol::parse_fhir_instant(r.last_updated);
    if (!t || *t > since || (level != "system" && maybe_referenced(r.type))) continue;
    if (older++ == 0) example = r.type + "/" + r.id + " lastUpdated " + r.last_updated;
  }
  if (older > 0)
    return v.violated("_since=" + since_text + " returned " + std::to_string(older) +
                      " resources modified at or before it, e.g. " + example);
  v.pass("_since=" + since_text + " kept " + std::to_string(run.facts.size()) + " of " +
         std::to_string(base->facts.size()) + " resources, all modified after it");
}

void elements(Context& ctx, const std::string&, Verdict& v) {
  const std::string level = ctx.first_level();
  const ExportRun* base = usable_baseline(ctx, level, v);
  if (base == nullptr) return;
  const ResourceFacts* patient = nullptr;
  for (const auto& r : base->facts)
    if (r.type == "Patient" && r.keys.size() > 3) {
      patient = &r;
      break;
    }
  if (patient == nullptr) return v.skip("the baseline has no Patient with optional elements");
  std::string element;
  for (const auto& k : patient->keys)
    if (k != "resourceType" && k != "id" && k != "meta" && k != "text") {
      element = k;
      break;
    }
  if (element.empty()) return v.skip("no optional Patient element to ask for");
  ExportRun run = ctx.run_export(level, {{"_type", "Patient"}, {"_elements", "Patient." + element}},
                                 ctx.style(), true);
  v.evidence(run.kickoff);
  const int st = run.kickoff.response.status;
  if (st >= 400 && st < 500 && !outcome_problem(run.kickoff))
    return v.pass("_elements is refused with " + std::to_string(st) +
                  " + OperationOutcome "
                  "(a server that cannot honour it SHOULD refuse)");
  if (!run.complete()) return unfinished(run, v, "_elements=Patient." + element);
  ctx.del(run.status_url);
  const std::set<std::string> allowed = {"resourceType", "id", "meta", element, "implicitRules"};
  for (const auto& r : run.facts) {
    if (r.type != "Patient") continue;
    for (const auto& k : r.keys)
      if (!allowed.contains(k))
        return v.violated("_elements=Patient." + element + " but Patient/" + r.id +
                          " still has \"" + k + "\"");
    if (!r.subsetted)
      return v.violated("Patient/" + r.id + " was trimmed but carries no SUBSETTED meta.tag");
  }
  v.pass("_elements=Patient." + element + " trimmed every Patient and tagged it SUBSETTED");
}

void patient_param(Context& ctx, const std::string&, Verdict& v) {
  auto level = patient_level(ctx);
  if (!level) return v.skip("neither the patient nor a group level is tested");
  const ExportRun* base = usable_baseline(ctx, *level, v);
  if (base == nullptr) return;
  const std::set<std::string> ids = patient_ids(*base);
  if (ids.size() < 2) return v.skip("the baseline holds fewer than 2 patients to choose from");
  const std::string chosen = *ids.begin();
  ExportRun run =
      ctx.run_export(*level, {{"patient", "Patient/" + chosen}}, KickoffStyle::posted(), true);
  v.evidence(run.kickoff);
  const int st = run.kickoff.response.status;
  if (st >= 400 && st < 500)
    return v.skip("a POST with `patient` was refused with " + std::to_string(st) +
                  " (POST or the parameter is not supported)");
  if (!run.complete()) return unfinished(run, v, "patient=Patient/" + chosen);
  ctx.del(run.status_url);
  // A resource may also name other patients (a Coverage's subscriber, a Patient.link); it is
  // another patient's data only when it names the chosen one nowhere.
  for (const auto& r : run.facts) {
    if (r.patient_refs.empty()) continue;
    if (std::find(r.patient_refs.begin(), r.patient_refs.end(), chosen) == r.patient_refs.end())
      return v.violated("patient=Patient/" + chosen + " but " + r.type + "/" + r.id +
                        " belongs to Patient/" + r.patient_refs.front());
  }
  v.pass("patient=Patient/" + chosen + " exported only that patient's data (" +
         std::to_string(run.facts.size()) + " resources of " + std::to_string(ids.size()) +
         " patients' " + std::to_string(base->facts.size()) + ")");
}

void unknown_patient(Context& ctx, const std::string&, Verdict& v) {
  auto level = patient_level(ctx);
  if (!level) return v.skip("neither the patient nor a group level is tested");
  Exchange e = ctx.kickoff(*level, {{"patient", "Patient/bulkharness-no-such-patient"}},
                           KickoffStyle::posted());
  v.evidence(e);
  const int st = e.response.status;
  if (st == 202) {
    if (auto url = ctx.status_url_of(e); !url.empty()) ctx.del(url);
    return v.violated("a patient that does not exist was accepted (202)");
  }
  if (st >= 400 && st < 500 && !outcome_problem(e))
    return v.pass("an unknown patient is refused with " + std::to_string(st) +
                  " + OperationOutcome");
  v.violated(describe_answer(e, "a kick-off naming an unknown patient") +
             ", expected 4xx + OperationOutcome");
}

void two_patients(Context& ctx, const std::string&, Verdict& v) {
  auto level = patient_level(ctx);
  if (!level) return v.skip("neither the patient nor a group level is tested");
  const ExportRun* base = usable_baseline(ctx, *level, v);
  if (base == nullptr) return;
  const std::set<std::string> ids = patient_ids(*base);
  if (ids.size() >= 2)
    return v.pass(std::to_string(ids.size()) + " distinct patients in the " + *level + " export");
  v.violated("the " + *level + " export holds " + std::to_string(ids.size()) +
             " distinct Patient resources; Inferno's test expects at least 2");
}

}  // namespace

void add_parameter_checks(std::vector<CheckDef>& out) {
  out.push_back({"param-type",
                 "parameters",
                 Level::kShall,
                 {"PAR-04"},
                 "_type limits the export to the listed types",
                 false,
                 false,
                 false,
                 {},
                 type_filter});
  out.push_back({"param-since",
                 "parameters",
                 Level::kShall,
                 {"PAR-02"},
                 "_since leaves out resources not modified after it",
                 false,
                 false,
                 false,
                 {},
                 since_filter});
  out.push_back({"param-elements",
                 "parameters",
                 Level::kShould,
                 {"PAR-05"},
                 "_elements trims resources and tags them SUBSETTED, or is refused",
                 false,
                 false,
                 false,
                 kV2Plus,
                 elements});
  out.push_back({"param-patient",
                 "parameters",
                 Level::kShall,
                 {"PAR-06"},
                 "patient limits a Patient/Group export to those patients",
                 false,
                 false,
                 false,
                 kV2Plus,
                 patient_param});
  out.push_back({"param-patient-unknown",
                 "parameters",
                 Level::kShould,
                 {"PAR-06", "ERR-08"},
                 "a patient that does not exist is refused with 4xx + OperationOutcome",
                 false,
                 false,
                 false,
                 kV2Plus,
                 unknown_patient});
  out.push_back({"two-patients",
                 "parameters",
                 Level::kShould,
                 {"KO-16"},
                 "a patient-level export holds at least two patients (Inferno 2PT)",
                 false,
                 false,
                 false,
                 {},
                 two_patients});
}

}  // namespace bh::conformance
