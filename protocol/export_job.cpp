#include "protocol/export_job.hpp"

#include <algorithm>

namespace bh::protocol {

std::string_view to_string(JobState s) {
  switch (s) {
    case JobState::kRunning:
      return "running";
    case JobState::kCompleted:
      return "completed";
    case JobState::kExpired:
      return "expired";
    case JobState::kGone:
      return "gone";
    case JobState::kDeleted:
      return "deleted";
  }
  return "?";
}

JobState ExportJob::state_at(Instant now) const {
  if (deleted_at && *deleted_at <= now) return JobState::kDeleted;
  if (now < completes_at) return JobState::kRunning;
  if (now < expires_at) return JobState::kCompleted;
  if (now < gone_at) return JobState::kExpired;
  return JobState::kGone;
}

int ExportJob::progress_percent(Instant now) const {
  const auto total = (completes_at - accepted_at).count();
  if (total <= 0) return 100;
  const auto done = std::clamp<std::int64_t>((now - accepted_at).count(), 0, total);
  return static_cast<int>(done * 100 / total);
}

}  // namespace bh::protocol
