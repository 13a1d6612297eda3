// mockserver/wire_script: a faulted response turned into exact bytes and pauses.
//
// Contract: make_wire_script(response, plan) is a pure function from a response whose body is
// in memory (streamed bodies are drained first, bounded) and its WirePlan to the bytes to send
// and the steps to send them in: write [offset, offset+length), pause d, reset, close. Faulted
// responses always carry Connection: close and end the connection. Chunked framing is used
// when the service streamed the body (what the client would otherwise have seen), or for a
// malformed-chunk plan; Content-Length otherwise (and always for a content-length plan).
// Trickled bodies are cut into pieces of at most 1/20 of a second's worth, so the rate holds at
// any size. The transport only executes the steps; the simulator will read the same script.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "protocol/http.hpp"

namespace bh::mockserver {

struct WireStep {
  enum class Kind { kWrite, kPause, kReset, kClose };
  Kind kind = Kind::kWrite;
  std::size_t offset = 0, length = 0;  // kWrite: a range of WireScript::bytes
  Duration pause{};                    // kPause
};

struct WireScript {
  std::string bytes;
  std::vector<WireStep> steps;
};

// `chunked`: the service streamed the body. The plan must be set on the response.
WireScript make_wire_script(const protocol::Response& response, bool chunked);

}  // namespace bh::mockserver
