// The completion manifest: writing per IG version, validating every MF requirement, round trips.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "protocol/manifest.hpp"

namespace bh::protocol {
namespace {

using nlohmann::json;

// A valid 2.0.0 manifest to break one field at a time.
json v2_manifest() {
  return json::parse(R"({
    "transactionTime": "2024-03-01T12:00:00.000Z",
    "request": "https://ex.org/fhir/$export?_type=Patient",
    "requiresAccessToken": true,
    "output": [{"type": "Patient", "url": "https://ex.org/files/p1.ndjson", "count": 10}],
    "deleted": [{"type": "Bundle", "url": "https://ex.org/files/d1.ndjson"}],
    "error": [{"type": "OperationOutcome", "url": "https://ex.org/files/e1.ndjson"}]
  })");
}

json v4_manifest() {
  return json::parse(R"({
    "manifestType": "http://hl7.org/fhir/uv/bulkdata/StructureDefinition/BulkDataManifest",
    "transactionTime": "2024-03-01T12:00:00Z",
    "requiresAccessToken": false,
    "output": [{"type": "Patient", "url": "https://ex.org/files/p1.ndjson", "fileSize": 1234}],
    "outcome": [{"url": "https://ex.org/files/o1.ndjson", "count": 2,
                 "countSeverity": [{"code": "warning", "count": 2}]}],
    "deleted": [{"url": "https://ex.org/files/d1.ndjson"}],
    "extension": [{"url": "https://ex.org/ext", "valueString": "x"}]
  })");
}

ManifestCheck check(const json& j, IgVersion v = IgVersion::kV2_0_0) {
  return validate_manifest(j.dump(), v);
}

std::string dump_findings(const ManifestCheck& c) {
  std::string out;
  for (const auto& f : c.findings)
    out += f.requirement + " " + std::string(to_string(f.severity)) + " " + f.path + ": " +
           f.message + "\n";
  return out;
}

// The check has a finding with this requirement, severity and path.
bool has(const ManifestCheck& c, const std::string& req, Severity s, const std::string& path) {
  for (const auto& f : c.findings)
    if (f.requirement == req && f.severity == s && f.path == path) return true;
  return false;
}

std::size_t count_severity(const ManifestCheck& c, Severity s) {
  std::size_t n = 0;
  for (const auto& f : c.findings)
    n += f.severity == s;
  return n;
}

void expect_error(const json& j, IgVersion v, const std::string& req, const std::string& path) {
  auto c = check(j, v);
  EXPECT_FALSE(c.usable()) << dump_findings(c);
  EXPECT_TRUE(has(c, req, Severity::kError, path))
      << "wanted " << req << " at " << path << ", got:\n"
      << dump_findings(c);
}

void expect_clean(const json& j, IgVersion v) {
  auto c = check(j, v);
  EXPECT_TRUE(c.usable()) << dump_findings(c);
  EXPECT_EQ(count_severity(c, Severity::kWarning), 0u) << dump_findings(c);
}

TEST(ResourceTypes, R4Names) {
  for (auto t : {"Patient", "ExplanationOfBenefit", "Account", "VisionPrescription", "Bundle",
                 "OperationOutcome", "Parameters", "MedicinalProductUndesirableEffect"})
    EXPECT_TRUE(is_r4_resource_type(t)) << t;
  // R5-only names, abstract types, wrong case and junk are not R4 resource types.
  for (auto t : {"patient", "Resource", "DomainResource", "", "Foo", "MedicinalProductDefinition",
                 "Patient ", "Extension"})
    EXPECT_FALSE(is_r4_resource_type(t)) << t;
}

TEST(Severity, Names) {
  EXPECT_EQ(to_string(Severity::kError), "error");
  EXPECT_EQ(to_string(Severity::kWarning), "warning");
  EXPECT_EQ(to_string(Severity::kInfo), "info");
}

TEST(ManifestValidate, ExamplesAreClean) {
  expect_clean(v2_manifest(), IgVersion::kV2_0_0);
  expect_clean(v2_manifest(), IgVersion::kV3_0_0);
  expect_clean(v4_manifest(), IgVersion::kV4_0_0_ballot);
  auto c = check(v2_manifest());
  ASSERT_TRUE(c.usable());
  EXPECT_TRUE(c.manifest->requires_access_token);
  EXPECT_EQ(c.manifest->request, "https://ex.org/fhir/$export?_type=Patient");
  ASSERT_EQ(c.manifest->output.size(), 1u);
  EXPECT_EQ(c.manifest->output[0].count, std::uint64_t{10});
  EXPECT_EQ(c.manifest->deleted.at(0).type, "Bundle");
  EXPECT_EQ(c.manifest->error.at(0).type, "OperationOutcome");
  auto c4 = check(v4_manifest(), IgVersion::kV4_0_0_ballot);
  ASSERT_TRUE(c4.usable());
  EXPECT_EQ(c4.manifest->error.at(0).type, "OperationOutcome");
  EXPECT_EQ(c4.manifest->deleted.at(0).type, "Bundle");
}

TEST(ManifestValidate, EachRequiredFieldMissing) {
  const std::pair<const char*, const char*> required[] = {{"transactionTime", "MF-01"},
                                                          {"request", "MF-02"},
                                                          {"requiresAccessToken", "MF-03"},
                                                          {"output", "MF-04"},
                                                          {"error", "MF-05"}};
  for (auto v : {IgVersion::kV1_0_1, IgVersion::kV2_0_0, IgVersion::kV3_0_0}) {
    for (const auto& [field, req] : required) {
      auto j = v2_manifest();
      j.erase(field);
      if (v == IgVersion::kV1_0_1) j.erase("deleted");
      expect_error(j, v, req, std::string("/") + field);
    }
  }
  for (const auto& [field, req] :
       {std::pair{"transactionTime", "MF-01"}, std::pair{"requiresAccessToken", "MF-03"}}) {
    auto j = v4_manifest();
    j.erase(field);
    expect_error(j, IgVersion::kV4_0_0_ballot, req, std::string("/") + field);
  }
}

TEST(ManifestValidate, TheSameFileListedTwiceIsAnError) {
  auto j = v2_manifest();
  j["output"].push_back(j["output"][0]);
  const auto c = check(j);
  EXPECT_FALSE(c.usable());
  const std::string path = "/output/" + std::to_string(j["output"].size() - 1) + "/url";
  EXPECT_TRUE(has(c, "MF-04", Severity::kError, path)) << dump_findings(c);
  auto cross = v2_manifest();  // an error file that is also an output file
  cross["error"][0]["url"] = cross["output"][0]["url"];
  EXPECT_TRUE(has(check(cross), "MF-04", Severity::kError, "/error/0/url"));
  EXPECT_TRUE(check(v2_manifest()).usable());
}

TEST(ManifestValidate, V4OptionalArrays) {
  auto j = v4_manifest();
  j.erase("output");
  j.erase("outcome");
  j.erase("deleted");
  auto c = check(j, IgVersion::kV4_0_0_ballot);
  ASSERT_TRUE(c.usable()) << dump_findings(c);
  EXPECT_TRUE(c.manifest->output.empty());
}

TEST(ManifestValidate, WrongJsonTypes) {
  const struct {
    const char* pointer;
    json value;
    const char* req;
  } cases[] = {
      {"/requiresAccessToken", "true", "MF-03"},
      {"/requiresAccessToken", 1, "MF-03"},
      {"/transactionTime", 1709294400, "MF-01"},
      {"/transactionTime", "2024-03-01", "MF-01"},
      {"/transactionTime", "2024-03-01T12:00:00", "MF-01"},
      {"/request", json::array(), "MF-02"},
      {"/request", "$export?_type=Patient", "MF-02"},
      {"/output", json::object(), "MF-04"},
      {"/output/0", "https://ex.org/files/p1.ndjson", "MF-04"},
      {"/output/0/count", -1, "MF-04"},
      {"/output/0/count", 1.5, "MF-04"},
      {"/output/0/count", "3", "MF-04"},
      {"/output/0/type", "Foo", "MF-04"},
      {"/output/0/type", "patient", "MF-04"},
      {"/output/0/url", 5, "MF-04"},
      {"/output/0/url", "", "MF-04"},
      {"/error", nullptr, "MF-05"},
      {"/error/0/type", "Patient", "MF-05"},
      {"/deleted", "x", "MF-06"},
      {"/deleted/0/type", "Patient", "MF-06"},
      {"/extension", json::array(), "MF-07"},
      {"/output/0/extension", "x", "MF-07"},
  };
  for (const auto& c : cases) {
    auto j = v2_manifest();
    j[json::json_pointer(c.pointer)] = c.value;
    SCOPED_TRACE(std::string(c.pointer) + " = " + c.value.dump());
    expect_error(j, IgVersion::kV2_0_0, c.req, c.pointer);
  }
}

TEST(ManifestValidate, StringTrueIsNotABoolean) {
  auto j = v2_manifest();
  j["requiresAccessToken"] = "true";
  auto c = check(j);
  ASSERT_FALSE(c.usable());
  ASSERT_FALSE(c.findings.empty());
  EXPECT_NE(c.findings[0].message.find("expected a JSON boolean, got \"true\""), std::string::npos)
      << c.findings[0].message;
}

TEST(ManifestValidate, RelativeUrlsOnlyIn101) {
  auto j = v2_manifest();
  j.erase("deleted");
  j["output"][0]["url"] = "files/p1.ndjson";
  j["error"][0]["url"] = "/files/e1.ndjson";
  expect_error(j, IgVersion::kV2_0_0, "MF-04", "/output/0/url");
  expect_error(j, IgVersion::kV2_0_0, "MF-05", "/error/0/url");
  expect_error(j, IgVersion::kV3_0_0, "MF-04", "/output/0/url");
  auto c = check(j, IgVersion::kV1_0_1);
  ASSERT_TRUE(c.usable()) << dump_findings(c);
  EXPECT_EQ(c.manifest->output[0].url, "files/p1.ndjson");
  auto c2 = check(j, IgVersion::kV2_0_0);
  bool named = false;
  for (const auto& f : c2.findings)
    named = named || f.message == "expected an absolute http(s) URL, got \"files/p1.ndjson\"";
  EXPECT_TRUE(named) << dump_findings(c2);
}

TEST(ManifestValidate, V4Naming) {
  // V1-V3 manifests in a V4 client: `error` and `request` are leftovers (warnings), and the
  // extension object and typed outcome/deleted items are judged by V4 rules.
  auto j = v2_manifest();
  auto c = check(j, IgVersion::kV4_0_0_ballot);
  EXPECT_TRUE(c.usable()) << dump_findings(c);
  EXPECT_TRUE(has(c, "MF-02", Severity::kWarning, "/request")) << dump_findings(c);
  EXPECT_TRUE(has(c, "MF-05", Severity::kWarning, "/error")) << dump_findings(c);
  EXPECT_TRUE(has(c, "MF-06", Severity::kWarning, "/deleted/0/type")) << dump_findings(c);
  EXPECT_TRUE(c.manifest->error.empty());  // `error` is not read in V4
  EXPECT_TRUE(c.manifest->request.empty());

  auto ext = v4_manifest();
  ext["extension"] = json::object({{"https://ex.org/ext", 1}});
  expect_error(ext, IgVersion::kV4_0_0_ballot, "MF-07", "/extension");
  auto bad_ext = v4_manifest();
  bad_ext["extension"] = json::array({json::object({{"valueString", "x"}})});
  expect_error(bad_ext, IgVersion::kV4_0_0_ballot, "MF-07", "/extension/0");

  // A V4 manifest in a V2 client: `error` and `request` are missing.
  expect_error(v4_manifest(), IgVersion::kV2_0_0, "MF-02", "/request");
  expect_error(v4_manifest(), IgVersion::kV2_0_0, "MF-05", "/error");
}

TEST(ManifestValidate, V4Fields) {
  auto j = v4_manifest();
  j["outcome"][0]["countSeverity"][0]["code"] = "bad";
  expect_error(j, IgVersion::kV4_0_0_ballot, "MF-05", "/outcome/0/countSeverity/0/code");
  j = v4_manifest();
  j["output"][0]["fileSize"] = -3;
  expect_error(j, IgVersion::kV4_0_0_ballot, "MF-04", "/output/0/fileSize");
  j = v4_manifest();
  j["outputFormat"] = 3;
  expect_error(j, IgVersion::kV4_0_0_ballot, "MF-11", "/outputFormat");
  j = v4_manifest();
  j["manifestType"] = "http://example.org/other";
  auto c = check(j, IgVersion::kV4_0_0_ballot);
  EXPECT_TRUE(c.usable());
  EXPECT_TRUE(has(c, "MF-10", Severity::kWarning, "/manifestType")) << dump_findings(c);
}

TEST(ManifestValidate, LinkOnlyFrom3) {
  auto j = v2_manifest();
  j["link"] = json::array({{{"relation", "next"}, {"url", "https://ex.org/manifest/2"}}});
  expect_clean(j, IgVersion::kV3_0_0);
  auto c = check(j, IgVersion::kV2_0_0);
  EXPECT_TRUE(c.usable());
  EXPECT_TRUE(has(c, "MF-08", Severity::kWarning, "/link")) << dump_findings(c);

  j["link"][0]["relation"] = "prev";
  expect_error(j, IgVersion::kV3_0_0, "MF-08", "/link/0/relation");
  j["link"][0]["relation"] = "next";
  j["link"][0]["url"] = "manifest/2";
  expect_error(j, IgVersion::kV3_0_0, "MF-08", "/link/0/url");
  j["link"] = json::array({{{"relation", "next"}, {"url", "https://ex.org/m/2"}},
                           {{"relation", "next"}, {"url", "https://ex.org/m/3"}}});
  expect_error(j, IgVersion::kV3_0_0, "MF-08", "/link");
  j["link"] = json::object();
  expect_error(j, IgVersion::kV3_0_0, "MF-08", "/link");
}

TEST(ManifestValidate, OrganizedBy) {
  auto j = v2_manifest();
  j["outputOrganizedBy"] = "Patient";
  j["output"][0].erase("type");
  j["output"][0]["continuesInFile"] = "https://ex.org/files/p2.ndjson";
  auto c = check(j, IgVersion::kV3_0_0);
  ASSERT_TRUE(c.usable()) << dump_findings(c);
  EXPECT_EQ(c.manifest->output[0].type, "");

  auto typed = v2_manifest();
  typed["outputOrganizedBy"] = "Patient";
  expect_error(typed, IgVersion::kV3_0_0, "MF-09", "/output/0/type");
  // Without outputOrganizedBy, every output item SHALL have a type.
  j.erase("outputOrganizedBy");
  expect_error(j, IgVersion::kV3_0_0, "MF-04", "/output/0/type");
  j["outputOrganizedBy"] = "NotAType";
  expect_error(j, IgVersion::kV3_0_0, "MF-09", "/outputOrganizedBy");

  auto detail = v4_manifest();
  detail["outputOrganizedByDetail"] = "blocks per member";
  expect_error(detail, IgVersion::kV4_0_0_ballot, "MF-09", "/outputOrganizedByDetail");
  detail["outputOrganizedBy"] = "Patient";
  detail["output"][0].erase("type");
  EXPECT_TRUE(check(detail, IgVersion::kV4_0_0_ballot).usable());

  auto relative = v2_manifest();
  relative["output"][0]["continuesInFile"] = "p2.ndjson";
  expect_error(relative, IgVersion::kV3_0_0, "MF-04", "/output/0/continuesInFile");
}

TEST(ManifestValidate, ShouldsAreWarningsAndUnknownsInfo) {
  auto j = v2_manifest();
  j["output"][0]["count"] = 0;
  j["a/b~c"] = 1;
  auto c = check(j);
  EXPECT_TRUE(c.usable());
  EXPECT_TRUE(has(c, "MF-04", Severity::kWarning, "/output/0/count")) << dump_findings(c);
  EXPECT_TRUE(has(c, "MF-07", Severity::kInfo, "/a~1b~0c")) << dump_findings(c);
}

TEST(ManifestValidate, NotJsonOrNotAnObject) {
  for (const char* body : {"", "{", "{\"transactionTime\": ", "not json", "{} trailing", "nul"}) {
    auto c = validate_manifest(body, IgVersion::kV2_0_0);
    EXPECT_FALSE(c.usable()) << body;
    ASSERT_EQ(c.findings.size(), 1u) << body;
    EXPECT_EQ(c.findings[0].requirement, "MF-13");
    EXPECT_EQ(c.findings[0].path, "");
    EXPECT_NE(c.findings[0].message.find("invalid JSON"), std::string::npos)
        << c.findings[0].message;
  }
  for (const char* body : {"[]", "\"manifest\"", "42", "null", "true"}) {
    auto c = validate_manifest(body, IgVersion::kV2_0_0);
    EXPECT_FALSE(c.usable()) << body;
    ASSERT_EQ(c.findings.size(), 1u);
    EXPECT_TRUE(has(c, "MF-13", Severity::kError, "")) << body;
    EXPECT_NE(c.findings[0].message.find("at the root"), std::string::npos);
  }
}

TEST(ManifestValidate, EveryTruncationIsRejected) {
  const std::string full = v2_manifest().dump();
  ASSERT_TRUE(validate_manifest(full, IgVersion::kV2_0_0).usable());
  for (std::size_t n = 0; n < full.size(); ++n)
    EXPECT_FALSE(validate_manifest(full.substr(0, n), IgVersion::kV2_0_0).usable()) << n;
}

TEST(ManifestValidate, FindingsAreCapped) {
  auto j = v2_manifest();
  j["output"] = json::array();
  for (int i = 0; i < 1000; ++i)
    j["output"].push_back({{"type", "Nope"}, {"url", "rel"}});
  auto c = check(j);
  EXPECT_FALSE(c.usable());
  ASSERT_EQ(c.findings.size(), 201u);
  EXPECT_NE(c.findings.back().message.find("more findings left out"), std::string::npos);
}

TEST(ManifestToJson, FieldsPerVersion) {
  Manifest m;
  m.transaction_time = instant_from_us(1709294400LL * 1000000LL);
  m.request = "https://ex.org/fhir/$export";
  m.requires_access_token = true;
  m.output = {{"Patient", "https://ex.org/f/1.ndjson", 3}};
  m.error = {{"OperationOutcome", "https://ex.org/f/e.ndjson", std::nullopt}};
  m.deleted = {{"Bundle", "https://ex.org/f/d.ndjson", 1}};

  const auto v1 = manifest_to_json(m, IgVersion::kV1_0_1);
  EXPECT_EQ(v1["transactionTime"], "2024-03-01T12:00:00.000Z");
  EXPECT_EQ(v1["request"], m.request);
  EXPECT_FALSE(v1.contains("deleted"));
  EXPECT_EQ(v1["error"][0]["type"], "OperationOutcome");
  EXPECT_FALSE(v1["error"][0].contains("count"));
  EXPECT_EQ(v1.begin().key(), "transactionTime");

  const auto v2 = manifest_to_json(m, IgVersion::kV2_0_0);
  EXPECT_EQ(v2["deleted"][0]["type"], "Bundle");
  EXPECT_EQ(v2["output"][0]["count"], 3);

  const auto v4 = manifest_to_json(m, IgVersion::kV4_0_0_ballot);
  EXPECT_FALSE(v4.contains("request"));
  EXPECT_FALSE(v4.contains("error"));
  EXPECT_EQ(v4["outcome"][0]["url"], "https://ex.org/f/e.ndjson");
  EXPECT_FALSE(v4["outcome"][0].contains("type"));
  EXPECT_FALSE(v4["deleted"][0].contains("type"));
  EXPECT_EQ(v4["output"][0]["type"], "Patient");
  EXPECT_EQ(v4["manifestType"], std::string(kBulkDataManifestType));

  Manifest empty;
  const auto e3 = manifest_to_json(empty, IgVersion::kV3_0_0);
  EXPECT_TRUE(e3["output"].is_array() && e3["output"].empty());  // MF-04: SHOULD be []
  EXPECT_TRUE(e3["error"].is_array() && e3["error"].empty());
}

}  // namespace
}  // namespace bh::protocol
