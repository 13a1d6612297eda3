// fuzz_parameters: the POST kick-off `Parameters` body, read and written (KO-04, PAR-*).
//
// Input: first byte picks the IG version, the rest is the body. Properties: no crash; never more
// than kMaxKickoffParams parameters; a body that reads writes back (build_parameters_body) to a
// body that reads to the same parameters, in the same order.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "protocol/export_request.hpp"
#include "protocol/kickoff_params.hpp"

using namespace bh;
using namespace bh::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(fuzz::as_text(data, size));
  const IgVersion version = fuzz::ig_version(in.byte());
  auto body = in.rest();
  auto params = read_parameters_body(body, version);
  if (!params.ok()) return 0;
  FUZZ_CHECK(params->size() <= kMaxKickoffParams, "more parameters than the cap were read");
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& p : *params)
    pairs.emplace_back(p.name, p.value);
  auto written = build_parameters_body(pairs, version);
  auto again = read_parameters_body(written, version);
  FUZZ_CHECK(again.ok(), "a body we wrote does not read: " + fuzz::printable(written, 400) +
                             (again.ok() ? "" : " -- " + again.error().message()));
  std::vector<std::pair<std::string, std::string>> back;
  for (const auto& p : *again)
    back.emplace_back(p.name, p.value);
  FUZZ_CHECK(back == pairs, "parameters changed on the way through build_parameters_body: " +
                                fuzz::printable(written, 400));
  return 0;
}
