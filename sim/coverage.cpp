#include "sim/coverage.hpp"

#include <cstdio>

namespace bh::sim {

void Coverage::add(const client::TransitionCounts& counts, protocol::IgVersion version) {
  ++versions_[version];
  for (std::size_t i = 1; i <= client::kTransitionCount; ++i) {
    taken_[i] += counts[i];
    if (counts[i] > 0) ++runs_[i];
  }
}

// Unreachable only if it is so for every version that ran (then the reasons are listed).
std::optional<std::string> Coverage::reason(client::Transition t) const {
  std::string why;
  for (const auto& [v, n] : versions_) {
    auto r = client::unreachable_reason(t, v);
    if (!r) return std::nullopt;
    const std::string text = std::string(protocol::to_string(v)) + ": " + std::string(*r);
    why += why.empty() ? text : "; " + text;
  }
  if (versions_.empty()) return std::nullopt;
  return why;
}

std::string Coverage::table() const {
  std::string out = "transition  taken    runs  from -> to\n";
  for (std::size_t i = 1; i <= client::kTransitionCount; ++i) {
    const auto t = client::transition(i);
    const auto& info = client::transition_info(t);
    char head[96];
    std::snprintf(head, sizeof head, "%-10s %6llu %7llu  ", std::string(info.id).c_str(),
                  static_cast<unsigned long long>(taken_[i]),
                  static_cast<unsigned long long>(runs_[i]));
    out += head + std::string(info.from) + " -> " + std::string(info.to) + ": " +
           std::string(info.summary);
    if (taken_[i] == 0) {
      auto r = reason(t);
      out += r ? "\n             unreachable (" + *r + ")" : "\n             NOT REACHED";
    }
    out += "\n";
  }
  return out;
}

std::vector<std::string> Coverage::missing() const {
  std::vector<std::string> out;
  for (std::size_t i = 1; i <= client::kTransitionCount; ++i) {
    const auto t = client::transition(i);
    if (taken_[i] == 0 && !reason(t)) out.emplace_back(client::transition_info(t).id);
  }
  return out;
}

}  // namespace bh::sim
