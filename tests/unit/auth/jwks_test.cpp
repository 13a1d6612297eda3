#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/jwks.hpp"
#include "auth/signing_key.hpp"
#include "auth_test_support.hpp"

namespace bh::auth {
namespace {

using test::fails_with;
using test::fixture;
using test::why;

nlohmann::json public_jwk(Alg alg, const std::string& kid) {
  auto key = SigningKey::generate(alg, kid);
  EXPECT_TRUE(key) << why(key);
  return nlohmann::json(key->public_jwk());
}

std::string jwks_of(const std::vector<nlohmann::json>& keys) {
  return nlohmann::json{{"keys", keys}}.dump();
}

TEST(Jwks, ParsesTheIndependentJwks) {
  auto jwks = Jwks::parse(fixture("jwks.json"), "jwks.json");
  ASSERT_TRUE(jwks) << why(jwks);
  ASSERT_EQ(jwks->size(), 2u);
  EXPECT_EQ(jwks->keys()[0].kid, "rsa-cli");
  EXPECT_EQ(jwks->keys()[0].alg, Alg::kRS384);
  EXPECT_EQ(jwks->keys()[1].kid, "ec-cli");
  EXPECT_EQ(jwks->keys()[1].alg, Alg::kES384);
  EXPECT_TRUE(jwks->skipped().empty());
}

TEST(Jwks, SkipsKeysItCannotUseAndSaysWhy) {
  nlohmann::json oct = {{"kty", "oct"}, {"k", "AAAA"}};
  nlohmann::json enc = public_jwk(Alg::kRS384, "enc");
  enc["use"] = "enc";
  enc.erase("alg");
  nlohmann::json p256 = {{"kty", "EC"}, {"crv", "P-256"}, {"x", "AA"}, {"y", "AA"}};
  nlohmann::json rs256 = public_jwk(Alg::kRS384, "rs256");
  rs256["alg"] = "RS256";
  nlohmann::json wrong_alg = public_jwk(Alg::kES384, "mismatch");
  wrong_alg["alg"] = "RS384";
  nlohmann::json short_rsa = nlohmann::json::parse(fixture("rsa1024_jwk.json"));
  nlohmann::json good = public_jwk(Alg::kES384, "good");
  auto jwks =
      Jwks::parse(jwks_of({oct, enc, p256, rs256, wrong_alg, short_rsa, good}), "client.jwks");
  ASSERT_TRUE(jwks) << why(jwks);
  ASSERT_EQ(jwks->size(), 1u);
  EXPECT_EQ(jwks->keys()[0].kid, "good");
  EXPECT_EQ(jwks->skipped(), (std::vector<std::string>{
                                 "keys[0]: kty oct is not RSA or EC",
                                 "keys[1]: use enc is not sig",
                                 "keys[2]: crv P-256 is not P-384",
                                 "keys[3]: alg RS256 is not RS384 or ES384",
                                 "keys[4]: alg RS384 does not fit kty EC",
                                 "keys[5]: RSA key of 1024 bits is too short",
                             }));
}

TEST(Jwks, MalformedMembersAreErrorsWithTheirPath) {
  nlohmann::json rsa = public_jwk(Alg::kRS384, "r");
  nlohmann::json ec = public_jwk(Alg::kES384, "e");
  auto no_n = rsa;
  no_n.erase("n");
  EXPECT_TRUE(fails_with(Jwks::parse(jwks_of({ec, no_n}), "client.jwks"),
                         {"client.jwks: /keys/1/n", "missing"}));
  auto bad_x = ec;
  bad_x["x"] = "abc+def";
  EXPECT_TRUE(fails_with(Jwks::parse(jwks_of({bad_x}), "client.jwks"),
                         {"client.jwks: /keys/0/x", "not base64url", "'+'"}));
  auto short_y = ec;
  short_y["y"] = "AAAA";
  EXPECT_TRUE(fails_with(Jwks::parse(jwks_of({short_y}), "c"), {"c: /keys/0/y", "48 bytes"}));
  auto number_e = rsa;
  number_e["e"] = 65537;
  EXPECT_TRUE(fails_with(Jwks::parse(jwks_of({number_e}), "c"), {"c: /keys/0/e", "not a string"}));
  auto no_kty = rsa;
  no_kty.erase("kty");
  EXPECT_TRUE(fails_with(Jwks::parse(jwks_of({no_kty}), "c"), {"c: /keys/0/kty", "missing"}));
  auto kid_number = rsa;
  kid_number["kid"] = 7;
  EXPECT_TRUE(fails_with(Jwks::parse(jwks_of({kid_number}), "c"), {"c: /keys/0/kid"}));
  EXPECT_TRUE(fails_with(Jwks::parse(jwks_of({"just a string"}), "c"),
                         {"c: /keys/0", "not a JSON object"}));
}

TEST(Jwks, RejectsAPointThatIsNotOnTheCurve) {
  nlohmann::json ec = public_jwk(Alg::kES384, "e");
  std::string x = ec["x"].get<std::string>();
  x[10] = x[10] == 'A' ? 'B' : 'A';
  ec["x"] = x;
  EXPECT_TRUE(fails_with(Jwks::parse(jwks_of({ec}), "c"), {"c: /keys/0", "not a valid EC key"}));
}

TEST(Jwks, DocumentLevelErrors) {
  EXPECT_TRUE(fails_with(Jwks::parse("{", "c"), {"c", "not JSON"}));
  EXPECT_TRUE(fails_with(Jwks::parse("[]", "c"), {"c", "not a JSON object"}));
  EXPECT_TRUE(fails_with(Jwks::parse("{}", "c"), {"c: /keys", "missing"}));
  EXPECT_TRUE(fails_with(Jwks::parse("{\"keys\": {}}", "c"), {"c: /keys", "not an array"}));
  EXPECT_TRUE(fails_with(Jwks::parse("{\"keys\": []}", "c"), {"c", "no usable key", "no keys"}));
  EXPECT_TRUE(fails_with(Jwks::parse(jwks_of({{{"kty", "oct"}}}), "c"),
                         {"c", "no usable key", "keys[0]: kty oct is not RSA or EC"}));
  // Deep nesting is refused before it can reach a recursive walk.
  const std::string deep =
      "{\"keys\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_TRUE(fails_with(Jwks::parse(deep, "c"), {"c", "nested too deeply"}));
}

TEST(Jwks, KeepsOnlyPublicMembers) {
  auto key = SigningKey::generate(Alg::kRS384, "leaky");
  ASSERT_TRUE(key);
  auto jwks = Jwks::parse(jwks_of({nlohmann::json(key->private_jwk())}), "c");
  ASSERT_TRUE(jwks) << why(jwks);
  const auto kept = jwks->to_json()["keys"][0];
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi"})
    EXPECT_FALSE(kept.contains(secret)) << secret;
  EXPECT_EQ(kept["n"], key->public_jwk()["n"]);
}

TEST(Jwks, AKeyWithoutKidIsKnownByItsThumbprint) {
  auto key = SigningKey::generate(Alg::kES384, "");  // kid = thumbprint
  ASSERT_TRUE(key);
  auto jwk = nlohmann::json(key->public_jwk());
  jwk.erase("kid");
  auto jwks = Jwks::parse(jwks_of({jwk}), "c");
  ASSERT_TRUE(jwks) << why(jwks);
  EXPECT_EQ(jwks->keys()[0].kid, key->kid());
}

TEST(Jwks, OfOwnKeysRoundTripsThroughItsJson) {
  auto rsa = SigningKey::generate(Alg::kRS384, "r");
  auto ec = SigningKey::generate(Alg::kES384, "e");
  ASSERT_TRUE(rsa && ec);
  const Jwks own = Jwks::of({*rsa, *ec});
  ASSERT_EQ(own.size(), 2u);
  const auto json = own.to_json();
  EXPECT_EQ(json["keys"][0], rsa->public_jwk());
  EXPECT_EQ(json["keys"][1], ec->public_jwk());
  auto back = Jwks::parse(json.dump(), "own");
  ASSERT_TRUE(back) << why(back);
  EXPECT_EQ(back->to_json(), json);
  EXPECT_EQ(Jwks::of({}).size(), 0u);
}

}  // namespace
}  // namespace bh::auth
