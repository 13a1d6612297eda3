// core/rng: the harness's only source of randomness.
//
// Contract: xoshiro256** seeded through SplitMix64, with our own uniform/chance so results are
// identical across standard libraries (std::*_distribution is implementation-defined).
// Independent streams come from (seed, stream id): a new consumer never shifts another's draws.
#pragma once

#include <cstdint>
#include <string_view>

namespace bh {

// One SplitMix64 step: advances `state` and returns a well-mixed 64-bit value.
std::uint64_t splitmix64(std::uint64_t& state);
// Stateless mix of two words (for "value of item i under seed s" without keeping a stream).
std::uint64_t mix64(std::uint64_t a, std::uint64_t b);
// Stable 64-bit id of a name (FNV-1a), for naming streams: stream_id("fault/rule-3").
std::uint64_t stream_id(std::string_view name);

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream);
  static Rng stream(std::uint64_t seed, std::string_view name) { return {seed, stream_id(name)}; }

  std::uint64_t next();
  // Uniform integer in [lo, hi] (inclusive), unbiased (Lemire's method with rejection).
  std::uint64_t uniform(std::uint64_t lo, std::uint64_t hi);
  // Uniform double in [0, 1) with 53 random bits.
  double unit();
  // True with probability p (p <= 0: never, p >= 1: always).
  bool chance(double p);

 private:
  std::uint64_t s_[4];
};

}  // namespace bh
