// The check report's HTML page: what the server said is escaped, areas group their checks even
// when the run met them apart, failures link to their rows, and the page needs nothing outside.
#include <gtest/gtest.h>

#include <sstream>

#include "conformance/report_html.hpp"

namespace bh::conformance {
namespace {

CheckResult result(std::string id, std::string area, Status status, std::string message = "m") {
  CheckResult r;
  r.id = std::move(id);
  r.area = std::move(area);
  r.status = status;
  r.requirements = {"KO-11"};
  r.title = "title of " + r.id;
  r.message = std::move(message);
  return r;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

std::string html(const RunReport& r) {
  std::ostringstream out;
  write_html(r, out);
  return out.str();
}

RunReport sample() {
  RunReport r;
  r.base_url = "http://127.0.0.1:1/fhir";
  r.levels = {"system"};
  r.results = {result("kickoff-accepted", "kickoff", Status::kPass),
               result("status-202", "status", Status::kWarn),
               result("kickoff-content-location", "kickoff", Status::kFail, "relative")};
  r.results[2].export_level = "system";
  r.results[2].evidence = {{"GET /fhir/$export", "HTTP 202\nContent-Location: /x"}};
  return r;
}

TEST(ReportHtml, EscapesEverythingTheServerSaid) {
  auto r = sample();
  r.results[2].message = "saw <script>alert(1)</script> & \"quotes\"";
  r.results[2].evidence[0].response = "HTTP 500\n<img src=x onerror=alert(1)>\x1b[31mred\x01";
  r.base_url = "http://h/<b>";
  const auto page = html(r);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>"), std::string::npos);
  EXPECT_EQ(page.find('\x1b'), std::string::npos);
  EXPECT_EQ(page.find('\x01'), std::string::npos);
  EXPECT_NE(page.find("saw &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"),
            std::string::npos);
}

TEST(ReportHtml, GroupsByAreaInFirstSeenOrderAndLinksFailuresToRows) {
  const auto page = html(sample());
  EXPECT_EQ(count(page, "<section class=\"area\""), 2u);
  const auto kickoff = page.find("<section class=\"area\" id=\"area-kickoff\"");
  const auto status = page.find("<section class=\"area\" id=\"area-status\"");
  ASSERT_NE(kickoff, std::string::npos);
  ASSERT_NE(status, std::string::npos);
  EXPECT_LT(kickoff, status);
  // Both kickoff checks sit in the kickoff section, though the run met a status check between.
  const auto row = page.find("<tr class=\"check fail\" id=\"check-2\"");
  EXPECT_GT(row, kickoff);
  EXPECT_LT(row, status);
  EXPECT_EQ(count(page, "<tr class=\"check "), 3u);
  EXPECT_NE(page.find("<a href=\"#check-2\">kickoff-content-location (system)</a>"),
            std::string::npos);
  EXPECT_NE(page.find("1 pass, 1 fail"), std::string::npos);
  // Evidence of a failure is open; the exit line says why the run failed.
  EXPECT_NE(page.find("<details open><summary>evidence</summary><pre>GET /fhir/$export</pre>"),
            std::string::npos);
  EXPECT_NE(page.find("exit 1 (a SHALL check failed)"), std::string::npos);
}

TEST(ReportHtml, APassingRunListsNoFailuresAndSaysWhenItIsInconclusive) {
  auto r = sample();
  r.results.pop_back();
  EXPECT_EQ(html(r).find("Failed SHALL checks"), std::string::npos);
  r.results.push_back(result("status-complete", "status", Status::kSkip));
  r.results.back().out_of_time = true;
  const auto page = html(r);
  EXPECT_NE(page.find("exit 3 (inconclusive: 1 SHALL check(s) ran out of time"), std::string::npos);
  EXPECT_NE(page.find("skip (out of time)"), std::string::npos);
}

TEST(ReportHtml, IsSelfContained) {
  const auto page = html(sample());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("</html>\n"), std::string::npos);
  for (const char* outside : {"<script", "<link", "src=", "@import", "url("})
    EXPECT_EQ(page.find(outside), std::string::npos) << outside;
}

}  // namespace
}  // namespace bh::conformance
