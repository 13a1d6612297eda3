// datagen/slice_cursor: walks the resources of a Slice in order, without building them.
//
// Contract: yields (type, index, k) for every resource of slice.type with index in
// [begin, min(end, universe)), index a member of slice.group_id and listed in slice.patients
// (both only for compartment types: Organization and Group are referenced data, KO-16), and
// since < lastUpdated <= until. An unknown type or group yields nothing. count_rest() counts
// what next() would still yield by the very same tests, which is why count() == lines written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "datagen/model.hpp"

namespace bh::datagen::detail {

class SliceCursor {
 public:
  // Copies what it needs from the slice; `model` must outlive the cursor.
  SliceCursor(const Model& model, const Slice& slice);

  std::optional<Type> type() const { return type_; }
  bool next(ResourceKey& key);
  std::uint64_t count_rest();

 private:
  bool advance_index();  // to the next index passing the group and patient filters
  bool time_ok(std::uint64_t index, std::uint32_t k) const;

  const Model* model_;
  std::optional<Type> type_;
  std::uint64_t pos_ = 0;  // next index to consider
  std::uint64_t end_ = 0;
  std::optional<GroupKind> group_;
  std::optional<Instant> since_, until_;
  bool by_patients_ = false;
  std::vector<std::uint64_t> patients_;  // sorted, unique
  std::size_t patient_pos_ = 0;
  std::uint64_t index_ = 0;  // current index; k_ of n_ resources there already visited
  std::uint32_t k_ = 0, n_ = 0;
};

}  // namespace bh::datagen::detail
