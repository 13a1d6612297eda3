#include "mockserver/rule.hpp"

#include <algorithm>

namespace bh::mockserver {

Rng rule_rng(std::uint64_t seed, const std::string& rule_id, std::uint64_t n) {
  return Rng(mix64(seed, stream_id("rule/" + rule_id)), n);
}

bool swarm_enabled(std::uint64_t seed, const std::string& rule_id, double probability) {
  return Rng(seed, stream_id("swarm/" + rule_id)).chance(probability);
}

bool Schedule::fires(std::uint64_t n, std::uint64_t seed, const std::string& rule_id) const {
  switch (kind) {
    case Kind::kAlways:
      return true;
    case Kind::kNth:
      return std::find(nth.begin(), nth.end(), n) != nth.end();
    case Kind::kEvery:
      return n > offset && (n - offset) % every == 0;
    case Kind::kFirst:
      return n <= first;
    case Kind::kFrom:
      return n >= from;
    case Kind::kProbability:
      // A separate stream from the one the fault itself draws from (rule_rng), so the decision
      // and the fault's own randomness never share values.
      return Rng(mix64(seed, stream_id("schedule/" + rule_id)), n).chance(probability);
  }
  return false;
}

}  // namespace bh::mockserver
