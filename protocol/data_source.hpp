// protocol/data_source: what an export reads from.
//
// Contract: the service never holds data; it asks a DataSource how many resources a slice of
// one type's index space holds (for manifest counts) and to stream them (for downloads). The
// same slice always yields the same count and bytes. Implemented over the synthetic generator
// (mockserver/dataset_source) and, in tests, over small fixed data.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "protocol/http.hpp"

namespace bh::protocol {

struct DataSlice {
  std::string type;
  std::uint64_t begin = 0, end = 0;
  std::optional<std::string> group_id;
  std::optional<Instant> since;
  std::optional<Instant> until;
  std::vector<std::uint64_t> patients;  // sorted member indices; empty = all
  std::vector<std::string> elements;    // top-level elements to keep; empty = all
};

struct GroupSummary {
  std::string id, name, identifier_system, identifier_value;
  std::uint64_t quantity = 0;
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual std::vector<std::string> resource_types() const = 0;
  virtual bool in_patient_compartment(std::string_view type) const = 0;
  virtual std::uint64_t universe(std::string_view type) const = 0;
  virtual std::uint64_t members_per_file() const = 0;
  virtual std::vector<GroupSummary> groups() const = 0;
  virtual bool is_member(std::string_view group_id, std::uint64_t member) const = 0;
  virtual std::optional<std::uint64_t> patient_index(std::string_view reference) const = 0;
  virtual std::uint64_t count(const DataSlice& slice) const = 0;
  virtual std::unique_ptr<BodyStream> open(const DataSlice& slice) const = 0;
  virtual std::unique_ptr<BodyStream> read(std::string_view type, std::string_view id) const = 0;
};

}  // namespace bh::protocol
