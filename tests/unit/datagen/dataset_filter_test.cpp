// Filters: count() == lines for any slice, _since/_until, _elements, groups, patients.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
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

Instant at(int y, unsigned mo, unsigned d) {
  return Instant{std::chrono::sys_days{std::chrono::year{y} / mo / d}};
}

Instant last_updated(const json& r) {
  return protocol::parse_fhir_instant(r.at("meta").at("lastUpdated").get<std::string>()).value();
}

const std::vector<std::string> kGroupIds{"all-members", "plan-a", "small-cohort", "no-such"};
const std::vector<std::string> kElementNames{
    "name",           "status",        "subject",   "code",  "identifier",
    "member",         "item",          "extension", "payor", "ExplanationOfBenefit.total",
    "Patient.gender", "unknownElement"};

// A value in [lo, hi], uniform whatever RapidCheck's current size (inRange alone scales its
// range down with the size, which made half the early cases trivially empty).
template <class T>
T uniform(T lo, T hi) {
  return *rc::gen::resize(100, rc::gen::inRange<T>(lo, hi + 1));
}

RC_GTEST_PROP(DatasetFilters, CountEqualsLinesWritten, ()) {
  const auto members = uniform<std::uint64_t>(10, 300);
  const Dataset data({.seed = *rc::gen::arbitrary<std::uint64_t>(), .members = members});
  Slice s;
  s.type = *rc::gen::elementOf(Dataset::resource_types());
  const auto universe = data.universe(s.type);
  s.begin = uniform<std::uint64_t>(0, uniform(0, 3) == 0 ? universe + 1 : universe / 2);
  // Mostly ranges that hold something; sometimes empty or reversed ones.
  switch (uniform(0, 8)) {
    case 0:
      s.end = uniform<std::uint64_t>(0, s.begin);
      break;
    case 1:
    case 2:
    case 3:
      s.end = uniform<std::uint64_t>(s.begin, universe + 4);
      break;
    default:
      s.end = universe;
      break;
  }
  if (uniform(0, 2) == 0) s.group_id = *rc::gen::elementOf(kGroupIds);
  const auto floor_ms = to_us(at(2019, 6, 1)) / 1000;
  const auto span_ms = to_us(at(2026, 6, 1)) / 1000 - floor_ms;
  const auto instant = [&] {
    return instant_from_us((floor_ms + uniform<std::int64_t>(0, span_ms)) * 1000);
  };
  switch (uniform(0, 3)) {
    case 0:
      s.since = instant();
      break;
    case 1:
      s.until = instant();
      break;
    case 2:
      s.since = instant();
      s.until = instant();
      if (*s.until < *s.since) std::swap(s.since, s.until);
      break;
    default:
      break;  // no time filter
  }
  if (uniform(0, 3) == 0) {
    const auto n = uniform<std::size_t>(1, 40);
    s.patients = *rc::gen::container<std::vector<std::uint64_t>>(
        n, rc::gen::resize(100, rc::gen::inRange<std::uint64_t>(0, members + 3)));
    std::sort(s.patients.begin(), s.patients.end());
  }
  if (uniform(0, 1) == 0) {
    s.elements = *rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(kElementNames));
  }
  const auto chunk = uniform<std::size_t>(1, 5000);
  auto stream = data.open(s);
  const auto lines = split_lines(drain(*stream, chunk));
  RC_ASSERT(data.count(s) == lines.size());
  RC_CLASSIFY(lines.empty(), "empty");
  RC_CLASSIFY(lines.size() > 50, "over 50 lines");
  for (const auto& line : lines) {
    const json r = json::parse(line);
    RC_ASSERT(r.at("resourceType") == s.type);
    const Instant t = last_updated(r);
    if (s.since) RC_ASSERT(t > *s.since);
    if (s.until) RC_ASSERT(t <= *s.until);
  }
}

TEST(DatasetFilters, SinceAndUntilSplitTheData) {
  const Dataset data({.seed = 13, .members = 500});
  for (const auto& type : Dataset::resource_types()) {
    const auto all = data.count(whole(data, type));
    for (const Instant cut : {at(2020, 1, 1), at(2022, 7, 15), at(2025, 11, 30), at(2030, 1, 1)}) {
      Slice after = whole(data, type), upto = whole(data, type);
      after.since = cut;
      upto.until = cut;
      // Every resource is either after the cut or at/before it, never both.
      EXPECT_EQ(data.count(after) + data.count(upto), all) << type;
      for (const auto& r : parse_all(data, after))
        EXPECT_GT(last_updated(r), cut);
      for (const auto& r : parse_all(data, upto))
        EXPECT_LE(last_updated(r), cut);
    }
    Slice mid = whole(data, type);
    mid.since = at(2022, 1, 1);
    mid.until = at(2023, 1, 1);
    if (data.universe(type) >= 500) {
      // Spread over ~6 years: a year holds some but not all.
      EXPECT_GT(data.count(mid), 0u) << type;
      EXPECT_LT(data.count(mid), all / 2) << type;
    }
  }
}

TEST(DatasetFilters, SinceIsExclusiveUntilInclusive) {
  const Dataset data({.seed = 13, .members = 50});
  const auto first = parse_all(data, whole(data, "Patient")).at(0);
  const Instant t = last_updated(first);
  Slice s = whole(data, "Patient");
  s.end = 1;
  s.since = t;
  EXPECT_EQ(data.count(s), 0u);
  s.since = t - std::chrono::milliseconds{1};
  EXPECT_EQ(data.count(s), 1u);
  s.since.reset();
  s.until = t;
  EXPECT_EQ(data.count(s), 1u);
  s.until = t - std::chrono::microseconds{1};
  EXPECT_EQ(data.count(s), 0u);
}

json without(json full, const std::set<std::string>& keep) {
  json out = json::object();
  for (auto it = full.begin(); it != full.end(); ++it) {
    if (keep.count(it.key())) out[it.key()] = it.value();
  }
  return out;
}

TEST(DatasetFilters, ElementsKeepListedAndMandatoryAndTagSubsetted) {
  const Dataset data({.seed = 17, .members = 80});
  for (const auto& type : Dataset::resource_types()) {
    Slice trimmed = whole(data, type);
    trimmed.elements = {"identifier"};
    const auto full = parse_all(data, whole(data, type));
    const auto cut = parse_all(data, trimmed);
    ASSERT_EQ(full.size(), cut.size());
    std::set<std::string> keep{"resourceType", "id", "meta", "identifier"};
    for (const auto& m : Dataset::mandatory_elements(type))
      keep.insert(m);
    for (std::size_t i = 0; i < full.size(); ++i) {
      const json& f = full[i];
      const json& c = cut[i];
      json expected = without(f, keep);
      bool lost = false;
      for (auto it = f.begin(); it != f.end(); ++it)
        lost = lost || !keep.count(it.key());
      for (const auto& m : Dataset::mandatory_elements(type))
        EXPECT_TRUE(c.contains(m)) << m;
      const json tag = {{"system", "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"},
                        {"code", "SUBSETTED"},
                        {"display", "subsetted"}};
      if (lost) expected["meta"]["tag"] = json::array({tag});
      EXPECT_EQ(c, expected) << type << " " << c.dump().substr(0, 200);
    }
  }
}

TEST(DatasetFilters, ElementsListingEverythingLeavesResourcesUntagged) {
  const Dataset data({.seed = 17, .members = 40});
  Slice s = whole(data, "Encounter");
  s.elements = {"status", "class", "type", "subject", "period", "serviceProvider"};
  EXPECT_EQ(drain(*data.open(s)), drain(*data.open(whole(data, "Encounter"))));
  s.elements = {"Encounter.type", "Patient.name"};  // type-qualified spellings
  for (const auto& r : parse_all(data, s)) {
    EXPECT_TRUE(r.contains("type"));
    EXPECT_TRUE(r.contains("class"));  // mandatory
    EXPECT_FALSE(r.contains("period"));
    EXPECT_EQ(r.at("meta").at("tag").at(0).at("code"), "SUBSETTED");
  }
}

TEST(DatasetFilters, ContainedAndCareTeamStayTogether) {
  const Dataset data({.seed = 2, .members = 300});
  for (const auto& keep : std::vector<std::vector<std::string>>{{"contained"}, {"careTeam"}}) {
    Slice s = whole(data, "ExplanationOfBenefit");
    s.elements = keep;
    for (const auto& r : parse_all(data, s)) {
      EXPECT_FALSE(r.contains("contained"));
      EXPECT_FALSE(r.contains("careTeam"));
    }
  }
  Slice both = whole(data, "ExplanationOfBenefit");
  both.elements = {"contained", "careTeam"};
  int pairs = 0;
  for (const auto& r : parse_all(data, both)) {
    EXPECT_EQ(r.contains("contained"), r.contains("careTeam"));
    pairs += r.contains("contained");
  }
  EXPECT_GT(pairs, 0);
}

TEST(DatasetFilters, GroupMembershipIsConsistent) {
  const Dataset data({.seed = 23, .members = 240});
  ASSERT_EQ(data.groups().size(), 3u);
  for (const auto& info : data.groups()) {
    ASSERT_EQ(data.find_group(info.id), &info);
    auto stream = data.read("Group", info.id);
    ASSERT_NE(stream, nullptr);
    const json group = json::parse(drain(*stream, 333));
    EXPECT_EQ(group.at("name"), info.name);
    EXPECT_EQ(group.at("identifier").at(0).at("system"), info.identifier_system);
    EXPECT_EQ(group.at("identifier").at(0).at("value"), info.identifier_value);
    EXPECT_EQ(group.at("quantity"), info.quantity);
    std::set<std::uint64_t> listed;
    for (const auto& m : group.value("member", json::array())) {
      const auto index = data.patient_index(m.at("entity").at("reference").get<std::string>());
      ASSERT_TRUE(index.has_value());
      EXPECT_TRUE(listed.insert(*index).second);
    }
    EXPECT_EQ(listed.size(), info.quantity);
    std::uint64_t members = 0;
    for (std::uint64_t m = 0; m < 240; ++m) {
      EXPECT_EQ(data.is_member(info.id, m), listed.count(m) == 1) << info.id << " " << m;
      members += data.is_member(info.id, m);
    }
    EXPECT_EQ(members, info.quantity);
    // Group-level slices hold exactly the members' resources.
    for (const auto& type : Dataset::resource_types()) {
      if (!Dataset::in_patient_compartment(type)) continue;
      Slice s = whole(data, type);
      s.group_id = info.id;
      std::uint64_t expected = 0;
      for (auto m : listed)
        expected += data.count(testing::range(type, m, m + 1));
      EXPECT_EQ(data.count(s), expected) << info.id << " " << type;
      for (const auto& r : parse_all(data, s)) {
        const std::string ref =
            r.value(
                 "subject",
                 r.value("patient",
                         r.value("beneficiary",
                                 json{{"reference", "Patient/" + r.at("id").get<std::string>()}})))
                .at("reference");
        EXPECT_TRUE(listed.count(data.patient_index(ref).value())) << ref;
      }
    }
  }
  EXPECT_EQ(data.find_group("all-members")->quantity, 240u);
  EXPECT_EQ(data.find_group("small-cohort")->quantity, 25u);
  const auto half = data.find_group("plan-a")->quantity;
  EXPECT_GT(half, 80u);
  EXPECT_LT(half, 160u);
  EXPECT_EQ(data.find_group("nope"), nullptr);
  EXPECT_FALSE(data.is_member("nope", 0));
  EXPECT_FALSE(data.is_member("all-members", 240));
  Slice unknown = whole(data, "Patient");
  unknown.group_id = "nope";
  EXPECT_EQ(data.count(unknown), 0u);
  bool non_ascii = false;
  for (const auto& info : data.groups()) {
    for (unsigned char c : info.name)
      non_ascii = non_ascii || c >= 0x80;
  }
  EXPECT_TRUE(non_ascii);
}

TEST(DatasetFilters, GroupAndPatientFiltersIgnoredOutsideTheCompartment) {
  const Dataset data({.seed = 23, .members = 40});
  for (const char* type : {"Organization", "Group"}) {
    Slice s = whole(data, type);
    s.group_id = "small-cohort";
    s.patients = {1, 2};
    EXPECT_EQ(data.count(s), data.universe(type)) << type;
  }
}

TEST(DatasetFilters, PatientsRestrictToThoseMembers) {
  const Dataset data({.seed = 29, .members = 100});
  Slice s = whole(data, "Observation");
  s.patients = {3, 3, 17, 99, 100, 5000};  // duplicates and unknown members are harmless
  std::uint64_t expected = 0;
  for (std::uint64_t m : {3, 17, 99})
    expected += data.count(testing::range("Observation", m, m + 1));
  EXPECT_EQ(data.count(s), expected);
  for (const auto& r : parse_all(data, s)) {
    const auto m = data.patient_index(r.at("subject").at("reference").get<std::string>());
    EXPECT_TRUE(m == 3u || m == 17u || m == 99u);
  }
  s.group_id = "small-cohort";  // 99 is not in it
  expected = 0;
  for (std::uint64_t m : {3, 17})
    expected += data.count(testing::range("Observation", m, m + 1));
  EXPECT_EQ(data.count(s), expected);
}

TEST(DatasetFilters, SlicesPartitionTheType) {
  const Dataset data({.seed = 31, .members = 1000, .members_per_file = 128});
  for (const auto& type : Dataset::resource_types()) {
    std::string joined;
    std::uint64_t sum = 0;
    const auto universe = data.universe(type);
    for (std::uint64_t b = 0; b < universe; b += 128) {
      Slice s = testing::range(type, b, std::min(universe, b + 128));
      sum += data.count(s);
      joined += drain(*data.open(s));
    }
    EXPECT_EQ(sum, data.count(whole(data, type))) << type;
    EXPECT_EQ(joined, drain(*data.open(whole(data, type)))) << type;
  }
}

}  // namespace
}  // namespace bh::datagen
