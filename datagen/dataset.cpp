#include "datagen/dataset.hpp"

#include <map>

#include "datagen/chunked_stream.hpp"
#include "datagen/group_stream.hpp"
#include "datagen/model.hpp"
#include "datagen/ndjson_stream.hpp"
#include "datagen/slice_cursor.hpp"

namespace bh::datagen {

using detail::Model;
using detail::Type;

Dataset::Dataset(DataConfig config)
    : config_(config), model_(std::make_shared<const Model>(config_)) {
  groups_ = model_->groups();
}

const std::vector<std::string>& Dataset::resource_types() {
  // Patient first (KO-16, V2+), then the member's own data, then what it refers to.
  static const std::vector<std::string> kTypes{"Patient",      "Coverage",  "ExplanationOfBenefit",
                                               "Encounter",    "Condition", "Observation",
                                               "Organization", "Group"};
  return kTypes;
}

bool Dataset::in_patient_compartment(std::string_view type) {
  const auto t = detail::parse_type(type);
  return t && detail::in_compartment(*t);
}

const std::vector<std::string>& Dataset::mandatory_elements(std::string_view type) {
  // R4 top-level elements with minimum cardinality 1, for the types we generate.
  static const std::map<std::string, std::vector<std::string>, std::less<>> kMandatory{
      {"Coverage", {"status", "beneficiary", "payor"}},
      {"ExplanationOfBenefit",
       {"status", "type", "use", "patient", "created", "insurer", "provider", "outcome",
        "insurance"}},
      {"Encounter", {"status", "class"}},
      {"Condition", {"subject"}},
      {"Observation", {"status", "code"}},
      {"Group", {"type", "actual"}},
  };
  static const std::vector<std::string> kNone;
  const auto it = kMandatory.find(type);
  return it == kMandatory.end() ? kNone : it->second;
}

std::uint64_t Dataset::universe(std::string_view type) const {
  const auto t = detail::parse_type(type);
  return t ? model_->universe(*t) : 0;
}

const GroupInfo* Dataset::find_group(std::string_view id) const {
  for (const auto& group : groups_) {
    if (group.id == id) return &group;
  }
  return nullptr;
}

bool Dataset::is_member(std::string_view group_id, std::uint64_t member) const {
  const auto group = model_->find_group(group_id);
  return group && model_->is_member(*group, member);
}

std::string Dataset::patient_id(std::uint64_t member) const {
  return model_->id(Type::Patient, member);
}

std::optional<std::uint64_t> Dataset::patient_index(std::string_view reference) const {
  constexpr std::string_view kPrefix = "Patient/";
  if (reference.substr(0, kPrefix.size()) == kPrefix) reference.remove_prefix(kPrefix.size());
  const auto key = model_->parse_id(Type::Patient, reference);
  if (!key) return std::nullopt;
  return key->index;
}

std::uint64_t Dataset::count(const Slice& slice) const {
  return detail::SliceCursor(*model_, slice).count_rest();
}

std::unique_ptr<protocol::BodyStream> Dataset::open(const Slice& slice) const {
  return std::make_unique<detail::ChunkedStream>(
      std::make_unique<detail::NdjsonSource>(model_, slice));
}

std::unique_ptr<protocol::BodyStream> Dataset::read(std::string_view type,
                                                    std::string_view id) const {
  const auto t = detail::parse_type(type);
  if (!t) return nullptr;
  const auto key = model_->parse_id(*t, id);
  if (!key) return nullptr;
  if (*t == Type::Group) {
    return std::make_unique<detail::ChunkedStream>(
        std::make_unique<detail::GroupSource>(model_, key->index, detail::ElementFilter{}, false));
  }
  return std::make_unique<detail::ChunkedStream>(
      std::make_unique<detail::ResourceSource>(model_, *key));
}

}  // namespace bh::datagen
