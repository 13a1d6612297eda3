// protocol/requirements: the requirement IDs of ../shared/spec/requirements.md.
//
// Contract: is_requirement_id is true exactly for the IDs the catalogue defines (KO-01..KO-21,
// PAR-01..PAR-13, ST-01..ST-15, MF-01..MF-13, DL-01..DL-16, DEL-01..DEL-05, ERR-01..ERR-08,
// AUTH-01..AUTH-10, CAP-01..CAP-05), so a fault, scenario or check that names a requirement
// names one that exists.
#pragma once

#include <string_view>

namespace bh::protocol {

bool is_requirement_id(std::string_view id);

}  // namespace bh::protocol
