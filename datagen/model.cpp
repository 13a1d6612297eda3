#include "datagen/model.hpp"

#include <algorithm>
#include <chrono>

#include "core/assert.hpp"
#include "datagen/json_writer.hpp"

namespace bh::datagen::detail {

namespace {

struct TypeInfo {
  std::string_view name;
  std::string_view id_prefix;
  std::uint32_t max_per_index;
  bool compartment;
};

// Indexed by Type.
constexpr std::array<TypeInfo, kTypeCount> kTypes{{
    {"Patient", "pt", 1, true},
    {"Coverage", "cov", 1, true},
    {"ExplanationOfBenefit", "eob", 3, true},
    {"Encounter", "enc", 3, true},
    {"Condition", "cond", 2, true},
    {"Observation", "obs", 4, true},
    {"Organization", "org", 1, false},
    {"Group", "", 1, false},
}};

const TypeInfo& info(Type type) {
  return kTypes[static_cast<std::size_t>(type)];
}

// Member numbers are zero-padded to this width so ids sort like indices up to ten million.
constexpr int kIdDigits = 7;

// Parses a run of decimal digits; nullopt when empty, not all digits or too long to be ours.
std::optional<std::uint64_t> parse_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::uint64_t key(std::uint64_t seed, Type type, std::string_view purpose) {
  std::string name = "datagen/";
  name += info(type).name;
  name += '/';
  name += purpose;
  return mix64(seed, stream_id(name));
}

}  // namespace

std::optional<Type> parse_type(std::string_view name) {
  for (std::size_t i = 0; i < kTypeCount; ++i) {
    if (kTypes[i].name == name) return static_cast<Type>(i);
  }
  return std::nullopt;
}

std::string_view type_name(Type type) {
  return info(type).name;
}
bool in_compartment(Type type) {
  return info(type).compartment;
}
std::uint32_t max_per_index(Type type) {
  return info(type).max_per_index;
}

Instant last_updated_floor() {
  using namespace std::chrono;
  return Instant{sys_days{year{2020} / 1 / 1}};
}

Instant last_updated_ceiling() {
  using namespace std::chrono;
  return Instant{sys_days{year{2025} / 12 / 1}};
}

Model::Model(const DataConfig& config) : members_(config.members) {
  // members == 0 is allowed (an empty dataset): every loop below is bounded by members_.
  for (std::size_t i = 0; i < kTypeCount; ++i) {
    const auto type = static_cast<Type>(i);
    count_key_[i] = key(config.seed, type, "count");
    time_key_[i] = key(config.seed, type, "lastUpdated");
    content_key_[i] = key(config.seed, type, "content");
  }
  plan_key_ = mix64(config.seed, stream_id("datagen/group/plan-a"));

  // Quantities are exact: plan A's needs one pass over the members (a few ms at a million).
  std::uint64_t plan_a = 0;
  for (std::uint64_t m = 0; m < members_; ++m)
    plan_a += in_plan_a(m) ? 1 : 0;
  const std::string system = "https://bulkharness.example.org/fhir/sid/group";
  groups_ = {
      GroupInfo{"all-members", "Alle Mitglieder – todos los miembros", system, "GRP-ALL", members_},
      GroupInfo{"plan-a", "Plan A – Łódź & São Paulo cohort", system, "GRP-PLAN-A", plan_a},
      GroupInfo{"small-cohort", "Small cohort 小组 (Zoë's pilot)", system, "GRP-SMALL",
                std::min(members_, kSmallCohortSize)},
  };
}

std::uint64_t Model::universe(Type type) const {
  if (in_compartment(type)) return members_;
  return type == Type::Organization ? kOrganizations : kGroupCount;
}

std::uint32_t Model::per_index(Type type, std::uint64_t index) const {
  const std::uint32_t max = max_per_index(type);
  if (max == 1) return 1;
  const auto i = static_cast<std::size_t>(type);
  return static_cast<std::uint32_t>(mix64(count_key_[i], index) % (max + 1));
}

Instant Model::last_updated(Type type, std::uint64_t index, std::uint32_t k) const {
  const auto floor = last_updated_floor();
  const auto span_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(last_updated_ceiling() - floor)
          .count());
  const auto i = static_cast<std::size_t>(type);
  const std::uint64_t draw = mix64(time_key_[i], (index << 3) | k) % span_ms;
  return floor + std::chrono::milliseconds{static_cast<std::int64_t>(draw)};
}

Rng Model::content_rng(Type type, std::uint64_t index, std::uint32_t k) const {
  return Rng(content_key_[static_cast<std::size_t>(type)], (index << 3) | k);
}

bool Model::in_plan_a(std::uint64_t member) const {
  return (mix64(plan_key_, member) & 1) == 0;
}

bool Model::is_member(GroupKind group, std::uint64_t member) const {
  if (member >= members_) return false;
  switch (group) {
    case GroupKind::AllMembers:
      return true;
    case GroupKind::PlanA:
      return in_plan_a(member);
    case GroupKind::SmallCohort:
      return member < kSmallCohortSize;
  }
  return false;
}

std::optional<GroupKind> Model::find_group(std::string_view id) const {
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    if (groups_[i].id == id) return static_cast<GroupKind>(i);
  }
  return std::nullopt;
}

void Model::append_id(std::string& out, Type type, std::uint64_t index, std::uint32_t k) const {
  if (type == Type::Group) {
    BH_ASSERT(index < groups_.size(), "datagen: no such group");
    out += groups_[index].id;
    return;
  }
  out += info(type).id_prefix;
  out.push_back('-');
  if (type == Type::Organization) {
    append_decimal(out, index + 1, 1);
    return;
  }
  append_decimal(out, index, kIdDigits);
  if (max_per_index(type) > 1) {
    out.push_back('-');
    append_decimal(out, k, 1);
  }
}

std::string Model::id(Type type, std::uint64_t index, std::uint32_t k) const {
  std::string out;
  append_id(out, type, index, k);
  return out;
}

std::optional<ResourceKey> Model::parse_id(Type type, std::string_view id) const {
  if (type == Type::Group) {
    const auto group = find_group(id);
    if (!group) return std::nullopt;
    return ResourceKey{type, static_cast<std::uint64_t>(*group), 0};
  }
  const std::string_view prefix = info(type).id_prefix;
  if (id.size() <= prefix.size() + 1 || id.substr(0, prefix.size()) != prefix ||
      id[prefix.size()] != '-') {
    return std::nullopt;
  }
  std::string_view rest = id.substr(prefix.size() + 1);
  std::uint32_t k = 0;
  if (max_per_index(type) > 1) {
    const auto dash = rest.rfind('-');
    if (dash == std::string_view::npos) return std::nullopt;
    const auto k_value = parse_number(rest.substr(dash + 1));
    if (!k_value || *k_value >= max_per_index(type)) return std::nullopt;
    k = static_cast<std::uint32_t>(*k_value);
    rest = rest.substr(0, dash);
  }
  auto index = parse_number(rest);
  if (!index) return std::nullopt;
  if (type == Type::Organization) {
    if (*index == 0) return std::nullopt;
    --*index;
  }
  if (*index >= universe(type) || k >= per_index(type, *index)) return std::nullopt;
  // Only the canonical spelling names a resource ("pt-42" and "pt-00000042" do not).
  if (this->id(type, *index, k) != id) return std::nullopt;
  return ResourceKey{type, *index, k};
}

}  // namespace bh::datagen::detail
