// datagen/resource_writer: the frame every generated resource shares, and _elements (PAR-05).
//
// Contract: begin() writes resourceType first, then id and meta.lastUpdated (formatted with
// protocol::format_fhir_instant). Builders then offer each top-level element through
// element(name): it writes the key and returns true when the filter keeps it, or records a drop
// and returns false. end() closes the object; if anything was dropped, meta gets the tag
// {system v3-ObservationValue, code SUBSETTED}, so a resource is tagged exactly when it really
// lost an element (one that lists every element it has is complete, hence untagged).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "datagen/json_writer.hpp"
#include "datagen/model.hpp"

namespace bh::datagen::detail {

// The resolved _elements for one type: empty keeps everything.
class ElementFilter {
 public:
  ElementFilter() = default;
  // `elements` are top-level names; a "Type.name" spelling is accepted for this type and
  // ignored for others. resourceType, id, meta and the mandatory elements are always kept.
  ElementFilter(std::string_view type, const std::vector<std::string>& elements);
  bool active() const { return active_; }
  bool keeps(std::string_view element) const;

 private:
  bool active_ = false;
  std::vector<std::string> keep_;
};

class ResourceWriter {
 public:
  ResourceWriter(std::string& out, const ElementFilter& filter);

  // `tag_now`: write the SUBSETTED tag at once (for the Group stream, which flushes its head
  // before the end and so decides up front).
  void begin(Type type, const Model& model, std::uint64_t index, std::uint32_t k,
             bool tag_now = false);
  bool element(std::string_view name);
  bool keeps(std::string_view name) const { return filter_->keeps(name); }
  // Records that an element the resource has was left out (for pairs dropped together).
  void drop() { dropped_ = true; }
  JsonWriter& json() { return json_; }
  void end();

 private:
  std::string* out_;
  const ElementFilter* filter_;
  JsonWriter json_;
  std::size_t tag_at_ = 0;  // where the tag goes inside meta
  bool dropped_ = false;
  bool tagged_ = false;
};

// The text added inside meta of a trimmed resource, starting with its comma.
std::string_view subsetted_tag();

}  // namespace bh::datagen::detail
