#include "mockserver/response_fuzzer.hpp"

namespace bh::mockserver {

std::vector<std::string> ResponseFuzzer::mutate(protocol::Response& r, protocol::Endpoint endpoint,
                                                std::uint64_t n) const {
  std::vector<std::string> done;
  if (r.wire) return done;
  Rng rng(seed_, mix64(stream_id("serve-fuzz"), n));
  if (!rng.chance(rate_)) return done;
  // One body change at most (two would mostly hide each other), sometimes a header change too.
  std::string body;
  if (endpoint == protocol::Endpoint::kFile && r.status == 200)
    body = fuzz_ndjson(r, rng);
  else if (r.status == 200 && !r.stream && r.body.find("\"output\"") != std::string::npos)
    body = fuzz_manifest(r, rng);
  if (!body.empty()) done.push_back(std::move(body));
  if (done.empty() || rng.chance(0.3))
    if (auto h = fuzz_headers(r, endpoint, rng); !h.empty()) done.push_back(std::move(h));
  return done;
}

}  // namespace bh::mockserver
