// datagen/group_stream: one Group resource, its member array produced incrementally.
//
// Contract: the head (everything before member) is one piece, then members come in batches of
// at most kBatch entries, so a Group of a million members streams in O(1) memory. Members are
// listed in index order and are exactly the members Model::is_member accepts; quantity equals
// their number, and member is left out when there are none (FHIR arrays are never empty).
// Under _elements the SUBSETTED decision is made up front, since the head leaves before the end.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "datagen/chunked_stream.hpp"
#include "datagen/model.hpp"
#include "datagen/resource_writer.hpp"

namespace bh::datagen::detail {

class GroupSource final : public PieceSource {
 public:
  static constexpr std::uint64_t kBatch = 512;

  // `newline`: end with '\n' (an NDJSON line) or not (a JSON document for read()).
  GroupSource(std::shared_ptr<const Model> model, std::uint64_t group, ElementFilter filter,
              bool newline);
  bool produce(std::string& out) override;

 private:
  enum class Stage { Head, Members, Done };
  void write_head(std::string& out);
  void close(std::string& out);

  std::shared_ptr<const Model> model_;
  std::uint64_t group_;
  ElementFilter filter_;
  bool newline_;
  Stage stage_ = Stage::Head;
  std::uint64_t next_member_ = 0;
  std::uint64_t scan_end_ = 0;  // members past this are never in the group
  bool wrote_member_ = false;
};

}  // namespace bh::datagen::detail
