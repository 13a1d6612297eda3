// The export's progress line on a fake clock: silent while polling, then files, bytes and rate
// counted from when the manifest listed files.
#include "app/download_progress.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/unit/app/fake_steady_clock.hpp"

namespace bh::app {
namespace {

TEST(DownloadProgressLine, SilentUntilTheManifestListsFilesThenTimedFromThere) {
  FakeSteadyClock c;
  std::ostringstream out;
  DownloadProgressLine p(out, false, true, c.fn());
  c.t += std::chrono::seconds(30);  // polling: no files yet
  p.update({});
  EXPECT_EQ(out.str(), "");
  p.update({4, 0, 0, 0});  // the manifest arrived: the clock starts here
  c.t += std::chrono::seconds(2);
  p.update({4, 1, 0, 10'000'000});
  c.t += std::chrono::seconds(2);
  p.update({4, 3, 1, 30'000'000});
  p.finish();
  EXPECT_EQ(out.str(),
            "download: 1/4, 0 failed so far, 0m02s elapsed, ~0m06s left, 10.0 MB at 5.0 MB/s\n"
            "download: 3/4, 1 failed so far, 0m04s elapsed, ~0m01s left, 30.0 MB at 7.5 MB/s\n"
            "download: 3/4, 1 failed so far, 0m04s elapsed, ~0m01s left, 30.0 MB at 7.5 MB/s\n");
}

TEST(DownloadProgressLine, QuietPrintsNothing) {
  FakeSteadyClock c;
  std::ostringstream out;
  DownloadProgressLine p(out, false, false, c.fn());
  p.update({4, 0, 0, 0});
  c.t += std::chrono::seconds(5);
  p.update({4, 4, 0, 1});
  p.finish();
  EXPECT_EQ(out.str(), "");
}

TEST(DownloadProgressLine, BytesAndRate) {
  EXPECT_EQ(bytes_and_rate(0, 0), "0.0 MB");
  EXPECT_EQ(bytes_and_rate(1'234'567, 0.5), "1.2 MB at 2.5 MB/s");
}

}  // namespace
}  // namespace bh::app
