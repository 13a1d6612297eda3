// What particular faults do to the answer, beyond "something changed": the exact Retry-After
// forms, scaling, outcome codes, rewritten files and manifests, and the wire scripts.
#include <gtest/gtest.h>
#include <zlib.h>

#include "mockserver/wire_script.hpp"
#include "protocol/operation_outcome.hpp"
#include "protocol/retry_after.hpp"
#include "scenario_fixture.hpp"

namespace bh::mockserver {
namespace {

using Json = nlohmann::ordered_json;
using testing::MockTest;

Json one_rule(const std::string& endpoint, Json fault, Json match_extra = Json::object()) {
  Json match = {{"endpoint", endpoint}};
  for (auto& [k, v] : match_extra.items())
    match[k] = v;
  return testing::scenario_json(
      Json::array({{{"id", "r"}, {"match", match}, {"fault", std::move(fault)}}}));
}

// The answer to the first status poll under a throttle of the given form.
protocol::Response throttled(const std::string& form, double scale = 1.0) {
  auto config = testing::mock_config(testing::scenario_from(
      one_rule("status", {{"kind", "throttle"}, {"retry_after", "120s"}, {"form", form}})));
  config.service.wire = TimeScale{kVirtualEpoch, scale};
  MockServer server(config);
  auto k = server.handle(testing::get("/fhir/$export", testing::kickoff_headers()), kVirtualEpoch);
  return server.handle(testing::get(testing::path_of(*k.headers.get("Content-Location"))),
                       kVirtualEpoch);
}

TEST(ThrottleFault, EveryRetryAfterFormIsWrittenAsSeenInTheWild) {
  const Instant now = kVirtualEpoch;
  auto delay = [&](const std::string& form) -> std::optional<Duration> {
    auto r = throttled(form);
    EXPECT_EQ(r.status, 429);
    auto v = r.headers.get("Retry-After");
    if (!v) return std::nullopt;
    auto parsed = protocol::parse_retry_after(*v, now);
    if (!parsed) return Duration{-1};
    return parsed->delay_from(now);
  };
  EXPECT_EQ(delay("seconds"), seconds(120));
  EXPECT_EQ(delay("http-date"), seconds(120));
  EXPECT_EQ(delay("rfc850"), seconds(120));
  EXPECT_EQ(delay("asctime"), seconds(120));
  EXPECT_EQ(delay("zero"), seconds(0));
  EXPECT_EQ(delay("past-date"), seconds(0));   // a date an hour ago: no wait
  EXPECT_EQ(delay("negative"), Duration{-1});  // not delay-seconds: a parse error
  EXPECT_EQ(delay("fractional"), Duration{-1});
  EXPECT_EQ(delay("garbage"), Duration{-1});
  EXPECT_GE(delay("huge"), seconds(2147483647));         // the parser saturates, as documented
  EXPECT_EQ(delay("epoch"), seconds(1767225600 + 120));  // the Unix time, read as seconds
  EXPECT_EQ(delay("missing"), std::nullopt);
  auto dup = throttled("duplicated");
  EXPECT_EQ(dup.headers.get_all("Retry-After").size(), 2u);
  EXPECT_EQ(*throttled("http-date").headers.get("Retry-After"), "Thu, 01 Jan 2026 00:02:00 GMT");
  auto oo = protocol::parse_outcome(throttled("seconds").body);
  ASSERT_TRUE(oo.ok());
  EXPECT_EQ((*oo)[0].code, "throttled");
}

TEST(ThrottleFault, RetryAfterIsScaledToWhatTheClientWaits) {
  EXPECT_EQ(*throttled("seconds", 60).headers.get("Retry-After"), "2");    // 120 s / 60
  EXPECT_EQ(*throttled("seconds", 1000).headers.get("Retry-After"), "1");  // rounded up
}

TEST(ThrottleFault, QuotaAllowsLimitPerWindowThenSaysHowLongIsLeft) {
  MockTest t(one_rule("metadata", {{"kind", "throttle-quota"}, {"limit", 2}, {"window", "60s"}}));
  std::vector<int> got;
  for (int i = 0; i < 4; ++i) {
    got.push_back(t.get("/fhir/metadata").status);
    t.clock.advance(seconds(10));
  }
  EXPECT_EQ(got, (std::vector<int>{200, 200, 429, 429}));
  EXPECT_EQ(*t.get("/fhir/metadata").headers.get("Retry-After"), "20");  // 40 s in, 20 left
  t.clock.advance(seconds(21));
  EXPECT_EQ(t.get("/fhir/metadata").status, 200);  // a new window
}

TEST(StatusErrorFaults, TransientCodesAreTransientAndFatalOnesAreNot) {
  for (const char* code :
       {"transient", "lock-error", "no-store", "exception", "timeout", "incomplete", "throttled"}) {
    MockTest t(one_rule("metadata", {{"kind", "transient-error"}, {"code", code}}));
    auto oo = protocol::parse_outcome(t.get("/fhir/metadata").body);
    ASSERT_TRUE(oo.ok()) << code;
    EXPECT_TRUE(protocol::is_transient_outcome(*oo)) << code;
    EXPECT_EQ((*oo)[0].code, code);
  }
  MockTest fatal(one_rule("metadata", {{"kind", "fatal-error"}, {"code", "too-costly"}}));
  auto r = fatal.get("/fhir/metadata");
  EXPECT_EQ(r.status, 500);
  EXPECT_FALSE(protocol::is_transient_outcome(*protocol::parse_outcome(r.body)));
  MockTest html(one_rule("metadata", {{"kind", "non-fhir-error"}}));
  auto h = html.get("/fhir/metadata");
  EXPECT_EQ(h.headers.get("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_FALSE(protocol::parse_outcome(h.body).ok());
}

TEST(KickoffFaults, ContentLocationIsBrokenAsNamed) {
  MockTest rel(one_rule("kickoff", {{"kind", "kickoff-relative-content-location"}}));
  auto r = rel.get("/fhir/$export", testing::kickoff_headers());
  EXPECT_EQ(r.headers.get("Content-Location").value_or("").rfind("/fhir/bulkstatus/", 0), 0u);
  MockTest two(one_rule("kickoff", {{"kind", "kickoff-two-content-locations"}}));
  EXPECT_EQ(two.get("/fhir/$export", testing::kickoff_headers())
                .headers.get_all("Content-Location")
                .size(),
            2u);
  MockTest strict(one_rule("kickoff", {{"kind", "kickoff-strict-headers"}}));
  EXPECT_EQ(strict.get("/fhir/$export", testing::kickoff_headers()).status, 202);  // passes
  EXPECT_EQ(strict.get("/fhir/$export").status, 400);                              // no headers
}

// Completes a job and returns (manifest, the tester) for file faults.
Json manifest_of(MockTest& t) {
  const std::string status = t.kickoff();
  t.clock.advance(seconds(61));
  return Json::parse(testing::seen(t.get(status)).body);
}

std::string gunzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 22, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

TEST(FileFaults, RewrittenBodiesAreExactlyWhatTheyClaim) {
  MockTest plain(testing::scenario_json(Json::array()));
  const Json m = manifest_of(plain);
  const std::string url = testing::path_of(m["output"][0]["url"].get<std::string>());
  const std::string original = testing::seen(plain.get(url)).body;
  const auto lines = std::count(original.begin(), original.end(), '\n');

  MockTest gz(one_rule("file", {{"kind", "ndjson-gzip"}}));
  manifest_of(gz);
  auto g = testing::seen(gz.get(url));
  EXPECT_EQ(gunzip(g.body), original);
  MockTest arr(one_rule("file", {{"kind", "ndjson-json-array"}}));
  manifest_of(arr);
  auto a = Json::parse(testing::seen(arr.get(url)).body);
  ASSERT_TRUE(a.is_array());
  EXPECT_EQ(static_cast<long>(a.size()), lines);
  MockTest crlf(one_rule("file", {{"kind", "ndjson-crlf"}}));
  manifest_of(crlf);
  const std::string c = testing::seen(crlf.get(url)).body;
  EXPECT_EQ(std::count(c.begin(), c.end(), '\r'), lines);
  MockTest cut(one_rule("file", {{"kind", "ndjson-truncated-last-line"}}));
  manifest_of(cut);
  const std::string tr = testing::seen(cut.get(url)).body;
  EXPECT_NE(tr.back(), '\n');
  EXPECT_LT(tr.size(), original.size());
}

TEST(ManifestFaults, AddedFilesAreServedAndPagesCoverEverything) {
  MockTest err(one_rule("status", {{"kind", "manifest-error-files"}, {"count", 3}},
                        {{"job_state", "completed"}}));
  const Json m = manifest_of(err);
  ASSERT_EQ(m["error"].size(), 1u);
  auto f = testing::seen(err.get(testing::path_of(m["error"][0]["url"].get<std::string>())));
  EXPECT_EQ(f.status, 200);
  EXPECT_EQ(std::count(f.body.begin(), f.body.end(), '\n'), 3);
  EXPECT_TRUE(protocol::parse_outcome(f.body.substr(0, f.body.find('\n'))).ok());

  MockTest plain(testing::scenario_json(Json::array()));
  const Json all = manifest_of(plain);
  MockTest paged(
      one_rule("status", {{"kind", "manifest-link-paging"}}, {{"job_state", "completed"}}));
  const Json p1 = manifest_of(paged);
  ASSERT_EQ(p1["link"][0]["relation"], "next");
  const Json p2 = Json::parse(
      testing::seen(paged.get(testing::path_of(p1["link"][0]["url"].get<std::string>()))).body);
  EXPECT_FALSE(p2.contains("link"));
  EXPECT_EQ(p1["output"].size() + p2["output"].size(), all["output"].size());
  EXPECT_EQ(p2["output"].back(), all["output"].back());
}

// The error and deleted files are built from one dumped line with the number spliced in; each
// line must be exactly the document dumped on its own, past the digit-count boundaries too.
TEST(ManifestFaults, AddedFilesHoldEachLineAsItsOwnDump) {
  const auto lines_of = [](const std::string& kind, const std::string& field) {
    MockTest t(one_rule("status", {{"kind", kind}, {"count", 101}}, {{"job_state", "completed"}}));
    const Json m = manifest_of(t);
    const std::string url = m[field].at(0)["url"].get<std::string>();
    const std::string body = testing::seen(t.get(testing::path_of(url))).body;
    std::vector<std::string> lines;
    for (std::size_t at = 0, nl; (nl = body.find('\n', at)) != std::string::npos; at = nl + 1)
      lines.push_back(body.substr(at, nl - at));
    EXPECT_EQ(body.back(), '\n');
    return lines;
  };
  const auto dumped = [](const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
  };
  const auto errors = lines_of("manifest-error-files", "error");
  const auto deleted = lines_of("manifest-deleted-entries", "deleted");
  ASSERT_EQ(errors.size(), 101u);
  ASSERT_EQ(deleted.size(), 101u);
  for (const int i : {1, 9, 10, 99, 100, 101}) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(errors[static_cast<std::size_t>(i - 1)],
              dumped(protocol::make_outcome("error", "processing",
                                            "resource " + n +
                                                " could not be exported: its source record is "
                                                "corrupt (partial success, ST-13)")));
    EXPECT_EQ(
        deleted[static_cast<std::size_t>(i - 1)],
        dumped(Json{
            {"resourceType", "Bundle"},
            {"type", "transaction"},
            {"entry", {{{"request", {{"method", "DELETE"}, {"url", "Patient/deleted-" + n}}}}}}}));
  }
}

TEST(DeliveryFaults, RedirectGoesToTheOtherLoopbackHostOnce) {
  MockTest t(one_rule("file", {{"kind", "redirect"}}));
  const Json m = manifest_of(t);
  const std::string url = testing::path_of(m["output"][0]["url"].get<std::string>());
  auto r = t.get(url);
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.headers.get("Location").value_or(""), "http://127.0.0.2:9999" + url);
  protocol::Headers h;
  h.add("Host", "127.0.0.2:9999");
  EXPECT_EQ(t.get(url, h).status, 200);  // the redirected request is served
}

TEST(TimelineFaults, SeparateExportStatusMovesTheJobStatusIntoAHeader) {
  MockTest t(one_rule("any", {{"kind", "separate-export-status"}}));
  protocol::Headers h = testing::kickoff_headers();
  h.set("Prefer", "respond-async, separate-export-status");
  auto k = t.get("/fhir/$export", h);
  EXPECT_EQ(k.headers.get("Preference-Applied").value_or(""),
            "respond-async, separate-export-status");
  auto s = t.get(testing::path_of(*k.headers.get("Content-Location")));
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.headers.get("X-Export-Status").value_or(""), "202 Accepted");
  const std::string other = t.kickoff();  // did not ask: untouched
  EXPECT_EQ(t.get(other).status, 202);
}

protocol::Response planned(std::string body, protocol::WirePlan plan) {
  protocol::Response r;
  r.status = 200;
  r.headers.set("Content-Type", "application/fhir+ndjson");
  r.body = std::move(body);
  r.wire = plan;
  return r;
}

std::string written(const WireScript& s) {
  std::string out;
  for (const auto& st : s.steps)
    if (st.kind == WireStep::Kind::kWrite) out += s.bytes.substr(st.offset, st.length);
  return out;
}

TEST(WireScript, EachPlanBecomesExactBytesAndPauses) {
  using A = protocol::WirePlan::Action;
  const std::string body(1000, 'x');
  protocol::WirePlan p;
  p.content_length_delta = -100;
  auto s = make_wire_script(planned(body, p), false);
  EXPECT_NE(written(s).find("Content-Length: 900\r\n"), std::string::npos);
  EXPECT_EQ(written(s).substr(written(s).size() - 1000), body);  // the whole body anyway
  EXPECT_EQ(s.steps.back().kind, WireStep::Kind::kClose);

  p = {};
  p.action = A::kResetMidBody;
  p.after_bytes = 300;
  s = make_wire_script(planned(body, p), false);
  const std::string w = written(s);
  EXPECT_EQ(w.size() - w.find("\r\n\r\n") - 4, 300u);
  EXPECT_EQ(s.steps.back().kind, WireStep::Kind::kReset);

  p = {};
  p.action = A::kMalformedChunk;
  s = make_wire_script(planned(body, p), false);
  EXPECT_NE(written(s).find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(written(s).find("zz; not-hex"), std::string::npos);

  p = {};
  p.bytes_per_second = 2000;  // 1000 bytes at 2000 B/s: half a second of pauses
  s = make_wire_script(planned(body, p), true);
  Duration paused{};
  for (const auto& st : s.steps)
    if (st.kind == WireStep::Kind::kPause) paused += st.pause;
  EXPECT_GE(paused, millis(440));
  EXPECT_LE(paused, millis(500));
  EXPECT_NE(written(s).find("0\r\n\r\n"), std::string::npos);  // chunked, properly ended

  p = {};
  p.stall_after_bytes = 10;
  p.stall = seconds(3);
  s = make_wire_script(planned(body, p), false);
  ASSERT_GE(s.steps.size(), 3u);
  EXPECT_EQ(s.steps[1].kind, WireStep::Kind::kPause);
  EXPECT_EQ(s.steps[1].pause, seconds(3));

  p = {};
  p.action = A::kNeverAnswer;
  p.hold = seconds(7);
  s = make_wire_script(planned(body, p), false);
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_TRUE(s.bytes.empty());
  EXPECT_EQ(s.steps[0].pause, seconds(7));
}

}  // namespace
}  // namespace bh::mockserver
