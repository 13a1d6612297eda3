// auth/alg: the JWS signing algorithms SMART Backend Services allows.
//
// Contract: exactly RS384 (RSASSA-PKCS1-v1_5 with SHA-384) and ES384 (ECDSA P-384 with SHA-384,
// the JWS raw R||S signature form); the names are case-sensitive, as in RFC 7518. Anything else
// (none, HS*, RS256, ...) does not parse, so no code path can be talked into a weaker algorithm.
#pragma once

#include <string_view>

#include "core/result.hpp"

namespace bh::auth {

enum class Alg { kRS384, kES384 };

std::string_view to_string(Alg alg);
Result<Alg> parse_alg(std::string_view text);

}  // namespace bh::auth
