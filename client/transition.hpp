// client/transition: the transitions T01-T41 of one export job as seen by the client
// (requirements §2.2), so a run can say which ones it took and a test can say which it covered.
//
// Contract:
//   * Transition numbers are the spec's: kT05 == 5. TransitionCounts is indexed by that number
//     (index 0 unused), one counter per transition, as ExportClient::transitions() returns it.
//   * transition_info(t) returns the §2.2 row of t (id "T05", from/to states, a short summary of
//     the trigger, the requirement IDs); ids are unique and match the enumerator.
//   * unreachable_reason(t, v) says why the reference client can never take t against a server
//     of IG version v (a missing feature, a by-design policy or a version rule), or nullopt when
//     the client code has a path for it. It describes this client, not the spec, so it must be
//     updated together with the client (transition_test checks the reachable ones are covered).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "protocol/ig_version.hpp"

namespace bh::client {

// clang-format off
enum class Transition : std::uint8_t {
  kT01 = 1, kT02, kT03, kT04, kT05, kT06, kT07, kT08, kT09, kT10,
  kT11, kT12, kT13, kT14, kT15, kT16, kT17, kT18, kT19, kT20,
  kT21, kT22, kT23, kT24, kT25, kT26, kT27, kT28, kT29, kT30,
  kT31, kT32, kT33, kT34, kT35, kT36, kT37, kT38, kT39, kT40,
  kT41 = 41,
};
// clang-format on

inline constexpr std::size_t kTransitionCount = 41;

constexpr std::size_t number(Transition t) {
  return static_cast<std::size_t>(t);
}

// Transition n (1..41); out of range is a programmer error (asserted in transition_info).
constexpr Transition transition(std::size_t n) {
  return static_cast<Transition>(n);
}

struct TransitionInfo {
  std::string_view id;                         // "T05"
  std::string_view from;                       // "S2", or a list such as "S5-S9"
  std::string_view to;                         // "S5", or "unchanged"
  std::string_view summary;                    // the trigger, shortened
  std::vector<std::string_view> requirements;  // "KO-11"; empty where the spec names none
};

const TransitionInfo& transition_info(Transition t);

using TransitionCounts = std::array<std::uint32_t, kTransitionCount + 1>;

std::optional<std::string_view> unreachable_reason(Transition t, protocol::IgVersion v);

}  // namespace bh::client
