#include "client/outcome.hpp"

namespace bh::client {

std::string_view to_string(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::kSuccess:
      return "Success";
    case OutcomeKind::kRejected:
      return "Rejected";
    case OutcomeKind::kFailed:
      return "Failed";
    case OutcomeKind::kManifestInvalid:
      return "ManifestInvalid";
    case OutcomeKind::kDownloadFailed:
      return "DownloadFailed";
    case OutcomeKind::kValidationFailed:
      return "ValidationFailed";
    case OutcomeKind::kGone:
      return "Gone";
    case OutcomeKind::kCancelled:
      return "Cancelled";
    case OutcomeKind::kTimedOut:
      return "TimedOut";
    case OutcomeKind::kTransportError:
      return "TransportError";
  }
  return "?";
}

int exit_code(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::kSuccess:
      return 0;
    case OutcomeKind::kRejected:
      return 3;
    case OutcomeKind::kFailed:
      return 4;
    case OutcomeKind::kManifestInvalid:
      return 5;
    case OutcomeKind::kDownloadFailed:
      return 6;
    case OutcomeKind::kValidationFailed:
      return 7;
    case OutcomeKind::kGone:
      return 8;
    case OutcomeKind::kCancelled:
      return 9;
    case OutcomeKind::kTimedOut:
      return 10;
    case OutcomeKind::kTransportError:
      return 11;
  }
  return 1;
}

}  // namespace bh::client
