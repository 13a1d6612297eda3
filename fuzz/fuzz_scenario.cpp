// fuzz_scenario: the scenario file loader (schema, rules, faults, timeline, expectations).
//
// Properties: no crash or throw on any bytes; an error names where it is; a scenario that loads
// writes back (scenario_to_json) to JSON that loads again and writes back identically: what a
// shrunk regression or `GET /__admin/scenario` writes is what the loader reads.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.hpp"
#include "mockserver/scenario.hpp"

using namespace bh;
using namespace bh::mockserver;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto loaded = parse_scenario_text(fuzz::as_text(data, size), "fuzz.json");
  if (!loaded.ok()) {
    FUZZ_CHECK(!loaded.error().where.empty() && !loaded.error().what.empty(),
               "an error that does not say where or what");
    return 0;
  }
  const auto written = scenario_to_json(*loaded);
  auto again = parse_scenario(written, "written.json");
  FUZZ_CHECK(again.ok(),
             "a scenario we wrote does not load: " + fuzz::printable(written.dump(), 600) +
                 (again.ok() ? "" : "\n  -- " + again.error().message()));
  FUZZ_CHECK(scenario_to_json(*again) == written, "the scenario changed on a second round trip: " +
                                                      fuzz::printable(written.dump(), 600));
  return 0;
}
