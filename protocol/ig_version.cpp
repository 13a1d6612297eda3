#include "protocol/ig_version.hpp"

#include <string>

namespace bh::protocol {

Result<IgVersion> parse_ig_version(std::string_view text) {
  if (text == "1.0.1") return IgVersion::kV1_0_1;
  if (text == "2.0.0") return IgVersion::kV2_0_0;
  if (text == "3.0.0") return IgVersion::kV3_0_0;
  if (text == "4.0.0-ballot") return IgVersion::kV4_0_0_ballot;
  return make_error("IG version", "unknown version", "1.0.1, 2.0.0, 3.0.0 or 4.0.0-ballot",
                    "\"" + std::string(text) + "\"");
}

std::string_view to_string(IgVersion v) {
  switch (v) {
    case IgVersion::kV1_0_1:
      return "1.0.1";
    case IgVersion::kV2_0_0:
      return "2.0.0";
    case IgVersion::kV3_0_0:
      return "3.0.0";
    case IgVersion::kV4_0_0_ballot:
      return "4.0.0-ballot";
  }
  return "?";
}

}  // namespace bh::protocol
