// mockserver/response_fuzzer: `serve --fuzz SEED`, answers that look right and are not.
//
// Contract: mutate() takes the answer the server (faults included) was about to send to the
// n-th non-admin request and, with probability `rate`, changes it with awareness of what it is:
// a manifest keeps parsing as JSON but gets a relative URL, a string count, a missing
// transactionTime, a duplicated file...; headers get Retry-After values in every broken form,
// relative or doubled Content-Location, a wrong Content-Type, a 10 KiB X-Progress; an NDJSON
// file keeps its lines but some get the wrong resourceType, a cut-off object, a BOM, CRLF, a
// missing final newline (streamed bodies are mutated line by line as they stream, holding one
// line at most). It returns one description per change ("manifest: /output/0/url made
// relative"), which the journal records as fired faults of rule "fuzz".
// Deterministic: the choices for request n come from Rng(seed, n) alone, so the same seed and
// the same requests give the same answers and the same journal, whatever the timing. Responses
// a connection fault already scripted (wire plans) are left alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "protocol/export_service.hpp"
#include "protocol/http.hpp"

namespace bh::mockserver {

class ResponseFuzzer {
 public:
  explicit ResponseFuzzer(std::uint64_t seed, double rate = 0.35) : seed_(seed), rate_(rate) {}

  std::vector<std::string> mutate(protocol::Response& r, protocol::Endpoint endpoint,
                                  std::uint64_t n) const;

 private:
  std::uint64_t seed_;
  double rate_;
};

// The families (mockserver/fuzz_*.cpp); each changes `r` and says how, or returns "" when it
// found nothing to change.
std::string fuzz_manifest(protocol::Response& r, Rng& rng);
std::string fuzz_headers(protocol::Response& r, protocol::Endpoint endpoint, Rng& rng);
std::string fuzz_ndjson(protocol::Response& r, Rng& rng);

}  // namespace bh::mockserver
