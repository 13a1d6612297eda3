// mockserver/faults/families: one registration function per fault family file. The registry
// (registry.cpp) calls each once; adding a family is one file and one line there.
#pragma once

#include <vector>

#include "mockserver/faults/fault_kind.hpp"

namespace bh::mockserver {

void add_throttle_faults(std::vector<FaultKind>& kinds);
void add_status_error_faults(std::vector<FaultKind>& kinds);
void add_kickoff_faults(std::vector<FaultKind>& kinds);
void add_timeline_faults(std::vector<FaultKind>& kinds);
void add_manifest_faults(std::vector<FaultKind>& kinds);
void add_manifest_entry_faults(std::vector<FaultKind>& kinds);
void add_ndjson_faults(std::vector<FaultKind>& kinds);
void add_delivery_faults(std::vector<FaultKind>& kinds);
void add_connection_faults(std::vector<FaultKind>& kinds);
void add_delete_faults(std::vector<FaultKind>& kinds);
void add_auth_faults(std::vector<FaultKind>& kinds);

}  // namespace bh::mockserver
