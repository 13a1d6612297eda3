// What the generated resources contain: determinism, FHIR R4 shape, references, edge cases.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "datagen/dataset.hpp"
#include "protocol/fhir_instant.hpp"
#include "tests/unit/datagen/datagen_test_util.hpp"

namespace bh::datagen {
namespace {

using nlohmann::json;
using testing::drain;
using testing::parse_all;
using testing::split_lines;
using testing::whole;

std::string everything(const Dataset& data) {
  std::string all;
  for (const auto& type : Dataset::resource_types()) {
    auto stream = data.open(whole(data, type));
    all += drain(*stream);
  }
  return all;
}

TEST(DatasetContent, SameSeedSameBytesDifferentSeedDifferentBytes) {
  const Dataset a({.seed = 7, .members = 150}), b({.seed = 7, .members = 150});
  const Dataset c({.seed = 8, .members = 150});
  const std::string bytes = everything(a);
  EXPECT_GT(bytes.size(), 100'000u);
  EXPECT_EQ(bytes, everything(b));
  EXPECT_NE(bytes, everything(c));
  // Not just one field: most Patient lines differ between seeds.
  const auto pa = split_lines(drain(*a.open(whole(a, "Patient"))));
  const auto pc = split_lines(drain(*c.open(whole(c, "Patient"))));
  ASSERT_EQ(pa.size(), pc.size());
  int differing = 0;
  for (std::size_t i = 0; i < pa.size(); ++i)
    differing += pa[i] != pc[i];
  EXPECT_GT(differing, 140);
}

TEST(DatasetContent, ChunkSizeDoesNotChangeBytes) {
  const Dataset data({.seed = 3, .members = 60});
  for (const auto& type : Dataset::resource_types()) {
    const auto big = drain(*data.open(whole(data, type)), 1 << 20);
    EXPECT_EQ(drain(*data.open(whole(data, type)), 7), big) << type;
    EXPECT_EQ(drain(*data.open(whole(data, type)), 1), big) << type;
  }
}

// Checks the R4 required elements (and the codes the brief asks for) of one resource.
void expect_valid(const json& r, const std::string& type) {
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r.at("resourceType"), type);
  ASSERT_TRUE(r.at("id").is_string());
  const std::string id = r.at("id");
  EXPECT_LE(id.size(), 64u);
  EXPECT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-."), std::string::npos);
  const auto updated =
      protocol::parse_fhir_instant(r.at("meta").at("lastUpdated").get<std::string>());
  ASSERT_TRUE(updated.ok());
  EXPECT_GE(*updated, Instant{std::chrono::sys_days{std::chrono::year{2020} / 1 / 1}});
  EXPECT_LT(*updated, Instant{std::chrono::sys_days{std::chrono::year{2025} / 12 / 1}});
  for (const auto& name : Dataset::mandatory_elements(type)) {
    EXPECT_TRUE(r.contains(name)) << type << "/" << id << " lacks " << name;
  }
  if (type == "Patient") {
    EXPECT_TRUE(r.at("name").at(0).at("given").at(0).is_string());
  } else if (type == "ExplanationOfBenefit") {
    EXPECT_EQ(r.at("type").at("coding").at(0).at("system"),
              "http://terminology.hl7.org/CodeSystem/claim-type");
    EXPECT_EQ(r.at("insurance").at(0).at("focal"), true);
    EXPECT_TRUE(r.at("insurance").at(0).at("coverage").contains("reference"));
  } else if (type == "Encounter") {
    EXPECT_TRUE(r.at("class").contains("code"));
  } else if (type == "Condition") {
    EXPECT_EQ(r.at("code").at("coding").at(0).at("system"), "http://hl7.org/fhir/sid/icd-10-cm");
  } else if (type == "Observation") {
    EXPECT_EQ(r.at("code").at("coding").at(0).at("system"), "http://loinc.org");
  } else if (type == "Group") {
    EXPECT_EQ(r.at("actual"), true);
    EXPECT_EQ(r.at("type"), "person");
  }
}

TEST(DatasetContent, EveryLineIsAValidResourceOfItsType) {
  const Dataset data({.seed = 11, .members = 120});
  for (const auto& type : Dataset::resource_types()) {
    const auto body = drain(*data.open(whole(data, type)));
    const auto lines = split_lines(body);
    EXPECT_EQ(lines.size(), data.count(whole(data, type))) << type;
    EXPECT_FALSE(lines.empty()) << type;
    std::set<std::string> ids;
    for (const auto& line : lines) {
      // resourceType comes first in the text itself.
      EXPECT_EQ(line.rfind("{\"resourceType\":\"" + type + "\"", 0), 0u) << line.substr(0, 80);
      const json r = json::parse(line);
      expect_valid(r, type);
      EXPECT_TRUE(ids.insert(r.at("id").get<std::string>()).second) << "duplicate id";
    }
  }
}

TEST(DatasetContent, TypesAndUniverse) {
  const Dataset data({.seed = 1, .members = 42});
  EXPECT_EQ(Dataset::resource_types().front(), "Patient");
  EXPECT_EQ(Dataset::resource_types().size(), 8u);
  for (const auto& type : Dataset::resource_types()) {
    const bool compartment = type != "Organization" && type != "Group";
    EXPECT_EQ(Dataset::in_patient_compartment(type), compartment) << type;
    if (compartment) {
      EXPECT_EQ(data.universe(type), 42u);
    }
  }
  EXPECT_EQ(data.universe("Organization"), 5u);
  EXPECT_EQ(data.universe("Group"), 3u);
  EXPECT_EQ(data.universe("Medication"), 0u);
  EXPECT_EQ(data.count(whole(data, "Patient")), 42u);
  EXPECT_EQ(data.count(whole(data, "Coverage")), 42u);
  EXPECT_FALSE(Dataset::in_patient_compartment("Medication"));
}

TEST(DatasetContent, PerMemberCountsStayInRange) {
  const Dataset data({.seed = 5, .members = 400});
  const std::map<std::string, std::uint64_t> max{
      {"ExplanationOfBenefit", 3}, {"Encounter", 3}, {"Condition", 2}, {"Observation", 4}};
  for (const auto& [type, most] : max) {
    std::map<std::uint64_t, std::uint64_t> histogram;  // per-member count -> members
    for (std::uint64_t m = 0; m < 400; ++m) {
      Slice s = testing::range(type, m, m + 1);
      ++histogram[data.count(s)];
    }
    EXPECT_EQ(histogram.rbegin()->first, most) << type;  // the maximum is reached
    EXPECT_EQ(histogram.begin()->first, 0u) << type;     // and so is zero
    EXPECT_EQ(histogram.size(), most + 1) << type;
  }
}

TEST(DatasetContent, ReferencesResolve) {
  const Dataset data({.seed = 21, .members = 200});
  std::set<std::string> ids;  // "Type/id"
  std::vector<json> all;
  for (const auto& type : Dataset::resource_types()) {
    for (auto& r : parse_all(data, whole(data, type))) {
      ids.insert(type + "/" + r.at("id").get<std::string>());
      all.push_back(std::move(r));
    }
  }
  std::map<std::string, int> by_target_type;
  int contained = 0;
  for (const auto& r : all) {
    testing::for_each_reference(r, [&](const std::string& ref) {
      if (ref.rfind('#', 0) == 0) {
        ++contained;
        bool found = false;
        for (const auto& c : r.at("contained"))
          found = found || ("#" + c.at("id").get<std::string>()) == ref;
        EXPECT_TRUE(found) << ref << " in " << r.at("id");
        return;
      }
      EXPECT_TRUE(ids.count(ref)) << ref << " from " << r.at("resourceType") << "/" << r.at("id");
      ++by_target_type[ref.substr(0, ref.find('/'))];
    });
    // A member's resources all point at that member's Patient.
    for (const char* key : {"subject", "patient", "beneficiary"}) {
      if (!r.contains(key)) continue;
      const std::string ref = r.at(key).at("reference");
      const std::string id = r.at("id");
      EXPECT_EQ(ref.substr(ref.size() - 7), id.substr(id.find('-') + 1, 7)) << id;
    }
  }
  EXPECT_GT(contained, 0);
  for (const char* type : {"Patient", "Coverage", "Organization", "Encounter"}) {
    EXPECT_GT(by_target_type[type], 0) << type;
  }
}

TEST(DatasetContent, EdgeCasesAppear) {
  const Dataset data({.seed = 2, .members = 300});
  bool extension = false, contained = false, non_ascii_name = false, non_latin_name = false;
  std::size_t longest = 0;
  for (const auto& type : Dataset::resource_types()) {
    for (const auto& line : split_lines(drain(*data.open(whole(data, type))))) {
      longest = std::max(longest, line.size());
      const json r = json::parse(line);
      extension = extension || r.contains("extension");
      contained = contained || r.contains("contained");
      if (type == "Patient") {
        const std::string family = r.at("name").at(0).at("family");
        for (unsigned char c : family)
          non_ascii_name = non_ascii_name || c >= 0x80;
        non_latin_name = non_latin_name || family == "李";
      }
    }
  }
  EXPECT_TRUE(extension);
  EXPECT_TRUE(contained);
  EXPECT_TRUE(non_ascii_name);
  EXPECT_TRUE(non_latin_name);
  EXPECT_GT(longest, 4096u);
  // Small datasets too: non-ASCII names are positional (every fourth member).
  const Dataset tiny({.seed = 9, .members = 10});
  const auto patients = drain(*tiny.open(whole(tiny, "Patient")));
  bool any = false;
  for (unsigned char c : patients)
    any = any || c >= 0x80;
  EXPECT_TRUE(any);
}

TEST(DatasetContent, PatientIdsAreReversible) {
  const Dataset data({.seed = 1, .members = 1000});
  EXPECT_EQ(data.patient_id(42), "pt-0000042");
  for (std::uint64_t m : {0ull, 1ull, 42ull, 999ull}) {
    EXPECT_EQ(data.patient_index(data.patient_id(m)), m);
    EXPECT_EQ(data.patient_index("Patient/" + data.patient_id(m)), m);
  }
  EXPECT_EQ(data.patient_index("pt-0001000"), std::nullopt);  // out of range
  EXPECT_EQ(data.patient_index("pt-42"), std::nullopt);       // not canonical
  EXPECT_EQ(data.patient_index("pt-00000042"), std::nullopt);
  EXPECT_EQ(data.patient_index("Group/pt-0000042"), std::nullopt);
  EXPECT_EQ(data.patient_index("cov-0000042"), std::nullopt);
  EXPECT_EQ(data.patient_index("pt-000004x"), std::nullopt);
  EXPECT_EQ(data.patient_index(""), std::nullopt);
  const Dataset big({.seed = 1, .members = 12'000'000});
  EXPECT_EQ(big.patient_id(11'999'999), "pt-11999999");
  EXPECT_EQ(big.patient_index("pt-11999999"), 11'999'999u);
}

TEST(DatasetContent, ReadReturnsTheSameResourceAsTheExport) {
  const Dataset data({.seed = 4, .members = 50});
  for (const auto& type : Dataset::resource_types()) {
    for (const auto& line : split_lines(drain(*data.open(whole(data, type))))) {
      const std::string id = json::parse(line).at("id");
      auto stream = data.read(type, id);
      ASSERT_NE(stream, nullptr) << type << "/" << id;
      EXPECT_EQ(drain(*stream, 1000), line);  // split_lines dropped the newline
    }
  }
  EXPECT_EQ(data.read("Patient", "pt-0000050"), nullptr);
  EXPECT_EQ(data.read("Group", "nope"), nullptr);
  EXPECT_EQ(data.read("Medication", "x"), nullptr);
  EXPECT_EQ(data.read("Organization", "org-6"), nullptr);
  EXPECT_EQ(data.read("Organization", "org-0"), nullptr);
  // A resource that would exist only if the member had more of that type.
  for (std::uint64_t m = 0; m < 50; ++m) {
    const auto n = data.count(testing::range("Observation", m, m + 1));
    const std::string id = "obs-" + data.patient_id(m).substr(3) + "-" + std::to_string(n);
    EXPECT_EQ(data.read("Observation", id), nullptr) << id;
  }
}

TEST(DatasetContent, StreamsOutliveTheDataset) {
  std::unique_ptr<protocol::BodyStream> stream;
  std::string expected;
  {
    const Dataset data({.seed = 6, .members = 30});
    expected = drain(*data.open(whole(data, "Group")));
    stream = data.open(whole(data, "Group"));
  }
  EXPECT_EQ(drain(*stream), expected);
}

TEST(DatasetContent, FinishedStreamStaysFinished) {
  const Dataset data({.seed = 6, .members = 10});
  auto stream = data.open(whole(data, "Patient"));
  std::string out;
  EXPECT_TRUE(stream->next(out, 0));  // zero bytes asked: nothing appended, not done
  EXPECT_TRUE(out.empty());
  drain(*stream);
  EXPECT_FALSE(stream->next(out, 100));
  EXPECT_TRUE(out.empty());
  Slice empty = whole(data, "Patient");
  empty.begin = 5;
  empty.end = 5;
  auto none = data.open(empty);
  EXPECT_FALSE(none->next(out, 100));
  EXPECT_TRUE(out.empty());
}

TEST(DatasetContent, EmptyDatasetIsValid) {
  // Below the supported range, but a config mistake must not crash or emit invalid JSON.
  const Dataset data({.seed = 1, .members = 0});
  EXPECT_EQ(data.count(whole(data, "Patient")), 0u);
  EXPECT_EQ(drain(*data.open(whole(data, "Observation"))), "");
  const json group = json::parse(drain(*data.read("Group", "plan-a")));
  EXPECT_EQ(group.at("quantity"), 0);
  EXPECT_FALSE(group.contains("member"));  // FHIR arrays are never empty
  EXPECT_EQ(data.patient_index("pt-0000000"), std::nullopt);
}

}  // namespace
}  // namespace bh::datagen
