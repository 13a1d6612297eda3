// protocol/fhir_instant: the FHIR `instant` datatype (used by _since, _until, transactionTime).
//
// Contract: parse accepts exactly FHIR R4's instant regex
//   YYYY-MM-DDThh:mm:ss(.fraction)?(Z|(+|-)hh:mm)
// with real calendar checks (month 1-12, day within the month incl. leap years, hh <= 23,
// mm <= 59, ss <= 60 treated as 59 for leap seconds, offsets up to 14:00); the fraction may have
// any number of digits (kept to microseconds). Anything else -- a date without a time, a missing
// time zone, a space instead of 'T' -- is an Error quoting the value. format writes UTC with
// milliseconds: "2026-01-01T00:00:00.000Z".
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace bh::protocol {

Result<Instant> parse_fhir_instant(std::string_view text);
std::string format_fhir_instant(Instant t);
// The same 24 characters in a fixed buffer, for generators that write millions of instants
// (a std::string of 24 is past the small-string buffer, so format_fhir_instant allocates).
std::array<char, 24> fhir_instant_chars(Instant t);

}  // namespace bh::protocol
