// Downloads: S13-S16, T24-T27, T33-T35 (DL-01..DL-03, DL-09, DL-15, MF-04..MF-06).
#include <gtest/gtest.h>

#include "client_test_support.hpp"
#include "protocol/http_date.hpp"

namespace bh::client::testing {
namespace {

const std::string kP1 = "http://srv/files/p1.ndjson";
const std::string kP2 = "http://srv/files/p2.ndjson";
const std::string kO1 = "http://srv/files/o1.ndjson";
const std::string kE1 = "http://srv/files/e1.ndjson";
const std::string kD1 = "http://srv/files/d1.ndjson";

ScriptedServer happy_server() {
  ScriptedServer s;
  s.manifest = manifest_json({{"Patient", kP1, 3}, {"Patient", kP2, 2}, {"Observation", kO1, 4}},
                             {{"OperationOutcome", kE1, 1}});
  s.files = {{kP1, ndjson("Patient", 3, "a")},
             {kP2, ndjson("Patient", 2, "b")},
             {kO1, ndjson("Observation", 4)},
             {kE1, ndjson("OperationOutcome", 1)}};
  return s;
}

struct Job {
  MemorySink sink;
  ScriptedServer server = happy_server();
  ClientOptions options = base_options();
  std::vector<ClientEvent> events;
  RunResult run() {
    ExportClient c(options, sink);
    auto r = drive(c, std::ref(server));
    events = c.events();
    return r;
  }
  bool logged(const std::string& needle) const {
    for (const auto& e : events)
      if (e.text.find(needle) != std::string::npos) return true;
    return false;
  }
};

TEST(Download, HappyPathDownloadsValidatesSavesAndReleases) {
  Job job;
  auto r = job.run();
  ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message;
  EXPECT_EQ(exit_code(r.outcome.kind), 0);
  const auto& files = job.sink.state->files;
  EXPECT_EQ(files.at("Patient-1.ndjson"), ndjson("Patient", 3, "a"));
  EXPECT_EQ(files.at("Patient-2.ndjson"), ndjson("Patient", 2, "b"));
  EXPECT_EQ(files.at("Observation-1.ndjson"), ndjson("Observation", 4));
  EXPECT_EQ(files.at("error-1.ndjson"), ndjson("OperationOutcome", 1));
  EXPECT_EQ(files.at("manifest.json"), job.server.manifest);
  EXPECT_EQ(r.outcome.counts.files_expected, 4u);
  EXPECT_EQ(r.outcome.counts.files_ok, 4u);
  EXPECT_EQ(r.outcome.counts.resources_by_type.at("Patient"), 5u);
  EXPECT_EQ(r.outcome.counts.resources_by_type.at("Observation"), 4u);
  EXPECT_EQ(r.outcome.counts.resources_by_type.at("OperationOutcome"), 1u);
  std::uint64_t bytes = 0;
  for (const auto& [url, body] : job.server.files)
    bytes += body.size();
  EXPECT_EQ(r.outcome.counts.bytes, bytes);
  EXPECT_EQ(r.outcome.counts.requests, r.sent.size());
  // File requests ask for NDJSON and nothing compressed (DL-02, DL-09).
  for (const auto& s : r.sent) {
    if (s.send.url.find("/files/") == std::string::npos) continue;
    EXPECT_EQ(s.send.req.headers.get("Accept").value_or(""), "application/fhir+ndjson");
    EXPECT_FALSE(s.send.req.headers.has("Accept-Encoding"));
    EXPECT_EQ(s.send.max_body_bytes, 0u);
  }
  // Release DELETE (T34) is the last request, after every file.
  ASSERT_TRUE(is_delete(r.sent.back().send));
  EXPECT_EQ(r.sent.back().send.url, kStatus);
  EXPECT_EQ(filter(r.sent, is_delete).size(), 1u);
  EXPECT_TRUE(job.logged("download Patient-1.ndjson: 200, 3 resources"));
  EXPECT_NE(r.outcome.message.find("released"), std::string::npos);
}

TEST(Download, NoReleaseMeansNoDelete) {
  Job job;
  job.options.release_after_download = false;
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kSuccess);
  EXPECT_EQ(filter(r.sent, is_delete).size(), 0u);
}

TEST(Download, RefusedReleaseOnlyWarns) {
  Job job;
  job.server.delete_hook = [](const Send&, Instant) -> std::optional<Reply> {
    return reply(405, {{"Content-Type", "application/fhir+json"}},
                 outcome_json("error", "not-supported", "no DELETE here"));
  };
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kSuccess);
  EXPECT_NE(r.outcome.message.find("warning"), std::string::npos);
}

TEST(Download, CountMismatchIsValidationFailure) {
  Job job;
  job.server.files[kO1] = ndjson("Observation", 3);  // manifest says 4
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kValidationFailed);
  EXPECT_EQ(exit_code(r.outcome.kind), 7);
  EXPECT_NE(r.outcome.message.find("Observation-1.ndjson"), std::string::npos);
  EXPECT_NE(r.outcome.message.find("count is 4"), std::string::npos) << r.outcome.message;
  EXPECT_EQ(r.outcome.counts.files_ok, 3u);
}

TEST(Download, WrongResourceTypeIsValidationFailure) {
  Job job;
  job.server.files[kP2] = ndjson("Patient", 1) + ndjson("Observation", 1);
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kValidationFailed);
  EXPECT_NE(r.outcome.message.find("line 2"), std::string::npos) << r.outcome.message;
}

TEST(Download, ErrorAndDeletedFilesAreCheckedForTheirTypes) {
  Job job;
  job.server.manifest =
      manifest_json({}, {{"OperationOutcome", kE1, {}}}, false, {{"Bundle", kD1, {}}});
  job.server.files = {{kE1, ndjson("Patient", 1)}, {kD1, ndjson("Bundle", 2)}};
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kValidationFailed);
  ASSERT_EQ(r.outcome.files.size(), 2u);
  EXPECT_EQ(r.outcome.files[0].name, "error-1.ndjson");
  EXPECT_FALSE(r.outcome.files[0].ok);
  EXPECT_EQ(r.outcome.files[1].name, "deleted-1.ndjson");
  EXPECT_TRUE(r.outcome.files[1].ok);
}

TEST(Download, MissingFileIsNeverSuccess) {
  Job job;
  job.server.files.erase(kP2);  // 404 before any Expires
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kDownloadFailed);
  EXPECT_EQ(exit_code(r.outcome.kind), 6);
  EXPECT_NE(r.outcome.message.find(kP2), std::string::npos);
  EXPECT_EQ(job.server.file_hits[kP2], 1);  // a 404 is not retried
  EXPECT_EQ(r.outcome.counts.files_ok, 3u);
  EXPECT_EQ(filter(r.sent, is_delete).size(), 0u);  // keep the job for a re-run
}

TEST(Download, ServerErrorsAreRetriedAndTheFileRewritten) {
  Job job;
  int hits = 0;
  job.server.file_hook = [&](const Send& s, Instant) -> std::optional<Reply> {
    if (s.url != kO1) return std::nullopt;
    ++hits;
    if (hits == 1) return reply(503, {{"Retry-After", "3"}});
    if (hits == 2) {  // half the body, then the connection drops
      Reply r = reply(200, {{"Content-Type", "application/fhir+ndjson"}}, ndjson("Observation", 4));
      r.error_after_bytes = 30;
      return r;
    }
    return std::nullopt;
  };
  auto r = job.run();
  ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message;
  EXPECT_EQ(hits, 3);
  EXPECT_EQ(job.sink.state->opens["Observation-1.ndjson"], 2);
  EXPECT_EQ(job.sink.state->discards["Observation-1.ndjson"], 1);
  EXPECT_EQ(job.sink.state->files.at("Observation-1.ndjson"), ndjson("Observation", 4));
  std::vector<Instant> at;
  for (const auto& s : r.sent)
    if (s.send.url == kO1) at.push_back(s.at);
  ASSERT_EQ(at.size(), 3u);
  EXPECT_GE(at[1] - at[0], seconds(3));
}

TEST(Download, RetriesExhaustedFailTheFile) {
  Job job;
  job.options.max_consecutive_failures = 3;
  job.server.file_hook = [&](const Send& s, Instant) -> std::optional<Reply> {
    if (s.url == kP1) return reply(500);
    return std::nullopt;
  };
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kDownloadFailed);
  EXPECT_EQ(job.server.file_hits[kP1], 3);
  EXPECT_NE(r.outcome.message.find("3 consecutive failures"), std::string::npos);
}

TEST(Download, ParallelDownloadsNeverExceedTheLimit) {
  Job job;
  job.options.max_parallel_downloads = 3;
  std::vector<FileSpec> specs;
  job.server.files.clear();
  for (int i = 0; i < 10; ++i) {
    const std::string url = "http://srv/files/x" + std::to_string(i);
    specs.push_back({"Patient", url, 2});
    job.server.files[url] = ndjson("Patient", 2);
  }
  job.server.manifest = manifest_json(specs);
  job.server.file_latency = seconds(2);
  auto r = job.run();
  ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess);
  EXPECT_EQ(r.max_in_flight, 3u);  // reached, never exceeded
  EXPECT_EQ(r.outcome.counts.files_ok, 10u);
  EXPECT_EQ(job.sink.state->files.count("Patient-10.ndjson"), 1u);
}

TEST(Download, RedirectIsFollowedAndTokenDroppedAcrossOrigins) {
  Job job;
  job.options.bearer_token = "secret";
  job.server.manifest = manifest_json({{"Patient", kP1, 3}, {"Patient", kP2, 2}}, {}, true);
  job.server.files = {{"http://bucket.example:9000/signed/p1?sig=abc", ndjson("Patient", 3)},
                      {"http://srv/files/moved-p2", ndjson("Patient", 2)}};
  job.server.file_hook = [](const Send& s, Instant) -> std::optional<Reply> {
    if (s.url == kP1)
      return reply(302, {{"Location", "http://bucket.example:9000/signed/p1?sig=abc"}});
    if (s.url == kP2) return reply(307, {{"Location", "/files/moved-p2"}});
    return std::nullopt;
  };
  auto r = job.run();
  ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message;
  std::map<std::string, bool> auth;
  for (const auto& s : r.sent)
    auth[s.send.url] = s.send.req.headers.has("Authorization");
  EXPECT_TRUE(auth.at(kP1));
  EXPECT_FALSE(auth.at("http://bucket.example:9000/signed/p1?sig=abc"));  // DL-15
  EXPECT_TRUE(auth.at(kP2));
  EXPECT_TRUE(auth.at("http://srv/files/moved-p2"));  // same origin keeps it
  EXPECT_TRUE(job.logged("Authorization dropped"));
}

TEST(Download, NoTokenOnFilesWhenNotRequired) {
  Job job;
  job.options.bearer_token = "secret";
  auto r = job.run();
  ASSERT_EQ(r.outcome.kind, OutcomeKind::kSuccess);
  for (const auto& s : r.sent) {
    const bool file = s.send.url.find("/files/") != std::string::npos;
    EXPECT_EQ(s.send.req.headers.has("Authorization"), !file) << s.send.url;  // DL-06
  }
}

TEST(Download, RedirectLoopIsBounded) {
  Job job;
  job.server.file_hook = [](const Send& s, Instant) -> std::optional<Reply> {
    if (s.url.find("/files/p1") != std::string::npos || s.url.find("/loop") != std::string::npos)
      return reply(302, {{"Location", "http://srv/loop"}});
    return std::nullopt;
  };
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kDownloadFailed);
  EXPECT_NE(r.outcome.message.find("more than 5 redirects"), std::string::npos);
  EXPECT_EQ(job.server.file_hits["http://srv/loop"], 5);
}

TEST(Download, CompressedBodyFailsClearly) {
  Job job;
  job.server.file_hook = [](const Send& s, Instant) -> std::optional<Reply> {
    if (s.url == kP1)
      return reply(200, {{"Content-Type", "application/fhir+ndjson"}, {"Content-Encoding", "gzip"}},
                   "\x1f\x8b junk");
    return std::nullopt;
  };
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kDownloadFailed);
  EXPECT_NE(r.outcome.message.find("gzip not supported yet"), std::string::npos);
  EXPECT_EQ(job.sink.state->files.count("Patient-1.ndjson"), 0u);
}

TEST(Download, WrongContentTypeOnlyWarns) {
  Job job;
  job.server.file_hook = [&](const Send& s, Instant) -> std::optional<Reply> {
    if (s.url == kP1) return reply(200, {{"Content-Type", "text/plain"}}, job.server.files[kP1]);
    return std::nullopt;
  };
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kSuccess);
  EXPECT_TRUE(job.logged("Content-Type is text/plain"));
}

TEST(Download, LocalWriteFailureIsDownloadFailure) {
  Job job;
  job.server.manifest = manifest_json({});
  job.sink.state->fail_open = true;  // cannot even save manifest.json
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kDownloadFailed);
  EXPECT_NE(r.outcome.message.find("manifest.json"), std::string::npos);
}

Reply completed_with_expires(const ScriptedServer& s, Instant expires) {
  return reply(
      200, {{"Content-Type", "application/json"}, {"Expires", protocol::format_http_date(expires)}},
      s.manifest);
}

// The server hands out links that live 45 s from the manifest that listed them.
struct ExpiringServer {
  Instant expires{};
  int manifests = 0;
  void install(ScriptedServer& server) {
    server.polls_before_done = 0;
    server.file_latency = seconds(30);
    server.status_hook = [this, &server](const Send&, Instant now) -> std::optional<Reply> {
      ++manifests;
      expires = now + seconds(45);
      return completed_with_expires(server, expires);
    };
    server.file_hook = [this](const Send&, Instant now) -> std::optional<Reply> {
      if (now > expires) return reply(410);
      return std::nullopt;
    };
  }
};

TEST(Download, ExpiredLinksAreGoneBeforeIg3) {
  Job job;
  job.options.max_parallel_downloads = 1;
  ExpiringServer expiring;
  expiring.install(job.server);
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kGone);
  EXPECT_NE(r.outcome.message.find("links expired"), std::string::npos) << r.outcome.message;
  ASSERT_EQ(r.outcome.files.size(), 4u);
  EXPECT_TRUE(r.outcome.files[0].ok);
  EXPECT_TRUE(r.outcome.files[1].ok);
  EXPECT_FALSE(r.outcome.files[2].ok);
  EXPECT_EQ(expiring.manifests, 1);  // V2 has no way to renew links
}

TEST(Download, ExpiredLinksAreRefreshedFromIg3) {
  Job job;
  job.options.ig_version = protocol::IgVersion::kV3_0_0;
  job.options.max_parallel_downloads = 1;
  ExpiringServer expiring;
  expiring.install(job.server);
  auto r = job.run();
  EXPECT_EQ(r.outcome.kind, OutcomeKind::kSuccess) << r.outcome.message;
  EXPECT_EQ(expiring.manifests, 2);
  EXPECT_TRUE(job.logged("refreshed manifest: 1 link(s) renewed"));
}

}  // namespace
}  // namespace bh::client::testing
