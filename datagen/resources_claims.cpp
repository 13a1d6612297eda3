// Builder for claims: ExplanationOfBenefit (the payer resource CMS-0057-F exports most).
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "datagen/json_table.hpp"
#include "datagen/resources.hpp"
#include "datagen/vocab.hpp"

namespace bh::datagen::detail {

namespace {

void write_money(JsonWriter& json, std::uint64_t cents) {
  json.begin_object().key("value").hundredths(cents).field("currency", "USD").end_object();
}

// `category` is one of kTotalCategories.
inline constexpr std::array<std::string_view, 2> kTotalCategories{"submitted", "benefit"};

void write_total(JsonWriter& json, std::size_t category, std::uint64_t cents) {
  static const auto kCategoryJson = table_of(
      kTotalCategories,
      [](JsonWriter& j, std::string_view code) { j.codeable(sys::kAdjudication, code, {}); });
  json.begin_object().key("category").raw(kCategoryJson[category]);
  json.key("amount");
  write_money(json, cents);
  json.end_object();
}

}  // namespace

void write_eob(const Model& model, std::uint64_t member, std::uint32_t k, ResourceWriter& w) {
  Rng rng = model.content_rng(Type::ExplanationOfBenefit, member, k);
  JsonWriter& json = w.json();
  const Instant updated = model.last_updated(Type::ExplanationOfBenefit, member, k);
  const Instant created = days_before(updated, rng.uniform(0, 5));
  const Instant service_start = days_before(created, rng.uniform(1, 60));
  const Instant service_end = days_before(created, rng.uniform(0, 1));
  static const auto kTypeJson = table_of(kClaimTypes, [](JsonWriter& j, const Code& c) {
    j.codeable(sys::kClaimType, c.code, c.display);
  });
  static const auto kServiceJson = table_of(
      kCptCodes, [](JsonWriter& j, const Code& c) { j.codeable(sys::kCpt, c.code, c.display); });
  const std::size_t claim_type = pick_index(rng, kClaimTypes);
  const std::size_t service = pick_index(rng, kCptCodes);
  const std::uint64_t provider = pick_provider(rng);
  // About one EOB in eight names its rendering practitioner as a contained resource.
  const bool contained = rng.chance(0.125);
  const std::string_view pr_family = pick(rng, kNonAsciiFamily);
  const std::string_view pr_given = pick(rng, kGivenNames);
  const bool note = rng.chance(0.08);
  const std::uint64_t submitted = rng.uniform(2500, 250000);
  const std::uint64_t benefit = submitted * rng.uniform(50, 95) / 100;

  w.begin(Type::ExplanationOfBenefit, model, member, k);
  // "#pr1" in careTeam needs the contained resource and vice versa (dom-3): keep both or none.
  const bool keep_contained = contained && w.keeps("contained") && w.keeps("careTeam");
  if (contained && !keep_contained) w.drop();
  if (keep_contained && w.element("contained")) {
    json.begin_array().begin_object().field("resourceType", "Practitioner").field("id", "pr1");
    json.key("name").begin_array().begin_object().field("family", pr_family);
    json.key("given").begin_array().str(pr_given).end_array();
    json.end_object().end_array().end_object().end_array();
  }
  if (w.element("identifier")) {
    json.begin_array().begin_object().field("system", sys::kClaimId);
    json.field("value", "CLM-" + model.id(Type::ExplanationOfBenefit, member, k).substr(4));
    json.end_object().end_array();
  }
  if (w.element("status")) json.str("active");
  if (w.element("type")) json.raw(kTypeJson[claim_type]);
  if (w.element("use")) json.str("claim");
  if (w.element("patient")) write_reference(json, model, Type::Patient, member);
  if (w.element("billablePeriod")) {
    json.begin_object().field("start", fhir_date(service_start));
    json.field("end", fhir_date(service_end)).end_object();
  }
  if (w.element("created")) json.str(fhir_date_time(created));
  if (w.element("insurer"))
    write_reference(json, model, Type::Organization, payer_of(model, member));
  if (w.element("provider")) write_reference(json, model, Type::Organization, provider);
  if (w.element("outcome")) json.str("complete");
  if (keep_contained && w.element("careTeam")) {
    json.begin_array().begin_object().field_uint("sequence", 1);
    json.key("provider").begin_object().field("reference", "#pr1").end_object();
    json.end_object().end_array();
  }
  if (w.element("insurance")) {
    json.begin_array().begin_object().key("focal").boolean(true).key("coverage");
    write_reference(json, model, Type::Coverage, member);
    json.end_object().end_array();
  }
  if (w.element("item")) {
    json.begin_array().begin_object().field_uint("sequence", 1).key("productOrService");
    json.raw(kServiceJson[service]);
    json.field("servicedDate", fhir_date(service_start)).key("net");
    write_money(json, submitted);
    json.end_object().end_array();
  }
  if (w.element("total")) {
    json.begin_array();
    write_total(json, 0, submitted);
    write_total(json, 1, benefit);
    json.end_array();
  }
  if (note && w.element("processNote")) {
    json.begin_array().begin_object().field_uint("number", 1).field("type", "display");
    json.key("text");
    write_long_text(json, rng);
    json.end_object().end_array();
  }
  w.end();
}

}  // namespace bh::datagen::detail
