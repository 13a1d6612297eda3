#include "protocol/r4_model.hpp"

#include <gtest/gtest.h>

namespace bh::protocol {
namespace {

using nlohmann::json;

std::vector<std::string> check(const char* text) {
  return validate_r4(json::parse(text), 10);
}

bool mentions(const std::vector<std::string>& problems, const std::string& what) {
  for (const auto& p : problems)
    if (p.find(what) != std::string::npos) return true;
  return false;
}

TEST(R4Model, HoldsEveryR4ResourceType) {
  EXPECT_EQ(r4_model().resource_count(), 148u);
  EXPECT_TRUE(r4_model().is_resource("ExplanationOfBenefit"));
  EXPECT_FALSE(r4_model().is_resource("HumanName"));
  EXPECT_FALSE(r4_model().is_resource("Medication2"));
}

TEST(R4Model, ValidResourcesPass) {
  EXPECT_EQ(
      check(R"({"resourceType":"Patient","id":"p1","meta":{"lastUpdated":"2024-01-01T00:00:00Z"},
      "name":[{"family":"Doe","given":["Jo"]}],"gender":"female","birthDate":"1990-01-01",
      "_birthDate":{"extension":[{"url":"http://x","valueString":"approx"}]},
      "multipleBirthInteger":2,"deceasedBoolean":false})"),
      std::vector<std::string>{});
  EXPECT_EQ(check(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
      "valueQuantity":{"value":1.5,"unit":"mg"},"subject":{"reference":"Patient/p1"},
      "component":[{"code":{"text":"c"},"valueInteger":3}]})"),
            std::vector<std::string>{});
  EXPECT_EQ(check(R"({"resourceType":"MedicationRequest","status":"active","intent":"order",
      "medicationCodeableConcept":{"text":"m"},"subject":{"reference":"Patient/p1"},
      "contained":[{"resourceType":"Medication","id":"m1"}]})"),
            std::vector<std::string>{});
}

// Each broken resource is a canary: the validator must name what is wrong, and where.
TEST(R4Model, StructuralErrorsAreNamedWithTheirPath) {
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Patient","nickname":"J"})"),
                       "Patient.nickname: is not an element"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Patient","active":"yes"})"),
                       "Patient.active: expected a JSON boolean"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Patient","name":{"family":"Doe"}})"),
                       "Patient.name: repeats"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Patient","gender":["male"]})"),
                       "Patient.gender: does not repeat"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Patient","birthDate":19900101})"),
                       "Patient.birthDate: expected a JSON string (date)"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Observation","code":{"text":"x"}})"),
                       "Observation.status: is required"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"MedicationRequest","status":"active",
      "intent":"order","subject":{"reference":"Patient/p"}})"),
                       "MedicationRequest.medication[x]: is required"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
      "component":[{"code":{"text":"c"},"valueInteger":1,"colour":"red"}]})"),
                       "Observation.component[0].colour: is not an element"));
  EXPECT_TRUE(
      mentions(check(R"({"resourceType":"Observation","status":"final","code":{"texts":"x"}})"),
               "Observation.code.texts: is not an element"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Patient","contained":[{"resourceType":"Medication",
      "form":"tablet"}]})"),
                       "Patient.contained[0].form: expected a JSON object"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Patient","multipleBirthInteger":1.5})"),
                       "expected a JSON integer"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Patient","photo":[{"size":-1}]})"),
                       "unsignedInt must not be negative"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"NotAType"})"), "is not an R4 resource"));
  EXPECT_TRUE(mentions(check(R"({"id":"x"})"), "has no resourceType"));
  EXPECT_TRUE(mentions(check(R"({"resourceType":"Patient","_birthDate":"x"})"),
                       "extension holder must be an object"));
}

TEST(R4Model, ProblemsAreBounded) {
  std::string many = R"({"resourceType":"Patient")";
  for (int i = 0; i < 50; ++i)
    many += ",\"bogus" + std::to_string(i) + "\":1";
  many += "}";
  EXPECT_EQ(validate_r4(json::parse(many), 5).size(), 5u);
  EXPECT_EQ(validate_r4(json::array(), 5),
            std::vector<std::string>{"the line is not a JSON object"});
}

}  // namespace
}  // namespace bh::protocol
