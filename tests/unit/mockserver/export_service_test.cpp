#include <set>

#include "protocol/http_date.hpp"
#include "protocol/manifest.hpp"
#include "protocol/ndjson.hpp"
#include "protocol/operation_outcome.hpp"
#include "protocol/retry_after.hpp"
#include "service_fixture.hpp"

namespace bh::testing {
namespace {

using nlohmann::json;

std::uint64_t total_count(const json& manifest) {
  std::uint64_t n = 0;
  for (const auto& o : manifest["output"])
    n += o["count"].get<std::uint64_t>();
  return n;
}

std::set<std::string> types_of(const json& manifest) {
  std::set<std::string> out;
  for (const auto& o : manifest["output"])
    out.insert(o["type"].get<std::string>());
  return out;
}

void expect_outcome(const protocol::Response& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/fhir+json");
  auto issues = protocol::parse_outcome(r.body);
  ASSERT_TRUE(issues.ok()) << r.body;
  EXPECT_FALSE(issues->empty());
}

TEST_F(ServiceTest, MetadataDeclaresTheOperations) {
  auto r = handle(get("/fhir/metadata"));
  ASSERT_EQ(r.status, 200);
  auto cs = json::parse(r.body);
  EXPECT_EQ(cs["resourceType"], "CapabilityStatement");
  EXPECT_NE(r.body.find("http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"),
            std::string::npos);
  EXPECT_NE(r.body.find("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"),
            std::string::npos);
}

TEST_F(ServiceTest, SystemExportRunsThroughEveryState) {
  const auto status = kickoff("/fhir/$export");
  // In progress: 202, Retry-After, X-Progress under 100 characters (ST-07).
  clock_.advance(seconds(4));
  auto p = handle(get(status));
  ASSERT_EQ(p.status, 202);
  EXPECT_EQ(p.headers.get("Retry-After").value_or(""), "2");
  ASSERT_TRUE(p.headers.get("X-Progress").has_value());
  EXPECT_EQ(*p.headers.get("X-Progress"), "40% complete");
  // Too fast: 429 with Retry-After and an OperationOutcome (ST-05).
  clock_.advance(millis(300));
  auto t = handle(get(status));
  expect_outcome(t, 429);
  EXPECT_EQ(t.headers.get("Retry-After").value_or(""), "1");
  // Done: a manifest the validator accepts without errors (MF-*).
  auto manifest = complete(status);
  auto check = protocol::validate_manifest(manifest.dump(), protocol::IgVersion::kV2_0_0);
  ASSERT_TRUE(check.usable());
  for (const auto& f : check.findings)
    EXPECT_NE(f.severity, protocol::Severity::kError) << f.message;
  EXPECT_EQ(manifest["request"], "http://127.0.0.1:9999/fhir/$export");
  EXPECT_EQ(manifest["requiresAccessToken"], false);
  EXPECT_EQ(types_of(manifest).size(), datagen::Dataset::resource_types().size());
  // Every file: NDJSON of its type, as many lines as `count` says.
  for (const auto& o : manifest["output"]) {
    protocol::NdjsonValidator v(o["type"].get<std::string>());
    v.feed(file_body(o["url"].get<std::string>()));
    auto summary = v.finish();
    EXPECT_TRUE(summary.ok()) << o["url"];
    EXPECT_EQ(summary.resources, o["count"].get<std::uint64_t>()) << o["url"];
  }
}

TEST_F(ServiceTest, ManifestCarriesExpiresAndFilesExpire) {
  const auto status = kickoff("/fhir/Patient/$export");
  auto manifest = complete(status);
  clock_.advance(seconds(1));
  auto done = handle(get(status));
  auto expires = protocol::parse_http_date(done.headers.get("Expires").value_or(""));
  ASSERT_TRUE(expires.ok());
  EXPECT_EQ(*expires, kVirtualEpoch + seconds(10) + std::chrono::hours(1));
  clock_.set(*expires + seconds(1));
  const std::string url = manifest["output"][0]["url"];
  expect_outcome(handle(get(url.substr(std::string("http://127.0.0.1:9999").size()))), 410);
  clock_.advance(std::chrono::hours(1));
  expect_outcome(handle(get(status)), 404);  // purged after retention: GONE
}

TEST_F(ServiceTest, PatientAndGroupLevelsExportOnlyTheirData) {
  auto system = complete(kickoff("/fhir/$export"));
  auto patient = complete(kickoff("/fhir/Patient/$export"));
  auto group = complete(kickoff("/fhir/Group/small-cohort/$export"));
  EXPECT_TRUE(types_of(system).contains("Organization"));
  EXPECT_FALSE(types_of(patient).contains("Organization"));
  EXPECT_FALSE(types_of(patient).contains("Group"));
  EXPECT_GT(total_count(patient), total_count(group));
  std::uint64_t group_patients = 0;
  for (const auto& o : group["output"])
    if (o["type"] == "Patient") group_patients += o["count"].get<std::uint64_t>();
  EXPECT_EQ(group_patients, data_.find_group("small-cohort")->quantity);
}

TEST_F(ServiceTest, UnknownGroupIs404) {
  expect_outcome(handle(get("/fhir/Group/nope/$export", kickoff_headers())), 404);
}

TEST_F(ServiceTest, PostWithParametersEqualsGet) {
  auto by_get = complete(kickoff("/fhir/Patient/$export?_type=Patient,Coverage"));
  protocol::Request post = get("/fhir/Patient/$export", kickoff_headers());
  post.method = "POST";
  post.headers.add("Content-Type", "application/fhir+json");
  post.body = protocol::build_parameters_body({{"_type", "Patient"}, {"_type", "Coverage"}});
  clock_.advance(seconds(1));
  auto r = handle(post);
  ASSERT_EQ(r.status, 202) << r.body;
  auto loc = std::string(*r.headers.get("Content-Location"));
  auto by_post = complete(loc.substr(std::string("http://127.0.0.1:9999").size()));
  EXPECT_EQ(total_count(by_get), total_count(by_post));
  EXPECT_EQ(types_of(by_post), (std::set<std::string>{"Patient", "Coverage"}));
  EXPECT_EQ(by_post["request"], "http://127.0.0.1:9999/fhir/Patient/$export");  // MF-02
}

TEST_F(ServiceTest, TypeFilterAndUnsupportedTypes) {
  auto m = complete(kickoff("/fhir/$export?_type=Observation"));
  EXPECT_EQ(types_of(m), std::set<std::string>{"Observation"});
  expect_outcome(handle(get("/fhir/$export?_type=Medication", kickoff_headers())), 400);
  // Lenient: proceed, and report what was ignored in an error file (KO-09).
  auto h = kickoff_headers();
  h.add("Prefer", "handling=lenient");
  auto lenient = complete(kickoff("/fhir/$export?_type=Patient,Medication&_bogus=1", h));
  EXPECT_EQ(types_of(lenient), std::set<std::string>{"Patient"});
  ASSERT_EQ(lenient["error"].size(), 1u);
  auto errors = file_body(lenient["error"][0]["url"]);
  protocol::NdjsonValidator v("OperationOutcome");
  v.feed(errors);
  EXPECT_EQ(v.finish().resources, 2u);
  EXPECT_NE(errors.find("Medication"), std::string::npos);
  EXPECT_NE(errors.find("_bogus"), std::string::npos);
}

TEST_F(ServiceTest, SinceReallyFilters) {
  auto all = complete(kickoff("/fhir/$export?_type=Observation"));
  auto recent = complete(kickoff("/fhir/$export?_type=Observation&_since=2025-01-01T00:00:00Z"));
  EXPECT_LT(total_count(recent), total_count(all));
  EXPECT_GT(total_count(recent), 0u);
  for (const auto& o : recent["output"]) {
    std::string body = file_body(o["url"]);
    std::size_t pos = 0, lines = 0;
    while ((pos = body.find('\n')) != std::string::npos) {
      auto res = json::parse(body.substr(0, pos));
      EXPECT_GT(res["meta"]["lastUpdated"].get<std::string>(), "2025-01-01T00:00:00");
      body.erase(0, pos + 1);
      ++lines;
    }
    EXPECT_EQ(lines, o["count"].get<std::size_t>());
  }
  expect_outcome(handle(get("/fhir/$export?_since=yesterday", kickoff_headers())), 400);
}

TEST_F(ServiceTest, ElementsTrimAndTag) {
  auto m = complete(kickoff("/fhir/$export?_type=Patient&_elements=birthDate"));
  auto body = file_body(m["output"][0]["url"]);
  auto first = json::parse(body.substr(0, body.find('\n')));
  EXPECT_TRUE(first.contains("birthDate"));
  EXPECT_FALSE(first.contains("name"));
  EXPECT_NE(first["meta"].dump().find("SUBSETTED"), std::string::npos);
}

TEST_F(ServiceTest, DeleteCancelsThenStatusIs404) {
  const auto status = kickoff("/fhir/$export");
  protocol::Request del = get(status);
  del.method = "DELETE";
  auto d = handle(del);
  EXPECT_EQ(d.status, 202);  // DEL-02
  clock_.advance(seconds(20));
  expect_outcome(handle(get(status)), 404);  // ST-15 / DEL-04, even after the job would be done
  expect_outcome(handle(del), 404);          // DELETE twice
}

TEST_F(ServiceTest, DeleteAfterCompletionReleasesFiles) {
  const auto status = kickoff("/fhir/$export?_type=Patient");
  auto m = complete(status);
  protocol::Request del = get(status);
  del.method = "DELETE";
  EXPECT_EQ(handle(del).status, 202);
  const std::string url = m["output"][0]["url"];
  expect_outcome(handle(get(url.substr(std::string("http://127.0.0.1:9999").size()))), 404);
}

TEST_F(ServiceTest, AcceptPolicy) {
  protocol::Headers html;
  html.add("Accept", "text/html");
  expect_outcome(handle(get("/fhir/$export", html)), 406);
  // Missing Accept and Prefer: processed as application/fhir+json, asynchronously (KO-06, KO-08).
  auto r = handle(get("/fhir/$export"));
  EXPECT_EQ(r.status, 202);
}

TEST_F(ServiceTest, ConcurrentKickoffsAreThrottled) {
  config_.max_active_jobs_per_client = 2;
  rebuild();
  kickoff("/fhir/$export");
  kickoff("/fhir/$export");
  auto r = handle(get("/fhir/$export", kickoff_headers()));
  expect_outcome(r, 429);  // KO-13
  EXPECT_TRUE(protocol::parse_retry_after(r.headers.get("Retry-After").value_or("")).ok());
  clock_.advance(seconds(11));  // both completed: a new one is fine
  kickoff("/fhir/$export");
}

TEST_F(ServiceTest, RetryAfterAsHttpDateIsScaledAndRoundedUp) {
  config_.retry_after_form = protocol::RetryAfterForm::kHttpDate;
  config_.retry_after = seconds(30);
  config_.job_duration = seconds(600);
  config_.wire = TimeScale{kVirtualEpoch, 10.0};  // 10 scenario seconds per wire second
  rebuild();
  const auto status = kickoff("/fhir/$export");
  clock_.advance(millis(1500));  // scenario 1.5 s = wire 0.15 s
  auto r = handle(get(status));
  ASSERT_EQ(r.status, 202);
  auto ra = protocol::parse_retry_after(r.headers.get("Retry-After").value_or(""));
  ASSERT_TRUE(ra.ok());
  ASSERT_EQ(ra->kind, protocol::RetryAfter::Kind::kHttpDate);
  // wire now 0.15 s + 3 s, rounded up to the whole second.
  EXPECT_EQ(ra->date, kVirtualEpoch + seconds(4));
}

TEST_F(ServiceTest, SameSeedSameResponses) {
  auto run = [&] {
    rebuild();
    std::string transcript;
    VirtualClock c;
    auto h = [&](const protocol::Request& r) {
      auto resp = service_->handle(r, c.now());
      transcript += std::to_string(resp.status);
      for (const auto& hd : resp.headers)
        transcript += hd.name + ":" + hd.value + ";";
      transcript += body_of(resp);
    };
    h(get("/fhir/Group/plan-a/$export?_type=Patient,Condition", kickoff_headers()));
    c.advance(seconds(11));
    auto loc = std::string(
        *service_->handle(get("/fhir/$export"), c.now()).headers.get("Content-Location"));
    c.advance(seconds(11));
    h(get(loc.substr(std::string("http://127.0.0.1:9999").size())));
    return transcript;
  };
  const auto a = run();
  const auto b = run();
  EXPECT_EQ(a, b);
  EXPECT_GT(a.size(), 100u);
}

TEST_F(ServiceTest, GroupReadAndSearch) {
  auto search = handle(get("/fhir/Group?identifier=" + data_.groups()[0].identifier_value));
  ASSERT_EQ(search.status, 200);
  auto bundle = json::parse(search.body);
  EXPECT_EQ(bundle["type"], "searchset");
  ASSERT_EQ(bundle["total"], 1);
  auto read = handle(get("/fhir/Group/small-cohort"));
  ASSERT_EQ(read.status, 200);
  auto group = json::parse(body_of(read));
  EXPECT_EQ(group["resourceType"], "Group");
  EXPECT_EQ(group["member"].size(), data_.find_group("small-cohort")->quantity);
  expect_outcome(handle(get("/fhir/Group/nope")), 404);
}

TEST_F(ServiceTest, PatientParameterRestrictsAndValidates) {
  protocol::Request post = get("/fhir/Patient/$export", kickoff_headers());
  post.method = "POST";
  post.headers.add("Content-Type", "application/fhir+json");
  const std::string p3 = "Patient/" + data_.patient_id(3);
  post.body = protocol::build_parameters_body({{"patient", p3}, {"_type", "Patient"}});
  auto r = handle(post);
  ASSERT_EQ(r.status, 202) << r.body;
  auto loc = std::string(*r.headers.get("Content-Location"));
  auto m = complete(loc.substr(std::string("http://127.0.0.1:9999").size()));
  ASSERT_EQ(m["output"].size(), 1u);
  EXPECT_EQ(m["output"][0]["count"], 1);
  EXPECT_NE(file_body(m["output"][0]["url"]).find(data_.patient_id(3)), std::string::npos);
  post.body = protocol::build_parameters_body({{"patient", "Patient/does-not-exist"}});
  expect_outcome(handle(post), 400);  // ERR-08
}

TEST_F(ServiceTest, UnknownRoutesAndMethods) {
  expect_outcome(handle(get("/elsewhere")), 404);
  protocol::Request put = get("/fhir/$export");
  put.method = "PUT";
  auto r = handle(put);
  expect_outcome(r, 405);
  EXPECT_EQ(r.headers.get("Allow").value_or(""), "GET, POST");
}

}  // namespace
}  // namespace bh::testing
