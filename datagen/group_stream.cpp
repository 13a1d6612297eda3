#include "datagen/group_stream.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "datagen/resources.hpp"

namespace bh::datagen::detail {

GroupSource::GroupSource(std::shared_ptr<const Model> model, std::uint64_t group,
                         ElementFilter filter, bool newline)
    : model_(std::move(model)), group_(group), filter_(std::move(filter)), newline_(newline) {
  scan_end_ = static_cast<GroupKind>(group_) == GroupKind::SmallCohort
                  ? std::min(model_->members(), kSmallCohortSize)
                  : model_->members();
}

void GroupSource::write_head(std::string& out) {
  const GroupInfo& info = model_->groups()[static_cast<std::size_t>(group_)];
  const bool has_members = info.quantity > 0;
  // Decided before anything is written, because the head is sent before the member list.
  static constexpr std::array<std::string_view, 7> kElements{
      "identifier", "active", "type", "actual", "name", "quantity", "managingEntity"};
  bool trimmed = has_members && !filter_.keeps("member");
  for (auto name : kElements)
    trimmed = trimmed || !filter_.keeps(name);

  ResourceWriter w(out, filter_);
  JsonWriter& json = w.json();
  w.begin(Type::Group, *model_, group_, 0, trimmed);
  if (w.element("identifier")) {
    json.begin_array().begin_object().field("system", info.identifier_system);
    json.field("value", info.identifier_value).end_object().end_array();
  }
  if (w.element("active")) json.boolean(true);
  if (w.element("type")) json.str("person");
  if (w.element("actual")) json.boolean(true);
  if (w.element("name")) json.str(info.name);
  if (w.element("quantity")) json.number(info.quantity);
  // The plan's payer manages the roster.
  if (w.element("managingEntity")) write_reference(json, *model_, Type::Organization, 0);
  if (has_members && filter_.keeps("member")) {
    json.key("member");
    out.push_back('[');
    stage_ = Stage::Members;
    return;
  }
  close(out);
}

void GroupSource::close(std::string& out) {
  out.push_back('}');
  if (newline_) out.push_back('\n');
  stage_ = Stage::Done;
}

bool GroupSource::produce(std::string& out) {
  switch (stage_) {
    case Stage::Head:
      write_head(out);
      return true;
    case Stage::Done:
      return false;
    case Stage::Members:
      break;
  }
  const auto kind = static_cast<GroupKind>(group_);
  // Bounded work per piece: at most kBatch entries, from at most 8 * kBatch candidates.
  const std::uint64_t scan_stop = std::min(scan_end_, next_member_ + 8 * kBatch);
  std::uint64_t written = 0;
  while (next_member_ < scan_stop && written < kBatch) {
    const std::uint64_t m = next_member_++;
    if (!model_->is_member(kind, m)) continue;
    if (wrote_member_) out.push_back(',');
    wrote_member_ = true;
    out += R"({"entity":{"reference":"Patient/)";
    model_->append_id(out, Type::Patient, m, 0);
    out += "\"}}";
    ++written;
  }
  if (next_member_ >= scan_end_) {
    out.push_back(']');
    close(out);
  }
  return true;
}

}  // namespace bh::datagen::detail
