// mockserver/faults/registry: every fault kind the mock knows, in one table.
//
// Contract: fault_kinds() lists the kinds in a fixed order (family by family, as registered in
// registry.cpp); find_fault_kind looks one up by id. The table is built once and never changes;
// `bulkharness faults list`, the scenario loader, the schema generator and the tests all read
// it, so the catalogue a user sees is the code that runs.
#pragma once

#include <string_view>
#include <vector>

#include "mockserver/faults/fault_kind.hpp"

namespace bh::mockserver {

const std::vector<FaultKind>& fault_kinds();
const FaultKind* find_fault_kind(std::string_view id);

}  // namespace bh::mockserver
