// auth/base64url: the base64url encoding of JOSE (RFC 7515 §2, RFC 4648 §5).
//
// Contract: encode writes the URL-safe alphabet without padding. decode is strict, because a
// signature or key member that decodes two ways would make verification depend on the decoder:
// it rejects characters outside A-Z a-z 0-9 - _ (so '=' padding, '+', '/' and whitespace too),
// lengths no encoding produces (4k+1), and non-zero unused bits in the last character (a
// non-canonical spelling of the same bytes).
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bh::auth {

std::string base64url_encode(std::string_view bytes);
Result<std::string> base64url_decode(std::string_view text);

}  // namespace bh::auth
