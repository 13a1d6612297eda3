// The file cache hands out the generator's bytes, stores a file only once it was generated
// whole, stays under its cap, and leaves nothing on disk.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "datagen/dataset.hpp"
#include "mockserver/dataset_source.hpp"
#include "mockserver/file_cache.hpp"
#include "service_fixture.hpp"

namespace bh::mockserver {
namespace {

namespace fs = std::filesystem;

class FileCacheTest : public ::testing::Test {
 protected:
  FileCacheTest() : data_(datagen::DataConfig{7, 200, 200}), source_(data_) {
    std::string pattern = ::testing::TempDir() + "bh-file-cache-XXXXXX";
    dir_ = ::mkdtemp(pattern.data());
  }
  ~FileCacheTest() override { fs::remove_all(dir_); }

  std::shared_ptr<FileCache> cache(std::uint64_t max_bytes = 1ULL << 30) {
    return std::make_shared<FileCache>(FileCacheOptions{dir_, max_bytes});
  }
  static protocol::DataSlice patients() {
    protocol::DataSlice s;
    s.type = "Patient";
    s.begin = 0;
    s.end = 200;
    return s;
  }
  std::string generated(const protocol::DataSlice& s) { return testing::drain(*source_.open(s)); }

  datagen::Dataset data_;
  DatasetSource source_;
  std::string dir_;
};

TEST_F(FileCacheTest, RepeatFetchIsTheStoredFileWithTheGeneratorsBytes) {
  auto c = cache();
  CachedSource cached(source_, c);
  const std::string expected = generated(patients());
  ASSERT_GT(expected.size(), 10000u);

  auto first = cached.open(patients());
  EXPECT_EQ(dynamic_cast<FileStream*>(first.get()), nullptr) << "nothing stored yet";
  EXPECT_EQ(testing::drain(*first, 4096), expected);
  EXPECT_EQ(c->stats().stored, 1u);
  EXPECT_EQ(c->stats().bytes, expected.size());

  auto second = cached.open(patients());
  auto* file = dynamic_cast<FileStream*>(second.get());
  ASSERT_NE(file, nullptr) << "a whole file was generated: the repeat fetch must be stored";
  EXPECT_EQ(file->remaining(), expected.size());
  EXPECT_EQ(testing::drain(*second, 777), expected);  // odd pieces: pread offsets add up
  EXPECT_EQ(c->stats().hits, 1u);
}

TEST_F(FileCacheTest, AFetchCutShortStoresNothing) {
  auto c = cache();
  CachedSource cached(source_, c);
  {
    auto s = cached.open(patients());
    std::string part;
    ASSERT_TRUE(s->next(part, 1000));  // the client went away after one piece
  }
  EXPECT_EQ(c->stats().stored, 0u);
  EXPECT_EQ(c->stats().bytes, 0u) << "the partial file's bytes must be given back";
  auto again = cached.open(patients());
  EXPECT_EQ(dynamic_cast<FileStream*>(again.get()), nullptr);
  EXPECT_EQ(testing::drain(*again), generated(patients()));
}

TEST_F(FileCacheTest, OverTheCapTheFileIsStreamedNotStored) {
  auto c = cache(5000);
  CachedSource cached(source_, c);
  EXPECT_EQ(testing::drain(*cached.open(patients())), generated(patients()));
  EXPECT_EQ(c->stats().stored, 0u);
  EXPECT_EQ(c->stats().skipped, 1u);
  EXPECT_EQ(c->stats().bytes, 0u);
  EXPECT_EQ(dynamic_cast<FileStream*>(cached.open(patients()).get()), nullptr);
}

TEST_F(FileCacheTest, EveryFilterIsPartOfTheKey) {
  auto c = cache();
  CachedSource cached(source_, c);
  auto elements = patients();
  elements.elements = {"id", "gender"};
  auto since = patients();
  since.since = Instant{} + std::chrono::hours(24 * 365 * 50);
  auto some = patients();
  some.patients = {1, 5, 9};
  std::vector<protocol::DataSlice> slices{patients(), elements, since, some};
  for (const auto& s : slices)
    testing::drain(*cached.open(s));  // store each
  EXPECT_EQ(c->stats().stored, slices.size());
  for (const auto& s : slices) {
    auto stream = cached.open(s);
    ASSERT_NE(dynamic_cast<FileStream*>(stream.get()), nullptr);
    EXPECT_EQ(testing::drain(*stream), generated(s));
  }
}

TEST_F(FileCacheTest, NothingIsLeftInTheDirectory) {
  auto c = cache();
  CachedSource cached(source_, c);
  testing::drain(*cached.open(patients()));
  ASSERT_EQ(c->stats().stored, 1u);
  EXPECT_TRUE(fs::is_empty(dir_)) << "stored files must be unlinked from the start";
}

TEST_F(FileCacheTest, ProbeNamesTheDirectoryItCannotUse) {
  EXPECT_TRUE(FileCache::probe(dir_).ok());
  auto bad = FileCache::probe(dir_ + "/missing");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find(dir_ + "/missing"), std::string::npos);
  EXPECT_NE(bad.error().message().find("writable directory"), std::string::npos);
}

}  // namespace
}  // namespace bh::mockserver
