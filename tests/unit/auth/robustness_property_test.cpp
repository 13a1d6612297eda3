// Properties over generated inputs: hostile text never crashes the parsers, and no change to a
// validly signed token, however small, still verifies.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "auth/base64url.hpp"
#include "auth/jwks.hpp"
#include "auth/jwt.hpp"
#include "auth/signing_key.hpp"

namespace bh::auth {
namespace {

// Generated once: key generation is the slow part, and any key shows the property.
const SigningKey& key_for(Alg alg) {
  static const SigningKey rsa = *SigningKey::generate(Alg::kRS384, "rsa");
  static const SigningKey ec = *SigningKey::generate(Alg::kES384, "ec");
  return alg == Alg::kRS384 ? rsa : ec;
}

RC_GTEST_PROP(AuthProperty, Base64urlRoundTrips, (const std::string& bytes)) {
  auto back = base64url_decode(base64url_encode(bytes));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == bytes);
}

// The property, over any verifier: a validly signed token verifies, and no single changed
// character does.
template <class Verify>
void changed_character_breaks(Verify verify) {
  const Alg alg = *rc::gen::element(Alg::kRS384, Alg::kES384);
  const SigningKey& key = key_for(alg);
  const std::string jti = *rc::gen::container<std::string>(rc::gen::inRange('a', '{'));
  const std::string token = *key.sign({{"iss", "c"}, {"jti", jti}});
  const Jwks jwks = Jwks::of({key});
  RC_ASSERT(verify(token, jwks));
  // Uniform over the whole token (rc::gen::inRange alone stays near 0, i.e. in the header, at
  // small sizes), and mostly to another base64url character, so the change still decodes.
  const std::size_t at = *rc::gen::resize(100, rc::gen::inRange<std::size_t>(0, token.size()));
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const char to =
      *rc::gen::distinctFrom(rc::gen::weightedOneOf<char>({{3, rc::gen::elementOf(alphabet)},
                                                           {1, rc::gen::arbitrary<char>()}}),
                             token[at]);
  std::string changed = token;
  changed[at] = to;
  RC_ASSERT_FALSE(verify(changed, jwks));
}

RC_GTEST_PROP(AuthProperty, AnyChangedCharacterBreaksTheToken, ()) {
  changed_character_breaks(
      [](const std::string& t, const Jwks& keys) { return verify_jwt(t, keys).ok(); });
}

// Canary: a "verifier" that only takes the token apart (the classic bug of trusting a JWT that
// decodes) must be caught by the same property.
TEST(AuthProperty, CanaryADecodeOnlyVerifierIsCaught) {
  const bool held = rc::check("decode-only verifier", [] {
    changed_character_breaks([](const std::string& t, const Jwks&) { return decode_jwt(t).ok(); });
  });
  EXPECT_FALSE(held) << "the property let a verifier that checks no signature pass";
}

RC_GTEST_PROP(AuthProperty, HostileTextIsAnErrorNotACrash, (const std::string& text)) {
  // Each must return (either way) without crashing, throwing or leaking.
  (void)decode_jwt(text).ok();
  (void)verify_jwt(text, Jwks::of({key_for(Alg::kES384)})).ok();
  (void)Jwks::parse(text, "fuzz").ok();
  (void)SigningKey::load(text, "fuzz").ok();
  (void)SigningKey::load("{" + text, "fuzz").ok();
  (void)SigningKey::load("-----BEGIN PRIVATE KEY-----\n" + text, "fuzz").ok();
  // Structured near-misses reach deeper: JWK-shaped objects with arbitrary member values.
  nlohmann::json jwk = {{"kty", *rc::gen::element<std::string>("RSA", "EC", "oct")},
                        {"crv", "P-384"},
                        {"n", text},
                        {"e", "AQAB"},
                        {"x", text},
                        {"y", text},
                        {"d", text}};
  const auto replace = nlohmann::json::error_handler_t::replace;  // text may not be UTF-8
  (void)Jwks::parse(nlohmann::json{{"keys", {jwk}}}.dump(-1, ' ', false, replace), "fuzz").ok();
  (void)SigningKey::load(jwk.dump(-1, ' ', false, replace), "fuzz").ok();
  RC_SUCCEED("no crash");
}

}  // namespace
}  // namespace bh::auth
