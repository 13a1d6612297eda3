// app/args: a small command-line reader shared by the subcommands.
//
// Contract: flags are `--name value` or `--name=value`; a flag not declared by the subcommand,
// a missing value, or a value of the wrong form is an Error naming the flag, what was expected
// and what was given. Positional arguments are refused unless a subcommand asks for them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace bh::app {

class Args {
 public:
  // `valued`: flags that take a value; `switches`: flags that do not.
  static Result<Args> parse(const std::vector<std::string>& argv, std::set<std::string> valued,
                            std::set<std::string> switches);

  bool has(const std::string& flag) const { return values_.contains(flag); }
  std::optional<std::string> get(const std::string& flag) const;
  Result<std::uint64_t> get_u64(const std::string& flag, std::uint64_t fallback, std::uint64_t min,
                                std::uint64_t max) const;
  Result<double> get_double(const std::string& flag, double fallback, double min, double max) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace bh::app
