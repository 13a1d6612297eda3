// fuzz_manifest: the completion manifest validator and writer (MF-01..MF-13, ST-09).
//
// Input: first byte picks the IG version, the rest is the body. Properties: no crash or throw;
// a manifest is usable exactly when no finding is an error; every finding names a requirement
// and a message; a usable manifest written back with manifest_to_json validates again, usable,
// with no error, and reads as the same manifest (transactionTime at the millisecond precision
// the writer keeps).
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.hpp"
#include "protocol/manifest.hpp"

using namespace bh;
using namespace bh::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(fuzz::as_text(data, size));
  const IgVersion version = fuzz::ig_version(in.byte());
  auto body = in.rest();
  auto check = validate_manifest(body, version);
  bool any_error = false;
  for (const auto& f : check.findings) {
    FUZZ_CHECK(!f.requirement.empty() && !f.message.empty(),
               "a finding without an ID or message at " + f.path);
    any_error = any_error || f.severity == Severity::kError;
  }
  FUZZ_CHECK(check.usable() == !any_error, "usable() disagrees with the error findings");
  if (!check.usable()) return 0;
  auto written = manifest_to_json(*check.manifest, version).dump();
  auto again = validate_manifest(written, version);
  FUZZ_CHECK(again.usable(),
             "a manifest we wrote is not usable: " + fuzz::printable(written, 400) +
                 (again.findings.empty() ? "" : " -- " + again.findings.front().message));
  auto expected = *check.manifest;
  expected.transaction_time =
      std::chrono::floor<std::chrono::milliseconds>(expected.transaction_time);
  FUZZ_CHECK(
      *again.manifest == expected,
      "the manifest changed on the way through manifest_to_json: " + fuzz::printable(written, 400));
  return 0;
}
