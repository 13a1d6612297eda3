// Capability checks: what the server says about itself at [base]/metadata (CAP-01, CAP-02,
// KO-02, KO-18).
#include "conformance/check_def.hpp"

namespace bh::conformance {

namespace {

constexpr std::string_view kCanonical = "http://hl7.org/fhir/uv/bulkdata/";

void statement(Context& ctx, const std::string&, Verdict& v) {
  const Exchange& e = ctx.capability();
  v.evidence(e);
  if (!e.ok()) return v.violated("GET metadata failed: " + *e.response.error);
  if (e.response.status != 200)
    return v.violated("GET metadata answered " + std::to_string(e.response.status) +
                      ", expected 200 with a CapabilityStatement");
  if (ctx.capability_json() == nullptr)
    return v.violated("GET metadata answered 200 but the body is not a JSON CapabilityStatement");
  v.pass("metadata answers a CapabilityStatement");
}

void instantiates(Context& ctx, const std::string&, Verdict& v) {
  const auto* cap = ctx.capability_json();
  if (cap == nullptr) return v.skip("no CapabilityStatement to read");
  const std::string want = std::string(kCanonical) + "CapabilityStatement/bulk-data";
  if (cap->contains("instantiates") && (*cap)["instantiates"].is_array()) {
    for (const auto& i : (*cap)["instantiates"])
      if (i.is_string() &&
          (i.get<std::string>() == want || i.get<std::string>().starts_with(want + "|")))
        return v.pass("instantiates " + want);
  }
  v.evidence(ctx.capability());
  v.violated("CapabilityStatement.instantiates does not include " + want);
}

const nlohmann::json* operations_for(const nlohmann::json& rest, const std::string& level) {
  if (level == "system") return rest.contains("operation") ? &rest["operation"] : nullptr;
  const std::string type = level == "patient" ? "Patient" : "Group";
  if (!rest.contains("resource") || !rest["resource"].is_array()) return nullptr;
  for (const auto& r : rest["resource"])
    if (r.is_object() && r.value("type", "") == type && r.contains("operation"))
      return &r["operation"];
  return nullptr;
}

void declares_export(Context& ctx, const std::string& level, Verdict& v) {
  const auto* cap = ctx.capability_json();
  if (cap == nullptr) return v.skip("no CapabilityStatement to read");
  if (!cap->contains("rest") || !(*cap)["rest"].is_array() || (*cap)["rest"].empty())
    return v.violated("the CapabilityStatement has no rest entry");
  const std::string tail = level == "system"    ? "OperationDefinition/export"
                           : level == "patient" ? "OperationDefinition/patient-export"
                                                : "OperationDefinition/group-export";
  const std::string where =
      level == "system" ? "rest.operation"
                        : "rest.resource(" + std::string(level == "patient" ? "Patient" : "Group") +
                              ").operation";
  const auto* ops = operations_for((*cap)["rest"][0], level);
  if (ops == nullptr || !ops->is_array())
    return v.violated(where +
                      " declares no operations (1.0.1 moved Patient and Group export "
                      "there)");
  for (const auto& op : *ops) {
    if (!op.is_object() || op.value("name", "") != "export") continue;
    const std::string def = op.value("definition", "");
    if (def.starts_with(std::string(kCanonical) + tail)) return v.pass(where + " declares export");
    return v.pass(where + " declares export, with the non-canonical definition \"" + def + "\"");
  }
  v.violated(where + " has no operation named export");
}

void group_search(Context& ctx, const std::string&, Verdict& v) {
  protocol::Headers h;
  h.add("Accept", "application/fhir+json");
  Exchange e = ctx.probe().get(ctx.options().base_url + "/Group?_count=1", std::move(h));
  v.evidence(e);
  auto j = nlohmann::json::parse(e.body, nullptr, false);
  if (e.response.status == 200 && j.is_object() && j.value("resourceType", "") == "Bundle")
    return v.pass("GET Group answers a Bundle");
  v.violated(describe_answer(e, "GET Group?_count=1") + ", expected 200 with a searchset Bundle");
}

}  // namespace

void add_capability_checks(std::vector<CheckDef>& out) {
  out.push_back({"capability-statement",
                 "capability",
                 Level::kShould,
                 {"CAP-01", "CAP-02"},
                 "GET [base]/metadata answers a CapabilityStatement",
                 false,
                 false,
                 false,
                 {},
                 statement});
  out.push_back({"capability-instantiates",
                 "capability",
                 Level::kShould,
                 {"CAP-01"},
                 "CapabilityStatement.instantiates names the Bulk Data CapabilityStatement",
                 false,
                 false,
                 false,
                 {},
                 instantiates});
  out.push_back({"capability-declares-export",
                 "capability",
                 Level::kShould,
                 {"CAP-02", "KO-02"},
                 "the export operation of each tested level is declared where 1.0.1+ puts it",
                 true,
                 false,
                 false,
                 {},
                 declares_export});
  out.push_back({"group-search",
                 "capability",
                 Level::kShould,
                 {"KO-18"},
                 "a server offering Group export supports searching Group",
                 false,
                 false,
                 false,
                 {},
                 [](Context& ctx, const std::string& l, Verdict& v) {
                   for (const auto& level : ctx.levels())
                     if (level.starts_with("group")) return group_search(ctx, l, v);
                   v.skip("the group level is not tested");
                 }});
}

}  // namespace bh::conformance
