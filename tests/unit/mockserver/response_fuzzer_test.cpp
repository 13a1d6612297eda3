// serve --fuzz: the mutations are real, journalled, and a pure function of (seed, requests).
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "mockserver/mock_server.hpp"
#include "mockserver/response_fuzzer.hpp"
#include "protocol/manifest.hpp"
#include "protocol/responses.hpp"
#include "service_fixture.hpp"

namespace bh::mockserver {
namespace {

protocol::Request get(std::string target) {
  return testing::get(std::move(target), testing::kickoff_headers());
}

MockServerConfig config(std::uint64_t seed) {
  MockServerConfig c;
  c.service.base_url = "http://127.0.0.1:1/fhir";
  c.data.members = 20;
  c.scenario = builtin_scenario("default").value();
  c.started_at = kVirtualEpoch;
  c.fuzz_seed = seed;
  return c;
}

// A whole export, the same requests at the same instants: kick-off, polls, the files.
std::string run(std::uint64_t seed) {
  MockServer server(config(seed));
  Instant now = kVirtualEpoch;
  std::string bodies;
  for (int job = 0; job < 20; ++job) {
    auto k = server.handle(get("/fhir/$export"), now);
    auto loc = k.headers.get("Content-Location");
    if (!loc || loc->find("/fhir/") == std::string::npos) continue;
    const std::string status(loc->substr(loc->find("/fhir/")));
    for (int poll = 0; poll < 5; ++poll) {
      now += seconds(30);
      auto s = server.handle(get(status), now);
      bodies += testing::body_of(s);
      auto m = protocol::validate_manifest(s.body, protocol::IgVersion::kV2_0_0);
      if (s.status != 200 || !m.usable()) continue;
      const std::string origin = "http://127.0.0.1:1";
      for (const auto& f : m.manifest->output) {
        if (!f.url.starts_with(origin)) continue;  // a mutated URL
        auto r = server.handle(get(f.url.substr(origin.size())), now);
        bodies += testing::body_of(r);
      }
      break;
    }
  }
  return server.journal().to_json().dump() + bodies;
}

TEST(ResponseFuzzer, SameSeedSameJournalAndBodiesByteForByte) {
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(ResponseFuzzer, MutationsAreJournalledAsRuleFuzzAndCoverEachFamily) {
  std::set<std::string> families;
  const std::string journal = run(3);
  for (const char* family : {"manifest: ", "headers: ", "ndjson: "})
    if (journal.find(family) != std::string::npos) families.insert(family);
  EXPECT_EQ(families.size(), 3u) << journal.substr(0, 2000);
  EXPECT_NE(journal.find("\"fuzz\""), std::string::npos);
}

TEST(ResponseFuzzer, StreamedNdjsonIsMutatedTheSameWhateverThePieceSize) {
  // The line framing must not depend on how the stream is pulled.
  for (std::uint64_t n = 1; n < 200; ++n) {
    std::string a, b;
    for (std::size_t piece : {3u, 65536u}) {
      protocol::Response r;
      r.status = 200;
      r.stream = std::make_shared<protocol::StringStream>(
          "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n{\"resourceType\":\"Patient\",\"id\":\"2\"}"
          "\n"
          "{\"resourceType\":\"Patient\",\"id\":\"3\"}\n");
      ResponseFuzzer f(11, 1.0);
      (void)f.mutate(r, protocol::Endpoint::kFile, n);
      std::string out;
      while (r.stream->next(out, piece)) {
      }
      (piece == 3 ? a : b) = out;
    }
    EXPECT_EQ(a, b) << "request " << n;
  }
}

TEST(ResponseFuzzer, ConnectionFaultsAreLeftAlone) {
  protocol::Response r;
  r.status = 200;
  r.body = "{\"output\":[]}";
  r.wire = protocol::WirePlan{};
  ResponseFuzzer f(1, 1.0);
  EXPECT_TRUE(f.mutate(r, protocol::Endpoint::kStatus, 1).empty());
  EXPECT_EQ(r.body, "{\"output\":[]}");
}

}  // namespace
}  // namespace bh::mockserver
