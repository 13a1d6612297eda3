#include "protocol/requirements.hpp"

#include <charconv>

namespace bh::protocol {

bool is_requirement_id(std::string_view id) {
  struct Area {
    std::string_view prefix;
    int last;
  };
  static constexpr Area kAreas[] = {{"KO-", 21}, {"PAR-", 13},  {"ST-", 15},
                                    {"MF-", 13}, {"DL-", 16},   {"DEL-", 5},
                                    {"ERR-", 8}, {"AUTH-", 10}, {"CAP-", 5}};
  for (const auto& a : kAreas) {
    if (!id.starts_with(a.prefix)) continue;
    const auto digits = id.substr(a.prefix.size());
    if (digits.size() != 2) return false;
    int n = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    return ec == std::errc{} && p == digits.data() + digits.size() && n >= 1 && n <= a.last;
  }
  return false;
}

}  // namespace bh::protocol
