// Builders for clinical data: Encounter, Condition, Observation.
#include <chrono>
#include <cstdint>
#include <string>

#include "datagen/resources.hpp"
#include "datagen/vocab.hpp"

namespace bh::datagen::detail {

void write_encounter(const Model& model, std::uint64_t member, std::uint32_t k, ResourceWriter& w) {
  Rng rng = model.content_rng(Type::Encounter, member, k);
  JsonWriter& json = w.json();
  const Instant updated = model.last_updated(Type::Encounter, member, k);
  const Instant end = days_before(updated, rng.uniform(0, 30));
  const Code& cls = pick(rng, kEncounterClasses);
  const Code& kind = pick(rng, kEncounterTypes);
  const Instant start =
      cls.code == "IMP"
          ? days_before(end, rng.uniform(1, 10))
          : end - std::chrono::minutes{static_cast<std::int64_t>(rng.uniform(15, 180))};
  const std::uint64_t provider = pick_provider(rng);

  w.begin(Type::Encounter, model, member, k);
  if (w.element("status")) json.str("finished");
  if (w.element("class")) json.coding(sys::kActCode, cls.code, cls.display);
  if (w.element("type")) {
    json.begin_array().codeable(sys::kSnomed, kind.code, kind.display).end_array();
  }
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
  const ConditionCode& code = pick(rng, kConditions);
  const bool resolved = rng.chance(0.2);
  const Instant recorded = days_before(updated, rng.uniform(0, 60));
  const Instant onset = days_before(recorded, rng.uniform(0, 3 * 365));
  const bool with_snomed = rng.chance(0.5);
  // Point at one of the member's encounters when there is any, so the reference resolves.
  const std::uint32_t encounters = model.per_index(Type::Encounter, member);

  w.begin(Type::Condition, model, member, k);
  if (w.element("clinicalStatus")) {
    json.codeable(sys::kConditionClinical, resolved ? "resolved" : "active",
                  resolved ? "Resolved" : "Active");
  }
  if (w.element("verificationStatus")) {
    json.codeable(sys::kConditionVerification, "confirmed", "Confirmed");
  }
  if (w.element("category")) {
    json.begin_array();
    json.codeable(sys::kConditionCategory, "encounter-diagnosis", "Encounter Diagnosis");
    json.end_array();
  }
  if (w.element("code")) {
    json.begin_object().key("coding").begin_array();
    json.coding(sys::kIcd10Cm, code.icd10cm.code, code.icd10cm.display);
    if (with_snomed) json.coding(sys::kSnomed, code.snomed.code, code.snomed.display);
    json.end_array().field("text", code.icd10cm.display).end_object();
  }
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
  const ObservationCode& code = pick(rng, kObservations);
  const Instant effective = days_before(updated, rng.uniform(0, 14));
  const std::uint64_t value = rng.uniform(code.low, code.high);
  const bool note = rng.chance(0.06);

  w.begin(Type::Observation, model, member, k);
  if (w.element("status")) json.str("final");
  if (w.element("category")) {
    json.begin_array();
    if (code.vital_sign) {
      json.codeable(sys::kObservationCategory, "vital-signs", "Vital Signs");
    } else {
      json.codeable(sys::kObservationCategory, "laboratory", "Laboratory");
    }
    json.end_array();
  }
  if (w.element("code"))
    json.codeable(sys::kLoinc, code.loinc.code, code.loinc.display, code.loinc.display);
  if (w.element("subject")) write_reference(json, model, Type::Patient, member);
  if (w.element("effectiveDateTime")) json.str(fhir_date_time(effective));
  if (w.element("issued")) json.str(fhir_date_time(updated));
  if (w.element("valueQuantity")) {
    json.begin_object().key("value").hundredths(value).field("unit", code.unit);
    json.field("system", sys::kUcum).field("code", code.unit).end_object();
  }
  if (note && w.element("note")) {
    json.begin_array().begin_object().field("text", long_text(rng)).end_object().end_array();
  }
  w.end();
}

}  // namespace bh::datagen::detail
