// protocol/manifest: the completion manifest (MF-01..MF-13), built by the server and validated
// by the client and the conformance runner, per IG version.
//
// Contract: manifest_to_json writes the fields the version defines, in the IG's order (V4: no
// `request`, `error` renamed `outcome`, items of outcome/deleted without `type`).
// validate_manifest checks a body as received: JSON syntax, every required field, JSON types,
// and semantics (transactionTime a FHIR instant, absolute URLs from V2, `type` a resource-type
// name, counts non-negative integers, error items of type OperationOutcome, deleted items of
// type Bundle, extension shape per version). Each finding carries the requirement ID it breaks,
// the JSON path and a message naming expected vs got. A manifest is usable when no finding is
// an error (a SHALL); warnings (SHOULD) do not stop a client. A V4 manifest still carrying
// `request` or `error` gets warnings (leftovers, ignored), not errors; unknown fields are info.
// Never throws, whatever the body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "protocol/ig_version.hpp"

namespace bh::protocol {

struct ManifestFile {
  // resource type; "OperationOutcome" for error files, "Bundle" for deleted (also when read from
  // a V4 manifest, whose items carry no type); empty for output organized by a type (MF-09)
  std::string type;
  std::string url;
  std::optional<std::uint64_t> count;
  bool operator==(const ManifestFile&) const = default;
};

struct Manifest {
  Instant transaction_time{};
  std::string request;  // V1-V3 only
  bool requires_access_token = false;
  std::vector<ManifestFile> output;
  std::vector<ManifestFile> error;  // `outcome` in V4
  std::vector<ManifestFile> deleted;
  bool operator==(const Manifest&) const = default;
};

// The V4 manifest's logical model (MF-10); manifest_to_json writes it as `manifestType` in V4.
inline constexpr std::string_view kBulkDataManifestType =
    "http://hl7.org/fhir/uv/bulkdata/StructureDefinition/BulkDataManifest";

nlohmann::ordered_json manifest_to_json(const Manifest& m, IgVersion version);

enum class Severity { kError, kWarning, kInfo };
std::string_view to_string(Severity s);  // "error", "warning", "info"

struct Finding {
  std::string requirement;  // "MF-01"
  Severity severity = Severity::kError;
  std::string path;     // JSON pointer: "/output/2/url"
  std::string message;  // "expected an absolute http(s) URL, got \"files/1.ndjson\""
};

struct ManifestCheck {
  std::optional<Manifest> manifest;  // set whenever the body was usable (no kError finding)
  std::vector<Finding> findings;
  bool usable() const { return manifest.has_value(); }
};

ManifestCheck validate_manifest(std::string_view body, IgVersion version);

// True for the R4 resource type names (Patient, ExplanationOfBenefit, ...).
bool is_r4_resource_type(std::string_view name);

}  // namespace bh::protocol
