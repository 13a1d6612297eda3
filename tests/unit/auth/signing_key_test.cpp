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
using test::why;

const nlohmann::json kClaims = {{"iss", "client-1"},
                                {"sub", "client-1"},
                                {"aud", "https://auth.test/token"},
                                {"exp", 4102444800LL},
                                {"jti", "j-1"}};

SigningKey generated(Alg alg, const std::string& kid) {
  auto key = SigningKey::generate(alg, kid);
  EXPECT_TRUE(key) << why(key);
  return *key;
}

SigningKey loaded(const std::string& text, std::optional<std::string> kid = {}) {
  auto key = SigningKey::load(text, "test key", std::move(kid));
  EXPECT_TRUE(key) << why(key);
  return *key;
}

// `signer`'s token verifies against `verifier`'s public JWKS.
::testing::AssertionResult signs_for(const SigningKey& signer, const SigningKey& verifier) {
  auto token = signer.sign(kClaims);
  if (!token) return ::testing::AssertionFailure() << why(token);
  auto ok = verify_jwt(*token, Jwks::of({verifier}));
  if (!ok) return ::testing::AssertionFailure() << why(ok);
  return ::testing::AssertionSuccess();
}

std::vector<std::string> names(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it)
    out.push_back(it.key());
  return out;
}

TEST(SigningKey, GeneratesBothAlgsAndTheirSignaturesVerify) {
  for (Alg alg : {Alg::kRS384, Alg::kES384}) {
    SigningKey key = generated(alg, "k1");
    EXPECT_EQ(key.alg(), alg);
    EXPECT_EQ(key.kid(), "k1");
    EXPECT_TRUE(signs_for(key, key)) << to_string(alg);
    // Another key of the same alg and kid must not verify it.
    EXPECT_FALSE(signs_for(key, generated(alg, "k1"))) << to_string(alg);
  }
}

TEST(SigningKey, PublicJwkHasItsMembersInOrderAndNoPrivateOnes) {
  const auto rsa = generated(Alg::kRS384, "r").public_jwk();
  EXPECT_EQ(names(rsa),
            (std::vector<std::string>{"kty", "kid", "alg", "use", "key_ops", "n", "e"}));
  EXPECT_EQ(rsa["kty"], "RSA");
  EXPECT_EQ(rsa["alg"], "RS384");
  EXPECT_EQ(rsa["use"], "sig");
  EXPECT_EQ(rsa["key_ops"], nlohmann::ordered_json::array({"verify"}));
  EXPECT_EQ(rsa["e"], "AQAB");
  EXPECT_EQ(base64url_decode(rsa["n"].get<std::string>())->size(), 256u);  // 2048 bits

  const auto ec = generated(Alg::kES384, "e").public_jwk();
  EXPECT_EQ(names(ec),
            (std::vector<std::string>{"kty", "kid", "alg", "use", "key_ops", "crv", "x", "y"}));
  EXPECT_EQ(ec["crv"], "P-384");
  EXPECT_EQ(base64url_decode(ec["x"].get<std::string>())->size(), 48u);
  EXPECT_EQ(base64url_decode(ec["y"].get<std::string>())->size(), 48u);
}

TEST(SigningKey, PrivateJwkAddsThePrivateMembers) {
  const auto rsa = generated(Alg::kRS384, "r").private_jwk();
  EXPECT_EQ(names(rsa), (std::vector<std::string>{"kty", "kid", "alg", "use", "key_ops", "n", "e",
                                                  "d", "p", "q", "dp", "dq", "qi"}));
  EXPECT_EQ(rsa["key_ops"], nlohmann::ordered_json::array({"sign"}));
  const auto ec = generated(Alg::kES384, "e").private_jwk();
  EXPECT_EQ(names(ec), (std::vector<std::string>{"kty", "kid", "alg", "use", "key_ops", "crv", "x",
                                                 "y", "d"}));
  EXPECT_EQ(base64url_decode(ec["d"].get<std::string>())->size(), 48u);
}

TEST(SigningKey, AnEmptyKidBecomesTheThumbprint) {
  SigningKey key = generated(Alg::kES384, "");
  EXPECT_EQ(key.kid().size(), 43u);  // base64url of 32 bytes
  // Loading the same key back without a kid finds the same thumbprint.
  auto pem_only = SigningKey::load(key.private_pem(), "pem");
  ASSERT_TRUE(pem_only) << why(pem_only);
  EXPECT_EQ(pem_only->kid(), key.kid());
}

TEST(SigningKey, PrivateJwkAndPemLoadBackAsTheSameKey) {
  for (Alg alg : {Alg::kRS384, Alg::kES384}) {
    SigningKey original = generated(alg, "orig");
    SigningKey from_jwk = loaded(original.private_jwk().dump());
    EXPECT_EQ(from_jwk.kid(), "orig");  // the JWK's kid
    EXPECT_EQ(from_jwk.alg(), alg);
    EXPECT_EQ(from_jwk.public_jwk(), original.public_jwk());
    EXPECT_TRUE(signs_for(from_jwk, original)) << to_string(alg);

    SigningKey from_pem = loaded(original.private_pem(), std::string("orig"));
    EXPECT_EQ(from_pem.alg(), alg);  // from the key type: PEM says nothing else
    EXPECT_TRUE(signs_for(from_pem, original)) << to_string(alg);
    EXPECT_NE(original.private_pem().find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  }
}

TEST(SigningKey, LoadsOpensslCliKeysInPkcs8AndTraditionalPem) {
  SigningKey rsa8 = loaded(fixture("rsa2048_pkcs8.pem"));
  SigningKey rsa_trad = loaded(fixture("rsa2048_traditional.pem"));
  SigningKey ec8 = loaded(fixture("ec_p384_pkcs8.pem"));
  SigningKey ec_trad = loaded(fixture("ec_p384_traditional.pem"));
  EXPECT_EQ(rsa8.alg(), Alg::kRS384);
  EXPECT_EQ(ec_trad.alg(), Alg::kES384);
  // Both encodings are the same key: same thumbprint, and each verifies the other's tokens.
  EXPECT_EQ(rsa8.kid(), rsa_trad.kid());
  EXPECT_EQ(ec8.kid(), ec_trad.kid());
  EXPECT_TRUE(signs_for(rsa_trad, rsa8));
  EXPECT_TRUE(signs_for(ec8, ec_trad));
}

TEST(SigningKey, PublicJwkOfCliKeysMatchesTheIndependentJwks) {
  const auto independent = nlohmann::json::parse(fixture("jwks.json"))["keys"];
  const auto rsa = nlohmann::json(loaded(fixture("rsa2048_pkcs8.pem")).public_jwk());
  const auto ec = nlohmann::json(loaded(fixture("ec_p384_traditional.pem")).public_jwk());
  EXPECT_EQ(rsa["n"], independent[0]["n"]);
  EXPECT_EQ(rsa["e"], independent[0]["e"]);
  EXPECT_EQ(ec["x"], independent[1]["x"]);
  EXPECT_EQ(ec["y"], independent[1]["y"]);
}

TEST(SigningKey, TokensFromCliKeysVerifyAgainstTheIndependentJwks) {
  auto jwks = Jwks::parse(fixture("jwks.json"), "jwks.json");
  ASSERT_TRUE(jwks) << why(jwks);
  for (auto [file, kid] : {std::pair{"rsa2048_traditional.pem", "rsa-cli"},
                           std::pair{"ec_p384_pkcs8.pem", "ec-cli"}}) {
    auto token = loaded(fixture(file), std::string(kid)).sign(kClaims);
    ASSERT_TRUE(token) << why(token);
    auto ok = verify_jwt(*token, *jwks);
    EXPECT_TRUE(ok) << file << ": " << why(ok);
  }
}

TEST(SigningKey, RejectsKeysItCannotSignWith) {
  EXPECT_TRUE(fails_with(SigningKey::load(fixture("ec_p256.pem"), "p256.pem"),
                         {"p256.pem", "prime256v1", "P-384"}));
  EXPECT_TRUE(fails_with(SigningKey::load(fixture("rsa1024.pem"), "rsa1024.pem"),
                         {"rsa1024.pem", "1024 bits", "2048"}));
  EXPECT_TRUE(fails_with(SigningKey::load(fixture("rsa2048_public.pem"), "pub.pem"),
                         {"pub.pem", "public key"}));
  EXPECT_TRUE(fails_with(SigningKey::load(fixture("ec_p384_encrypted.pem"), "enc.pem"),
                         {"enc.pem", "passphrase"}));
  EXPECT_TRUE(fails_with(SigningKey::load(fixture("rsa2048_3prime.pem"), "3prime.pem"),
                         {"3prime.pem", "multi-prime"}));
  EXPECT_TRUE(fails_with(SigningKey::load("hello", "text"), {"text", "neither"}));
  EXPECT_TRUE(fails_with(SigningKey::load("-----BEGIN PRIVATE KEY-----\nAAAA\n", "junk.pem"),
                         {"junk.pem", "not a readable PEM"}));
  EXPECT_TRUE(fails_with(SigningKey::load("", "empty"), {"empty"}));
}

TEST(SigningKey, RejectsAPublicOnlyJwk) {
  auto jwk = nlohmann::json(generated(Alg::kES384, "e").public_jwk());
  EXPECT_TRUE(fails_with(SigningKey::load(jwk.dump(), "pub.jwk"), {"pub.jwk: /d", "missing"}));
}

TEST(SigningKey, RejectsAnAlgThatDoesNotFitTheKey) {
  EXPECT_TRUE(fails_with(
      SigningKey::load(fixture("rsa2048_pkcs8.pem"), "rsa.pem", std::nullopt, Alg::kES384),
      {"rsa.pem", "ES384 does not fit an RSA key"}));
  auto jwk = nlohmann::json(generated(Alg::kES384, "e").private_jwk());
  jwk["alg"] = "RS384";
  EXPECT_TRUE(fails_with(SigningKey::load(jwk.dump(), "ec.jwk"),
                         {"ec.jwk", "the JWK's alg RS384 does not fit an EC P-384 key"}));
  jwk["alg"] = "ES256";
  EXPECT_TRUE(fails_with(SigningKey::load(jwk.dump(), "ec.jwk"), {"ec.jwk: /alg", "\"ES256\""}));
  // The argument wins over the JWK's alg.
  auto forced = SigningKey::load(jwk.dump(), "ec.jwk", std::nullopt, Alg::kES384);
  EXPECT_TRUE(forced) << why(forced);
}

TEST(SigningKey, RejectsAJwkWhosePrivatePartBelongsToAnotherKey) {
  auto a = nlohmann::json(generated(Alg::kES384, "a").private_jwk());
  auto b = nlohmann::json(generated(Alg::kES384, "b").private_jwk());
  a["d"] = b["d"];
  EXPECT_TRUE(fails_with(SigningKey::load(a.dump(), "mixed.jwk"), {"mixed.jwk", "does not match"}));
  auto r = nlohmann::json(generated(Alg::kRS384, "r").private_jwk());
  r["e"] = "AQAD";  // 65539 with everything else unchanged
  EXPECT_FALSE(SigningKey::load(r.dump(), "rsa.jwk"));
}

TEST(SigningKey, JwkMemberErrorsNameTheMember) {
  auto jwk = nlohmann::json(generated(Alg::kRS384, "r").private_jwk());
  jwk.erase("qi");
  EXPECT_TRUE(fails_with(SigningKey::load(jwk.dump(), "k.jwk"), {"k.jwk: /qi", "missing"}));
  jwk["qi"] = "not base64!";
  EXPECT_TRUE(fails_with(SigningKey::load(jwk.dump(), "k.jwk"), {"k.jwk: /qi", "not base64url"}));
  EXPECT_TRUE(fails_with(SigningKey::load("{\"kty\":", "k.jwk"), {"k.jwk", "not JSON"}));
  EXPECT_TRUE(fails_with(SigningKey::load("{\"kty\":\"oct\",\"d\":\"AA\"}", "k.jwk"),
                         {"k.jwk: /kty", "not RSA or EC"}));
}

TEST(SigningKey, KidIsTheArgumentElseTheJwksElseTheThumbprint) {
  auto jwk = nlohmann::json(generated(Alg::kRS384, "from-jwk").private_jwk());
  EXPECT_EQ(loaded(jwk.dump()).kid(), "from-jwk");
  EXPECT_EQ(loaded(jwk.dump(), std::string("from-arg")).kid(), "from-arg");
  jwk.erase("kid");
  EXPECT_EQ(loaded(jwk.dump()).kid().size(), 43u);
}

// RFC 7638 §3.1's key is RFC 7517 Appendix A.2's first RSA key; with its private members it
// must load and get the thumbprint the RFC states.
TEST(SigningKey, ThumbprintMatchesRfc7638Example) {
  const nlohmann::json jwk = {
      {"kty", "RSA"},
      {"n",
       "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_B"
       "JECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_F"
       "DW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4"
       "vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
      {"e", "AQAB"},
      {"d",
       "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH-HLLKD9M7dx5oo7GURknchnrRweUkC7hT5fJLM0WbFA"
       "KNLWY2vv7B6NqXSzUvxT0_YSfqijwp3RTzlBaCxWp4doFk5N2o8Gy_nHNKroADIkJ46pRUohsXywbReAdYaMwFs9"
       "tv8d_cPVY3i07a3t8MN6TNwm0dSawm9v47UiCl3Sk5ZiG7xojPLu4sbg1U2jx4IBTNBznbJSzFHK66jT8bgkuqsk"
       "0GjskDJk19Z4qwjwbsnn4j2WBii3RL-Us2lGVkY8fkFzme1z0HbIkfz0Y6mqnOYtqc0X4jfcKoAC8Q"},
      {"p",
       "83i-7IvMGXoMXCskv73TKr8637FiO7Z27zv8oj6pbWUQyLPQBQxtPVnwD20R-60eTDmD2ujnMt5PoqMrm8RfmNhV"
       "WDtjjMmCMjOpSXicFHj7XOuVIYQyqVWlWEh6dN36GVZYk93N8Bc9vY41xy8B9RzzOGVQzXvNEvn7O0nVbfs"},
      {"q",
       "3dfOR9cuYq-0S-mkFLzgItgMEfFzB2q3hWehMuG0oCuqnb3vobLyumqjVZQO1dIrdwgTnCdpYzBcOfW5r370AFXj"
       "iWft_NGEiovonizhKpo9VVS78TzFgxkIdrecRezsZ-1kYd_s1qDbxtkDEgfAITAG9LUnADun4vIcb6yelxk"},
      {"dp",
       "G4sPXkc6Ya9y8oJW9_ILj4xuppu0lzi_H7VTkS8xj5SdX3coE0oimYwxIi2emTAue0UOa5dpgFGyBJ4c8tQ2VF40"
       "2XRugKDTP8akYhFo5tAA77Qe_NmtuYZc3C3m3I24G2GvR5sSDxUyAN2zq8Lfn9EUms6rY3Ob8YeiKkTiBj0"},
      {"dq",
       "s9lAH9fggBsoFR8Oac2R_E2gw282rT2kGOAhvIllETE1efrA6huUUvMfBcMpn8lqeW6vzznYY5SSQF7pMdC_agI3"
       "nG8Ibp1BUb0JUiraRNqUfLhcQb_d9GF4Dh7e74WbRsobRonujTYN1xCaP6TO61jvWrX-L18txXw494Q_cgk"},
      {"qi",
       "GyM_p6JrXySiz1toFgKbWV-JdI3jQ4ypu9rbMWx3rQJBfmt0FoYzgUIZEVFEcOqwemRN81zoDAaa-Bk0KWNGDjJH"
       "ZDdDmFhW3AN7lI-puxk_mHZGJ11rxyR8O55XLSe3SPmRfKwZI6yU24ZxvQKFYItdldUKGzO6Ia6zTKhAVRU"},
  };
  SigningKey key = loaded(jwk.dump());
  EXPECT_EQ(key.kid(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  EXPECT_EQ(nlohmann::json(key.public_jwk())["n"], jwk["n"]);
}

TEST(SigningKey, SignWritesTheHeaderAndClaimsItWasGiven) {
  SigningKey key = generated(Alg::kES384, "kid-1");
  auto token = key.sign(kClaims, std::string("https://client.test/jwks.json"));
  ASSERT_TRUE(token) << why(token);
  auto parts = decode_jwt(*token);
  ASSERT_TRUE(parts) << why(parts);
  EXPECT_EQ(parts->header, (nlohmann::json{{"alg", "ES384"},
                                           {"kid", "kid-1"},
                                           {"typ", "JWT"},
                                           {"jku", "https://client.test/jwks.json"}}));
  EXPECT_EQ(parts->claims, kClaims);
  auto plain = key.sign(kClaims);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(decode_jwt(*plain)->header.contains("jku"));
}

TEST(SigningKey, SignRefusesClaimsItCannotWrite) {
  SigningKey key = generated(Alg::kRS384, "k");
  EXPECT_TRUE(fails_with(key.sign(nlohmann::json::array({1, 2})), {"not a JSON object"}));
  EXPECT_TRUE(fails_with(key.sign({{"iss", "\xff\xfe"}}), {"signing failed"}));
}

}  // namespace
}  // namespace bh::auth
