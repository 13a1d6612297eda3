// Builders for clinical data: Encounter, Condition, Observation.
#include <chrono>
#include <cstdint>
#include <string>

#include "datagen/json_table.hpp"
#include "datagen/resources.hpp"
#include "datagen/vocab.hpp"

namespace bh::datagen::detail {

void write_encounter(const Model& model, std::uint64_t member, std::uint32_t k, ResourceWriter& w) {
  Rng rng = model.content_rng(Type::Encounter, member, k);
  JsonWriter& json = w.json();
  const Instant updated = model.last_updated(Type::Encounter, member, k);
  const Instant end = days_before(updated, rng.uniform(0, 30));
  static const auto kClassJson = table_of(kEncounterClasses, [](JsonWriter& j, const Code& c) {
    j.coding(sys::kActCode, c.code, c.display);
  });
  static const auto kTypeJson = table_of(kEncounterTypes, [](JsonWriter& j, const Code& c) {
    j.begin_array().codeable(sys::kSnomed, c.code, c.display).end_array();
  });
  const std::size_t cls_at = pick_index(rng, kEncounterClasses);
  const Code& cls = kEncounterClasses[cls_at];
  const std::size_t kind_at = pick_index(rng, kEncounterTypes);
  const Instant start =
      cls.code == "IMP"
          ? days_before(end, rng.uniform(1, 10))
          : end - std::chrono::minutes{static_cast<std::int64_t>(rng.uniform(15, 180))};
  const std::uint64_t provider = pick_provider(rng);

  w.begin(Type::Encounter, model, member, k);
  if (w.element("status")) json.str("finished");
  if (w.element("class")) json.raw(kClassJson[cls_at]);
  if (w.element("type")) json.raw(kTypeJson[kind_at]);
  if (w.element("subject")) write_reference(json, model, Type::Patient, member);
  if (w.element("period")) {
    json.begin_object().field("start", fhir_date_time(start));
    json.field("end", fhir_date_time(end)).end_object();
  }
  if (w.element("serviceProvider")) write_reference(json, model, Type::Organization, provider);
  w.end();
}

void write_condition(const Model& model, std::uint64_t member, std::uint32_t k, ResourceWriter& w) {
  Rng rng = model.content_rng(Type::Condition, member, k);
  JsonWriter& json = w.json();
  const Instant updated = model.last_updated(Type::Condition, member, k);
  // Entry 2c + s: condition c, with its SNOMED coding when s is 1.
  static const JsonTable<2 * kConditions.size()> kCodeJson([](JsonWriter& j, std::size_t i) {
    const ConditionCode& code = kConditions[i / 2];
    j.begin_object().key("coding").begin_array();
    j.coding(sys::kIcd10Cm, code.icd10cm.code, code.icd10cm.display);
    if (i % 2 == 1) j.coding(sys::kSnomed, code.snomed.code, code.snomed.display);
    j.end_array().field("text", code.icd10cm.display).end_object();
  });
  static const JsonTable<2> kClinicalJson([](JsonWriter& j, std::size_t resolved) {
    j.codeable(sys::kConditionClinical, resolved ? "resolved" : "active",
               resolved ? "Resolved" : "Active");
  });
  static const JsonTable<1> kVerifiedJson([](JsonWriter& j, std::size_t) {
    j.codeable(sys::kConditionVerification, "confirmed", "Confirmed");
  });
  static const JsonTable<1> kCategoryJson([](JsonWriter& j, std::size_t) {
    j.begin_array();
    j.codeable(sys::kConditionCategory, "encounter-diagnosis", "Encounter Diagnosis");
    j.end_array();
  });
  const std::size_t code_at = pick_index(rng, kConditions);
  const bool resolved = rng.chance(0.2);
  const Instant recorded = days_before(updated, rng.uniform(0, 60));
  const Instant onset = days_before(recorded, rng.uniform(0, 3 * 365));
  const bool with_snomed = rng.chance(0.5);
  // Point at one of the member's encounters when there is any, so the reference resolves.
  const std::uint32_t encounters = model.per_index(Type::Encounter, member);

  w.begin(Type::Condition, model, member, k);
  if (w.element("clinicalStatus")) json.raw(kClinicalJson[resolved ? 1 : 0]);
  if (w.element("verificationStatus")) json.raw(kVerifiedJson[0]);
  if (w.element("category")) json.raw(kCategoryJson[0]);
  if (w.element("code")) json.raw(kCodeJson[2 * code_at + (with_snomed ? 1 : 0)]);
  if (w.element("subject")) write_reference(json, model, Type::Patient, member);
  if (encounters > 0 && w.element("encounter")) {
    write_reference(json, model, Type::Encounter, member, k % encounters);
  }
  if (w.element("onsetDateTime")) json.str(fhir_date_time(onset));
  if (resolved && w.element("abatementDateTime")) json.str(fhir_date_time(recorded));
  if (w.element("recordedDate")) json.str(fhir_date_time(recorded));
  w.end();
}

void write_observation(const Model& model, std::uint64_t member, std::uint32_t k,
                       ResourceWriter& w) {
  Rng rng = model.content_rng(Type::Observation, member, k);
  JsonWriter& json = w.json();
  const Instant updated = model.last_updated(Type::Observation, member, k);
  static const auto kCodeJson =
      table_of(kObservations, [](JsonWriter& j, const ObservationCode& c) {
        j.codeable(sys::kLoinc, c.loinc.code, c.loinc.display, c.loinc.display);
      });
  // valueQuantity's members after "value".
  static const auto kUnitJson =
      table_of(kObservations, [](JsonWriter& j, const ObservationCode& c) {
        j.begin_object().field("unit", c.unit).field("system", sys::kUcum).field("code", c.unit);
        j.end_object();
      });
  static const JsonTable<2> kCategoryJson([](JsonWriter& j, std::size_t vital) {
    j.begin_array();
    if (vital == 1) {
      j.codeable(sys::kObservationCategory, "vital-signs", "Vital Signs");
    } else {
      j.codeable(sys::kObservationCategory, "laboratory", "Laboratory");
    }
    j.end_array();
  });
  const std::size_t code_at = pick_index(rng, kObservations);
  const ObservationCode& code = kObservations[code_at];
  const Instant effective = days_before(updated, rng.uniform(0, 14));
  const std::uint64_t value = rng.uniform(code.low, code.high);
  const bool note = rng.chance(0.06);

  w.begin(Type::Observation, model, member, k);
  if (w.element("status")) json.str("final");
  if (w.element("category")) json.raw(kCategoryJson[code.vital_sign ? 1 : 0]);
  if (w.element("code")) json.raw(kCodeJson[code_at]);
  if (w.element("subject")) write_reference(json, model, Type::Patient, member);
  if (w.element("effectiveDateTime")) json.str(fhir_date_time(effective));
  if (w.element("issued")) json.str(fhir_date_time(updated));
  if (w.element("valueQuantity")) {
    json.begin_object().key("value").hundredths(value).members(kUnitJson[code_at]).end_object();
  }
  if (note && w.element("note")) {
    json.begin_array().begin_object().key("text");
    write_long_text(json, rng);
    json.end_object().end_array();
  }
  w.end();
}

}  // namespace bh::datagen::detail
