// The completion manifest: writing it per IG version (MF-01..MF-09), and the R4 type list.
#include "protocol/manifest.hpp"

#include <algorithm>
#include <iterator>

#include "protocol/fhir_instant.hpp"

namespace bh::protocol {

namespace {

using nlohmann::ordered_json;

// Every resource type of FHIR R4 (4.0.1), sorted, for binary search. Abstract Resource and
// DomainResource are not listed: nothing is ever exported as them.
constexpr std::string_view kR4ResourceTypes[] = {
    "Account",
    "ActivityDefinition",
    "AdverseEvent",
    "AllergyIntolerance",
    "Appointment",
    "AppointmentResponse",
    "AuditEvent",
    "Basic",
    "Binary",
    "BiologicallyDerivedProduct",
    "BodyStructure",
    "Bundle",
    "CapabilityStatement",
    "CarePlan",
    "CareTeam",
    "CatalogEntry",
    "ChargeItem",
    "ChargeItemDefinition",
    "Claim",
    "ClaimResponse",
    "ClinicalImpression",
    "CodeSystem",
    "Communication",
    "CommunicationRequest",
    "CompartmentDefinition",
    "Composition",
    "ConceptMap",
    "Condition",
    "Consent",
    "Contract",
    "Coverage",
    "CoverageEligibilityRequest",
    "CoverageEligibilityResponse",
    "DetectedIssue",
    "Device",
    "DeviceDefinition",
    "DeviceMetric",
    "DeviceRequest",
    "DeviceUseStatement",
    "DiagnosticReport",
    "DocumentManifest",
    "DocumentReference",
    "EffectEvidenceSynthesis",
    "Encounter",
    "Endpoint",
    "EnrollmentRequest",
    "EnrollmentResponse",
    "EpisodeOfCare",
    "EventDefinition",
    "Evidence",
    "EvidenceVariable",
    "ExampleScenario",
    "ExplanationOfBenefit",
    "FamilyMemberHistory",
    "Flag",
    "Goal",
    "GraphDefinition",
    "Group",
    "GuidanceResponse",
    "HealthcareService",
    "ImagingStudy",
    "Immunization",
    "ImmunizationEvaluation",
    "ImmunizationRecommendation",
    "ImplementationGuide",
    "InsurancePlan",
    "Invoice",
    "Library",
    "Linkage",
    "List",
    "Location",
    "Measure",
    "MeasureReport",
    "Media",
    "Medication",
    "MedicationAdministration",
    "MedicationDispense",
    "MedicationKnowledge",
    "MedicationRequest",
    "MedicationStatement",
    "MedicinalProduct",
    "MedicinalProductAuthorization",
    "MedicinalProductContraindication",
    "MedicinalProductIndication",
    "MedicinalProductIngredient",
    "MedicinalProductInteraction",
    "MedicinalProductManufactured",
    "MedicinalProductPackaged",
    "MedicinalProductPharmaceutical",
    "MedicinalProductUndesirableEffect",
    "MessageDefinition",
    "MessageHeader",
    "MolecularSequence",
    "NamingSystem",
    "NutritionOrder",
    "Observation",
    "ObservationDefinition",
    "OperationDefinition",
    "OperationOutcome",
    "Organization",
    "OrganizationAffiliation",
    "Parameters",
    "Patient",
    "PaymentNotice",
    "PaymentReconciliation",
    "Person",
    "PlanDefinition",
    "Practitioner",
    "PractitionerRole",
    "Procedure",
    "Provenance",
    "Questionnaire",
    "QuestionnaireResponse",
    "RelatedPerson",
    "RequestGroup",
    "ResearchDefinition",
    "ResearchElementDefinition",
    "ResearchStudy",
    "ResearchSubject",
    "RiskAssessment",
    "RiskEvidenceSynthesis",
    "Schedule",
    "SearchParameter",
    "ServiceRequest",
    "Slot",
    "Specimen",
    "SpecimenDefinition",
    "StructureDefinition",
    "StructureMap",
    "Subscription",
    "Substance",
    "SubstanceNucleicAcid",
    "SubstancePolymer",
    "SubstanceProtein",
    "SubstanceReferenceInformation",
    "SubstanceSourceMaterial",
    "SubstanceSpecification",
    "SupplyDelivery",
    "SupplyRequest",
    "Task",
    "TerminologyCapabilities",
    "TestReport",
    "TestScript",
    "ValueSet",
    "VerificationResult",
    "VisionPrescription",
};
static_assert(std::size(kR4ResourceTypes) == 146, "FHIR R4 defines 146 concrete resource types");
static_assert(std::is_sorted(std::begin(kR4ResourceTypes), std::end(kR4ResourceTypes)));

ordered_json file_item(const ManifestFile& f, bool with_type) {
  ordered_json item = ordered_json::object();
  if (with_type) item["type"] = f.type;
  item["url"] = f.url;
  if (f.count) item["count"] = *f.count;
  return item;
}

ordered_json file_items(const std::vector<ManifestFile>& files, bool with_type) {
  ordered_json items = ordered_json::array();
  for (const auto& f : files)
    items.push_back(file_item(f, with_type));
  return items;
}

}  // namespace

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "?";
}

bool is_r4_resource_type(std::string_view name) {
  return std::binary_search(std::begin(kR4ResourceTypes), std::end(kR4ResourceTypes), name);
}

// Field order follows the IG's examples. V4 drops `request`, renames `error` to `outcome`, and
// its outcome/deleted items have no `type`; it also names the manifest's logical model (MF-10).
// `deleted` is written only when it has files (MF-06 lets it be left out), and `outcome`
// likewise in V4 where it is 0..*. V1-V3 always write `output` and `error` (1..1, SHOULD be []).
nlohmann::ordered_json manifest_to_json(const Manifest& m, IgVersion version) {
  const bool v4 = version == IgVersion::kV4_0_0_ballot;
  ordered_json j = ordered_json::object();
  if (v4) j["manifestType"] = std::string(kBulkDataManifestType);
  j["transactionTime"] = format_fhir_instant(m.transaction_time);
  if (!v4) j["request"] = m.request;
  j["requiresAccessToken"] = m.requires_access_token;
  j["output"] = file_items(m.output, true);
  if (version >= IgVersion::kV2_0_0 && !m.deleted.empty())
    j["deleted"] = file_items(m.deleted, !v4);
  if (!v4)
    j["error"] = file_items(m.error, true);
  else if (!m.error.empty())
    j["outcome"] = file_items(m.error, false);
  return j;
}

}  // namespace bh::protocol
