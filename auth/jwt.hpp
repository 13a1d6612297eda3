// auth/jwt: reading and verifying compact JWS tokens (client assertions).
//
// Contract: decode_jwt only takes a token apart: three base64url segments separated by '.',
// the header and the claims JSON objects, a non-empty signature; its errors say which segment
// is wrong and how. verify_jwt checks the signature and nothing else: the header alg must be
// RS384 or ES384 (never none, HS*, or anything a key could be confused into), the kid must name
// a registered key of the matching type (RSA for RS384, EC P-384 for ES384), and the signature
// must verify, ES384 in the JWS raw R||S form only (a DER signature is refused). exp, nbf, iat,
// aud, iss, jti are the caller's to judge with its own messages: an expired token with a good
// signature verifies here.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "auth/jwks.hpp"
#include "core/result.hpp"

namespace bh::auth {

struct JwtParts {
  nlohmann::json header;
  nlohmann::json claims;
};

Result<JwtParts> decode_jwt(std::string_view token);
Status verify_jwt(std::string_view token, const Jwks& keys);

}  // namespace bh::auth
