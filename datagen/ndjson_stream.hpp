// datagen/ndjson_stream: the sources behind Dataset::open() and Dataset::read().
//
// Contract: NdjsonSource writes one line per resource SliceCursor yields, in cursor order, each
// built on demand (Groups through GroupSource, piece by piece) and ending in '\n'. It keeps
// the Model alive, so the stream may outlive the Dataset. ResourceSource writes one non-Group
// resource as a JSON document (no trailing newline).
#pragma once

#include <memory>
#include <string>

#include "datagen/chunked_stream.hpp"
#include "datagen/group_stream.hpp"
#include "datagen/model.hpp"
#include "datagen/resource_writer.hpp"
#include "datagen/slice_cursor.hpp"

namespace bh::datagen::detail {

class NdjsonSource final : public PieceSource {
 public:
  NdjsonSource(std::shared_ptr<const Model> model, const Slice& slice);
  bool produce(std::string& out) override;

 private:
  std::shared_ptr<const Model> model_;
  SliceCursor cursor_;
  ElementFilter filter_;
  std::unique_ptr<GroupSource> group_;  // the Group line being streamed, if any
};

class ResourceSource final : public PieceSource {
 public:
  ResourceSource(std::shared_ptr<const Model> model, ResourceKey key);
  bool produce(std::string& out) override;

 private:
  std::shared_ptr<const Model> model_;
  ResourceKey key_;
  bool done_ = false;
};

}  // namespace bh::datagen::detail
