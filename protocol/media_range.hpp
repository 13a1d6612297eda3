// protocol/media_range: does an Accept header admit a media type (RFC 9110 §12.5.1)?
//
// Contract: `accept` is a comma-separated list of media ranges with optional parameters. A range
// admits a type when it names it exactly (case-insensitive), or is `type/*` of its top-level type,
// or `*/*`. A range with q=0 admits nothing ("not acceptable"). Other parameters are ignored.
#pragma once

#include <initializer_list>
#include <string_view>

namespace bh::protocol {

bool accept_admits(std::string_view accept, std::string_view media_type);
// The type is named outright (no wildcard), with q > 0: "the client asked for exactly this".
bool accept_names(std::string_view accept, std::string_view media_type);
bool accept_admits_any(std::string_view accept, std::initializer_list<std::string_view> types);
// The media type of a Content-Type value, without parameters or spaces: "application/json".
std::string_view media_type_of(std::string_view content_type);

}  // namespace bh::protocol
