#include "protocol/fhir_instant.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <string>

#include "protocol/text_quote.hpp"

namespace bh::protocol {
namespace {

constexpr std::int64_t kUs = 1000000;
// 9999-12-31T23:59:59.999999Z, the last instant with a four-digit year.
constexpr std::int64_t kMaxUs = 253402300799LL * kUs + 999999;

Instant at(std::int64_t unix_seconds, std::int64_t micros = 0) {
  return instant_from_us(unix_seconds * kUs + micros);
}

void expect_rejected(const std::string& text) {
  const auto r = parse_fhir_instant(text);
  ASSERT_FALSE(r.ok()) << "accepted " << text;
  const std::string msg = r.error().message();
  EXPECT_NE(msg.find("FHIR instant"), std::string::npos) << msg;
  EXPECT_NE(msg.find(quote_value(text)), std::string::npos) << msg;
}

TEST(FhirInstant, ParsesFhirSpecExampleWithOffset) {
  // The example from the R4 datatypes page.
  const auto r = parse_fhir_instant("2015-02-07T13:28:17.239+02:00");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(*r, at(1423308497, 239000));
}

TEST(FhirInstant, ParsesUtcWithAndWithoutFraction) {
  EXPECT_EQ(*parse_fhir_instant("2026-01-01T00:00:00Z"), kVirtualEpoch);
  EXPECT_EQ(*parse_fhir_instant("2026-01-01T00:00:00.000Z"), kVirtualEpoch);
  EXPECT_EQ(*parse_fhir_instant("1970-01-01T00:00:00.5Z"), at(0, 500000));
}

TEST(FhirInstant, NegativeAndZeroOffsetsShiftTheRightWay) {
  EXPECT_EQ(*parse_fhir_instant("2025-12-31T19:00:00-05:00"), kVirtualEpoch);
  EXPECT_EQ(*parse_fhir_instant("2026-01-01T00:00:00-00:00"), kVirtualEpoch);
  EXPECT_EQ(*parse_fhir_instant("2026-01-01T14:00:00+14:00"), kVirtualEpoch);
  EXPECT_EQ(*parse_fhir_instant("2025-12-31T10:30:00-13:30"), kVirtualEpoch);
}

TEST(FhirInstant, LongFractionIsTruncatedToMicroseconds) {
  EXPECT_EQ(*parse_fhir_instant("1970-01-01T00:00:01.123456789Z"), at(1, 123456));
  EXPECT_EQ(*parse_fhir_instant("1970-01-01T00:00:01.1234569Z"), at(1, 123456));
}

TEST(FhirInstant, LeapDaysFollowTheGregorianRules) {
  EXPECT_TRUE(parse_fhir_instant("2024-02-29T12:00:00Z").ok());
  EXPECT_TRUE(parse_fhir_instant("2000-02-29T12:00:00Z").ok());
  expect_rejected("2023-02-29T12:00:00Z");
  expect_rejected("2100-02-29T12:00:00Z");
  expect_rejected("2024-02-30T12:00:00Z");
  expect_rejected("2026-04-31T12:00:00Z");
  EXPECT_TRUE(parse_fhir_instant("2026-12-31T12:00:00Z").ok());
}

TEST(FhirInstant, LeapSecondReadsAsTheSecondBefore) {
  EXPECT_EQ(*parse_fhir_instant("2016-12-31T23:59:60Z"),
            *parse_fhir_instant("2016-12-31T23:59:59Z"));
}

TEST(FhirInstant, RejectsOutOfRangeFields) {
  expect_rejected("2026-00-01T00:00:00Z");
  expect_rejected("2026-13-01T00:00:00Z");
  expect_rejected("2026-01-00T00:00:00Z");
  expect_rejected("2026-01-32T00:00:00Z");
  expect_rejected("2026-01-01T24:00:00Z");
  expect_rejected("2026-01-01T23:60:00Z");
  expect_rejected("2026-01-01T23:59:61Z");
  expect_rejected("0000-01-01T00:00:00Z");
}

// Found by fuzz_fhir_instant: an offset moved these out of the years FHIR can write back.
TEST(FhirInstant, RejectsInstantsAnOffsetCarriesOutOfYears0001To9999) {
  expect_rejected("0001-01-01T00:00:00.2346+05:30");
  expect_rejected("9999-12-31T23:00:00-14:00");
  EXPECT_TRUE(parse_fhir_instant("0001-01-01T05:30:00+05:30").ok());
  EXPECT_TRUE(parse_fhir_instant("9999-12-31T23:59:59.999Z").ok());
}

TEST(FhirInstant, RejectsOffsetsBeyondFourteenHours) {
  expect_rejected("2026-01-01T00:00:00+14:01");
  expect_rejected("2026-01-01T00:00:00+15:00");
  expect_rejected("2026-01-01T00:00:00-14:30");
  expect_rejected("2026-01-01T00:00:00+02:60");
  expect_rejected("2026-01-01T00:00:00+0200");
  expect_rejected("2026-01-01T00:00:00+02");
}

TEST(FhirInstant, RejectsWhatIsNotAnInstant) {
  expect_rejected("");
  expect_rejected("2026-01-01");             // a date, not an instant
  expect_rejected("2026-01-01T00:00:00");    // missing time zone
  expect_rejected("2026-01-01T00:00Z");      // missing seconds
  expect_rejected("2026-01-01 00:00:00Z");   // space instead of 'T'
  expect_rejected("2026-01-01t00:00:00z");   // lower case
  expect_rejected("2026-1-01T00:00:00Z");    // one-digit month
  expect_rejected("26-01-01T00:00:00Z");     // two-digit year
  expect_rejected("2026-01-01T00:00:00.Z");  // fraction without digits
  expect_rejected("2026-01-01T00:00:00Z ");  // trailing space
  expect_rejected(" 2026-01-01T00:00:00Z");  // leading space
  expect_rejected("2026-01-01T00:00:00ZZ");  // junk after the zone
  expect_rejected("+2026-01-01T00:00:00Z");  // sign on the year
  expect_rejected("2026-01-01T00:00:00+02:00Z");
  expect_rejected("1767225600");  // epoch seconds
}

TEST(FhirInstant, ErrorQuotesUnprintableBytesSafely) {
  const auto r = parse_fhir_instant(std::string("2026\x00\xff", 6));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("\\x00\\xff"), std::string::npos) << r.error().message();
}

TEST(FhirInstant, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_fhir_instant(kVirtualEpoch), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(format_fhir_instant(at(1423308497, 239999)), "2015-02-07T11:28:17.239Z");
  EXPECT_EQ(format_fhir_instant(at(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_fhir_instant(at(253402300799, 999999)), "9999-12-31T23:59:59.999Z");
  // Before the epoch the millisecond is floored, not rounded toward zero.
  EXPECT_EQ(format_fhir_instant(instant_from_us(-1)), "1969-12-31T23:59:59.999Z");
}

Instant floor_ms(Instant t) {
  return std::chrono::floor<std::chrono::milliseconds>(t);
}

RC_GTEST_PROP(FhirInstantProp, FormatThenParseGivesTheInstantToTheMillisecond, ()) {
  const auto t = instant_from_us(*rc::gen::inRange<std::int64_t>(0, kMaxUs + 1));
  const auto text = format_fhir_instant(t);
  const auto back = parse_fhir_instant(text);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == floor_ms(t));
}

RC_GTEST_PROP(FhirInstantProp, AnyLegalOffsetDenotesTheSameInstant, ()) {
  // Stay a day inside the four-digit years so the local time never leaves them.
  const auto t =
      instant_from_us(*rc::gen::inRange<std::int64_t>(86400 * kUs, kMaxUs - 86400 * kUs));
  const int offset = *rc::gen::inRange(-14 * 60, 14 * 60 + 1);
  const auto local = format_fhir_instant(t + std::chrono::minutes{offset});
  char zone[16];
  const int a = offset < 0 ? -offset : offset;
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 60, a % 60);
  const auto text = local.substr(0, local.size() - 1) + zone;
  const auto back = parse_fhir_instant(text);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == floor_ms(t));
}

}  // namespace
}  // namespace bh::protocol
