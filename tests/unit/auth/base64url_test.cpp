#include <gtest/gtest.h>

#include <string>

#include "auth/alg.hpp"
#include "auth/base64url.hpp"
#include "auth_test_support.hpp"

namespace bh::auth {
namespace {

using test::fails_with;

TEST(Base64url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  // The URL-safe alphabet: 0xfb 0xff is "+/8" in plain base64.
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Base64url, RoundTripsEveryByteValueAtEveryLength) {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); ++n) {
    const std::string bytes = all.substr(all.size() - n);
    auto back = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(back) << n << ": " << test::why(back);
    EXPECT_EQ(*back, bytes) << n;
  }
}

TEST(Base64url, RejectsPaddingAndCharactersOutsideTheAlphabet) {
  EXPECT_TRUE(fails_with(base64url_decode("Zg=="), {"offset 2", "'='"}));
  EXPECT_TRUE(fails_with(base64url_decode("Zm+v"), {"offset 2", "'+'"}));
  EXPECT_TRUE(fails_with(base64url_decode("Zm/v"), {"'/'"}));
  EXPECT_TRUE(fails_with(base64url_decode("Zm9 v"), {"' '"}));
  EXPECT_TRUE(fails_with(base64url_decode(std::string("Zm\0v", 4)), {"byte 0x00"}));
  EXPECT_TRUE(fails_with(base64url_decode("Zm\xc3\xa9"), {"byte 0xc3"}));
}

TEST(Base64url, RejectsImpossibleLengthsAndNonCanonicalEndings) {
  EXPECT_TRUE(fails_with(base64url_decode("Z"), {"length 1"}));
  EXPECT_TRUE(fails_with(base64url_decode("Zm9vY"), {"length 5"}));
  // "Zg" is 'f'; "Zh" sets bits that no encoder writes.
  EXPECT_TRUE(base64url_decode("Zg"));
  EXPECT_TRUE(fails_with(base64url_decode("Zh"), {"not canonical"}));
  EXPECT_TRUE(fails_with(base64url_decode("Zm9"), {"not canonical"}));
  EXPECT_TRUE(base64url_decode("Zm8"));
}

TEST(Alg, ParsesExactlyTheTwoSmartAlgorithms) {
  ASSERT_TRUE(parse_alg("RS384"));
  EXPECT_EQ(*parse_alg("RS384"), Alg::kRS384);
  EXPECT_EQ(*parse_alg("ES384"), Alg::kES384);
  EXPECT_EQ(to_string(Alg::kRS384), "RS384");
  EXPECT_EQ(to_string(Alg::kES384), "ES384");
  for (const char* other : {"rs384", "RS256", "ES256", "HS256", "none", "", "PS384"})
    EXPECT_TRUE(fails_with(parse_alg(other), {"RS384 or ES384", std::string("\"") + other + "\""}))
        << other;
}

}  // namespace
}  // namespace bh::auth
