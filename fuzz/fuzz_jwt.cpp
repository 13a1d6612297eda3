// fuzz_jwt: client assertions and key sets taken apart (AUTH-03, AUTH-04, AUTH-09).
//
// Input: first byte chooses; then a JWKS document (first line) and a token (the rest).
// Properties: no crash or throw; base64url decode(encode(x)) == x and decoding is canonical
// (a text that decodes re-encodes to itself); a parsed JWKS writes to JSON that parses to the
// same keys; a token whose signature verifies against keys parsed from the input must also
// decode; nothing verifies against an empty key set.
#include <cstddef>
#include <cstdint>

#include "auth/base64url.hpp"
#include "auth/jwks.hpp"
#include "auth/jwt.hpp"
#include "fuzz/fuzz_support.hpp"

using namespace bh;
using namespace bh::auth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(fuzz::as_text(data, size));
  in.byte();  // reserved for choices, keeps corpora stable if some are added
  auto jwks_text = in.line();
  auto token = in.rest();
  auto decoded = base64url_decode(token);
  if (decoded.ok())
    FUZZ_CHECK(base64url_encode(*decoded) == token,
               "base64url decoding is not canonical for " + fuzz::printable(token));
  auto encoded = base64url_encode(token);
  auto back = base64url_decode(encoded);
  FUZZ_CHECK(back.ok() && *back == token, "base64url does not round-trip");
  FUZZ_CHECK(!verify_jwt(token, Jwks{}).ok(), "a token verified against no keys");
  auto parts = decode_jwt(token);
  if (parts.ok())
    FUZZ_CHECK(parts->header.is_object() && parts->claims.is_object(), "decoded non-objects");
  auto keys = Jwks::parse(jwks_text, "fuzz jwks");
  if (!keys.ok()) return 0;
  auto written = keys->to_json().dump();
  auto again = Jwks::parse(written, "written jwks");
  FUZZ_CHECK(again.ok() && again->to_json() == keys->to_json(),
             "a JWKS we wrote reads differently: " + fuzz::printable(written, 400));
  if (verify_jwt(token, *keys).ok()) FUZZ_CHECK(parts.ok(), "a token verified but does not decode");
  return 0;
}
