#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/base64url.hpp"
#include "auth/jwks.hpp"
#include "auth/jwt.hpp"
#include "auth/signing_key.hpp"
#include "auth_test_support.hpp"

namespace bh::auth {
namespace {

using test::fails_with;
using test::fixture;
using test::joined;
using test::segments;
using test::token_fixture;
using test::why;

std::string b64(const std::string& s) {
  return base64url_encode(s);
}

struct Keys {
  SigningKey rsa = *SigningKey::generate(Alg::kRS384, "rsa-1");
  SigningKey ec = *SigningKey::generate(Alg::kES384, "ec-1");
  Jwks jwks = Jwks::of({rsa, ec});
};

const nlohmann::json kClaims = {{"iss", "c"}, {"exp", 4102444800LL}};

Jwks independent_jwks() {
  auto jwks = Jwks::parse(fixture("jwks.json"), "jwks.json");
  EXPECT_TRUE(jwks) << why(jwks);
  return *jwks;
}

TEST(DecodeJwt, ReturnsHeaderAndClaims) {
  auto parts = decode_jwt(token_fixture("rs384.jwt"));
  ASSERT_TRUE(parts) << why(parts);
  EXPECT_EQ(parts->header["alg"], "RS384");
  EXPECT_EQ(parts->header["kid"], "rsa-cli");
  EXPECT_EQ(parts->claims["iss"], "cli-client");
  EXPECT_EQ(parts->claims["exp"], 1000000000);
}

TEST(DecodeJwt, SaysWhichSegmentIsWrongAndHow) {
  const std::string h = b64(R"({"alg":"RS384"})"), c = b64(R"({"iss":"x"})"), s = b64("sig");
  EXPECT_TRUE(fails_with(decode_jwt(h + "." + c), {"three segments", "2 segments"}));
  EXPECT_TRUE(fails_with(decode_jwt(h + "." + c + "." + s + ".x"), {"4 segments"}));
  EXPECT_TRUE(fails_with(decode_jwt("." + c + "." + s), {"header segment is empty"}));
  EXPECT_TRUE(fails_with(decode_jwt("e+J9." + c + "." + s), {"header segment is not base64url"}));
  EXPECT_TRUE(fails_with(decode_jwt(b64("{nope") + "." + c + "." + s), {"header is not JSON"}));
  EXPECT_TRUE(
      fails_with(decode_jwt(b64("[1]") + "." + c + "." + s), {"header is not a JSON object"}));
  EXPECT_TRUE(fails_with(decode_jwt(h + ".." + s), {"claims segment is empty"}));
  EXPECT_TRUE(fails_with(decode_jwt(h + ".a=b." + s), {"claims segment is not base64url"}));
  EXPECT_TRUE(fails_with(decode_jwt(h + "." + b64("\"x") + "." + s), {"claims are not JSON"}));
  EXPECT_TRUE(
      fails_with(decode_jwt(h + "." + b64("42") + "." + s), {"claims are not a JSON object"}));
  EXPECT_TRUE(fails_with(decode_jwt(h + "." + c + "."), {"signature segment is empty"}));
  EXPECT_TRUE(fails_with(decode_jwt(h + "." + c + ".a/b"), {"signature segment is not base64url"}));
  EXPECT_TRUE(fails_with(decode_jwt(""), {"1 segments"}));
}

TEST(VerifyJwt, AcceptsTokensMadeByTheOpensslCli) {
  // Both are expired (exp 2001) and validly signed: claims are not this function's business.
  const Jwks jwks = independent_jwks();
  for (const char* file : {"rs384.jwt", "es384.jwt"}) {
    auto ok = verify_jwt(token_fixture(file), jwks);
    EXPECT_TRUE(ok) << file << ": " << why(ok);
  }
}

TEST(VerifyJwt, RefusesADerEcdsaSignature) {
  EXPECT_TRUE(fails_with(verify_jwt(token_fixture("es384_der.jwt"), independent_jwks()),
                         {"ES384 signature has the wrong length", "96 bytes", "DER"}));
}

TEST(VerifyJwt, OwnTokensVerifyForBothAlgsEvenWhenExpired) {
  Keys k;
  for (const SigningKey* key : {&k.rsa, &k.ec}) {
    auto token = key->sign({{"iss", "c"}, {"exp", 1}, {"nbf", 4102444800LL}, {"iat", 0}});
    ASSERT_TRUE(token) << why(token);
    auto ok = verify_jwt(*token, k.jwks);
    EXPECT_TRUE(ok) << key->kid() << ": " << why(ok);
  }
}

TEST(VerifyJwt, RefusesTamperedSignaturesAndClaims) {
  Keys k;
  for (const SigningKey* key : {&k.rsa, &k.ec}) {
    auto parts = segments(*key->sign(kClaims));
    auto sig = *base64url_decode(parts[2]);
    sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x01);
    auto bad_sig = parts;
    bad_sig[2] = b64(sig);
    EXPECT_TRUE(
        fails_with(verify_jwt(joined(bad_sig), k.jwks), {"signature does not verify", key->kid()}));
    auto bad_claims = parts;
    bad_claims[1] = b64(R"({"iss":"c","exp":4102444801})");
    EXPECT_TRUE(fails_with(verify_jwt(joined(bad_claims), k.jwks), {"does not verify"}));
    // A signature made by another key of the same kind.
    auto other = SigningKey::generate(key->alg(), key->kid());
    EXPECT_FALSE(verify_jwt(*other->sign(kClaims), k.jwks));
  }
}

TEST(VerifyJwt, UnknownKidListsTheKidsThereAre) {
  Keys k;
  auto stranger = SigningKey::generate(Alg::kRS384, "stranger");
  EXPECT_TRUE(fails_with(
      verify_jwt(*stranger->sign(kClaims), k.jwks),
      {"no registered key has kid \"stranger\"", "\"rsa-1\" (RS384)", "\"ec-1\" (ES384)"}));
  auto parts = segments(*k.rsa.sign(kClaims));
  parts[0] = b64(R"({"alg":"RS384","typ":"JWT"})");
  EXPECT_TRUE(fails_with(verify_jwt(joined(parts), k.jwks), {"header has no kid", "rsa-1"}));
  parts[0] = b64(R"({"alg":"RS384","kid":""})");
  EXPECT_TRUE(fails_with(verify_jwt(joined(parts), k.jwks), {"header has no kid"}));
}

TEST(VerifyJwt, RefusesAlgNoneAndHmac) {
  Keys k;
  auto parts = segments(*k.rsa.sign(kClaims));
  for (const char* alg : {"none", "HS256", "RS256", "ES256", "PS384"}) {
    auto forged = parts;
    forged[0] = b64(std::string(R"({"alg":")") + alg + R"(","kid":"rsa-1","typ":"JWT"})");
    EXPECT_TRUE(fails_with(verify_jwt(joined(forged), k.jwks),
                           {std::string("header alg \"") + alg + "\" is not accepted"}))
        << alg;
  }
  parts[0] = b64(R"({"kid":"rsa-1"})");
  EXPECT_TRUE(fails_with(verify_jwt(joined(parts), k.jwks), {"header has no alg"}));
  parts[0] = b64(R"({"alg":384,"kid":"rsa-1"})");
  EXPECT_TRUE(fails_with(verify_jwt(joined(parts), k.jwks), {"header alg 384 is not accepted"}));
  // "none" with the empty signature a none token really has.
  const std::string none = b64(R"({"alg":"none","kid":"rsa-1"})") + "." + b64(kClaims.dump()) + ".";
  EXPECT_FALSE(verify_jwt(none, k.jwks));
}

TEST(VerifyJwt, RefusesAnAlgThatDoesNotFitTheKidsKey) {
  Keys k;
  // An EC signature presented under the RSA key's kid, and the reverse.
  auto ec_parts = segments(*k.ec.sign(kClaims));
  ec_parts[0] = b64(R"({"alg":"ES384","kid":"rsa-1","typ":"JWT"})");
  EXPECT_TRUE(fails_with(verify_jwt(joined(ec_parts), k.jwks),
                         {"key \"rsa-1\" is for RS384, but the header alg is ES384"}));
  auto rsa_parts = segments(*k.rsa.sign(kClaims));
  rsa_parts[0] = b64(R"({"alg":"RS384","kid":"ec-1","typ":"JWT"})");
  EXPECT_TRUE(fails_with(verify_jwt(joined(rsa_parts), k.jwks), {"\"ec-1\" is for ES384"}));
  // The same kid on two keys: the one that fits the alg is used.
  auto twin = SigningKey::generate(Alg::kES384, "rsa-1");
  auto token = twin->sign(kClaims);
  EXPECT_TRUE(verify_jwt(*token, Jwks::of({k.rsa, *twin})));
}

TEST(VerifyJwt, NothingVerifiesAgainstAnEmptySet) {
  Keys k;
  EXPECT_TRUE(fails_with(verify_jwt(*k.rsa.sign(kClaims), Jwks{}), {"no keys are registered"}));
}

}  // namespace
}  // namespace bh::auth
