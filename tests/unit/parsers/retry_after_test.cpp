#include "protocol/retry_after.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "protocol/fhir_instant.hpp"
#include "protocol/http_date.hpp"
#include "protocol/text_quote.hpp"

namespace bh::protocol {
namespace {

constexpr Duration kSaturated = std::chrono::seconds{std::int64_t{1} << 31};

Duration delay_of(const std::string& text) {
  const auto r = parse_retry_after(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message());
  if (!r.ok()) return Duration{-1};
  EXPECT_EQ(r->kind, RetryAfter::Kind::kDelaySeconds) << text;
  return r->delay;
}

void expect_rejected(const std::string& text) {
  const auto r = parse_retry_after(text);
  ASSERT_FALSE(r.ok()) << "accepted " << text;
  const std::string msg = r.error().message();
  EXPECT_NE(msg.find("Retry-After"), std::string::npos) << msg;
  EXPECT_NE(msg.find(quote_value(text)), std::string::npos) << msg;
  EXPECT_LT(msg.size(), 400u) << "a hostile value must not make a huge message";
}

TEST(RetryAfter, DelaySecondsFromTheRfcAndIg) {
  EXPECT_EQ(delay_of("120"), seconds(120));
  EXPECT_EQ(delay_of("0"), seconds(0));
  EXPECT_EQ(delay_of("1"), seconds(1));
  EXPECT_EQ(delay_of("0120"), seconds(120));  // 1*DIGIT allows leading zeros
}

TEST(RetryAfter, SurroundingWhitespaceIsFieldSyntaxNotValue) {
  EXPECT_EQ(delay_of(" 120\t"), seconds(120));
}

TEST(RetryAfter, DelaySecondsFromIsTheDelayWhateverNow) {
  const auto r = parse_retry_after("30").value();
  EXPECT_EQ(r.delay_from(kVirtualEpoch), seconds(30));
  EXPECT_EQ(r.delay_from(kVirtualEpoch + seconds(1000)), seconds(30));
}

TEST(RetryAfter, RejectsEverythingElse) {
  expect_rejected("");
  expect_rejected("   ");
  expect_rejected("-1");
  expect_rejected("-0");
  expect_rejected("+120");
  expect_rejected("1.5");
  expect_rejected("120.0");
  expect_rejected("1e3");
  expect_rejected("0x10");
  expect_rejected("120s");
  expect_rejected("1 20");
  expect_rejected("120, 120");  // a repeated header joined by a proxy
  expect_rejected("120,120");
  expect_rejected("soon");
  expect_rejected("2026-01-01T00:00:00Z");
  expect_rejected("\xff\xfe");
  expect_rejected(std::string(1000, '9') + "x");  // quoted in the message, but bounded
}

TEST(RetryAfter, HugeValuesSaturateAtTwoToTheThirtyOne) {
  EXPECT_EQ(delay_of("2147483647"), seconds(2147483647));
  EXPECT_EQ(delay_of("2147483648"), kSaturated);
  EXPECT_EQ(delay_of("9223372036854775807"), kSaturated);
  EXPECT_EQ(delay_of("99999999999999999999999999999999999999999999999"), kSaturated);
  EXPECT_EQ(delay_of("000000000000000000000000000000000000000000000007"), seconds(7));
}

TEST(RetryAfter, EpochSecondsAreReadAsAHugeDelayPerTheGrammar) {
  // The SMART reference server's 429 sends an epoch timestamp; by RFC 9110 it is delay-seconds.
  EXPECT_EQ(delay_of("1767225720"), seconds(1767225720));
}

TEST(RetryAfter, HttpDateInTheFuture) {
  const auto r = parse_retry_after("Thu, 01 Jan 2026 00:02:00 GMT", kVirtualEpoch);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->kind, RetryAfter::Kind::kHttpDate);
  EXPECT_EQ(r->date, kVirtualEpoch + seconds(120));
  EXPECT_EQ(r->delay_from(kVirtualEpoch), seconds(120));
  EXPECT_EQ(r->delay_from(kVirtualEpoch + seconds(100)), seconds(20));
  EXPECT_EQ(r->delay_from(kVirtualEpoch + millis(119500)), millis(500));
}

TEST(RetryAfter, HttpDateInThePastMeansNoWait) {
  // The IG's own example is long past by scenario time.
  const auto r = parse_retry_after("Fri, 31 Dec 1999 23:59:59 GMT", kVirtualEpoch);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, RetryAfter::Kind::kHttpDate);
  EXPECT_EQ(r->delay_from(kVirtualEpoch), Duration{0});
  EXPECT_EQ(r->delay_from(r->date), Duration{0});
}

TEST(RetryAfter, AllThreeDateFormsAreAccepted) {
  const Instant t = parse_fhir_instant("1994-11-06T08:49:37Z").value();
  for (const char* text : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                           "Sun Nov  6 08:49:37 1994"}) {
    const auto r = parse_retry_after(text);
    ASSERT_TRUE(r.ok()) << text;
    EXPECT_EQ(r->date, t) << text;
  }
}

TEST(RetryAfter, DateWithWrongWeekdayNamesTheReason) {
  const auto r = parse_retry_after("Mon, 06 Nov 1994 08:49:37 GMT");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("weekday"), std::string::npos) << r.error().message();
}

TEST(RetryAfter, FormatRoundsUpToWholeSeconds) {
  EXPECT_EQ(format_retry_after_seconds(seconds(120)), "120");
  EXPECT_EQ(format_retry_after_seconds(millis(1500)), "2");
  EXPECT_EQ(format_retry_after_seconds(Duration{1}), "1");
  EXPECT_EQ(format_retry_after_seconds(Duration{0}), "0");
  EXPECT_EQ(format_retry_after_seconds(seconds(-5)), "0");
}

RC_GTEST_PROP(RetryAfterProp, FormattedDelayParsesBackNeverShorter, ()) {
  const Duration d{*rc::gen::inRange<std::int64_t>(0, std::int64_t{1} << 40)};
  const auto r = parse_retry_after(format_retry_after_seconds(d));
  RC_ASSERT(r.ok());
  RC_ASSERT(r->kind == RetryAfter::Kind::kDelaySeconds);
  RC_ASSERT(r->delay >= d);
  RC_ASSERT(r->delay - d < seconds(1));
}

RC_GTEST_PROP(RetryAfterProp, FormattedDateGivesTheRemainingWait, ()) {
  const auto wait = seconds(*rc::gen::inRange<std::int64_t>(0, 100000));
  const auto form =
      *rc::gen::element(HttpDateForm::kImfFixdate, HttpDateForm::kRfc850, HttpDateForm::kAsctime);
  const auto r = parse_retry_after(format_http_date(kVirtualEpoch + wait, form), kVirtualEpoch);
  RC_ASSERT(r.ok());
  RC_ASSERT(r->delay_from(kVirtualEpoch) == wait);
}

}  // namespace
}  // namespace bh::protocol
