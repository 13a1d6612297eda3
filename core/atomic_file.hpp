// core/atomic_file: output files that are whole or absent.
//
// Contract: write_file_atomically writes `content` to a temporary name beside `path` (created
// fresh with `mode`, so a secret is never readable by others, not even for an instant), then
// renames it over `path`. A failed or interrupted write leaves `path` as it was (absent, or the
// previous complete version) and removes the temporary file; it never leaves a half-written
// file under the final name. Errors name the path and the system's reason.
#pragma once

#include <string>
#include <string_view>

#include <sys/types.h>

#include "core/result.hpp"

namespace bh {

Status write_file_atomically(const std::string& path, std::string_view content, mode_t mode = 0644);

// All of `content` to `fd` (retrying short writes and EINTR); false on any failure, errno set.
bool write_all(int fd, std::string_view content);

// Before a long run whose report goes to `path`: fails (naming `flag` and the path) when the
// directory it would be written in does not exist, so the run is not wasted on a typo.
Status check_report_directory(const std::string& path, std::string_view flag);

}  // namespace bh
