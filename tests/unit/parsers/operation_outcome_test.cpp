#include "protocol/operation_outcome.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bh::protocol {
namespace {

std::string error_of(std::string_view body) {
  const auto r = parse_outcome(body);
  EXPECT_FALSE(r.ok()) << "accepted " << body;
  return r.ok() ? std::string{} : r.error().message();
}

TEST(OperationOutcome, MakeBuildsR4JsonInFieldOrder) {
  const auto oo = make_outcome("error", "not-found", "Group/123 does not exist");
  EXPECT_EQ(oo.dump(), R"({"resourceType":"OperationOutcome","issue":[{"severity":"error",)"
                       R"("code":"not-found","diagnostics":"Group/123 does not exist"}]})");
}

TEST(OperationOutcome, EmptyDiagnosticsAreLeftOut) {
  // FHIR JSON has no empty strings.
  const auto oo = make_outcome("fatal", "exception", "");
  EXPECT_FALSE(oo["issue"][0].contains("diagnostics"));
}

TEST(OperationOutcome, SeveralIssuesKeepTheirOrder) {
  const auto oo = make_outcome({{"warning", "not-supported", "_typeFilter ignored"},
                                {"information", "informational", "lenient"}});
  ASSERT_EQ(oo["issue"].size(), 2u);
  EXPECT_EQ(oo["issue"][0]["code"], "not-supported");
  EXPECT_EQ(oo["issue"][1]["severity"], "information");
}

TEST(OperationOutcome, RoundTripsThroughParse) {
  const std::vector<OutcomeIssue> issues = {{"error", "transient", "try later"},
                                            {"warning", "processing", "slow"}};
  const auto r = parse_outcome(make_outcome(issues).dump());
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 2u);
  for (std::size_t i = 0; i < issues.size(); ++i) {
    EXPECT_EQ((*r)[i].severity, issues[i].severity);
    EXPECT_EQ((*r)[i].code, issues[i].code);
    EXPECT_EQ((*r)[i].diagnostics, issues[i].diagnostics);
  }
}

TEST(OperationOutcome, ValueSetMembership) {
  for (const char* s : {"fatal", "error", "warning", "information"})
    EXPECT_TRUE(is_issue_severity(s));
  EXPECT_FALSE(is_issue_severity("Error"));
  EXPECT_FALSE(is_issue_severity("info"));
  for (const char* c : {"invalid", "not-found", "too-costly", "throttled", "informational"}) {
    EXPECT_TRUE(is_issue_type(c)) << c;
  }
  EXPECT_FALSE(is_issue_type("notfound"));
  EXPECT_FALSE(is_issue_type(""));
}

TEST(OperationOutcomeDeathTest, MakeRefusesCodesOutsideTheValueSet) {
  EXPECT_DEATH((void)make_outcome("error", "oops", "x"), "IssueType");
  EXPECT_DEATH((void)make_outcome("bad", "invalid", "x"), "IssueSeverity");
  EXPECT_DEATH((void)make_outcome(std::vector<OutcomeIssue>{}), "at least one issue");
}

TEST(OperationOutcome, ParseIsLenientAboutIssueFields) {
  const auto r =
      parse_outcome(R"({"resourceType":"OperationOutcome","id":"x","issue":[{"code":"timeout"},)"
                    R"({"severity":"error","code":7,"details":{"text":"t"}}]})");
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].severity, "");
  EXPECT_EQ((*r)[0].code, "timeout");
  EXPECT_EQ((*r)[1].code, "");
}

TEST(OperationOutcome, ParseSaysWhatIsWrong) {
  EXPECT_NE(error_of("").find("not JSON"), std::string::npos);
  EXPECT_NE(error_of("<html>502</html>").find("not JSON"), std::string::npos);
  EXPECT_NE(error_of("[]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"issue":[]})").find("resourceType"), std::string::npos);
  const auto wrong = error_of(R"({"resourceType":"Patient","issue":[{}]})");
  EXPECT_NE(wrong.find("\"Patient\""), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("\"OperationOutcome\""), std::string::npos) << wrong;
  EXPECT_NE(error_of(R"({"resourceType":7})").find("/resourceType"), std::string::npos);
  EXPECT_NE(error_of(R"({"resourceType":"OperationOutcome"})").find("/issue"), std::string::npos);
  EXPECT_NE(error_of(R"({"resourceType":"OperationOutcome","issue":{}})").find("/issue"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"resourceType":"OperationOutcome","issue":[]})").find("/issue"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"resourceType":"OperationOutcome","issue":[{},"x"]})").find("/issue/1"),
            std::string::npos);
}

TEST(OperationOutcome, InvalidUtf8BodyIsAnErrorNotACrash) {
  EXPECT_FALSE(parse_outcome("{\"resourceType\":\"Operation\xff\xfeOutcome\",\"issue\":[]}").ok());
  EXPECT_FALSE(parse_outcome(std::string(100000, '[')).ok());
  EXPECT_FALSE(parse_outcome(std::string("{\0}", 3)).ok());
}

TEST(OperationOutcome, TransientCodesAreTheSt12Family) {
  for (const char* c :
       {"transient", "lock-error", "no-store", "exception", "timeout", "incomplete", "throttled"}) {
    EXPECT_TRUE(is_transient_code(c)) << c;
  }
  for (const char* c : {"not-found", "invalid", "processing", "Transient", "", "too-costly"}) {
    EXPECT_FALSE(is_transient_code(c)) << c;
  }
}

TEST(OperationOutcome, TransientOutcomeNeedsEveryErrorIssueTransient) {
  EXPECT_TRUE(is_transient_outcome({{"error", "transient", ""}}));
  EXPECT_TRUE(is_transient_outcome({{"fatal", "throttled", ""}, {"error", "timeout", ""}}));
  EXPECT_TRUE(is_transient_outcome({{"error", "transient", ""}, {"warning", "not-found", ""}}));
  EXPECT_FALSE(is_transient_outcome({{"error", "transient", ""}, {"error", "not-found", ""}}));
  EXPECT_FALSE(is_transient_outcome({{"fatal", "invalid", ""}}));
  EXPECT_FALSE(is_transient_outcome({{"warning", "transient", ""}}));  // no error issue at all
  EXPECT_FALSE(is_transient_outcome({{"", "transient", ""}}));
  EXPECT_FALSE(is_transient_outcome({}));
}

}  // namespace
}  // namespace bh::protocol
