#include "datagen/ndjson_stream.hpp"

#include <utility>

#include "datagen/resources.hpp"

namespace bh::datagen::detail {

NdjsonSource::NdjsonSource(std::shared_ptr<const Model> model, const Slice& slice)
    : model_(std::move(model)), cursor_(*model_, slice), filter_(slice.type, slice.elements) {}

bool NdjsonSource::produce(std::string& out) {
  if (group_) {
    if (group_->produce(out)) return true;
    group_.reset();
  }
  ResourceKey key{};
  if (!cursor_.next(key)) return false;
  if (key.type == Type::Group) {
    group_ = std::make_unique<GroupSource>(model_, key.index, filter_, true);
    return true;  // the next call starts streaming it
  }
  ResourceWriter w(out, filter_);
  write_resource(*model_, key, w);
  out.push_back('\n');
  return true;
}

ResourceSource::ResourceSource(std::shared_ptr<const Model> model, ResourceKey key)
    : model_(std::move(model)), key_(key) {}

bool ResourceSource::produce(std::string& out) {
  if (done_) return false;
  done_ = true;
  const ElementFilter keep_all;
  ResourceWriter w(out, keep_all);
  write_resource(*model_, key_, w);
  return true;
}

}  // namespace bh::datagen::detail
