// Kick-off parsing: IG version switches and malformed requests (Errors, not rejections).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kickoff_test_util.hpp"
#include "protocol/export_request.hpp"

namespace bh::protocol {
namespace {

using namespace kickoff_test;  // NOLINT: test helpers

// --- IG version switches ---------------------------------------------------------------------

TEST(KickoffVersion, V1HasNoPostAndNoV2Parameters) {
  const auto message =
      error_of(post(build_parameters_body({{"_type", "Patient"}})), IgVersion::kV1_0_1);
  EXPECT_NE(message.find("1.0.1"), std::string::npos) << message;
  EXPECT_NE(message.find("GET"), std::string::npos) << message;

  auto req = parse(get("_elements=id&includeAssociatedData=LatestProvenanceResources&patient=P"),
                   IgVersion::kV1_0_1, ExportLevel::kPatient);
  ASSERT_EQ(req.rejections.size(), 3u);
  for (const auto& r : req.rejections) {
    EXPECT_EQ(r.code, "not-supported");
    EXPECT_NE(r.message.find("unknown parameter"), std::string::npos) << r.message;
  }
}

TEST(KickoffVersion, V1AllowsOneCommaListNotRepeats) {
  auto joined = parse(get("_type=Patient,Coverage"), IgVersion::kV1_0_1);
  EXPECT_EQ(joined.types, (std::vector<std::string>{"Patient", "Coverage"}));
  EXPECT_TRUE(joined.rejections.empty());
  auto repeated = parse(get("_type=Patient&_type=Coverage"), IgVersion::kV1_0_1);
  EXPECT_EQ(repeated.types, std::vector<std::string>{"Patient"});
  ASSERT_NO_FATAL_FAILURE(expect_one_rejection(repeated, "_type", "invalid"));
}

TEST(KickoffVersion, V4IsPostOnly) {
  const auto message = error_of(get("_type=Patient"), IgVersion::kV4_0_0_ballot);
  EXPECT_NE(message.find("POST"), std::string::npos) << message;
  auto req = parse(post(build_parameters_body({{"_type", "Patient"}, {"_type", "Coverage"}},
                                              IgVersion::kV4_0_0_ballot)),
                   IgVersion::kV4_0_0_ballot);
  EXPECT_EQ(req.types, (std::vector<std::string>{"Patient", "Coverage"}));
}

TEST(KickoffVersion, V4IncludeAssociatedDataIsACoding) {
  auto coding =
      parse(post(build_parameters_body({{"includeAssociatedData", "LatestProvenanceResources"}},
                                       IgVersion::kV4_0_0_ballot)),
            IgVersion::kV4_0_0_ballot);
  EXPECT_EQ(coding.include_associated_data, std::vector<std::string>{"LatestProvenanceResources"});
  const auto code_body = build_parameters_body(
      {{"includeAssociatedData", "LatestProvenanceResources"}}, IgVersion::kV2_0_0);
  const auto message = error_of(post(code_body), IgVersion::kV4_0_0_ballot);
  EXPECT_NE(message.find("valueCoding"), std::string::npos) << message;
  EXPECT_NE(message.find("valueCode"), std::string::npos) << message;
}

TEST(KickoffVersion, LaterParametersAreKnownButUnsupported) {
  auto v3 = parse(post(build_parameters_body({{"_until", "2024-01-01T00:00:00Z"},
                                              {"organizeOutputBy", "Patient"},
                                              {"allowPartialManifests", "true"}},
                                             IgVersion::kV3_0_0)),
                  IgVersion::kV3_0_0, ExportLevel::kPatient);
  ASSERT_EQ(v3.rejections.size(), 3u);
  for (const auto& r : v3.rejections) {
    EXPECT_EQ(r.code, "not-supported");
    EXPECT_EQ(r.message.find("unknown"), std::string::npos) << r.message;
  }
  auto v2 = parse(get("_until=2024-01-01T00%3A00%3A00Z"), IgVersion::kV2_0_0);
  ASSERT_NO_FATAL_FAILURE(expect_one_rejection(v2, "_until", "not-supported"));
  EXPECT_NE(v2.rejections[0].message.find("unknown parameter"), std::string::npos);
}

// --- malformed requests are Errors -----------------------------------------------------------

TEST(KickoffError, UnsupportedMethod) {
  auto r = get("");
  r.method = "PUT";
  EXPECT_NE(error_of(r).find("\"PUT\""), std::string::npos);
}

TEST(KickoffError, PostContentType) {
  const auto body = build_parameters_body({{"_type", "Patient"}});
  EXPECT_NE(error_of(post(body, "text/plain")).find("Content-Type"), std::string::npos);
  EXPECT_NE(error_of(post(body, "")).find("missing"), std::string::npos);
  EXPECT_TRUE(parse(post(body, "application/json; charset=utf-8")).rejections.empty());
  EXPECT_TRUE(parse(post(body, "Application/FHIR+JSON")).rejections.empty());
}

struct BadBody {
  const char* name;
  const char* body;
  const char* needle;  // must appear in the message
};

TEST(KickoffError, MalformedPostBodies) {
  const BadBody cases[] = {
      {"not JSON", "{\"resourceType\": ", "not valid JSON"},
      {"array", "[]", "not a JSON object"},
      {"wrong resourceType", R"({"resourceType":"Patient"})", "resourceType"},
      {"no resourceType", R"({"parameter":[]})", "no resourceType"},
      {"parameter not array", R"({"resourceType":"Parameters","parameter":{}})", "not an array"},
      {"entry not object", R"({"resourceType":"Parameters","parameter":[3]})", "/parameter/0"},
      {"no name", R"({"resourceType":"Parameters","parameter":[{"valueString":"Patient"}]})",
       "without a name"},
      {"name not string",
       R"({"resourceType":"Parameters","parameter":[{"name":7,"valueString":"x"}]})",
       "without a name"},
      {"wrong value type",
       R"({"resourceType":"Parameters","parameter":[{"name":"_since","valueString":"2024-01-01T00:00:00Z"}]})",
       "expected valueInstant, got valueString"},
      {"value of wrong JSON type",
       R"({"resourceType":"Parameters","parameter":[{"name":"_type","valueString":5}]})",
       "a JSON string"},
      {"no value", R"({"resourceType":"Parameters","parameter":[{"name":"_type"}]})",
       "no value[x]"},
      {"two values",
       R"({"resourceType":"Parameters","parameter":[{"name":"_type","valueString":"Patient","valueCode":"Patient"}]})",
       "more than one value"},
      {"reference without reference",
       R"({"resourceType":"Parameters","parameter":[{"name":"patient","valueReference":{"display":"x"}}]})",
       "'reference'"},
  };
  for (const auto& c : cases) {
    const auto message = error_of(post(c.body));
    EXPECT_NE(message.find(c.needle), std::string::npos) << c.name << ": " << message;
    EXPECT_NE(message.find("kick-off POST body"), std::string::npos) << c.name << ": " << message;
  }
}

TEST(KickoffPost, EmptyParametersAndUnknownValueTypes) {
  EXPECT_TRUE(parse(post(R"({"resourceType":"Parameters"})")).rejections.empty());
  auto req = parse(
      post(R"({"resourceType":"Parameters","parameter":[{"name":"custom","valueInteger":3}]})"));
  ASSERT_NO_FATAL_FAILURE(expect_one_rejection(req, "custom", "not-supported"));
  EXPECT_EQ(req.rejections[0].value, "3");
}

TEST(ParametersBody, ValueTypesFollowTheOperationDefinition) {
  const auto v3 = nlohmann::json::parse(
      build_parameters_body({{"_since", "2024-01-01T00:00:00Z"},
                             {"patient", "Patient/1"},
                             {"includeAssociatedData", "LatestProvenanceResources"},
                             {"allowPartialManifests", "true"},
                             {"_type", "Patient"}},
                            IgVersion::kV3_0_0));
  EXPECT_EQ(v3["resourceType"], "Parameters");
  const auto& p = v3["parameter"];
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0]["valueInstant"], "2024-01-01T00:00:00Z");
  EXPECT_EQ(p[1]["valueReference"]["reference"], "Patient/1");
  EXPECT_EQ(p[2]["valueCode"], "LatestProvenanceResources");
  EXPECT_EQ(p[3]["valueBoolean"], true);
  EXPECT_EQ(p[4]["valueString"], "Patient");

  const auto v4 = nlohmann::json::parse(build_parameters_body(
      {{"includeAssociatedData", "LatestProvenanceResources"}, {"_maximumFileSize", "1000"}},
      IgVersion::kV4_0_0_ballot));
  EXPECT_EQ(v4["parameter"][0]["valueCoding"]["code"], "LatestProvenanceResources");
  EXPECT_EQ(v4["parameter"][0]["valueCoding"]["system"],
            "http://hl7.org/fhir/uv/bulkdata/CodeSystem/include-associated-data");
  EXPECT_EQ(v4["parameter"][1]["valuePositiveInt"], 1000);
}

}  // namespace
}  // namespace bh::protocol
