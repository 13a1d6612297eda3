// datagen/model: the dataset's index space and every per-resource draw, without any JSON.
//
// Contract: a resource is named by (type, index, k): index is the member for compartment types
// (Organization and Group have their own small index spaces) and k < per_index(type, index)
// tells several resources of one member apart. Everything here is a pure function of
// (seed, type, index, k) through mix64, so count() and the streams agree by construction and
// two Models of one config answer identically. Each (type, purpose) has its own key, so adding
// a draw for one purpose never moves another.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rng.hpp"
#include "core/time.hpp"
#include "datagen/dataset.hpp"

namespace bh::datagen::detail {

enum class Type : std::uint8_t {
  Patient,
  Coverage,
  ExplanationOfBenefit,
  Encounter,
  Condition,
  Observation,
  Organization,
  Group,
};
inline constexpr std::size_t kTypeCount = 8;

std::optional<Type> parse_type(std::string_view name);
std::string_view type_name(Type type);
bool in_compartment(Type type);
// Most resources of this type one member may have (1 for Patient, Coverage and non-compartment).
std::uint32_t max_per_index(Type type);

enum class GroupKind : std::uint8_t { AllMembers, PlanA, SmallCohort };
inline constexpr std::size_t kGroupCount = 3;
inline constexpr std::uint64_t kSmallCohortSize = 25;

// org-1 and org-2 are payers (plan A members are covered by org-1, the others by org-2);
// org-3 .. org-5 are providers.
inline constexpr std::uint64_t kOrganizations = 5;
inline constexpr std::uint64_t kPayers = 2;

// meta.lastUpdated range: [2020-01-01, 2025-12-01), whole milliseconds so the formatted value
// (millisecond precision) is exactly the value _since/_until compare against.
Instant last_updated_floor();
Instant last_updated_ceiling();

struct ResourceKey {
  Type type;
  std::uint64_t index;
  std::uint32_t k;
};

class Model {
 public:
  explicit Model(const DataConfig& config);

  std::uint64_t members() const { return members_; }
  std::uint64_t universe(Type type) const;
  // Resources of `type` at `index` (index < universe(type)).
  std::uint32_t per_index(Type type, std::uint64_t index) const;
  Instant last_updated(Type type, std::uint64_t index, std::uint32_t k) const;
  // The stream a builder draws the content of one resource from.
  Rng content_rng(Type type, std::uint64_t index, std::uint32_t k) const;

  bool in_plan_a(std::uint64_t member) const;
  bool is_member(GroupKind group, std::uint64_t member) const;
  const std::vector<GroupInfo>& groups() const { return groups_; }
  std::optional<GroupKind> find_group(std::string_view id) const;

  // Ids: "pt-0000042", "cov-0000042", "eob-0000042-1", "org-3", "plan-a", ...
  void append_id(std::string& out, Type type, std::uint64_t index, std::uint32_t k) const;
  std::string id(Type type, std::uint64_t index, std::uint32_t k = 0) const;
  // The resource an id names, when it exists in this dataset (ids are canonical: exactly what
  // append_id writes).
  std::optional<ResourceKey> parse_id(Type type, std::string_view id) const;

 private:
  std::uint64_t members_;
  std::array<std::uint64_t, kTypeCount> count_key_{};
  std::array<std::uint64_t, kTypeCount> time_key_{};
  std::array<std::uint64_t, kTypeCount> content_key_{};
  std::uint64_t plan_key_ = 0;
  std::vector<GroupInfo> groups_;
};

}  // namespace bh::datagen::detail
