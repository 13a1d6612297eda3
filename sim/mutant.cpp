#include "sim/mutant.hpp"

namespace bh::sim {

std::string_view to_string(Mutant m) {
  switch (m) {
    case Mutant::kNone:
      return "none";
    case Mutant::kClientIgnoresRetryAfter:
      return "client-ignores-retry-after";
    case Mutant::kServerIgnoresDelete:
      return "server-ignores-delete";
  }
  return "none";
}

std::optional<Mutant> parse_mutant(std::string_view text) {
  for (Mutant m : {Mutant::kNone, Mutant::kClientIgnoresRetryAfter, Mutant::kServerIgnoresDelete})
    if (to_string(m) == text) return m;
  return std::nullopt;
}

}  // namespace bh::sim
