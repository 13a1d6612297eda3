#include "mockserver/dataset_source.hpp"

namespace bh::mockserver {

namespace {
datagen::Slice to_slice(const protocol::DataSlice& s) {
  return datagen::Slice{s.type,  s.begin, s.end,      s.group_id,
                        s.since, s.until, s.patients, s.elements};
}
}  // namespace

std::vector<std::string> DatasetSource::resource_types() const {
  return datagen::Dataset::resource_types();
}
bool DatasetSource::in_patient_compartment(std::string_view type) const {
  return datagen::Dataset::in_patient_compartment(type);
}
std::uint64_t DatasetSource::universe(std::string_view type) const {
  return data_.universe(type);
}
std::uint64_t DatasetSource::members_per_file() const {
  return data_.config().members_per_file;
}

std::vector<protocol::GroupSummary> DatasetSource::groups() const {
  std::vector<protocol::GroupSummary> out;
  for (const auto& g : data_.groups())
    out.push_back({g.id, g.name, g.identifier_system, g.identifier_value, g.quantity});
  return out;
}

bool DatasetSource::is_member(std::string_view group_id, std::uint64_t member) const {
  return data_.is_member(group_id, member);
}
std::optional<std::uint64_t> DatasetSource::patient_index(std::string_view reference) const {
  return data_.patient_index(reference);
}
std::uint64_t DatasetSource::count(const protocol::DataSlice& slice) const {
  return data_.count(to_slice(slice));
}
std::unique_ptr<protocol::BodyStream> DatasetSource::open(const protocol::DataSlice& slice) const {
  return data_.open(to_slice(slice));
}
std::unique_ptr<protocol::BodyStream> DatasetSource::read(std::string_view type,
                                                          std::string_view id) const {
  return data_.read(type, id);
}

}  // namespace bh::mockserver
