#include "datagen/slice_cursor.hpp"

#include <algorithm>

namespace bh::datagen::detail {

SliceCursor::SliceCursor(const Model& model, const Slice& slice)
    : model_(&model), type_(parse_type(slice.type)), since_(slice.since), until_(slice.until) {
  if (!type_) return;  // end_ stays 0: nothing to yield
  pos_ = slice.begin;
  end_ = std::min(slice.end, model.universe(*type_));
  if (!in_compartment(*type_)) return;
  if (slice.group_id) {
    group_ = model.find_group(*slice.group_id);
    if (!group_) {
      end_ = 0;
      return;
    }
    if (*group_ == GroupKind::AllMembers) group_.reset();  // everyone: skip the per-member test
    if (group_ == GroupKind::SmallCohort) {
      end_ = std::min(end_, kSmallCohortSize);
      group_.reset();  // a prefix of the members: the range says it all
    }
  }
  if (!slice.patients.empty()) {
    by_patients_ = true;
    patients_ = slice.patients;
    // The contract asks for sorted input; sorting again costs little and makes order and
    // duplicates harmless.
    std::sort(patients_.begin(), patients_.end());
    patients_.erase(std::unique(patients_.begin(), patients_.end()), patients_.end());
    patient_pos_ = static_cast<std::size_t>(
        std::lower_bound(patients_.begin(), patients_.end(), pos_) - patients_.begin());
  }
}

bool SliceCursor::advance_index() {
  // Each pass consumes one candidate index, and candidates only grow up to end_.
  while (true) {
    std::uint64_t candidate = pos_;
    if (by_patients_) {
      if (patient_pos_ >= patients_.size()) return false;
      candidate = patients_[patient_pos_++];
    }
    if (candidate >= end_) return false;
    pos_ = candidate + 1;
    if (group_ && !model_->is_member(*group_, candidate)) continue;
    index_ = candidate;
    k_ = 0;
    n_ = model_->per_index(*type_, candidate);
    return true;
  }
}

bool SliceCursor::time_ok(std::uint64_t index, std::uint32_t k) const {
  if (!since_ && !until_) return true;
  const Instant t = model_->last_updated(*type_, index, k);
  return (!since_ || t > *since_) && (!until_ || t <= *until_);
}

bool SliceCursor::next(ResourceKey& key) {
  while (true) {
    while (k_ < n_) {
      const std::uint32_t k = k_++;
      if (time_ok(index_, k)) {
        key = ResourceKey{*type_, index_, k};
        return true;
      }
    }
    if (!advance_index()) return false;
  }
}

std::uint64_t SliceCursor::count_rest() {
  std::uint64_t total = 0;
  const bool timed = since_ || until_;
  while (true) {
    if (!timed) {
      total += n_ - k_;
    } else {
      for (std::uint32_t k = k_; k < n_; ++k)
        total += time_ok(index_, k) ? 1 : 0;
    }
    k_ = n_;
    if (!advance_index()) return total;
  }
}

}  // namespace bh::datagen::detail
