#include "protocol/prefer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "protocol/text_quote.hpp"

namespace bh::protocol {
namespace {

Preferences parse(std::vector<std::string_view> values) {
  auto r = parse_prefer_values(values);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
  return r.ok() ? std::move(r).value() : Preferences{};
}

std::vector<std::string> tokens(const Preferences& p) {
  std::vector<std::string> out;
  for (const auto& item : p.items())
    out.push_back(item.token);
  return out;
}

void expect_rejected(std::string_view value) {
  const auto r = parse_prefer_values({value});
  ASSERT_FALSE(r.ok()) << "accepted " << value;
  const std::string msg = r.error().message();
  EXPECT_NE(msg.find("Prefer"), std::string::npos) << msg;
  EXPECT_NE(msg.find(quote_value(value)), std::string::npos) << msg;
}

TEST(Prefer, RespondAsync) {
  const auto p = parse({"respond-async"});
  EXPECT_TRUE(p.respond_async());
  EXPECT_FALSE(p.lenient());
  EXPECT_EQ(p.value("respond-async"), std::optional<std::string>(""));
  EXPECT_EQ(p.value("handling"), std::nullopt);
}

TEST(Prefer, CommaJoinedAndRepeatedHeadersGiveTheSameList) {
  const auto joined = parse({"respond-async, handling=lenient"});
  const auto repeated = parse({"respond-async", "handling=lenient"});
  EXPECT_EQ(tokens(joined), (std::vector<std::string>{"respond-async", "handling"}));
  EXPECT_EQ(tokens(repeated), tokens(joined));
  EXPECT_TRUE(joined.lenient());
  EXPECT_TRUE(repeated.lenient());
  EXPECT_TRUE(repeated.respond_async());
}

TEST(Prefer, SeparateExportStatusKo10) {
  const auto p = parse({"respond-async,separate-export-status"});
  EXPECT_TRUE(p.respond_async());
  EXPECT_TRUE(p.has("separate-export-status"));
}

TEST(Prefer, Rfc7240Examples) {
  const auto p = parse({"respond-async, wait=100", "handling=lenient"});
  EXPECT_EQ(p.value("wait"), std::optional<std::string>("100"));
  const auto q = parse({"return=minimal; foo=\"some parameter\""});
  ASSERT_EQ(q.items().size(), 1u);
  EXPECT_EQ(q.items()[0].value, "minimal");
  ASSERT_EQ(q.items()[0].params.size(), 1u);
  EXPECT_EQ(q.items()[0].params[0].first, "foo");
  EXPECT_EQ(q.items()[0].params[0].second, "some parameter");
}

TEST(Prefer, TokensAreCaseInsensitiveValuesAreNot) {
  const auto p = parse({"Respond-Async, HANDLING=lenient"});
  EXPECT_TRUE(p.respond_async());
  EXPECT_EQ(tokens(p), (std::vector<std::string>{"respond-async", "handling"}));
  EXPECT_TRUE(p.has("RESPOND-ASYNC"));
  EXPECT_TRUE(p.lenient());
  EXPECT_FALSE(parse({"handling=LENIENT"}).lenient());
}

TEST(Prefer, StrictIsTheDefault) {
  EXPECT_FALSE(parse({"handling=strict"}).lenient());
  EXPECT_FALSE(parse({}).lenient());
  EXPECT_FALSE(parse({}).respond_async());
}

TEST(Prefer, QuotedValuesKeepCommasSemicolonsAndEscapes) {
  const auto p = parse({"foo=\"a, b; c\", bar=\"x\\\"y\\\\z\", handling=\"lenient\""});
  EXPECT_EQ(tokens(p), (std::vector<std::string>{"foo", "bar", "handling"}));
  EXPECT_EQ(p.value("foo"), std::optional<std::string>("a, b; c"));
  EXPECT_EQ(p.value("bar"), std::optional<std::string>("x\"y\\z"));
  EXPECT_TRUE(p.lenient());
}

TEST(Prefer, WhitespaceAroundEqualsAndSeparators) {
  const auto p = parse({"  respond-async ,\thandling = lenient ; a = 1 ;b  "});
  EXPECT_TRUE(p.respond_async());
  EXPECT_TRUE(p.lenient());
  ASSERT_EQ(p.items().size(), 2u);
  const auto& params = p.items()[1].params;
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(params[1], (std::pair<std::string, std::string>{"b", ""}));
}

TEST(Prefer, EmptyListElementsAndParametersAreIgnored) {
  const auto p = parse({", respond-async,, ,handling=lenient;;"});
  EXPECT_EQ(tokens(p), (std::vector<std::string>{"respond-async", "handling"}));
  EXPECT_TRUE(p.items()[1].params.empty());
}

TEST(Prefer, FirstOccurrenceWins) {
  const auto p = parse({"handling=lenient, respond-async, handling=strict"});
  EXPECT_TRUE(p.lenient());
  EXPECT_EQ(tokens(p), (std::vector<std::string>{"handling", "respond-async"}));
  EXPECT_FALSE(parse({"handling=strict", "Handling=lenient"}).lenient());
}

TEST(Prefer, ReadsEveryPreferHeaderWhateverItsCase) {
  Headers h;
  h.add("Accept", "application/fhir+json");
  h.add("Prefer", "respond-async");
  h.add("prefer", "handling=lenient");
  const auto r = parse_prefer(h);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->respond_async());
  EXPECT_TRUE(r->lenient());
  EXPECT_TRUE(parse_prefer(Headers{}).ok());
}

TEST(Prefer, MalformedValuesAreErrors) {
  expect_rejected("");
  expect_rejected("   ");
  expect_rejected(",");
  expect_rejected("=lenient");
  expect_rejected("handling=");
  expect_rejected("handling=\"lenient");  // unterminated quote
  expect_rejected("handling=lenient=x");
  expect_rejected("respond async");
  expect_rejected("respond-async; =1");
  expect_rejected("respond-async; a=");
  expect_rejected("foo@bar");
  expect_rejected("handling=\"a\"b");
  expect_rejected("respond-async\r\nX-Injected: 1");
  expect_rejected(std::string_view("respond-async\0", 14));
}

TEST(Prefer, OneBadHeaderFailsTheWholeSet) {
  const auto r = parse_prefer_values({"respond-async", "handling=\"", "wait=1"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find(R"("handling=\"")"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace bh::protocol
