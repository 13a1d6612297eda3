// core/atomic_file: whole or absent, never half; secrets created 0600; no temporary left over.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/atomic_file.hpp"

namespace bh {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("bh-atomic-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {}));
  }
};

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(AtomicFile, WritesAndReplacesWholeLeavingNoTemporary) {
  TempDir dir;
  const auto path = (dir.path / "report.json").string();
  ASSERT_TRUE(write_file_atomically(path, "first"));
  ASSERT_TRUE(write_file_atomically(path, std::string(1 << 20, 'x')));
  EXPECT_EQ(read(path), std::string(1 << 20, 'x'));
  EXPECT_EQ(dir.entries(), 1u);
}

TEST(AtomicFile, SecretsAreCreatedOwnerOnly) {
  TempDir dir;
  const auto path = (dir.path / "private-key.pem").string();
  ASSERT_TRUE(write_file_atomically(path, "secret", 0600));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(AtomicFile, AFailedWriteNamesThePathAndLeavesTheOldFile) {
  TempDir dir;
  const auto missing = (dir.path / "no-such-dir" / "r.json").string();
  auto st = write_file_atomically(missing, "x");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find(missing), std::string::npos) << st.error().message();
  EXPECT_NE(st.error().message().find("No such file"), std::string::npos);
  // Renaming onto a directory fails: the directory stays, and no temporary is left beside it.
  const auto blocked = dir.path / "taken";
  fs::create_directories(blocked / "inside");
  ASSERT_FALSE(write_file_atomically(blocked.string(), "x"));
  EXPECT_TRUE(fs::is_directory(blocked));
  EXPECT_EQ(dir.entries(), 1u);
}

}  // namespace
}  // namespace bh
