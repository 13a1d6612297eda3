#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace bh {

namespace {
Error os_error(const std::string& path, const char* step) {
  return Error{path, std::string(step) + " failed: " + std::strerror(errno), "", ""};
}

}  // namespace

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

Status write_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
  // The pid keeps two processes writing the same report from sharing a temporary file.
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return os_error(path, "creating a temporary file beside it");
  const bool written = write_all(fd, content);
  const int saved = errno;
  if (::close(fd) != 0 || !written) {
    errno = written ? errno : saved;
    Error e = os_error(path, "writing");
    ::unlink(tmp.c_str());
    return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = os_error(path, "moving the temporary file into place");
    ::unlink(tmp.c_str());
    return e;
  }
  return Ok{};
}

Status check_report_directory(const std::string& path, std::string_view flag) {
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir))
    return make_error(std::string(flag) + " " + path, "its directory does not exist");
  return Ok{};
}

}  // namespace bh
