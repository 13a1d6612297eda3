// datagen/dataset: seeded, streaming synthetic payer data in FHIR R4 JSON.
//
// Contract:
//  * Pure function of (seed, members): the same config gives the same bytes, on any platform
//    (randomness only from core/rng's mix64/Rng, never std distributions or unordered iteration).
//  * Nothing is materialised: every resource is computed from (seed, type, index) when it is
//    written, so a file of a million members streams in O(1) memory, and count() walks the same
//    index space without building JSON.
//  * Types: Patient, Coverage, ExplanationOfBenefit, Encounter, Condition, Observation (Patient
//    compartment, one index per member) and Organization, Group (not in the compartment).
//    References point at resources that exist in the same dataset (Coverage.beneficiary ->
//    Patient, EOB.patient/insurance.coverage/insurer/provider, Encounter.subject, ...).
//  * meta.lastUpdated spreads over [2020-01-01, 2025-12-01) so _since filters meaningfully; every
//    resource has one.
//  * Edge cases appear deterministically: non-ASCII names, very long strings, extensions,
//    contained resources.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "protocol/http.hpp"

namespace bh::datagen {

namespace detail {
class Model;  // the index space and per-resource draws; shared with open streams (model.hpp)
}  // namespace detail

struct DataConfig {
  std::uint64_t seed = 1;
  std::uint64_t members = 1000;            // 10 .. at least 1,000,000
  std::uint64_t members_per_file = 10000;  // how the server splits a type into files
};

struct GroupInfo {
  std::string id;    // "all-members"
  std::string name;  // human-readable, may be non-ASCII
  std::string identifier_system;
  std::string identifier_value;
  std::uint64_t quantity = 0;  // number of members
};

// A piece of one type's index space, with the export's filters applied.
struct Slice {
  std::string type;
  std::uint64_t begin = 0;  // index range [begin, end) in universe(type)
  std::uint64_t end = 0;
  std::optional<std::string> group_id;  // only members of this group (compartment types)
  std::optional<Instant> since;         // meta.lastUpdated > since
  std::optional<Instant> until;         // meta.lastUpdated <= until (the transactionTime)
  std::vector<std::uint64_t> patients;  // sorted member indices; empty = no restriction
  // _elements already resolved for this type: top-level element names to keep. Empty = all.
  // Mandatory elements are always kept, and trimmed resources get meta.tag SUBSETTED (PAR-05).
  std::vector<std::string> elements;
};

class Dataset {
 public:
  explicit Dataset(DataConfig config);
  const DataConfig& config() const { return config_; }

  static const std::vector<std::string>& resource_types();  // every type, in export order
  static bool in_patient_compartment(std::string_view type);
  // Elements that _elements must never drop for this type (R4 cardinality 1..*), besides
  // resourceType, id and meta.
  static const std::vector<std::string>& mandatory_elements(std::string_view type);

  // Size of the index space of a type: `members` for compartment types; the number of
  // organizations / groups otherwise. Several resources of one member share an index.
  std::uint64_t universe(std::string_view type) const;

  const std::vector<GroupInfo>& groups() const { return groups_; }
  const GroupInfo* find_group(std::string_view id) const;
  bool is_member(std::string_view group_id, std::uint64_t member) const;

  std::string patient_id(std::uint64_t member) const;
  // Accepts "Patient/<id>" or "<id>"; nullopt when no such patient exists.
  std::optional<std::uint64_t> patient_index(std::string_view reference) const;

  std::uint64_t count(const Slice& slice) const;
  // NDJSON: one resource per line, each line ending in '\n'.
  std::unique_ptr<protocol::BodyStream> open(const Slice& slice) const;
  // One resource as a JSON document (GET [base]/Group/<id>, GET [base]/Patient/<id>);
  // null when there is no such resource. Streams, because a Group may list a million members.
  std::unique_ptr<protocol::BodyStream> read(std::string_view type, std::string_view id) const;

 private:
  DataConfig config_;
  std::vector<GroupInfo> groups_;
  // Shared, immutable: a stream returned by open()/read() keeps it alive, so a stream may
  // outlive the Dataset that opened it.
  std::shared_ptr<const detail::Model> model_;
};

}  // namespace bh::datagen
