// The CapabilityStatement: canonical URLs in the places CAP-01/CAP-02 name, types, Group access.
#include <gtest/gtest.h>

#include <set>

#include "protocol/capability.hpp"

namespace bh::protocol {
namespace {

using nlohmann::ordered_json;

constexpr const char* kBase = "http://hl7.org/fhir/uv/bulkdata/";

CapabilityInfo info() {
  CapabilityInfo i;
  i.base_url = "http://127.0.0.1:8080/fhir";
  i.version = IgVersion::kV2_0_0;
  i.resource_types = {"Patient", "Coverage", "ExplanationOfBenefit", "Coverage", "Organization"};
  i.software_version = "0.1.0";
  i.date = kVirtualEpoch;
  return i;
}

const ordered_json* resource(const ordered_json& cs, const std::string& type) {
  for (const auto& r : cs["rest"][0]["resource"])
    if (r["type"] == type) return &r;
  return nullptr;
}

TEST(Capability, TopLevelFields) {
  const auto cs = capability_statement(info());
  EXPECT_EQ(cs["resourceType"], "CapabilityStatement");
  EXPECT_EQ(cs["status"], "active");
  EXPECT_EQ(cs["kind"], "instance");
  EXPECT_EQ(cs["fhirVersion"], "4.0.1");
  EXPECT_EQ(cs["format"], ordered_json::array({"json"}));
  EXPECT_EQ(cs["date"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(cs["software"]["version"], "0.1.0");
  EXPECT_EQ(cs["implementation"]["url"], "http://127.0.0.1:8080/fhir");
  ASSERT_EQ(cs["instantiates"].size(), 1u);
  EXPECT_EQ(cs["instantiates"][0], std::string(kBase) + "CapabilityStatement/bulk-data");
  EXPECT_EQ(cs["implementationGuide"][0],
            std::string(kBase) + "ImplementationGuide/hl7.fhir.uv.bulkdata|2.0.0");
  ASSERT_EQ(cs["rest"].size(), 1u);
  EXPECT_EQ(cs["rest"][0]["mode"], "server");
}

TEST(Capability, SystemOperationInRestOperation) {
  const auto cs = capability_statement(info());
  const auto& ops = cs["rest"][0]["operation"];
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0]["name"], "export");
  EXPECT_EQ(ops[0]["definition"], std::string(kBase) + "OperationDefinition/export");
}

TEST(Capability, PatientAndGroupOperationsOnTheirResources) {
  const auto cs = capability_statement(info());
  const auto* patient = resource(cs, "Patient");
  const auto* group = resource(cs, "Group");
  ASSERT_NE(patient, nullptr);
  ASSERT_NE(group, nullptr);  // declared even though not among the exported types
  EXPECT_EQ((*patient)["operation"][0]["name"], "export");
  EXPECT_EQ((*patient)["operation"][0]["definition"],
            std::string(kBase) + "OperationDefinition/patient-export");
  EXPECT_EQ((*group)["operation"][0]["name"], "export");
  EXPECT_EQ((*group)["operation"][0]["definition"],
            std::string(kBase) + "OperationDefinition/group-export");
  // KO-18: Group read and search-type.
  std::set<std::string> codes;
  for (const auto& i : (*group)["interaction"])
    codes.insert(i["code"].get<std::string>());
  EXPECT_EQ(codes, (std::set<std::string>{"read", "search-type"}));
  EXPECT_FALSE(resource(cs, "Coverage")->contains("operation"));
}

TEST(Capability, EveryExportedTypeOnce) {
  const auto cs = capability_statement(info());
  std::vector<std::string> types;
  for (const auto& r : cs["rest"][0]["resource"])
    types.push_back(r["type"].get<std::string>());
  EXPECT_EQ(types, (std::vector<std::string>{"Patient", "Coverage", "ExplanationOfBenefit",
                                             "Organization", "Group"}));
}

TEST(Capability, EmptyOptionalTextsAreLeftOut) {
  auto i = info();
  i.software_version.clear();
  i.base_url.clear();
  i.version = IgVersion::kV4_0_0_ballot;
  const auto cs = capability_statement(i);
  EXPECT_FALSE(cs["software"].contains("version"));
  EXPECT_FALSE(cs["implementation"].contains("url"));
  EXPECT_EQ(cs["implementationGuide"][0],
            std::string(kBase) + "ImplementationGuide/hl7.fhir.uv.bulkdata|4.0.0-ballot");
}

}  // namespace
}  // namespace bh::protocol
