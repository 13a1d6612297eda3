// datagen/vocab: the fixed vocabularies the builders draw from (real code systems, so a
// validator with terminology loaded accepts the codes). Tables are append-only: reordering one
// changes every seed's output.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/rng.hpp"

namespace bh::datagen::detail {

// The index pick() would take: the same single draw, for builders that also look up the entry's
// serialized form (json_table.hpp).
template <class T, std::size_t N>
std::size_t pick_index(Rng& rng, const std::array<T, N>&) {
  return static_cast<std::size_t>(rng.uniform(0, N - 1));
}

template <class T, std::size_t N>
const T& pick(Rng& rng, const std::array<T, N>& table) {
  return table[pick_index(rng, table)];
}

struct Code {
  std::string_view code;
  std::string_view display;
};

namespace sys {
inline constexpr std::string_view kLoinc = "http://loinc.org";
inline constexpr std::string_view kSnomed = "http://snomed.info/sct";
inline constexpr std::string_view kIcd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr std::string_view kCpt = "http://www.ama-assn.org/go/cpt";
inline constexpr std::string_view kUcum = "http://unitsofmeasure.org";
inline constexpr std::string_view kNpi = "http://hl7.org/fhir/sid/us-npi";
inline constexpr std::string_view kOmbRace = "urn:oid:2.16.840.1.113883.6.238";
inline constexpr std::string_view kActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr std::string_view kClaimType = "http://terminology.hl7.org/CodeSystem/claim-type";
inline constexpr std::string_view kAdjudication =
    "http://terminology.hl7.org/CodeSystem/adjudication";
inline constexpr std::string_view kOrgType =
    "http://terminology.hl7.org/CodeSystem/organization-type";
inline constexpr std::string_view kV2IdType = "http://terminology.hl7.org/CodeSystem/v2-0203";
inline constexpr std::string_view kSubscriberRelationship =
    "http://terminology.hl7.org/CodeSystem/subscriber-relationship";
inline constexpr std::string_view kCoverageClass =
    "http://terminology.hl7.org/CodeSystem/coverage-class";
inline constexpr std::string_view kConditionClinical =
    "http://terminology.hl7.org/CodeSystem/condition-clinical";
inline constexpr std::string_view kConditionVerification =
    "http://terminology.hl7.org/CodeSystem/condition-ver-status";
inline constexpr std::string_view kConditionCategory =
    "http://terminology.hl7.org/CodeSystem/condition-category";
inline constexpr std::string_view kObservationCategory =
    "http://terminology.hl7.org/CodeSystem/observation-category";
inline constexpr std::string_view kMemberId = "https://bulkharness.example.org/fhir/sid/member-id";
inline constexpr std::string_view kClaimId = "https://bulkharness.example.org/fhir/sid/claim-id";
inline constexpr std::string_view kUsCoreRace =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
inline constexpr std::string_view kUsCoreBirthSex =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex";
}  // namespace sys

inline constexpr std::array<std::string_view, 16> kGivenNames{
    "James", "Mary",  "Robert",  "Patricia", "Michael", "Linda", "David", "Elizabeth",
    "Ahmed", "Sofia", "Olamide", "Hiroshi",  "Zoë",     "José",  "Chloé", "Priya"};
inline constexpr std::array<std::string_view, 12> kFamilyNames{
    "Smith",  "Johnson", "García", "Brown",  "O'Brien",  "Kowalski",
    "Müller", "Davis",   "Ndlovu", "Nguyễn", "Williams", "Tanaka"};
// Used for every fourth member, so even ten members include non-ASCII (and non-Latin) names.
inline constexpr std::array<std::string_view, 6> kNonAsciiGiven{"Zoë",   "Łukasz", "José",
                                                                "Søren", "Иван",   "明"};
inline constexpr std::array<std::string_view, 6> kNonAsciiFamily{"Nguyễn", "李",    "Müller",
                                                                 "Đặng",   "Øster", "Ångström"};

struct Place {
  std::string_view city, state, postal_code;
};
inline constexpr std::array<Place, 6> kPlaces{{{"Springfield", "IL", "62701"},
                                               {"Boston", "MA", "02108"},
                                               {"San José", "CA", "95113"},
                                               {"Austin", "TX", "73301"},
                                               {"Seattle", "WA", "98101"},
                                               {"Miami", "FL", "33101"}}};
inline constexpr std::array<std::string_view, 5> kStreets{"Main St", "Oak Ave", "Maple Dr",
                                                          "Elm St", "Rue de l'Église"};

inline constexpr std::array<Code, 5> kRaces{
    {{"2106-3", "White"},
     {"2054-5", "Black or African American"},
     {"2028-9", "Asian"},
     {"1002-5", "American Indian or Alaska Native"},
     {"2076-8", "Native Hawaiian or Other Pacific Islander"}}};

inline constexpr std::array<Code, 5> kClaimTypes{{{"professional", "Professional"},
                                                  {"institutional", "Institutional"},
                                                  {"pharmacy", "Pharmacy"},
                                                  {"oral", "Oral"},
                                                  {"vision", "Vision"}}};
inline constexpr std::array<Code, 5> kCptCodes{
    {{"99213", "Office or other outpatient visit, established patient, low complexity"},
     {"99214", "Office or other outpatient visit, established patient, moderate complexity"},
     {"80053", "Comprehensive metabolic panel"},
     {"93000", "Electrocardiogram, routine ECG with at least 12 leads"},
     {"71046", "Radiologic examination, chest; 2 views"}}};

inline constexpr std::array<Code, 4> kEncounterClasses{{{"AMB", "ambulatory"},
                                                        {"IMP", "inpatient encounter"},
                                                        {"EMER", "emergency"},
                                                        {"VR", "virtual"}}};
inline constexpr std::array<Code, 5> kEncounterTypes{
    {{"185349003", "Encounter for check up (procedure)"},
     {"185345009", "Encounter for symptom (procedure)"},
     {"50849002", "Emergency room admission (procedure)"},
     {"390906007", "Follow-up encounter (procedure)"},
     {"183452005", "Emergency hospital admission (procedure)"}}};

struct ConditionCode {
  Code icd10cm;
  Code snomed;
};
inline constexpr std::array<ConditionCode, 6> kConditions{{
    {{"E11.9", "Type 2 diabetes mellitus without complications"},
     {"44054006", "Diabetes mellitus type 2 (disorder)"}},
    {{"I10", "Essential (primary) hypertension"},
     {"59621000", "Essential hypertension (disorder)"}},
    {{"J45.909", "Unspecified asthma, uncomplicated"}, {"195967001", "Asthma (disorder)"}},
    {{"E78.5", "Hyperlipidemia, unspecified"}, {"55822004", "Hyperlipidemia (disorder)"}},
    {{"M54.50", "Low back pain, unspecified"}, {"279039007", "Low back pain (finding)"}},
    {{"F32.A", "Depression, unspecified"}, {"35489007", "Depressive disorder (disorder)"}},
}};

struct ObservationCode {
  Code loinc;
  std::string_view unit;    // UCUM code, also shown as the unit
  bool vital_sign;          // else laboratory
  std::uint64_t low, high;  // plausible value range, in hundredths
};
inline constexpr std::array<ObservationCode, 8> kObservations{{
    {{"8867-4", "Heart rate"}, "/min", true, 5000, 11000},
    {{"8310-5", "Body temperature"}, "Cel", true, 3600, 3850},
    {{"29463-7", "Body weight"}, "kg", true, 4000, 14000},
    {{"8302-2", "Body height"}, "cm", true, 14000, 20000},
    {{"39156-5", "Body mass index (BMI) [Ratio]"}, "kg/m2", true, 1700, 4000},
    {{"4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"}, "%", false, 450, 1100},
    {{"2339-0", "Glucose [Mass/volume] in Blood"}, "mg/dL", false, 6000, 25000},
    {{"2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"}, "mg/dL", false, 12000, 30000},
}};

struct OrganizationInfo {
  std::string_view name;
  std::string_view npi;
  Place place;
};
// Indexed by organization index: org-1 and org-2 are the payers (kPayers), the rest providers.
inline constexpr std::array<OrganizationInfo, 5> kOrganizationInfo{{
    {"Northwind Health Plan", "1234567893", {"Boston", "MA", "02108"}},
    {"Société Mutuelle Santé Américaine", "1245319599", {"Austin", "TX", "73301"}},
    {"Clínica São José", "1679576722", {"San José", "CA", "95113"}},
    {"Riverside Medical Group", "1023456789", {"Springfield", "IL", "62701"}},
    {"Krankenhaus Süd – 北京协和 Partner Clinic", "1093817465", {"Seattle", "WA", "98101"}},
}};

}  // namespace bh::datagen::detail
