// protocol/export_job: one export job as the server sees it (requirements §2.3).
//
// Contract: a job's state is a pure function of when it was accepted, its configured duration,
// the DELETE it may have received and `now`: ACCEPTED/RUNNING until completes_at, then COMPLETED
// until expires_at, then EXPIRED (files refused) and, after the retention period, GONE (the
// status URL answers 404). DELETED is final. Nothing advances in the background, so the same
// requests at the same instants always see the same states (sim and serve alike).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "protocol/data_source.hpp"
#include "protocol/export_request.hpp"
#include "protocol/manifest.hpp"

namespace bh::protocol {

enum class JobState { kRunning, kCompleted, kExpired, kGone, kDeleted };
std::string_view to_string(JobState s);

// One file of the manifest and what it contains, so a download can regenerate it.
struct JobFile {
  std::string name;  // "3-Observation.ndjson" or "error-1.ndjson"
  std::string type;  // resource type; "OperationOutcome" for error files
  DataSlice slice;   // data files: exactly what the manifest counted, so a download repeats it
  std::uint64_t count = 0;
  std::string inline_body;  // error files: the NDJSON itself (small)
  bool is_error = false;
};

struct ExportJob {
  std::string id;
  std::string client_id;
  ExportRequest request;
  std::string request_url;  // the manifest's `request` (POST: without parameters)
  Instant accepted_at{};
  Instant completes_at{};
  Instant expires_at{};  // completes_at + file ttl: files refused from here on
  Instant gone_at{};     // status URL 404s from here on
  std::optional<Instant> deleted_at;
  std::optional<Instant> last_poll;
  std::uint64_t polls = 0;
  bool manifest_built = false;
  Manifest manifest;
  std::vector<JobFile> files;  // same order as manifest output then error

  JobState state_at(Instant now) const;
  // 0..100, for X-Progress while running.
  int progress_percent(Instant now) const;
};

}  // namespace bh::protocol
