#include "mockserver/faults/registry.hpp"

#include "mockserver/faults/families.hpp"

namespace bh::mockserver {

const std::vector<FaultKind>& fault_kinds() {
  static const std::vector<FaultKind> kinds = [] {
    std::vector<FaultKind> k;
    add_throttle_faults(k);
    add_status_error_faults(k);
    add_kickoff_faults(k);
    add_timeline_faults(k);
    add_manifest_faults(k);
    add_manifest_entry_faults(k);
    add_ndjson_faults(k);
    add_delivery_faults(k);
    add_connection_faults(k);
    add_delete_faults(k);
    add_auth_faults(k);
    return k;
  }();
  return kinds;
}

const FaultKind* find_fault_kind(std::string_view id) {
  for (const auto& k : fault_kinds())
    if (k.id == id) return &k;
  return nullptr;
}

}  // namespace bh::mockserver
