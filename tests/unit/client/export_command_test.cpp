// `bulkharness export` argument parsing: values, defaults and usage errors naming the flag.
#include <gtest/gtest.h>

#include "client/export_command.hpp"
#include "protocol/fhir_instant.hpp"

namespace bh::client {
namespace {

std::string error_of(const std::vector<std::string>& args) {
  auto r = parse_export_args(args);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().message();
}

TEST(ExportArgs, ParsesEveryOption) {
  auto r = parse_export_args({"--base-url",
                              "http://localhost:8080/fhir",
                              "--out",
                              "dl",
                              "--level",
                              "group:g-1",
                              "--type",
                              "Patient,Coverage",
                              "--type=Group",
                              "--since",
                              "2025-01-01T00:00:00Z",
                              "--post",
                              "--timeout",
                              "90.5",
                              "--parallel=8",
                              "--seed",
                              "42",
                              "--ig-version",
                              "3.0.0",
                              "--no-release",
                              "--param",
                              "_outputFormat=ndjson",
                              "--bearer-token",
                              "t0k"});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->base_url, "http://localhost:8080/fhir");
  EXPECT_EQ(r->out_dir, "dl");
  EXPECT_EQ(r->level, protocol::ExportLevel::kGroup);
  EXPECT_EQ(r->group_id, "g-1");
  EXPECT_EQ(r->types, (std::vector<std::string>{"Patient", "Coverage", "Group"}));
  EXPECT_EQ(r->since, protocol::parse_fhir_instant("2025-01-01T00:00:00Z").value());
  EXPECT_TRUE(r->use_post);
  EXPECT_EQ(r->timeout, millis(90500));
  EXPECT_EQ(r->parallel, 8u);
  EXPECT_EQ(r->seed, 42u);
  EXPECT_EQ(r->ig_version, protocol::IgVersion::kV3_0_0);
  EXPECT_FALSE(r->release);
  ASSERT_EQ(r->params.size(), 1u);
  EXPECT_EQ(r->params[0].second, "ndjson");
  EXPECT_EQ(r->bearer_token, "t0k");
  const auto o = to_client_options(*r, kVirtualEpoch);
  EXPECT_EQ(o.deadline, kVirtualEpoch + millis(90500));
  EXPECT_EQ(o.max_parallel_downloads, 8u);
  EXPECT_TRUE(o.https_supported);
  EXPECT_TRUE(validate_options(o).ok());
}

TEST(ExportArgs, Defaults) {
  auto r = parse_export_args({"--base-url", "http://h/fhir", "--out", "o"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->level, protocol::ExportLevel::kSystem);
  EXPECT_EQ(r->timeout, seconds(3600));
  EXPECT_EQ(r->parallel, 4u);
  EXPECT_TRUE(r->release);
  EXPECT_FALSE(r->use_post);
  EXPECT_EQ(r->ig_version, protocol::kDefaultIgVersion);
}

TEST(ExportArgs, UsageErrorsNameTheFlagAndTheExpectation) {
  EXPECT_NE(error_of({"--out", "o"}).find("--base-url"), std::string::npos);
  EXPECT_NE(error_of({"--base-url", "http://h"}).find("--out"), std::string::npos);
  const auto level = error_of({"--base-url", "http://h", "--out", "o", "--level", "world"});
  EXPECT_NE(level.find("--level"), std::string::npos);
  EXPECT_NE(level.find("system, patient or group:ID"), std::string::npos);
  EXPECT_NE(level.find("\"world\""), std::string::npos);
  EXPECT_NE(error_of({"--base-url", "http://h", "--out", "o", "--timeout", "-3"}).find("--timeout"),
            std::string::npos);
  EXPECT_NE(error_of({"--base-url", "http://h", "--out", "o", "--parallel", "0"}).find("1 to 64"),
            std::string::npos);
  EXPECT_NE(
      error_of({"--base-url", "http://h", "--out", "o", "--frobnicate"}).find("unknown option"),
      std::string::npos);
  EXPECT_NE(error_of({"--base-url", "http://h", "--out", "o", "stray"}).find("unexpected argument"),
            std::string::npos);
  EXPECT_TRUE(parse_export_args({"--base-url", "https://h", "--out", "o"}).ok());
  EXPECT_NE(error_of({"--base-url", "http://h", "--out", "o", "--client-id", "c"})
                .find("--private-key: missing"),
            std::string::npos);
  EXPECT_NE(error_of({"--base-url", "http://h", "--out", "o", "--insecure", "--ca-file", "f"})
                .find("contradicts --ca-file"),
            std::string::npos);
  EXPECT_NE(
      error_of({"--base-url", "http://h", "--out", "o", "--since", "2025-01-01"}).find("--since"),
      std::string::npos);
  EXPECT_NE(
      error_of({"--base-url", "http://h", "--out", "o", "--type", "Patient,,X"}).find("--type"),
      std::string::npos);
  EXPECT_NE(error_of({"--base-url", "http://h", "--out", "o", "--seed"}).find("missing value"),
            std::string::npos);
  EXPECT_NE(error_of({"--base-url", "http://h", "--out", "o", "--out", "p"}).find("more than once"),
            std::string::npos);
  EXPECT_NE(
      error_of({"--base-url", "http://h", "--out", "o", "--ig-version", "9"}).find("4.0.0-ballot"),
      std::string::npos);
}

}  // namespace
}  // namespace bh::client
