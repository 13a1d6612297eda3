#include "datagen/resource_writer.hpp"

#include <algorithm>

#include "protocol/fhir_instant.hpp"

namespace bh::datagen::detail {

ElementFilter::ElementFilter(std::string_view type, const std::vector<std::string>& elements)
    : active_(!elements.empty()) {
  if (!active_) return;
  for (std::string_view name : elements) {
    if (const auto dot = name.find('.'); dot != std::string_view::npos) {
      if (name.substr(0, dot) != type) continue;
      name.remove_prefix(dot + 1);
    }
    keep_.emplace_back(name);
  }
  for (const char* always : {"resourceType", "id", "meta"})
    keep_.emplace_back(always);
  for (const auto& name : Dataset::mandatory_elements(type))
    keep_.push_back(name);
}

bool ElementFilter::keeps(std::string_view element) const {
  return !active_ || std::find(keep_.begin(), keep_.end(), element) != keep_.end();
}

std::string_view subsetted_tag() {
  return R"(,"tag":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationValue",)"
         R"("code":"SUBSETTED","display":"subsetted"}])";
}

ResourceWriter::ResourceWriter(std::string& out, const ElementFilter& filter)
    : out_(&out), filter_(&filter), json_(out) {}

void ResourceWriter::begin(Type type, const Model& model, std::uint64_t index, std::uint32_t k,
                           bool tag_now) {
  json_.begin_object()
      .field("resourceType", type_name(type))
      .field("id", model.id(type, index, k))
      .key("meta")
      .begin_object()
      .field("lastUpdated", protocol::format_fhir_instant(model.last_updated(type, index, k)));
  tag_at_ = out_->size();
  if (tag_now) {
    out_->append(subsetted_tag());
    tagged_ = true;
  }
  json_.end_object();
}

bool ResourceWriter::element(std::string_view name) {
  if (!filter_->keeps(name)) {
    dropped_ = true;
    return false;
  }
  json_.key(name);
  return true;
}

void ResourceWriter::end() {
  json_.end_object();
  if (dropped_ && !tagged_) {
    out_->insert(tag_at_, subsetted_tag());
    tagged_ = true;
  }
}

}  // namespace bh::datagen::detail
