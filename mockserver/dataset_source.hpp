// mockserver/dataset_source: the synthetic generator seen through protocol::DataSource.
// Contract: a thin adapter; every answer comes from datagen::Dataset unchanged.
#pragma once

#include "datagen/dataset.hpp"
#include "protocol/data_source.hpp"

namespace bh::mockserver {

class DatasetSource final : public protocol::DataSource {
 public:
  explicit DatasetSource(const datagen::Dataset& data) : data_(data) {}
  std::vector<std::string> resource_types() const override;
  bool in_patient_compartment(std::string_view type) const override;
  std::uint64_t universe(std::string_view type) const override;
  std::uint64_t members_per_file() const override;
  std::vector<protocol::GroupSummary> groups() const override;
  bool is_member(std::string_view group_id, std::uint64_t member) const override;
  std::optional<std::uint64_t> patient_index(std::string_view reference) const override;
  std::uint64_t count(const protocol::DataSlice& slice) const override;
  std::unique_ptr<protocol::BodyStream> open(const protocol::DataSlice& slice) const override;
  std::unique_ptr<protocol::BodyStream> read(std::string_view type,
                                             std::string_view id) const override;

 private:
  const datagen::Dataset& data_;
};

}  // namespace bh::mockserver
