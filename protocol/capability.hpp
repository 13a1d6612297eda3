// protocol/capability: the CapabilityStatement served at [base]/metadata (CAP-01, CAP-02, KO-18).
//
// Contract: instantiates the Bulk Data CapabilityStatement canonical; declares the system-level
// operation in rest.operation and the Patient and Group operations in rest.resource.operation
// (the 1.0.1 placement) with the canonical OperationDefinition URLs; lists every exported type in
// rest.resource; declares read and search-type on Group (KO-18). Valid R4 JSON.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "protocol/ig_version.hpp"

namespace bh::protocol {

struct CapabilityInfo {
  std::string base_url;  // "http://127.0.0.1:8080/fhir"
  IgVersion version = kDefaultIgVersion;
  std::vector<std::string> resource_types;  // exported types
  std::string software_version;
  Instant date{};
};

nlohmann::ordered_json capability_statement(const CapabilityInfo& info);

}  // namespace bh::protocol
