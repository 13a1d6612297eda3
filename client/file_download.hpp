// client/file_download: the client's record of one manifest file (output, error or deleted).
//
// Contract: plain bookkeeping owned by the ExportClient: what the manifest said (type, url,
// count), the local name, where the current attempt goes (after redirects) and whether it carries
// Authorization, the retry chain, the receiver of a 200 body in progress, and the final report.
// A file ends kDone (fetched and valid) or kFailed with a FileFailure saying why; kAwaitingRefresh
// is a V3+ file whose link expired while the manifest is fetched again (DL-10, T28).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/file_receiver.hpp"
#include "client/outcome.hpp"
#include "client/retry_chain.hpp"
#include "protocol/manifest.hpp"
#include "protocol/url.hpp"

namespace bh::client {

enum class FileKind { kOutput, kError, kDeleted };
enum class FileState { kPending, kInFlight, kAwaitingRefresh, kDone, kFailed };
enum class FileFailure { kNone, kDownload, kValidation, kGone };

struct FileDownload {
  FileDownload(FileKind k, std::size_t index, const protocol::ManifestFile& item, std::string name,
               Backoff backoff);

  FileKind kind;
  std::size_t list_index;  // position in its manifest list, to match a refreshed manifest
  std::string expected_type;
  std::optional<std::uint64_t> count;
  std::optional<protocol::Url> manifest_url;  // none when the manifest URL does not parse
  protocol::Url current;                      // this hop's URL (after redirects)
  std::uint32_t redirects = 0;                // hops in the current attempt
  bool send_auth = false;                     // this hop carries Authorization
  FileState state = FileState::kPending;
  FileFailure failure = FileFailure::kNone;
  RetryChain chain;
  std::unique_ptr<FileReceiver> receiver;
  FileReport report;

  bool terminal() const { return state == FileState::kDone || state == FileState::kFailed; }
};

// Local names: "<Type>-<n>.ndjson" (n counts per type, from 1), "error-<n>.ndjson",
// "deleted-<n>.ndjson". Types are reduced to [A-Za-z0-9] so a hostile manifest cannot name a
// path; a clash gets a numeric suffix.
std::vector<FileDownload> plan_downloads(const protocol::Manifest& manifest,
                                         const BackoffPolicy& backoff, std::uint64_t seed);

std::string_view to_string(FileKind kind);  // "output", "error", "deleted"

}  // namespace bh::client
