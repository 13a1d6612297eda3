// protocol/kickoff_params: the kick-off parameters each IG version defines, and the POST
// `Parameters` body codec (KO-03, KO-04). Internal to export_request.
//
// Contract: a kick-off, GET or POST, is first flattened to (name, value) pairs in arrival order;
// export_request then interprets the pairs the same way for both methods, which is what makes
// GET and POST kick-offs equivalent. read_parameters_body fails (an Error, answered 400 whatever
// `handling` says) only when the body is not a well-formed Parameters resource or a parameter the
// version defines carries the wrong value[x]; unknown parameters come through for rejection.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "protocol/ig_version.hpp"

namespace bh::protocol {

struct ParamSpec {
  std::string_view name;
  IgVersion since;              // first IG version that defines it
  std::string_view value_type;  // value[x] in a Parameters body (V4 may differ, see value_type)
  bool single;                  // cardinality 0..1 (V2+; in V1 every parameter is 0..1)
};

// The spec of `name` when `version` defines it, else nullptr.
const ParamSpec* find_param_spec(std::string_view name, IgVersion version);
// The value[x] element the version uses for the parameter (includeAssociatedData is a valueCode
// in V2-V3 and a valueCoding in V4).
std::string_view value_type(const ParamSpec& spec, IgVersion version);

struct RawParam {
  std::string name;
  std::string value;  // valueReference -> its reference, valueCoding -> its code
};

inline constexpr std::size_t kMaxKickoffParams = 10000;
inline constexpr std::string_view kIncludeAssociatedDataSystem =
    "http://hl7.org/fhir/uv/bulkdata/CodeSystem/include-associated-data";

Result<std::vector<RawParam>> read_parameters_body(std::string_view body, IgVersion version);

}  // namespace bh::protocol
