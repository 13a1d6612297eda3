// resolve_url: what a relative manifest URL or Location header becomes.
#include <gtest/gtest.h>

#include "protocol/url.hpp"

namespace bh::protocol {
namespace {

const Url kBase = *parse_url("http://127.0.0.1:8080/fhir/$export?x=1");

TEST(ResolveUrl, RelativeAndAbsolutePathsResolveAgainstTheBase) {
  EXPECT_EQ(resolve_url(kBase, "files/1.ndjson")->str(),
            "http://127.0.0.1:8080/fhir/files/1.ndjson");
  EXPECT_EQ(resolve_url(kBase, "/b/2")->str(), "http://127.0.0.1:8080/b/2");
  EXPECT_EQ(resolve_url(kBase, "//other:9/c")->str(), "http://other:9/c");
}

// Found by fuzz_url: these resolved to Urls that parse_url refused to read back.
TEST(ResolveUrl, RefusesReferencesNoUrlMayHold) {
  EXPECT_FALSE(resolve_url(kBase, std::string("ht\0tp", 5)).ok());
  EXPECT_FALSE(resolve_url(kBase, "a b").ok());
  EXPECT_FALSE(resolve_url(kBase, "a\r\nSet-Cookie: x").ok());
}

TEST(ResolveUrl, DropsTheFragmentOfARelativeReference) {
  EXPECT_EQ(resolve_url(kBase, "f#part")->target, "/fhir/f");
}

// Found by fuzz_url: a host with ']' or '~' around colons came back bracketed from str().
TEST(ParseUrl, RefusesHostsThatCannotBeWrittenBack) {
  EXPECT_FALSE(parse_url("https://~::1]:844:/x").ok());
  EXPECT_FALSE(parse_url("http://[zz::1]/x").ok());
  EXPECT_FALSE(parse_url("http://[1234]/x").ok());
  EXPECT_FALSE(parse_url("http://a b/x").ok());
  EXPECT_FALSE(parse_url("http://h/a\x7f"
                         "b")
                   .ok());
  EXPECT_EQ(parse_url("http://[::1]:8443/a")->host, "::1");
  EXPECT_EQ(parse_url("http://my-host.example:80/a")->host, "my-host.example");
}

// Runs between escapes are copied whole: escapes at the start, the end, side by side, and '+'.
TEST(PercentDecode, DecodesEscapesAnywhereInTheText) {
  EXPECT_EQ(*percent_decode("%41bc%2F%2Fd%7e", false), "Abc//d~");
  EXPECT_EQ(*percent_decode("a+b%2Bc+", true), "a b+c ");
  EXPECT_EQ(*percent_decode("a+b", false), "a+b");
  EXPECT_EQ(*percent_decode("", true), "");
  EXPECT_EQ(*percent_decode("plain/path", true), "plain/path");
}

TEST(PercentDecode, RefusesAnEscapeWithoutTwoHexDigits) {
  for (const char* bad : {"abc%", "abc%4", "%g1x", "ok%2Fthen%zz"}) {
    const auto r = percent_decode(bad, true);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find("%XX with two hex digits"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace bh::protocol
