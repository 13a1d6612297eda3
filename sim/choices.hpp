// sim/choices: where a generated fault plan's decisions come from.
//
// Contract: pick(n) returns a number in [0, n) (n >= 1). Every decision of the plan generator
// is one pick, and 0 is always its simplest answer (no rule, the first kind, the smallest
// count), so a shorter or smaller sequence of choices is a simpler plan. RngChoices draws them
// from a seed (`bulkharness sim --seed`); ListChoices replays a recorded list, taking values
// modulo n and 0 once the list runs out, which is what lets RapidCheck generate and shrink plans
// through a plain std::vector<uint64_t> (Hypothesis's choice-sequence idea).
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace bh::sim {

class Choices {
 public:
  virtual ~Choices() = default;
  virtual std::uint64_t pick(std::uint64_t n) = 0;
};

class RngChoices final : public Choices {
 public:
  explicit RngChoices(std::uint64_t seed) : rng_(Rng::stream(seed, "sim-plan")) {}
  std::uint64_t pick(std::uint64_t n) override { return n <= 1 ? 0 : rng_.uniform(0, n - 1); }

 private:
  Rng rng_;
};

class ListChoices final : public Choices {
 public:
  explicit ListChoices(std::vector<std::uint64_t> values) : values_(std::move(values)) {}
  std::uint64_t pick(std::uint64_t n) override {
    if (n <= 1 || next_ >= values_.size()) return 0;
    return values_[next_++] % n;
  }

 private:
  std::vector<std::uint64_t> values_;
  std::size_t next_ = 0;
};

}  // namespace bh::sim
