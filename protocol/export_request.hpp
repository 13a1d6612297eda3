// protocol/export_request: reading a kick-off request (KO-03, KO-04, KO-09, KO-15, PAR-01..PAR-09).
//
// Contract: parse_kickoff turns a GET query or a POST `Parameters` body into an ExportRequest.
// It separates three outcomes:
//   * an Error: the request cannot be understood at all (POST body not JSON, not a Parameters
//     resource, wrong Content-Type) -> the server answers 400 whatever `handling` says;
//   * `rejections`: parameters or values the server does not support or that are invalid
//     (unknown parameter, bad _since, _outputFormat not NDJSON, unsupported _type, `patient` in
//     a GET or at system level, _typeFilter, unknown includeAssociatedData code...). The server
//     answers 400 + OperationOutcome listing all of them, unless Prefer: handling=lenient, in
//     which case it ignores them and reports each in the manifest's `error` files (KO-09);
//   * a clean request.
// Multi-valued parameters may be comma-joined or repeated, and repeats are joined (KO-15, V2-V3).
// Type and element lists keep first-seen order without duplicates.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "protocol/http.hpp"
#include "protocol/ig_version.hpp"
#include "protocol/prefer.hpp"

namespace bh::protocol {

enum class ExportLevel { kSystem, kPatient, kGroup };
std::string_view to_string(ExportLevel level);  // "system", "patient", "group"

struct Rejection {
  std::string param;    // "_type"
  std::string value;    // "Medication"
  std::string code;     // OperationOutcome issue code: "not-supported", "invalid", "value"
  std::string message;  // "resource type Medication is not exported by this server"
};

struct ExportRequest {
  ExportLevel level = ExportLevel::kSystem;
  std::string group_id;                                   // for kGroup
  std::string method;                                     // "GET" or "POST"
  std::string output_format = "application/fhir+ndjson";  // normalised: any NDJSON spelling
  std::optional<Instant> since;
  std::vector<std::string> types;     // empty = every supported type for the level
  std::vector<std::string> elements;  // as given: "Patient.name" or "name"
  std::vector<std::string> type_filters;
  std::vector<std::string> patients;  // "Patient/<id>" references, POST only
  std::vector<std::string> include_associated_data;
  Preferences prefer;
  std::vector<Rejection> rejections;
};

struct KickoffPolicy {
  IgVersion version = kDefaultIgVersion;
  std::set<std::string> supported_types;    // every type the server can export
  std::set<std::string> compartment_types;  // those in the Patient compartment
  bool support_elements = true;
  bool support_type_filter = false;  // recognised, rejected unless lenient
  bool support_patient = true;       // POST only (V2-V3), Patient and Group levels
  // includeAssociatedData codes accepted; others (and '_'-prefixed custom codes) are rejected.
  std::set<std::string> include_associated_codes = {"LatestProvenanceResources",
                                                    "RelevantProvenanceResources"};
};

Result<ExportRequest> parse_kickoff(const Request& request, ExportLevel level, std::string group_id,
                                    const KickoffPolicy& policy);

// The three NDJSON spellings servers SHALL accept (PAR-01).
bool is_ndjson_format(std::string_view value);

// Builds the `Parameters` body a client POSTs (KO-04) from query-style pairs; the value type
// follows the OperationDefinition of `version` (_since -> valueInstant, patient -> valueReference,
// includeAssociatedData -> valueCode, or valueCoding in 4.0.0-ballot, ...). A value that does not
// fit its declared type is sent as valueString, so a server sees exactly what was asked.
std::string build_parameters_body(const std::vector<std::pair<std::string, std::string>>& params,
                                  IgVersion version = kDefaultIgVersion);

}  // namespace bh::protocol
