// The server's CapabilityStatement (CAP-01, CAP-02, CAP-03's type list, KO-18).
//
// Policies: the canonicals carry no `|version` suffix (CAP-01 checkers accept both, and one
// statement serves every IG version we speak); the IG version appears instead in
// `implementationGuide`. Patient and Group are always declared because their export operations
// live on them (the 1.0.1 placement, CAP-02), whether or not they are among the exported types.
#include "protocol/capability.hpp"

#include <algorithm>

#include "protocol/fhir_instant.hpp"

namespace bh::protocol {

namespace {

using nlohmann::ordered_json;

constexpr const char* kCanonicalBase = "http://hl7.org/fhir/uv/bulkdata/";

std::string canonical(std::string_view tail) {
  return kCanonicalBase + std::string(tail);
}

ordered_json export_operation(std::string_view definition) {
  return {{"name", "export"}, {"definition", canonical(definition)}};
}

ordered_json resource_entry(const std::string& type) {
  ordered_json r = {{"type", type}};
  // KO-18: clients find groups by reading and searching Group.
  if (type == "Group")
    r["interaction"] = ordered_json::array({ordered_json::object({{"code", "read"}}),
                                            ordered_json::object({{"code", "search-type"}})});
  if (type == "Patient")
    r["operation"] = ordered_json::array({export_operation("OperationDefinition/patient-export")});
  if (type == "Group")
    r["operation"] = ordered_json::array({export_operation("OperationDefinition/group-export")});
  return r;
}

// Exported types in the order given, without duplicates, with Patient and Group added.
std::vector<std::string> declared_types(const std::vector<std::string>& exported) {
  std::vector<std::string> out;
  auto add = [&](const std::string& t) {
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  for (const auto& t : exported)
    add(t);
  add("Patient");
  add("Group");
  return out;
}

}  // namespace

nlohmann::ordered_json capability_statement(const CapabilityInfo& info) {
  ordered_json resources = ordered_json::array();
  for (const auto& t : declared_types(info.resource_types))
    resources.push_back(resource_entry(t));
  ordered_json rest = ordered_json::object();
  rest["mode"] = "server";
  rest["resource"] = std::move(resources);
  rest["operation"] = ordered_json::array({export_operation("OperationDefinition/export")});

  ordered_json cs = ordered_json::object();
  cs["resourceType"] = "CapabilityStatement";
  cs["status"] = "active";
  cs["date"] = format_fhir_instant(info.date);
  cs["kind"] = "instance";
  cs["instantiates"] = ordered_json::array({canonical("CapabilityStatement/bulk-data")});
  // R4 strings may not be empty, so optional texts are left out rather than written as "".
  cs["software"] = ordered_json::object({{"name", "bulkharness"}});
  if (!info.software_version.empty()) cs["software"]["version"] = info.software_version;
  cs["implementation"] =
      ordered_json::object({{"description", "bulkharness mock Bulk Data server"}});
  if (!info.base_url.empty()) cs["implementation"]["url"] = info.base_url;
  cs["fhirVersion"] = "4.0.1";
  cs["format"] = ordered_json::array({"json"});
  cs["implementationGuide"] =
      ordered_json::array({canonical("ImplementationGuide/hl7.fhir.uv.bulkdata|") +
                           std::string(to_string(info.version))});
  cs["rest"] = ordered_json::array({std::move(rest)});
  return cs;
}

}  // namespace bh::protocol
