// sim/mutant: deliberately broken variants of the client and the server, for canaries.
//
// Contract: a property or invariant that cannot fail is worthless, so the simulator can run a
// broken variant and the tests require it to be caught. kClientIgnoresRetryAfter lets the
// client believe every wait is over at once (its clock jumps to whatever it waits for), so it
// polls and retries immediately. kServerIgnoresDelete answers DELETE with 202 without telling
// the service, so the job keeps answering afterwards. kNone is the real thing.
#pragma once

#include <optional>
#include <string_view>

namespace bh::sim {

enum class Mutant { kNone, kClientIgnoresRetryAfter, kServerIgnoresDelete };

std::string_view to_string(Mutant m);
std::optional<Mutant> parse_mutant(std::string_view text);

}  // namespace bh::sim
