#include "app/args.hpp"

#include <charconv>
#include <cmath>

namespace bh::app {

Result<Args> Args::parse(const std::vector<std::string>& argv, std::set<std::string> valued,
                         std::set<std::string> switches) {
  Args args;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    std::string flag = argv[i];
    if (!flag.starts_with("--"))
      return make_error("argument " + std::to_string(i + 1), "unexpected positional argument",
                        "--flag [value]", "\"" + flag + "\"");
    std::optional<std::string> inline_value;
    if (auto eq = flag.find('='); eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    if (switches.contains(flag)) {
      if (inline_value) return make_error(flag, "takes no value", "", "\"" + *inline_value + "\"");
      args.values_[flag] = "";
    } else if (valued.contains(flag)) {
      if (!inline_value && i + 1 >= argv.size())
        return make_error(flag, "missing value", "a value after " + flag);
      args.values_[flag] = inline_value ? *inline_value : argv[++i];
    } else {
      std::string known;
      for (const auto& s : valued)
        known += (known.empty() ? "" : " ") + s;
      for (const auto& s : switches)
        known += (known.empty() ? "" : " ") + s;
      return make_error(flag, "unknown option", "one of: " + known);
    }
  }
  return args;
}

std::optional<std::string> Args::get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Result<std::uint64_t> Args::get_u64(const std::string& flag, std::uint64_t fallback,
                                    std::uint64_t min, std::uint64_t max) const {
  auto v = get(flag);
  if (!v) return fallback;
  std::uint64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (ec != std::errc{} || p != v->data() + v->size() || v->empty())
    return make_error(flag, "not an integer", range, "\"" + *v + "\"");
  if (out < min || out > max) return make_error(flag, "out of range", range, *v);
  return out;
}

Result<double> Args::get_double(const std::string& flag, double fallback, double min,
                                double max) const {
  auto v = get(flag);
  if (!v) return fallback;
  double out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  const std::string range = "a number from " + std::to_string(min) + " to " + std::to_string(max);
  if (ec != std::errc{} || p != v->data() + v->size() || v->empty() || !std::isfinite(out))
    return make_error(flag, "not a number", range, "\"" + *v + "\"");
  if (out < min || out > max) return make_error(flag, "out of range", range, *v);
  return out;
}

}  // namespace bh::app
