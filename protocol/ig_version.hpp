// protocol/ig_version: which Bulk Data IG the harness speaks (DESIGN.md: STU2 2.0.0 by default).
#pragma once

#include <string_view>

#include "core/result.hpp"

namespace bh::protocol {

enum class IgVersion { kV1_0_1, kV2_0_0, kV3_0_0, kV4_0_0_ballot };

inline constexpr IgVersion kDefaultIgVersion = IgVersion::kV2_0_0;

Result<IgVersion> parse_ig_version(
    std::string_view text);  // "1.0.1", "2.0.0", "3.0.0", "4.0.0-ballot"
std::string_view to_string(IgVersion v);

}  // namespace bh::protocol
