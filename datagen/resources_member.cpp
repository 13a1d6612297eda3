// Builders for who the data is about and who pays: Patient, Coverage, Organization.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "datagen/json_table.hpp"
#include "datagen/resources.hpp"
#include "datagen/vocab.hpp"

namespace bh::datagen::detail {

namespace {

std::string member_number(const Model& model, std::uint64_t member) {
  // "M" + the patient id's digits: the payer's own member id, distinct from the FHIR id.
  return "M" + model.id(Type::Patient, member).substr(3);
}

void write_place(JsonWriter& json, const Place& place) {
  json.begin_object()
      .field("city", place.city)
      .field("state", place.state)
      .field("postalCode", place.postal_code)
      .field("country", "US")
      .end_object();
}

// `place_json` is write_place's object for the address's place.
void write_address(JsonWriter& json, std::string_view place_json, std::string_view use,
                   std::string_view line) {
  json.begin_array().begin_object().field("use", use).key("line").begin_array().str(line);
  json.end_array().members(place_json).end_object().end_array();
}

struct Sex {
  std::string_view gender;     // administrative gender
  std::string_view birth_sex;  // US Core birthsex code
};

Sex draw_sex(Rng& rng) {
  const auto roll = rng.uniform(0, 99);
  if (roll < 49) return {"female", "F"};
  if (roll < 98) return {"male", "M"};
  return roll == 98 ? Sex{"other", "UNK"} : Sex{"unknown", "UNK"};
}

// US Core birthsex codes, in the order of kBirthSexJson.
inline constexpr std::array<std::string_view, 3> kBirthSexes{"F", "M", "UNK"};

void write_extensions(JsonWriter& json, Rng& rng, const Sex& sex) {
  static const auto kRaceJson = table_of(kRaces, [](JsonWriter& j, const Code& race) {
    j.begin_object().field("url", sys::kUsCoreRace).key("extension").begin_array();
    j.begin_object().field("url", "ombCategory").key("valueCoding");
    j.coding(sys::kOmbRace, race.code, race.display).end_object();
    j.begin_object().field("url", "text").field("valueString", race.display).end_object();
    j.end_array().end_object();
  });
  static const auto kBirthSexJson = table_of(kBirthSexes, [](JsonWriter& j, std::string_view c) {
    j.begin_object().field("url", sys::kUsCoreBirthSex).field("valueCode", c).end_object();
  });
  const std::size_t race = pick_index(rng, kRaces);
  const auto birth_sex = static_cast<std::size_t>(
      std::find(kBirthSexes.begin(), kBirthSexes.end(), sex.birth_sex) - kBirthSexes.begin());
  json.begin_array().raw(kRaceJson[race]).raw(kBirthSexJson[birth_sex]).end_array();
}

const JsonTable<kPlaces.size()>& place_json() {
  static const auto kPlaceJson = table_of(kPlaces, write_place);
  return kPlaceJson;
}

}  // namespace

void write_patient(const Model& model, std::uint64_t member, ResourceWriter& w) {
  Rng rng = model.content_rng(Type::Patient, member, 0);
  JsonWriter& json = w.json();
  const Sex sex = draw_sex(rng);
  // Every third member carries US Core extensions, others now and then.
  const bool extended = member % 3 == 0 || rng.chance(0.1);
  const bool non_ascii = member % 4 == 1;
  const std::string_view given = non_ascii ? pick(rng, kNonAsciiGiven) : pick(rng, kGivenNames);
  const std::string_view family = non_ascii ? pick(rng, kNonAsciiFamily) : pick(rng, kFamilyNames);
  const bool middle = rng.chance(0.3);
  const std::string_view middle_name = pick(rng, kGivenNames);
  const std::size_t place = pick_index(rng, kPlaces);
  // Two draws, in this order: the street, then the house number. They were once the operands of
  // one `+`, whose evaluation order C++ leaves open, so g++ and clang builds wrote different
  // addresses; this is g++'s order, so the data of existing (g++) builds stays what it was.
  const std::string_view street = pick(rng, kStreets);
  const std::uint64_t house = rng.uniform(1, 9999);
  const std::string line = std::to_string(house) + " " + std::string(street);
  const Instant born = days_before(last_updated_floor(), rng.uniform(0, 90 * 365));
  const bool phone = rng.chance(0.6);
  const auto phone_suffix = rng.uniform(100, 199);

  w.begin(Type::Patient, model, member, 0);
  if (extended && w.element("extension")) write_extensions(json, rng, sex);
  if (w.element("identifier")) {
    static const JsonTable<1> kTypeJson(
        [](JsonWriter& j, std::size_t) { j.codeable(sys::kV2IdType, "MB", "Member Number"); });
    json.begin_array().begin_object().field("use", "usual").key("type").raw(kTypeJson[0]);
    json.field("system", sys::kMemberId).field("value", member_number(model, member));
    json.end_object().end_array();
  }
  if (w.element("active")) json.boolean(true);
  if (w.element("name")) {
    json.begin_array().begin_object().field("use", "official").field("family", family);
    json.key("given").begin_array().str(given);
    if (middle) json.str(middle_name);
    json.end_array().end_object().end_array();
  }
  if (phone && w.element("telecom")) {
    json.begin_array().begin_object().field("system", "phone");
    json.field("value", "555-01" + std::to_string(phone_suffix).substr(1)).field("use", "home");
    json.end_object().end_array();
  }
  if (w.element("gender")) json.str(sex.gender);
  if (w.element("birthDate")) json.str(fhir_date(born));
  if (w.element("address")) write_address(json, place_json()[place], "home", line);
  w.end();
}

void write_coverage(const Model& model, std::uint64_t member, ResourceWriter& w) {
  Rng rng = model.content_rng(Type::Coverage, member, 0);
  JsonWriter& json = w.json();
  const Instant updated = model.last_updated(Type::Coverage, member, 0);
  const bool cancelled = rng.chance(0.08);
  const Instant start = days_before(updated, rng.uniform(30, 5 * 365));
  const bool plan_a = model.in_plan_a(member);

  w.begin(Type::Coverage, model, member, 0);
  if (w.element("identifier")) {
    json.begin_array().begin_object().field("system", sys::kMemberId);
    json.field("value", member_number(model, member) + "-01").end_object().end_array();
  }
  if (w.element("status")) json.str(cancelled ? "cancelled" : "active");
  static const JsonTable<1> kTypeJson([](JsonWriter& j, std::size_t) {
    j.codeable(sys::kActCode, "HIP", "health insurance plan policy");
  });
  static const JsonTable<1> kRelationshipJson(
      [](JsonWriter& j, std::size_t) { j.codeable(sys::kSubscriberRelationship, "self", "Self"); });
  static const JsonTable<1> kClassTypeJson(
      [](JsonWriter& j, std::size_t) { j.codeable(sys::kCoverageClass, "plan", "Plan"); });
  if (w.element("type")) json.raw(kTypeJson[0]);
  if (w.element("subscriberId")) json.str(member_number(model, member));
  if (w.element("beneficiary")) write_reference(json, model, Type::Patient, member);
  if (w.element("relationship")) json.raw(kRelationshipJson[0]);
  if (w.element("period")) {
    json.begin_object().field("start", fhir_date(start));
    if (cancelled) json.field("end", fhir_date(updated));
    json.end_object();
  }
  if (w.element("payor")) {
    json.begin_array();
    write_reference(json, model, Type::Organization, payer_of(model, member));
    json.end_array();
  }
  if (w.element("class")) {
    json.begin_array().begin_object().key("type").raw(kClassTypeJson[0]);
    json.field("value", plan_a ? "PLAN-A" : "PLAN-B")
        .field("name", plan_a ? "Plan A – Gold" : "Plan B – Silver")
        .end_object()
        .end_array();
  }
  w.end();
}

void write_organization(const Model& model, std::uint64_t org, ResourceWriter& w) {
  const OrganizationInfo& info = kOrganizationInfo[static_cast<std::size_t>(org)];
  JsonWriter& json = w.json();
  const bool payer = org < kPayers;

  w.begin(Type::Organization, model, org, 0);
  if (w.element("identifier")) {
    json.begin_array().begin_object().field("system", sys::kNpi).field("value", info.npi);
    json.end_object().end_array();
  }
  if (w.element("active")) json.boolean(true);
  if (w.element("type")) {
    json.begin_array();
    if (payer) {
      json.codeable(sys::kOrgType, "pay", "Payer");
    } else {
      json.codeable(sys::kOrgType, "prov", "Healthcare Provider");
    }
    json.end_array();
  }
  if (w.element("name")) json.str(info.name);
  if (w.element("address")) {
    std::string place;  // five organizations in all: not worth a table
    JsonWriter place_writer(place);
    write_place(place_writer, info.place);
    write_address(json, place, "work", "1 Health Plaza");
  }
  w.end();
}

}  // namespace bh::datagen::detail
