// client/outcome: how one export run ended, and the process exit code that says so.
//
// Contract: an Outcome is the client's single verdict. kSuccess is reported ONLY when every file
// the manifest listed (output, error and deleted) was fetched with 200 and validated (NDJSON,
// resourceType, count). Everything else names what went wrong in `message` (the thing, the value,
// the expectation). Exit codes are stable, because CI scripts and the scenario judge compare them:
//
//   0  Success           every manifest file downloaded and valid
//   2  (reserved)        usage error: bad command line (never produced by the state machine)
//   3  Rejected          kick-off refused for good (4xx/5xx OperationOutcome, 200 instead of 202,
//                        202 without an absolute Content-Location, kick-off retries exhausted)
//   4  Failed            the job failed (status 4xx/5xx non-transient, non-FHIR error body,
//                        status retries exhausted, request cap reached)
//   5  ManifestInvalid   the completion manifest breaks a SHALL of the IG version (MF-xx)
//   6  DownloadFailed    a file could not be fetched (4xx, retries exhausted, local write error)
//   7  ValidationFailed  every file fetched but some content is wrong (NDJSON, type, count)
//   8  Gone              status URL 404/410 without our DELETE, or links expired (LINKS_EXPIRED)
//   9  Cancelled         the user cancelled (SIGINT/SIGTERM); DELETE sent if a job existed
//  10  TimedOut          the client's own deadline passed; DELETE sent if a job existed
//  11  TransportError    kick-off or status retries exhausted on network errors only
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bh::client {

enum class OutcomeKind {
  kSuccess,
  kRejected,
  kFailed,
  kManifestInvalid,
  kDownloadFailed,
  kValidationFailed,
  kGone,
  kCancelled,
  kTimedOut,
  kTransportError,
};

std::string_view to_string(OutcomeKind kind);  // "Success", "Rejected", ...
int exit_code(OutcomeKind kind);

inline constexpr int kUsageExitCode = 2;

// What happened to one manifest file, for the summary and for judges.
struct FileReport {
  std::string name;      // local file name: "Patient-1.ndjson"
  std::string url;       // as listed in the manifest
  std::string type;      // expected resourceType
  bool ok = false;       // fetched (200) and valid
  bool fetched = false;  // a 200 body was received completely
  std::uint64_t resources = 0;
  std::uint64_t bytes = 0;
  std::string problem;  // empty when ok
};

struct Counts {
  std::uint64_t requests = 0;        // HTTP requests sent (every attempt and redirect hop)
  std::uint64_t files_expected = 0;  // files listed in the manifest
  std::uint64_t files_ok = 0;        // fetched and valid
  std::uint64_t bytes = 0;           // body bytes of fetched files
  std::map<std::string, std::uint64_t> resources_by_type;  // ordered: deterministic output
};

struct Outcome {
  OutcomeKind kind = OutcomeKind::kFailed;
  std::string message;
  Counts counts;
  std::vector<FileReport> files;  // in manifest order: output, error, deleted
};

}  // namespace bh::client
