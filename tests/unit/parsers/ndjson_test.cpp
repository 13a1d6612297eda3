#include "protocol/ndjson.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace bh::protocol {
namespace {

using Lines = std::vector<std::pair<std::string, std::uint64_t>>;

// Everything a framer reports, so two runs can be compared whole.
struct Trace {
  Lines lines;
  std::uint64_t delivered = 0, blank = 0, crlf = 0;
  std::vector<std::pair<std::uint64_t, std::string>> oversized;
  std::optional<std::uint64_t> truncated_at;
  bool operator==(const Trace&) const = default;
};

Trace frame(const std::vector<std::string>& chunks, std::size_t max = 1024) {
  Trace t;
  NdjsonFramer f(max, [&](std::string_view line, std::uint64_t n) {
    t.lines.emplace_back(std::string(line), n);
  });
  for (const auto& c : chunks)
    f.feed(c);
  if (auto p = f.finish()) t.truncated_at = p->line;
  t.delivered = f.lines();
  t.blank = f.blank_lines();
  t.crlf = f.crlf_lines();
  for (const auto& p : f.oversized())
    t.oversized.emplace_back(p.line, p.message);
  return t;
}

std::vector<std::string> bytewise(std::string_view s) {
  std::vector<std::string> out;
  for (char c : s)
    out.emplace_back(1, c);
  return out;
}

NdjsonSummary validate(std::string_view expected, const std::vector<std::string>& chunks,
                       std::size_t max_line = 1024, std::size_t max_problems = 20) {
  NdjsonValidator v{std::string(expected), max_line, max_problems};
  for (const auto& c : chunks)
    v.feed(c);
  return v.finish();
}

const std::string kPatient = R"({"resourceType":"Patient","id":"p1"})";
const std::string kObs = R"({"resourceType":"Observation","id":"o1"})";

TEST(NdjsonFramer, SplitsLinesAndNumbersThemPhysically) {
  const auto t = frame({kPatient + "\n\n" + kObs + "\r\n\r\n" + kPatient + "\n"});
  EXPECT_EQ(t.lines, (Lines{{kPatient, 1}, {kObs, 3}, {kPatient, 5}}));
  EXPECT_EQ(t.delivered, 3u);
  EXPECT_EQ(t.blank, 2u);
  EXPECT_EQ(t.crlf, 2u);  // the CRLF resource line and the CRLF blank line
  EXPECT_FALSE(t.truncated_at.has_value());
}

TEST(NdjsonFramer, ChunkBoundariesInsideALineAndInsideCrlf) {
  const std::string text = kPatient + "\r\n" + kObs + "\n";
  const auto whole = frame({text});
  EXPECT_EQ(frame(bytewise(text)), whole);
  // "\r" at the end of one chunk, "\n" at the start of the next.
  EXPECT_EQ(frame({kPatient + "\r", "\n" + kObs + "\n"}), whole);
  EXPECT_EQ(whole.lines[0].first, kPatient);  // the '\r' is dropped
  EXPECT_EQ(whole.crlf, 1u);
}

TEST(NdjsonFramer, BareCarriageReturnInsideALineIsContent) {
  const auto t = frame({"a\rb\n"});
  EXPECT_EQ(t.lines, (Lines{{"a\rb", 1}}));
  EXPECT_EQ(t.crlf, 0u);
  // Only the one '\r' before '\n' belongs to the line ending.
  EXPECT_EQ(frame({"x\r\r\n"}).lines, (Lines{{"x\r", 1}}));
}

TEST(NdjsonFramer, TruncatedFinalLineIsReportedAndNotDelivered) {
  const auto t = frame({kPatient + "\n" + R"({"resourceType":"Pat)"});
  EXPECT_EQ(t.lines, (Lines{{kPatient, 1}}));
  ASSERT_TRUE(t.truncated_at.has_value());
  EXPECT_EQ(*t.truncated_at, 2u);
  EXPECT_TRUE(frame({kPatient + "\n\r"}).truncated_at.has_value());
  EXPECT_FALSE(frame({}).truncated_at.has_value());
  EXPECT_FALSE(frame({""}).truncated_at.has_value());
}

TEST(NdjsonFramer, LineAtTheLimitPassesOneOverIsReportedOnce) {
  const std::string at_limit(8, 'x'), over(9, 'y');
  const auto t = frame({at_limit + "\n" + over + "\n" + at_limit + "\r\n"}, 8);
  EXPECT_EQ(t.lines, (Lines{{at_limit, 1}, {at_limit, 3}}));
  ASSERT_EQ(t.oversized.size(), 1u);
  EXPECT_EQ(t.oversized[0].first, 2u);
  EXPECT_NE(t.oversized[0].second.find("8 bytes"), std::string::npos);
  EXPECT_EQ(t.crlf, 1u);
  // The same with the limit-length line's "\r\n" split across chunks.
  EXPECT_EQ(frame({at_limit + "\n" + over, "\n" + at_limit + "\r", "\n"}, 8), t);
}

TEST(NdjsonFramer, LongLineInManyChunksIsReportedOnceAndLaterLinesSurvive) {
  std::vector<std::string> chunks(1000, std::string(100, 'z'));
  chunks.push_back("\nok\n");
  const auto t = frame(chunks, 64);
  ASSERT_EQ(t.oversized.size(), 1u);
  EXPECT_EQ(t.oversized[0].first, 1u);
  EXPECT_EQ(t.lines, (Lines{{"ok", 2}}));
  EXPECT_EQ(t.delivered, 1u);
}

TEST(NdjsonFramer, CarriageReturnJustPastTheLimitWithoutNewlineIsOversized) {
  const auto t = frame({std::string(8, 'x') + "\r", "y\n"}, 8);
  EXPECT_TRUE(t.lines.empty());
  EXPECT_EQ(t.oversized.size(), 1u);
}

TEST(NdjsonFramer, TruncatedOversizedTailIsStillReported) {
  const auto t = frame({"ok\n" + std::string(20, 'x')}, 8);
  EXPECT_EQ(t.oversized.size(), 1u);
  ASSERT_TRUE(t.truncated_at.has_value());
  EXPECT_EQ(*t.truncated_at, 2u);
}

TEST(NdjsonValidator, CountsResourcesOfTheExpectedType) {
  const auto s = validate("Patient", {kPatient + "\n" + kPatient + "\r\n\n"});
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.resources, 2u);
  EXPECT_EQ(s.blank_lines, 1u);
  EXPECT_EQ(s.crlf_lines, 1u);
}

TEST(NdjsonValidator, WrongResourceTypeNamesBoth) {
  const auto s = validate("Observation", {kObs + "\n" + kPatient + "\n"});
  EXPECT_EQ(s.resources, 1u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].line, 2u);
  EXPECT_EQ(s.problems[0].message, R"(resourceType is "Patient", expected "Observation")");
}

TEST(NdjsonValidator, EmptyExpectedTypeAcceptsAnyResource) {
  const auto s = validate("", {kObs + "\n" + kPatient + "\n"});
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.resources, 2u);
}

TEST(NdjsonValidator, EachKindOfBadLineIsAProblem) {
  const auto s = validate("Patient", {"[" + kPatient +
                                      "]\n"                               // 1 array
                                      "{\"id\":\"x\"}\n"                  // 2 no type
                                      "{\"resourceType\":7}\n"            // 3 not a string
                                      "{\"resourceType\":\"Patient\"\n"   // 4 cut JSON
                                      "\"Patient\"\n"                     // 5 a string
                                      "{\"resourceType\":\"Pat\xff\"}\n"  // 6 bad UTF-8
                                      " \n"                               // 7 whitespace
                                      + kPatient + kPatient + "\n"        // 8 two objects
                                      + kPatient + "\n"});                // 9 fine
  EXPECT_EQ(s.resources, 1u);
  EXPECT_EQ(s.problem_count, 8u);
  ASSERT_EQ(s.problems.size(), 8u);
  for (std::uint64_t i = 0; i < 8; ++i)
    EXPECT_EQ(s.problems[i].line, i + 1);
  EXPECT_NE(s.problems[0].message.find("array"), std::string::npos) << s.problems[0].message;
  EXPECT_NE(s.problems[1].message.find("missing"), std::string::npos);
  EXPECT_NE(s.problems[2].message.find("expected a string"), std::string::npos);
  EXPECT_NE(s.problems[4].message.find("string"), std::string::npos);
}

TEST(NdjsonValidator, ProblemsStayInLineOrderWithOversizedLines) {
  // Line 2 is oversized and line 3 is bad JSON, reported in the same feed() call.
  const auto s = validate("Patient", {kPatient + "\n" + std::string(200, 'x') + "\nnope\n"}, 100);
  ASSERT_EQ(s.problems.size(), 2u);
  EXPECT_EQ(s.problems[0].line, 2u);
  EXPECT_EQ(s.problems[1].line, 3u);
}

TEST(NdjsonValidator, KeepsTheFirstProblemsButCountsAll) {
  std::string body;
  for (int i = 0; i < 50; ++i)
    body += "{}\n";
  body += "{}";  // truncated too
  const auto s = validate("Patient", {body}, 1024, 5);
  EXPECT_EQ(s.problem_count, 51u);
  ASSERT_EQ(s.problems.size(), 5u);
  EXPECT_EQ(s.problems[4].line, 5u);
  EXPECT_FALSE(s.ok());
}

TEST(NdjsonValidator, TruncatedFinalLineIsAProblemEvenIfItParses) {
  const auto s = validate("Patient", {kPatient + "\n" + kPatient});
  EXPECT_EQ(s.resources, 1u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].line, 2u);
  EXPECT_NE(s.problems[0].message.find("newline"), std::string::npos);
}

TEST(NdjsonValidator, DeeplyNestedLineIsAProblemNotACrash) {
  const auto s = validate("Patient", {std::string(100000, '[') + "\n"}, 1 << 20);
  EXPECT_EQ(s.problem_count, 1u);
}

// --- properties ------------------------------------------------------------------------------

// Inputs rich in the bytes that matter to framing.
rc::Gen<std::string> framing_text() {
  return rc::gen::container<std::string>(
      rc::gen::weightedOneOf<char>({{4, rc::gen::element('a', '{', '}', '"')},
                                    {2, rc::gen::just('\n')},
                                    {1, rc::gen::just('\r')}}));
}

std::vector<std::string> split_at(const std::string& text, std::vector<std::size_t> cuts) {
  for (auto& c : cuts)
    c %= text.size() + 1;
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t c : cuts) {
    out.push_back(text.substr(from, c - from));
    from = c;
  }
  out.push_back(text.substr(from));
  return out;
}

RC_GTEST_PROP(NdjsonProp, FramingIsIndependentOfChunking, ()) {
  const auto text = *framing_text();
  const auto cuts =
      *rc::gen::container<std::vector<std::size_t>>(rc::gen::arbitrary<std::size_t>());
  const std::size_t max = *rc::gen::inRange<std::size_t>(1, 12);
  const auto whole = frame({text}, max);
  RC_ASSERT(frame(split_at(text, cuts), max) == whole);
  RC_ASSERT(frame(bytewise(text), max) == whole);
}

RC_GTEST_PROP(NdjsonProp, DeliveredLinesNeverHoldNewlinesOrExceedTheLimit, ()) {
  const auto text = *framing_text();
  const std::size_t max = *rc::gen::inRange<std::size_t>(1, 12);
  const auto t = frame({text}, max);
  for (const auto& [line, n] : t.lines) {
    RC_ASSERT(!line.empty());
    RC_ASSERT(line.size() <= max);
    RC_ASSERT(line.find('\n') == std::string::npos);
  }
  // Every physical line is exactly one of: delivered, blank, oversized (or the truncated tail).
  const auto newlines = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
  std::uint64_t oversized_complete = 0;
  for (const auto& o : t.oversized)
    oversized_complete += o.first <= newlines;
  RC_ASSERT(t.delivered + t.blank + oversized_complete == newlines);
}

RC_GTEST_PROP(NdjsonProp, ValidatorSurvivesArbitraryBytes, (const std::string& bytes)) {
  NdjsonValidator v{"Patient", 256, 3};
  v.feed(bytes);
  const auto s = v.finish();
  RC_ASSERT(s.problems.size() <= 3u);
  RC_ASSERT(s.problem_count >= s.problems.size());
}

}  // namespace
}  // namespace bh::protocol
