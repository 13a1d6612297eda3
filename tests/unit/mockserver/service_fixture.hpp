// Test fixture: an ExportService over the real generator, driven on a virtual timeline.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "datagen/dataset.hpp"
#include "mockserver/dataset_source.hpp"
#include "protocol/export_service.hpp"

namespace bh::testing {

inline std::string drain(protocol::BodyStream& s, std::size_t chunk = 4096) {
  std::string out;
  for (int guard = 0; guard < 10000000; ++guard)
    if (!s.next(out, chunk)) return out;
  ADD_FAILURE() << "body stream never ended";
  return out;
}

inline std::string body_of(protocol::Response& r) {
  return r.stream ? drain(*r.stream) : r.body;
}

inline protocol::Request get(std::string target, protocol::Headers headers = {}) {
  protocol::Request r;
  r.method = "GET";
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.client_id = "127.0.0.1";
  return r;
}

inline protocol::Headers kickoff_headers() {
  protocol::Headers h;
  h.add("Accept", "application/fhir+json");
  h.add("Prefer", "respond-async");
  return h;
}

class ServiceTest : public ::testing::Test {
 protected:
  explicit ServiceTest(std::uint64_t members = 200)
      : data_(datagen::DataConfig{7, members, 60}), source_(data_) {
    config_.base_url = "http://127.0.0.1:9999/fhir";
    config_.seed = 7;
    config_.wire = TimeScale{kVirtualEpoch, 1.0};
    config_.job_duration = seconds(10);
    config_.retry_after = seconds(2);
    config_.min_poll_interval = seconds(1);
    service_ = std::make_unique<protocol::ExportService>(config_, source_);
  }
  void rebuild() { service_ = std::make_unique<protocol::ExportService>(config_, source_); }

  protocol::Response handle(const protocol::Request& r) {
    return service_->handle(r, clock_.now());
  }
  // Kick-off, returns the status path (relative target) or fails the test.
  std::string kickoff(const std::string& target, protocol::Headers h = kickoff_headers()) {
    auto r = handle(get(target, std::move(h)));
    EXPECT_EQ(r.status, 202) << r.body;
    auto loc = r.headers.get("Content-Location");
    EXPECT_TRUE(loc.has_value());
    if (!loc) return {};
    const std::string prefix = "http://127.0.0.1:9999";
    EXPECT_EQ(loc->substr(0, prefix.size()), prefix) << "Content-Location must be absolute";
    return std::string(loc->substr(prefix.size()));
  }
  // Waits out the job and returns the manifest JSON.
  nlohmann::json complete(const std::string& status_path) {
    clock_.advance(seconds(11));
    auto r = handle(get(status_path));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/json");
    return nlohmann::json::parse(r.body);
  }
  std::string file_body(const std::string& url) {
    const std::string prefix = "http://127.0.0.1:9999";
    auto r = handle(get(url.substr(prefix.size())));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/fhir+ndjson");
    return body_of(r);
  }

  VirtualClock clock_;
  datagen::Dataset data_;
  mockserver::DatasetSource source_;
  protocol::ServiceConfig config_;
  std::unique_ptr<protocol::ExportService> service_;
};

}  // namespace bh::testing
