// mockserver/mock_server: the mock Bulk Data server as one pure request handler.
//
// Contract: handle(request, now) answers admin requests (/__admin/...), applies the scenario's
// faults, and otherwise defers to protocol::ExportService; every non-admin exchange goes into
// the journal with the fault that fired. No sockets, no clock: the Beast session and the
// simulator both call this same function, so they behave identically.
//   GET  /__admin/journal   the journal as JSON
//   POST /__admin/reset     forget all jobs and journal entries
//   GET  /__admin/scenario  the running scenario
#pragma once

#include <map>
#include <memory>
#include <string>

#include "datagen/dataset.hpp"
#include "mockserver/dataset_source.hpp"
#include "mockserver/journal.hpp"
#include "mockserver/scenario.hpp"
#include "protocol/export_service.hpp"

namespace bh::mockserver {

struct MockServerConfig {
  protocol::ServiceConfig service;  // job timeline fields are overwritten from the scenario
  datagen::DataConfig data;
  Scenario scenario;
  Instant started_at{};  // journal times are offsets from here
  std::size_t journal_capacity = 10000;
};

class MockServer {
 public:
  explicit MockServer(MockServerConfig config);

  protocol::Response handle(const protocol::Request& request, Instant now);

  const Journal& journal() const { return journal_; }
  const protocol::ExportService& service() const { return service_; }
  const Scenario& scenario() const { return config_.scenario; }

 private:
  protocol::Response admin(const protocol::Request& request, const std::string& path);
  // Returns a fault response and names it in `fault`, or nothing.
  std::optional<protocol::Response> scenario_fault(const protocol::RequestClass& cls, Instant now,
                                                   std::string& fault);

  MockServerConfig config_;
  datagen::Dataset dataset_;
  DatasetSource source_;
  protocol::ExportService service_;
  Journal journal_;
  std::map<std::string, std::uint64_t> status_requests_;  // per job
};

}  // namespace bh::mockserver
