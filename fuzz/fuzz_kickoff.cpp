// fuzz_kickoff: the kick-off request reader, GET query or POST body (KO-03, KO-04, KO-09, KO-15,
// PAR-01..PAR-09).
//
// Input: a byte of choices (method, level, version), then a line with the request target, a line
// with a Prefer value, a line with the Content-Type, and the rest as the body. Properties: no
// crash; an accepted request only exports supported types, without duplicates; `patient` only
// arrives by POST; the normalised output format is an NDJSON spelling.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "protocol/export_request.hpp"

using namespace bh;
using namespace bh::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(fuzz::as_text(data, size));
  const auto choice = in.byte();
  constexpr ExportLevel kLevels[] = {ExportLevel::kSystem, ExportLevel::kPatient,
                                     ExportLevel::kGroup};
  Request req;
  req.method = (choice & 1u) ? "POST" : "GET";
  req.target = std::string(in.line());
  if (auto prefer = in.line(); !prefer.empty()) req.headers.add("Prefer", std::string(prefer));
  if (auto type = in.line(); !type.empty()) req.headers.add("Content-Type", std::string(type));
  req.body = std::string(in.rest());
  KickoffPolicy policy;
  policy.version = fuzz::ig_version(choice >> 1);
  policy.supported_types = {"Patient", "Observation", "Condition", "Practitioner", "Group"};
  policy.compartment_types = {"Patient", "Observation", "Condition"};
  policy.support_type_filter = (choice & 0x40u) != 0;
  const auto level = kLevels[(choice >> 3) % 3];
  auto parsed = parse_kickoff(req, level, level == ExportLevel::kGroup ? "g1" : "", policy);
  if (!parsed.ok()) return 0;
  std::set<std::string> seen;
  for (const auto& t : parsed->types) {
    FUZZ_CHECK(policy.supported_types.contains(t),
               "unsupported type \"" + fuzz::printable(t) + "\" accepted");
    FUZZ_CHECK(seen.insert(t).second, "type \"" + t + "\" listed twice");
  }
  FUZZ_CHECK(req.method == "POST" || parsed->patients.empty(),
             "patient parameter accepted in a GET");
  FUZZ_CHECK(is_ndjson_format(parsed->output_format),
             "output format \"" + fuzz::printable(parsed->output_format) + "\" is not NDJSON");
  return 0;
}
