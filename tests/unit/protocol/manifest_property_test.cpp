// Manifest properties: round trip per IG version, and no input makes validation throw.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "protocol/manifest.hpp"

namespace bh::protocol {
namespace {

constexpr IgVersion kAllVersions[] = {IgVersion::kV1_0_1, IgVersion::kV2_0_0, IgVersion::kV3_0_0,
                                      IgVersion::kV4_0_0_ballot};

rc::Gen<ManifestFile> gen_file(std::string type, bool relative_ok) {
  return rc::gen::exec([type, relative_ok] {
    ManifestFile f;
    f.type = type.empty()
                 ? *rc::gen::element<std::string>("Patient", "Coverage", "ExplanationOfBenefit",
                                                  "Observation", "MedicinalProductInteraction")
                 : type;
    const auto id = *rc::gen::inRange(0, 1000000);
    const bool relative = relative_ok && *rc::gen::arbitrary<bool>();
    f.url = (relative ? "files/" : "https://files.example.org/b/") + std::to_string(id) + ".ndjson";
    if (*rc::gen::arbitrary<bool>())
      f.count = std::max<std::uint64_t>(1, *rc::gen::arbitrary<std::uint64_t>());
    return f;
  });
}

rc::Gen<Manifest> gen_manifest(IgVersion v) {
  return rc::gen::exec([v] {
    const bool v1 = v == IgVersion::kV1_0_1;
    const bool v4 = v == IgVersion::kV4_0_0_ballot;
    Manifest m;
    // Whole milliseconds between 1970 and 2100: the precision the manifest carries.
    const auto ms = *rc::gen::inRange<std::int64_t>(0, 4102444800000LL);
    m.transaction_time = instant_from_us(ms * 1000);
    if (!v4) m.request = "https://ex.org/fhir/Group/" + std::to_string(ms % 97) + "/$export";
    m.requires_access_token = *rc::gen::arbitrary<bool>();
    const auto small = [](rc::Gen<ManifestFile> g) {
      return *rc::gen::resize(8, rc::gen::container<std::vector<ManifestFile>>(std::move(g)));
    };
    m.output = small(gen_file("", v1));
    m.error = small(gen_file("OperationOutcome", v1));
    if (!v1) m.deleted = small(gen_file("Bundle", false));
    // Every URL unique: the same file listed twice is an error (MF-04), and random ids collide
    // now and then (the sanitizer CI run drew such a pair; shrinking then makes them all 0).
    const auto mark = [](std::vector<ManifestFile>& files, const std::string& section) {
      for (std::size_t i = 0; i < files.size(); ++i)
        files[i].url.insert(files[i].url.size() - std::string(".ndjson").size(),
                            "-" + section + std::to_string(i));
    };
    mark(m.output, "o");
    mark(m.error, "e");
    mark(m.deleted, "d");
    return m;
  });
}

RC_GTEST_PROP(ManifestProperty, RoundTripEveryVersion, ()) {
  const auto v =
      *rc::gen::elementOf(std::vector<IgVersion>(std::begin(kAllVersions), std::end(kAllVersions)));
  const auto m = *gen_manifest(v);
  const auto body = manifest_to_json(m, v).dump();
  const auto c = validate_manifest(body, v);
  for (const auto& f : c.findings)  // shown only when the property fails
    RC_LOG() << f.path << ": " << f.message << "\n";
  RC_ASSERT(c.usable());
  RC_ASSERT(c.findings.empty());
  RC_ASSERT(*c.manifest == m);
}

RC_GTEST_PROP(ManifestProperty, NeverThrowsAndUsableMeansNoError, ()) {
  const auto v =
      *rc::gen::elementOf(std::vector<IgVersion>(std::begin(kAllVersions), std::end(kAllVersions)));
  std::string body = manifest_to_json(*gen_manifest(v), v).dump();
  // Mutate: overwrite, drop or duplicate a few bytes.
  const auto edits = *rc::gen::inRange(0, 6);
  for (int i = 0; i < edits && !body.empty(); ++i) {
    const auto at = *rc::gen::inRange<std::size_t>(0, body.size());
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        body[at] = *rc::gen::elementOf(std::string("{}[]\",:0-tfn \\x"));
        break;
      case 1:
        body.erase(at, 1);
        break;
      default:
        body.insert(at, 1, body[at]);
        break;
    }
  }
  const auto c = validate_manifest(body, v);
  bool any_error = false;
  for (const auto& f : c.findings) {
    any_error = any_error || f.severity == Severity::kError;
    RC_ASSERT(f.requirement.starts_with("MF-"));
    RC_ASSERT(f.path.empty() || f.path.front() == '/');
  }
  RC_ASSERT(c.usable() == !any_error);
}

}  // namespace
}  // namespace bh::protocol
