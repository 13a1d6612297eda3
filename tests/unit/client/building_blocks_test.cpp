// The client's small parts: backoff, Retry-After reading, error classification, file naming.
#include <gtest/gtest.h>

#include "client/backoff.hpp"
#include "client/error_classifier.hpp"
#include "client/file_download.hpp"
#include "client/wait_policy.hpp"
#include "client_test_support.hpp"
#include "protocol/http_date.hpp"

namespace bh::client::testing {
namespace {

TEST(Backoff, DoublesWithinJitterAndCaps) {
  Backoff b({}, Rng(1, 2));
  double base = 1.0;
  for (int i = 0; i < 12; ++i, base = std::min(base * 2, 60.0)) {
    EXPECT_EQ(to_seconds(b.base()), base);
    const double d = to_seconds(b.next());
    EXPECT_GE(d, 0.8 * base - 1e-9);
    EXPECT_LE(d, std::min(1.2 * base, 60.0) + 1e-9);
  }
  b.reset();
  EXPECT_EQ(b.base(), seconds(1));
}

TEST(Backoff, SameSeedSameDelaysOtherSeedOtherDelays) {
  Backoff a({}, Rng(5, 1)), b({}, Rng(5, 1)), c({}, Rng(6, 1));
  int differ = 0;
  for (int i = 0; i < 8; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    differ += x != c.next();
  }
  EXPECT_GT(differ, 0);
}

TEST(Backoff, NeverOverflowsAfterManySteps) {
  Backoff b({seconds(1), 10.0, seconds(60), 0.0}, Rng(1, 1));
  for (int i = 0; i < 1000; ++i)
    EXPECT_LE(b.next(), seconds(60));
  EXPECT_EQ(b.next(), seconds(60));
}

TEST(WaitPolicy, CombineNeverGoesBelowAnyLowerBound) {
  EXPECT_EQ(combine_wait(millis(500), std::nullopt, std::nullopt), millis(500));
  EXPECT_EQ(combine_wait(millis(500), seconds(0), std::nullopt), millis(500));
  EXPECT_EQ(combine_wait(millis(500), seconds(9), seconds(2)), seconds(9));
  EXPECT_EQ(combine_wait(millis(500), seconds(1), seconds(4)), seconds(4));
}

TEST(WaitPolicy, ReadsSecondsAndDatesAndIgnoresGarbage) {
  const Instant now = kVirtualEpoch;
  protocol::Headers h;
  EXPECT_FALSE(read_retry_after(h, now, std::chrono::hours(1)).delay);
  EXPECT_TRUE(read_retry_after(h, now, std::chrono::hours(1)).note.empty());
  h.set("Retry-After", "12");
  EXPECT_EQ(read_retry_after(h, now, std::chrono::hours(1)).delay, seconds(12));
  h.set("Retry-After", protocol::format_http_date(now + seconds(30)));
  EXPECT_EQ(read_retry_after(h, now, std::chrono::hours(1)).delay, seconds(30));
  h.set("Retry-After", protocol::format_http_date(now - seconds(30)));
  EXPECT_EQ(read_retry_after(h, now, std::chrono::hours(1)).delay, seconds(0));
  h.set("Retry-After", "-1");
  auto bad = read_retry_after(h, now, std::chrono::hours(1));
  EXPECT_FALSE(bad.delay);
  EXPECT_NE(bad.note.find("ignored"), std::string::npos);
}

TEST(Classifier, SortsErrorsPerSpec) {
  protocol::Headers h;
  EXPECT_EQ(classify_error(429, h, "").cls, ErrorClass::kThrottled);
  EXPECT_EQ(classify_error(503, h, "").cls, ErrorClass::kTransient);
  EXPECT_EQ(classify_error(503, h, "  \n").cls, ErrorClass::kTransient);
  EXPECT_EQ(classify_error(404, h, "").cls, ErrorClass::kFatal);
  EXPECT_EQ(classify_error(500, h, outcome_json("error", "timeout", "slow")).cls,
            ErrorClass::kTransient);
  EXPECT_EQ(classify_error(400, h, outcome_json("error", "throttled", "slow")).cls,
            ErrorClass::kTransient);
  const auto fatal = classify_error(500, h, outcome_json("error", "not-found", "no such group"));
  EXPECT_EQ(fatal.cls, ErrorClass::kFatal);
  EXPECT_NE(fatal.detail.find("no such group"), std::string::npos);
  h.set("Content-Type", "text/html");
  const auto html = classify_error(503, h, "<html>down</html>");
  EXPECT_EQ(html.cls, ErrorClass::kFatal);
  EXPECT_NE(html.detail.find("text/html"), std::string::npos);
}

TEST(FilePlan, NamesAreSafeAndUnique) {
  protocol::Manifest m;
  m.output = {
      {"Patient", "http://a/1", 1}, {"../../etc", "http://a/2", {}}, {"Patient", "http://a/3", {}}};
  m.error = {{"OperationOutcome", "http://a/4", {}}};
  m.deleted = {{"Bundle", "relative/5", {}}};
  auto files = plan_downloads(m, {}, 1);
  ASSERT_EQ(files.size(), 5u);
  EXPECT_EQ(files[0].report.name, "Patient-1.ndjson");
  EXPECT_EQ(files[1].report.name, "etc-1.ndjson");
  EXPECT_EQ(files[2].report.name, "Patient-2.ndjson");
  EXPECT_EQ(files[3].report.name, "error-1.ndjson");
  EXPECT_EQ(files[3].expected_type, "OperationOutcome");
  EXPECT_EQ(files[4].report.name, "deleted-1.ndjson");
  EXPECT_EQ(files[4].expected_type, "Bundle");
  EXPECT_FALSE(files[4].manifest_url.has_value());
}

TEST(OutcomeCodes, AreStable) {
  EXPECT_EQ(exit_code(OutcomeKind::kSuccess), 0);
  EXPECT_EQ(exit_code(OutcomeKind::kRejected), 3);
  EXPECT_EQ(exit_code(OutcomeKind::kFailed), 4);
  EXPECT_EQ(exit_code(OutcomeKind::kManifestInvalid), 5);
  EXPECT_EQ(exit_code(OutcomeKind::kDownloadFailed), 6);
  EXPECT_EQ(exit_code(OutcomeKind::kValidationFailed), 7);
  EXPECT_EQ(exit_code(OutcomeKind::kGone), 8);
  EXPECT_EQ(exit_code(OutcomeKind::kCancelled), 9);
  EXPECT_EQ(exit_code(OutcomeKind::kTimedOut), 10);
  EXPECT_EQ(exit_code(OutcomeKind::kTransportError), 11);
  EXPECT_EQ(to_string(OutcomeKind::kValidationFailed), "ValidationFailed");
}

TEST(Options, ValidationNamesTheOption) {
  auto o = base_options();
  EXPECT_TRUE(validate_options(o).ok());
  o.level = protocol::ExportLevel::kGroup;
  auto bad = validate_options(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("group_id"), std::string::npos);
  o = base_options();
  o.base_url = "https://secure/fhir";
  o.https_supported = false;
  ASSERT_FALSE(validate_options(o).ok());
  EXPECT_NE(validate_options(o).error().message().find("https is not supported yet"),
            std::string::npos);
  o = base_options();
  o.max_parallel_downloads = 0;
  EXPECT_FALSE(validate_options(o).ok());
}

}  // namespace
}  // namespace bh::client::testing
