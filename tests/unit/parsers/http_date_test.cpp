#include "protocol/http_date.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "protocol/fhir_instant.hpp"
#include "protocol/text_quote.hpp"

namespace bh::protocol {
namespace {

constexpr std::int64_t kUs = 1000000;
constexpr std::int64_t kMaxUs = 253402300799LL * kUs + 999999;  // 9999-12-31T23:59:59.999999Z
// RFC 9110 §5.6.7's example instant, Sun, 06 Nov 1994 08:49:37 GMT.
const Instant kRfcExample = instant_from_us(784111777LL * kUs);

Instant utc(const char* fhir) {
  return parse_fhir_instant(fhir).value();
}

void expect_rejected(const std::string& text, Instant now = kVirtualEpoch) {
  const auto r = parse_http_date(text, now);
  ASSERT_FALSE(r.ok()) << "accepted " << text;
  EXPECT_NE(r.error().message().find(quote_value(text)), std::string::npos) << r.error().message();
}

TEST(HttpDate, AcceptsTheThreeRfc9110Forms) {
  EXPECT_EQ(*parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(*parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(*parse_http_date("Sun Nov  6 08:49:37 1994"), kRfcExample);
}

TEST(HttpDate, ParsesTheIgRetryAfterExample) {
  EXPECT_EQ(*parse_http_date("Fri, 31 Dec 1999 23:59:59 GMT"), utc("1999-12-31T23:59:59Z"));
}

TEST(HttpDate, AsctimeAcceptsBothDayPaddings) {
  EXPECT_EQ(*parse_http_date("Thu Jan  1 00:00:00 2026"), kVirtualEpoch);
  EXPECT_EQ(*parse_http_date("Thu Jan 01 00:00:00 2026"), kVirtualEpoch);
  EXPECT_EQ(*parse_http_date("Wed Dec 31 23:59:59 1969"), instant_from_us(-kUs));
  expect_rejected("Thu Jan 1 00:00:00 2026");
}

TEST(HttpDate, WeekdayMustMatchTheDate) {
  const auto r = parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("weekday"), std::string::npos);
  EXPECT_NE(r.error().message().find("Sun"), std::string::npos) << r.error().message();
  expect_rejected("Monday, 06-Nov-94 08:49:37 GMT");
  expect_rejected("Mon Nov  6 08:49:37 1994");
}

TEST(HttpDate, LeapYearsAndImpossibleDays) {
  EXPECT_EQ(*parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT"), utc("2000-02-29T00:00:00Z"));
  EXPECT_EQ(*parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT"), utc("2024-02-29T12:00:00Z"));
  // 1900 was no leap year: 1 March was a Thursday, not the Friday a 29 February would make it.
  EXPECT_EQ(*parse_http_date("Thu, 01 Mar 1900 00:00:00 GMT"), utc("1900-03-01T00:00:00Z"));
  expect_rejected("Fri, 01 Mar 1900 00:00:00 GMT");
  expect_rejected("Thu, 29 Feb 1900 00:00:00 GMT");
  expect_rejected("Wed, 29 Feb 2023 00:00:00 GMT");
  expect_rejected("Fri, 30 Feb 2024 00:00:00 GMT");
  expect_rejected("Fri, 31 Apr 2026 00:00:00 GMT");
  expect_rejected("Fri, 32 Jan 2026 00:00:00 GMT");
  expect_rejected("Sat, 00 Jan 2026 00:00:00 GMT");
}

TEST(HttpDate, TimeOfDayRanges) {
  expect_rejected("Thu, 01 Jan 2026 24:00:00 GMT");
  expect_rejected("Thu, 01 Jan 2026 23:60:00 GMT");
  expect_rejected("Thu, 01 Jan 2026 23:59:61 GMT");
  // RFC 9110 allows second 60 (leap second): read as the second before.
  EXPECT_EQ(*parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"),
            *parse_http_date("Sat, 31 Dec 2016 23:59:59 GMT"));
}

TEST(HttpDate, RejectsAnythingElse) {
  expect_rejected("");
  expect_rejected("120");
  expect_rejected("1767225600");  // the SMART reference server's epoch-seconds Retry-After
  expect_rejected("2026-01-01T00:00:00Z");
  expect_rejected("sun, 06 Nov 1994 08:49:37 GMT");  // names are case-sensitive
  expect_rejected("Sun, 06 nov 1994 08:49:37 GMT");
  expect_rejected("Sun, 06 Nov 1994 08:49:37 gmt");
  expect_rejected("Sun, 06 Nov 1994 08:49:37 UTC");
  expect_rejected("Sun, 06 Nov 1994 08:49:37");
  expect_rejected("Sun, 06 Nov 1994 08:49:37 +0000");
  expect_rejected("Sun, 6 Nov 1994 08:49:37 GMT");
  expect_rejected("Sun,  06 Nov 1994 08:49:37 GMT");
  expect_rejected("Sun 06 Nov 1994 08:49:37 GMT");
  expect_rejected("Sun, 06 Nov 94 08:49:37 GMT");  // two-digit year in the fixdate form
  expect_rejected("Sunday, 06 Nov 1994 08:49:37 GMT");
  expect_rejected("Sun, 06-Nov-94 08:49:37 GMT");  // short name in the RFC 850 form
  expect_rejected("Sunday, 06-Nov-1994 08:49:37 GMT");
  expect_rejected("Sun, 06 Nov 1994 8:49:37 GMT");
  expect_rejected("Sun, 06 Nov 1994 08:49:37 GMT ");
  expect_rejected(" Sun, 06 Nov 1994 08:49:37 GMT");
  expect_rejected("Sun Nov  6 08:49:37 1994 GMT");
  expect_rejected("Sun, 06 Nov 1994 08:49:37 GMT\r\n");
}

TEST(HttpDate, TwoDigitYearIsWithinFiftyYearsOfNow) {
  // now = 2026-01-01T00:00:00Z.
  // Exactly 50 years ahead is not "more than 50 years in the future": 2076.
  EXPECT_EQ(*parse_http_date("Wednesday, 01-Jan-76 00:00:00 GMT"), utc("2076-01-01T00:00:00Z"));
  // One second later it is, so it becomes the most recent past year with those digits: 1976.
  EXPECT_EQ(*parse_http_date("Thursday, 01-Jan-76 00:00:01 GMT"), utc("1976-01-01T00:00:01Z"));
  EXPECT_EQ(*parse_http_date("Friday, 02-Jan-76 00:00:00 GMT"), utc("1976-01-02T00:00:00Z"));
  // The weekday is checked against the resolved year: 2076-01-02 is a Thursday, 1976's a Friday.
  expect_rejected("Thursday, 02-Jan-76 00:00:00 GMT");
  EXPECT_EQ(*parse_http_date("Thursday, 01-Jan-26 00:00:00 GMT"), kVirtualEpoch);
  EXPECT_EQ(*parse_http_date("Friday, 31-Dec-99 23:59:59 GMT"), utc("1999-12-31T23:59:59Z"));
}

TEST(HttpDate, TwoDigitYearDependsOnNow) {
  const Instant now_2050 = utc("2050-06-01T00:00:00Z");
  // Seen from 2050, "94" is 2094 (44 years ahead), a Saturday -- so "Sunday" no longer fits.
  EXPECT_EQ(*parse_http_date("Saturday, 06-Nov-94 08:49:37 GMT", now_2050),
            utc("2094-11-06T08:49:37Z"));
  expect_rejected("Sunday, 06-Nov-94 08:49:37 GMT", now_2050);
  // Seen from 2199, "00" is 2200, not 2100 (99 years ago).
  EXPECT_EQ(*parse_http_date("Wednesday, 01-Jan-00 00:00:00 GMT", utc("2199-06-01T00:00:00Z")),
            utc("2200-01-01T00:00:00Z"));
}

TEST(HttpDate, FormatsEachForm) {
  EXPECT_EQ(format_http_date(kRfcExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(kRfcExample, HttpDateForm::kRfc850), "Sunday, 06-Nov-94 08:49:37 GMT");
  EXPECT_EQ(format_http_date(kRfcExample, HttpDateForm::kAsctime), "Sun Nov  6 08:49:37 1994");
  EXPECT_EQ(format_http_date(utc("2000-01-01T00:00:00Z"), HttpDateForm::kRfc850),
            "Saturday, 01-Jan-00 00:00:00 GMT");
  EXPECT_EQ(format_http_date(utc("2026-12-25T23:05:09Z"), HttpDateForm::kAsctime),
            "Fri Dec 25 23:05:09 2026");
}

TEST(HttpDate, FormatTruncatesToWholeSeconds) {
  EXPECT_EQ(format_http_date(kRfcExample + Duration{999999}), "Sun, 06 Nov 1994 08:49:37 GMT");
}

Instant gen_instant() {
  return instant_from_us(*rc::gen::inRange<std::int64_t>(0, kMaxUs + 1));
}
Instant floor_s(Instant t) {
  return std::chrono::floor<std::chrono::seconds>(t);
}

RC_GTEST_PROP(HttpDateProp, ImfFixdateRoundTrips, ()) {
  const auto t = gen_instant();
  const auto back = parse_http_date(format_http_date(t, HttpDateForm::kImfFixdate));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == floor_s(t));
}

RC_GTEST_PROP(HttpDateProp, AsctimeRoundTrips, ()) {
  const auto t = gen_instant();
  const auto back = parse_http_date(format_http_date(t, HttpDateForm::kAsctime));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == floor_s(t));
}

RC_GTEST_PROP(HttpDateProp, Rfc850RoundTripsWithinFiftyYearsOfNow, ()) {
  const auto t = gen_instant();
  // Any `now` that puts t no more than 50 years ahead and less than 50 behind recovers the year.
  const auto back_years = *rc::gen::inRange(-49, 50);
  const auto now = t + std::chrono::years{back_years};
  const auto text = format_http_date(t, HttpDateForm::kRfc850);
  const auto back = parse_http_date(text, std::chrono::floor<Duration>(now));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == floor_s(t));
}

}  // namespace
}  // namespace bh::protocol
