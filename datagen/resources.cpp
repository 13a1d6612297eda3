#include "datagen/resources.hpp"

#include <array>
#include <chrono>
#include <string_view>

#include "core/assert.hpp"
#include "datagen/json_table.hpp"
#include "datagen/vocab.hpp"
#include "protocol/fhir_instant.hpp"

namespace bh::datagen::detail {

void write_resource(const Model& model, const ResourceKey& key, ResourceWriter& w) {
  switch (key.type) {
    case Type::Patient:
      return write_patient(model, key.index, w);
    case Type::Coverage:
      return write_coverage(model, key.index, w);
    case Type::ExplanationOfBenefit:
      return write_eob(model, key.index, key.k, w);
    case Type::Encounter:
      return write_encounter(model, key.index, key.k, w);
    case Type::Condition:
      return write_condition(model, key.index, key.k, w);
    case Type::Observation:
      return write_observation(model, key.index, key.k, w);
    case Type::Organization:
      return write_organization(model, key.index, w);
    case Type::Group:
      break;
  }
  BH_ASSERT(false, "write_resource: Groups stream through GroupStream");
}

InstantText fhir_date(Instant t) {
  return InstantText(t, 10);
}

InstantText fhir_date_time(Instant t) {
  return InstantText(t, 24);
}

Instant days_before(Instant t, std::uint64_t days) {
  return t - std::chrono::days{static_cast<std::int64_t>(days)};
}

std::uint64_t payer_of(const Model& model, std::uint64_t member) {
  return model.in_plan_a(member) ? 0 : 1;
}

std::uint64_t pick_provider(Rng& rng) {
  return rng.uniform(kPayers, kOrganizations - 1);
}

void write_long_text(JsonWriter& json, Rng& rng) {
  // Each fragment ends without trailing whitespace issues once joined; the set covers every
  // escape JSON has for text FHIR allows (no control characters besides tab/CR/LF).
  static constexpr std::array<std::string_view, 6> kFragments{
      "Claim reviewed under policy \"PA-2291\"; prior authorization on file.\n",
      "Zoë's follow-up:\tcontinue therapy as planned — 继续治疗. ",
      "Archived at C:\\claims\\archive\\2024 for audit. ",
      "Łukasz Nguyễn (李) confirmed coverage by phone 🙂. ",
      "Naïve café façade résumé: ünïcödé séctiön.\r\n",
      "Adjudication notes: submitted, eligible, benefit, copay and deductible amounts match. ",
  };
  static const JsonTable<kFragments.size()> kEscaped(
      [](JsonWriter& w, std::size_t i) { w.str(kFragments[i]); });
  const std::uint64_t target = rng.uniform(4096, 12288);
  std::string& out = json.raw_value();
  out.push_back('"');
  for (std::uint64_t length = 0; length < target;) {
    const std::size_t i = pick_index(rng, kFragments);
    const std::string_view quoted = kEscaped[i];
    out.append(quoted.substr(1, quoted.size() - 2));
    length += kFragments[i].size();
  }
  out.append("End of note.\"");
}

void write_reference(JsonWriter& json, const Model& model, Type type, std::uint64_t index,
                     std::uint32_t k) {
  // Types and ids need no escaping ([A-Za-z0-9.-]), so the value is written as it is.
  std::string& out = json.raw_value();
  out.append(R"({"reference":")");
  out.append(type_name(type));
  out.push_back('/');
  model.append_id(out, type, index, k);
  out.append(R"("})");
}

}  // namespace bh::datagen::detail
