// datagen/resources: one builder per resource type, each a pure function of (model, index, k).
//
// Contract: a builder writes exactly one resource through the ResourceWriter (begin .. end),
// offering each top-level element through element() so _elements applies, and draws only from
// model.content_rng(type, index, k), so the bytes depend on nothing else. Every reference
// points at a resource the model says exists: Patient/Coverage of the same member, an
// Organization in [org-1, org-5], an Encounter k < per_index, or the contained "#pr1".
// Groups are not built here: their member list streams (group_stream.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/rng.hpp"
#include "core/time.hpp"
#include "datagen/model.hpp"
#include "datagen/resource_writer.hpp"
#include "protocol/fhir_instant.hpp"

namespace bh::datagen::detail {

// Dispatches on key.type (any type but Group).
void write_resource(const Model& model, const ResourceKey& key, ResourceWriter& w);

void write_patient(const Model& model, std::uint64_t member, ResourceWriter& w);
void write_coverage(const Model& model, std::uint64_t member, ResourceWriter& w);
void write_organization(const Model& model, std::uint64_t org, ResourceWriter& w);
void write_eob(const Model& model, std::uint64_t member, std::uint32_t k, ResourceWriter& w);
void write_encounter(const Model& model, std::uint64_t member, std::uint32_t k, ResourceWriter& w);
void write_condition(const Model& model, std::uint64_t member, std::uint32_t k, ResourceWriter& w);
void write_observation(const Model& model, std::uint64_t member, std::uint32_t k,
                       ResourceWriter& w);

// Shared helpers.
// A date or instant's text in a fixed buffer: builders write several per resource, and a
// std::string of an instant's 24 characters would be an allocation each.
class InstantText {
 public:
  InstantText(Instant t, std::size_t size) : chars_(protocol::fhir_instant_chars(t)), size_(size) {}
  operator std::string_view() const { return {chars_.data(), size_}; }  // NOLINT: by design

 private:
  std::array<char, 24> chars_;
  std::size_t size_;
};
InstantText fhir_date(Instant t);       // "2023-04-05"
InstantText fhir_date_time(Instant t);  // an instant, valid as a FHIR dateTime
Instant days_before(Instant t, std::uint64_t days);
// The payer that covers a member (org index): org-1 for plan A, org-2 otherwise.
std::uint64_t payer_of(const Model& model, std::uint64_t member);
// A provider org index in [kPayers, kOrganizations).
std::uint64_t pick_provider(Rng& rng);
// Several KB of note text with quotes, backslashes, tabs, newlines and non-ASCII (1-4 byte
// UTF-8), to exercise escaping and long lines.
// Written as a JSON string from fragments escaped once (the draws and the text are those of the
// one-string version this replaced; the escaping of a concatenation of valid UTF-8 pieces is
// the concatenation of their escapings).
void write_long_text(JsonWriter& json, Rng& rng);
// Writes {"reference":"Type/id"} for a resource of the model.
void write_reference(JsonWriter& json, const Model& model, Type type, std::uint64_t index,
                     std::uint32_t k = 0);

}  // namespace bh::datagen::detail
