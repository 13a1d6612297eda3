// mockserver/faults/retry_after_forms: every way a server has been seen to write Retry-After.
//
// Contract: set_retry_after puts the header on `headers` in the named form, for a wait of
// `delay` scenario time from ctx.now, converted to what the client is told (--time-scale):
//   seconds     delay-seconds, rounded up          http-date  IMF-fixdate of now + delay
//   rfc850      obsolete RFC 850 date              asctime    ANSI C asctime() date
//   zero        "0"                                past-date  an IMF-fixdate an hour ago
//   negative    "-N"                               fractional "N.5"
//   huge        99999999999 seconds (3,000 years)  epoch      the Unix time of now + delay, as
//   garbage     "soon"                                        the SMART reference server sends
//   duplicated  two headers, N and 2N seconds      missing    no header at all
// Requirements: ST-03 (the server's forms), ST-04 (the client must read all three date forms),
// open point A.4 (invalid values: the client falls back to its own backoff).
#pragma once

#include <string>
#include <vector>

#include "mockserver/faults/fault.hpp"

namespace bh::mockserver {

const std::vector<std::string>& retry_after_forms();
void set_retry_after(const FaultContext& ctx, protocol::Headers& headers, const std::string& form,
                     Duration delay);

}  // namespace bh::mockserver
